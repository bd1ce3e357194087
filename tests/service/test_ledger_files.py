"""Export to tlog-tiles and verification of the directory, hashed in one process or in several."""

from __future__ import annotations

import datetime as dt

import pytest

from ftigate.errors import NotFoundError
from ftigate.ledger import catalogue
from ftigate.ledger.tiles import decode_bundle, encode_bundle, entries_path
from ftigate.service.log import ledger, ledger_files
from ftigate.service.store_access import transaction
from ftigate.settings import Settings


@pytest.fixture
def exported(tmp_path):
    settings = Settings(data_dir=tmp_path / "data")
    with transaction(settings) as conn:
        ledger.append(conn, settings, [
            catalogue.Entry(event=catalogue.StaffRegistered(staff=f"s-{i}", role="overseer"),
                            at=dt.datetime(2025, 8, 7, tzinfo=dt.UTC), actor="administrator")
            for i in range(700)])
    summary = ledger_files.export(settings, tmp_path / "log")
    assert (summary.size, summary.bundles, summary.tiles) == (700, 3, 4)
    return settings, tmp_path / "log"


@pytest.mark.parametrize("parallel", [False, True])
def test_verification_is_the_same_whether_hashed_here_or_in_worker_processes(exported, monkeypatch, parallel):
    settings, root = exported
    if parallel:
        monkeypatch.setattr(ledger_files, "PARALLEL_FROM", 0)
    vkey = ledger.verifier_key(settings)
    assert ledger_files.verify_directory(root, vkey, workers=2).ok
    bundle = root / entries_path(1)
    items = decode_bundle(bundle.read_bytes())
    items[10], items[11] = items[11], items[10]
    bundle.write_bytes(encode_bundle(items))
    report = ledger_files.verify_directory(root, vkey, workers=2)
    assert (report.first_tampered.kind, report.first_tampered.index) == ("reordered", 266)
    (root / entries_path(2, 188)).write_bytes(b"\x00")  # a truncated bundle
    report = ledger_files.verify_directory(root, vkey, workers=2)
    assert any(p.kind == "bundle" and "truncated" in p.message for p in report.problems)
    assert report.first_tampered.kind == "reordered"


def test_export_needs_a_checkpoint_unless_it_signs_one(tmp_path):
    settings = Settings(data_dir=tmp_path / "data")
    with pytest.raises(NotFoundError):
        ledger_files.export(settings, tmp_path / "log", publish=False)
    summary = ledger_files.export(settings, tmp_path / "log")  # an empty log exports as a checkpoint alone
    assert summary.size == 0 and (tmp_path / "log" / "checkpoint").exists()
    assert ledger_files.verify_directory(tmp_path / "log", ledger.verifier_key(settings)).ok
