"""The store's main queries return typed, frozen records, on SQLite and on PostgreSQL."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from ftigate.store import requests_store
from ftigate.store.db import open_store
from ftigate.store.records import RequestRecord, SubjectRecord
from ftigate.store.tables import requests, subjects

NOW = dt.datetime(2026, 12, 6, 12, 0, tzinfo=dt.UTC)


def _request(conn) -> int:
    pk = requests_store.insert_request(conn, {
        "agency": "DHS-ICE", "request_id": "ICE-1", "official": "o", "signed_on": "2026-01-01", "statute": "s",
        "state": "received", "decision": "proceed", "policy_version": "p", "registry_version": 1,
        "document": {"k": "v"}, "document_sha256": "0" * 64, "subjects_total": 1, "subjects_valid": 1,
        "subjects_invalid": 0, "received_at": NOW, "updated_at": NOW})
    requests_store.insert_subjects(conn, pk, [{
        "row_number": 1, "subject_id": "S-1", "first_name": "Given", "middle_name": "", "last_name": "Family",
        "suffix": "", "date_of_birth": "1980-01-01", "address_line1": "1 Example Road", "address_line2": "",
        "city": "Springfield", "state": "IL", "zip": "62701", "tin": "", "reason": "", "valid": True}])
    return pk


def test_requests_and_subjects_come_back_as_frozen_records(store_url):
    engine = open_store(store_url)
    with engine.begin() as conn:
        pk = _request(conn)
        found = requests_store.find_request(conn, "DHS-ICE", "ICE-1")
        assert isinstance(found, RequestRecord) and found == requests_store.get_request(conn, pk)
        assert (found.id, found.ref, found.state, found.document) == (pk, "DHS-ICE/ICE-1", "received", {"k": "v"})
        listed = requests_store.list_requests(conn)
        assert [r.ref for r in listed] == ["DHS-ICE/ICE-1"] and listed[0].document is None  # a listing skips it
        [subject] = requests_store.find_subjects(conn, pk, "S-1")
        assert isinstance(subject, SubjectRecord) and subject.row_number == 1 and subject.outcome is None
    with pytest.raises(dataclasses.FrozenInstanceError):
        found.state = "approved"  # type: ignore[misc]
    assert found["state"] == "received" and dict(found)["agency"] == "DHS-ICE"  # still reads as a mapping


def test_records_and_tables_name_the_same_columns():
    assert {f.name for f in dataclasses.fields(RequestRecord)} == {c.name for c in requests.c}
    assert {f.name for f in dataclasses.fields(SubjectRecord)} == {c.name for c in subjects.c}
    with pytest.raises(KeyError, match="renamed"):
        RequestRecord.from_row({"renamed": 1})


def test_findings_of_several_requests_are_stored_in_their_order(store_url):
    """A group's findings go as one statement (columns as arrays on PostgreSQL): each comes back with
    its own request, in the order given, and a value too long for its column is refused, not cut."""
    from sqlalchemy.exc import DBAPIError

    engine = open_store(store_url)
    with engine.begin() as conn:
        first = _request(conn)
        row = {k: v for k, v in dict(requests_store.get_request(conn, first)).items() if k != "id"}
        second = requests_store.insert_request(conn, {**row, "request_id": "ICE-2", "document": {}})
        rows = [{"request": pk, "rule": f"L{n}-rule", "citation": "26 U.S.C. 6103(i)", "outcome": outcome,
                 "message": f"message {n} é", "subject_id": subject, "policy_version": "p"}
                for n, (pk, outcome, subject) in enumerate([(first, "pass", None), (second, "fail", None),
                                                            (first, "review", "S-1"), (first, "fail", None)])]
        requests_store.insert_findings_of(conn, rows)
        requests_store.insert_findings_of(conn, [])
        for pk in (first, second):
            stored = [{k: r[k] for k in ("rule", "outcome", "message", "subject_id")}
                      for r in requests_store.request_findings(conn, pk)]
            assert stored == [{k: r[k] for k in ("rule", "outcome", "message", "subject_id")}
                              for r in rows if r["request"] == pk]
    if engine.dialect.name == "postgresql":  # SQLite keeps text of any length
        with pytest.raises(DBAPIError), engine.begin() as conn:
            requests_store.insert_findings_of(conn, [dict(rows[0], outcome="x" * 9)])


def test_the_status_view_reads_as_its_three_look_ups_do(store_url):
    """One statement for the status read: the request, its outcome counts and its package, exactly
    as find_request, outcome_counts and the package's own look-up give them."""
    from sqlalchemy import update

    from ftigate.store import disclosure_store
    from ftigate.store.tables import packages

    engine = open_store(store_url)
    with engine.begin() as conn:
        assert requests_store.request_view(conn, "DHS-ICE", "ICE-1") is None
        pk = _request(conn)
        subject = {"row_number": 2, "subject_id": "S-2", "first_name": "Other", "middle_name": "", "last_name": "Family",
                   "suffix": "", "date_of_birth": "1981-01-01", "address_line1": "2 Example Road", "address_line2": "",
                   "city": "Springfield", "state": "IL", "zip": "62701", "tin": "", "reason": "", "valid": True}
        requests_store.insert_subjects(conn, pk, [subject, dict(subject, row_number=3, subject_id="S-3"),
                                                  dict(subject, row_number=4, subject_id="S-4")])
        views = []
        for step in range(3):
            if step == 1:
                conn.execute(update(subjects).where(subjects.c.subject_id.in_(["S-2", "S-3"])).values(outcome="no_match"))
                conn.execute(update(subjects).where(subjects.c.subject_id == "S-4").values(outcome=""))
            if step == 2:
                conn.execute(packages.insert().values(id="pkg-1", request=pk, created_at=NOW, destroy_by=NOW.date(),
                                                      sha256="0" * 64, path="p", state="delivered"))
            record, outcomes, package = requests_store.request_view(conn, "DHS-ICE", "ICE-1")
            expected = disclosure_store.request_package(conn, pk)
            assert record == requests_store.find_request(conn, "DHS-ICE", "ICE-1", document=False)
            assert outcomes == requests_store.outcome_counts(conn, pk)
            assert package == (expected["id"] if expected is not None else None)
            views.append((outcomes, package))
        assert views == [({"pending": 4}, None), ({"pending": 2, "no_match": 2}, None),
                         ({"pending": 2, "no_match": 2}, "pkg-1")]
        assert disclosure_store.request_package(conn, pk)["id"] == "pkg-1"
