"""What a ``match.decided`` ledger entry commits to, built from decision rows in one place.

The gateway builds it when it records a batch of match decisions (``service.disclose``) and an
overseer's check rebuilds it from the stored subjects (``service.decision_audit``). Both call the
functions here, so the record that was committed to and the record that is checked cannot drift
apart: a difference between them can only be a change to a stored decision.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ftigate.ledger.commitments import (
    DECISION_ROWS,
    DECISIONS_JSON,
    decision_lines,
    decision_lines_and_evidence,
    line_digest,
    record_bytes,
)

#: the encoding new ``match.decided`` entries commit to
ENCODING = DECISION_ROWS


def decisions_record(rows: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """``{"decisions": [...]}``: each subject's outcome, matched TIN, probability and evidence.

    ``rows`` are decision rows as written to (or read from) ``subjects``: ``id`` (the subject's
    primary key), ``outcome``, ``matched_tin``, ``match_probability``, ``evidence``. They are listed
    by subject key, not in the order the matcher answered, because the store does not keep that
    order and the record must be rebuilt from the store alone.
    """
    return {"decisions": [
        {"subject": r["id"], "outcome": r["outcome"], "tin": r["matched_tin"],
         "probability": r["match_probability"], "evidence": r["evidence"]}
        for r in sorted(rows, key=lambda r: r["id"])]}


def decision_rows(rows: Iterable[Mapping[str, Any]]) -> list[tuple[Any, ...]]:
    """The decisions as ``(subject, outcome, tin, probability, evidence)``, by subject key."""
    return sorted(((r["id"], r["outcome"], r["matched_tin"], r["match_probability"], r["evidence"]) for r in rows),
                  key=lambda row: row[0])


def encoded_decisions(rows: Sequence[Mapping[str, Any]], encoding: str = ENCODING) -> bytes:
    """The exact bytes a batch's commitment covers in ``encoding`` (docs/ledger.md defines each).
    Raises ``ValueError`` for an encoding no verifier knows or a decision it cannot carry."""
    if encoding == DECISION_ROWS:
        return b"".join(decision_lines(decision_rows(rows)))
    if encoding == DECISIONS_JSON:
        return record_bytes(decisions_record(rows))
    raise ValueError(f"no such encoding of match decisions: {encoding!r}")


def encoded_rows(rows: Sequence[Mapping[str, Any]]) -> tuple[bytes, dict[Any, str]]:
    """The :data:`DECISION_ROWS` bytes of a batch, and each decision's line digest by subject key
    (what the store keeps beside the decision)."""
    ordered = decision_rows(rows)
    lines = decision_lines(ordered)
    return b"".join(lines), {row[0]: line_digest(line) for row, line in zip(ordered, lines, strict=True)}


def encoded_batch(rows: Sequence[Mapping[str, Any]]) -> tuple[bytes, dict[Any, tuple[str, str]]]:
    """:func:`encoded_rows`, and beside each decision's line digest (by subject key) its evidence as
    the line writes it: the JSON text the store keeps, so the evidence is encoded once for both."""
    ordered = decision_rows(rows)
    lines, evidence = decision_lines_and_evidence(ordered)
    return b"".join(lines), {row[0]: (line_digest(line), text)
                             for row, line, text in zip(ordered, lines, evidence, strict=True)}


def changed_rows(rows: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The stored decisions whose line no longer has the digest stored beside them (``decision_digest``;
    a decision recorded before digests were kept has none and is not judged here)."""
    ordered = sorted(rows, key=lambda r: r["id"])
    kept = [r for r in ordered if r.get("decision_digest")]
    try:
        lines = decision_lines(decision_rows(kept))
    except ValueError:
        return [r for r in kept if not _encodable(r)]
    return [r for r, line in zip(kept, lines, strict=True) if line_digest(line) != r["decision_digest"]]


def _encodable(row: Mapping[str, Any]) -> bool:
    try:
        decision_lines(decision_rows([row]))
    except ValueError:
        return False
    return True


def outcome_counts(rows: Iterable[Mapping[str, Any]]) -> dict[str, int]:
    """How many decisions of each outcome: what the entry states in the clear, beside the commitment."""
    counts: dict[str, int] = {}
    for r in rows:
        counts[r["outcome"]] = counts.get(r["outcome"], 0) + 1
    return counts
