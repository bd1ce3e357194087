"""Moving a store's schema on SQLite (``store.db.move_schema``): one transaction with foreign keys off,
every reference checked before it commits. A move that would break a reference leaves the store
exactly as it was; two processes opening a store whose schema is behind both open it upgraded, one
after the other (the second waits for the first's transaction, then finds nothing left to do)."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from tests.store.test_disclosure_package_dropped import columns_of, delivered, revision_of, stored

from ftigate.errors import ConfigurationError
from ftigate.store.db import head_revision, make_engine, move_schema

_OPEN = "import sys; from ftigate.store.db import open_store; open_store(sys.argv[1]).dispose(); print('opened')"


def _behind(tmp_path: Path) -> tuple[str, Engine, list]:
    """A store at migration 0014 holding a delivered request's disclosures and accounting: its URL, an
    engine on it, and its disclosures and accounting records."""
    url = f"sqlite:///{tmp_path / 'store.sqlite3'}"
    engine = make_engine(url)
    move_schema(engine, "0014")
    with engine.begin() as conn:
        delivered(conn)
    return url, engine, _rows(engine)


def _rows(engine: Engine) -> list:
    with engine.connect() as conn:
        return stored(conn)


def test_on_sqlite_a_migration_that_would_break_a_reference_leaves_the_store_as_it_was(tmp_path):
    _, engine, _ = _behind(tmp_path)
    # a record that refers to no disclosure, as only a store written with its keys off could hold
    with engine.connect() as conn:
        raw = conn.connection.driver_connection
        raw.execute("PRAGMA foreign_keys=OFF")
        raw.execute("UPDATE accounting SET disclosure = 999999 WHERE tin = '900000007'")
        raw.commit()
        conn.invalidate()
    before = _rows(engine)
    with engine.connect() as conn:
        schema = conn.execute(text("SELECT type, name, sql FROM sqlite_master ORDER BY name")).all()

    with pytest.raises(ConfigurationError, match=r"1 reference\(s\) broken, in table\(s\) accounting"):
        move_schema(engine, "head")
    with engine.connect() as conn:
        assert revision_of(conn) == "0014"
        assert "package" in columns_of(conn, "disclosures")
        assert conn.execute(text("SELECT type, name, sql FROM sqlite_master ORDER BY name")).all() == schema
    assert _rows(engine) == before
    engine.dispose()


def test_two_processes_opening_a_store_behind_at_once_both_open_it_upgraded(tmp_path):
    url, engine, before = _behind(tmp_path)
    # the store held by a writer while both start: both find it behind, and wait for it together
    with engine.connect() as holder:
        raw = holder.connection.driver_connection
        raw.execute("BEGIN IMMEDIATE")
        opening = [subprocess.Popen([sys.executable, "-c", _OPEN, url], stdout=subprocess.PIPE,  # nosec B603
                                    stderr=subprocess.PIPE, text=True) for _ in range(2)]
        time.sleep(3)  # both have read the revision and wait for the lock (at most 30 s, SQLite's busy timeout)
        assert all(process.poll() is None for process in opening)
        raw.rollback()
    for process in opening:
        out, err = process.communicate(timeout=60)
        assert process.returncode == 0 and out.strip() == "opened", err
    with engine.connect() as conn:
        assert revision_of(conn) == head_revision()
        assert "package" not in columns_of(conn, "disclosures")
    assert _rows(engine) == before
    engine.dispose()
