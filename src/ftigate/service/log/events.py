"""Recording events: every state change is a row in ``events`` and an entry in the ledger, together.

The event and its ledger entry are written in the caller's transaction, so either both exist or
neither does. Details must never carry personal data: the ledger is permanent and read by overseers;
where an event concerns a taxpayer it carries a keyed commitment instead (``ledger.commitment``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection

from ftigate.service.log import ledger
from ftigate.settings import Settings
from ftigate.store import requests_store


@dataclass(frozen=True)
class Event:
    kind: str                       # e.g. "request.received", "review.approved", "disclosure.made"
    actor: str                      # the registry or staff id of who caused it, or "gateway"
    request_pk: int | None = None
    request_ref: str | None = None  # "AGENCY/REQUEST_ID"
    detail: Mapping[str, Any] = field(default_factory=dict)


def record(conn: Connection, settings: Settings, events: Sequence[Event], at: dt.datetime) -> list[int]:
    """Append the events to the ledger and the events table; returns their ledger indices."""
    if not events:
        return []
    stamp = at.isoformat().replace("+00:00", "Z")
    entries = []
    for e in events:
        entry: dict[str, Any] = {"kind": e.kind, "at": stamp, "actor": e.actor}
        if e.request_ref is not None:
            entry["request"] = e.request_ref
        entry.update(e.detail)
        entries.append(entry)
    indices = ledger.append(conn, settings, entries)
    requests_store.insert_events(conn, [
        {"at": at, "kind": e.kind, "request": e.request_pk, "actor": e.actor, "detail": dict(e.detail),
         "ledger_index": index}
        for e, index in zip(events, indices)
    ])
    return indices
