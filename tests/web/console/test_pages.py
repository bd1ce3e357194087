"""The console's pages over HTTP: what each role may see (403 otherwise), the review desk with dual
control by two people, a subject's evidence recorded as viewed, progress, the oversight dashboard."""

from __future__ import annotations

import pytest
from tests.web.console.conftest import form_token, subjects

from ftigate.service.log import ledger
from ftigate.service.requests.submit import submit_request_file

PAGES = {
    "queue": "/console/queue",
    "requests": "/console/requests",
    "request": "/console/requests/DHS-ICE/ICE-2025-000017",
    "review": "/console/requests/DHS-ICE/ICE-2025-000017/review",
    "evidence": "/console/requests/DHS-ICE/ICE-2025-000017/subjects/S-0001",
    "progress": "/console/requests/DHS-ICE/ICE-2025-000017/progress.json",
    "oversight": "/console/oversight",
    "period report": "/console/oversight/report",
    "annual report": "/console/oversight/annual?year=2025",
}
#: which pages each role may open; every other page answers 403
MAY = {
    "disclosure_officer": {"queue", "requests", "request", "review", "evidence", "progress"},
    "supervisor": set(PAGES),
    "administrator": {"requests", "request", "progress"},
    "overseer": {"requests", "request", "evidence", "progress", "oversight", "period report", "annual report"},
}
WHO = {"disclosure_officer": "do-1", "supervisor": "sup-1", "administrator": "admin-1", "overseer": "ig-1"}


@pytest.fixture
def flagged(console, world):
    """A request of three subjects with one reason for all: flagged, and under dual control."""
    return submit_request_file(console.settings, world.write(world.request(subjects=subjects(3)))).ref


def _views(settings):
    return [e for e in (ledger.entry(settings, i).to_json() for i in range(ledger.tree_size(settings)))
            if e["kind"] == "evidence.viewed"]


@pytest.mark.parametrize("role", sorted(MAY))
def test_each_role_sees_only_what_it_may(console, flagged, role):
    http = console.client()
    assert console.sign_in(http, WHO[role]).status_code == 303
    for name, path in PAGES.items():
        status = http.get(path).status_code
        assert status == (200 if name in MAY[role] else 403), (role, name, status)
    request_page = http.get(PAGES["request"]).text
    assert ("S-0002" in request_page) == (role != "administrator")
    denied = [e for e in (ledger.entry(console.settings, i).to_json() for i in range(ledger.tree_size(console.settings)))
              if e["kind"] == "access.denied"]
    assert len(denied) == len(set(PAGES) - MAY[role]) and all(e["actor"] == WHO[role] for e in denied)


def test_a_flagged_request_is_approved_under_dual_control_by_two_people(console, flagged):
    officer, second_officer, supervisor = console.client(), console.client(), console.client()
    console.sign_in(officer, "do-1")
    queue = officer.get("/console/queue").text
    assert flagged in queue and "0 of 2" in queue and "<strong>1</strong>" in queue
    sheet = officer.get(PAGES["review"]).text
    assert sheet.index("L6-same-reason") < sheet.index("<h2>Findings</h2>")
    assert "26 U.S.C. 6103(i)(2)(B)(iv)" in sheet and "the same reason is given for all 3 subjects" in sheet
    no_reason = officer.post(PAGES["review"], data={"decision": "approve", "reason": " ", "csrf": form_token(sheet)})
    assert no_reason.status_code == 400
    forged = officer.post(PAGES["review"], data={"decision": "approve", "reason": "fine", "csrf": "forged"})
    assert forged.status_code == 403
    first = officer.post(PAGES["review"], data={"decision": "approve", "reason": "Each subject is named in the case file.",
                                                "csrf": form_token(sheet)})
    assert first.status_code == 303
    after = officer.get(PAGES["review"]).text
    assert "awaiting second approval" in after and "do-1" in after
    again = officer.post(PAGES["review"], data={"decision": "approve", "reason": "again", "csrf": form_token(after)})
    assert again.status_code == 403 and "do-1" in again.text
    console.sign_in(second_officer, "do-2")
    other = second_officer.get(PAGES["review"]).text
    not_supervisor = second_officer.post(PAGES["review"], data={"decision": "approve", "reason": "Agreed.",
                                                                "csrf": form_token(other)})
    assert not_supervisor.status_code == 403
    console.sign_in(supervisor, "sup-1")
    sheet = supervisor.get(PAGES["review"]).text
    done = supervisor.post(PAGES["review"], data={"decision": "approve", "reason": "Second approval: the flags are answered.",
                                                  "csrf": form_token(sheet)})
    assert done.status_code == 303
    final = supervisor.get(PAGES["request"]).text
    assert "request.approved" in final and "sup-1" in final
    assert "Review this request" not in final


def test_a_subject_s_evidence_is_recorded_as_viewed_and_shows_no_tin(console, world):
    subject = {**subjects(1)[0], "tin": "900000001"}
    ref = submit_request_file(console.settings, world.write(world.request(subjects=[subject]))).ref
    http = console.client()
    console.sign_in(http, "ig-1")
    page = http.get(f"/console/requests/{ref}/subjects/S-0001")
    assert page.status_code == 200 and subject["first_name"] in page.text and "900000001" not in page.text
    assert [(e["actor"], e["row"]) for e in _views(console.settings)] == [("ig-1", 1)]
    assert http.get(f"/console/requests/{ref}/subjects/S-9999").status_code == 404


def test_subjects_filter_by_outcome_rule_and_id(console, world):
    rows = subjects(4)
    rows[1]["address_line1"] = "UNKNOWN"
    ref = submit_request_file(console.settings, world.write(world.request(subjects=rows))).ref
    http = console.client()
    console.sign_in(http, "do-1")
    base = f"/console/requests/{ref}/review"
    invalid = http.get(base, params={"outcome": "invalid"}).text
    assert "S-0002" in invalid and "S-0003" not in invalid
    by_rule = http.get(base, params={"rule": "L3-subject-address"}).text
    assert "S-0002" in by_rule and "S-0004" not in by_rule
    by_id = http.get(base, params={"search": "S-0004"}).text
    assert "S-0004" in by_id and "S-0001" not in by_id


def test_progress_and_timeline(console, flagged):
    http = console.client()
    console.sign_in(http, "admin-1")
    progress = http.get(PAGES["progress"]).json()
    assert progress["state"] == "awaiting_review" and progress["valid"] == 3 and progress["decided"] == 0
    page = http.get(PAGES["request"]).text
    assert "request.received" in page and "request.awaiting_review" in page


def test_the_oversight_dashboard_and_reports(console, flagged):
    http = console.client()
    console.sign_in(http, "ig-1")
    board = http.get("/console/oversight").text
    assert "<svg" in board and "signed tree head" in board.lower() and "DHS-ICE" in board
    download = http.get("/console/oversight/report", params={"download": "1"})
    assert download.status_code == 200 and "attachment" in download.headers["content-disposition"]
    assert http.get("/console/oversight", params={"first": "yesterday"}).status_code == 400
    progress = http.get(PAGES["progress"].replace("ICE-2025-000017", "NOPE"))
    assert progress.status_code == 404 and progress.json()["error"]


def test_the_evidence_page_shows_the_rival_s_likelihood_ratio_not_a_gap_of_weights(console, world):
    """The uniqueness rule weighs the closest rival by how much likelier the request's values are under
    the best candidate than under it (bits); the page shows that figure from the decision's evidence,
    never a difference of the two candidates' match weights, and no TIN of either."""
    from ftigate.service.store_access import transaction
    from ftigate.store import requests_store

    ref = submit_request_file(console.settings, world.write(world.request(subjects=subjects(1)))).ref
    evidence = {"reason": "ambiguous", "candidate_tin": "900000001", "match_probability": 0.97, "match_weight": 21.0,
                "levels": {"first_name": "exact"}, "runner_up": {"tin": "900000002", "match_probability": 0.95,
                                                                 "match_weight": 11.0},
                "rival": {"tin": "900000002", "likelihood_ratio_bits": 3.25, "tie": True,
                          "by_field": {"first_name": 0.0, "date_of_birth": 3.25}},
                "thresholds": {"min_rival_bits": 5.0}}
    with transaction(console.settings) as conn:
        row = requests_store.find_request(conn, *ref.split("/"))
        [subject] = requests_store.find_subjects(conn, row["id"], "S-0001")
        requests_store.set_outcomes(conn, [{"id": subject["id"], "outcome": "ambiguous", "matched_tin": None,
                                            "match_probability": 0.97, "evidence": evidence}])
    http = console.client()
    console.sign_in(http, "do-1")
    page = http.get(f"/console/requests/{ref}/subjects/S-0001").text
    said = " ".join(page.split())
    assert "<strong>3.2 bits</strong>" in said and "date of birth +3" in said and "is a tie" in said
    assert "10.0 bits" not in said and "900000001" not in page and "900000002" not in page
    from ftigate.service.requests.review_desk import subject_view

    view = subject_view(console.settings, ref, "S-0001", viewer="do-1")
    assert view["rival_bits"] == 3.25 and view["rival"]["tie"] is True and "margin_bits" not in view
