"""One engine per database URL, migrated on first use; transactions are opened by use cases only."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DBAPIError, IntegrityError

from ftigate.errors import ConfigurationError, StoreConflict, StoreError
from ftigate.settings import Settings
from ftigate.store.db import open_store, private_sqlite_files, sqlite_file
from ftigate.tabular import make_tree_private


@lru_cache(maxsize=8)
def _opened(url: str) -> Engine:
    return open_store(url)


#: the first calls of a server's threads come at once: one opens (and migrates) the store, the others wait
_OPENING = threading.Lock()


def _engine(url: str) -> Engine:
    with _OPENING:
        return _opened(url)


@lru_cache(maxsize=8)
def _narrowed(data_dir: str) -> int:
    """Once per process and data directory (as named, made absolute: resolving it, a system call per
    part of the path, is left to the first call, not paid by every statement's connection): whatever
    an older version or a hand left open is made private before the gateway reads or writes anything there."""
    return make_tree_private(str(Path(data_dir).resolve()))


def engine(settings: Settings) -> Engine:
    # The data directory holds personal data (subjects, disclosures, packages) and the gateway's keys:
    # created private to its owner; an existing directory keeps the mode its operator gave it.
    try:
        settings.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        _narrowed(str(settings.data_dir.absolute()))
        database = sqlite_file(settings.url)
        if database is not None:  # each time: a file someone opened up since is narrowed again before use
            private_sqlite_files(database)
    except (FileExistsError, NotADirectoryError):
        raise ConfigurationError(f"the data directory {settings.data_dir} is a file, not a directory: give --data-dir "
                                 "or FTIGATE_HOME a directory (it is created if missing)") from None
    except OSError as exc:
        raise ConfigurationError(f"cannot use the data directory {settings.data_dir}: {exc.strerror}") from None
    return _engine(settings.url)


@contextmanager
def transaction(settings: Settings) -> Iterator[Connection]:
    """All or nothing: a use case's writes, its events and its ledger entries commit together.

    A database error leaves as a :class:`StoreConflict` or :class:`StoreError` that names the kind of
    failure only: the driver's own message may quote the row ("Failing row contains (...)", a key's
    values), and rows hold names, addresses and TINs."""
    try:
        with engine(settings).begin() as conn:
            yield conn
    except DBAPIError as exc:
        raise _failure(exc) from None


@contextmanager
def reading(settings: Settings) -> Iterator[Connection]:
    """A connection for reads that need no transaction of their own (each statement sees what was
    committed when it ran): no ``BEGIN`` and no ``COMMIT``, one round trip per statement. For what
    is read before a transaction that writes (a token's holder, a request's judgement), never for
    reads that must agree with each other. Errors leave as :func:`transaction`'s do."""
    try:
        with engine(settings).connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            yield conn
    except DBAPIError as exc:
        raise _failure(exc) from None


def _failure(exc: DBAPIError) -> StoreConflict | StoreError:
    """A database error as a :class:`StoreConflict` or :class:`StoreError` naming its kind only."""
    if isinstance(exc, IntegrityError):
        return StoreConflict("the database refused the change: another process changed the same request at the "
                             "same moment, or it was already done; run the command again to see where it stands")
    kind = type(exc.orig).__name__ if exc.orig is not None else type(exc).__name__
    return StoreError(f"the database refused the operation ({kind}); nothing was changed")


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def today() -> dt.date:
    return now().date()
