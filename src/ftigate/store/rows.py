"""What the store's queries hand back, as the layers above may name it.

A row read with ``.mappings()`` is a SQLAlchemy ``RowMapping``: a mapping by column name, but not
a ``Mapping[str, Any]`` to a type checker (its keys may also be column objects). Functions that
read either a stored row or a plain dict of the same columns take :data:`Row`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any, TypeAlias

from sqlalchemy import Connection, RowMapping

Row: TypeAlias = RowMapping | Mapping[str, Any]


def driver_rows(conn: Connection, sql: str, parameters: Sequence[Any]) -> list[tuple[Any, ...]]:
    """The rows of a statement in the driver's own form (tuples), fetched from its cursor: for the reads
    of a whole request (a package's answers and disclosures, the matcher's input), where wrapping each of a
    million rows in a SQLAlchemy row object costs more than the database's work. The statement still goes
    through SQLAlchemy (its events, its transaction); the values are the driver's, as
    ``exec_driver_sql`` would give them (a textual statement's results are not processed)."""
    result = conn.exec_driver_sql(sql, tuple(parameters))
    try:
        return list(result.cursor.fetchall())
    finally:
        result.close()


def keyset_batches(conn: Connection, sql: str, parameters: Sequence[Any], batch: int) -> Iterator[list[tuple[Any, ...]]]:
    """The rows of a keyset query, a batch at a time, as :func:`driver_rows` gives them: ``sql`` selects
    the key first, takes ``parameters`` and then the last key read (0 before the first batch), orders by
    the key and returns at most ``batch`` rows. Each batch is a range of an index, never a sort of all."""
    last = 0
    while True:
        rows = driver_rows(conn, sql, (*parameters, last))
        if rows:
            yield rows
        if len(rows) < batch:
            return
        last = rows[-1][0]
