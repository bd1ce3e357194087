"""The HTTP API: read-only views and the same check as the command line."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from ftigate.service import registry as registry_service
from ftigate.service.submit import submit_request_file
from ftigate.settings import Settings
from ftigate.web.app import create_app


@pytest.fixture
def client(world, data_dir):
    s = Settings(data_dir=data_dir)
    registry_service.load_registry_file(s, world.registry_path)
    return TestClient(create_app(s)), s


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
    from ftigate.service.store_access import transaction
    from ftigate.store import requests_store

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
