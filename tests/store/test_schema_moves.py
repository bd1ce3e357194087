"""Opening a store whose schema is behind: two processes at once upgrade it one after the other, and
both go on with the upgraded store (SQLite: the second waits for the first's transaction, then finds
nothing left to do)."""

from __future__ import annotations

import subprocess
import sys
import time

from sqlalchemy import text
from tests.store.test_accounting_by_batch import _history

from ftigate.store.db import head_revision, make_engine, move_schema

_OPEN = "import sys; from ftigate.store.db import open_store; open_store(sys.argv[1]).dispose(); print('opened')"


def test_two_processes_opening_a_store_behind_at_once_both_open_it_upgraded(tmp_path):
    url = f"sqlite:///{tmp_path / 'store.sqlite3'}"
    engine = make_engine(url)
    move_schema(engine, "0014")
    with engine.begin() as conn:
        _history(conn)
        disclosures = conn.execute(text("SELECT id, subject, tin FROM disclosures ORDER BY id")).all()
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
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one() == head_revision()
        assert conn.execute(text("SELECT id, subject, tin FROM disclosures ORDER BY id")).all() == disclosures
    engine.dispose()
