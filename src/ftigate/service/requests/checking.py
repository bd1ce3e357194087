"""Checking a request against the law, storing nothing (``ftigate check``), and the judging that
``ftigate submit`` shares with it, so that both give the same answer on the same request.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, RowMapping

from ftigate.crypto import sha256_file
from ftigate.law import POLICY_VERSION, Decision, Finding, evaluate, subject_key
from ftigate.law.registry import Registry
from ftigate.ledger import catalogue
from ftigate.progress import Progress
from ftigate.service.admin.registry import EMPTY_REGISTRY, ending_soon, registry_notes
from ftigate.service.log import ledger
from ftigate.service.log.events import Event, record
from ftigate.service.requests.intake import Intake, printable, read_intake
from ftigate.service.store_access import now, transaction
from ftigate.service.store_access import today as utc_today
from ftigate.settings import Settings
from ftigate.store import registry_store
from ftigate.store.db import sqlite_file
from ftigate.store.recent_subjects import recent_subject_keys
from ftigate.store.requests_store import request_findings


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def recent_keys(conn: Connection, settings: Settings, request: Mapping[str, Any], today: dt.date,
                among: Iterable[str] | None = None) -> frozenset[str]:
    """The keys of the requesting agency's subjects in its requests of the last ``recent_days`` days
    (with ``among``, the keys of the request being judged: only those of them that are recent, which is
    all the repeated-subject rule asks)."""
    agency = _text(request.get("agency"))
    if not agency:
        return frozenset()
    since = dt.datetime.combine(today - dt.timedelta(days=settings.thresholds.recent_days), dt.time.min,
                                tzinfo=dt.UTC)
    return recent_subject_keys(conn, agency, since, exclude_request_id=_text(request.get("request_id")) or None,
                               among=among)


def judge(conn: Connection, settings: Settings, intake: Intake, registry: Registry, today: dt.date,
          progress: Progress | None = None) -> Decision:
    """Judge an intake under the current policy, with the agency's recent subjects read from ``conn``."""
    recent = recent_keys(conn, settings, intake.canonical, today, (subject_key(s) for s in intake.subjects))
    ctx = intake.context(today, settings.thresholds, recent, progress)
    return printable(evaluate(intake.request, intake.subjects, registry, ctx, canonical=intake.readable))


def store_exists(settings: Settings) -> bool:
    """False for an embedded store that was never created: then there is no registry, and checking
    must not create one (it stores nothing)."""
    path = sqlite_file(settings.url)
    return path is None or path.exists()


@dataclass(frozen=True)
class Checked:
    """A decision, and what the person checking should know beside it (an empty registry, an approval
    or a term of office that ends soon): notes, never findings, so the decision stays the law's."""

    decision: Decision
    notes: list[str]


#: who asked, when nobody could be proven: a check against a data directory that has no store yet,
#: which knows no registry and no earlier subject, and records nothing
LOCAL_OPERATOR = "local-operator"


def check_request_file(settings: Settings, path: Path, progress: Progress | None = None,
                       today: dt.date | None = None, asker: str = LOCAL_OPERATOR,
                       via: str = "command line") -> Decision:
    """:func:`check_request` without its notes."""
    return check_request(settings, path, progress, today, asker, via).decision


def check_request(settings: Settings, path: Path, progress: Progress | None = None,
                  today: dt.date | None = None, asker: str = LOCAL_OPERATOR, via: str = "command line") -> Checked:
    """Judge the request at ``path`` against the registry of the data directory; store no request.

    With no registry every agency, official, officer and statute is unknown, so the request is
    rejected (fail closed), and nothing is written. Otherwise the check compares the subjects with the
    agency's earlier ones (return information: whether a person was asked about), so it is recorded
    in the ledger as ``check.made`` by ``asker`` with a commitment to the subjects, in the
    transaction that reads them: every check over HTTP; on the command line, which the contract
    wants to store nothing, each check that tells its reader a subject was asked about before (the
    local operator can read the database itself; what matters is that a finding about earlier
    requests never leaves the gateway unrecorded). Raises :class:`~ftigate.errors.InputError` only when the file is
    not a JSON object in UTF-8.
    """
    day = today or utc_today()
    intake = read_intake(path, progress)
    try:
        return _check(settings, intake, progress, day, asker, via)
    finally:
        intake.close()


def _check(settings: Settings, intake: Intake, progress: Progress | None, day: dt.date, asker: str,
           via: str) -> Checked:
    judging = progress
    if not store_exists(settings):
        return Checked(printable(evaluate(intake.request, intake.subjects, Registry(),
                                          intake.context(day, settings.thresholds, progress=judging))), [EMPTY_REGISTRY])
    with transaction(settings) as conn:
        registry, _version = registry_store.snapshot(conn)
        recent = recent_keys(conn, settings, intake.canonical, day, (subject_key(s) for s in intake.subjects))
        decision = printable(evaluate(intake.request, intake.subjects, registry,
                                      intake.context(day, settings.thresholds, recent, judging),
                                      canonical=intake.readable))
        if via != "command line" or _asked_before(decision):
            _record_check(conn, settings, intake, decision, asker, via)
    notes = registry_notes(registry, day)
    if notes != [EMPTY_REGISTRY]:
        notes = ending_soon(registry, day, agencies=[_text(intake.canonical.get("agency"))],
                            officials=[_text(intake.canonical.get("official"))])
    return Checked(decision, notes)


def _asked_before(decision: Decision) -> bool:
    """Whether the check told its reader that the agency asked about one of these people before."""
    return any(f.rule == "L6-repeated-subject" and f.outcome == "review" for f in decision.findings)


def _record_check(conn: Connection, settings: Settings, intake: Intake, decision: Decision, asker: str,
                  via: str) -> None:
    keys = sorted({subject_key(s) for s in intake.subjects})
    record(conn, settings, [Event(catalogue.CheckMade(
        via=via, decision=decision.decision, policy_version=decision.policy_version,
        subjects=decision.total, document_sha256=sha256_file(intake.path),
        commitment=ledger.commitment(settings, {"subject_keys": keys})), asker)], now())


def stored_decision(conn: Connection, request_row: Mapping[str, Any] | RowMapping) -> Decision:
    """The decision recorded for a stored request, rebuilt from its stored findings and counts.

    ``invalid_indices`` comes back empty: the subjects' own ``valid`` column is the record of that.
    """
    findings = [Finding(r["rule"], r["citation"], r["outcome"], r["message"], r["subject_id"])
                for r in request_findings(conn, request_row["id"])]
    return Decision(
        decision=request_row["decision"], policy_version=request_row["policy_version"] or POLICY_VERSION,
        findings=findings, total=request_row["subjects_total"], valid=request_row["subjects_valid"],
        invalid=request_row["subjects_invalid"],
    )
