"""The guard that keeps personal data out of the permanent log.

The log can never be edited, and overseers read it; so an entry that names a taxpayer (a name, an
address, a TIN) would be an unauthorized disclosure made permanent. Callers refer to taxpayers only
through keyed commitments (:mod:`ftigate.ledger.commitments`); this guard is the second line of
defence and refuses the entry outright when it sees what looks like personal data:

* a key that names personal data (``tin``, ``name``, ``address``, ``street``, ``zip``, ``dob``, ...),
  matched on the words of the key, so ``last_name`` and ``mailingAddress`` are caught;
* a run of nine digits (a TIN or SSN written plainly), or the dashed forms ``123-45-6789`` and
  ``12-3456789`` (SSN and EIN);

in any string, key or number, at any depth. A hexadecimal digest (the commitments themselves, file
hashes) is exempt, since random hex often holds nine digits in a row and identifies nobody.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ftigate.ledger.errors import EntryRejected

#: words that must not name a member of a ledger entry
FORBIDDEN_KEY_WORDS = frozenset({
    "tin", "tins", "ssn", "itin", "ein", "name", "names", "surname", "address", "addresses", "street",
    "city", "zip", "zipcode", "postal", "dob", "birth", "birthdate", "phone", "email",
})

_NINE_DIGITS = re.compile(r"\d{9}")
_DASHED_TIN = re.compile(r"(?<!\d)(?:\d{3}-\d{2}-\d{4}|\d{2}-\d{7})(?!\d)")
_HEX_DIGEST = re.compile(r"[0-9a-f]{32,128}|[0-9A-F]{32,128}")
_WORDS = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|[0-9]+")


def key_words(key: str) -> list[str]:
    """``mailingAddress`` -> ``['mailing', 'address']``; ``address_line1`` -> ``['address', 'line', '1']``."""
    return [w.lower() for w in _WORDS.findall(key)]


def _check_text(text: str, path: str, position: int | None) -> None:
    if _HEX_DIGEST.fullmatch(text):
        return
    if _NINE_DIGITS.search(text):
        raise EntryRejected("holds a run of nine digits, which may be a TIN; refer to taxpayers by "
                            "commitment only", position, path)
    if _DASHED_TIN.search(text):
        raise EntryRejected("holds what looks like an SSN or EIN; refer to taxpayers by commitment only",
                            position, path)


def check_entry(entry: Any, position: int | None = None) -> None:
    """Raise :class:`EntryRejected` if ``entry`` holds anything that looks like personal data."""
    _walk(entry, "$", position)


def _walk(value: Any, path: str, position: int | None) -> None:
    if isinstance(value, Mapping):
        for key, child in value.items():
            key_text = str(key)
            child_path = f"{path}.{key_text}"
            bad = FORBIDDEN_KEY_WORDS.intersection(key_words(key_text))
            if bad:
                raise EntryRejected(f"the key '{key_text}' names personal data ({', '.join(sorted(bad))})",
                                    position, child_path)
            _check_text(key_text, child_path, position)
            _walk(child, child_path, position)
    elif isinstance(value, (list, tuple)):
        for i, child in enumerate(value):
            _walk(child, f"{path}[{i}]", position)
    elif isinstance(value, str):
        _check_text(value, path, position)
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        _check_text(repr(value), path, position)
