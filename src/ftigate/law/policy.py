"""The policy: a versioned set of rules, how a request is judged by it, and how a decision is explained.

Every decision stores the policy version that made it. The rules of each version stay here, so an
old decision can be re-explained (``explain``) or re-judged (``evaluate(..., policy_version=...)``)
under the version that made it. ``POLICY_VERSION`` changes whenever any rule changes; a test
(tests/law/test_policy.py) holds the fingerprint of the rules' source so that a change to a rule
without a new version cannot pass unnoticed. To change a rule: keep the old function under its
version's rule set, add a new :class:`Policy` with the new one, and make it current.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from ftigate.errors import FtigateError
from ftigate.law import citations as cite
from ftigate.law.context import Context, Facts, text
from ftigate.law.decision import Decision, DecisionValue
from ftigate.law.findings import Finding
from ftigate.law.intake_rules import INTAKE_RULES
from ftigate.law.judgement_rules import JUDGEMENT_RULES
from ftigate.law.registry import Registry
from ftigate.law.request_rules import REQUEST_RULES
from ftigate.law.rulebook import Rule, describe
from ftigate.law.subject_rules import (
    RULE_ADDRESS,
    RULE_DATE_OF_BIRTH,
    RULE_NAME,
    RULE_SUBJECT_ID,
    RULE_TIN,
    subject_findings,
)
from ftigate.law.text import DuplicateMember, canonical_row, canonical_value
from ftigate.law.withholding import WITHHOLD_RULE
from ftigate.settings import Thresholds

POLICY_VERSION = "2026.12-2"

#: SHA-256 over the source of the modules that make up the rules (see tests/law/test_policy.py)
RULES_FINGERPRINT = {
    "2026.11-1": "add7acf516e7d56ae0dbb00a077bd420bcceff41912361b35a125bdfa4edcb23",  # comments reworded since fd8c201f
    # text judged as it reads (NFKC, invisible characters, TR 39 skeletons), L3-mixed-script; control characters
    # refused at intake (L2-format, L2-subject-row)
    "2026.12-1": "1c49cf1f2833f8a9824a392285485be8a621837ba4665c3cafb24cca39abe034",
    # offices judged on the day the gateway receives the request; signed_on at most signed_within_days old
    # (since first recorded: a faster path for ASCII text, with the same verdicts)
    "2026.12-2": "929386888d67144de9a92745b976a53fcba40bb87ebbeddc011293a6c1118773",
}

_L3 = "the name and address of the taxpayer with respect to whom the requested return information relates"
SUBJECT_RULES: tuple[Rule, ...] = (
    describe(RULE_SUBJECT_ID, cite.IN_WRITING, "the request is in writing and sets forth", "subject",
             """Each subject carries the requester's own reference (``subject_id``), unique within the
             request, so that every answer can be tied to the person asked about."""),
    describe(RULE_NAME, cite.NAME_AND_ADDRESS, _L3, "subject",
             """A usable name is a given and a family name, neither empty nor a placeholder ("FNU",
             "LNU", "UNKNOWN", "NONE", "N/A" and the like), each with at least one letter."""),
    describe(RULE_ADDRESS, cite.NAME_AND_ADDRESS, _L3, "subject",
             """A usable address is a street line that is not a placeholder ("Failed to Provide",
             "Unknown Address", "Don't Care", "N/A", "None" and the like, with or without a number
             beside them), not a number or ZIP code alone, and not a place of custody, with a city and
             a state, or a ZIP code. The court found 42,695 disclosures unlawful that rested on less."""),
    describe(RULE_DATE_OF_BIRTH, cite.NAME_AND_ADDRESS, _L3, "subject",
             """A date of birth is not required; one that is given must be a real date (YYYY-MM-DD),
             not in the future: a false one identifies nobody."""),
    describe(RULE_TIN, cite.NAME_AND_ADDRESS, _L3, "subject",
             """A TIN is not required and never suffices; one that is given must be 9 digits."""),
)


class UnknownPolicyVersion(FtigateError):
    """A decision names a policy version this gateway does not have."""

    exit_code = 1


@dataclass(frozen=True)
class Policy:
    version: str
    request_rules: tuple[Rule, ...]
    judgement_rules: tuple[Rule, ...]
    subject_rules: tuple[Rule, ...]
    other_rules: tuple[Rule, ...]
    #: the per-subject check: a row (and today) -> its failing findings
    subject_check: Callable[..., list[Finding]]

    @property
    def rules(self) -> tuple[Rule, ...]:
        return self.request_rules + self.subject_rules + self.judgement_rules + self.other_rules

    def rule(self, rule_id: str) -> Rule | None:
        return next((r for r in self.rules if r.id == rule_id), None)


POLICIES: dict[str, Policy] = {
    # kept to re-explain its decisions: the same rules, before text was judged as it reads
    "2026.11-1": Policy("2026.11-1", REQUEST_RULES, tuple(r for r in JUDGEMENT_RULES if r.id != "L3-mixed-script"),
                        SUBJECT_RULES, (*INTAKE_RULES, WITHHOLD_RULE), subject_findings),
    "2026.12-1": Policy("2026.12-1", REQUEST_RULES, JUDGEMENT_RULES, SUBJECT_RULES, (*INTAKE_RULES, WITHHOLD_RULE),
                        subject_findings),
    POLICY_VERSION: Policy(POLICY_VERSION, REQUEST_RULES, JUDGEMENT_RULES, SUBJECT_RULES,
                           (*INTAKE_RULES, WITHHOLD_RULE), subject_findings),
}


def versioned(rules_version: str, thresholds: Thresholds) -> str:
    """The policy version of a decision: the rules' version and the fingerprint of the thresholds in
    force (``2026.12-2+1a2b3c4d5e6f``). A changed threshold is a new policy version."""
    return f"{rules_version}+{thresholds.fingerprint()[:12]}"


def policy(version: str = POLICY_VERSION) -> Policy:
    """The rules of a policy version (with or without its thresholds' fingerprint)."""
    try:
        return POLICIES[version.split("+", 1)[0]]
    except KeyError:
        raise UnknownPolicyVersion(f"policy version {version!r} is unknown (this gateway has "
                                   f"{', '.join(sorted(POLICIES))})") from None


def rules(version: str = POLICY_VERSION) -> tuple[Rule, ...]:
    """Every rule of a policy version, in the order findings are reported."""
    return policy(version).rules


# --- judging a request -------------------------------------------------------------------------------

_PROGRESS_EVERY = 50_000


@dataclass
class _SubjectVerdicts:
    invalid: set[int]
    #: subjects invalid only because their subject_id repeats an earlier one (a copied row, say)
    repeated_id_only: set[int]
    findings: list[Finding]


def _judge_subjects(pol: Policy, subjects: Sequence[Mapping[str, str]], ctx: Context,
                    row_number: Callable[[int], int]) -> _SubjectVerdicts:
    verdicts = _SubjectVerdicts(set(), set(), [])
    first_seen: dict[str, int] = {}
    check, today, problems, progress = pol.subject_check, ctx.today, ctx.row_problems, ctx.progress
    total = len(subjects)
    for index, row in enumerate(subjects):
        if progress is not None and index % _PROGRESS_EVERY == 0:
            progress("judging subjects", index, total)
        own = check(row, today)
        earlier = problems.get(index)
        sid = text(row.get("subject_id"))
        if sid:
            first = first_seen.setdefault(sid, index)
            if first != index:
                if not own and not earlier:
                    verdicts.repeated_id_only.add(index)
                own.append(Finding(RULE_SUBJECT_ID, cite.IN_WRITING, "fail",
                                   f"subject_id repeats the subject_id of row {row_number(first)}: each subject's "
                                   "reference must be unique within the request", sid))
        if own or earlier:
            verdicts.invalid.add(index)
            number = row_number(index)
            if earlier:
                verdicts.findings.extend(earlier)
            verdicts.findings.extend(replace(f, message=f"row {number}: {f.message}") for f in own)
    if progress is not None:
        progress("judging subjects", total, total)
    return verdicts


def evaluate(request: Mapping[str, Any], subjects: Sequence[Mapping[str, str]], registry: Registry, ctx: Context,
             policy_version: str = POLICY_VERSION, canonical: Mapping[str, Any] | None = None) -> Decision:
    """Judge a request and each of its subjects under a policy version.

    ``rejected`` if any hard requirement of the request fails (or no subject is usable); otherwise
    ``review`` if any judgement call is flagged; otherwise ``proceed``. A subject that fails its own
    requirements is invalid alone (``Decision.invalid_indices``). Findings come in a fixed order
    (request, then judgement calls, then subjects by row), so the same request gives the same answer.
    """
    pol = policy(policy_version)
    if canonical is None:  # else the caller's canonical_value(request), made already (intake makes it)
        try:
            canonical = canonical_value(request)
        except DuplicateMember as exc:
            return _not_canonical(pol, exc, len(subjects), ctx.thresholds)
    subjects = _canonical_subjects(subjects)
    facts = Facts(canonical, registry, ctx, subjects, frozenset(), signed=request)
    verdicts = _judge_subjects(pol, subjects, ctx, facts.row_number)
    invalid, subject_level = frozenset(verdicts.invalid), verdicts.findings
    facts.invalid_indices = invalid
    facts.repeated_id_only = frozenset(verdicts.repeated_id_only)
    request_level: list[Finding] = list(ctx.intake_findings)
    for r in pol.request_rules:
        request_level.extend(r.check(facts))  # type: ignore[misc]
    judgement: list[Finding] = []
    for r in pol.judgement_rules:
        judgement.extend(r.check(facts))  # type: ignore[misc]
    outcome: DecisionValue
    if any(f.outcome == "fail" for f in request_level):
        outcome = "rejected"
    elif any(f.outcome == "review" for f in request_level) or any(f.outcome == "review" for f in judgement):
        outcome = "review"
    else:
        outcome = "proceed"
    return Decision(outcome, versioned(pol.version, ctx.thresholds), request_level + judgement + subject_level, len(subjects),
                    len(subjects) - len(invalid), len(invalid), invalid)


def _canonical_subjects(subjects: Sequence[Mapping[str, str]]) -> Sequence[Mapping[str, str]]:
    """The subjects in canonical text; rows of plain ASCII (read by intake, already canonical) as they are,
    and so a whole sequence that says it is canonical already (a subjects file as intake read it,
    spooled in batches: copying it would hold every subject in memory at once)."""
    if getattr(subjects, "is_canonical", False):
        return subjects
    out: list[Mapping[str, str]] | None = None
    for index, row in enumerate(subjects):
        try:
            plain = "".join(row.values()).isascii()
        except TypeError:
            plain = False
        if not plain:
            if out is None:
                out = list(subjects[:index])
            out.append(canonical_row(row))
        elif out is not None:
            out.append(row)
    return subjects if out is None else out


def _not_canonical(pol: Policy, exc: DuplicateMember, total: int, thresholds: Thresholds) -> Decision:
    """A request with two members of one name has no canonical form: rejected, judged on neither value."""
    finding = Finding("L2-format", cite.IN_WRITING, "fail",
                      f"{exc}: the request has no canonical form to sign or judge (RFC 8785, I-JSON), so it is "
                      "judged on neither value")
    return Decision("rejected", versioned(pol.version, thresholds), [finding], total, 0, total,
                    frozenset(range(total)))


# --- explaining a decision -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Explanation:
    """A finding with the rule that produced it, as that rule stood in the decision's policy version."""

    finding: Finding
    rule: Rule | None

    def text(self) -> str:
        f = self.finding
        who = f" [subject {f.subject_id}]" if f.subject_id else ""
        lines = [f"{f.outcome.upper()} {f.rule} ({f.citation}){who}: {f.message}"]
        if self.rule is None:
            lines.append("  (this rule is not part of the policy version that made the decision)")
        else:
            lines.append(f"  the law: \"{self.rule.words}\"")
            lines.extend("  " + line for line in self.rule.explanation.splitlines())
        return "\n".join(lines)


def explain(decision_findings: Iterable[Finding | Mapping[str, Any]], policy_version: str) -> list[Explanation]:
    """Re-explain stored findings under the policy version that made them: each with its rule's words
    and explanation as they stood then."""
    pol = policy(policy_version)
    out = []
    for item in decision_findings:
        finding = item if isinstance(item, Finding) else Finding.from_json(dict(item))
        out.append(Explanation(finding, pol.rule(finding.rule)))
    return out


def explain_text(decision_findings: Iterable[Finding | Mapping[str, Any]], policy_version: str) -> str:
    """:func:`explain` as readable text, headed by the policy version."""
    body = "\n".join(e.text() for e in explain(decision_findings, policy_version))
    return f"policy version {policy_version}\n{body}"
