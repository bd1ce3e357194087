"""Who may decide: the rules of the review step (separation of duties, dual control, written reasons).

A request that passes the hard requirements is granted by a person, not by the rules: 6103(i)(2)(A)
permits disclosure "upon the grant of a written request". These functions say whether a given
person may take a given review decision; the review use case (``ftigate review``) applies them and
records the result as events. Nobody reviews a request they are party to; only a disclosure officer
or a supervisor reviews (never an administrator or an overseer); a batch of
``Thresholds.dual_control_subjects`` valid subjects or more needs a second approval, by a supervisor
who is not the first approver; every decision carries a written reason, which the permanent record
of requests keeps (6103(p)(3)(A)).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any

from ftigate.law.citations import USC26, WHO_MAY_ASK
from ftigate.law.findings import Finding
from ftigate.settings import Thresholds
from ftigate.wording import article

RULE_REVIEWER = "L1-reviewer"
RULE_DUAL_CONTROL = "L1-dual-control"
RULE_WRITTEN_REASON = "L12-written-reason"
RECORDS = USC26 + "6103(p)(3)(A)"

REVIEWER_ROLES: frozenset[str] = frozenset({"disclosure_officer", "supervisor"})
SECOND_APPROVER_ROLE = "supervisor"
DECISIONS: frozenset[str] = frozenset({"approve", "deny"})


def approvals_needed(subjects_valid: int, thresholds: Thresholds) -> int:
    """Two approvals (the second by a supervisor) from ``dual_control_subjects`` valid subjects up, else one."""
    return 2 if subjects_valid >= thresholds.dual_control_subjects else 1


def parties_to(request: Mapping[str, Any]) -> frozenset[str]:
    """The people a request names: its signing official and its recipient officers."""
    names = set()
    official = request.get("official")
    if isinstance(official, str) and official.strip():
        names.add(official.strip())
    recipients = request.get("recipients")
    if isinstance(recipients, list):
        names.update(r.strip() for r in recipients if isinstance(r, str) and r.strip())
    return frozenset(names)


def review_problems(
    reviewer: str,
    role: str,
    decision: str,
    reason: str,
    parties: Collection[str],
    earlier_approvers: Sequence[str],
    subjects_valid: int,
    thresholds: Thresholds,
) -> list[Finding]:
    """Why ``reviewer`` (holding ``role``) may not record ``decision`` now; an empty list means they may.

    ``earlier_approvers`` are the staff ids who already approved this request, in order.
    """
    problems: list[Finding] = []

    def refuse(rule: str, citation: str, message: str) -> None:
        problems.append(Finding(rule, citation, "fail", message))

    if decision not in DECISIONS:
        refuse(RULE_REVIEWER, WHO_MAY_ASK, f"the decision must be 'approve' or 'deny', not {decision!r}")
    if not reason or not reason.strip():
        refuse(RULE_WRITTEN_REASON, RECORDS, "every review decision needs a written reason")
    if role not in REVIEWER_ROLES:
        refuse(RULE_REVIEWER, WHO_MAY_ASK, f"{article(role) if role else 'a person without a role'} may not review requests: only a disclosure "
               "officer or a supervisor may")
    if reviewer in parties:
        refuse(RULE_REVIEWER, WHO_MAY_ASK, "nobody may review a request they are party to")
    if decision == "approve" and earlier_approvers:
        needed = approvals_needed(subjects_valid, thresholds)
        if len(earlier_approvers) >= needed:
            refuse(RULE_DUAL_CONTROL, WHO_MAY_ASK, "the request already has every approval it needs")
        if reviewer in earlier_approvers:
            refuse(RULE_DUAL_CONTROL, WHO_MAY_ASK, "the second approval must come from a different person than the first")
        if role != SECOND_APPROVER_ROLE:
            refuse(RULE_DUAL_CONTROL, WHO_MAY_ASK, f"a batch of {subjects_valid} valid subjects needs its second approval "
                   "from a supervisor")
    return problems


def approval_complete(approvers: Sequence[tuple[str, str]], subjects_valid: int, thresholds: Thresholds) -> bool:
    """Whether ``approvers`` ((staff id, role) in order) grant the request: enough distinct approvers,
    and under dual control a supervisor among those after the first."""
    needed = approvals_needed(subjects_valid, thresholds)
    distinct: list[tuple[str, str]] = []
    for staff_id, role in approvers:
        if role in REVIEWER_ROLES and staff_id not in {s for s, _ in distinct}:
            distinct.append((staff_id, role))
    if len(distinct) < needed:
        return False
    return needed == 1 or any(role == SECOND_APPROVER_ROLE for _, role in distinct[1:])
