"""The file formats of the contract (docs/formats.md): column names and their order.

These lists are the single definition used by the generator that writes the files, by intake that
reads them, and by the matcher.
"""

from __future__ import annotations

MASTER_COLUMNS: tuple[str, ...] = (
    "tin", "first_name", "middle_name", "last_name", "suffix", "date_of_birth",
    "address_line1", "address_line2", "city", "state", "zip", "tax_period",
)

SUBJECT_COLUMNS: tuple[str, ...] = (
    "subject_id", "first_name", "middle_name", "last_name", "suffix", "date_of_birth",
    "address_line1", "address_line2", "city", "state", "zip",
)
SUBJECT_OPTIONAL_COLUMNS: tuple[str, ...] = ("tin", "reason")
#: every column a subject may carry, in the contract's order: what intake reads and the store keeps
SUBJECT_FIELDS: tuple[str, ...] = SUBJECT_COLUMNS + SUBJECT_OPTIONAL_COLUMNS

MATCH_COLUMNS: tuple[str, ...] = ("subject_id", "outcome", "tin", "match_probability")

REQUEST_FORMAT = "ftigate-request/1"
