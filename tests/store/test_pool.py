"""The store's connection pool on PostgreSQL: a connection that sat idle is pinged before use and
replaced if the server dropped it; one in use a moment ago is used without a round trip."""

from __future__ import annotations

import psycopg
import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from ftigate.store import db


def _backend(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(text("SELECT pg_backend_pid()")).scalar_one()


def _kill(pid: int) -> None:
    """The server ends that connection (as a restart would), from a connection of its own."""
    with psycopg.connect("host=127.0.0.1 port=5432 dbname=test user=postgres", autocommit=True) as other:
        assert other.execute("SELECT pg_terminate_backend(%s)", (pid,)).fetchone() == (True,)


def test_an_idle_connection_the_server_dropped_is_replaced(pg_url, monkeypatch):
    engine = db.open_store(pg_url)
    dropped = _backend(engine)
    monkeypatch.setattr(db, "IDLE_PING_SECONDS", 0.0)
    _kill(dropped)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT 1")).scalar_one() == 1
    engine.dispose()


def test_a_connection_in_use_a_moment_ago_is_not_pinged(pg_url, monkeypatch):
    engine = db.open_store(pg_url)
    dropped = _backend(engine)
    monkeypatch.setattr(db, "IDLE_PING_SECONDS", 3600.0)
    _kill(dropped)
    with pytest.raises(DBAPIError), engine.connect() as conn:
        conn.execute(text("SELECT 1"))
    engine.dispose()
