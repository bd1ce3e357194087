"""The accounting of disclosures (26 U.S.C. 6103(p)(3)(A)), exported and opened.

Every disclosure has one permanent accounting record, written in the same transaction as the
disclosure and the ``disclosures.made`` ledger entry of its batch (``service.disclose``): the taxpayer's
TIN, the date, the recipient agency and officers, the authority, the request, the fields disclosed, and
the index of the ledger entry that proves it. The record keeps a keyed commitment to itself, and the
entry only the digest of its batch's commitments (disclosures made before batches were recorded have
an entry each, carrying the record's commitment); :func:`open_commitment` lets an authorised overseer see the record behind a commitment and
confirms that the two agree, and the opening is itself a ledger event.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ftigate.errors import InputError, NotFoundError
from ftigate.ledger import catalogue, commitments
from ftigate.progress import Progress
from ftigate.service.admin.principal import Principal, allowed, authorise
from ftigate.service.log import ledger
from ftigate.service.log.events import Event, record
from ftigate.service.store_access import now, transaction
from ftigate.settings import Settings
from ftigate.store import accounting_store, ledger_store
from ftigate.store.rows import Row
from ftigate.tabular import PRIVATE, write_rows

#: the columns of ``ftigate accounting export`` (lists inside a cell are joined with ";")
ACCOUNTING_COLUMNS: tuple[str, ...] = (
    "accounting_id", "disclosed_on", "tin", "agency", "recipients", "authority", "statute", "request",
    "fields", "ledger_index", "commitment", "incident",
)
LIST_SEPARATOR = ";"
#: who may see the record behind a commitment (overseers read the ledger and the accounting: README.md, Who uses it)
OPENING_ROLES = allowed("accounting.open")

_HEX64 = re.compile(r"[0-9a-fA-F]{64}")


def check_period(first: dt.date | None, last: dt.date | None) -> None:
    if first is not None and last is not None and first > last:
        raise InputError(f"the period ends ({last}) before it begins ({first})", field="--to")


def committed_record(row: Row) -> dict[str, Any]:
    """The exact record a disclosure's commitment covers, rebuilt from its accounting row.

    It is the record ``service.disclose`` commits to when it makes the disclosure; opening a
    commitment recomputes the keyed hash over it, so a changed TIN, date, recipient or field in
    the accounting table no longer opens the commitment the ledger holds.
    """
    disclosed_on = row["disclosed_on"]
    return {
        "tin": row["tin"],
        "disclosed_on": disclosed_on.isoformat() if isinstance(disclosed_on, dt.date) else str(disclosed_on),
        "agency": row["agency"], "recipients": list(row["recipients"] or []), "authority": row["authority"],
        "statute": row["statute"], "request_ref": row["request_ref"], "fields": list(row["fields"] or []),
        "disclosure": row["disclosure"],
    }


def csv_row(row: Row) -> dict[str, Any]:
    """One accounting record as a row of the export."""
    return {
        "accounting_id": row["id"], "disclosed_on": row["disclosed_on"].isoformat(), "tin": row["tin"],
        "agency": row["agency"], "recipients": LIST_SEPARATOR.join(row["recipients"] or []),
        "authority": row["authority"], "statute": row["statute"], "request": row["request_ref"],
        "fields": LIST_SEPARATOR.join(row["fields"] or []), "ledger_index": row["ledger_index"],
        "commitment": row["commitment"], "incident": row["incident"] or "",
    }


def count_records(settings: Settings, first: dt.date | None = None, last: dt.date | None = None) -> int:
    with transaction(settings) as conn:
        return accounting_store.count_records(conn, first, last)


def iter_accounting(settings: Settings, first: dt.date | None = None, last: dt.date | None = None) -> Iterator[dict[str, Any]]:
    """The export's rows, streamed in accounting order, disclosed between two dates (inclusive)."""
    check_period(first, last)
    with transaction(settings) as conn:
        for row in accounting_store.iter_records(conn, first, last):
            yield csv_row(row)


def export_accounting(settings: Settings, out: Path, first: dt.date | None = None, last: dt.date | None = None,
                      progress: Progress | None = None) -> int:
    """Write the accounting (CSV, or Parquet by the file's suffix) atomically, readable by its owner
    only (it holds TINs); returns the record count."""
    check_period(first, last)
    total = count_records(settings, first, last)

    def rows() -> Iterator[dict[str, Any]]:
        for done, row in enumerate(iter_accounting(settings, first, last), 1):
            if progress and done % 10_000 == 0:
                progress("exporting the accounting", done, total)
            yield row

    count = write_rows(out, ACCOUNTING_COLUMNS, rows(), mode=PRIVATE)  # it names every taxpayer disclosed about
    if progress:
        progress("exporting the accounting", count, max(total, count))
    return count


def export_accounting_for(settings: Settings, by: Principal, out: Path, first: dt.date | None = None,
                          last: dt.date | None = None) -> int:
    """:func:`export_accounting` for an overseer who asked through the API (``accounting.read``): the
    rows name every taxpayer disclosed about, so the reading is itself an ``accounting.exported``
    ledger event, recorded before the file is written; returns the record count."""
    check_period(first, last)
    authorise(settings, by, "accounting.read")
    at = now()
    total = count_records(settings, first, last)
    with transaction(settings) as conn:
        record(conn, settings, [Event(catalogue.AccountingExported(first=first, last=last, records=total), by.id)], at)
    return export_accounting(settings, out, first, last)


@dataclass(frozen=True)
class Opening:
    """What an authorised overseer learns by opening a commitment."""

    commitment: str
    ledger_index: int | None
    record: dict[str, Any]          # the committed accounting record (it names the taxpayer by TIN)
    accounting_id: int
    incident: str | None
    opens: bool                     # the record opens the commitment (keyed hash agrees)
    entry_agrees: bool              # the ledger entry at ledger_index carries this commitment (or its batch's digest)
    entry: catalogue.Entry | None   # that ledger entry (None if missing or not a catalogued event)

    @property
    def ok(self) -> bool:
        return self.opens and self.entry_agrees


def _batch_agrees(event: catalogue.DisclosuresMade, rows: Sequence[Row]) -> bool:
    """The accounting records naming a ``disclosures.made`` entry are exactly the batch it recorded:
    as many as it counts, their commitments in disclosure order of the digest it carries."""
    ordered = sorted(rows, key=lambda r: (r["disclosure"], r["id"]))
    try:
        digest = commitments.commitments_digest(r["commitment"] for r in ordered)
    except ValueError:
        return False
    return len(ordered) == event.disclosures and digest == event.commitments_sha256


def open_commitment(settings: Settings, reference: str, by: Principal) -> Opening:
    """Open a ledger commitment (or the commitment of a ledger entry, by index) against its record.

    Only staff registered as overseers may; the opening is appended to the ledger (who opened
    which commitment, and whether it opened), never the record itself.
    """
    authorise(settings, by, "accounting.open")
    overseer = by.id
    reference = reference.strip()
    at = now()
    with transaction(settings) as conn:
        if reference.isdigit():
            batch = accounting_store.of_ledger_index(conn, int(reference), limit=2)
            if not batch:
                raise NotFoundError(f"ledger entry {reference} is not a disclosure in the accounting")
            if len(batch) > 1:
                raise InputError(f"ledger entry {reference} records a batch of disclosures: open one of its records by "
                                 "its commitment (the accounting export lists each record's)", field="reference")
            row = batch[0]
        elif _HEX64.fullmatch(reference):
            found = accounting_store.by_commitment(conn, reference)
            if found is None:
                raise NotFoundError(f"no accounting record has the commitment {reference.lower()}")
            row = found
        else:
            raise InputError("give a ledger index (digits) or a commitment (64 hexadecimal digits)", field="reference")
        commitment = row["commitment"]
        entry = None
        if row["ledger_index"] is not None:
            stored = ledger_store.entry(conn, row["ledger_index"])
            try:
                entry = catalogue.parse_bytes(stored[0], row["ledger_index"]) if stored is not None else None
            except catalogue.UncataloguedEntry:
                entry = None  # edited in the store; `ftigate ledger audit` says how
        entry_agrees = entry is not None and (
            (isinstance(entry.event, catalogue.DisclosureMade) and entry.event.commitment == commitment)
            or (isinstance(entry.event, catalogue.DisclosuresMade)
                and _batch_agrees(entry.event, accounting_store.of_ledger_index(conn, row["ledger_index"]))))
        committed = committed_record(row)
        opens = ledger.open_commitment(settings, committed, commitment)
        record(conn, settings, [Event(catalogue.CommitmentOpened(commitment=commitment, opens=opens,
                                                                entry_agrees=entry_agrees),
                                      overseer, row["request_pk"], row["request_ref"])], at)
        return Opening(commitment, row["ledger_index"], committed, row["id"], row["incident"], opens, entry_agrees, entry)
