"""The request as stored is the request as checked: one canonical form at intake, the same verdict from
``ftigate check`` and ``ftigate submit``, and no document with a duplicated member name judged at all."""

from __future__ import annotations

import json

from sqlalchemy import select

from ftigate.service.store_access import transaction
from ftigate.settings import Settings
from ftigate.store import requests_store
from ftigate.store.tables import subjects


def _verdict(cli, path) -> tuple[int, str]:
    result = cli("check", path, "--json")
    return result.exit_code, json.loads(result.stdout)["decision"] if result.exit_code in (0, 1) else ""


def _stored(data_dir, agency: str, request_id: str):
    with transaction(Settings(data_dir=data_dir)) as conn:
        row = requests_store.find_request(conn, agency, request_id)
        rows = [] if row is None else [dict(r) for r in conn.execute(
            select(subjects).where(subjects.c.request == row["id"])).mappings()]
        return row, rows


def test_what_check_trims_submit_stores_trimmed(cli, world, data_dir):
    """A recipient 'ice-ero-0001 ' passed check and was stored raw (never deliverable); an agency
    ' DHS-ICE' became another agency. Both are stored as judged now."""
    assert cli("registry", "load", world.registry_path).exit_code == 0
    subject = dict(world.request()["subjects"][0], last_name="Synthe\u200btica ", city="\uff33pringfield")
    path = world.write(world.request(agency=" DHS-ICE", recipients=["ice-ero-0001 ", "ice-ero-0002"],
                                     subjects=[subject]))
    assert _verdict(cli, path) == (0, "proceed")
    assert cli("submit", path).exit_code == 0
    row, rows = _stored(data_dir, "DHS-ICE", "ICE-2025-000017")
    assert row is not None, "stored under the agency as judged"
    assert row["document"]["recipients"] == ["ice-ero-0001", "ice-ero-0002"]
    assert row["document"]["agency"] == "DHS-ICE"
    assert (rows[0]["last_name"], rows[0]["city"]) == ("Synthetica", "Springfield")


def test_a_duplicated_member_is_never_judged(cli, world, data_dir):
    assert cli("registry", "load", world.registry_path).exit_code == 0
    good = world.write(world.request())
    text = good.read_text(encoding="utf-8")
    twice = text.replace('"reason":', '"reason": "N/A", "reason":', 1)
    nested = text.replace('"kind": "criminal"', '"kind": "civil", "kind": "criminal"', 1)
    for body in (twice, nested):
        good.write_text(body, encoding="utf-8")
        for command in ("check", "submit"):
            result = cli(command, good)
            assert result.exit_code == 2, (command, result.stdout, result.stderr)
            assert "appears twice" in result.stderr and "Traceback" not in result.stderr
    assert _stored(data_dir, "DHS-ICE", "ICE-2025-000017")[0] is None


def test_a_reference_shaped_like_a_tin_gets_one_verdict(cli, world, data_dir):
    """request_id 'ICE-123456789' was 'proceed' in check and refused by submit (the log refuses what
    looks like a TIN): now both reject it, and submit stores it under a stand-in reference."""
    assert cli("registry", "load", world.registry_path).exit_code == 0
    path = world.write(world.request(request_id="ICE-123456789"))
    assert _verdict(cli, path) == (1, "rejected")
    result = cli("submit", path)
    assert result.exit_code == 1, result.stderr
    assert "Traceback" not in result.stderr and "123456789" not in result.stdout + result.stderr
