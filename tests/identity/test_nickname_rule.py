"""The nickname table is evidence only for a diminutive of the taxpayer's formal name (rule 4).

Bob for Robert, Patty for Patricia, Pepe for José name the taxpayer; Austin and Augustus, Mary and
Marie are given names in their own right, each a person's name, which the table relates but which a
family at one address may hold side by side. A given name that agrees only through the table, with
neither the birth date nor the TIN exact, names the taxpayer only when nothing else needs excusing.
"""

from __future__ import annotations

import pytest
from test_uniqueness_rule import _decide

from ftigate.identity.normalise import normalise_name
from ftigate.identity.reference import GIVEN_NAMES_IN_THEIR_OWN_RIGHT, is_diminutive_of, nickname_groups


@pytest.mark.parametrize(("request_name", "record_name"), [
    ("BOB", "ROBERT"), ("PATTY", "PATRICIA"), ("PEPE", "JOSE"), ("BILL", "WILLIAM"), ("PEGGY", "MARGARET"),
    ("LIZ", "ELIZABETH"), ("TONY", "ANTHONY"), ("CHUY", "JESUS"), ("DIMA", "DMITRI"), ("MOLLY", "MARY"),
])
def test_a_diminutive_of_the_formal_name_is_one(request_name: str, record_name: str) -> None:
    assert is_diminutive_of(request_name, record_name)


@pytest.mark.parametrize(("request_name", "record_name"), [
    # the formal name asked for where the record holds the diminutive
    ("ROBERT", "BOB"), ("JOSE", "PEPE"), ("WILHELMINA", "WILLIE"),
    # two given names in their own right, either way round
    ("AUGUSTUS", "AUSTIN"), ("AUSTIN", "AUGUSTUS"), ("MARIE", "MARY"), ("MARY", "MARIE"), ("ANNA", "ANN"),
    ("JOHN", "JONATHAN"),
    # the same name, and two diminutives of one name
    ("ROBERT", "ROBERT"), ("BOBBY", "BOB"),
])
def test_other_relations_of_the_table_are_not(request_name: str, record_name: str) -> None:
    assert not is_diminutive_of(request_name, record_name)


def test_names_in_their_own_right_stand_for_nothing_else() -> None:
    groups = nickname_groups()
    for name in GIVEN_NAMES_IN_THEIR_OWN_RIGHT:
        assert groups.get(name, [name]) == [name]
    assert normalise_name("Augustus", "X").given_group == ("AUGUSTUS",)
    assert set(normalise_name("Bob", "X").given_group) >= {"BOB", "ROBERT"}


NO_DOB = {"first_name": "nickname", "date_of_birth": "missing"}


def test_a_diminutive_with_nothing_else_to_excuse_names_the_taxpayer() -> None:
    row = _decide([("111111111", 30.0, NO_DOB)])
    assert (row["outcome"], row["reason"]) == ("match", "confident_unique_match")


@pytest.mark.parametrize("levels", [
    {"last_name": "similar"}, {"last_name": "shares_a_compound_part"}, {"last_name": "loosely_similar"},
    {"address": "street_confirmed_one_house_number_missing"}, {"address": "lines_swapped"},
    {"middle_name": "different"},
])
def test_a_diminutive_without_birth_date_or_tin_needs_the_rest_exact(levels: dict[str, str]) -> None:
    row = _decide([("111111111", 30.0, {**NO_DOB, **levels})])
    assert (row["outcome"], row["reason"]) == ("no_match", "name_not_confirmed")


@pytest.mark.parametrize("corroboration", [{"date_of_birth": "exact"}, {"tin": "exact"}])
def test_the_birth_date_or_the_tin_exact_excuses_a_slip_beside_a_diminutive(corroboration: dict[str, str]) -> None:
    row = _decide([("111111111", 30.0, {**NO_DOB, "last_name": "similar", **corroboration})])
    assert (row["outcome"], row["reason"]) == ("match", "confident_unique_match")


# through the public interface: the synthetic world resolved by identity.resolve

@pytest.mark.parametrize(("subject", "tin"), [
    ("nickname-bob", "900000101"), ("nickname-patty", "900000102"), ("nickname-pepe", "900000103"),
    ("nickname-molly-for-mary", "900000106"), ("nickname-bob-family-slip-dob", "900000101"),
])
def test_common_diminutives_without_birth_date_are_matched(world_results, subject: str, tin: str) -> None:
    result = world_results[subject]
    assert (result.outcome, result.tin) == ("match", tin)
    assert result.evidence["levels"]["first_name"] == "nickname"


@pytest.mark.parametrize("subject", [
    "own-right-augustus-for-austin", "own-right-austin-for-augustus", "own-right-marie-for-mary",
])
def test_given_names_in_their_own_right_never_name_each_other(world_results, subject: str) -> None:
    result = world_results[subject]
    assert (result.outcome, result.tin) == ("no_match", None)
    assert result.evidence["levels"]["first_name"] != "nickname"


@pytest.mark.parametrize("subject", [
    "nickname-bob-family-slip", "nickname-patty-family-slip", "nickname-bob-other-middle",
])
def test_a_diminutive_beside_anything_else_to_excuse_needs_the_birth_date_or_tin(world_results, subject: str) -> None:
    result = world_results[subject]
    assert (result.outcome, result.tin, result.evidence["reason"]) == ("no_match", None, "name_not_confirmed")
    assert result.evidence["levels"]["first_name"] == "nickname"


# a contradicted birth date: a slip of it only beside the TIN exact and the taxpayer's own given name

@pytest.mark.parametrize("given", ["exact", "similar"])
def test_a_contradicted_birth_date_beside_the_tin_and_the_given_name_is_a_slip(given: str) -> None:
    row = _decide([("111111111", 30.0, {"first_name": given, "date_of_birth": "different", "tin": "exact"})])
    assert (row["outcome"], row["reason"]) == ("match", "confident_unique_match")


@pytest.mark.parametrize("levels", [
    {"first_name": "exact", "tin": "missing"}, {"first_name": "exact", "tin": "one_typo"},
    {"first_name": "nickname", "tin": "exact"}, {"first_name": "loosely_similar", "tin": "exact"},
])
def test_a_contradicted_birth_date_otherwise_rules_the_record_out(levels: dict[str, str]) -> None:
    row = _decide([("111111111", 30.0, {"date_of_birth": "different", **levels})])
    assert (row["outcome"], row["reason"]) == ("no_match", "name_not_confirmed")
