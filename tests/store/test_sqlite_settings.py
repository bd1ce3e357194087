"""Every connection to the embedded SQLite store is set up alike: a write-ahead log (readers never
wait for the writer), foreign keys enforced, a wait for a busy database instead of an error."""

from __future__ import annotations

from ftigate.store.db import open_store


def test_each_connection_has_the_stores_settings(tmp_path):
    engine = open_store(f"sqlite:///{tmp_path / 'store.sqlite3'}")
    with engine.connect() as first, engine.connect() as second:  # two connections of the pool, each set up
        for conn in (first, second):
            settings = {name: conn.exec_driver_sql(f"PRAGMA {name}").scalar()
                        for name in ("journal_mode", "foreign_keys", "synchronous", "busy_timeout")}
            assert settings == {"journal_mode": "wal", "foreign_keys": 1, "synchronous": 1, "busy_timeout": 30000}
    engine.dispose()
