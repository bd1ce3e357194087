"""26 U.S.C. 6103(i)(2)(B)(i): the request sets forth "the name and address of the taxpayer".

Each subject is judged alone: a usable name (a given and a family name, neither a placeholder) and a
usable address (a street line that is not a placeholder, with a city and state or a ZIP code). These
are the fields the reported arrangement let through ("Failed to Provide", "Unknown Address",
anything shaped like a ZIP code).
"""

from __future__ import annotations

import datetime as dt

import pytest

from ftigate.law import Finding, subject_findings, subject_is_valid

TODAY = dt.date(2026, 11, 29)
CITATION = "26 U.S.C. 6103(i)(2)(B)(i)"


def subject(**changes: str) -> dict[str, str]:
    row = {
        "subject_id": "S-0001", "first_name": "Maria", "middle_name": "Elena", "last_name": "Quintero",
        "suffix": "", "date_of_birth": "1981-04-12", "address_line1": "418 Larkspur Ave",
        "address_line2": "Apt 3", "city": "Tucson", "state": "AZ", "zip": "85705", "tin": "", "reason": "",
    }
    row.update(changes)
    return row


def rules(findings: list[Finding]) -> set[str]:
    return {f.rule for f in findings}


def test_a_complete_subject_is_valid():
    assert subject_findings(subject(), TODAY) == []
    assert subject_is_valid(subject(), TODAY)


@pytest.mark.parametrize("changes", [
    {"address_line2": "", "zip": ""},                 # city and state, no ZIP
    {"city": "", "state": ""},                        # ZIP alone beside a street line
    {"zip": "85705-1234"},
    {"state": "Arizona"},
    {"address_line1": "PO Box 1180", "address_line2": ""},
    {"address_line1": "One Larkspur Plaza"},
    {"first_name": "Na", "last_name": "Kim"},         # short real names are names
    {"first_name": "J", "middle_name": ""},           # an initial is a given name, written as sent
    {"first_name": "José", "last_name": "Núñez-O'Brien"},
    {"date_of_birth": ""},                            # a date of birth is not required
    {"tin": "123456789"},
    {"tin": "123-45-6789"},
    {"address_line2": "N/A"},                         # the optional second line says nothing
    {"address_line2": "Unknown"},
])
def test_usable_variants_pass(changes):
    assert subject_findings(subject(**changes), TODAY) == []


@pytest.mark.parametrize("field,value", [
    ("first_name", ""), ("first_name", "FNU"), ("first_name", "fnu"), ("first_name", "Unknown"),
    ("first_name", "N/A"), ("first_name", "NONE"), ("last_name", "LNU"), ("last_name", "L.N.U."),
    ("last_name", ""), ("last_name", "UNKNOWN"), ("last_name", "12345"), ("last_name", "???"),
    ("first_name", "Not Provided"), ("last_name", "XXX"),
])
def test_placeholder_or_missing_names_fail(field, value):
    found = subject_findings(subject(**{field: value}), TODAY)
    assert rules(found) == {"L3-subject-name"}
    (finding,) = found
    assert finding.outcome == "fail"
    assert finding.citation == CITATION
    assert finding.subject_id == "S-0001"
    assert "name" in finding.message


@pytest.mark.parametrize("changes", [
    {"address_line1": "Failed to Provide"},
    {"address_line1": "FAILED TO PROVIDE"},
    {"address_line1": "Unknown Address"},
    {"address_line1": "Don't Care"},
    {"address_line1": "Don't Care 12345"},           # the court's example: shaped like a ZIP code
    {"address_line1": "N/A"},
    {"address_line1": "None"},
    {"address_line1": "unknown"},
    {"address_line1": "Homeless"},
    {"address_line1": "No Fixed Address"},
    {"address_line1": ""},
    {"address_line1": "", "address_line2": "", "city": "", "state": ""},   # a ZIP code alone
    {"address_line1": "85705"},                       # a ZIP code in the street line
    {"address_line1": "12345-6789"},
    {"address_line1": "Eloy Detention Center"},       # a place of custody is not the taxpayer's address
    {"address_line1": "1705 E Hanna Rd", "address_line2": "Eloy Detention Facility"},
    {"address_line1": "Main"},                        # one word, no number: no street address
    {"city": "", "zip": ""},                          # no city and no ZIP
    {"state": "", "zip": ""},                         # no state and no ZIP
    {"state": "ZZ", "zip": ""},
    {"city": "Unknown", "zip": ""},
    {"zip": "1234", "city": "", "state": ""},         # not a ZIP code
    {"zip": "00000", "city": "", "state": ""},
])
def test_placeholder_or_incomplete_addresses_fail(changes):
    found = subject_findings(subject(**changes), TODAY)
    assert rules(found) == {"L3-subject-address"}
    assert found[0].citation == CITATION
    assert found[0].outcome == "fail"
    assert "address" in found[0].message


def test_messages_never_quote_personal_data():
    row = subject(first_name="FNU", address_line1="Failed to Provide 418 Larkspur", date_of_birth="1981-02-30",
                  tin="12-3456")
    text = " ".join(f.message for f in subject_findings(row, TODAY))
    for personal in ("Quintero", "Larkspur", "1981", "3456", "Tucson", "85705"):
        assert personal not in text


@pytest.mark.parametrize("value", ["1981-02-30", "1981-13-01", "19810412", "04/12/1981", "1981-4-12", "2027-01-01",
                                   "0000-00-00", "unknown"])
def test_a_given_date_of_birth_must_be_a_real_date(value):
    found = subject_findings(subject(date_of_birth=value), TODAY)
    assert rules(found) == {"L3-subject-date-of-birth"}


@pytest.mark.parametrize("value", ["12345678", "1234567890", "12-3456789", "ABCDEFGHI"])
def test_a_given_tin_must_be_nine_digits(value):
    assert rules(subject_findings(subject(tin=value), TODAY)) == {"L3-subject-tin"}


def test_a_subject_without_reference_fails_on_form():
    found = subject_findings(subject(subject_id=""), TODAY)
    assert rules(found) == {"L3-subject-id"}
    assert found[0].citation == "26 U.S.C. 6103(i)(2)(B)"
    assert found[0].subject_id is None


def test_every_failing_requirement_is_reported_once():
    row = subject(first_name="FNU", address_line1="Unknown Address", date_of_birth="1981-02-30")
    assert rules(subject_findings(row, TODAY)) == {"L3-subject-name", "L3-subject-address", "L3-subject-date-of-birth"}


def test_missing_columns_are_judged_as_empty():
    found = subject_findings({"subject_id": "S-9"}, TODAY)
    assert rules(found) == {"L3-subject-name", "L3-subject-address"}


def test_many_distinct_usable_rows_all_pass():
    """Distinct rows (so no cached verdict is reused) are judged alike."""
    rows = [subject(subject_id=f"S-{i}", address_line1=f"{i} Larkspur Ave", last_name=f"Quintero{'x' * (i % 7)}")
            for i in range(20000)]
    assert sum(1 for r in rows if subject_findings(r, TODAY)) == 0
