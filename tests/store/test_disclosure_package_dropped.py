"""Migration 0015: a disclosure no longer names its package (its request's package is the one).

On a store that holds disclosures, accounting records that refer to them and a delivered package,
the upgrade keeps every row and every reference as it was, on SQLite (where the table is rebuilt,
with foreign keys off for the while: ``tests/store/test_schema_moves.py``) and on PostgreSQL; going
back fills the column in from the packages."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError
from tests.store.test_accounting_by_batch import NOW, _history

from ftigate.store.db import make_engine, move_schema

_DISCLOSURES = "SELECT id, request, subject, tin, tax_period FROM disclosures ORDER BY id"
_ACCOUNTING = "SELECT id, disclosure, tin, commitment, ledger_index FROM accounting ORDER BY id"


def stored(conn) -> list[list]:
    """The store's disclosures and accounting records, each as rows in id order."""
    return [conn.execute(text(sql)).all() for sql in (_DISCLOSURES, _ACCOUNTING)]


def columns_of(conn, table: str) -> set[str]:
    return {column["name"] for column in inspect(conn).get_columns(table)}


def revision_of(conn) -> str:
    return conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one()


def delivered(conn) -> dict[int, int]:
    """The history of two requests, the first delivered in a package its disclosures name."""
    pk = _history(conn)
    conn.execute(text("INSERT INTO packages (id, request, created_at, destroy_by, sha256, path, state) "
                      "VALUES ('PKG-1', :request, :at, :by, :sha, '/nowhere', 'delivered')"),
                 {"request": pk[1], "at": NOW, "by": NOW.date(), "sha": "0" * 64})
    conn.execute(text("UPDATE disclosures SET package = 'PKG-1' WHERE request = :request"), {"request": pk[1]})
    return pk


def test_upgrading_keeps_every_row_and_reference_and_going_back_fills_the_package_in(store_url):
    engine = make_engine(store_url)
    move_schema(engine, "0014")
    with engine.begin() as conn:
        pk = delivered(conn)
        before = stored(conn)
    assert len(before[0]) == len(before[1]) == 9

    move_schema(engine, "head")
    with engine.connect() as conn:
        assert "package" not in columns_of(conn, "disclosures")
        assert stored(conn) == before
        if engine.dialect.name == "sqlite":  # the connections handed out afterwards have their keys on
            assert conn.execute(text("PRAGMA foreign_keys")).scalar_one() == 1
            assert conn.execute(text("PRAGMA foreign_key_check")).all() == []
    with pytest.raises(IntegrityError), engine.begin() as conn:  # the rebuilt table is still referred to
        conn.execute(text("UPDATE accounting SET disclosure = 999999 WHERE id = :id"), {"id": before[1][0][0]})

    move_schema(engine, "0014", up=False)
    with engine.connect() as conn:
        assert revision_of(conn) == "0014"
        packages = dict(conn.execute(text("SELECT id, package FROM disclosures")).all())
        request = dict(conn.execute(text("SELECT id, request FROM disclosures")).all())
    assert {d: p for d, p in packages.items() if p is not None} == {d: "PKG-1" for d, r in request.items()
                                                                     if r == pk[1]}
    engine.dispose()
