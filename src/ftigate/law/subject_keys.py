"""Which subjects are "the same person" for the duplicate checks: :func:`subject_key`.

A key folds case, punctuation and spacing out of the name, date of birth, street line and ZIP code,
so that "MARIA QUINTERO, 418 Larkspur Ave." and "Maria Quintero, 418 LARKSPUR AVE" count as one.
It is used within a request and against the keys of the agency's recent requests (computed by the
store with this same function), never shown, logged or stored in the ledger.
"""

from __future__ import annotations

from collections.abc import Mapping

from ftigate.law.vocabulary import fold


def subject_key(row: Mapping[str, object]) -> str:
    def part(name: str) -> str:
        value = row.get(name)
        return fold(value) if isinstance(value, str) else ""

    zip_value = row.get("zip")
    zip5 = zip_value.strip()[:5] if isinstance(zip_value, str) else ""
    return "|".join((part("first_name"), part("last_name"), part("date_of_birth"), part("address_line1"), zip5))
