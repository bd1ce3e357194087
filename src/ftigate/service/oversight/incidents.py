"""Incidents: a disclosure found wrong or unauthorized, recorded, reported, and notified.

Three steps, each a ledger event written in the transaction that makes it:

1. **record** (``incident.recorded``, and one ``accounting.marked`` per accounting record it
   covers): the disclosures concerned are named by their ledger entries or by request; each
   accounting record is marked with the incident (a record keeps the first incident's mark; every
   incident's own ``accounting.marked`` events say what it covers).
2. **report** (``incident.reported``): the report to the IRS Office of Safeguards and the inspector
   general, due no later than 24 hours after the incident was identified (IRS Publication 1075,
   26 U.S.C. 6103(p)(4)). The clock is shown: identified at, deadline, time left or
   overdue by, and whether the report went out in time.
3. **notice** (``incident.taxpayer_notice``, and one ``taxpayer.notified`` per taxpayer): where a
   person is criminally charged with the unauthorized inspection or disclosure under one of the
   statutes 26 U.S.C. 7431(e) names, each taxpayer concerned is notified as soon as practicable.
   The notice names the taxpayer and their address, so it is written to a file in the data
   directory (mode 0600), never to the ledger or a log: the ledger gets keyed commitments only.

The description of an incident is free text written by staff and may hold anything; the ledger
carries a keyed commitment to it, not the text.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, RowMapping

from ftigate.errors import InputError, NotFoundError, PermissionDenied
from ftigate.law import after_disclosure
from ftigate.law.after_disclosure import (
    NOTICE_CHARGES,
    NOTICE_CITATION,
    REPORT_CITATION,
    REPORT_WITHIN,
    Clock,
    utc,
)
from ftigate.ledger import catalogue
from ftigate.service.admin.principal import Principal, allowed, authorise
from ftigate.service.log import ledger
from ftigate.service.log.events import Event, record
from ftigate.service.requests import lifecycle as req
from ftigate.service.store_access import now, transaction
from ftigate.settings import Settings
from ftigate.store import accounting_store, registry_store
from ftigate.store.rows import Row
from ftigate.tabular import write_file_atomic

KINDS = ("wrong_person", "unauthorized", "inspection", "other")
KIND_TEXT = {"wrong_person": "disclosure about the wrong person", "unauthorized": "unauthorized disclosure",
             "inspection": "unauthorized inspection", "other": "other incident"}
#: who records, reports and notifies: the tax agency's disclosure staff (overseers only read)
ACTING_ROLES = allowed("incident.record")
#: an incident named by more ledger entries than this is recorded by request instead
MAX_ENTRIES = 100_000
_HEX64 = re.compile(r"[0-9a-fA-F]{64}")
#: clocks a few seconds apart must not make "identified now" look like the future
CLOCK_SKEW = dt.timedelta(minutes=5)


def stamp(value: dt.datetime) -> str:
    return utc(value).isoformat(timespec="seconds").replace("+00:00", "Z")


def clock(identified_at: dt.datetime, reported_at: dt.datetime | None, at: dt.datetime | None = None) -> Clock:
    """The 24-hour clock of an incident (``law.after_disclosure``), read now unless ``at`` is given."""
    return after_disclosure.clock(identified_at, reported_at, at or now())


# --- views ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class IncidentView:
    id: str
    kind: str
    description: str
    identified_at: dt.datetime
    recorded_by: str
    reported_at: dt.datetime | None
    taxpayer_notice: bool
    records: int
    clock: Clock
    already_marked: int = 0     # records that already carried an earlier incident's mark (on record)

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "kind": self.kind, "identified_at": stamp(self.identified_at),
                "deadline": stamp(self.clock.deadline),
                "reported_at": stamp(self.reported_at) if self.reported_at else None,
                "status": self.clock.status, "clock": self.clock.describe(), "recorded_by": self.recorded_by,
                "records": self.records, "taxpayer_notice": self.taxpayer_notice}


def _view(row: Row, records: int, at: dt.datetime, already: int = 0) -> IncidentView:
    return IncidentView(row["id"], row["kind"], row["description"], utc(row["identified_at"]), row["recorded_by"],
                        utc(row["reported_at"]) if row["reported_at"] else None, bool(row["taxpayer_notice"]),
                        records, clock(row["identified_at"], row["reported_at"], at), already)


def _incident(conn: Connection, incident_id: str) -> RowMapping:
    row = accounting_store.get_incident(conn, incident_id)
    if row is None:
        raise NotFoundError(f"no incident {incident_id}")
    return row


# --- record ---------------------------------------------------------------------------------------
def _scope(conn: Connection, entries: Sequence[int], request_refs: Sequence[str],
           records: Sequence[str] = ()) -> list[RowMapping]:
    """The accounting records concerned: those of the ledger entries named (a ``disclosures.made``
    entry: every disclosure of its batch), the records named by their commitments, and every record
    of the requests named."""
    if not entries and not request_refs and not records:
        raise InputError("name the disclosures concerned: accounting records (--record COMMITMENT), ledger entries "
                         "(--entry) or whole requests (--request)", field="--entry")
    if len(entries) > MAX_ENTRIES or len(records) > MAX_ENTRIES:
        raise InputError(f"{max(len(entries), len(records)):,} entries or records: name at most {MAX_ENTRIES:,}, or "
                         "the whole request", field="--entry")
    rows: dict[int, RowMapping] = {}
    for commitment in records:
        if not _HEX64.fullmatch(commitment.strip()):
            raise InputError("an accounting record is named by its commitment (64 hexadecimal digits)", field="--record")
        found_record = accounting_store.by_commitment(conn, commitment.strip())
        if found_record is None:
            raise NotFoundError(f"no accounting record has the commitment {commitment.strip().lower()}")
        rows[found_record["id"]] = found_record
    if entries:
        found = accounting_store.by_ledger_indices(conn, entries)
        missing = sorted(set(entries) - {r["ledger_index"] for r in found})
        if missing:
            shown = ", ".join(map(str, missing[:10])) + (" ..." if len(missing) > 10 else "")
            raise NotFoundError(f"ledger entries {shown} are not disclosures in the accounting")
        rows.update((r["id"], r) for r in found)
    for ref in request_refs:
        request_row = req.load(conn, ref)
        of_request = accounting_store.of_request(conn, request_row["id"])
        if not of_request:
            raise InputError(f"request {ref} disclosed nothing: an incident concerns disclosures", field="--request")
        rows.update((r["id"], r) for r in of_request)
    return [rows[k] for k in sorted(rows)]


def _new_id(conn: Connection, identified_at: dt.datetime) -> str:
    prefix = f"INC-{identified_at:%Y}-"
    return f"{prefix}{accounting_store.count_incidents_like(conn, prefix) + 1:04d}"


def record_incident(settings: Settings, *, kind: str, description: str, by: Principal,
                    entries: Sequence[int] = (), requests: Sequence[str] = (), records: Sequence[str] = (),
                    identified_at: dt.datetime | None = None) -> IncidentView:
    """Record that disclosures were wrong or unauthorized, and mark their accounting records (named by
    their commitments, by the ledger entries that recorded them, or by request)."""
    authorise(settings, by, "incident.record")
    recorded_by = by.id
    if kind not in KINDS:
        raise InputError(f"unknown kind '{kind}'; one of {', '.join(KINDS)}", field="--kind")
    if not description.strip():
        raise InputError("say what happened (--description)", field="--description")
    at = now()
    identified = utc(identified_at) if identified_at is not None else at
    if identified > at + CLOCK_SKEW:
        raise InputError(f"identified at {stamp(identified)} is in the future", field="--identified-at")
    with transaction(settings) as conn:
        rows = _scope(conn, list(entries), list(requests), list(records))
        latest = max(r["disclosed_on"] for r in rows)
        if identified.date() < latest:
            raise InputError(f"identified at {stamp(identified)}, before the disclosure it concerns was made "
                             f"({latest.isoformat()})", field="--identified-at")
        incident_id = _new_id(conn, identified)
        accounting_store.insert_incident(conn, {
            "id": incident_id, "disclosure": rows[0]["disclosure"] if len(rows) == 1 else None, "kind": kind,
            "description": description.strip(), "identified_at": identified, "reported_at": None,
            "recorded_by": recorded_by, "taxpayer_notice": False,
        })
        marked = accounting_store.mark_incident(conn, [r["id"] for r in rows], incident_id)
        request_pks = {r["request_pk"] for r in rows}
        single = rows[0] if len(request_pks) == 1 else None
        recorded = Event(catalogue.IncidentRecorded(
            incident=incident_id, incident_kind=kind, identified_at=stamp(identified),
            deadline=stamp(identified + REPORT_WITHIN), disclosures=len(rows), requests=len(request_pks),
            description_commitment=ledger.commitment(settings, {"incident": incident_id,
                                                                "description": description.strip()}),
            citation=REPORT_CITATION), recorded_by,
            single["request_pk"] if single else None, single["request_ref"] if single else None)
        marks = [Event(catalogue.AccountingMarked(incident=incident_id, commitment=r["commitment"]), recorded_by,
                       r["request_pk"], r["request_ref"])
                 for r in rows]
        record(conn, settings, [recorded, *marks], at)
        return _view(_incident(conn, incident_id), len(rows), at, len(rows) - marked)


# --- list -----------------------------------------------------------------------------------------
def list_incidents(settings: Settings, at: dt.datetime | None = None) -> list[IncidentView]:
    at = at or now()
    with transaction(settings) as conn:
        counts = accounting_store.incident_record_counts(conn)
        return [_view(row, counts.get(row["id"], 0), at) for row in accounting_store.list_incidents(conn)]


def show_incident(settings: Settings, incident_id: str, at: dt.datetime | None = None) -> IncidentView:
    at = at or now()
    with transaction(settings) as conn:
        row = _incident(conn, incident_id)
        return _view(row, len(accounting_store.incident_records(conn, incident_id)), at)


# --- report ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class IncidentReport:
    incident: IncidentView
    text: str               # the report, Markdown
    path: Path
    first: bool             # this run made the report (False: it had been reported before; text re-rendered)
    ledger_index: int | None


def report_incident(settings: Settings, incident_id: str, by: Principal) -> IncidentReport:
    """Produce the report to the Office of Safeguards and the inspector general; the clock stops.

    The first report sets ``reported_at`` and appends ``incident.reported`` (with whether it was
    within 24 hours); asking again re-renders the same report without a new event.
    """
    authorise(settings, by, "incident.report")
    reporter = by.id
    at = now()
    with transaction(settings) as conn:
        row = _incident(conn, incident_id)
        records = accounting_store.incident_records(conn, incident_id)
        first = row["reported_at"] is None
        index = None
        if first:
            watch = clock(row["identified_at"], at, at)
            [index] = record(conn, settings, [Event(catalogue.IncidentReported(
                incident=incident_id, identified_at=stamp(watch.identified_at), deadline=stamp(watch.deadline),
                within_24_hours=watch.status == "reported on time",
                minutes_after_identification=int((at - watch.identified_at).total_seconds() // 60),
                disclosures=len(records), to=["IRS Office of Safeguards", "Inspector General"],
                citation=REPORT_CITATION), reporter)], at)
            accounting_store.update_incident(conn, incident_id, reported_at=at)
            row = _incident(conn, incident_id)
        view = _view(row, len(records), at)
        registry, _ = registry_store.snapshot(conn, with_ended=True)
        text = _report_text(view, records, {a.id: a.name for a in registry.agencies}, reporter, at)
    path = settings.reports_dir / "incidents" / f"{incident_id}-report.md"
    _write_private(path, text)
    return IncidentReport(view, text, path, first, index)


def _report_text(view: IncidentView, records: Sequence[RowMapping], agency_names: Mapping[str, str],
                 reporter: str, at: dt.datetime) -> str:
    watch = view.clock
    taxpayers = len({r["tin"] for r in records})
    lines = [
        f"# Incident report {view.id}", "",
        "To: IRS Office of Safeguards; the Inspector General (Treasury Inspector General for Tax Administration)",
        f"Under: {REPORT_CITATION}: a possible unauthorized inspection or disclosure is reported no later than "
        "24 hours after it is identified (26 U.S.C. 6103(p)(4); IRS Publication 1075).", "",
        "## The 24-hour clock", "",
        "| | |", "|---|---|",
        f"| identified at | {stamp(watch.identified_at)} |",
        f"| deadline | {stamp(watch.deadline)} |",
        f"| reported at | {stamp(watch.reported_at) if watch.reported_at else 'not yet'} |",
        f"| status | {watch.status}: {watch.describe()} |", "",
        "## What happened", "",
        f"- kind: {KIND_TEXT[view.kind]} ({view.kind})",
        f"- recorded by: {view.recorded_by}; this report produced by {reporter} at {stamp(at)}",
        f"- taxpayer notice under {NOTICE_CITATION}: {'produced' if view.taxpayer_notice else 'not produced (it is due only once a person is criminally charged)'}",
        "", view.description, "",
        f"## Disclosures concerned: {len(records):,} instances, {taxpayers:,} taxpayers", "",
        "| request | agency | statute | authority | recipients | disclosed | instances |",
        "|---|---|---|---|---|---|---:|",
    ]
    groups: dict[str, list[RowMapping]] = {}
    for r in records:
        groups.setdefault(r["request_ref"], []).append(r)
    for ref, rows in sorted(groups.items()):
        first_row = rows[0]
        days = sorted({r["disclosed_on"] for r in rows})
        span = days[0].isoformat() if len(days) == 1 else f"{days[0].isoformat()} to {days[-1].isoformat()}"
        agency = first_row["agency"]
        lines.append(f"| {ref} | {agency_names.get(agency, agency)} ({agency}) | {first_row['statute']} | "
                     f"{first_row['authority']} | {', '.join(first_row['recipients'] or [])} | {span} | {len(rows):,} |")
    lines += ["", "## Accounting records (the ledger entry of each disclosure, and its commitment)", "",
              "Each record is the IRS's accounting of one disclosure (26 U.S.C. 6103(p)(3)(A)); an authorised "
              "overseer sees the taxpayer behind a commitment with `ftigate accounting open COMMITMENT --as ID`.", "",
              "| accounting record | ledger entry | disclosed | request | commitment | marked with |",
              "|---:|---:|---|---|---|---|"]
    for r in records:
        lines.append(f"| {r['id']} | {r['ledger_index']} | {r['disclosed_on'].isoformat()} | {r['request_ref']} | "
                     f"`{r['commitment']}` | {r['incident'] or ''} |")
    return "\n".join(lines) + "\n"


def _write_private(path: Path, text: str) -> None:
    """Atomically write a file only the gateway's own account can read."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.parent.chmod(0o700)
    write_file_atomic(path, text, mode=0o600)


# --- taxpayer notice ------------------------------------------------------------------------------
@dataclass(frozen=True)
class NoticeResult:
    incident: str
    directory: Path
    notices: int            # one per taxpayer concerned
    charge: str
    charged_on: dt.date


def notify_taxpayers(settings: Settings, incident_id: str, by: Principal, charge: str,
                     charged_on: dt.date) -> NoticeResult:
    """Produce the 26 U.S.C. 7431(e) notice to every taxpayer an incident concerns, once a person is charged.

    Applies only where someone is criminally charged by indictment or information under one of
    the statutes in :data:`NOTICE_CHARGES`; anything else is refused with the reason. One notice per
    taxpayer (several disclosures about one taxpayer are listed in one notice).
    """
    authorise(settings, by, "incident.notice")
    actor = by.id
    if charge not in NOTICE_CHARGES:
        raise InputError(f"'{charge}' is not a charge after which {NOTICE_CITATION} requires a taxpayer notice; "
                         f"one of: {'; '.join(NOTICE_CHARGES)}", field="--charge")
    at = now()
    if charged_on > at.date():
        raise InputError(f"charged on {charged_on} is in the future", field="--charged-on")
    with transaction(settings) as conn:
        row = _incident(conn, incident_id)
        if row["taxpayer_notice"]:
            raise PermissionDenied(f"the taxpayer notices of {incident_id} were already produced "
                                   f"(in the data directory's notices/{incident_id})")
        records = accounting_store.incident_records(conn, incident_id)
        if not records:
            raise InputError(f"{incident_id} covers no disclosures: there is no taxpayer to notify")
        registry, _ = registry_store.snapshot(conn, with_ended=True)
        names = {a.id: a.name for a in registry.agencies}
        fields = accounting_store.disclosed_fields(conn, [r["disclosure"] for r in records])
        by_taxpayer: dict[str, list[RowMapping]] = {}
        for r in records:
            by_taxpayer.setdefault(r["tin"], []).append(r)
        directory = settings.data_dir / "notices" / incident_id
        events = [Event(catalogue.IncidentTaxpayerNotice(
            incident=incident_id, charge=charge, charged_on=charged_on, notices=len(by_taxpayer),
            citation=NOTICE_CITATION), actor)]
        for number, (_, rows) in enumerate(sorted(by_taxpayer.items(), key=lambda kv: kv[1][0]["id"]), 1):
            rows = sorted(rows, key=lambda r: r["id"])
            latest = rows[-1]
            text = notice_text(incident_id, fields.get(latest["disclosure"], {}), rows, names, charge, charged_on, at.date())
            _write_private(directory / f"notice-{number:04d}.txt", text)
            events.append(Event(catalogue.TaxpayerNotified(
                incident=incident_id, commitment=latest["commitment"],
                notice_commitment=ledger.commitment(settings, {"incident": incident_id, "notice": text})),
                actor, latest["request_pk"], latest["request_ref"]))
        record(conn, settings, events, at)
        accounting_store.update_incident(conn, incident_id, taxpayer_notice=True)
        return NoticeResult(incident_id, directory, len(by_taxpayer), charge, charged_on)


def notice_text(incident_id: str, identity: Mapping[str, Any], records: Sequence[Row],
                agency_names: Mapping[str, str], charge: str, charged_on: dt.date, today: dt.date) -> str:
    """The letter to one taxpayer. It names them and their address: it is never logged or ledgered."""
    name = " ".join(str(identity.get(k) or "").strip() for k in ("first_name", "middle_name", "last_name", "suffix"))
    state_zip = f"{identity.get('state') or ''} {identity.get('zip') or ''}".strip()
    city_line = ", ".join(p for p in (str(identity.get("city") or "").strip(), state_zip) if p)
    address = [str(identity.get("address_line1") or ""), str(identity.get("address_line2") or ""), city_line]
    disclosed = [f"  - on {r['disclosed_on'].isoformat()}, to {agency_names.get(r['agency'], r['agency'])} "
                 f"(request {r['request_ref']}; information disclosed: {', '.join(r['fields'] or [])})" for r in records]
    lines = [
        "Internal Revenue Service",
        f"Notice of unauthorized inspection or disclosure ({NOTICE_CITATION})",
        f"Date: {today.isoformat()}", "",
        " ".join(name.split()), *[line for line in address if line.strip()], "",
        "We are writing to tell you about information from IRS records about you. The IRS disclosed it as follows:",
        *disclosed, "",
        f"On {charged_on.isoformat()} a person was criminally charged, by indictment or information, with the "
        f"unauthorized inspection or disclosure of that information ({charge}: {NOTICE_CHARGES[charge]}).",
        f"Federal law ({NOTICE_CITATION}) requires the IRS to notify you of such an inspection or disclosure as "
        "soon as practicable.", "",
        "Under 26 U.S.C. 7431(a) you may bring a civil action for damages in a United States district court for an "
        "unauthorized inspection or disclosure of your return information, within 2 years after you discover it "
        "(26 U.S.C. 7431(d)).", "",
        f"Reference: incident {incident_id}; accounting record(s) {', '.join(str(r['id']) for r in records)}.",
    ]
    return "\n".join(lines) + "\n"
