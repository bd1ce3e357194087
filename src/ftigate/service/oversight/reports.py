"""The overseers' reports: any period (the seed's "between March 17 and April 7" question), and the
annual report to the Joint Committee on Taxation (26 U.S.C. 6103(p)(3)(C)).

Each report is computed from a signed tree head. The gateway first signs a checkpoint of its log,
then counts exactly the events whose ledger entries lie inside it (``ledger_index < size``) and
states the checkpoint (origin, size, root hash, and the signed note itself) in the report. Events
appended while the report runs belong to the next one, and the figures that the log itself carries
(requests received, rejected and why, denied, approved, disclosures by agency and recipient) can be
recounted by anyone from the exported log with :func:`recount_from_log`, without the database.

Dates are the events' dates in UTC; ``first`` and ``last`` are both included.
"""

from __future__ import annotations

import base64
import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ftigate import law
from ftigate.errors import InputError, NotFoundError
from ftigate.law.after_disclosure import ANNUAL_CITATION, ANNUAL_REPORT_DAYS
from ftigate.law.registry import normalise_citation
from ftigate.ledger import catalogue
from ftigate.ledger.checkpoints import open_checkpoint
from ftigate.ledger.notes import NoteVerifier
from ftigate.progress import Progress
from ftigate.service.log import ledger, ledger_files
from ftigate.service.oversight.accounting import check_period
from ftigate.service.oversight.incidents import clock, utc
from ftigate.service.store_access import now, transaction
from ftigate.settings import Settings
from ftigate.store import ledger_store, registry_store
from ftigate.store import report_queries as q


# --- the signed tree head a report rests on ---------------------------------------------------------
@dataclass(frozen=True)
class TreeHead:
    origin: str
    size: int
    root: str          # base64, as in the checkpoint
    note: str          # the signed note, verbatim (with any cosignatures)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def _tree_head(note: str, verifier: NoteVerifier) -> TreeHead:
    checkpoint, _ = open_checkpoint(note, verifier)
    return TreeHead(checkpoint.origin, checkpoint.size, base64.b64encode(checkpoint.root).decode("ascii"), note)


def signed_tree_head(settings: Settings, size: int | None = None) -> TreeHead:
    """Sign a checkpoint of the log as it is now, or take the stored one of ``size``; verified either way."""
    verifier = ledger.log_verifier(settings)
    if size is None:
        return _tree_head(ledger.publish_checkpoint(settings), verifier)
    with transaction(settings) as conn:
        row = ledger_store.checkpoint(conn, size)
    if row is None:
        raise NotFoundError(f"this gateway has signed no checkpoint of size {size}")
    return _tree_head(row["note"], verifier)


def day_bounds(first: dt.date, last: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """``[first 00:00Z, the day after last 00:00Z)``: the inclusive dates as a half-open UTC window."""
    check_period(first, last)
    if last >= dt.date.max - dt.timedelta(days=ANNUAL_REPORT_DAYS + 1):  # the calendar's end: no period reaches it
        raise InputError(f"{last.isoformat()} is beyond any period this gateway reports on", field="--to")
    start = dt.datetime.combine(first, dt.time(), tzinfo=dt.UTC)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)
    return start, end


# --- the period report ----------------------------------------------------------------------------
@dataclass
class Reason:
    rule: str
    citation: str
    count: int


@dataclass
class Group:
    """Figures of one agency or one statute."""

    key: str
    title: str = ""
    requests: int = 0
    subjects: int = 0
    rejected: int = 0
    denied: int = 0
    approved: int = 0
    disclosures: int = 0
    taxpayers: int = 0


@dataclass
class Recipient:
    agency: str
    officer: str
    disclosures: int
    requests: int


@dataclass
class Day:
    day: dt.date
    received: int
    disclosures: int


@dataclass
class IncidentFigures:
    identified: int = 0
    reported_on_time: int = 0
    reported_late: int = 0
    not_reported: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)


@dataclass
class PeriodReport:
    first: dt.date
    last: dt.date
    generated_at: dt.datetime
    tree_head: TreeHead
    requests: int = 0
    subjects: int = 0
    subjects_valid: int = 0
    subjects_invalid: int = 0
    rejected: int = 0
    denied: int = 0
    approved: int = 0
    disclosures: int = 0
    taxpayers: int = 0
    agencies: list[Group] = field(default_factory=list)
    statutes: list[Group] = field(default_factory=list)
    rejection_reasons: list[Reason] = field(default_factory=list)
    subject_reasons: list[Reason] = field(default_factory=list)
    recipients: list[Recipient] = field(default_factory=list)
    days: list[Day] = field(default_factory=list)
    incidents: IncidentFigures = field(default_factory=IncidentFigures)

    @property
    def answer(self) -> str:
        """The seed's question, answered in one sentence."""
        return (f"Between {self.first.isoformat()} and {self.last.isoformat()} the gateway received "
                f"{self.requests:,} request{'s' if self.requests != 1 else ''} ({self.subjects:,} subjects) and made "
                f"{self.disclosures:,} disclosure{'s' if self.disclosures != 1 else ''} about {self.taxpayers:,} "
                f"taxpayer{'s' if self.taxpayers != 1 else ''}.")

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["first"], data["last"] = self.first.isoformat(), self.last.isoformat()
        data["generated_at"] = self.generated_at.isoformat().replace("+00:00", "Z")
        data["days"] = [{**asdict(d), "day": d.day.isoformat()} for d in self.days]
        data["answer"] = self.answer
        return data


def _titles(conn) -> tuple[dict[str, str], dict[str, str]]:
    registry, _ = registry_store.snapshot(conn, with_ended=True)
    return ({a.id: a.name for a in registry.agencies},
            {normalise_citation(s.citation): s.title for s in registry.statutes})


def _statute_title(titles: Mapping[str, str], citation: str) -> str:
    return titles.get(normalise_citation(citation), "") if citation else ""


class _Groups:
    """The figures by agency and by statute, created on first mention."""

    def __init__(self, agency_names: Mapping[str, str], statute_titles: Mapping[str, str]) -> None:
        self.agency_names, self.statute_titles = agency_names, statute_titles
        self.agencies: dict[str, Group] = {}
        self.statutes: dict[str, Group] = {}

    def agency(self, agency: str) -> Group:
        return self.agencies.setdefault(agency, Group(agency, self.agency_names.get(agency, "")))

    def statute(self, statute: str) -> Group:
        return self.statutes.setdefault(statute, Group(statute, _statute_title(self.statute_titles, statute)))

    def both(self, agency: str, statute: str) -> tuple[Group, Group]:
        return self.agency(agency), self.statute(statute)


def _count_requests(conn, report: PeriodReport, groups: _Groups, start: dt.datetime, end: dt.datetime, n: int) -> None:
    """Requests received (with their subjects) and decided in the window, and why they were rejected."""
    for row in q.received(conn, start, end, n):
        for g in groups.both(row["agency"], row["statute"]):
            g.requests += row["requests"]
            g.subjects += row["subjects"]
        report.requests += row["requests"]
        report.subjects += row["subjects"]
        report.subjects_valid += row["subjects_valid"]
        report.subjects_invalid += row["subjects_invalid"]
    for row in q.decisions(conn, start, end, n):
        name = catalogue.target_state(row["kind"])          # rejected | denied | approved
        for g in groups.both(row["agency"], row["statute"]):
            setattr(g, name, getattr(g, name) + row["requests"])
        setattr(report, name, getattr(report, name) + row["requests"])
    report.rejection_reasons = [Reason(r["rule"], r["citation"], r["requests"])
                                for r in q.rejection_reasons(conn, start, end, n)]
    report.subject_reasons = [Reason(r["rule"], r["citation"], r["subjects"])
                              for r in q.subject_rejection_reasons(conn, start, end, n)]


def _count_disclosures(conn, report: PeriodReport, groups: _Groups, n: int) -> None:
    """Disclosures made between the report's dates, taxpayers disclosed about, and to whom."""
    first, last = report.first, report.last
    disclosed = q.disclosures(conn, first, last, n)
    recipients_by_record = q.recipients_of_records(conn, [r["first_record"] for r in disclosed])
    recipients: dict[tuple[str, str], Recipient] = {}
    for row in disclosed:
        for g in groups.both(row["agency"], row["statute"]):
            g.disclosures += row["disclosures"]
        report.disclosures += row["disclosures"]
        for officer in recipients_by_record.get(row["first_record"], []):
            r = recipients.setdefault((row["agency"], officer), Recipient(row["agency"], officer, 0, 0))
            r.disclosures += row["disclosures"]
            r.requests += 1
    report.recipients = sorted(recipients.values(), key=lambda r: (r.agency, -r.disclosures, r.officer))
    report.taxpayers = q.taxpayers(conn, first, last, n)[""]
    # Counting distinct taxpayers is the costly part (a pass over every record); where a single
    # agency or a single statute has all the disclosures, its count is the total.
    for by, group in (("agency", groups.agency), ("statute", groups.statute)):
        keys = {row[by] for row in disclosed}
        counts = {keys.pop(): report.taxpayers} if len(keys) == 1 else q.taxpayers(conn, first, last, n, by=by)
        for key, count in counts.items():
            group(key).taxpayers = count


def _count_days(conn, report: PeriodReport, start: dt.datetime, end: dt.datetime, n: int) -> list[Day]:
    received = Counter(utc(at).date() for at in q.received_times(conn, start, end, n))
    disclosed = q.daily_disclosures(conn, report.first, report.last, n)
    return [Day(d, received.get(d, 0), disclosed.get(d, 0)) for d in sorted(set(received) | set(disclosed))]


def _count_incidents(conn, start: dt.datetime, end: dt.datetime, n: int, at: dt.datetime) -> IncidentFigures:
    """Incidents identified in the window, and where their 24-hour clocks stood at the checkpoint."""
    found = q.incidents_identified(conn, start, end, n)
    reported = q.incident_reports(conn, [i["id"] for i in found], n)
    figures = IncidentFigures(identified=len(found))
    for incident in found:
        figures.by_kind[incident["kind"]] = figures.by_kind.get(incident["kind"], 0) + 1
        status = clock(incident["identified_at"], reported.get(incident["id"]), at).status
        if status == "reported on time":
            figures.reported_on_time += 1
        elif status == "reported late":
            figures.reported_late += 1
        else:
            figures.not_reported += 1
    return figures


def period_report(settings: Settings, first: dt.date, last: dt.date, *, size: int | None = None) -> PeriodReport:
    """Requests, subjects, rejections and why, denials, disclosures and to whom, between two dates.

    Signs a checkpoint first (or uses the stored one of ``size``) and counts only what it covers.
    """
    start, end = day_bounds(first, last)
    head = signed_tree_head(settings, size)
    report = PeriodReport(first, last, now(), head)
    with transaction(settings) as conn:
        groups = _Groups(*_titles(conn))
        _count_requests(conn, report, groups, start, end, head.size)
        _count_disclosures(conn, report, groups, head.size)
        report.days = _count_days(conn, report, start, end, head.size)
        report.incidents = _count_incidents(conn, start, end, head.size, report.generated_at)
    report.agencies = sorted(groups.agencies.values(), key=lambda g: g.key)
    report.statutes = sorted(groups.statutes.values(), key=lambda g: g.key)
    return report


# --- the annual report (6103(p)(3)(C)) --------------------------------------------------------------
@dataclass
class Purpose:
    statute: str
    title: str
    requests: int
    disclosures: int


@dataclass
class AnnualAgency:
    agency: str
    name: str
    requests: int = 0
    disclosures: int = 0        # instances of disclosure
    taxpayers: int = 0          # taxpayers whose information was disclosed
    purposes: list[Purpose] = field(default_factory=list)


@dataclass
class AnnualReport:
    year: int
    due_on: dt.date
    generated_at: dt.datetime
    tree_head: TreeHead
    agencies: list[AnnualAgency] = field(default_factory=list)
    requests: int = 0
    disclosures: int = 0
    taxpayers: int = 0          # distinct over all agencies (a taxpayer disclosed to two agencies counts once)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["due_on"] = self.due_on.isoformat()
        data["generated_at"] = self.generated_at.isoformat().replace("+00:00", "Z")
        data["citation"] = ANNUAL_CITATION
        return data


def _when(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def period_from_json(data: Mapping[str, Any]) -> PeriodReport:
    """A period report as :meth:`PeriodReport.to_json` wrote it (what the HTTP API answers), for the
    command line to show and write as it shows its own."""
    return PeriodReport(
        first=dt.date.fromisoformat(data["first"]), last=dt.date.fromisoformat(data["last"]),
        generated_at=_when(data["generated_at"]), tree_head=TreeHead(**data["tree_head"]),
        **{name: int(data[name]) for name in ("requests", "subjects", "subjects_valid", "subjects_invalid", "rejected",
                                              "denied", "approved", "disclosures", "taxpayers")},
        agencies=[Group(**g) for g in data["agencies"]], statutes=[Group(**g) for g in data["statutes"]],
        rejection_reasons=[Reason(**r) for r in data["rejection_reasons"]],
        subject_reasons=[Reason(**r) for r in data["subject_reasons"]],
        recipients=[Recipient(**r) for r in data["recipients"]],
        days=[Day(dt.date.fromisoformat(d["day"]), d["received"], d["disclosures"]) for d in data["days"]],
        incidents=IncidentFigures(**data["incidents"]))


def annual_from_json(data: Mapping[str, Any]) -> AnnualReport:
    """An annual report as :meth:`AnnualReport.to_json` wrote it (what the HTTP API answers)."""
    return AnnualReport(
        year=int(data["year"]), due_on=dt.date.fromisoformat(data["due_on"]), generated_at=_when(data["generated_at"]),
        tree_head=TreeHead(**data["tree_head"]),
        agencies=[AnnualAgency(**{**a, "purposes": [Purpose(**p) for p in a["purposes"]]}) for a in data["agencies"]],
        requests=int(data["requests"]), disclosures=int(data["disclosures"]), taxpayers=int(data["taxpayers"]))


def annual_due_date(year: int) -> dt.date:
    return dt.date(year, 12, 31) + dt.timedelta(days=ANNUAL_REPORT_DAYS)


def annual_report(settings: Settings, year: int, *, size: int | None = None) -> AnnualReport:
    """Per agency: requests, instances of disclosure, taxpayers disclosed about, and the purposes (statutes)."""
    if not 1900 < year < 9999:  # the report of year 9999 would fall due after the calendar ends
        raise InputError(f"{year} is not a calendar year", field="--year")
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    start, end = day_bounds(first, last)
    head = signed_tree_head(settings, size)
    n = head.size
    report = AnnualReport(year, annual_due_date(year), now(), head)
    with transaction(settings) as conn:
        agency_names, statute_titles = _titles(conn)
        agencies: dict[str, AnnualAgency] = {}
        purposes: dict[tuple[str, str], Purpose] = {}

        def purpose(agency: str, statute: str) -> Purpose:
            agencies.setdefault(agency, AnnualAgency(agency, agency_names.get(agency, "")))
            return purposes.setdefault((agency, statute), Purpose(statute, _statute_title(statute_titles, statute), 0, 0))

        for row in q.received(conn, start, end, n):
            purpose(row["agency"], row["statute"]).requests += row["requests"]
            agencies[row["agency"]].requests += row["requests"]
            report.requests += row["requests"]
        disclosed = q.disclosures(conn, first, last, n)
        for row in disclosed:
            purpose(row["agency"], row["statute"]).disclosures += row["disclosures"]
            agencies[row["agency"]].disclosures += row["disclosures"]
            report.disclosures += row["disclosures"]
        report.taxpayers = q.taxpayers(conn, first, last, n)[""]
        disclosing = {row["agency"] for row in disclosed}
        per_agency = ({disclosing.pop(): report.taxpayers} if len(disclosing) == 1
                      else q.taxpayers(conn, first, last, n, by="agency"))
        for agency, count in per_agency.items():
            agencies[agency].taxpayers = count
    for (agency, _), p in sorted(purposes.items()):
        agencies[agency].purposes.append(p)
    report.agencies = sorted(agencies.values(), key=lambda a: a.agency)
    return report


# --- recounting from an exported log, without the database --------------------------------------------
@dataclass
class LogFigures:
    """What the log itself says about a period: the figures anyone can recount from an export."""

    first: dt.date
    last: dt.date
    tree_head: TreeHead
    requests: int = 0
    subjects: int = 0
    subjects_valid: int = 0
    subjects_invalid: int = 0
    rejected: int = 0
    denied: int = 0
    approved: int = 0
    disclosures: int = 0
    agencies: dict[str, dict[str, int]] = field(default_factory=dict)
    recipients: dict[str, int] = field(default_factory=dict)        # "AGENCY officer" -> disclosures
    rejection_reasons: dict[str, int] = field(default_factory=dict)  # "rule (citation)" -> requests

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["first"], data["last"] = self.first.isoformat(), self.last.isoformat()
        return data


LOG_FIGURES = ("requests", "subjects", "subjects_valid", "subjects_invalid", "rejected", "denied", "approved",
               "disclosures")


def _rule(policy_version: object, rule_id: str) -> law.Rule | None:
    try:
        return law.policy(str(policy_version)).rule(rule_id) if policy_version else law.policy().rule(rule_id)
    except law.UnknownPolicyVersion:
        return None


def count_entries(entries: Iterable[catalogue.Entry], figures: LogFigures) -> LogFigures:
    """Count a period's figures from ledger entries (parsed by the catalogue), as the log carries them."""
    for entry in entries:
        if not figures.first <= entry.at.date() <= figures.last:
            continue
        event = entry.event
        agency = entry.request.partition("/")[0] if entry.request else ""
        per_agency = figures.agencies.setdefault(agency, dict.fromkeys(LOG_FIGURES, 0)) if agency else {}
        if isinstance(event, catalogue.RequestReceived):
            figures.requests += 1
            figures.subjects += event.subjects
            per_agency["requests"] += 1
            per_agency["subjects"] += event.subjects
        elif isinstance(event, catalogue.RequestRejected | catalogue.RequestAwaitingReview) and event.from_ == "received":
            figures.subjects_valid += event.valid
            figures.subjects_invalid += event.invalid
        if isinstance(event, catalogue.RequestRejected | catalogue.RequestDenied | catalogue.RequestApproved):
            name = event.to
            setattr(figures, name, getattr(figures, name) + 1)
            per_agency[name] += 1
        if isinstance(event, catalogue.RequestRejected):
            for rule_id in event.rules_failed:
                rule = _rule(event.policy_version, rule_id)
                if rule is not None and rule.scope == "subject":
                    continue  # a subject's own failure rejects the subject, not the request
                key = f"{rule_id} ({rule.citation if rule else ''})"
                figures.rejection_reasons[key] = figures.rejection_reasons.get(key, 0) + 1
        elif isinstance(event, catalogue.DisclosureMade | catalogue.DisclosuresMade):
            made = event.disclosures if isinstance(event, catalogue.DisclosuresMade) else 1
            figures.disclosures += made
            per_agency["disclosures"] += made
            for officer in event.recipients:
                key = f"{agency} {officer}"
                figures.recipients[key] = figures.recipients.get(key, 0) + made
    return figures


def recount_from_log(directory: Path, log_vkey: str, first: dt.date, last: dt.date,
                     witness_vkeys: list[str] | None = None, progress: Progress | None = None) -> LogFigures:
    """Verify an exported log, then count the period's figures from its entries alone.

    Refuses (:class:`~ftigate.ledger.errors.TamperDetected`) a log that does not match its signed
    checkpoint: figures from an altered log prove nothing.
    """
    check_period(first, last)
    verification = ledger_files.verify_directory(directory, log_vkey, witness_vkeys, progress=progress)
    verification.raise_if_tampered()
    source = ledger_files.DirectorySource(directory)
    note = source.checkpoint()
    head = _tree_head(note, NoteVerifier.from_vkey(log_vkey))
    figures = LogFigures(first, last, head)
    entries = (catalogue.parse_bytes(data, index) for index, data in enumerate(source.entries(head.size)))
    return count_entries(entries, figures)


def log_disagreements(report: PeriodReport, figures: LogFigures) -> list[tuple[str, int, int]]:
    """``(figure, gateway's report, recount from the log)`` wherever the two differ (same checkpoint)."""
    if report.tree_head.size != figures.tree_head.size or report.tree_head.root != figures.tree_head.root:
        raise InputError(f"the report rests on the checkpoint of size {report.tree_head.size}, the log on "
                         f"size {figures.tree_head.size}: compare figures of the same checkpoint")
    out = [(name, getattr(report, name), getattr(figures, name)) for name in LOG_FIGURES
           if getattr(report, name) != getattr(figures, name)]
    for group in report.agencies:
        mine = figures.agencies.get(group.key, dict.fromkeys(LOG_FIGURES, 0))
        for name in ("requests", "subjects", "rejected", "denied", "approved", "disclosures"):
            if getattr(group, name) != mine.get(name, 0):
                out.append((f"{group.key} {name}", getattr(group, name), mine.get(name, 0)))
    reasons = {f"{x.rule} ({x.citation})": x.count for x in report.rejection_reasons}
    for key in sorted(set(reasons) | set(figures.rejection_reasons)):
        if reasons.get(key, 0) != figures.rejection_reasons.get(key, 0):
            out.append((f"rejected for {key}", reasons.get(key, 0), figures.rejection_reasons.get(key, 0)))
    for r in report.recipients:
        key = f"{r.agency} {r.officer}"
        if r.disclosures != figures.recipients.get(key, 0):
            out.append((f"{key} disclosures", r.disclosures, figures.recipients.get(key, 0)))
    return out
