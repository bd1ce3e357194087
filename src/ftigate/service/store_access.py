"""One engine per database URL, migrated on first use; transactions are opened by use cases only."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache

from sqlalchemy import Connection, Engine

from ftigate.settings import Settings
from ftigate.store.db import open_store


@lru_cache(maxsize=8)
def _engine(url: str) -> Engine:
    return open_store(url)


def engine(settings: Settings) -> Engine:
    # The data directory holds personal data (subjects, disclosures, packages) and the gateway's keys:
    # created private to its owner; an existing directory keeps the mode its operator gave it.
    settings.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    return _engine(settings.url)


@contextmanager
def transaction(settings: Settings) -> Iterator[Connection]:
    """All or nothing: a use case's writes, its events and its ledger entries commit together."""
    with engine(settings).begin() as conn:
        yield conn


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def today() -> dt.date:
    return now().date()
