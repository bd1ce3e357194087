"""A package's answers and disclosures, read from the store in one pass over the request's subjects.

The pass must give exactly what reading the answers by subject and the disclosures by disclosure
gives: the same bytes in the same order, whether the disclosures were made in subject order (one
run) or not (a subject disclosed about by a later run), and must refuse a store in which a
disclosure of the request names another request's subject, rather than leave it out of the package.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select, update
from tests.store.test_recent_subjects import _insert

from ftigate.errors import FtigateError
from ftigate.service.requests.disclose import (
    DISCLOSED_FIELDS,
    _answer_bytes,
    _answers_bytes,
    _disclosure_bytes,
    _package_members,
)
from ftigate.store import disclosure_store
from ftigate.store.db import open_store
from ftigate.store.tables import requests, subjects

AT = dt.datetime(2026, 12, 7, 12, 0, tzinfo=dt.UTC)
_ANY_TEXT = st.text(st.characters(codec=None, exclude_categories=("Cs",)), max_size=8)


@settings(max_examples=300, deadline=None)
@given(rows=st.lists(st.tuples(st.one_of(_ANY_TEXT, st.sampled_from(['"', "\\", "\x1f", "\x7f", "é", "\u2028"])),
                               st.sampled_from(["match", "no_match", "ambiguous", "withheld", "invalid", "", None])),
                     max_size=8))
def test_a_batch_of_answers_is_each_answer_alone(rows):
    """Written in one piece or one at a time, a batch of answers is each answer's own RFC 8785 bytes."""
    subject_ids, outcomes = [s for s, _ in rows], [o for _, o in rows]
    assert _answers_bytes(subject_ids, outcomes) == b",".join(_answer_bytes(s, o) for s, o in rows)
    assert json.loads(b"[" + _answers_bytes(subject_ids, outcomes) + b"]") == [
        {"answer": {"match": "disclosed", "invalid": "invalid"}.get(outcome or "", "no record"), "subject_id": s}
        for s, outcome in rows]


def _fields(n: int) -> dict[str, str]:
    return {name: f"{name}-{n}" for name in DISCLOSED_FIELDS}


def _request(conn, request_id: str, numbers: list[int], disclosed_in: list[int], outcome: str = "match") -> int:
    """A request whose subjects ``numbers`` all have ``outcome``, and a disclosure about each subject
    of ``disclosed_in`` (places among them), made in that order."""
    _insert(conn, "DHS-ICE", request_id, AT, numbers)
    pk = conn.execute(select(requests.c.id).where(requests.c.request_id == request_id)).scalar_one()
    keys = conn.execute(select(subjects.c.id).where(subjects.c.request == pk).order_by(subjects.c.id)).scalars().all()
    conn.execute(update(subjects).where(subjects.c.request == pk).values(outcome=outcome))
    for place in disclosed_in:
        disclosure_store.insert_disclosure_batch(conn, pk, [(keys[place], f"9{place:08d}", _fields(place), 2024)], AT)
    return pk


def _read_apart(conn, pk: int) -> tuple[bytes, bytes]:
    """The answers by subject and the disclosures by disclosure, each read on its own."""
    answers = [(s, o) for s, o in conn.execute(select(subjects.c.subject_id, subjects.c.outcome)
                                               .where(subjects.c.request == pk).order_by(subjects.c.id))]
    disclosed = [_disclosure_bytes(s, json.loads(f), p) for batch in disclosure_store.disclosed_batches(conn, pk)
                 for s, f, p in batch]
    return b",".join(_answer_bytes(s, o) for s, o in answers), b",".join(disclosed)


@pytest.mark.parametrize("disclosed_in", [[0, 1, 3, 4], [4, 1, 3], []], ids=["in subject order", "out of order", "none"])
def test_one_pass_gives_what_reading_each_apart_gives(store_url, disclosed_in):
    engine = open_store(store_url)
    with engine.begin() as conn:
        _request(conn, "R-0", [1, 2], [0])  # another request's subjects and disclosure, before and after
        pk = _request(conn, "R-1", [3, 4, 5, 6, 7], disclosed_in)
        _request(conn, "R-2", [8], [0])
    with engine.connect() as conn:
        answers, disclosed, outcomes = _package_members(conn, "DHS-ICE/R-1", pk)
        assert (b",".join(answers), b",".join(data for data, _ in disclosed)) == _read_apart(conn, pk)
        assert sum(n for _, n in disclosed) == len(disclosed_in)
        assert outcomes == {"match": 5}
    engine.dispose()


def test_a_disclosure_naming_another_requests_subject_stops_the_delivery(store_url):
    engine = open_store(store_url)
    with engine.begin() as conn:
        other = _request(conn, "R-0", [1, 2], [])
        pk = _request(conn, "R-1", [3, 4], [0, 1])
        stray = conn.execute(select(subjects.c.id).where(subjects.c.request == other).limit(1)).scalar_one()
        disclosure_store.insert_disclosure_batch(conn, pk, [(stray, "900000099", _fields(9), 2024)], AT)
    with engine.connect() as conn, pytest.raises(FtigateError, match=r"3 disclosure.*2 of them"):
        _package_members(conn, "DHS-ICE/R-1", pk)
    engine.dispose()
