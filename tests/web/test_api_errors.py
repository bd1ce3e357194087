"""Bad input over HTTP: every error is ``{"error": "…"}`` with the right 4xx, a body over the limit is
413, an unknown filter value 400, no path of the gateway or traceback reaches the client, nothing is
stored half-way; ``/docs`` needs nothing from the internet."""

from __future__ import annotations

import io
import json
import re

import pytest
from api_world import serve, signed

from ftigate.service.log import ledger
from ftigate.service.requests import queries
from ftigate.settings import Settings
from ftigate.web import errors, uploads


@pytest.fixture
def served(data_dir, world):
    return serve(Settings(data_dir=data_dir), world)


def _error(response, status: int) -> str:
    assert response.status_code == status, (response.status_code, response.text)
    body = response.json()
    assert set(body) == {"error"} and isinstance(body["error"], str) and body["error"]
    assert "Traceback" not in body["error"] and "/tmp" not in body["error"] and "uploads" not in body["error"]
    return body["error"]


def test_malformed_json_and_schema_errors_are_json_errors(served):
    official, officer = served.bearer("ice-director"), served.bearer("do-1")
    assert "JSON" in _error(served.http.post("/requests", content=b"{not json", headers={
        **official, "Content-Type": "application/json"}), 400)
    assert "JSON object" in _error(served.http.post("/requests", json=[1, 2], headers=official), 400)
    review = served.http.post("/requests/DHS-ICE/X/review", json={"decision": "maybe"}, headers=officer)
    assert "decision" in _error(review, 422)
    broken = served.http.post("/requests/DHS-ICE/X/review", content=b"{", headers={
        **officer, "Content-Type": "application/json"})
    assert "JSON" in _error(broken, 400)
    assert _error(served.http.get("/no-such-route", headers=officer), 404)
    assert _error(served.http.delete("/requests", headers=officer), 405)


def test_an_unknown_filter_value_is_400_naming_the_states(served):
    message = _error(served.http.get("/requests?state=bogus", headers=served.bearer("do-1")), 400)
    assert "awaiting_review" in message


def test_a_body_over_the_limit_is_413_and_stores_nothing(served, monkeypatch):
    monkeypatch.setattr(errors, "MAX_JSON_BYTES", 2000)
    body = b'{"x": "' + b"a" * 5000 + b'"}'
    message = _error(served.http.post("/requests", content=body, headers={
        **served.bearer("ice-director"), "Content-Type": "application/json"}), 413)
    assert "MiB" in message or "larger" in message

    def chunks():  # no Content-Length: refused while it is read
        for _ in range(10):
            yield b"a" * 1000

    streamed = served.http.post("/requests", content=chunks(), headers={
        **served.bearer("ice-director"), "Content-Type": "application/json"})
    _error(streamed, 413)
    assert queries.requests(served.settings) == []


def test_a_bad_upload_names_the_client_s_file_stores_nothing_and_leaves_nothing(served, world, tmp_path):
    request = world.request()
    del request["subjects"]
    request["subjects_file"] = "subjects.csv"
    request["subjects_sha256"] = "0" * 64
    document = signed(world, request)
    files = {"request": ("request.json", io.BytesIO(json.dumps(document).encode())),
             "subjects": ("subjects.csv", io.BytesIO(b"nothing,useful\n1,2\n"))}
    message = _error(served.http.post("/requests", files=files, headers=served.bearer("ice-director")), 400)
    assert "subjects.csv" in message and str(served.settings.data_dir) not in message
    assert queries.requests(served.settings) == []
    assert not any((served.settings.data_dir / "uploads").iterdir())
    before = ledger.tree_size(served.settings)
    document["subjects_file"] = "../escape.csv"
    files["request"] = ("request.json", io.BytesIO(json.dumps(document).encode()))
    files["subjects"] = ("subjects.csv", io.BytesIO(b"subject_id,first_name,last_name\n"))
    assert "plain file name" in _error(served.http.post("/requests", files=files,
                                                        headers=served.bearer("ice-director")), 400)
    assert ledger.tree_size(served.settings) == before


def test_too_many_rows_are_refused_while_they_arrive(served, world, monkeypatch):
    monkeypatch.setattr(uploads, "MAX_ROWS", 3)
    request = world.request()
    del request["subjects"]
    request["subjects_file"] = "subjects.csv"
    request["subjects_sha256"] = "0" * 64
    rows = b"subject_id,first_name,last_name\n" + b"".join(b"S-%d,A,B\n" % i for i in range(5))
    files = {"request": ("request.json", io.BytesIO(json.dumps(signed(world, request)).encode())),
             "subjects": ("subjects.csv", io.BytesIO(rows))}
    assert "more than 3 subjects" in _error(served.http.post("/requests", files=files,
                                                              headers=served.bearer("ice-director")), 400)
    assert queries.requests(served.settings) == []


def test_a_requester_submits_only_for_their_own_agency(served, world):
    other = world.request(agency="DOL-OIG")
    message = _error(served.http.post("/requests", json=signed(world, other), headers=served.bearer("ice-director")),
                     403)
    assert "DHS-ICE" in message
    assert queries.requests(served.settings) == []


def test_docs_are_served_from_local_assets(served):
    page = served.http.get("/docs")
    assert page.status_code == 200
    scripts = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert scripts and all(s.startswith("/") for s in scripts), scripts  # nothing from another host
    for asset in scripts:
        assert served.http.get(asset).status_code == 200, asset


@pytest.mark.parametrize("padding", [0, 2 * 1024 * 1024], ids=["small", "over-one-trip"])
def test_a_submission_is_refused_in_the_same_order_small_or_large(served, world, padding):
    """Token first (401), then the role (403), then the body (400), then the agency (403): a small JSON
    body, read before its token is checked, is refused exactly as a large one, checked first."""
    from ftigate.web.requests_api import ONE_TRIP_BYTES

    assert padding == 0 or padding > ONE_TRIP_BYTES
    json_type = {"Content-Type": "application/json"}
    broken = b"{" + b" " * padding
    other = json.dumps(dict(signed(world), agency="OTHER-AGENCY", padding="x" * padding)).encode()
    on_file = json.dumps(dict(signed(world), subjects_file="s.csv", padding="x" * padding)).encode()
    official, officer = served.bearer("ice-director"), served.bearer("do-1")
    for body, headers, status in [
        (broken, {}, 401), (broken, {"Authorization": "Bearer ftg_not-a-token"}, 401), (broken, officer, 403),
        (broken, official, 400), (other, official, 403), (on_file, official, 400),
    ]:
        response = served.http.post("/requests", content=body, headers={**headers, **json_type})
        _error(response, status)
        if status == 401:
            assert response.headers["WWW-Authenticate"] == "Bearer"
    assert queries.requests(served.settings) == []
    kept = served.http.post("/requests", content=json.dumps(dict(signed(world), padding="x" * padding)).encode(),
                            headers={**official, **json_type})
    assert kept.status_code == 201, kept.text
