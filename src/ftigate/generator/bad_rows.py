"""Rows a gateway must refuse, of the kinds real request lists carry (docs/law.md, "What happened when it ran").

The IRS's own review found disclosures resting on address fields such as "Failed to Provide" and
"Unknown Address"; the court found that a field merely shaped like a ZIP code ("Don't Care 12345")
had been taken for an address. Each function here turns a taxpayer's true row into one such bad
row, in place; the row keeps the person's real name (or TIN) so that a gateway which matches on
name or TIN alone is caught disclosing on it.
"""

from __future__ import annotations

import random

from ftigate.generator.noise import Row

PLACEHOLDER_LINES: tuple[str, ...] = (
    "Failed to Provide", "FAILED TO PROVIDE", "Unknown Address", "UNKNOWN ADDRESS", "Don't Care",
    "DONT CARE", "N/A", "None", "NONE", "Unknown", "Not Provided",
)
NAME_PLACEHOLDERS_FIRST: tuple[str, ...] = ("FNU", "Fnu", "FNU", "Unknown")
NAME_PLACEHOLDERS_LAST: tuple[str, ...] = ("LNU", "Lnu", "LNU", "Unknown")
FACILITY_LINES: tuple[str, ...] = (
    "{city} County Jail", "{street} Detention Center", "{street} Service Processing Center",
    "{street} Correctional Facility", "{city} Federal Detention Center",
)
_THIRTY_DAY_MONTHS = ("04", "06", "09", "11")


def placeholder_address(row: Row, rnd: random.Random) -> None:
    """A placeholder street line; the city, state and ZIP kept, or only the ZIP, or nothing."""
    row["address_line1"] = rnd.choice(PLACEHOLDER_LINES)
    row["address_line2"] = ""
    keep = rnd.random()
    if keep >= 0.4:
        row["city"] = row["state"] = ""
    if keep >= 0.7:
        row["zip"] = ""


def dont_care_zip(row: Row, rnd: random.Random) -> None:
    """The court's example: a street line that is a placeholder around something shaped like a ZIP."""
    zip5 = row["zip"][:5]
    if rnd.random() < 0.5:
        row["address_line1"] = f"Don't Care {zip5}"
        row["city"] = row["state"] = ""
    else:
        row["address_line1"] = rnd.choice(("Failed to Provide", "Unknown Address"))
    row["address_line2"] = ""
    row["zip"] = zip5


def zip_only(row: Row, rnd: random.Random) -> None:
    """A ZIP code and nothing else: in the ZIP field alone, or copied into the street line too."""
    row["address_line1"] = row["zip"][:5] if rnd.random() < 0.5 else ""
    row["address_line2"] = row["city"] = row["state"] = ""


def facility(row: Row, rnd: random.Random) -> None:
    """A place of custody instead of the taxpayer's address."""
    street = " ".join(row["address_line1"].split(" ")[1:-1]) or "Main"
    row["address_line1"] = rnd.choice(FACILITY_LINES).format(city=row["city"] or "Central", street=street)
    row["address_line2"] = ""


def first_unknown(row: Row, rnd: random.Random) -> None:
    row["first_name"] = rnd.choice(NAME_PLACEHOLDERS_FIRST)
    row["middle_name"] = ""


def last_unknown(row: Row, rnd: random.Random) -> None:
    row["last_name"] = rnd.choice(NAME_PLACEHOLDERS_LAST)


def impossible_date(row: Row, rnd: random.Random) -> None:
    """A date of birth that no calendar has: Feb 30, Apr 31, month 13, day 0, Feb 29 of a common year."""
    year = int(row["date_of_birth"][:4]) if row["date_of_birth"][:4].isdigit() else rnd.randrange(1940, 2005)
    kind = rnd.randrange(5)
    if kind == 0:
        value = f"{year}-02-{rnd.choice((30, 31))}"
    elif kind == 1:
        value = f"{year}-{rnd.choice(_THIRTY_DAY_MONTHS)}-31"
    elif kind == 2:
        value = f"{year}-{rnd.choice((13, 14, 0)):02d}-{rnd.randrange(1, 29):02d}"
    elif kind == 3:
        value = f"{year}-{rnd.randrange(1, 13):02d}-{rnd.choice((0, 32)):02d}"
    else:
        common = year + (1 if year % 4 == 0 else 0)
        common += 1 if common % 4 == 0 else 0
        value = f"{common}-02-29"
    row["date_of_birth"] = value
