"""Opening the store and bringing its schema up to date with Alembic.

SQLite (the embedded default) is opened in WAL mode with foreign keys on, so a crash mid-write
leaves the last committed state and never half a transaction.
"""

from __future__ import annotations

import os
from contextlib import suppress
from functools import lru_cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event

from ftigate.tabular import PRIVATE, PRIVATE_DIR, make_private

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cur = dbapi_connection.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


def sqlite_file(url: str) -> Path | None:
    """The database file of an SQLite URL; None for an in-memory database or another server."""
    if not url.startswith("sqlite"):
        return None
    location = url.split("///", 1)[-1]
    return None if location in ("", ":memory:") or location == url else Path(location)


def private_sqlite_files(path: Path) -> None:
    """The database (taxpayers' names, addresses, TINs) and its WAL, shared-memory and journal files
    readable by their owner only, whatever mode they had. The database is created empty at mode
    0600 before SQLite opens it, and SQLite gives its WAL and journal the database's own mode."""
    path.parent.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
    with suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE))
    make_private(path, *(path.with_name(path.name + suffix) for suffix in ("-wal", "-shm", "-journal")))


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        path = sqlite_file(url)
        if path is not None:
            private_sqlite_files(path)
        engine = create_engine(url, hide_parameters=True)  # rows hold personal data: never in a message
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return create_engine(url, pool_pre_ping=True, hide_parameters=True)


@lru_cache(maxsize=1)
def head_revision() -> str:
    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head() or ""


def migrate(engine: Engine) -> None:
    """Upgrade the schema to the newest migration, if it is not there already."""
    with engine.connect() as conn:
        current = MigrationContext.configure(conn).get_current_revision()
    if current == head_revision():
        return
    with engine.begin() as conn:
        cfg = alembic_config(str(engine.url))
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


def open_store(url: str) -> Engine:
    engine = make_engine(url)
    migrate(engine)
    return engine
