"""The keys of an agency's recent subjects, on SQLite and on PostgreSQL."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from ftigate.law import subject_key
from ftigate.store import requests_store
from ftigate.store.db import open_store
from ftigate.store.recent_subjects import key_digest, recent_subject_keys
from ftigate.store.tables import requests, subjects

NOW = dt.datetime(2026, 11, 29, 12, 0, tzinfo=dt.UTC)


def _subject(i: int) -> dict[str, object]:
    return {"row_number": i, "subject_id": f"S-{i}", "first_name": f"Given{i}", "middle_name": "", "last_name": "Family",
            "suffix": "", "date_of_birth": "1980-01-01", "address_line1": f"{i} Example Road", "address_line2": "",
            "city": "Springfield", "state": "IL", "zip": "62701", "tin": "", "reason": "", "valid": True}


def _insert(conn, agency: str, request_id: str, received: dt.datetime, numbers: list[int]) -> None:
    pk = conn.execute(requests.insert().values(
        agency=agency, request_id=request_id, official="o", signed_on="2026-01-01", statute="s", state="received",
        decision="proceed", policy_version="p", registry_version=1, document={}, document_sha256="0" * 64,
        subjects_total=len(numbers), subjects_valid=len(numbers), subjects_invalid=0, received_at=received,
        updated_at=received,
    ).returning(requests.c.id)).scalar_one()
    conn.execute(subjects.insert(), [{"request": pk, **_subject(i)} for i in numbers])


def test_recent_subjects_of_the_agency_only(store_url):
    engine = open_store(store_url)
    with engine.begin() as conn:
        _insert(conn, "DHS-ICE", "R-1", NOW - dt.timedelta(days=10), [1, 2])
        _insert(conn, "DHS-ICE", "R-OLD", NOW - dt.timedelta(days=400), [3])
        _insert(conn, "DOJ-FBI", "F-1", NOW - dt.timedelta(days=1), [4])
        _insert(conn, "DHS-ICE", "R-2", NOW - dt.timedelta(days=1), [5])
    since = NOW - dt.timedelta(days=365)
    with engine.connect() as conn:
        keys = recent_subject_keys(conn, "DHS-ICE", since)
        assert keys == {subject_key(_subject(i)) for i in (1, 2, 5)}
        assert recent_subject_keys(conn, "DHS-ICE", since, exclude_request_id="R-2") == {
            subject_key(_subject(i)) for i in (1, 2)}
        assert recent_subject_keys(conn, "DHS-CBP", since) == frozenset()
    engine.dispose()


def test_recent_subjects_among_the_keys_asked_about(store_url):
    """Looked up by digest (rows stored by the store) or keyed when read (rows inserted without one),
    the answer is the same: those of the keys asked about that are recent, and only those."""
    engine = open_store(store_url)
    with engine.begin() as conn:
        _insert(conn, "DHS-ICE", "R-1", NOW - dt.timedelta(days=10), [1, 2])
        _insert(conn, "DHS-ICE", "R-OLD", NOW - dt.timedelta(days=400), [3])
        _insert(conn, "DOJ-FBI", "F-1", NOW - dt.timedelta(days=1), [4])
        pk = conn.execute(requests.insert().values(
            agency="DHS-ICE", request_id="R-2", official="o", signed_on="2026-01-01", statute="s", state="received",
            decision="proceed", policy_version="p", registry_version=1, document={}, document_sha256="0" * 64,
            subjects_total=2, subjects_valid=2, subjects_invalid=0, received_at=NOW - dt.timedelta(days=1),
            updated_at=NOW).returning(requests.c.id)).scalar_one()
        requests_store.insert_subjects(conn, pk, [_subject(5), dict(_subject(6), first_name="GIVEN6.")])
    since = NOW - dt.timedelta(days=365)
    asked = {subject_key(_subject(i)) for i in (1, 3, 4, 5, 6, 7)}
    with engine.connect() as conn:
        assert recent_subject_keys(conn, "DHS-ICE", since, among=asked) == {
            subject_key(_subject(i)) for i in (1, 5, 6)}
        assert recent_subject_keys(conn, "DHS-ICE", since, exclude_request_id="R-2", among=asked) == {
            subject_key(_subject(1))}
        assert recent_subject_keys(conn, "DHS-ICE", since, among=set()) == frozenset()
        stored = conn.execute(select(subjects.c.subject_key_sha256).where(subjects.c.request == pk)).scalars().all()
        assert sorted(stored) == sorted(key_digest(_subject(i)) for i in (5, 6))
    engine.dispose()
