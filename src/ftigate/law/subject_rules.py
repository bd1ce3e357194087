"""The per-subject rules: does the request set forth the name and address of *this* taxpayer?

26 U.S.C. 6103(i)(2)(B)(i): the request must set forth "the name and address of the taxpayer with
respect to whom the requested return information relates". The court found (Center for Taxpayer
Rights v. IRS, Feb 26, 2026) that some 42,695 disclosures violated exactly this: addresses were
released where the request's own address field held a placeholder or anything shaped like a ZIP
code. So each subject is judged on its own, and a subject that fails is ``invalid`` alone, with the
reason, while the rest of the request goes on.

:func:`subject_findings` is the single implementation: the request engine and the matcher both call
it. It returns only failing findings (an empty list means the subject is usable) and is written to
be fast, because a batch may hold some 1.5 million rows.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from functools import lru_cache
from operator import itemgetter

from ftigate.law.citations import IN_WRITING, NAME_AND_ADDRESS
from ftigate.law.findings import Finding
from ftigate.law.text import shape
from ftigate.law.vocabulary import (
    ADDRESS_PLACEHOLDER_PHRASE_KEYS,
    ADDRESS_PLACEHOLDER_WORD_KEYS,
    FACILITY_KEYS,
    NAME_PLACEHOLDER_KEYS,
    NAME_PLACEHOLDER_SHAPES,
    STATE_KEYS,
    fold,
)

RULE_SUBJECT_ID = "L3-subject-id"
RULE_NAME = "L3-subject-name"
RULE_ADDRESS = "L3-subject-address"
RULE_DATE_OF_BIRTH = "L3-subject-date-of-birth"
RULE_TIN = "L3-subject-tin"

#: every per-subject rule, with its citation, for docs and the policy's rule list
SUBJECT_RULES: dict[str, str] = {
    RULE_SUBJECT_ID: IN_WRITING,
    RULE_NAME: NAME_AND_ADDRESS,
    RULE_ADDRESS: NAME_AND_ADDRESS,
    RULE_DATE_OF_BIRTH: NAME_AND_ADDRESS,
    RULE_TIN: NAME_AND_ADDRESS,
}

_ZIP = re.compile(r"[0-9]{5}(?:-[0-9]{4})?")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_TIN = re.compile(r"\d{9}|\d{3}-\d{2}-\d{4}")
_HAS_LETTER = re.compile(r"[^\W\d_]")
_HAS_DIGIT = re.compile(r"\d")
# one alternation each, searched once per line (a batch may hold 1.5 million lines)
# (on reading keys: ``fold`` is ``ftigate.law.text.reading_key``, the lists are keyed the same way)
_PLACEHOLDER_PHRASE = re.compile(r"\b(?:" + "|".join(map(re.escape, ADDRESS_PLACEHOLDER_PHRASE_KEYS)) + r")\b")
_FACILITY = re.compile(r"\b(?:" + "|".join(map(re.escape, FACILITY_KEYS)) + r")\b")


# --- names -----------------------------------------------------------------------------------------

@lru_cache(maxsize=65536)
def name_problem(value: str, label: str) -> str | None:
    """Why ``value`` is not a usable given or family name, or None if it is one.

    The contract's usable name is a given and a family name, neither empty nor a placeholder. A value
    without a single letter ("12345", "???") is no name at all; a digit beside letters is written as
    sent, and matching judges that spelling like any other.
    """
    if not value:
        return f"the {label} is empty"
    if shape(value) in NAME_PLACEHOLDER_SHAPES:
        return f"the {label} is a placeholder (N/A), not a name"
    folded = fold(value)
    if folded in NAME_PLACEHOLDER_KEYS:
        return f"the {label} is a placeholder ({NAME_PLACEHOLDER_KEYS[folded]}), not a name"
    if not _HAS_LETTER.search(value):
        return f"the {label} has no letters: not a name"
    return None


# --- addresses -------------------------------------------------------------------------------------

def _placeholder_in(folded: str) -> str | None:
    """The placeholder phrase or word that makes a folded line meaningless, if any."""
    found = _PLACEHOLDER_PHRASE.search(folded)
    if found:
        return ADDRESS_PLACEHOLDER_PHRASE_KEYS[found.group(0)]
    words = [w for w in folded.split() if not w.isdigit()]
    if words and all(w in ADDRESS_PLACEHOLDER_WORD_KEYS for w in words):
        return " ".join(ADDRESS_PLACEHOLDER_WORD_KEYS[w] for w in words)
    return None


def _facility_in(folded: str) -> str | None:
    found = _FACILITY.search(folded)
    return FACILITY_KEYS[found.group(0)] if found else None


def street_problem(line: str) -> str | None:
    """Why ``line`` (address_line1) is not a street line, or None if it is one."""
    if not line:
        return "there is no street line (address_line1 is empty)"
    folded = fold(line)
    placeholder = _placeholder_in(folded)
    if placeholder:
        return f"the street line is a placeholder ({placeholder}), not an address"
    if not _HAS_LETTER.search(line):
        return "the street line holds only numbers (a ZIP code or a number alone is not an address)"
    facility = _facility_in(folded)
    if facility:
        return f"the street line names a place of custody ({facility}), not the taxpayer's address"
    if len(folded.split()) < 2 and not _HAS_DIGIT.search(line):
        return "the street line is a single word with no number: it does not name a street address"
    return None


@lru_cache(maxsize=65536)
def city_problem(city: str) -> str | None:
    if not city:
        return "no city"
    if not _HAS_LETTER.search(city):
        return "the city has no letters"
    placeholder = _placeholder_in(fold(city))
    if placeholder:
        return f"the city is a placeholder ({placeholder})"
    return None


@lru_cache(maxsize=4096)
def is_state(state: str) -> bool:
    folded = fold(state)
    return folded in STATE_KEYS


@lru_cache(maxsize=65536)
def is_zip(zip_code: str) -> bool:
    return bool(_ZIP.fullmatch(zip_code)) and not zip_code.startswith("00000")


def address_problems(line1: str, line2: str, city: str, state: str, zip_code: str) -> list[str]:
    """Why the subject's address is not usable; empty if it is.

    A usable address is a street line that is not a placeholder, with a city and a state, or a ZIP
    code. A ZIP code alone is not an address; nor is a place of custody.
    """
    problems = []
    street = street_problem(line1)
    if street:
        problems.append(street)
    if line2:  # optional: a placeholder there says nothing, but a place of custody is no home address
        facility = _facility_in(fold(line2))
        if facility:
            problems.append(f"the second address line names a place of custody ({facility})")
    if not is_zip(zip_code):
        city_bad = city_problem(city)
        state_bad = None if is_state(state) else ("no state" if not state else "the state is not a U.S. state or territory")
        if city_bad or state_bad:
            reasons = [r for r in (city_bad, state_bad) if r]
            zip_note = "no ZIP code" if not zip_code else "the ZIP code is not 5 digits or 12345-6789"
            problems.append(f"neither a city with a state nor a ZIP code ({'; '.join(reasons)}; {zip_note})")
    return problems


# --- date of birth, TIN ----------------------------------------------------------------------------

def date_of_birth_problem(value: str, today: dt.date | None = None) -> str | None:
    """An empty date of birth is allowed; a given one must be a real date (YYYY-MM-DD), not in the future."""
    if not value:
        return None
    if not _DATE.fullmatch(value):
        return "the date of birth is not a date in the form YYYY-MM-DD"
    try:
        born = dt.date.fromisoformat(value)
    except ValueError:
        return "the date of birth is not a real calendar date"
    if born > (today or dt.date.today()):
        return "the date of birth is in the future"
    return None


def tin_problem(value: str) -> str | None:
    """The optional TIN, where given, must be 9 digits (evidence only; it never suffices alone)."""
    if not value or _TIN.fullmatch(value):
        return None
    return "the TIN is not a 9-digit number"


# --- the per-subject rules together -----------------------------------------------------------------

_JUDGED = ("subject_id", "first_name", "last_name", "address_line1", "address_line2", "city", "state", "zip",
           "date_of_birth", "tin")


_GET_JUDGED = itemgetter(*_JUDGED)


def _texts(row: Mapping[str, str]) -> list[str]:
    """The judged fields of a row as stripped text ("" when absent), in the order of ``_JUDGED``."""
    try:  # the common case, one C call: every field present and text
        return [value.strip() for value in _GET_JUDGED(row)]
    except (KeyError, AttributeError, TypeError):
        pass
    get = row.get
    out = []
    for key in _JUDGED:
        value = get(key)
        out.append(value.strip() if isinstance(value, str) else ("" if value is None else str(value).strip()))
    return out


def subject_findings(row: Mapping[str, str], today: dt.date | None = None) -> list[Finding]:
    """The failing per-subject findings for one subjects row (empty list: the subject is usable).

    Judges, with their citations: a reference (``subject_id``), a usable name (a given and a family
    name, neither a placeholder), a usable address, a real date of birth where one is given, and a
    well-formed TIN where one is given. Messages name the fields, never their personal contents.
    """
    sid, first, last, line1, line2, city, state, zip_code, born, tin_value = _texts(row)
    ref = sid or None
    found: list[Finding] = []
    if not sid:
        found.append(Finding(RULE_SUBJECT_ID, IN_WRITING, "fail",
                             "the subject has no subject_id: each subject needs the requester's reference", ref))
    given = name_problem(first, "given name (first_name)")
    family = name_problem(last, "family name (last_name)")
    if given or family:
        reasons = "; ".join(r for r in (given, family) if r)
        found.append(Finding(RULE_NAME, NAME_AND_ADDRESS, "fail",
                             f"no usable name of the taxpayer: {reasons}", ref))
    address = address_problems(line1, line2, city, state, zip_code)
    if address:
        found.append(Finding(RULE_ADDRESS, NAME_AND_ADDRESS, "fail",
                             f"no usable address of the taxpayer: {'; '.join(address)}", ref))
    dob = date_of_birth_problem(born, today) if born else None
    if dob:
        found.append(Finding(RULE_DATE_OF_BIRTH, NAME_AND_ADDRESS, "fail",
                             f"the subject cannot be identified as given: {dob}", ref))
    tin = tin_problem(tin_value) if tin_value else None
    if tin:
        found.append(Finding(RULE_TIN, NAME_AND_ADDRESS, "fail",
                             f"the subject cannot be identified as given: {tin}", ref))
    return found


def subject_is_valid(row: Mapping[str, str], today: dt.date | None = None) -> bool:
    return not subject_findings(row, today)
