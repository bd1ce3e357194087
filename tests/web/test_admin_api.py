"""Administration over HTTP: staff, API tokens (staff and agency), ending a registry entry, taxpayer
notices, opening the accounting, who the caller is, and the work queue; each without a token is 401,
each for the wrong role is 403 with its ``access.denied`` entry in the ledger."""

from __future__ import annotations

import json

import pytest
from api_world import serve, signed

import proven
from ftigate.client import ApiError, Client
from ftigate.service.log import ledger
from ftigate.service.requests import jobs
from ftigate.service.requests.worker import QUEUED_FOLDER, work
from ftigate.settings import Settings


def _entries(settings: Settings, kind: str) -> list[dict]:
    entries = (ledger.entry(settings, i).to_json() for i in range(ledger.tree_size(settings)))
    return [e for e in entries if e["kind"] == kind]


@pytest.fixture
def served(data_dir, world):
    return serve(Settings(data_dir=data_dir), world)


def _refused(served, person: str, call, action: str) -> None:
    """``call`` on ``person``'s client is 403, and the ledger records the refusal (who, role, action)."""
    before = len(_entries(served.settings, "access.denied"))
    with pytest.raises(ApiError) as refused:
        call(served.client(person))
    assert refused.value.status == 403, refused.value
    denied = _entries(served.settings, "access.denied")[before:]
    assert [(d["actor"], d["action"]) for d in denied] == [(person, action)]


def _unauthenticated(served, call) -> None:
    with pytest.raises(ApiError) as refused:
        call(served.client(None))
    assert refused.value.status == 401


def test_me_names_the_tokens_holder(served):
    assert served.client("do-1").me() == {"id": "do-1", "role": "disclosure_officer", "agency": None}
    assert served.client("ice-director").me() == {"id": "ice-director", "role": "requesting_official",
                                                  "agency": "DHS-ICE"}
    _unauthenticated(served, lambda c: c.me())


def test_an_administrator_manages_staff_and_their_tokens(served):
    admin = served.client(proven.ADMIN)
    added = admin.staff_add("do-9", "Synthetic Officer Nine", "disclosure_officer")
    assert added == {"id": "do-9", "name": "Synthetic Officer Nine", "role": "disclosure_officer", "changed": True}
    assert admin.staff_add("do-9", "Synthetic Officer Nine", "disclosure_officer")["changed"] is False
    assert ("do-9", "disclosure_officer") in {(r["id"], r["role"]) for r in admin.staff()}
    assert {r["id"] for r in served.client("ig-1").staff()} >= {"do-9", "admin-1"}  # overseers read staff

    issued = admin.staff_token("do-9", label="laptop", days=7)
    assert issued["holder"] == "do-9" and issued["token"].startswith("ftg_")
    nine = Client("http://testserver", issued["token"], http=served.http)
    assert nine.me()["id"] == "do-9"
    (entry,) = [e for e in _entries(served.settings, "staff.token_issued") if e["staff"] == "do-9"]
    assert entry["fingerprint"] == issued["fingerprint"] and entry["actor"] == proven.ADMIN
    assert issued["token"] not in json.dumps(entry)

    assert admin.staff_revoke("do-9") == {"holder": "do-9", "revoked": 1}
    with pytest.raises(ApiError) as gone:
        nine.me()
    assert gone.value.status == 401
    assert admin.staff_revoke("do-9")["revoked"] == 0

    with pytest.raises(ApiError) as unknown:
        admin.staff_token("nobody")
    assert unknown.value.status == 404
    with pytest.raises(ApiError) as bad_role:
        admin.staff_add("x-1", "Synthetic", "emperor")
    assert bad_role.value.status == 422


def test_staff_management_is_for_administrators(served):
    _refused(served, "do-1", lambda c: c.staff_add("do-9", "Synthetic", "supervisor"), "staff.manage")
    _refused(served, "sup-1", lambda c: c.staff_token("do-1"), "tokens.issue")
    _refused(served, "ig-1", lambda c: c.staff_revoke("do-1"), "tokens.issue")
    _refused(served, "ice-director", lambda c: c.staff(), "staff.read")
    _refused(served, "do-1", lambda c: c.agency_token("ice-ero-0001"), "tokens.issue")
    _refused(served, "ice-director", lambda c: c.agency_revoke("ice-ero-0001"), "tokens.issue")
    _refused(served, "do-1", lambda c: c.registry_end("officer", "ice-ero-0002"), "registry.load")
    for call in (lambda c: c.staff(), lambda c: c.staff_add("a", "b", "overseer"), lambda c: c.staff_token("do-1"),
                 lambda c: c.staff_revoke("do-1"), lambda c: c.agency_token("ice-ero-0001"),
                 lambda c: c.agency_revoke("ice-ero-0001"), lambda c: c.registry_end("officer", "ice-ero-0002")):
        _unauthenticated(served, call)


def test_agency_tokens_and_ending_an_entry(served):
    admin = served.client(proven.ADMIN)
    issued = admin.agency_token("ice-ero-0002", days=3)
    assert issued["token"].startswith("fta_") and issued["holder"] == "ice-ero-0002"
    officer = Client("http://testserver", issued["token"], http=served.http)
    assert officer.me() == {"id": "ice-ero-0002", "role": "recipient_officer", "agency": "DHS-ICE"}
    assert admin.agency_revoke("ice-ero-0002")["revoked"] >= 1
    with pytest.raises(ApiError) as gone:
        officer.me()
    assert gone.value.status == 401

    version = admin.registry_end("officer", "ice-ero-0001")["version"]
    (ended,) = _entries(served.settings, "registry.ended")
    assert ended["key"] == "ice-ero-0001" and ended["version"] == version and ended["actor"] == proven.ADMIN
    with pytest.raises(ApiError) as again:
        admin.registry_end("officer", "ice-ero-0001")
    assert again.value.status == 404
    with pytest.raises(ApiError) as no_one:
        admin.agency_token("ice-ero-0001")  # ended: no longer in the registry
    assert no_one.value.status == 404


def test_notices_and_opening_are_each_for_their_role(served):
    # no incident and no disclosure here: the allowed role passes the door and is told what is missing
    with pytest.raises(ApiError) as missing:
        served.client("do-1").incident_notice("INC-2025-0001", "26 U.S.C. 7213(a)", "2025-01-01")
    assert missing.value.status in (400, 404)
    with pytest.raises(ApiError) as not_disclosed:
        served.client("ig-1").open_commitment("0")
    assert not_disclosed.value.status == 404
    with pytest.raises(ApiError) as malformed:
        served.client("ig-1").open_commitment("not a reference")
    assert malformed.value.status == 400
    _refused(served, "admin-1", lambda c: c.incident_notice("INC-2025-0001", "x", "2025-01-01"), "incident.notice")
    _refused(served, "ig-1", lambda c: c.incident_notice("INC-2025-0001", "x", "2025-01-01"), "incident.notice")
    _refused(served, "do-1", lambda c: c.open_commitment("0"), "accounting.open")
    _refused(served, "admin-1", lambda c: c.open_commitment("0"), "accounting.open")
    _unauthenticated(served, lambda c: c.incident_notice("INC-2025-0001", "x", "2025-01-01"))
    _unauthenticated(served, lambda c: c.open_commitment("0"))
    assert not _entries(served.settings, "commitment.opened")


def test_an_input_error_over_http_names_the_json_field_not_the_command_lines_option(served):
    officer = served.client("do-1")
    with pytest.raises(ApiError) as charge:
        officer.incident_notice("INC-2025-0001", "not a charge", "2025-01-01")
    assert charge.value.status == 400 and "field 'charge'" in charge.value.message
    with pytest.raises(ApiError) as future:
        officer.incident_notice("INC-2025-0001", "26 U.S.C. 7213(a)(1)", "2999-01-01")
    assert future.value.status == 400 and "field 'charged_on'" in future.value.message
    with pytest.raises(ApiError) as nothing:
        officer.record_incident(kind="other", description="a synthetic incident")
    assert "(entries)" in nothing.value.message and "(requests)" in nothing.value.message
    for refused in (charge, future, nothing):
        assert "--" not in refused.value.message


def test_a_request_queued_over_http_is_validated_by_a_worker(served, world):
    (world.dir / "subjects.csv").write_text(
        "subject_id,first_name,middle_name,last_name,suffix,date_of_birth,address_line1,address_line2,city,state,zip\n"
        "S-0001,Quentin,,Synthetica,,1980-04-02,12 Example Road,,Springfield,IL,62701\n", encoding="utf-8")
    req = world.request(request_id="ICE-2025-000300")
    del req["subjects"]
    req["subjects_file"] = "subjects.csv"
    path = world.write(req, name="queued.json")
    official = served.client("ice-director")
    job = official.queue_validation(path)
    assert job["kind"] == "validate" and job["state"] == "queued" and job["request"] is None
    queued = served.settings.data_dir / QUEUED_FOLDER
    assert len(list(queued.iterdir())) == 1  # the upload waits for its worker

    summary = work(served.settings, once=True)
    assert summary.done == [job["job"]] and not summary.failed
    assert list(queued.iterdir()) == []  # gone once stored: the subjects live in the store only
    (listed,) = [j for j in official.jobs() if j["job"] == job["job"]]
    assert listed["state"] == "done" and listed["request"] == "DHS-ICE/ICE-2025-000300"
    assert official.request("DHS-ICE/ICE-2025-000300")["subjects_total"] == 1
    (claimed,) = [e for e in _entries(served.settings, "job.claimed") if e["job"] == job["job"]]
    assert (claimed["job_kind"], claimed["attempt"], claimed["actor"]) == ("validate", 1, "gateway")

    _refused(served, "do-1", lambda c: c.queue_validation(path), "requests.submit")
    _unauthenticated(served, lambda c: c.queue_validation(path))
    _unauthenticated(served, lambda c: c.jobs())
    _refused(served, "ice-ero-0001", lambda c: c.jobs(), "requests.read")
    assert jobs.list_progress(served.settings)[0].job == job["job"]


def test_a_queued_upload_for_another_agency_or_without_its_file_is_refused(served, world):
    other = signed(world, world.request(agency="DHS-CBP", request_id="CBP-1"), name="cbp.json")
    before = len(_entries(served.settings, "access.denied"))
    response = served.http.post("/jobs/validate", headers=served.bearer("ice-director"),
                                files={"request": ("r.json", json.dumps(other).encode())})
    assert response.status_code == 403 and len(_entries(served.settings, "access.denied")) == before + 1
    req = world.request(request_id="ICE-2025-000301")
    del req["subjects"]
    req["subjects_file"] = "absent.csv"
    req["subjects_sha256"] = "0" * 64
    missing = served.http.post("/jobs/validate", headers=served.bearer("ice-director"),
                               files={"request": ("r.json", json.dumps(signed(world, req)).encode())})
    assert missing.status_code == 400 and "subjects" in missing.json()["error"]
    assert not (served.settings.data_dir / QUEUED_FOLDER).exists() or \
        list((served.settings.data_dir / QUEUED_FOLDER).iterdir()) == []
