"""Review: a disclosure officer approves or denies a validated request, with a written reason.

Separation of duties (docs/law.md, Review): nobody reviews a request they are party to; an administrator or
an overseer cannot approve; a batch of ``Thresholds.dual_control_subjects`` valid subjects or more
needs a second approval, by a supervisor who is not the first approver (dual control).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from ftigate.errors import InputError, PermissionDenied
from ftigate.law import approval_complete, approvals_needed, parties_to, review_problems
from ftigate.ledger import catalogue
from ftigate.service.admin.staff import staff_member
from ftigate.service.requests import lifecycle as req
from ftigate.service.requests import policy_record
from ftigate.service.requests.states import State
from ftigate.service.store_access import now, transaction
from ftigate.settings import Settings
from ftigate.store import requests_store


@dataclass(frozen=True)
class ReviewOutcome:
    request: str
    state: str
    approvals: int
    approvals_needed: int


def review(settings: Settings, ref: str, reviewer: str, decision: str, reason: str) -> ReviewOutcome:
    """Record one review decision; the rules of who may decide are the law's (``law.duties``)."""
    if decision not in ("approve", "deny"):
        raise InputError("must be 'approve' or 'deny'", field="decision")
    at = now()
    with transaction(settings) as conn:
        person = staff_member(conn, reviewer)
        row = req.load(conn, ref)
        if row["state"] not in (State.AWAITING_REVIEW, State.AWAITING_SECOND_APPROVAL):
            raise PermissionDenied(f"{ref} is {row['state']}, not awaiting review")
        earlier = [(r["reviewer"], r["role"]) for r in requests_store.request_reviews(conn, row["id"])
                   if r["decision"] == "approve"]
        thresholds = policy_record.stricter(settings, conn, row["policy_version"])
        version = policy_record.current_version(settings)
        problems = review_problems(reviewer, person["role"], decision, reason or "", parties_to(row["document"] or {}),
                                   [who for who, _ in earlier], row["subjects_valid"], thresholds)
        if problems:
            raise PermissionDenied("; ".join(f"{p.message} ({p.citation})" for p in problems))
        requests_store.insert_review(conn, {
            "request": row["id"], "reviewer": reviewer, "role": person["role"], "decision": decision,
            "reason": reason.strip(), "policy_version": version, "at": at,
        })
        approvers = earlier + ([(reviewer, person["role"])] if decision == "approve" else [])
        if decision == "deny":
            target = State.DENIED
        elif approval_complete(approvers, row["subjects_valid"], thresholds):
            target = State.APPROVED
        else:
            target = State.AWAITING_SECOND_APPROVAL
        said: dict[str, Any] = {"from_": row["state"], "reviewer": reviewer, "role": person["role"],
                                "policy_version": version, "thresholds": settings.thresholds.values(),
                                "approvals_needed": approvals_needed(row["subjects_valid"], thresholds),
                                "reason_sha256": hashlib.sha256(reason.strip().encode()).hexdigest()}
        policy_record.ensure_adopted(conn, settings, version, at)
        event: catalogue.Moved
        if target is State.DENIED:
            event = catalogue.RequestDenied(**said)
        elif target is State.APPROVED:
            event = catalogue.RequestApproved(**said)
        else:
            event = catalogue.RequestAwaitingSecondApproval(**said)
        req.move(conn, settings, row, event, reviewer, at)
        return ReviewOutcome(ref, target.value, len(approvers),
                             approvals_needed(row["subjects_valid"], thresholds))
