"""Submit: take a signed request into the store, judged by the same rules as ``ftigate check``.

Everything about one request (the request, every subject, every finding, its events and their ledger
entries) is written in one transaction: a process killed half-way leaves no trace of a partial
request, and a request submitted twice is recognised, never stored twice.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ftigate.crypto import canonical_json
from ftigate.errors import InputError
from ftigate.formats import SUBJECT_FIELDS
from ftigate.law import Decision
from ftigate.ledger import catalogue
from ftigate.progress import Progress
from ftigate.service.log.events import Event, record
from ftigate.service.requests import checking
from ftigate.service.requests.intake import read_intake
from ftigate.service.requests.lifecycle import move, ref_of
from ftigate.service.requests.states import State
from ftigate.service.store_access import now, transaction
from ftigate.settings import Settings
from ftigate.store import registry_store, requests_store


@dataclass(frozen=True)
class Submitted:
    ref: str
    state: str
    decision: Decision
    duplicate: bool = False


def _text(value: object) -> str:
    return value if isinstance(value, str) else ("" if value is None else str(value))


def submit_request_file(settings: Settings, path: Path, progress: Progress | None = None) -> Submitted:
    intake = read_intake(path)
    document = intake.request
    document_sha256 = hashlib.sha256(canonical_json(document)).hexdigest()
    agency = _text(document.get("agency")) or "(none)"
    request_id = _text(document.get("request_id")) or f"(none)-{document_sha256[:12]}"
    at = now()
    with transaction(settings) as conn:
        existing = requests_store.find_request(conn, agency, request_id)
        if existing is not None:
            if existing["document_sha256"] == document_sha256:
                return Submitted(ref_of(existing), existing["state"], checking.stored_decision(conn, existing), True)
            raise InputError(
                f"request {agency}/{request_id} was already submitted with different content; "
                "a new request needs a new request_id", file=str(path), field="request_id")
        registry, registry_version = registry_store.snapshot(conn)
        decision = checking.judge(conn, settings, intake, registry, today=at.date())
        invalid = decision.invalid_indices
        named = document.get("investigation")
        investigation: dict[str, Any] = named if isinstance(named, dict) else {}
        pk = requests_store.insert_request(conn, {
            "agency": agency, "request_id": request_id, "official": _text(document.get("official")),
            "signed_on": _text(document.get("signed_on")), "statute": _text(investigation.get("statute")),
            "state": State.RECEIVED.value, "decision": decision.decision,
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
        ref = f"{agency}/{request_id}"
        counts: dict[str, int] = {}
        for f in decision.findings:
            counts[f.outcome] = counts.get(f.outcome, 0) + 1
        record(conn, settings, [Event(catalogue.RequestReceived(
            document_sha256=document_sha256, subjects=decision.total, agency=agency,
            statute=_text(investigation.get("statute")), policy_version=decision.policy_version,
            registry_version=registry_version), _text(document.get("official")) or "unknown", pk, ref)], at)
        row = requests_store.get_request(conn, pk)
        checked = catalogue.RequestRejected if decision.decision == "rejected" else catalogue.RequestAwaitingReview
        target = State.REJECTED if decision.decision == "rejected" else State.AWAITING_REVIEW
        move(conn, settings, row, checked(
            from_=row["state"], decision=decision.decision, policy_version=decision.policy_version,
            findings=counts, valid=decision.valid, invalid=decision.invalid,
            rules_failed=sorted({f.rule for f in decision.findings if f.outcome == "fail"}),
            rules_review=sorted({f.rule for f in decision.findings if f.outcome == "review"}),
        ), "gateway", at)
        if progress:
            progress("storing subjects", len(intake.subjects), len(intake.subjects))
        return Submitted(ref, target.value, decision)
