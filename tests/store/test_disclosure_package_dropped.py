"""Migration 0015: a disclosure no longer names its package (its request's package is the one).

On a store that holds disclosures, accounting records that refer to them and a delivered package,
the upgrade keeps every row and every reference as it was, on SQLite (where the table is rebuilt,
with foreign keys off for the while) and on PostgreSQL; going back fills the column in from the
packages. On SQLite a migration runs in one transaction and checks every reference before it commits:
a store whose references would be broken is left exactly as it was."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError
from tests.store.test_accounting_by_batch import NOW, _history

from ftigate.errors import ConfigurationError
from ftigate.store.db import make_engine, move_schema

_DISCLOSURES = "SELECT id, request, subject, tin, tax_period FROM disclosures ORDER BY id"
_ACCOUNTING = "SELECT id, disclosure, tin, commitment, ledger_index FROM accounting ORDER BY id"


def _columns(conn, table: str) -> set[str]:
    return {column["name"] for column in inspect(conn).get_columns(table)}


def _revision(conn) -> str:
    return conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one()


def _delivered(conn) -> dict[int, int]:
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
        pk = _delivered(conn)
        before = [conn.execute(text(sql)).all() for sql in (_DISCLOSURES, _ACCOUNTING)]
    assert len(before[0]) == len(before[1]) == 9

    move_schema(engine, "head")
    with engine.connect() as conn:
        assert "package" not in _columns(conn, "disclosures")
        assert [conn.execute(text(sql)).all() for sql in (_DISCLOSURES, _ACCOUNTING)] == before
        if engine.dialect.name == "sqlite":  # the connections handed out afterwards have their keys on
            assert conn.execute(text("PRAGMA foreign_keys")).scalar_one() == 1
            assert conn.execute(text("PRAGMA foreign_key_check")).all() == []
    with pytest.raises(IntegrityError), engine.begin() as conn:  # the rebuilt table is still referred to
        conn.execute(text("UPDATE accounting SET disclosure = 999999 WHERE id = :id"), {"id": before[1][0][0]})

    move_schema(engine, "0014", up=False)
    with engine.connect() as conn:
        assert _revision(conn) == "0014"
        packages = dict(conn.execute(text("SELECT id, package FROM disclosures")).all())
        request = dict(conn.execute(text("SELECT id, request FROM disclosures")).all())
    assert {d: p for d, p in packages.items() if p is not None} == {d: "PKG-1" for d, r in request.items()
                                                                     if r == pk[1]}
    engine.dispose()


def test_on_sqlite_a_migration_that_would_break_a_reference_leaves_the_store_as_it_was(tmp_path):
    url = f"sqlite:///{tmp_path / 'store.sqlite3'}"
    engine = make_engine(url)
    move_schema(engine, "0014")
    with engine.begin() as conn:
        _delivered(conn)
    # a record that refers to no disclosure, as only a store written with its keys off could hold
    with engine.connect() as conn:
        raw = conn.connection.driver_connection
        raw.execute("PRAGMA foreign_keys=OFF")
        raw.execute("UPDATE accounting SET disclosure = 999999 WHERE tin = '900000007'")
        raw.commit()
        conn.invalidate()
    with engine.connect() as conn:
        before = [conn.execute(text(sql)).all() for sql in (_DISCLOSURES, _ACCOUNTING)]
        schema = conn.execute(text("SELECT type, name, sql FROM sqlite_master ORDER BY name")).all()

    with pytest.raises(ConfigurationError, match=r"1 reference\(s\) broken, in table\(s\) accounting"):
        move_schema(engine, "head")
    with engine.connect() as conn:
        assert _revision(conn) == "0014"
        assert "package" in _columns(conn, "disclosures")
        assert conn.execute(text("SELECT type, name, sql FROM sqlite_master ORDER BY name")).all() == schema
        assert [conn.execute(text(sql)).all() for sql in (_DISCLOSURES, _ACCOUNTING)] == before
    engine.dispose()
