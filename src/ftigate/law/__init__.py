"""The law as code: every statutory requirement a rule with its citation, every decision explained.

This package is pure (no I/O). ``ftigate.law`` is its public facade: judge a request with
:func:`evaluate`, a single subject with :func:`subject_findings`, a matched taxpayer against the
withhold list with :func:`withhold`, and re-explain an old decision with :func:`explain`. docs/law.md
lists every rule, its citation and the words of the statute it enforces.
"""

from ftigate.law.context import Context, Facts
from ftigate.law.decision import Decision
from ftigate.law.duties import approval_complete, approvals_needed, parties_to, review_problems
from ftigate.law.findings import Finding, Outcome
from ftigate.law.policy import (
    POLICIES,
    POLICY_VERSION,
    Explanation,
    Policy,
    UnknownPolicyVersion,
    evaluate,
    explain,
    explain_text,
    policy,
    rules,
    versioned,
)
from ftigate.law.rulebook import Rule
from ftigate.law.subject_keys import subject_key
from ftigate.law.subject_rules import subject_findings, subject_is_valid
from ftigate.law.withholding import REQUESTER_OUTCOME, withhold

__all__ = [
    "POLICIES", "POLICY_VERSION", "REQUESTER_OUTCOME", "Context", "Decision", "Explanation", "Facts", "Finding",
    "Outcome", "Policy", "Rule", "UnknownPolicyVersion", "approval_complete", "approvals_needed", "evaluate",
    "explain", "explain_text", "parties_to", "policy", "review_problems", "rules", "subject_findings",
    "subject_is_valid", "subject_key", "versioned", "withhold",
]
