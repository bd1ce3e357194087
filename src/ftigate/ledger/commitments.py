"""Keyed commitments: how a permanent, public log refers to a taxpayer without naming one.

A commitment is HMAC-SHA256, under a secret only the gateway holds, of the RFC 8785 canonical form
of an accounting record (which does name the taxpayer, and stays in the gateway's store). Because
the key is secret, nobody can test guesses (a TIN has only a billion values; an unkeyed hash of one
is reversed in seconds). Because the record is canonical JSON, the gateway can *open* a commitment
for an authorised overseer: show the record and let them recompute the HMAC with the key, or simply
confirm that the record matches.

A batch of match decisions (a ``match.decided`` entry) commits to bytes of its own, named in the
entry (``encoding``): :data:`DECISION_ROWS`, one line of compact JSON per decision, which the
standard library writes in C, where RFC 8785 (the decisions carry floats) runs in pure Python and
cost more than the disclosures it records. Entries written before the encoding had a name committed
to :data:`DECISIONS_JSON`. docs/ledger.md defines both, byte for byte.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from ftigate.crypto import canonical_json, encode_plain, plain_json

KEY_BYTES = 32

#: a batch of match decisions as RFC 8785 of ``{"decisions": [{"subject", "outcome", "tin",
#: "probability", "evidence"}, ...]}``, by subject key: every ``match.decided`` entry without an ``encoding``
DECISIONS_JSON = "decisions-json/1"
#: a batch of match decisions as rows: by subject key, one line per decision, the compact JSON array
#: ``[subject,outcome,tin,probability,evidence]`` (keys sorted, ASCII only, Python's shortest float form)
#: followed by a line feed
DECISION_ROWS = "decision-rows/1"
#: every encoding a verifier knows, the newest last
DECISION_ENCODINGS = (DECISIONS_JSON, DECISION_ROWS)
_ROW_ENCODER = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False)


def _jsonable(value: Any) -> Any:
    """Dates and times become ISO 8601 text, so records read from the store commit as written."""
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def record_bytes(record: Mapping[str, Any]) -> bytes:
    """The exact bytes a commitment covers."""
    if type(record) is dict and plain_json(record):  # an accounting record: already JSON, RFC 8785 written in C
        return encode_plain(record)
    return canonical_json(_jsonable(record))


def commit(key: bytes, record: Mapping[str, Any]) -> str:
    """Lowercase hex HMAC-SHA256 of the record's canonical bytes."""
    if len(key) < KEY_BYTES:
        raise ValueError("a commitment key is at least 32 bytes")
    return hmac.new(key, record_bytes(record), hashlib.sha256).hexdigest()


def opens(key: bytes, record: Mapping[str, Any], commitment: str) -> bool:
    """True if ``commitment`` is the commitment to exactly this record (compared in constant time)."""
    return hmac.compare_digest(commit(key, record), commitment.lower())


def decision_lines(rows: Iterable[Sequence[Any]]) -> list[bytes]:
    """The :data:`DECISION_ROWS` line of each decision given as ``(subject, outcome, tin, probability,
    evidence)``, in the order given (subject-key order: the caller sorts). The bytes committed to are
    the lines joined; each line's SHA-256 names a decision that no longer matches. Raises
    ``ValueError`` for what JSON cannot carry (a NaN or infinite float, a key that is not text)."""
    try:
        return [(_ROW_ENCODER.encode(list(row)) + "\n").encode("ascii") for row in rows]
    except TypeError as exc:
        raise ValueError(f"a decision has no JSON form: {exc}") from exc


def decision_rows_bytes(rows: Iterable[Sequence[Any]]) -> bytes:
    """The :data:`DECISION_ROWS` bytes of decisions, already in subject-key order: their lines, joined."""
    return b"".join(decision_lines(rows))


def line_digest(line: bytes) -> str:
    """SHA-256 (lowercase hex) of one decision's line, kept beside the decision in the store."""
    return hashlib.sha256(line).hexdigest()


def commit_bytes(key: bytes, data: bytes) -> str:
    """Lowercase hex HMAC-SHA256 of bytes already encoded (a batch of decisions as rows)."""
    if len(key) < KEY_BYTES:
        raise ValueError("a commitment key is at least 32 bytes")
    return hmac.new(key, data, hashlib.sha256).hexdigest()


def opens_bytes(key: bytes, data: bytes, commitment: str) -> bool:
    """True if ``commitment`` is the commitment to exactly these bytes (compared in constant time)."""
    return hmac.compare_digest(commit_bytes(key, data), commitment.lower())
