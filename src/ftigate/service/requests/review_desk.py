"""What the staff console shows of requests: the review queue, a request's review sheet (flags first,
with the figures a reviewer weighs), its subjects under filters, its lifecycle as a timeline, the
progress of its matching, and a subject's evidence beside the values the request gave.

These are views; they change nothing, except that a view of a subject's evidence is recorded in the
ledger as the inspection it is (``queries.subject_evidence``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ftigate.law import approvals_needed
from ftigate.service.requests import jobs, queries
from ftigate.service.requests import lifecycle as req
from ftigate.service.requests.states import State
from ftigate.service.store_access import transaction
from ftigate.settings import Settings
from ftigate.store import console_queries, requests_store

AWAITING = (State.AWAITING_REVIEW.value, State.AWAITING_SECOND_APPROVAL.value)
#: states in which matching and disclosure are under way or done
WORKING = (State.APPROVED.value, State.MATCHING.value)
PER_PAGE = 50
#: what a request gave for a subject, shown beside the matcher's comparison of each field
COMPARED = (("first_name", "Given name"), ("middle_name", "Middle name"), ("last_name", "Family name"),
            ("suffix", "Suffix"), ("date_of_birth", "Date of birth"), ("address", "Address"), ("tin", "TIN"))


def queue(settings: Settings) -> list[dict[str, Any]]:
    """Requests waiting for a reviewer, oldest first, with their flags and approvals so far."""
    with transaction(settings) as conn:
        rows = requests_store.list_requests(conn, AWAITING)
        pks = [r["id"] for r in rows]
        flags = console_queries.flag_counts(conn, pks)
        approved = console_queries.approvers(conn, pks)
    return [{**r, "ref": req.ref_of(r), "flags": flags.get(r["id"], 0), "approvers": approved.get(r["id"], []),
             "approvals_needed": approvals_needed(r["subjects_valid"], settings.thresholds)} for r in rows]


@dataclass
class ReviewSheet:
    """Everything a reviewer judges, in the order they should read it."""

    request: dict[str, Any]
    ref: str
    flags: list[dict[str, Any]]              # findings that ask for judgement, each with its citation
    findings: list[dict[str, Any]]           # the rest of the request-level findings
    subject_rules: list[tuple[str, str, str, int]]  # (rule, citation, outcome, subjects)
    figures: list[tuple[str, str]]           # the numbers behind the flags
    reviews: list[dict[str, Any]]
    approvers: list[str]
    approvals_needed: int
    outcomes: dict[str, int] = field(default_factory=dict)

    @property
    def awaiting(self) -> bool:
        return self.request["state"] in AWAITING


def review_sheet(settings: Settings, ref: str) -> ReviewSheet:
    with transaction(settings) as conn:
        row = req.load(conn, ref)
        found = [dict(f) for f in requests_store.request_findings(conn, row["id"]) if f["subject_id"] is None]
        rules = console_queries.subject_rule_counts(conn, row["id"])
        reviews = [dict(r) for r in requests_store.request_reviews(conn, row["id"])]
        outcomes = requests_store.outcome_counts(conn, row["id"])
    document = row["document"] or {}
    recipients = document.get("recipients") or []
    t = settings.thresholds
    valid = row["subjects_valid"]
    figures = [
        ("Subjects in the request", f"{row['subjects_total']:,}"),
        ("Valid subjects (would be matched)", f"{valid:,}"),
        ("Subjects refused one by one", f"{row['subjects_invalid']:,}"),
        ("Named recipient officers", f"{len(recipients):,}"),
        ("Valid subjects per recipient officer", f"{valid / len(recipients):,.0f}" if recipients else "no recipients"),
        ("Flag above, per recipient officer", f"{t.subjects_per_recipient:,}"),
        ("Batch flagged above (usual size x factor)", f"{t.batch_size_factor:g} x the agency's usual size"),
        ("Dual control from (valid subjects)", f"{t.dual_control_subjects:,}"),
        ("Subjects asked about before: look-back", f"{t.recent_days} days"),
    ]
    needed = approvals_needed(valid, t)
    return ReviewSheet(
        request={**dict(row), "recipients": recipients, "reason": document.get("reason", ""),
                 "investigation": document.get("investigation") or {},
                 "taxable_periods": document.get("taxable_periods") or []},
        ref=req.ref_of(row),
        flags=[f for f in found if f["outcome"] == "review"],
        findings=[f for f in found if f["outcome"] != "review"],
        subject_rules=rules, figures=figures, reviews=reviews,
        approvers=[r["reviewer"] for r in reviews if r["decision"] == "approve"],
        approvals_needed=needed, outcomes=outcomes)


def subjects(settings: Settings, ref: str, *, outcome: str | None = None, rule: str | None = None,
             search: str | None = None, page: int = 1) -> tuple[list[dict[str, Any]], int]:
    """One page (``PER_PAGE``) of a request's subjects under the filters, and how many there are."""
    page = max(1, page)
    with transaction(settings) as conn:
        row = req.load(conn, ref)
        rows, total = console_queries.subjects_page(conn, row["id"], outcome=outcome or None, rule=rule or None,
                                                    search=(search or "").strip() or None,
                                                    offset=(page - 1) * PER_PAGE, limit=PER_PAGE)
        rules = console_queries.subject_rules(conn, row["id"], [r["subject_id"] for r in rows])
    return [{**r, "rules": rules.get(r["subject_id"], [])} for r in rows], total


def timeline(settings: Settings, ref: str) -> list[dict[str, Any]]:
    """The request's events in order, those of one kind by one actor folded into one line (a million
    ``disclosures.made`` batches are one line with their count and first and last ledger index)."""
    with transaction(settings) as conn:
        row = req.load(conn, ref)
        return [dict(r) for r in console_queries.event_runs(conn, row["id"])]


def progress(settings: Settings, ref: str) -> dict[str, Any]:
    """How far matching and disclosure have come: decided subjects of the valid ones, by outcome."""
    with transaction(settings) as conn:
        row = req.load(conn, ref)
        counts = requests_store.outcome_counts(conn, row["id"])
    valid = row["subjects_valid"]
    decided = sum(n for outcome, n in counts.items() if outcome not in ("pending", "invalid"))
    state = row["state"]
    job = jobs.request_progress(settings, ref)
    return {"request": req.ref_of(row), "state": state, "valid": valid, "decided": decided,
            "job": None if job is None else {"id": job.job, "state": job.state, "stage": job.stage or "",
                                             "attempts": job.attempts, "error": job.error},
            "outcomes": {k: v for k, v in counts.items() if k not in ("pending", "invalid")},
            "working": state in WORKING, "finished": state not in WORKING and state not in AWAITING
            and state != State.RECEIVED.value and decided >= valid}


def subject_view(settings: Settings, ref: str, subject_id: str, viewer: str) -> dict[str, Any]:
    """A subject's evidence (recorded as viewed by ``viewer``) beside the values the request gave.

    The matcher's evidence says how each field compared (exact, similar, missing, ...) and never
    shows the taxpayer's own record; the request's values are the requester's, shown so a reviewer
    can see what was asked. No TIN is shown, whether given or found.
    """
    evidence = queries.subject_evidence(settings, ref, subject_id, viewer=viewer)
    with transaction(settings) as conn:
        row = req.load(conn, ref)
        values = console_queries.subject_values(conn, row["id"], evidence["row_number"])
    given = dict(values) if values is not None else {}
    address = ", ".join(p for p in (given.get("address_line1"), given.get("address_line2"), given.get("city"),
                                    " ".join(p for p in (given.get("state"), given.get("zip")) if p)) if p)
    detail = evidence.get("evidence") or {}
    levels = detail.get("levels") or {}
    fields = []
    for name, label in COMPARED:
        if name == "tin":
            shown = "given (not shown)" if given.get("tin") else ""
        elif name == "address":
            shown = address
        else:
            shown = given.get(name, "")
        fields.append({"name": name, "label": label, "given": shown, "level": levels.get(name, "")})
    runner = detail.get("runner_up") or None
    # the decision's own measure of uniqueness: how much likelier the request's values are under the
    # best candidate than under the closest rival (log2), as the rule weighed it, not the gap between
    # the two candidates' match weights, which the rule does not use
    rival = detail.get("rival") or None
    rival_bits = rival.get("likelihood_ratio_bits") if isinstance(rival, dict) else None
    return {**evidence, "fields": fields, "detail": detail, "runner_up": runner, "rival": rival,
            "rival_bits": rival_bits,
            "thresholds": detail.get("thresholds") or {}, "reason_given": given.get("reason", "")}
