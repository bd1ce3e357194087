"""``POST /check`` answers whether the agency asked about these people before: return information.
Before, any token holder, administrators included, could ask, and no trace was left. Now it is for
the roles that may see return information, and every check is a ``check.made`` ledger event by the
caller, with a commitment to the subjects instead of their names (the command line's check too)."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

import proven
from ftigate.service.admin import access, staff
from ftigate.service.admin import registry as registry_service
from ftigate.service.log import ledger
from ftigate.service.requests.submit import submit_request_file
from ftigate.settings import Settings
from ftigate.web.app import create_app

PEOPLE = {"do-1": "disclosure_officer", "sup-1": "supervisor", "admin-1": "administrator", "ig-1": "overseer"}


@pytest.fixture
def gateway(world, data_dir):
    s = Settings(data_dir=data_dir)
    registry_service.load_registry_file(s, proven.admin(s), world.registry_path)
    for staff_id, role in PEOPLE.items():
        staff.add_staff(s, proven.admin(s), staff_id, f"Synthetic {role}", role)
    tokens = {staff_id: access.issue_token(s, proven.admin(s), staff_id).token for staff_id in PEOPLE}
    return s, TestClient(create_app(s)), tokens


def _checks(s: Settings) -> list[dict]:
    return [e for e in (ledger.entry(s, i).to_json() for i in range(ledger.tree_size(s))) if e["kind"] == "check.made"]


def test_an_administrator_cannot_ask_whether_a_person_was_asked_about(gateway, world):
    s, http, tokens = gateway
    submit_request_file(s, world.write(world.request()))
    probe = world.request(request_id="ICE-2025-000099")
    response = http.post("/check", json=probe, headers={"Authorization": f"Bearer {tokens['admin-1']}"})
    assert response.status_code == 403 and "administrator" in response.json()["error"]
    assert _checks(s) == []


@pytest.mark.parametrize("who", ["do-1", "sup-1", "ig-1"])
def test_each_check_is_recorded_with_who_asked_and_no_name(gateway, world, who):
    s, http, tokens = gateway
    submit_request_file(s, world.write(world.request()))
    probe = json.loads(world.write(world.request(request_id="ICE-2025-000099"), "probe.json").read_text())
    response = http.post("/check", json=probe, headers={"Authorization": f"Bearer {tokens[who]}"})
    assert response.status_code == 200
    assert any(f["rule"] == "L6-repeated-subject" and f["outcome"] == "review" for f in response.json()["findings"])
    (check,) = _checks(s)
    assert check["actor"] == who and check["via"] == "http" and check["subjects"] == 1
    text = json.dumps(check)
    assert "Synthetica" not in text and "Example Road" not in text


def test_a_duplicated_member_over_http_is_refused(gateway, world):
    s, http, tokens = gateway
    body = json.dumps(world.request()).replace('"reason":', '"reason": "N/A", "reason":', 1)
    response = http.post("/check", content=body.encode(), headers={"Authorization": f"Bearer {tokens['do-1']}",
                                                                   "Content-Type": "application/json"})
    assert response.status_code == 400 and "appears twice" in response.json()["error"]
    assert _checks(s) == []


def test_the_command_line_check_is_recorded_in_the_checker_s_name(cli, world, data_dir):
    """The command line's check stores nothing (the contract) unless it tells its reader that a subject
    was asked about before: that one is recorded, in the name of the proven person who checked; an
    administrator is refused, as over HTTP."""
    settings = Settings(data_dir=data_dir)
    assert cli("registry", "load", world.registry_path, as_="admin-0").exit_code == 0
    proven.add_staff(settings, "sup-7", "Synthetic Supervisor", "supervisor")
    assert cli("check", world.write(world.request()), "--json", as_="sup-7").exit_code == 0
    assert _checks(settings) == []
    assert cli("submit", world.write(world.request())).exit_code == 0
    again = world.write(world.request(request_id="ICE-2025-000099"), "again.json")
    refused = cli("check", again, "--json", as_="admin-0")
    assert refused.exit_code == 1 and refused.stdout == "" and _checks(settings) == []
    assert cli("check", again, "--json", as_="sup-7").exit_code == 0
    (check,) = _checks(settings)
    assert check["actor"] == "sup-7" and check["via"] == "command line"
