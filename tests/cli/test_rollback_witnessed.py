"""A witness's cosignature is remembered outside the gateway's database: a database rolled back to
before the witnessed size fails ``ledger audit`` and ``ledger checkpoint`` refuses it; an overseer's
own copy of a checkpoint is checked with ``ledger audit --checkpoint``."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

from ftigate.ledger import catalogue
from ftigate.service.log import ledger
from ftigate.service.store_access import transaction
from ftigate.settings import Settings


def populate(data_dir: Path, n: int, start: int = 0) -> None:
    settings = Settings(data_dir=data_dir)
    with transaction(settings) as conn:
        ledger.append(conn, settings, [
            catalogue.Entry(event=catalogue.StaffRegistered(staff=f"s-{i}", role="overseer"),
                            at=dt.datetime(2026, 6, 27, 10, tzinfo=dt.UTC), actor="administrator")
            for i in range(start, start + n)])


def setup_witness(cli, tmp_path: Path) -> tuple[Path, str]:
    state = tmp_path / "overseer"
    log_vkey = cli("ledger", "vkey").stdout.strip()
    result = cli("witness", "init", "--state", str(state), "--name", "oversight.tigta.example/witness",
                 "--log", log_vkey)
    assert result.exit_code == 0, result.stderr
    return state, result.stdout.strip()


def test_a_rollback_behind_the_witness_is_refused(cli, data_dir, tmp_path):
    populate(data_dir, 10)
    db = data_dir / "ftigate.sqlite3"
    assert cli("ledger", "checkpoint").exit_code == 0
    backup = tmp_path / "backup.sqlite3"
    with sqlite3.connect(db) as source, sqlite3.connect(backup) as copy:
        source.backup(copy)
    populate(data_dir, 5, 10)
    state, witness_vkey = setup_witness(cli, tmp_path)
    request, cosig = tmp_path / "request.txt", tmp_path / "cosig.txt"
    assert cli("ledger", "witness-request", "--old", "0", "--out", str(request)).exit_code == 0
    assert cli("witness", "add-checkpoint", str(request), "--out", str(cosig), "--state", str(state)).exit_code == 0
    assert cli("ledger", "add-cosignatures", str(cosig), "--witness", witness_vkey).exit_code == 0
    kept = tmp_path / "kept-checkpoint.txt"
    kept.write_text(cli("ledger", "checkpoint", "--latest").stdout, encoding="utf-8")
    assert (data_dir / "keys" / "ledger-checkpoint.cosigned").exists()
    assert cli("ledger", "audit", "--checkpoint", str(kept)).exit_code == 0

    # the gateway's own memory of what it signed is lost too: only the witness's copy remains
    (data_dir / "keys" / "ledger-checkpoint.signed").unlink()
    with sqlite3.connect(backup) as source, sqlite3.connect(db) as target:
        source.backup(target)
    audit = cli("ledger", "audit")
    assert audit.exit_code == 1 and "a witness cosigned" in audit.stdout + audit.stderr
    refused = cli("ledger", "checkpoint")
    assert refused.exit_code != 0 and "Traceback" not in refused.stderr
    assert cli("ledger", "audit", "--checkpoint", str(kept)).exit_code == 1
