"""An orphan package (written, never recorded: the process was killed in between) is removed by the
next run that writes packages; a recorded package is never touched."""

from __future__ import annotations

import pytest
from test_lifecycle import _file_request, gateway, population  # noqa: F401  (the lifecycle's fixtures)

from ftigate.service.requests.disclose import disclose
from ftigate.service.requests.review import review
from ftigate.service.requests.submit import submit_request_file
from ftigate.service.store_access import transaction
from ftigate.store import disclosure_store, requests_store


def test_a_package_killed_before_its_record_is_removed_by_the_next_run(gateway, world, population, monkeypatch):
    master = population[0]
    result = submit_request_file(gateway, _file_request(world, population))
    review(gateway, result.ref, "do-1", "approve", "meets 6103(i)(2)")
    real = disclosure_store.insert_package

    def killed(conn, row):
        raise KeyboardInterrupt("killed between writing the package and committing it")

    monkeypatch.setattr(disclosure_store, "insert_package", killed)
    with pytest.raises(KeyboardInterrupt):
        disclose(gateway, result.ref, master)
    folder = gateway.data_dir / "packages"
    written = sorted(p.name for p in folder.iterdir() if not p.name.startswith("."))  # signed, on disk, no row
    orphan = written[0].split(".")[0]
    assert written == [f"{orphan}.age", f"{orphan}.age.sig"]
    # a write cut short in an earlier run, and another format's file of the same orphan
    (folder / f".{orphan}.age.4242.deadbeef.partial").write_text("{")
    (folder / f"{orphan}.json").write_text("{}")
    with transaction(gateway) as conn:
        assert requests_store.find_request(conn, "DHS-ICE", "ICE-2025-000017")["state"] == "disclosed"

    monkeypatch.setattr(disclosure_store, "insert_package", real)
    summary = disclose(gateway, result.ref, master)
    assert summary.state == "delivered" and summary.package_id != orphan
    left = sorted(p.name for p in folder.iterdir() if p.name != ".lock")
    assert left == [f"{summary.package_id}.age", f"{summary.package_id}.age.sig"]

    # a later run leaves the recorded package alone
    assert disclose(gateway, result.ref, master).package_id == summary.package_id
    assert sorted(p.name for p in folder.iterdir() if p.name != ".lock") == left
