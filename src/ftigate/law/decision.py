"""The :class:`Decision` on a request: proceed, review or rejected, with every finding that made it.

A decision carries the policy version that produced it (so it can be re-explained under that
version later) and the subjects' counts. ``to_json`` is exactly the object ``ftigate check --json``
prints (docs/formats.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from ftigate.law.findings import Finding

DecisionValue = Literal["proceed", "review", "rejected"]


@dataclass
class Decision:
    decision: DecisionValue
    policy_version: str
    findings: list[Finding]
    total: int
    valid: int
    invalid: int
    #: 0-based positions (in the order the subjects were given) of the subjects judged invalid
    invalid_indices: frozenset[int] = field(default_factory=frozenset)

    @property
    def failures(self) -> list[Finding]:
        return [f for f in self.findings if f.outcome == "fail"]

    @property
    def flags(self) -> list[Finding]:
        return [f for f in self.findings if f.outcome == "review"]

    @property
    def exit_code(self) -> int:
        """What ``ftigate check`` exits with: 0 may proceed (flagged or not), 1 rejected."""
        return 1 if self.decision == "rejected" else 0

    def to_json(self) -> dict[str, Any]:
        """The contract's object: decision, policy_version, findings, subjects {total, valid, invalid}."""
        return {
            "decision": self.decision,
            "policy_version": self.policy_version,
            "findings": [f.to_json() for f in self.findings],
            "subjects": {"total": self.total, "valid": self.valid, "invalid": self.invalid},
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Decision:
        """Rebuild a decision from its JSON (``invalid_indices`` is not part of it and comes back empty)."""
        counts = data.get("subjects") or {}
        return cls(
            decision=data["decision"],
            policy_version=data["policy_version"],
            findings=[Finding.from_json(f) for f in data.get("findings", [])],
            total=int(counts.get("total", 0)),
            valid=int(counts.get("valid", 0)),
            invalid=int(counts.get("invalid", 0)),
        )
