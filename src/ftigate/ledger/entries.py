"""What a ledger entry is: a JSON object with a ``kind`` and an ``at``, stored as RFC 8785 bytes.

Canonical JSON means the same event always has the same bytes, so anyone can re-encode an entry
they were shown and check its hash. Entries must fit an entry bundle (64 KiB) and pass the privacy
guard; anything else is refused before it reaches the log.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from ftigate.crypto import canonical_json, encode_plain, plain_json, whole_numbers
from ftigate.errors import InputError
from ftigate.ledger.errors import EntryRejected
from ftigate.ledger.privacy import check_entry, looks_clean
from ftigate.ledger.tiles import MAX_ENTRY_BYTES


def encode_entry(entry: Mapping[str, Any], position: int | None = None) -> bytes:
    """Check an entry and return its canonical bytes, or raise :class:`EntryRejected`."""
    if not isinstance(entry, Mapping):
        raise EntryRejected(f"an entry is a JSON object, not {type(entry).__name__}", position)
    kind = entry.get("kind")
    if not isinstance(kind, str) or not kind.strip():
        raise EntryRejected("an entry needs a 'kind' (non-empty text)", position, "$.kind")
    at = entry.get("at")
    if not isinstance(at, str):
        raise EntryRejected("an entry needs an 'at' (ISO 8601 date and time as text)", position, "$.at")
    try:
        dt.datetime.fromisoformat(at[:-1] + "+00:00" if at.endswith("Z") else at)
    except ValueError:
        raise EntryRejected(f"'at' is not an ISO 8601 date and time: {at!r}", position, "$.at") from None
    keys: set[str] = set()
    try:
        plain: Any = None
        if isinstance(entry, dict):
            # an entry with the thresholds holds a float, a whole number (3.0): the plain way too
            plain = entry if plain_json(entry, keys) else whole_numbers(entry)
            plain = plain if plain is entry or (plain is not None and plain_json(plain, keys)) else None
        if plain is not None:
            data = encode_plain(plain)
        else:
            check_entry(entry, position)
            data = canonical_json(dict(entry))
    except UnicodeEncodeError:
        raise EntryRejected("holds text that is not valid Unicode (a lone surrogate)", position) from None
    except InputError as exc:
        raise EntryRejected(exc.message, position) from None
    if not looks_clean(data, keys):
        check_entry(entry, position)  # says where; raises
        raise EntryRejected("holds what looks like personal data", position)
    if len(data) > MAX_ENTRY_BYTES:
        raise EntryRejected(f"{len(data)} bytes is more than an entry may hold ({MAX_ENTRY_BYTES})", position)
    return data
