"""What a rule says about a request or a subject: a :class:`Finding`.

A finding is the unit of explanation. Every decision the gateway takes is the sum of its findings,
each naming the rule that produced it, the words of the statute it enforces (by citation) and a
message a lawyer can read. Messages never quote a subject's personal data (names, addresses, TINs,
dates of birth): they say what is wrong, not what the value was, so findings may be stored, printed
and shown to the requester without disclosing anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

Outcome = Literal["pass", "fail", "review"]
OUTCOMES: tuple[str, ...] = ("pass", "fail", "review")


@dataclass(frozen=True, slots=True)
class Finding:
    """One rule's verdict: ``pass``, ``fail`` (a hard requirement is not met) or ``review`` (a judgement
    the law leaves to a person). ``subject_id`` is set for a finding about one subject, else None."""

    rule: str
    citation: str
    outcome: Outcome
    message: str
    subject_id: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The finding as the contract's JSON object (keys rule, citation, outcome, message, subject_id).
        Written out, not ``dataclasses.asdict`` (which deep-copies every value): each submission
        turns every rule's finding into JSON."""
        return {"rule": self.rule, "citation": self.citation, "outcome": self.outcome, "message": self.message,
                "subject_id": self.subject_id}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Finding:
        return cls(
            rule=str(data["rule"]),
            citation=str(data["citation"]),
            outcome=data["outcome"],
            message=str(data["message"]),
            subject_id=data.get("subject_id"),
        )
