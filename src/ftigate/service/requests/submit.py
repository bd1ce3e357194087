"""Submit: take a signed request into the store, judged by the same rules as ``ftigate check``.

Everything about one request (the request, every subject, every finding, its events and their ledger
entries) is written in one transaction: a process killed half-way leaves no trace of a partial
request, and a request submitted twice is recognised, never stored twice.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ftigate.crypto import canonical_json
from ftigate.errors import InputError, StoreConflict
from ftigate.formats import SUBJECT_FIELDS
from ftigate.law import Decision
from ftigate.ledger import catalogue
from ftigate.ledger.errors import EntryRejected
from ftigate.ledger.privacy import check_entry
from ftigate.progress import Progress
from ftigate.service.log.events import Event, record
from ftigate.service.requests import checking, policy_record
from ftigate.service.requests.intake import intake_of, read_intake
from ftigate.service.requests.lifecycle import ref_of
from ftigate.service.requests.states import State, check_transition
from ftigate.service.store_access import now, transaction
from ftigate.settings import Settings
from ftigate.store import registry_store, requests_store


@dataclass(frozen=True)
class Submitted:
    ref: str
    state: str
    decision: Decision
    duplicate: bool = False
    #: the registry held nothing when the request arrived (so everything in it was unknown: rejected)
    registry_empty: bool = False


def _text(value: object) -> str:
    return value if isinstance(value, str) else ("" if value is None else str(value))


#: hex digits written as letters, so a substitute reference never holds a run of digits
_LETTERS = str.maketrans("0123456789", "ghijklmnop")


def _loggable(value: str) -> bool:
    """Whether the permanent log would take this requester-supplied text (it refuses what looks like a TIN)."""
    try:
        check_entry({"value": value})
    except EntryRejected:
        return False
    return True


def _identifier(value: str, document_sha256: str, what: str) -> str:
    """The requester's identifier as stored and logged, or a stand-in derived from the document's hash
    when there is none or the log would refuse it: the request is stored and judged all the same (the
    law's findings say what is wrong with it), never lost to an error at intake."""
    if value and _loggable(value):
        return value
    return f"({what})-{document_sha256[:12].translate(_LETTERS)}"


def submit_request_file(settings: Settings, path: Path, progress: Progress | None = None) -> Submitted:
    return _submit(settings, path, read_intake(path), progress)


def submit_request_document(settings: Settings, request: dict[str, Any], name: str = "request.json") -> Submitted:
    """Submit a request already parsed (a JSON object with its subjects inline, as received over
    HTTP), exactly as :func:`submit_request_file` submits a file holding it; ``name`` stands for the
    file in messages. Nothing is written to disk on the way, and nothing is read from it: a request
    that names a subjects file is refused (there is no folder for it to lie beside)."""
    if "subjects_file" in request:
        raise InputError("with JSON, subjects are inline ('subjects'); upload a file as multipart", file=name,
                         field="subjects_file")
    try:
        json.dumps(request, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        raise InputError("not UTF-8 text: a \\u escape stands for half a surrogate pair", file=name) from None
    return _submit(settings, Path(name), intake_of(request, Path(name)), None)


def _submit(settings: Settings, path: Path, intake, progress: Progress | None) -> Submitted:
    document = intake.canonical
    # the identity of a submission is the document exactly as signed
    document_sha256 = hashlib.sha256(canonical_json(intake.request)).hexdigest()
    agency = _identifier(_text(document.get("agency")), document_sha256, "no agency")
    request_id = _identifier(_text(document.get("request_id")), document_sha256, "none")
    official = _text(document.get("official"))
    official = official if _loggable(official) else _identifier("", document_sha256, "unloggable")
    try:
        return _store(settings, path, intake, agency, request_id, official, document_sha256, progress)
    except StoreConflict:
        # another process stored the same request_id between our look-up and our commit: what it stored decides
        with transaction(settings) as conn:
            earlier = _earlier(conn, path, agency, request_id, document_sha256)
        if earlier is None:
            raise
        return earlier
    finally:
        intake.close()


def _earlier(conn, path: Path, agency: str, request_id: str, document_sha256: str) -> Submitted | None:
    """The request already stored under this reference: the same one (a duplicate), or an error."""
    existing = requests_store.find_request(conn, agency, request_id)
    if existing is None:
        return None
    if existing["document_sha256"] == document_sha256:
        return Submitted(ref_of(existing), existing["state"], checking.stored_decision(conn, existing), True)
    raise InputError(
        f"request {agency}/{request_id} was already submitted with different content; "
        "a new request needs a new request_id", file=str(path), field="request_id")


def _store(settings: Settings, path: Path, intake, agency: str, request_id: str, official: str,
           document_sha256: str, progress: Progress | None) -> Submitted:
    document = intake.canonical
    at = now()
    with transaction(settings) as conn:
        earlier = _earlier(conn, path, agency, request_id, document_sha256)
        if earlier is not None:
            return earlier
        registry, registry_version = registry_store.snapshot(conn)
        decision = checking.judge(conn, settings, intake, registry, today=at.date())
        invalid = decision.invalid_indices
        named = document.get("investigation")
        investigation: dict[str, Any] = named if isinstance(named, dict) else {}
        statute = _text(investigation.get("statute"))
        statute = statute if _loggable(statute) else _identifier("", document_sha256, "unloggable")
        checked = catalogue.RequestRejected if decision.decision == "rejected" else catalogue.RequestAwaitingReview
        target = State.REJECTED if decision.decision == "rejected" else State.AWAITING_REVIEW
        ref = f"{agency}/{request_id}"
        check_transition(ref, State.RECEIVED, target)
        # stored as it stands once judged: received, then moved on by the law's verdict, both events below
        pk = requests_store.insert_request(conn, {
            "agency": agency, "request_id": request_id, "official": official,
            "signed_on": _text(document.get("signed_on")), "statute": statute,
            "state": target.value, "decision": decision.decision,
            "policy_version": decision.policy_version, "registry_version": registry_version,
            "document": document, "document_sha256": document_sha256,
            "subjects_total": decision.total, "subjects_valid": decision.valid,
            "subjects_invalid": decision.invalid, "received_at": at, "updated_at": at,
        })

        def rows():
            for index, (number, subject) in enumerate(zip(intake.row_numbers, intake.subjects, strict=True)):
                if progress and index % 10000 == 0:
                    progress("storing subjects", index, len(intake.subjects))
                row: dict[str, Any] = {name: _text(subject.get(name)) for name in SUBJECT_FIELDS}
                row["row_number"] = number
                row["valid"] = index not in invalid
                row["outcome"] = "invalid" if index in invalid else None
                yield row

        requests_store.insert_subjects(conn, pk, rows())
        requests_store.insert_findings(conn, pk, [
            {**f.to_json(), "policy_version": decision.policy_version}
            for f in decision.findings if f.subject_id is None or f.outcome != "pass"
        ])
        counts: dict[str, int] = {}
        for f in decision.findings:
            counts[f.outcome] = counts.get(f.outcome, 0) + 1
        adopted = policy_record.adoption(conn, settings, decision.policy_version)
        received = Event(catalogue.RequestReceived(
            document_sha256=document_sha256, subjects=decision.total, agency=agency,
            statute=statute, policy_version=decision.policy_version,
            registry_version=registry_version), official or "unknown", pk, ref)
        judged = Event(checked(
            from_=State.RECEIVED.value, decision=decision.decision, policy_version=decision.policy_version,
            thresholds=settings.thresholds.values(),
            findings=counts, valid=decision.valid, invalid=decision.invalid,
            rules_failed=sorted({f.rule for f in decision.findings if f.outcome == "fail"}),
            rules_review=sorted({f.rule for f in decision.findings if f.outcome == "review"}),
        ), "gateway", pk, ref)
        # the ledger last, in one append: its lock is then held only from here to the commit
        record(conn, settings, [*([adopted] if adopted else []), received, judged], at)
        if progress:
            progress("storing subjects", len(intake.subjects), len(intake.subjects))
        empty = not (registry.agencies or registry.officials or registry.officers or registry.statutes)
        return Submitted(ref, target.value, decision, registry_empty=empty)
