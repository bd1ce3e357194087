"""The report and accounting queries on SQLite and PostgreSQL: windows, tree sizes, JSON members.

Rows are written straight into the tables (no matching, no ledger), so the SQL itself is what is
tested, on both databases: the half-open UTC windows, the ``ledger_index < size`` bound, counting
distinct taxpayers, and reading members of the events' JSON detail.
"""

from __future__ import annotations

import datetime as dt

import pytest

from ftigate.store import accounting_store
from ftigate.store import report_queries as q
from ftigate.store.db import open_store
from ftigate.store.tables import accounting, disclosures, events, findings, incidents, requests, subjects

UTC = dt.UTC


def T(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.fixture
def conn(store_url):
    engine = open_store(store_url)
    with engine.begin() as connection:
        _populate(connection)
        yield connection
    engine.dispose()


def _request(conn, pk: int, agency: str, statute: str, total: int, invalid: int, state: str) -> None:
    conn.execute(requests.insert().values(
        id=pk, agency=agency, request_id=f"R{pk}", official="x", signed_on="2025-03-01", statute=statute,
        state=state, decision="proceed", policy_version="p", registry_version=1, document={}, document_sha256="0" * 64,
        subjects_total=total, subjects_valid=total - invalid, subjects_invalid=invalid,
        received_at=T("2025-03-01T00:00:00"), updated_at=T("2025-03-01T00:00:00")))


def _event(conn, index: int, at: str, kind: str, request: int | None, **detail) -> None:
    conn.execute(events.insert().values(at=T(at), kind=kind, request=request, actor="t", detail=detail,
                                        ledger_index=index))


def _disclosure(conn, pk: int, request: int, tin: str, on: str, index: int, ref: str, agency: str, statute: str) -> None:
    conn.execute(subjects.insert().values(
        id=pk, request=request, row_number=pk, subject_id=f"S{pk}", first_name="A", middle_name="", last_name="B",
        suffix="", date_of_birth="", address_line1="1 Example Road", address_line2="", city="C", state="IL",
        zip="62701", tin="", reason="", valid=True, outcome="match"))
    conn.execute(disclosures.insert().values(id=pk, request=request, subject=pk, tin=tin, fields={"last_name": "B"},
                                             tax_period=2024, disclosed_at=T(on + "T12:00:00")))
    conn.execute(accounting.insert().values(
        id=pk, disclosure=pk, tin=tin, disclosed_on=dt.date.fromisoformat(on), agency=agency, recipients=["o-1", "o-2"],
        authority="a", statute=statute, request_ref=ref, fields=["last_name"], ledger_index=index,
        commitment=f"{pk:064x}"))


def _populate(conn) -> None:
    _request(conn, 1, "A", "s1", 10, 2, "delivered")
    _request(conn, 2, "A", "s2", 5, 0, "rejected")
    _request(conn, 3, "B", "s1", 3, 1, "awaiting_review")
    _event(conn, 0, "2025-03-16T23:59:59", "request.received", 3)       # before the window
    _event(conn, 1, "2025-03-17T00:00:00", "request.received", 1)
    _event(conn, 2, "2025-03-18T00:00:00", "request.approved", 1)
    _event(conn, 3, "2025-04-07T23:59:59", "request.received", 2)
    _event(conn, 4, "2025-04-07T23:59:59", "request.rejected", 2)
    conn.execute(findings.insert(), [
        {"request": 2, "subject_id": None, "rule": "L7", "citation": "c7", "outcome": "fail", "message": "", "policy_version": "p"},
        {"request": 2, "subject_id": None, "rule": "L1", "citation": "c1", "outcome": "pass", "message": "", "policy_version": "p"},
        {"request": 1, "subject_id": "S1", "rule": "L3", "citation": "c3", "outcome": "fail", "message": "", "policy_version": "p"},
        {"request": 1, "subject_id": "S2", "rule": "L3", "citation": "c3", "outcome": "fail", "message": "", "policy_version": "p"},
    ])
    _disclosure(conn, 1, 1, "900000001", "2025-03-20", 5, "A/R1", "A", "s1")
    _disclosure(conn, 2, 1, "900000002", "2025-03-20", 6, "A/R1", "A", "s1")
    _disclosure(conn, 3, 1, "900000001", "2025-04-07", 7, "A/R1", "A", "s1")
    _disclosure(conn, 4, 1, "900000003", "2025-04-08", 8, "A/R1", "A", "s1")   # after the window
    _disclosure(conn, 5, 1, "900000004", "2025-03-21", 20, "A/R1", "A", "s1")  # beyond the checkpoint (size 10)
    conn.execute(incidents.insert().values(id="INC-1", disclosure=1, kind="other", description="d",
                                           identified_at=T("2025-03-19T00:00:00"), reported_at=None,
                                           recorded_by="t", taxpayer_notice=False))
    _event(conn, 9, "2025-03-19T01:00:00", "incident.recorded", 1, incident="INC-1")
    _event(conn, 10, "2025-03-19T02:00:00", "accounting.marked", 1, incident="INC-1", commitment=f"{1:064x}")
    _event(conn, 11, "2025-03-19T03:00:00", "incident.reported", None, incident="INC-1")


WINDOW = (T("2025-03-17T00:00:00"), T("2025-04-08T00:00:00"))
DAYS = (dt.date(2025, 3, 17), dt.date(2025, 4, 7))


def test_requests_and_decisions_in_a_half_open_window_below_the_size(conn):
    rows = {(r["agency"], r["statute"]): dict(r) for r in q.received(conn, *WINDOW, 10)}
    assert set(rows) == {("A", "s1"), ("A", "s2")}
    assert (rows[("A", "s1")]["requests"], rows[("A", "s1")]["subjects"], rows[("A", "s1")]["subjects_invalid"]) == (1, 10, 2)
    assert {(r["kind"], r["requests"]) for r in q.decisions(conn, *WINDOW, 10)} == {("request.approved", 1),
                                                                                    ("request.rejected", 1)}
    assert q.decisions(conn, *WINDOW, 3) and all(r["kind"] != "request.rejected" for r in q.decisions(conn, *WINDOW, 4))
    assert [(r["rule"], r["citation"], r["requests"]) for r in q.rejection_reasons(conn, *WINDOW, 10)] == [("L7", "c7", 1)]
    assert [(r["rule"], r["subjects"]) for r in q.subject_rejection_reasons(conn, *WINDOW, 10)] == [("L3", 2)]
    assert len(q.received_times(conn, *WINDOW, 10)) == 2 and q.received_times(conn, *WINDOW, 1) == []


def test_disclosures_and_distinct_taxpayers(conn):
    [row] = q.disclosures(conn, *DAYS, 10)
    assert (row["request_ref"], row["disclosures"]) == ("A/R1", 3)
    assert q.taxpayers(conn, *DAYS, 10) == {"": 2}
    assert q.taxpayers(conn, *DAYS, 100) == {"": 3}      # the record at index 20 once the checkpoint covers it
    assert q.taxpayers(conn, *DAYS, 10, by="agency") == {"A": 2}
    assert q.recipients_of_records(conn, [row["first_record"]]) == {row["first_record"]: ["o-1", "o-2"]}
    assert q.daily_disclosures(conn, *DAYS, 10) == {dt.date(2025, 3, 20): 2, dt.date(2025, 4, 7): 1}


def test_incidents_and_their_reports_through_json_members(conn):
    assert [i["id"] for i in q.incidents_identified(conn, *WINDOW, 10)] == ["INC-1"]
    assert q.incidents_identified(conn, *WINDOW, 9) == []     # its recorded entry is index 9
    assert list(q.incident_reports(conn, ["INC-1"], 12)) == ["INC-1"]
    assert q.incident_reports(conn, ["INC-1"], 11) == {}
    assert [r["id"] for r in accounting_store.incident_records(conn, "INC-1")] == [1]
    assert accounting_store.incident_record_counts(conn) == {"INC-1": 1}


def test_accounting_pages_and_marks(conn):
    assert [r["id"] for r in accounting_store.iter_records(conn, batch=2)] == [1, 2, 3, 4, 5]
    assert [r["id"] for r in accounting_store.iter_records(conn, *DAYS, batch=2)] == [1, 2, 3, 5]
    assert accounting_store.count_records(conn, *DAYS) == 4
    assert accounting_store.by_ledger_index(conn, 6)["request_pk"] == 1
    assert accounting_store.by_commitment(conn, f"{3:064X}")["id"] == 3
    assert [r["id"] for r in accounting_store.by_ledger_indices(conn, [7, 5, 99])] == [1, 3]
    assert accounting_store.mark_incident(conn, [1, 2], "INC-1") == 2
    assert accounting_store.mark_incident(conn, [2, 3], "INC-2") == 1      # 2 keeps its first mark
    assert [r["incident"] for r in accounting_store.of_request(conn, 1)] == ["INC-1", "INC-1", "INC-2", None, None]
    assert accounting_store.count_incidents_like(conn, "INC-") == 1
