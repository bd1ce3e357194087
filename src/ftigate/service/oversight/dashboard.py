"""The overseers' dashboard: a period's figures (from a signed tree head), the destruction
certificates that are overdue, the incidents whose 24-hour clock still runs, and the log's current
signed tree head with the witnesses that cosigned it. A view; it signs a checkpoint of the log if the
log has grown since the last one (as every report does), and changes nothing else."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from ftigate.service.oversight import incidents, reports
from ftigate.service.store_access import now, transaction
from ftigate.settings import Settings
from ftigate.store import console_queries

#: a signature line of a signed note starts with an em dash and a space (C2SP signed-note)
_SIGNATURE = "\u2014 "
#: the dashboard's default window: this many days up to today
DEFAULT_DAYS = 30


@dataclass(frozen=True)
class Signature:
    name: str
    key_hash: str       # the first 4 bytes of the signature line, base64: which key signed
    own: bool           # the log's own signature, not a witness's


@dataclass
class Dashboard:
    report: reports.PeriodReport
    overdue: list[dict[str, Any]]
    open_incidents: list[incidents.IncidentView]
    signatures: list[Signature]

    @property
    def witnesses(self) -> list[Signature]:
        return [s for s in self.signatures if not s.own]


def signatures(note: str, origin: str) -> list[Signature]:
    """Who signed a signed note: the log itself and any witnesses (names and key hashes only)."""
    import base64

    out = []
    for line in note.splitlines():
        if not line.startswith(_SIGNATURE):
            continue
        name, _, blob = line[len(_SIGNATURE):].rpartition(" ")
        try:
            key_hash = base64.b64decode(blob)[:4].hex()
        except ValueError:
            key_hash = ""
        out.append(Signature(name, key_hash, name == origin))
    return out


def default_window(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    last = today or now().date()
    return last - dt.timedelta(days=DEFAULT_DAYS - 1), last


def dashboard(settings: Settings, first: dt.date, last: dt.date) -> Dashboard:
    report = reports.period_report(settings, first, last)
    at = now()
    with transaction(settings) as conn:
        overdue = [{**dict(p), "ref": f"{p['agency']}/{p['request_id']}",
                    "days_late": (at.date() - p["destroy_by"]).days}
                   for p in console_queries.uncertified_packages(conn, at.date())]
    open_ones = [i for i in incidents.list_incidents(settings, at) if i.reported_at is None]
    return Dashboard(report, overdue, open_ones, signatures(report.tree_head.note, report.tree_head.origin))
