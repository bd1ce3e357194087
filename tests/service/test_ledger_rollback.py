"""Rollback: a database restored from an older copy (or its newest entries and checkpoints deleted and
the tiles recomputed, which needs no key) is a consistent, shorter log that no stored row contradicts.
Before, ``ledger audit`` passed it and ``ledger checkpoint`` signed it. The gateway now remembers the
largest checkpoint it signed (and the largest a witness cosigned) outside the database, and both
refuse a log that does not extend them (RFC 6962 consistency)."""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest

from ftigate.ledger import catalogue
from ftigate.ledger.errors import InconsistentLog
from ftigate.service.log import ledger
from ftigate.service.store_access import transaction
from ftigate.settings import Settings


def _append(settings: Settings, n: int, start: int) -> None:
    at = dt.datetime(2026, 6, 27, 10, tzinfo=dt.UTC)
    with transaction(settings) as conn:
        ledger.append(conn, settings, [catalogue.Entry(event=catalogue.EvidenceViewed(row=1), at=at, actor="do-1",
                                                       request=f"DHS-ICE/ICE-2026-{i:06d}")
                                       for i in range(start, start + n)])


def test_a_database_rolled_back_to_an_older_copy_is_found_and_never_signed(tmp_path):
    data = tmp_path / "data"
    live = Settings(data_dir=data, database_url=f"sqlite:///{tmp_path / 'live.sqlite3'}")
    _append(live, 5, 0)
    ledger.publish_checkpoint(live)
    with sqlite3.connect(tmp_path / "live.sqlite3") as source, sqlite3.connect(tmp_path / "old.sqlite3") as copy:
        source.backup(copy)   # the copy someone keeps
    _append(live, 4, 5)
    ledger.publish_checkpoint(live)
    assert ledger.audit(live).ok
    rolled_back = Settings(data_dir=data, database_url=f"sqlite:///{tmp_path / 'old.sqlite3'}")
    report = ledger.audit(rolled_back)
    assert not report.ok
    (problem,) = report.problems
    assert problem.kind == "rollback" and problem.index == 5 and "fewer than" in problem.message
    with pytest.raises(InconsistentLog, match="fewer than"):
        ledger.publish_checkpoint(rolled_back)
    _append(rolled_back, 4, 100)  # grown past the remembered size with other entries: still not an extension
    with pytest.raises(InconsistentLog, match=r"does not extend|differs"):
        ledger.publish_checkpoint(rolled_back)
    assert [p.kind for p in ledger.audit(rolled_back).problems] == ["rollback"]


def test_a_checkpoint_an_overseer_kept_is_checked_too(tmp_path):
    live = Settings(data_dir=tmp_path / "data", database_url=f"sqlite:///{tmp_path / 'live.sqlite3'}")
    _append(live, 3, 0)
    kept = ledger.publish_checkpoint(live)
    _append(live, 2, 3)
    ledger.publish_checkpoint(live)
    checkpoint = ledger.open_own_checkpoint(live, kept, "kept.txt")
    assert ledger.audit(live, extra_checkpoints=[("the overseer's checkpoint", checkpoint)]).ok
    elsewhere = Settings(data_dir=tmp_path / "other", database_url=f"sqlite:///{tmp_path / 'other.sqlite3'}")
    _append(elsewhere, 1, 0)
    ledger.publish_checkpoint(elsewhere)
    from ftigate.errors import ConfigurationError
    with pytest.raises(ConfigurationError, match="not a checkpoint signed by this log"):
        ledger.open_own_checkpoint(elsewhere, kept, "kept.txt")
