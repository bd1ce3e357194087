"""Opening the store and bringing its schema up to date with Alembic.

SQLite (the embedded default) is opened in WAL mode with foreign keys on, so a crash mid-write
leaves the last committed state and never half a transaction.
"""

from __future__ import annotations

import os
import time
from contextlib import suppress
from functools import lru_cache
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, DisconnectionError, NoSuchModuleError

from ftigate.errors import ConfigurationError
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
    engine = create_engine(url, hide_parameters=True, pool_size=POOL_SIZE, max_overflow=POOL_OVERFLOW)
    event.listen(engine, "checkin", _checked_in)
    event.listen(engine, "checkout", _ping_if_idle)
    return engine


#: connections kept open per server process, and how many more it may open at a busy moment
POOL_SIZE, POOL_OVERFLOW = 8, 16
#: a pooled connection idle longer than this is pinged before use (the server may have restarted)
IDLE_PING_SECONDS = 5.0


def _checked_in(_dbapi_connection, record) -> None:
    record.info["idle_since"] = time.monotonic()


def _ping_if_idle(dbapi_connection, record, _proxy) -> None:
    """Ping a connection that sat idle in the pool, as ``pool_pre_ping`` would, but not one that was in
    use a moment ago: under load every request would otherwise pay a round trip for it. A dead one
    is replaced (the pool retries with a new connection) instead of failing the request."""
    if time.monotonic() - record.info.get("idle_since", float("-inf")) < IDLE_PING_SECONDS:
        return
    try:
        with dbapi_connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        dbapi_connection.rollback()
    except Exception:  # any failure of a ping means the connection is gone
        raise DisconnectionError() from None


@lru_cache(maxsize=1)
def head_revision() -> str:
    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head() or ""


def migrate(engine: Engine) -> None:
    """Upgrade the schema to the newest migration, if it is not there already."""
    with engine.connect() as conn:
        current = MigrationContext.configure(conn).get_current_revision()
    if current == head_revision():
        return
    move_schema(engine, "head")


def move_schema(engine: Engine, revision: str, *, up: bool = True) -> None:
    """Upgrade (or, ``up=False``, downgrade) the schema to ``revision``, in one transaction.

    On SQLite a migration that changes a table's columns rebuilds the table: a new one is made, the
    rows copied, the old one dropped and the new one renamed. SQLite allows that only with foreign
    keys off (dropping a table that others refer to would fail), and its Python driver would commit
    every statement before the first row written on its own. So a migration runs there as SQLite
    prescribes: foreign keys off, one explicit transaction, every reference checked before it commits
    (``PRAGMA foreign_key_check``; a broken one rolls it all back), and the connection discarded
    afterwards, so that nothing else runs on it with its keys off. A migration killed half-way
    leaves the schema as it was, and two processes opening one store migrate it one after the other."""
    cfg = alembic_config(str(engine.url))
    step = command.upgrade if up else command.downgrade
    if engine.dialect.name != "sqlite":
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            step(cfg, revision)
        return
    with engine.connect() as conn:
        try:
            raw: Any = conn.connection.driver_connection  # the driver's own (sqlite3) connection
            raw.isolation_level = None  # the driver begins and commits nothing of its own accord
            conn.exec_driver_sql("PRAGMA foreign_keys=OFF")  # outside a transaction, or SQLite ignores it
            conn.exec_driver_sql("BEGIN IMMEDIATE")  # a second process migrating waits here, then finds it done
            cfg.attributes["connection"] = conn  # in a transaction: Alembic leaves its end to this function
            step(cfg, revision)
            broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            if broken:
                raise ConfigurationError(
                    f"the store's schema was not moved to {revision}: it would have left {len(broken)} "
                    f"reference(s) broken, in table(s) {', '.join(sorted({row[0] for row in broken}))}; "
                    "nothing was changed")
            conn.commit()
        except BaseException:
            conn.rollback()
            raise
        finally:
            conn.invalidate()  # its foreign keys are off: never handed out again


def shown_url(url: str) -> str:
    """The URL as it may be printed: without its password."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url.split("://", 1)[0] + "://..."


def open_store(url: str, named_by: str = "FTIGATE_DATABASE_URL") -> Engine:
    """Open the store and bring its schema up to date; a store that cannot be opened is one
    :class:`ConfigurationError` saying what is wrong and what to do, never a driver's traceback."""
    path = sqlite_file(url)
    try:
        engine = make_engine(url)
        migrate(engine)
    except (ArgumentError, NoSuchModuleError, ImportError):
        raise ConfigurationError(
            f"{named_by} names a database ftigate cannot use ({shown_url(url)}): give postgresql://USER@HOST:PORT/DB, "
            "or leave it unset for the embedded SQLite database of the data directory") from None
    except DBAPIError as exc:
        if path is not None:
            raise ConfigurationError(
                f"{path} is not an SQLite database ftigate can open ({_first_line(exc)}): point --data-dir or "
                "FTIGATE_HOME at a gateway's data directory, or move that file away") from None
        reason = _first_line(exc)
        if "does not exist" in reason:
            raise ConfigurationError(
                f"the database named by {named_by} does not exist ({shown_url(url)}): create it first "
                "(for PostgreSQL: createdb), or correct the URL") from None
        raise ConfigurationError(
            f"cannot reach the database server named by {named_by} ({shown_url(url)}): {reason}; "
            "is it running and reachable, and is the URL right?") from None
    return engine


def _first_line(exc: DBAPIError) -> str:
    """The driver's reason, without the statement or its parameters: the last line of its first
    paragraph, cut short ("database \"x\" does not exist", "file is not a database")."""
    text = str(exc.orig) if exc.orig is not None else type(exc).__name__
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    reason = (lines[0] if lines else type(exc).__name__).split("failed:")[-1].strip()
    return reason[:160]
