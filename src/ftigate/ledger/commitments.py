"""Keyed commitments: how a permanent, public log refers to a taxpayer without naming one.

A commitment is HMAC-SHA256, under a secret only the gateway holds, of the RFC 8785 canonical form
of an accounting record (which does name the taxpayer, and stays in the gateway's store). Because
the key is secret, nobody can test guesses (a TIN has only a billion values; an unkeyed hash of one
is reversed in seconds). Because the record is canonical JSON, the gateway can *open* a commitment
for an authorised overseer: show the record and let them recompute the HMAC with the key, or simply
confirm that the record matches.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from ftigate.crypto import canonical_json

KEY_BYTES = 32


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
    return canonical_json(_jsonable(record))


def commit(key: bytes, record: Mapping[str, Any]) -> str:
    """Lowercase hex HMAC-SHA256 of the record's canonical bytes."""
    if len(key) < KEY_BYTES:
        raise ValueError("a commitment key is at least 32 bytes")
    return hmac.new(key, record_bytes(record), hashlib.sha256).hexdigest()


def opens(key: bytes, record: Mapping[str, Any], commitment: str) -> bool:
    """True if ``commitment`` is the commitment to exactly this record (compared in constant time)."""
    return hmac.compare_digest(commit(key, record), commitment.lower())
