"""The law as code: every statutory requirement a rule with its citation, every decision explained.

This package is pure (no I/O). ``ftigate.law`` is its public facade; see docs/law.md for every rule,
its citation and the words of the statute it enforces.
"""

from ftigate.law.findings import Finding, Outcome
from ftigate.law.subject_rules import subject_findings, subject_is_valid

__all__ = ["Finding", "Outcome", "subject_findings", "subject_is_valid"]
