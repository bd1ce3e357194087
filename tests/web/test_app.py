"""The HTTP API: read-only views and the same check as the command line, each for a member of staff
with a live token and a role that needs it; every view of a subject's evidence in the ledger."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from ftigate.service.admin import access, staff
from ftigate.service.admin import registry as registry_service
from ftigate.service.log import ledger
from ftigate.service.requests.submit import submit_request_file
from ftigate.service.store_access import transaction
from ftigate.settings import Settings
from ftigate.store import requests_store
from ftigate.web.app import create_app

PEOPLE = {"do-1": "disclosure_officer", "sup-1": "supervisor", "admin-1": "administrator", "ig-1": "overseer"}


@pytest.fixture
def tokens(world, data_dir) -> dict[str, str]:
    """One live API token for a registered member of staff of each role, by staff id."""
    s = Settings(data_dir=data_dir)
    for staff_id, role in PEOPLE.items():
        staff.add_staff(s, staff_id, f"Synthetic {role}", role)
    return {staff_id: access.issue_token(s, staff_id).token for staff_id in PEOPLE}


@pytest.fixture
def client(world, data_dir, tokens):
    """The app, called as the disclosure officer unless a test says otherwise."""
    s = Settings(data_dir=data_dir)
    registry_service.load_registry_file(s, world.registry_path)
    return TestClient(create_app(s), headers=_bearer(tokens["do-1"])), s


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _ledger(s: Settings, kind: str) -> list[dict]:
    return [e for e in (ledger.entry(s, i).to_json() for i in range(ledger.tree_size(s))) if e["kind"] == kind]


def test_check_over_http_matches_the_contract(client, world):
    http, _ = client
    ok = http.post("/check", json=json.loads(world.write(world.request()).read_text()))
    assert ok.status_code == 200
    body = ok.json()
    assert set(body) == {"decision", "policy_version", "findings", "subjects"}
    assert body["decision"] in ("proceed", "review")
    bad = world.request(taxable_periods=[])
    bad_path = world.write(bad, "bad.json")
    rejected = http.post("/check", json=json.loads(bad_path.read_text()))
    assert rejected.status_code == 422 and rejected.json()["decision"] == "rejected"
    assert any(f["citation"] == "26 U.S.C. 6103(i)(2)(B)(ii)" and f["outcome"] == "fail"
               for f in rejected.json()["findings"])


def test_requests_and_evidence_are_readable(client, world):
    http, s = client
    result = submit_request_file(s, world.write(world.request()))
    listed = http.get("/requests").json()
    assert [r["request"] for r in listed] == [result.ref]
    detail = http.get(f"/requests/{result.ref}").json()
    assert detail["state"] == "awaiting_review"
    assert [e["kind"] for e in detail["events"]] == ["request.received", "request.awaiting_review"]
    assert all(isinstance(e["ledger_index"], int) for e in detail["events"])
    subject = http.get(f"/requests/{result.ref}/subjects/S-0001").json()
    assert subject["valid"] is True and subject["outcome"] is None


def test_errors_are_json_with_diagnostics(client):
    http, _ = client
    missing = http.get("/requests/DHS-ICE/NOPE")
    assert missing.status_code == 404 and "no request DHS-ICE/NOPE" in missing.json()["error"]
    assert http.get("/requests/DHS-ICE/NOPE/subjects/S1").status_code == 404
    assert http.post("/check", json={"subjects_file": "x.csv"}).status_code == 400


def test_match_evidence_over_http_shows_no_tin(client, world):
    """Evidence names the candidate and the runner-up by TIN in the store; the HTTP view shows the
    scores and levels, never a TIN (the subject here was not disclosed)."""
    http, s = client
    result = submit_request_file(s, world.write(world.request()))
    evidence = {"reason": "ambiguous", "candidate_tin": "900000001", "match_probability": 0.97,
                "levels": {"name": "exact"}, "runner_up": {"tin": "900000002", "match_probability": 0.95}}
    with transaction(s) as conn:
        row = requests_store.find_request(conn, "DHS-ICE", "ICE-2025-000017")
        [subject] = requests_store.find_subjects(conn, row["id"], "S-0001")
        requests_store.set_outcomes(conn, [{"id": subject["id"], "outcome": "ambiguous", "matched_tin": None,
                                            "match_probability": 0.97, "evidence": evidence}])
    response = http.get(f"/requests/{result.ref}/subjects/S-0001")
    assert response.status_code == 200
    assert "900000001" not in response.text and "900000002" not in response.text
    shown = response.json()["evidence"]
    assert shown["candidate_tin"] == shown["runner_up"]["tin"] == "(not shown)"
    assert shown["runner_up"]["match_probability"] == 0.95 and shown["levels"] == {"name": "exact"}


def _unauthenticated(response) -> bool:
    return (response.status_code == 401 and response.headers.get("www-authenticate") == "Bearer"
            and "not authenticated" in response.json()["error"])


def test_without_a_live_token_nothing_but_health_is_served(client, world, tokens):
    http, s = client
    result = submit_request_file(s, world.write(world.request()))
    routes = [("get", "/requests"), ("get", f"/requests/{result.ref}"),
              ("get", f"/requests/{result.ref}/subjects/S-0001"), ("post", "/check")]
    access.issue_token(s, "ig-1")
    revoked = tokens["ig-1"]
    assert access.revoke_tokens(s, "ig-1") == 2
    for headers in ({"Authorization": ""}, _bearer("ftg_wrong"), _bearer(tokens["do-1"] + "x"),
                    {"Authorization": f"Basic {tokens['do-1']}"}, _bearer(revoked)):
        for method, path in routes:
            response = http.request(method, path, headers=headers, json=world.request())
            assert _unauthenticated(response), (headers, path, response.status_code)
    with TestClient(create_app(s)) as bare:  # no Authorization header at all
        assert _unauthenticated(bare.get("/requests"))
        assert _unauthenticated(bare.get(f"/requests/{result.ref}/subjects/S-0001"))
        health = bare.get("/health")
    assert health.status_code == 200 and health.json()["status"] == "ok"
    assert _ledger(s, "evidence.viewed") == []


def test_every_role_lists_requests(client, world, tokens):
    http, s = client
    result = submit_request_file(s, world.write(world.request()))
    for staff_id in PEOPLE:
        response = http.get("/requests", headers=_bearer(tokens[staff_id]))
        assert response.status_code == 200 and [r["request"] for r in response.json()] == [result.ref]


def test_an_administrator_may_not_read_evidence(client, world, tokens):
    http, s = client
    result = submit_request_file(s, world.write(world.request()))
    response = http.get(f"/requests/{result.ref}/subjects/S-0001", headers=_bearer(tokens["admin-1"]))
    assert response.status_code == 403 and "administrator" in response.json()["error"]
    assert http.get(f"/requests/{result.ref}", headers=_bearer(tokens["admin-1"])).status_code == 200
    assert _ledger(s, "evidence.viewed") == []


def test_an_overseer_reading_evidence_leaves_one_trace_without_the_subject(client, world, tokens):
    http, s = client
    subject = dict(world.request()["subjects"][0], tin="900000009")
    result = submit_request_file(s, world.write(world.request(subjects=[subject])))
    before = ledger.tree_size(s)
    response = http.get(f"/requests/{result.ref}/subjects/S-0001", headers=_bearer(tokens["ig-1"]))
    assert response.status_code == 200 and response.json()["subject_id"] == "S-0001"
    assert ledger.tree_size(s) == before + 1
    [viewed] = _ledger(s, "evidence.viewed")
    assert viewed["actor"] == "ig-1" and viewed["request"] == result.ref
    assert viewed["row"] == response.json()["row_number"]
    text = json.dumps(viewed)
    for personal in ("900000009", subject["first_name"], subject["last_name"], subject["address_line1"],
                     subject["date_of_birth"], tokens["ig-1"]):
        assert personal not in text
    with transaction(s) as conn:
        row = requests_store.find_request(conn, "DHS-ICE", "ICE-2025-000017")
        events = [e for e in requests_store.request_events(conn, row["id"]) if e["kind"] == "evidence.viewed"]
    assert [(e["actor"], e["ledger_index"]) for e in events] == [("ig-1", before)]
    missing = http.get(f"/requests/{result.ref}/subjects/S-9999", headers=_bearer(tokens["ig-1"]))
    assert missing.status_code == 404 and len(_ledger(s, "evidence.viewed")) == 1  # nothing read, no trace
