"""Only a confident AND unique candidate is a match: father and son, twins, the namesake next door."""

from __future__ import annotations

import math

import duckdb
import pytest

from ftigate.identity import DecisionRule
from ftigate.identity.decision import decision_sql
from ftigate.identity.model import gamma_labels

AGREE = {"first_name": "exact", "last_name": "exact", "middle_name": "missing", "suffix": "missing",
         "date_of_birth": "exact", "address": "exact", "tin": "missing"}


def _code(comparison: str, label: str) -> int:
    return next(code for code, name in gamma_labels()[comparison].items() if name == label)


def _decide(candidates: list[tuple[str, float, dict[str, str]]], rule: DecisionRule | None = None,
            subject_tin: str | None = None, subject_tin_in_master: bool = False) -> dict:
    """Run the decision rule for one subject over (tin, match_weight, levels) candidates."""
    con = duckdb.connect()
    comparisons = list(gamma_labels())
    con.execute("CREATE TABLE subjects (unique_id BIGINT, subject_id VARCHAR, tin_n VARCHAR)")
    con.execute("INSERT INTO subjects VALUES (1, 'S1', ?)", [subject_tin])
    con.execute("CREATE TABLE master (master_tin VARCHAR)")
    con.execute("CREATE TABLE pairs (s_id BIGINT, tin VARCHAR, match_weight DOUBLE, match_probability DOUBLE, "
                + ", ".join(f"gamma_{c} INTEGER" for c in comparisons) + ")")
    for tin, weight, levels in candidates:
        con.execute("INSERT INTO master VALUES (?)", [tin])
        probability = 2 ** weight / (1 + 2 ** weight)
        con.execute(f"INSERT INTO pairs VALUES (1, ?, ?, ?, {', '.join('?' for _ in comparisons)})",
                    [tin, weight, probability] + [_code(c, {**AGREE, **levels}[c]) for c in comparisons])
    if subject_tin_in_master:
        con.execute("INSERT INTO master VALUES (?)", [subject_tin])
    cursor = con.execute(decision_sql(rule or DecisionRule(), "pairs", "subjects", "master"))
    names = [d[0] for d in cursor.description]
    return dict(zip(names, cursor.fetchall()[0], strict=True))


def test_a_confident_unique_candidate_is_a_match() -> None:
    row = _decide([("111111111", 40.0, {}), ("222222222", 12.0, {"first_name": "different"})])
    assert (row["outcome"], row["best_tin"], row["reason"]) == ("match", "111111111", "confident_unique_match")
    assert row["runner_up_tin"] == "222222222"


def test_a_close_runner_up_makes_it_ambiguous() -> None:
    # the father and son of one name at one address, the request giving neither birth date nor suffix
    row = _decide([("111111111", 30.0, {"date_of_birth": "missing"}), ("222222222", 29.5, {"date_of_birth": "missing"})])
    assert (row["outcome"], row["reason"]) == ("ambiguous", "runner_up_too_close")


def test_the_margin_is_measured_in_bits_against_the_documented_threshold() -> None:
    rule = DecisionRule()
    other = {"first_name": "different"}  # a household member: scores, but does not fit the request
    just_enough = _decide([("111111111", 30.0, {}), ("222222222", 30.0 - rule.min_margin_bits, other)])
    too_close = _decide([("111111111", 30.0, {}), ("222222222", 30.0 - rule.min_margin_bits + 0.01, other)])
    assert just_enough["outcome"] == "match"
    assert too_close["outcome"] == "ambiguous"


def test_another_taxpayer_who_fits_makes_it_ambiguous_however_far_below() -> None:
    # father and son, no birth date given; the requester's TIN (evidence only) favours one of them
    row = _decide([("111111111", 40.0, {"date_of_birth": "missing", "tin": "exact"}),
                   ("222222222", 15.0, {"date_of_birth": "missing", "tin": "different"})])
    assert (row["outcome"], row["reason"], row["fitting_others"]) == ("ambiguous", "another_taxpayer_fits", 1)


@pytest.mark.parametrize(("levels", "fits"), [
    ({"date_of_birth": "different"}, False), ({"date_of_birth": "same_year"}, False),
    ({"suffix": "different"}, False), ({"first_name": "different"}, False), ({"address": "same_street_other_house"}, False),
    ({"date_of_birth": "one_typo"}, True), ({"first_name": "similar"}, True), ({"first_name": "nickname"}, True),
    ({"middle_name": "different"}, True), ({"suffix": "one_side_only"}, True), ({"tin": "different"}, True),
])
def test_what_makes_another_taxpayer_fit(levels: dict[str, str], fits: bool) -> None:
    row = _decide([("111111111", 40.0, {}), ("222222222", 10.0, levels)])
    assert row["outcome"] == ("ambiguous" if fits else "match")


def test_a_weak_best_candidate_is_no_match() -> None:
    rule = DecisionRule()
    weight = math.log2(rule.min_probability / (1 - rule.min_probability)) - 0.5
    row = _decide([("111111111", weight, {})])
    assert (row["outcome"], row["reason"]) == ("no_match", "below_threshold")


def test_no_candidate_is_no_match() -> None:
    row = _decide([])
    assert (row["outcome"], row["reason"], row["best_tin"]) == ("no_match", "no_candidate", None)


def test_an_initial_alone_does_not_name_the_taxpayer() -> None:
    row = _decide([("111111111", 40.0, {"first_name": "initial_only"})])
    assert (row["outcome"], row["reason"]) == ("no_match", "name_not_confirmed")


def test_a_tin_of_another_taxpayer_makes_it_ambiguous() -> None:
    row = _decide([("111111111", 40.0, {"tin": "different"})], subject_tin="333333333",
                  subject_tin_in_master=True)
    assert (row["outcome"], row["reason"]) == ("ambiguous", "tin_names_another_taxpayer")


def test_a_mistyped_tin_that_is_nobody_s_only_weighs() -> None:
    row = _decide([("111111111", 40.0, {"tin": "one_typo"})], subject_tin="111111112")
    assert row["outcome"] == "match"


# --- end to end, on the synthetic world ------------------------------------------------------------

def test_father_and_son_without_birth_date_is_ambiguous(world_results) -> None:
    result = world_results["father-son-no-dob"]
    assert result.outcome == "ambiguous"
    assert result.tin is None
    assert {result.evidence["candidate_tin"], result.evidence["runner_up"]["tin"]} == {"900000001", "900000002"}


@pytest.mark.parametrize(("subject", "tin"), [("father-son-son-dob", "900000002"),
                                               ("father-son-father-dob", "900000001")])
def test_father_and_son_told_apart_by_birth_date(world_results, subject: str, tin: str) -> None:
    result = world_results[subject]
    assert (result.outcome, result.tin) == ("match", tin)
    assert result.evidence["runner_up"] is not None  # the other one was considered and is recorded
    assert result.evidence["runner_up"]["tin"] != tin


@pytest.mark.parametrize(("subject", "tin"), [("twin-emma", "900000011"), ("twin-olivia", "900000012")])
def test_twins_told_apart_by_given_name(world_results, subject: str, tin: str) -> None:
    result = world_results[subject]
    assert (result.outcome, result.tin) == ("match", tin)


def test_twins_whose_names_differ_by_a_letter_are_ambiguous(world_results) -> None:
    assert world_results["near-twin-jon"].outcome == "ambiguous"


def test_namesake_next_door_is_told_apart_by_the_house_number(world_results) -> None:
    assert (world_results["namesake-100"].outcome, world_results["namesake-100"].tin) == ("match", "900000021")
    # a third house on the street where neither lives: not a guess between the two
    assert world_results["namesake-104"].outcome == "no_match"
