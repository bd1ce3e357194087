"""Accounting records found by their commitment alone, though the index is led by their batch's ledger
entry: every record under every entry (and one that names none), an incident's records the same by
either way of finding them, and on SQLite, seeks in the index rather than a scan of the records."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from sqlalchemy import select
from tests.store.query_plans import sqlite_plans
from tests.store.test_recent_subjects import _insert

from ftigate.ledger.catalogue import Kind
from ftigate.store import accounting_store, disclosure_store
from ftigate.store.db import open_store
from ftigate.store.tables import events, requests, subjects

NOW = dt.datetime(2026, 12, 7, 12, 0, tzinfo=dt.UTC)
#: the ledger entries of three batches: two of the first request, one of the second
BATCHES = ((1, 5, [1, 2, 3]), (1, 9, [4, 5]), (2, 12, [6, 7, 8]))


def _commitment(number: int) -> str:
    return hashlib.sha256(f"record {number}".encode()).hexdigest()


def _history(conn) -> dict[int, int]:
    """Two requests, three batches of disclosures with their accounting, and one record that names no
    ledger entry (as a record made before entries were kept beside them would); returns request keys."""
    _insert(conn, "DHS-ICE", "R-1", NOW, [1, 2, 3, 4, 5, 9])
    _insert(conn, "DHS-ICE", "R-2", NOW, [6, 7, 8])
    pk = {1: conn.execute(select(requests.c.id).where(requests.c.request_id == "R-1")).scalar_one(),
          2: conn.execute(select(requests.c.id).where(requests.c.request_id == "R-2")).scalar_one()}
    by_number = {r.subject_id: r.id for r in conn.execute(select(subjects.c.subject_id, subjects.c.id))}
    shared = {"disclosed_on": NOW.date(), "agency": "DHS-ICE", "recipients": ["o-1"], "authority": "a",
              "statute": "s", "fields": ["last_name"]}
    for request, index, numbers in (*BATCHES, (1, None, [9])):
        ids = disclosure_store.insert_disclosure_batch(
            conn, pk[request], [(by_number[f"S-{n}"], f"9{n:08d}", {"last_name": "X"}, 2024) for n in numbers], NOW)
        disclosure_store.insert_accounting_batch(
            conn, {**shared, "request_ref": f"R-{request}", "ledger_index": index},
            [(i, f"9{n:08d}", _commitment(n)) for i, n in zip(ids, numbers, strict=True)])
    return pk


def _mark(conn, request_pk: int, incident: str, numbers: list[int]) -> None:
    conn.execute(events.insert(), [
        {"at": NOW, "kind": Kind.ACCOUNTING_MARKED.value, "request": request_pk, "actor": "ig-1",
         "detail": {"incident": incident, "commitment": _commitment(n)}} for n in numbers])


def test_every_record_is_found_by_its_commitment_under_its_entry(store_url):
    engine = open_store(store_url)
    with engine.begin() as conn:
        _history(conn)
    with engine.connect() as conn:
        assert accounting_store.ledger_entries(conn) == [5, 9, 12]
        for request, index, numbers in (*BATCHES, (1, None, [9])):
            for n in numbers:
                found = accounting_store.by_commitment(conn, _commitment(n).upper())
                assert found is not None and found["tin"] == f"9{n:08d}" and found["ledger_index"] == index
                assert found["request_ref"] == f"R-{request}"
        assert accounting_store.by_commitment(conn, _commitment(404)) is None
    engine.dispose()


@pytest.mark.parametrize("most_probes", [0, 10**9], ids=["reading-the-request", "seeking-each-mark"])
def test_an_incidents_records_are_the_marked_ones_either_way(store_url, monkeypatch, most_probes):
    monkeypatch.setattr(accounting_store, "_MOST_PROBES", most_probes)
    engine = open_store(store_url)
    with engine.begin() as conn:
        pk = _history(conn)
        _mark(conn, pk[1], "INC-1", [2, 4, 9])
        _mark(conn, pk[2], "INC-1", [8])
        _mark(conn, pk[2], "INC-2", [6])
        # a mark under the wrong request names no record of it
        _mark(conn, pk[2], "INC-3", [1])
    with engine.connect() as conn:
        assert [r["tin"] for r in accounting_store.incident_records(conn, "INC-1")] == [
            "900000002", "900000004", "900000008", "900000009"]
        assert [r["tin"] for r in accounting_store.incident_records(conn, "INC-2")] == ["900000006"]
        assert accounting_store.incident_records(conn, "INC-3") == []
    engine.dispose()


def test_on_sqlite_a_commitment_is_sought_in_the_index_not_scanned_for(tmp_path):
    engine = open_store(f"sqlite:///{tmp_path / 'store.sqlite3'}")
    with engine.begin() as conn:
        _history(conn)
    with engine.connect() as conn:
        assert accounting_store.by_commitment(conn, _commitment(7)) is not None
    plans = sqlite_plans(engine, lambda conn: accounting_store.by_commitment(conn, _commitment(7)),
                         lambda sql: "FROM accounting" in sql)
    assert len(plans) >= 3  # the entries, the records naming none, those under the entries
    for _, plan in plans:
        assert "ix_accounting_ledger_commitment" in plan, plan
        assert "SCAN accounting" not in plan, plan
    engine.dispose()


def _indexes(conn) -> set[str]:
    from sqlalchemy import inspect

    return {index["name"] for index in inspect(conn).get_indexes("accounting")}


def test_a_store_upgraded_with_records_finds_them_the_same_and_can_go_back(tmp_path):
    """Migration 0014 on a store that already holds records: each is still found by its commitment,
    and going back to 0013 restores the index on the commitment alone."""
    from ftigate.store.db import make_engine, move_schema

    url = f"sqlite:///{tmp_path / 'store.sqlite3'}"
    engine = make_engine(url)

    def to(revision: str, up: bool = True) -> None:
        move_schema(engine, revision, up=up)

    to("0013")
    with engine.begin() as conn:
        _history(conn)
        assert {"ix_accounting_commitment", "ix_accounting_ledger_index"} <= _indexes(conn)
    to("head")
    with engine.connect() as conn:
        assert "ix_accounting_ledger_commitment" in _indexes(conn)
        assert not {"ix_accounting_commitment", "ix_accounting_ledger_index"} & _indexes(conn)
        for _, index, numbers in (*BATCHES, (1, None, [9])):
            for n in numbers:
                found = accounting_store.by_commitment(conn, _commitment(n))
                assert found is not None and found["ledger_index"] == index
    to("0013", up=False)
    with engine.connect() as conn:
        assert {"ix_accounting_commitment", "ix_accounting_ledger_index"} <= _indexes(conn)
        assert "ix_accounting_ledger_commitment" not in _indexes(conn)
    engine.dispose()
