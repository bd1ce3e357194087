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
from collections.abc import Iterable, Mapping
from functools import lru_cache
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


@lru_cache(maxsize=4096)
def _key_allowed(key: str) -> bool:
    return not FORBIDDEN_KEY_WORDS.intersection(key_words(key))


def looks_clean(canonical: bytes, keys: Iterable[str]) -> bool:
    """The fast form of :func:`check_entry`, on an entry's canonical JSON bytes and its keys.

    Appends run it for every entry, so it must cost a microsecond or two, not a walk of every value:
    digits are folded to ``0`` with one byte translation and the forbidden shapes looked for as
    substrings; only when one turns up (a commitment often holds nine digits in a row) does the
    exact check run, on the text with its hexadecimal digests set aside. The verdict is the same as
    :func:`check_entry`'s, which is then run to say where the problem is.
    """
    if not all(_key_allowed(k) for k in keys):
        return False
    if not canonical.isascii():
        text = _QUOTED_DIGEST.sub('""', canonical.decode("utf-8"))
        return not (_NINE_DIGITS.search(text) or _DASHED_TIN.search(text))
    folded = canonical.translate(_FOLD_DIGITS)
    if (b"00-0000000" in folded or b"0-00-0000" in folded) and _DASHED_TIN_B.search(canonical):
        return False
    at = folded.find(b"000000000")
    while at >= 0:
        # allowed only inside a JSON string that is, as a whole, a hex digest
        opening = canonical.rfind(b'"', 0, at)
        closing = canonical.find(b'"', at)
        if opening < 1 or closing < 0 or canonical[opening - 1] not in b"{[,:" or \
                not _HEX_DIGEST_B.fullmatch(canonical, opening + 1, closing):
            return False
        at = folded.find(b"000000000", closing)
    return True


_FOLD_DIGITS = bytes.maketrans(b"123456789", b"000000000")
_DASHED_TIN_B = re.compile(rb"(?<![0-9])(?:[0-9]{3}-[0-9]{2}-[0-9]{4}|[0-9]{2}-[0-9]{7})(?![0-9])")
_HEX_DIGEST_B = re.compile(rb"[0-9a-f]{32,128}|[0-9A-F]{32,128}")
#: a JSON string (key or value) that is, as a whole, a hex digest: opened after { [ , or :, so never an escaped quote
_QUOTED_DIGEST = re.compile(r'(?<=[{\[,:])"(?:[0-9a-f]{32,128}|[0-9A-F]{32,128})"(?=[}\],:])')


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
