"""The rows that the ledger's entries stand for, read in ledger order for reconciliation.

Each query streams its rows ordered by the ledger index they claim, so the reconciliation walks the
log and the tables side by side without holding a million rows in memory.
"""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import Connection, RowMapping, select

from ftigate.store.tables import accounting, disclosures, events, packages

BATCH = 10_000


def _stream(conn: Connection, query) -> Iterator[RowMapping]:
    result = conn.execution_options(stream_results=True, yield_per=BATCH).execute(query)
    yield from result.mappings()


def events_by_index(conn: Connection) -> Iterator[RowMapping]:
    """Every event row (id, kind, actor, ledger_index), rows without an index first."""
    return _stream(conn, select(events.c.id, events.c.kind, events.c.actor, events.c.ledger_index)
                   .order_by(events.c.ledger_index, events.c.id))


def accounting_by_index(conn: Connection) -> Iterator[RowMapping]:
    """Every accounting record with the TIN of the disclosure row it names (None if that row is gone)."""
    query = (select(accounting, disclosures.c.tin.label("disclosure_tin"), disclosures.c.id.label("disclosure_id"))
             .select_from(accounting.outerjoin(disclosures, accounting.c.disclosure == disclosures.c.id))
             .order_by(accounting.c.ledger_index, accounting.c.id))
    return _stream(conn, query)


def disclosures_without_accounting(conn: Connection) -> list[int]:
    """Ids of disclosure rows no accounting record names."""
    query = (select(disclosures.c.id).select_from(disclosures.outerjoin(accounting,
                                                                        accounting.c.disclosure == disclosures.c.id))
             .where(accounting.c.id.is_(None)).order_by(disclosures.c.id))
    return [row[0] for row in conn.execute(query)]


def all_packages(conn: Connection) -> dict[str, str]:
    """Package id -> SHA-256 of its sealed file, as stored."""
    return {row[0]: row[1] for row in conn.execute(select(packages.c.id, packages.c.sha256))}
