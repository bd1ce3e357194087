"""A request's subjects read a batch at a time, in order (the matcher's input, the package's answers and disclosures):
every subject once, in key order, whatever other requests' subjects lie between; and on SQLite,
by the (request, id) index, with no sort of the request's rows for each batch."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import update
from tests.store.query_plans import sqlite_plans
from tests.store.test_recent_subjects import _insert

from ftigate.store import disclosure_store, requests_store
from ftigate.store.db import open_store
from ftigate.store.tables import requests, subjects

NOW = dt.datetime(2026, 12, 7, 12, 0, tzinfo=dt.UTC)


def _interleaved(conn) -> tuple[int, int]:
    """Two requests whose subjects were inserted turn about, as two uploads stored at once are."""
    for n, (request_id, numbers) in enumerate([("R-1", [1, 2, 3]), ("R-2", [4, 5]), ("R-1b", [6, 7, 8]),
                                               ("R-2b", [9]), ("R-1c", [10])]):
        _insert(conn, "DHS-ICE", request_id, NOW - dt.timedelta(minutes=n), numbers)
    pk = {r.request_id: r.id for r in conn.execute(requests.select())}
    # the later inserts become the first two requests' subjects, so the two requests' keys alternate
    for target, moved in (("R-1", ("R-1b", "R-1c")), ("R-2", ("R-2b",))):
        conn.execute(update(subjects).where(subjects.c.request.in_([pk[m] for m in moved])).values(request=pk[target]))
    return pk["R-1"], pk["R-2"]


def _ids(conn, pk: int) -> list[int]:
    return sorted(r.id for r in conn.execute(subjects.select().where(subjects.c.request == pk)))


def test_every_subject_once_in_key_order_across_batches(store_url):
    engine = open_store(store_url)
    with engine.begin() as conn:
        first, second = _interleaved(conn)
        conn.execute(update(subjects).where(subjects.c.row_number == 6).values(outcome="match"))
    with engine.connect() as conn:
        for pk in (first, second):
            answers = [pair for ids, outcomes, *_ in disclosure_store.package_batches(conn, pk, batch=2)
                       for pair in zip(ids, outcomes, strict=True)]
            stored = {r.id: (r.subject_id, r.outcome) for r in conn.execute(subjects.select().where(subjects.c.request == pk))}
            assert answers == [stored[i] for i in _ids(conn, pk)]
        pending = [row[0] for rows in requests_store.pending_batches(conn, first, ["subject_id"], batch=2) for row in rows]
        assert pending == [i for i in _ids(conn, first) if i != conn.execute(
            subjects.select().where(subjects.c.row_number == 6)).one().id]
    engine.dispose()


def test_on_sqlite_a_batch_is_found_by_the_index_without_sorting_the_request(tmp_path):
    engine = open_store(f"sqlite:///{tmp_path / 'store.sqlite3'}")
    with engine.begin() as conn:
        first, _ = _interleaved(conn)

    def run(conn) -> None:
        list(disclosure_store.package_batches(conn, first, batch=2))
        list(requests_store.pending_batches(conn, first, ["subject_id"], batch=2))

    plans = sqlite_plans(engine, run, lambda sql: sql.lstrip().upper().startswith("SELECT") and "FROM subjects" in sql)
    assert len({statement for statement, _ in plans}) == 2
    for _, plan in plans:
        assert "ix_subjects_request_id" in plan and "TEMP B-TREE" not in plan, plan
    engine.dispose()
