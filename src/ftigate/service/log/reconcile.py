"""Reconciliation: the store's tables against the log that records them, difference by ledger index.

``ftigate ledger audit`` proves the log's own rows were not altered, removed or rolled back; it says
nothing of the tables beside it. A disclosure and its accounting row deleted together, an event row
deleted, an accounting record's TIN changed: the log is intact and the gateway's own reports then
disagree with it. So the tables are walked in ledger order beside the log:

* every entry has its event row (same kind and actor), and every event row names an entry of the log;
* every ``disclosures.made`` entry has as many accounting records as it counts, whose commitments (in
  disclosure order) have the digest it carries, and each record as stored still opens its own
  commitment (a changed TIN, date, recipient or field does not); an older ``disclosure.made`` entry
  has its one record, carrying the entry's commitment, which it still opens; each accounting
  record's disclosure row exists with the same TIN; every disclosure row has a record;
* every ``request.delivered`` entry's package exists with the SHA-256 the entry states, and every
  package was delivered by an entry.

Each difference names the ledger index it concerns (or the row, where no entry does), never a TIN.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from ftigate.ledger import catalogue, commitments
from ftigate.progress import Progress
from ftigate.service.log import ledger
from ftigate.service.oversight.accounting import committed_record
from ftigate.service.store_access import transaction
from ftigate.settings import Settings
from ftigate.store import ledger_store, reconcile_queries
from ftigate.store.rows import Row


@dataclass(frozen=True)
class Difference:
    what: str          # event | accounting | disclosure | package | entry
    message: str
    index: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {"what": self.what, "index": self.index, "message": self.message}


@dataclass
class Reconciliation:
    entries: int = 0
    events: int = 0
    accounting: int = 0
    packages: int = 0
    differences: list[Difference] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.differences

    def to_json(self) -> dict[str, Any]:
        return {"ok": self.ok, "entries": self.entries, "events": self.events, "accounting": self.accounting,
                "packages": self.packages, "differences": [d.to_json() for d in self.differences]}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Reconciliation:
        """The result as :meth:`to_json` wrote it (what the HTTP API answers)."""
        return cls(int(data["entries"]), int(data["events"]), int(data["accounting"]), int(data["packages"]),
                   [Difference(str(d["what"]), str(d["message"]), d.get("index")) for d in data.get("differences", [])])


class _Cursor:
    """A stream of rows ordered by ``ledger_index``, consumed up to a given index."""

    def __init__(self, rows: Iterator[Row]) -> None:
        self._rows, self._next = rows, next(rows, None)

    def upto(self, index: int | None) -> list[Row]:
        """The rows whose ledger_index is None or below ``index`` (None: all that are left)."""
        out = []
        while self._next is not None and (index is None or self._next["ledger_index"] is None
                                          or self._next["ledger_index"] < index):
            out.append(self._next)
            self._next = next(self._rows, None)
        return out

    def at(self, index: int) -> list[Row]:
        out = []
        while self._next is not None and self._next["ledger_index"] == index:
            out.append(self._next)
            self._next = next(self._rows, None)
        return out


def reconcile(settings: Settings, progress: Progress | None = None) -> Reconciliation:
    """Walk the log and the tables side by side; every difference, by ledger index."""
    result = Reconciliation()
    diff = result.differences
    with transaction(settings) as conn:
        size = ledger_store.tree_size(conn)
        events = _Cursor(reconcile_queries.events_by_index(conn))
        records = _Cursor(reconcile_queries.accounting_by_index(conn))
        stored_packages = reconcile_queries.all_packages(conn)
        delivered: set[str] = set()
        for index, data, _leaf in ledger_store.iter_entries(conn, 0, size):
            if progress is not None and index % 50_000 == 0:
                progress("reconciling", index, size)
            result.entries += 1
            for row in events.upto(index):
                result.events += 1
                diff.append(_stray_event(row))
            for row in records.upto(index):
                result.accounting += 1
                diff.append(_stray_record(row))
            try:
                entry = json.loads(data.decode("utf-8"))
            except (UnicodeDecodeError, ValueError):
                diff.append(Difference("entry", f"ledger entry {index} is not JSON", index))
                continue
            kind = entry.get("kind")
            own_events = events.at(index)
            result.events += len(own_events)
            if not own_events:
                diff.append(Difference("event", f"ledger entry {index} ({kind}) has no event row in the store: "
                                                "the row was deleted", index))
            for row in own_events[1:]:
                diff.append(Difference("event", f"event row {row['id']} repeats ledger entry {index}", index))
            if own_events and (own_events[0]["kind"] != kind or own_events[0]["actor"] != entry.get("actor")):
                diff.append(Difference("event", f"the event row of ledger entry {index} says {own_events[0]['kind']} "
                                                f"by {own_events[0]['actor']}; the log says {kind} by "
                                                f"{entry.get('actor')}: the row was altered", index))
            own_records = records.at(index)
            result.accounting += len(own_records)
            if kind == catalogue.Kind.DISCLOSURE_MADE.value:
                diff.extend(_check_disclosure(settings, index, entry, own_records))
            elif kind == catalogue.Kind.DISCLOSURES_MADE.value:
                diff.extend(_check_batch(settings, index, entry, own_records))
            else:
                diff.extend(Difference("accounting", f"accounting record {row['id']} names ledger entry {index}, "
                                                     f"which is {kind}, not a disclosure", index)
                            for row in own_records)
            if kind == catalogue.Kind.REQUEST_DELIVERED.value:
                package = entry.get("package")
                delivered.add(str(package))
                if package not in stored_packages:
                    diff.append(Difference("package", f"ledger entry {index} delivered package {package}, which the "
                                                      "store no longer has", index))
                elif stored_packages[package] != entry.get("package_sha256"):
                    diff.append(Difference("package", f"package {package} in the store is not the one ledger entry "
                                                      f"{index} delivered (its SHA-256 differs)", index))
        for row in events.upto(None):
            result.events += 1
            diff.append(_stray_event(row))
        for row in records.upto(None):
            result.accounting += 1
            diff.append(_stray_record(row))
        for disclosure in reconcile_queries.disclosures_without_accounting(conn):
            diff.append(Difference("disclosure", f"disclosure row {disclosure} has no accounting record "
                                                 "(26 U.S.C. 6103(p)(3)(A)): the record was deleted"))
        result.packages = len(stored_packages)
        for package in sorted(set(stored_packages) - delivered):
            diff.append(Difference("package", f"package {package} is in the store but no ledger entry delivered it"))
    if progress is not None:
        progress("reconciling", size, size)
    return result


def _stray_event(row: Row) -> Difference:
    if row["ledger_index"] is None:
        return Difference("event", f"event row {row['id']} ({row['kind']}) names no ledger entry")
    return Difference("event", f"event row {row['id']} ({row['kind']}) names ledger entry {row['ledger_index']}, "
                               "which the log does not hold", row["ledger_index"])


def _stray_record(row: Row) -> Difference:
    where = row["ledger_index"]
    return Difference("accounting", f"accounting record {row['id']} names ledger entry {where}, which the log does "
                                    "not hold" if where is not None else
                                    f"accounting record {row['id']} names no ledger entry", where)


def _check_disclosure(settings: Settings, index: int, entry: Row,
                      rows: list[Row]) -> list[Difference]:
    if not rows:
        return [Difference("accounting", f"ledger entry {index} records a disclosure that has no accounting record "
                                         "in the store: the record (and perhaps the disclosure) was deleted", index)]
    out = []
    for row in rows[1:]:
        out.append(Difference("accounting", f"accounting record {row['id']} repeats ledger entry {index}", index))
    row = rows[0]
    if row["commitment"] != entry.get("commitment"):
        out.append(Difference("accounting", f"the accounting record of ledger entry {index} carries another "
                                            "commitment than the entry: it was altered", index))
    elif not ledger.open_commitment(settings, committed_record(row), row["commitment"]):
        out.append(Difference("accounting", f"the accounting record of ledger entry {index} no longer opens the "
                                            "entry's commitment: a field of it (TIN, date, recipients, fields) was "
                                            "altered", index))
    if row["disclosure_id"] is None:
        out.append(Difference("disclosure", f"the disclosure row of ledger entry {index} is gone from the store",
                              index))
    elif row["disclosure_tin"] != row["tin"]:
        out.append(Difference("disclosure", f"the disclosure row of ledger entry {index} names another taxpayer "
                                            "than its accounting record: one of them was altered", index))
    return out


def _check_batch(settings: Settings, index: int, entry: Row, rows: list[Row]) -> list[Difference]:
    """A ``disclosures.made`` entry against the accounting records that name it."""
    counted = entry.get("disclosures")
    if not rows:
        return [Difference("accounting", f"ledger entry {index} records {counted} disclosure(s) that have no accounting "
                                         "record in the store: the records (and perhaps the disclosures) were deleted",
                           index)]
    out = []
    ordered = sorted(rows, key=lambda r: (r["disclosure"], r["id"]))
    try:
        digest = commitments.commitments_digest(r["commitment"] for r in ordered)
    except ValueError:
        digest = None
    if isinstance(counted, int) and len(rows) < counted:
        out.append(Difference("accounting", f"ledger entry {index} records {counted} disclosures, of which "
                                            f"{counted - len(rows)} have no accounting record in the store: the "
                                            "records (and perhaps the disclosures) were deleted", index))
    elif len(rows) != counted:
        out.append(Difference("accounting", f"ledger entry {index} records {counted} disclosures; the store holds "
                                            f"{len(rows)} accounting records naming it: records were added", index))
    elif digest != entry.get("commitments_sha256"):
        out.append(Difference("accounting", f"the accounting records of ledger entry {index} are not the ones it "
                                            "recorded: a record was added, removed or moved, or its commitment "
                                            "altered", index))
    for row in ordered:
        if not ledger.open_commitment(settings, committed_record(row), row["commitment"]):
            out.append(Difference("accounting", f"accounting record {row['id']} of ledger entry {index} no longer "
                                                "opens its commitment: a field of it (TIN, date, recipients, fields) "
                                                "was altered", index))
        out.extend(_check_disclosure_row(index, row, f"accounting record {row['id']} of ledger entry {index}"))
    return out


def _check_disclosure_row(index: int, row: Row, what: str) -> list[Difference]:
    if row["disclosure_id"] is None:
        return [Difference("disclosure", f"the disclosure row of {what} is gone from the store", index)]
    if row["disclosure_tin"] != row["tin"]:
        return [Difference("disclosure", f"the disclosure row of {what} names another taxpayer than the record: one "
                                         "of them was altered", index)]
    return []
