"""Which subjects are "the same person" for the duplicate checks: :func:`subject_key`.

A key folds case, punctuation and spacing out of the name, date of birth, street line and ZIP code,
so that "MARIA QUINTERO, 418 Larkspur Ave." and "Maria Quintero, 418 LARKSPUR AVE" count as one.
It is used within a request and against the keys of the agency's recent requests (computed by the
store with this same function), never shown, logged or stored in the ledger.
"""

from __future__ import annotations

from collections.abc import Mapping

from ftigate.law.vocabulary import fold

_SEPARATOR = " \x01 "  # a character no field holds and ``fold`` keeps (ASCII, so folding stays fast)


def subject_key(row: Mapping[str, object]) -> str:
    def part(name: str) -> str:
        value = row.get(name)
        return value if isinstance(value, str) else ""

    zip5 = part("zip").strip()[:5]
    return fold(_SEPARATOR.join((part("first_name"), part("last_name"), part("date_of_birth"), part("address_line1"),
                                 zip5)))
