"""A rule: one statutory requirement, named, with its citation and the words it enforces.

Rules are small functions from :class:`~ftigate.law.context.Facts` to findings. The ``@rule``
decorator attaches what a reader needs to understand a finding later without the code: the rule id
(``L4-taxable-periods``: the requirement L1 to L14 of docs/law.md and what it checks), the citation, the statute's words, and
the function's docstring as its explanation. A policy (``ftigate.law.policy``) is a versioned,
ordered set of these.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from ftigate.law.context import Facts
from ftigate.law.findings import Finding, Outcome

Scope = Literal["request", "subject", "judgement"]
Check = Callable[[Facts], list[Finding]]


@dataclass(frozen=True)
class Rule:
    id: str
    citation: str
    #: the words of the statute (or regulation) the rule enforces, quoted
    words: str
    #: request: a hard requirement of the request; subject: of each subject; judgement: a review flag
    scope: Scope
    #: what the rule checks and why, in plain words (the function's docstring)
    explanation: str
    check: Check | None = None

    def finding(self, outcome: Outcome, message: str, subject_id: str | None = None) -> Finding:
        return Finding(self.id, self.citation, outcome, message, subject_id)

    def passed(self, message: str) -> list[Finding]:
        return [self.finding("pass", message)]

    def failed(self, message: str) -> list[Finding]:
        return [self.finding("fail", message)]

    def flagged(self, message: str, subject_id: str | None = None) -> list[Finding]:
        return [self.finding("review", message, subject_id)]


def rule(rule_id: str, citation: str, words: str, scope: Scope = "request") -> Callable[[Callable[[Rule, Facts], list[Finding]]], Rule]:
    """Turn ``def check(r: Rule, facts: Facts) -> list[Finding]`` into a :class:`Rule`."""

    def wrap(func: Callable[[Rule, Facts], list[Finding]]) -> Rule:
        holder: dict[str, Rule] = {}

        def check(facts: Facts) -> list[Finding]:
            return func(holder["rule"], facts)

        made = Rule(rule_id, citation, words, scope, inspect.cleandoc(func.__doc__ or ""), check)
        holder["rule"] = made
        return made

    return wrap


def describe(rule_id: str, citation: str, words: str, scope: Scope, explanation: str) -> Rule:
    """A rule without a request-level check (the per-subject rules are evaluated by ``subject_findings``)."""
    return Rule(rule_id, citation, words, scope, inspect.cleandoc(explanation))
