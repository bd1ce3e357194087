"""Queries over the accounting of disclosures (6103(p)(3)(A)) and the incidents recorded against it.

One accounting record per disclosure: the taxpayer (TIN), the date, the recipient agency and
officers, the authority, the request, the fields disclosed, and the ledger entry that proves it.
The records are the IRS's own and hold TINs; the ledger refers to each only by its commitment.

Records are read in keyset order (by id, in batches), so exporting 1.3 million of them streams
instead of loading them all.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, RowMapping, and_, func, select, text, update

from ftigate.ledger.catalogue import AccountingMarked, Kind, field_name
from ftigate.store.tables import accounting, disclosures, events, incidents

_RECORD = (accounting, disclosures.c.request.label("request_pk"))
CHUNK = 1000
#: the fields of an ``accounting.marked`` event the incident queries select
_MARKED_INCIDENT = field_name(AccountingMarked, "incident")
_MARKED_COMMITMENT = field_name(AccountingMarked, "commitment")


def _records():
    return select(*_RECORD).join(disclosures, disclosures.c.id == accounting.c.disclosure)


def _period(first: dt.date | None, last: dt.date | None) -> list:
    conditions = []
    if first is not None:
        conditions.append(accounting.c.disclosed_on >= first)
    if last is not None:
        conditions.append(accounting.c.disclosed_on <= last)
    return conditions


def iter_records(conn: Connection, first: dt.date | None = None, last: dt.date | None = None,
                 batch: int = 10_000) -> Iterator[RowMapping]:
    """Every accounting record disclosed between two dates (inclusive; None: unbounded), by id."""
    after = 0
    while True:
        rows = list(conn.execute(_records().where(accounting.c.id > after, *_period(first, last))
                                 .order_by(accounting.c.id).limit(batch)).mappings())
        yield from rows
        if len(rows) < batch:
            return
        after = rows[-1]["id"]


def count_records(conn: Connection, first: dt.date | None = None, last: dt.date | None = None) -> int:
    return conn.execute(select(func.count()).select_from(accounting).where(*_period(first, last))).scalar_one()


def by_ledger_index(conn: Connection, index: int) -> RowMapping | None:
    return conn.execute(_records().where(accounting.c.ledger_index == index)).mappings().first()


def of_ledger_index(conn: Connection, index: int, limit: int | None = None) -> list[RowMapping]:
    """The accounting records that name one ledger entry (a batch's), by id; at most ``limit``."""
    query = _records().where(accounting.c.ledger_index == index).order_by(accounting.c.id)
    return list(conn.execute(query if limit is None else query.limit(limit)).mappings())


#: the ledger entries the records name, each once, in order: one index seek per entry (a loose scan of
#: ``ix_accounting_ledger_commitment``), instead of reading every record to find a few hundred batches
_ENTRIES = text("""
WITH RECURSIVE entries(i) AS (
    SELECT min(ledger_index) FROM accounting
    UNION ALL
    SELECT (SELECT min(ledger_index) FROM accounting WHERE ledger_index > entries.i) FROM entries
    WHERE entries.i IS NOT NULL)
SELECT i FROM entries WHERE i IS NOT NULL""")
#: how many (entry, commitment) pairs :func:`incident_records` probes the index with before it reads
#: the request's records instead
_MOST_PROBES = 200_000


def ledger_entries(conn: Connection) -> list[int]:
    """The ledger indexes the accounting records name (their batches' entries), in order."""
    return [int(index) for index in conn.execute(_ENTRIES).scalars()]


def _probe(conn: Connection, commitments: Sequence[str], entries: Sequence[int],
           *where: Any) -> Iterator[RowMapping]:
    """The records with these commitments, looked up under each entry (and among records that name
    none): the index is led by the entry, so a commitment alone is one seek per entry."""
    yield from conn.execute(_records().where(accounting.c.ledger_index.is_(None),
                                             accounting.c.commitment.in_(commitments), *where)).mappings()
    for start in range(0, len(entries), CHUNK):
        yield from conn.execute(_records().where(accounting.c.ledger_index.in_(entries[start:start + CHUNK]),
                                                 accounting.c.commitment.in_(commitments), *where)).mappings()


def by_commitment(conn: Connection, commitment: str) -> RowMapping | None:
    """The record with this commitment, if any: looked for under each ledger entry in turn, so the time
    grows with the number of batches ever disclosed (thousands of seeks), not with the records."""
    return next(_probe(conn, [commitment.lower()], ledger_entries(conn)), None)


def by_ledger_indices(conn: Connection, indices: Sequence[int]) -> list[RowMapping]:
    rows: list[RowMapping] = []
    wanted = sorted(set(indices))
    for start in range(0, len(wanted), CHUNK):
        rows += conn.execute(_records().where(accounting.c.ledger_index.in_(wanted[start:start + CHUNK]))
                             .order_by(accounting.c.id)).mappings()
    return rows


def of_request(conn: Connection, request_pk: int) -> list[RowMapping]:
    """Every accounting record of one request (through its disclosures, which are indexed by request)."""
    return list(conn.execute(_records().where(disclosures.c.request == request_pk).order_by(accounting.c.id)).mappings())


def mark_incident(conn: Connection, record_ids: Sequence[int], incident_id: str) -> int:
    """Mark records with the incident; a record already marked keeps its first incident. Returns how many."""
    marked = 0
    ids = sorted(set(record_ids))
    for start in range(0, len(ids), CHUNK):
        result = conn.execute(update(accounting)
                              .where(accounting.c.id.in_(ids[start:start + CHUNK]), accounting.c.incident.is_(None))
                              .values(incident=incident_id))
        marked += result.rowcount
    return marked


def disclosed_fields(conn: Connection, disclosure_ids: Sequence[int]) -> dict[int, Mapping[str, Any]]:
    """What was disclosed (name and address, from the IRS's records), by disclosure id."""
    out: dict[int, Mapping[str, Any]] = {}
    ids = sorted(set(disclosure_ids))
    for start in range(0, len(ids), CHUNK):
        query = select(disclosures.c.id, disclosures.c.fields).where(disclosures.c.id.in_(ids[start:start + CHUNK]))
        out.update({pk: fields or {} for pk, fields in conn.execute(query)})
    return out


# --- incidents ------------------------------------------------------------------------------------
def insert_incident(conn: Connection, row: Mapping[str, Any]) -> None:
    conn.execute(incidents.insert().values(**row))


def get_incident(conn: Connection, incident_id: str) -> RowMapping | None:
    return conn.execute(select(incidents).where(incidents.c.id == incident_id)).mappings().first()


def list_incidents(conn: Connection) -> list[RowMapping]:
    return list(conn.execute(select(incidents).order_by(incidents.c.identified_at, incidents.c.id)).mappings())


def count_incidents_like(conn: Connection, prefix: str) -> int:
    return conn.execute(select(func.count()).select_from(incidents)
                        .where(incidents.c.id.like(prefix + "%"))).scalar_one()


def update_incident(conn: Connection, incident_id: str, **values: Any) -> None:
    conn.execute(update(incidents).where(incidents.c.id == incident_id).values(**values))


def incident_records(conn: Connection, incident_id: str) -> list[RowMapping]:
    """The accounting records an incident covers, as its ``accounting.marked`` events name them.

    The events, not ``accounting.incident``, are the authority: a record keeps the mark of the
    first incident recorded against it, but every later incident that covers it has its own
    ``accounting.marked`` event (request and commitment) in the ledger.
    """
    marks = conn.execute(select(events.c.request, events.c.detail[_MARKED_COMMITMENT].as_string())
                         .where(and_(events.c.kind == Kind.ACCOUNTING_MARKED.value,
                                     events.c.detail[_MARKED_INCIDENT].as_string() == incident_id)))
    by_request: dict[int, list[str]] = {}
    for request_pk, commitment in marks:
        by_request.setdefault(request_pk, []).append(commitment)
    rows: list[RowMapping] = []
    entries = ledger_entries(conn) if by_request else []
    for request_pk, commitments in sorted(by_request.items()):
        if len(commitments) * (len(entries) + 1) <= _MOST_PROBES:
            for start in range(0, len(commitments), CHUNK):
                rows += _probe(conn, commitments[start:start + CHUNK], entries, disclosures.c.request == request_pk)
        else:  # many marks: one pass over the request's records costs less than a seek per entry and mark
            wanted = set(commitments)
            rows += (r for r in of_request(conn, request_pk) if r["commitment"] in wanted)
    return sorted(rows, key=lambda r: r["id"])


def incident_record_counts(conn: Connection) -> dict[str, int]:
    """How many accounting records each incident covers (its ``accounting.marked`` events)."""
    key = events.c.detail[_MARKED_INCIDENT].as_string()
    query = select(key, func.count()).where(events.c.kind == Kind.ACCOUNTING_MARKED.value).group_by(key)
    return {incident: n for incident, n in conn.execute(query)}
