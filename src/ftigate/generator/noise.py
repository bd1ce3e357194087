"""The ways a requester's copy of a name and address differs from the tax record, one function each.

Each function changes one subject row (a dict of the contract's text fields) in place and returns
a short tag naming what it did, or ``None`` when it does not apply to this row (no nickname for
the name, no unit to rewrite, ...). None of them makes the person unrecognisable: a noisy row is
still that taxpayer, and a correct gateway should still find them. What a row *must not* be
matched on (placeholders, impossible dates) is made in ``bad_rows``, not here.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable

from ftigate.generator.data.names import ACCENTED, NICKNAMES
from ftigate.generator.data.places import DIRECTIONS, STREET_TYPES

Row = dict[str, str]
Noise = Callable[[Row, random.Random], "str | None"]

_KEYBOARD = {
    "a": "qwsz", "b": "vghn", "c": "xdfv", "d": "serfcx", "e": "wsdr", "f": "drtgvc", "g": "ftyhbv",
    "h": "gyujnb", "i": "ujko", "j": "huikmn", "k": "jiolm", "l": "kop", "m": "njk", "n": "bhjm",
    "o": "iklp", "p": "ol", "q": "wa", "r": "edft", "s": "awedxz", "t": "rfgy", "u": "yhji",
    "v": "cfgb", "w": "qase", "x": "zsdc", "y": "tghu", "z": "asx",
}
_ABBREVIATION = {abbr: full for abbr, full in STREET_TYPES if abbr != full}
_FULL = {full: abbr for abbr, full in _ABBREVIATION.items()}
_DIRECTION = {abbr: full for abbr, full in DIRECTIONS if abbr}
#: words a slip of the key must not produce: a name turned into a placeholder is a bad row, not noise
_NOT_NAMES = frozenset({"FNU", "LNU", "NIL", "NONE", "NULL", "UNK", "UNKN", "NA", "TBD", "XX", "XXX", "XXXX", "BLANK"})
_ADDRESS_FIELDS = ("address_line1", "address_line2", "city")
_NAME_FIELDS = ("first_name", "middle_name", "last_name", "suffix")


def typo(word: str, rnd: random.Random) -> str | None:
    """One keyboard slip in a word of at least four letters: a wrong key, a lost, doubled or swapped letter."""
    letters = [i for i, ch in enumerate(word) if ch.isalpha()]
    if len(letters) < 4:
        return None
    changed = _slip(word, letters, rnd)
    return None if changed.upper() in _NOT_NAMES else changed


def _slip(word: str, letters: list[int], rnd: random.Random) -> str:
    i = rnd.choice(letters[1:])  # the first letter is rarely wrong, and blocking keys depend on it
    kind = rnd.randrange(4)
    ch = word[i]
    if kind == 0 and ch.lower() in _KEYBOARD:
        new = rnd.choice(_KEYBOARD[ch.lower()])
        return word[:i] + (new.upper() if ch.isupper() else new) + word[i + 1:]
    if kind == 1:
        return word[:i] + word[i + 1:]
    if kind == 2:
        return word[:i] + ch + word[i:]
    if i + 1 < len(word) and word[i + 1].isalpha() and word[i + 1] != ch:
        return word[:i] + word[i + 1] + ch + word[i + 2:]
    return word[:i] + word[i + 1:]


def typo_first(row: Row, rnd: random.Random) -> str | None:
    changed = typo(row["first_name"], rnd)
    if changed is None or changed == row["first_name"]:
        return None
    row["first_name"] = changed
    return "typo_first"


def typo_last(row: Row, rnd: random.Random) -> str | None:
    changed = typo(row["last_name"], rnd)
    if changed is None or changed == row["last_name"]:
        return None
    row["last_name"] = changed
    return "typo_last"


def nickname(row: Row, rnd: random.Random) -> str | None:
    names = NICKNAMES.get(row["first_name"])
    if not names:
        return None
    row["first_name"] = rnd.choice(names)
    return "nickname"


def swap_names(row: Row, rnd: random.Random) -> str | None:
    """Given and family name in each other's field, as lists built from "LAST, FIRST" often have."""
    if not row["first_name"] or not row["last_name"]:
        return None
    row["first_name"], row["last_name"] = row["last_name"], row["first_name"]
    return "swap_names"


def accent(row: Row, rnd: random.Random) -> str | None:
    for name in rnd.sample(("first_name", "last_name"), 2):
        parts = row[name].split(" ")
        hits = [i for i, part in enumerate(parts) if part in ACCENTED]
        if hits:
            i = rnd.choice(hits)
            parts[i] = ACCENTED[parts[i]]
            row[name] = " ".join(parts)
            return "accent"
    return None


def surname_part(row: Row, rnd: random.Random) -> str | None:
    """Half of a compound or hyphenated surname, or the other joiner ("Garcia Lopez" -> "Garcia-Lopez")."""
    last = row["last_name"]
    if "-" in last:
        row["last_name"] = last.replace("-", " ") if rnd.random() < 0.5 else last.split("-")[0]
        return "surname_part"
    parts = last.split(" ")
    if len(parts) == 2 and parts[0] not in ("De", "Del", "Van", "St.", "La", "Di", "Dela"):
        row["last_name"] = parts[0] if rnd.random() < 0.6 else "-".join(parts)
        return "surname_part"
    return None


def middle(row: Row, rnd: random.Random) -> str | None:
    value = row["middle_name"]
    if not value:
        return None
    if len(value) > 1 and rnd.random() < 0.5:
        row["middle_name"] = value[0] + ("." if rnd.random() < 0.3 else "")
    else:
        row["middle_name"] = ""
    return "middle"


def suffix_format(row: Row, rnd: random.Random) -> str | None:
    value = row["suffix"]
    if not value:
        return None
    choice = rnd.randrange(3)
    if choice == 0 and value in ("Jr", "Sr"):
        row["suffix"] = value + "."
    elif choice == 1:
        row["suffix"] = value.upper() if value in ("Jr", "Sr") else ""
    else:
        row["last_name"] = f"{row['last_name']} {value}"
        row["suffix"] = ""
    return "suffix_format"


def drop_dob(row: Row, rnd: random.Random) -> str | None:
    if not row["date_of_birth"]:
        return None
    row["date_of_birth"] = ""
    return "drop_dob"


def case(row: Row, rnd: random.Random) -> str | None:
    change = str.upper if rnd.random() < 0.75 else str.lower
    for name in (*_NAME_FIELDS, *_ADDRESS_FIELDS):
        row[name] = change(row[name])
    return "case"


def punctuation(row: Row, rnd: random.Random) -> str | None:
    """Apostrophes, hyphens and dots dropped ("O'Brien" -> "OBrien"), or a dot added ("St" -> "St.")."""
    changed = False
    for name in ("last_name", "first_name", "city", "address_line1"):
        value = row[name]
        if any(ch in value for ch in "'-."):
            row[name] = value.replace("'", "").replace(".", "").replace("-", " " if rnd.random() < 0.5 else "")
            changed = True
    if not changed:
        words = row["address_line1"].split(" ")
        if words and words[-1] in _ABBREVIATION:
            words[-1] += "."
            row["address_line1"] = " ".join(words)
            changed = True
    return "punctuation" if changed else None


def street_words(row: Row, rnd: random.Random) -> str | None:
    """Street type and direction written out or abbreviated ("St" <-> "Street", "N" -> "North")."""
    words = row["address_line1"].split(" ")
    if len(words) < 3:
        return None
    changed = False
    if words[-1] in _ABBREVIATION:
        words[-1] = _ABBREVIATION[words[-1]]
        changed = True
    elif words[-1] in _FULL:
        words[-1] = _FULL[words[-1]]
        changed = True
    if words[1] in _DIRECTION and rnd.random() < 0.7:
        words[1] = _DIRECTION[words[1]]
        changed = True
    if not changed:
        return None
    row["address_line1"] = " ".join(words)
    return "street_words"


_UNIT = re.compile(r"^(Apt|Unit|Ste)\s+(\S+)$")


def unit_format(row: Row, rnd: random.Random) -> str | None:
    """"Apt 4" as "#4", "Apartment 4", or moved onto the street line."""
    found = _UNIT.match(row["address_line2"])
    if not found:
        return None
    label, number = found.groups()
    choice = rnd.randrange(4)
    if choice == 0:
        row["address_line2"] = f"#{number}"
    elif choice == 1:
        row["address_line2"] = {"Apt": "Apartment", "Unit": "Unit No.", "Ste": "Suite"}[label] + f" {number}"
    elif choice == 2:
        row["address_line2"] = f"{label.upper()}. {number}"
    else:
        row["address_line1"] = f"{row['address_line1']} {label} {number}"
        row["address_line2"] = ""
    return "unit_format"


def zip_format(row: Row, rnd: random.Random) -> str | None:
    """ZIP+4 cut to five digits, or a +4 added to a ZIP5."""
    value = row["zip"]
    if len(value) == 10:
        row["zip"] = value[:5]
    elif len(value) == 5:
        row["zip"] = f"{value}-{rnd.randrange(1, 10_000):04d}"
    else:
        return None
    return "zip_format"


def spacing(row: Row, rnd: random.Random) -> str | None:
    line = row["address_line1"]
    if " " not in line:
        return None
    i = rnd.choice([k for k, ch in enumerate(line) if ch == " "])
    row["address_line1"] = line[:i] + "  " + line[i + 1:]
    return "spacing"


#: noise that changes how a name is spelled or where it sits: at most one per row
NAME_NOISE: tuple[Noise, ...] = (typo_first, typo_last, nickname, swap_names, accent, surname_part)
#: noise in formatting and completeness: one or two per row
FORMAT_NOISE: tuple[Noise, ...] = (
    middle, suffix_format, drop_dob, case, punctuation, street_words, unit_format, zip_format, spacing,
)


def add_noise(row: Row, rnd: random.Random) -> list[str]:
    """Make a row noisy: sometimes one change of name, and one or two of form. Returns the tags."""
    tags: list[str] = []
    if rnd.random() < 0.6:
        for noise in rnd.sample(NAME_NOISE, len(NAME_NOISE)):
            tag = noise(row, rnd)
            if tag:
                tags.append(tag)
                break
    wanted = len(tags) + (1 if rnd.random() < 0.6 else 2)
    for noise in rnd.sample(FORMAT_NOISE, len(FORMAT_NOISE)):
        if len(tags) >= wanted:
            break
        tag = noise(row, rnd)
        if tag:
            tags.append(tag)
    return tags
