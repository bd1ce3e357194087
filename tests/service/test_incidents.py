"""Incidents: recorded against the accounting, reported within 24 hours, taxpayers notified (7431(e)).

Every step is a ledger event; none of them puts a name, an address, a TIN or the free-text
description into the ledger; the notice, which must name the taxpayer, goes to a private file.
"""

from __future__ import annotations

import datetime as dt
import json
import stat

import pytest
from oversight_world import PERIOD, at, clock_at

import proven
from ftigate.errors import InputError, NotFoundError, PermissionDenied
from ftigate.service.log import ledger
from ftigate.service.oversight import incidents, reports
from ftigate.service.store_access import transaction
from ftigate.store import accounting_store

H = dt.timedelta(hours=1)
SECRET_WORDS = "Synthetic informant Q. Example told us on the phone"


def _records(gateway, ref: str):
    with transaction(gateway) as conn:
        return [r for r in accounting_store.iter_records(conn) if r["request_ref"] == ref]


def _entries_since(gateway, start: int) -> list[dict]:
    return [ledger.entry(gateway, i).to_json() for i in range(start, ledger.tree_size(gateway))]


def _no_personal_data(entries: list[dict], records) -> None:
    text = json.dumps(entries)
    assert SECRET_WORDS not in text
    for r in records:
        assert r["tin"] not in text


# --- the clock, alone -----------------------------------------------------------------------------
def test_the_24_hour_clock():
    t0 = at("2025-08-07T09:00:00")
    due = incidents.clock(t0, None, t0 + 2 * H)
    assert due.deadline == at("2025-08-08T09:00:00") and due.status == "due" and due.on_time
    assert due.describe() == "not yet reported: 22h 00m left"
    overdue = incidents.clock(t0, None, t0 + 30 * H + dt.timedelta(minutes=5))
    assert overdue.status == "overdue" and overdue.describe() == "not reported: overdue by 6h 05m"
    on_time = incidents.clock(t0, t0 + 23 * H, t0 + 40 * H)
    assert on_time.status == "reported on time"
    assert on_time.describe() == "reported 23h 00m after identification, within 24 hours"
    late = incidents.clock(t0, t0 + 50 * H, t0 + 60 * H)
    assert late.status == "reported late" and not late.on_time
    assert late.describe() == "reported 2d 02h 00m after identification: 1d 02h 00m late"
    exactly = incidents.clock(t0, t0 + 24 * H)
    assert exactly.status == "reported on time"        # "no later than 24 hours"
    naive = incidents.clock(dt.datetime(2025, 8, 7, 9), None, t0)   # SQLite gives naive UTC back
    assert naive.identified_at == t0


# --- record ---------------------------------------------------------------------------------------
def test_recording_marks_the_accounting_and_ledgers_only_commitments(history, gateway):
    r5 = _records(gateway, history.refs["R5"])
    start = ledger.tree_size(gateway)
    view = incidents.record_incident(gateway, kind="wrong_person", description=SECRET_WORDS, by=proven.as_(gateway, "do-1"),
                                     records=[r5[0]["commitment"]])
    assert view.id == f"INC-{incidents.now().year}-0001" and view.records == 1 and view.clock.status == "due"
    marked = _records(gateway, history.refs["R5"])
    assert [r["incident"] for r in marked] == [view.id] + [None] * (len(marked) - 1)

    entries = _entries_since(gateway, start)
    assert [e["kind"] for e in entries] == ["incident.recorded", "accounting.marked"]
    assert entries[0]["incident"] == view.id and entries[0]["incident_kind"] == "wrong_person"
    assert entries[0]["request"] == history.refs["R5"] and len(entries[0]["description_commitment"]) == 64
    assert entries[1]["commitment"] == r5[0]["commitment"]
    _no_personal_data(entries, r5)
    with transaction(gateway) as conn:
        stored = accounting_store.get_incident(conn, view.id)
    assert stored["description"] == SECRET_WORDS and stored["disclosure"] == r5[0]["disclosure"]


def test_an_incident_by_request_covers_every_disclosure_even_those_already_marked(history, gateway):
    r5 = _records(gateway, history.refs["R5"])
    r3 = _records(gateway, history.refs["R3"])
    first = incidents.record_incident(gateway, kind="unauthorized", description="one", by=proven.as_(gateway, "do-1"),
                                      records=[r5[1]["commitment"]])
    second = incidents.record_incident(gateway, kind="unauthorized", description="all of R5 and one of R3",
                                       by=proven.as_(gateway, "sup-1"), requests=[history.refs["R5"]],
                                       records=[r3[0]["commitment"]])
    assert second.records == len(r5) + 1 and second.already_marked == 1
    with transaction(gateway) as conn:
        covered = accounting_store.incident_records(conn, second.id)
        assert accounting_store.get_incident(conn, second.id)["disclosure"] is None
    assert {r["id"] for r in covered} == {r["id"] for r in r5} | {r3[0]["id"]}
    marks = {r["id"]: r["incident"] for r in _records(gateway, history.refs["R5"])}
    assert marks[r5[1]["id"]] == first.id                       # keeps its first incident's mark
    assert {v for k, v in marks.items() if k != r5[1]["id"]} == {second.id}
    listed = {v.id: v for v in incidents.list_incidents(gateway)}
    assert (listed[first.id].records, listed[second.id].records) == (1, len(r5) + 1)


def test_who_may_record_and_what(history, gateway):
    entry = _records(gateway, history.refs["R3"])[0]["commitment"]
    for who in ("ig-1", "admin-1"):
        with pytest.raises(PermissionDenied):
            incidents.record_incident(gateway, kind="other", description="x", by=proven.as_(gateway, who), records=[entry])
    with pytest.raises(InputError):
        incidents.record_incident(gateway, kind="mistake", description="x", by=proven.as_(gateway, "do-1"), records=[entry])
    with pytest.raises(InputError):
        incidents.record_incident(gateway, kind="other", description="  ", by=proven.as_(gateway, "do-1"), records=[entry])
    with pytest.raises(InputError):
        incidents.record_incident(gateway, kind="other", description="x", by=proven.as_(gateway, "do-1"))
    with pytest.raises(NotFoundError):
        incidents.record_incident(gateway, kind="other", description="x", by=proven.as_(gateway, "do-1"), entries=[0])
    with pytest.raises(InputError):   # a denied request disclosed nothing
        incidents.record_incident(gateway, kind="other", description="x", by=proven.as_(gateway, "do-1"),
                                  requests=[history.refs["R4"]])
    with pytest.raises(InputError):
        incidents.record_incident(gateway, kind="other", description="x", by=proven.as_(gateway, "do-1"), records=[entry],
                                  identified_at=incidents.now() + 2 * H)
    with pytest.raises(InputError):   # R3's disclosures were made on 2025-03-24
        incidents.record_incident(gateway, kind="other", description="x", by=proven.as_(gateway, "do-1"), records=[entry],
                                  identified_at=at("2025-03-23T23:00:00"))
    assert incidents.list_incidents(gateway) == []


# --- report ---------------------------------------------------------------------------------------
def test_a_report_within_24_hours_and_one_too_late(history, gateway):
    r3 = _records(gateway, history.refs["R3"])
    with clock_at(at("2025-08-07T10:00:00")):
        early = incidents.record_incident(gateway, kind="unauthorized", description=SECRET_WORDS, by=proven.as_(gateway, "do-1"),
                                          records=[r3[0]["commitment"]], identified_at=at("2025-08-07T09:00:00"))
        late = incidents.record_incident(gateway, kind="inspection", description="late one", by=proven.as_(gateway, "do-1"),
                                         records=[r3[1]["commitment"]], identified_at=at("2025-08-05T09:00:00"))
    assert early.id == "INC-2025-0001" and late.id == "INC-2025-0002"
    states = {v.id: v.clock for v in incidents.list_incidents(gateway, at=at("2025-08-07T12:00:00"))}
    assert states[early.id].describe() == "not yet reported: 21h 00m left"
    assert states[late.id].describe() == "not reported: overdue by 1d 03h 00m"

    start = ledger.tree_size(gateway)
    with clock_at(at("2025-08-07T21:30:00")):
        done = incidents.report_incident(gateway, early.id, proven.as_(gateway, "sup-1"))
        overdue = incidents.report_incident(gateway, late.id, proven.as_(gateway, "sup-1"))
    assert done.first and done.incident.clock.status == "reported on time"
    assert overdue.incident.clock.status == "reported late"
    entries = _entries_since(gateway, start)
    assert [e["kind"] for e in entries] == ["incident.reported", "incident.reported"]
    assert entries[0]["within_24_hours"] is True and entries[1]["within_24_hours"] is False
    assert entries[0]["minutes_after_identification"] == 12 * 60 + 30
    assert entries[0]["deadline"] == "2025-08-08T09:00:00Z"
    _no_personal_data(entries, r3)

    text = done.path.read_text(encoding="utf-8")
    assert text == done.text and stat.S_IMODE(done.path.stat().st_mode) == 0o600
    assert "IRS Office of Safeguards" in text and "| deadline | 2025-08-08T09:00:00Z |" in text
    assert "reported 12h 30m after identification, within 24 hours" in text
    # a document that leaves the gateway cites the statute and the publication, nothing of its own
    assert "26 U.S.C. 6103(p)(4); IRS Publication 1075" in text and "L14" not in text
    assert r3[0]["commitment"] in text and r3[0]["tin"] not in text and SECRET_WORDS in text

    # Asking again re-renders the report; the clock and the ledger stay as they were.
    size = ledger.tree_size(gateway)
    again = incidents.report_incident(gateway, early.id, proven.as_(gateway, "do-1"))
    assert not again.first and again.incident.reported_at == done.incident.reported_at
    assert ledger.tree_size(gateway) == size
    with pytest.raises(PermissionDenied):
        incidents.report_incident(gateway, early.id, proven.as_(gateway, "ig-1"))
    with pytest.raises(NotFoundError):
        incidents.report_incident(gateway, "INC-1999-0001", proven.as_(gateway, "do-1"))


def test_the_period_report_counts_incidents_and_their_clocks(history, gateway):
    r3 = _records(gateway, history.refs["R3"])
    with clock_at(at("2025-03-26T08:00:00")):
        one = incidents.record_incident(gateway, kind="wrong_person", description="x", by=proven.as_(gateway, "do-1"),
                                        records=[r3[0]["commitment"]], identified_at=at("2025-03-26T07:00:00"))
        incidents.record_incident(gateway, kind="unauthorized", description="y", by=proven.as_(gateway, "do-1"),
                                  records=[r3[1]["commitment"]], identified_at=at("2025-03-25T07:00:00"))
    with clock_at(at("2025-03-26T09:00:00")):
        incidents.report_incident(gateway, one.id, proven.as_(gateway, "do-1"))
    figures = reports.period_report(gateway, *PERIOD).incidents
    assert (figures.identified, figures.reported_on_time, figures.not_reported) == (2, 1, 1)
    assert figures.by_kind == {"wrong_person": 1, "unauthorized": 1}


# --- notice ---------------------------------------------------------------------------------------
def test_taxpayer_notices_only_where_7431e_applies_and_never_in_the_ledger(history, gateway):
    r3 = _records(gateway, history.refs["R3"])
    r5 = _records(gateway, history.refs["R5"])
    view = incidents.record_incident(gateway, kind="unauthorized", description="records browsed", by=proven.as_(gateway, "do-1"),
                                     records=[r3[0]["commitment"], r5[0]["commitment"], r5[1]["commitment"]])
    for charge in ("26 U.S.C. 7201", "26 U.S.C. 7213A", ""):
        with pytest.raises(InputError):
            incidents.notify_taxpayers(gateway, view.id, proven.as_(gateway, "do-1"), charge, dt.date(2025, 9, 1))
    with pytest.raises(InputError):
        incidents.notify_taxpayers(gateway, view.id, proven.as_(gateway, "do-1"), "26 U.S.C. 7213A(a)", incidents.now().date() + dt.timedelta(days=2))
    with pytest.raises(PermissionDenied):
        incidents.notify_taxpayers(gateway, view.id, proven.as_(gateway, "ig-1"), "26 U.S.C. 7213A(a)", dt.date(2025, 9, 1))

    start = ledger.tree_size(gateway)
    result = incidents.notify_taxpayers(gateway, view.id, proven.as_(gateway, "do-1"), "26 U.S.C. 7213A(a)", dt.date(2025, 9, 1))
    # R3 and R5 asked about the same people: the same taxpayer's two disclosures share one notice
    # when they are both covered.
    taxpayers = {r3[0]["tin"], r5[0]["tin"], r5[1]["tin"]}
    assert result.notices == len(taxpayers)
    files = sorted(result.directory.glob("notice-*.txt"))
    assert len(files) == len(taxpayers)
    assert all(stat.S_IMODE(f.stat().st_mode) == 0o600 for f in files)
    assert stat.S_IMODE(result.directory.stat().st_mode) == 0o700
    with transaction(gateway) as conn:
        identity = accounting_store.disclosed_fields(conn, [r3[0]["disclosure"]])[r3[0]["disclosure"]]
    letters = [f.read_text(encoding="utf-8") for f in files]
    mine = next(t for t in letters if identity["last_name"] in t and identity["address_line1"] in t)
    assert "26 U.S.C. 7431(e)" in mine and "2025-09-01" in mine and "26 U.S.C. 7213A(a)" in mine
    assert r3[0]["disclosed_on"].isoformat() in mine and "civil action" in mine

    entries = _entries_since(gateway, start)
    assert [e["kind"] for e in entries] == ["incident.taxpayer_notice"] + ["taxpayer.notified"] * len(taxpayers)
    text = json.dumps(entries)
    assert identity["last_name"] not in text and identity["address_line1"] not in text
    _no_personal_data(entries, r3 + r5)
    assert incidents.show_incident(gateway, view.id).taxpayer_notice
    with pytest.raises(PermissionDenied):   # produced once
        incidents.notify_taxpayers(gateway, view.id, proven.as_(gateway, "do-1"), "26 U.S.C. 7213A(a)", dt.date(2025, 9, 1))
