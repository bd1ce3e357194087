"""Text as it reads: one canonical form for every string the law judges, stores or compares.

A requester can write a placeholder or a name asked about before so that it *looks* the same but is
not the same string: a zero-width space inside it (``I\\u200bbarra``), fullwidth letters
(``ＵＮＫＮＯＷＮ``), or a letter of another script that looks like a Latin one (a Cyrillic "а", a
Greek "Ν"). The law must see what a reader sees, so three steps are applied, here and nowhere else:

* :func:`canonical` (what is stored and judged): Unicode NFKC (fullwidth and other compatibility
  forms become the plain letter or digit), every default-ignorable or format character removed
  (zero-width spaces and joiners, soft hyphens, bidirectional controls, variation selectors, tag
  characters), and surrounding white space trimmed. A request is canonicalised once, at intake; the
  rules, the store and the matcher all see the same text.
* :func:`reading_key` (what is compared with a vocabulary or a previous request): the canonical text
  folded (upper case, punctuation dropped, spaces collapsed) and reduced to its confusable skeleton
  under Unicode Technical Standard #39, computed by ICU's SpoofChecker, so that letters that look
  alike compare equal. Digits are kept as digits: a house number is read as a number. The key is
  never shown or stored.
* :func:`mixes_scripts` (a finding of its own): a word whose letters come from more than one script,
  beyond the combinations a language really uses (Japanese, Korean, Chinese), fails ICU's "highly
  restrictive" level of TR39 and is flagged for a person to read.

Plain ASCII text, the overwhelming case in a batch of a million rows, takes a fast path with the
same result.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

import icu  # type: ignore[import-untyped]

#: default-ignorable code points and format characters: invisible, so never part of what text says
_INVISIBLE = {ord(ch): None for ch in icu.UnicodeSet("[[:Default_Ignorable_Code_Point:][:Cf:]]")}
# the folding of ``vocabulary.fold``: apostrophes, dots and slashes vanish, other punctuation separates
_DROP = "'\u2019./"
_PUNCTUATION = "!\"#$%&()*+,-:;<=>?@[\\]^_`{|}~"
_FOLD = str.maketrans({**dict.fromkeys(_PUNCTUATION, " "), **dict.fromkeys(_DROP, "")})
_DIGITS = re.compile(r"([0-9]+)")
_WORD = re.compile(r"[^\W\d_]+")

_SPOOF = icu.SpoofChecker()
_SCRIPTS = icu.SpoofChecker()
_SCRIPTS.setChecks(icu.USpoofChecks.RESTRICTION_LEVEL)
_SCRIPTS.setRestrictionLevel(icu.URestrictionLevel.HIGHLY_RESTRICTIVE)


def canonical(text: str) -> str:
    """NFKC, invisible characters removed, white space trimmed: the text as stored and judged."""
    if text.isascii():
        return text.strip()
    return unicodedata.normalize("NFKC", text).translate(_INVISIBLE).strip()


def fold(text: str) -> str:
    """Upper case, punctuation dropped or turned into spaces, runs of space collapsed (no skeleton)."""
    return " ".join(canonical(text).translate(_FOLD).upper().split())


def _skeleton(text: str) -> str:
    """The TR39 skeleton of ``text``, with ASCII digits kept as they are."""
    return "".join(part if part[:1].isdigit() else _SPOOF.getSkeleton(0, part)
                   for part in _DIGITS.split(text) if part)


def _shape(text: str) -> str:
    """Upper case and confusable skeleton of canonical text, spaces collapsed; punctuation kept."""
    upper = " ".join(canonical(text).upper().split())
    if upper.isascii():
        return upper.replace("I", "L")
    once = _skeleton(upper).upper()
    return " ".join(_skeleton(once).upper().split())


@lru_cache(maxsize=65536)
def shape(text: str) -> str:
    """What ``text`` looks like, punctuation and all ("N/A" and "Ν/Α" in Greek have one shape)."""
    return _shape(text)


def reading_key(text: str) -> str:
    """What ``text`` reads as, for comparison only: folded, then reduced to its confusable skeleton.

    "FNU", "ＦＮＵ", "F\u200bNU" and "FΝU" (a Greek Nu) have one key; so have "Ibarra" and "Ibаrra"
    (a Cyrillic a). Latin I, l and L share a key, as they share a shape in many typefaces.
    """
    if text.isascii():  # the fast path, same result: ASCII's only confusable after folding is I (as l)
        return " ".join(text.translate(_FOLD).upper().split()).replace("I", "L")
    return _unicode_reading_key(text)


@lru_cache(maxsize=65536)
def _unicode_reading_key(text: str) -> str:
    return " ".join(_shape(fold(text)).translate(_FOLD).split())


def mixes_scripts(text: str) -> bool:
    """True if a word of ``text`` mixes letters of scripts no language writes together."""
    if text.isascii():
        return False
    return any(_SCRIPTS.check(word) for word in _WORD.findall(canonical(text)))


class DuplicateMember(ValueError):
    """Two members of one object have the same name once canonicalised (``"reason"`` and a
    ``"rea\\u200bson"``): the object has no canonical form and is not judged on either value."""

    def __init__(self, path: str, name: str) -> None:
        super().__init__(f"the member '{name}' appears twice in {path} once invisible characters are removed")
        self.path, self.name = path, name


def canonical_value(value: Any, path: str = "the request") -> Any:
    """A JSON value with every string (member names included) in :func:`canonical` form.

    Raises :class:`DuplicateMember` when two member names of one object become the same. Works without
    recursion, so a deeply nested document is no harder to canonicalise than to parse.
    """
    if not isinstance(value, (list, Mapping)):
        return canonical(value) if isinstance(value, str) else value
    root: list[Any] = [None]
    # (source container, target container, key in target, path)
    work: list[tuple[Any, Any, Any, str]] = [(value, root, 0, path)]
    while work:
        source, target, slot, where = work.pop()
        if isinstance(source, str):
            target[slot] = canonical(source)
        elif isinstance(source, list):
            out: list[Any] = [None] * len(source)
            target[slot] = out
            for i, item in enumerate(source):
                work.append((item, out, i, where))
        elif isinstance(source, Mapping):
            members: dict[str, Any] = {}
            target[slot] = members
            for key, child in source.items():
                name = canonical(key) if isinstance(key, str) else key
                if name in members:
                    raise DuplicateMember(where, str(name))
                members[name] = None
                work.append((child, members, name, f"{where}.{name}"))
        else:
            target[slot] = source
    return root[0]


def canonical_row(row: Mapping[str, Any]) -> dict[str, Any]:
    """A subjects row with each text field in canonical form (other values as they are)."""
    return {key: canonical(value) if isinstance(value, str) else value for key, value in row.items()}
