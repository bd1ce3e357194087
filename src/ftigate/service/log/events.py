"""Recording events: every state change is a row in ``events`` and an entry in the ledger, together.

The event and its ledger entry are written in the caller's transaction, so either both exist or
neither does. Only a catalogued event (:mod:`ftigate.ledger.catalogue`) can be recorded: the
kind and the fields of every entry are declared there, once. Details must never carry personal
data: the ledger is permanent and read by overseers; where an event concerns a taxpayer it
carries a keyed commitment instead (``ledger.commitment``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Connection

from ftigate.ledger import catalogue
from ftigate.service.log import ledger
from ftigate.settings import Settings
from ftigate.store import requests_store


@dataclass(frozen=True)
class Event:
    """A catalogued event, who caused it, and the request it concerns (if one)."""

    what: catalogue.Event
    actor: str                      # the registry or staff id of who caused it, or "gateway"
    request_pk: int | None = None
    request_ref: str | None = None  # "AGENCY/REQUEST_ID"

    @property
    def kind(self) -> catalogue.Kind:
        return catalogue.Kind(self.what.kind)


def record(conn: Connection, settings: Settings, events: Sequence[Event], at: dt.datetime | Sequence[dt.datetime],
           *, commit: bool = False) -> list[int]:
    """Append the events to the ledger and the events table; returns their ledger indices.

    ``at`` is when they happened: one time for all, or one per event (several submissions stored in
    one transaction, each recorded at its own time). ``commit``: the caller's transaction ends with
    this append (``ledger.append``), so the commit goes with the ledger's writes.
    """
    if not events:
        return []
    times = [at] * len(events) if isinstance(at, dt.datetime) else list(at)
    if len(times) != len(events):
        raise ValueError("one time per event")
    entries = [catalogue.Entry(event=e.what, at=t, actor=e.actor, request=e.request_ref)
               for e, t in zip(events, times, strict=True)]
    as_json = [entry.to_json() for entry in entries]  # the event's fields once, for the entry and its row
    envelope = frozenset(catalogue.ENVELOPE)

    def rows(indices: list[int]) -> None:
        requests_store.insert_events(conn, [
            {"at": t, "kind": e.kind.value, "request": e.request_pk, "actor": e.actor,
             "detail": {k: v for k, v in value.items() if k not in envelope}, "ledger_index": index}
            for e, t, value, index in zip(events, times, as_json, indices, strict=True)
        ])
    return ledger.append(conn, settings, entries, as_json, beside=rows, commit=commit)
