"""Only a confident AND unique candidate is a match: father and son, twins, the namesake next door.

Unique is graded by evidence: a rival (another TIN) ties with the best candidate only when the
request's values are about as likely under it, a likelihood ratio in bits under the rule's
``min_rival_bits``.
"""

from __future__ import annotations

import math

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ftigate.identity import DecisionRule
from ftigate.identity.decision import SCALE, decision_sql
from ftigate.identity.model import gamma_labels

AGREE = {"first_name": "exact", "last_name": "exact", "middle_name": "missing", "suffix": "missing",
         "date_of_birth": "exact", "address": "exact", "tin": "missing"}


def _code(comparison: str, label: str) -> int:
    return next(code for code, name in gamma_labels()[comparison].items() if name == label)


def _decide(candidates: list[tuple[str, float, dict[str, object]]], rule: DecisionRule | None = None,
            subject_tin: str | None = None, subject_tin_in_master: bool = False) -> dict:
    """Run the decision rule for one subject over (tin, match_weight, levels) candidates; ``levels``
    may also give ``given_slips`` and ``last_slips``, the letters by which the names differ."""
    con = duckdb.connect()
    comparisons = list(gamma_labels())
    con.execute("CREATE TABLE subjects (unique_id BIGINT, subject_id VARCHAR, tin_n VARCHAR)")
    con.execute("INSERT INTO subjects VALUES (1, 'S1', ?)", [subject_tin])
    con.execute("CREATE TABLE master (master_tin VARCHAR)")
    con.execute("CREATE TABLE pairs (s_id BIGINT, tin VARCHAR, match_weight DOUBLE, match_probability DOUBLE, "
                + ", ".join(f"gamma_{c} INTEGER" for c in comparisons) + ", given_slips INTEGER, last_slips INTEGER)")
    for tin, weight, levels in candidates:
        con.execute("INSERT INTO master VALUES (?)", [tin])
        probability = 2 ** weight / (1 + 2 ** weight)
        merged = {**AGREE, **levels}
        slips = [levels.get("given_slips", 0 if merged["first_name"] == "exact" else 1),
                 levels.get("last_slips", 0 if merged["last_name"] == "exact" else 1)]
        con.execute(f"INSERT INTO pairs VALUES (1, ?, ?, ?, {', '.join('?' for _ in comparisons)}, ?, ?)",
                    [tin, weight, probability] + [_code(c, str(merged[c])) for c in comparisons] + slips)
    if subject_tin_in_master:
        con.execute("INSERT INTO master VALUES (?)", [subject_tin])
    cursor = con.execute(decision_sql(rule or DecisionRule(), "pairs", "subjects", "master"))
    names = [d[0] for d in cursor.description]
    return dict(zip(names, cursor.fetchall()[0], strict=True))


def test_a_confident_unique_candidate_is_a_match() -> None:
    row = _decide([("111111111", 40.0, {}), ("222222222", 12.0, {"first_name": "different"})])
    assert (row["outcome"], row["best_tin"], row["reason"]) == ("match", "111111111", "confident_unique_match")
    assert row["runner_up_tin"] == row["rival_tin"] == "222222222"
    assert row["rival_bits"] == DecisionRule().contradiction_bits


def test_father_and_son_differing_only_where_the_request_is_silent_tie() -> None:
    # one name at one address, the request giving neither birth date nor suffix; the requester's TIN
    # (evidence only) favours one of them by far
    silent = {"date_of_birth": "missing", "suffix": "one_side_only"}
    row = _decide([("111111111", 40.0, {**silent, "tin": "exact"}), ("222222222", 15.0, {**silent, "tin": "different"})])
    assert (row["outcome"], row["reason"], row["rival_bits"], row["tying_rivals"]) == (
        "ambiguous", "another_taxpayer_fits", 0.0, 1)


def test_a_middle_name_does_not_tell_two_people_apart() -> None:
    row = _decide([("111111111", 40.0, {"middle_name": "exact"}), ("222222222", 30.0, {"middle_name": "different"})])
    assert (row["outcome"], row["rival_bits"]) == ("ambiguous", 0.0)


@pytest.mark.parametrize(("levels", "bits"), [
    # a contradiction: the request rules the rival out
    ({"date_of_birth": "different"}, 20.0), ({"date_of_birth": "same_year"}, 20.0), ({"suffix": "different"}, 20.0),
    ({"first_name": "different"}, 20.0), ({"address": "same_street_other_house"}, 20.0),
    # a slip the rival needs where the best needs none: not a tie
    ({"date_of_birth": "one_typo"}, 6.0), ({"address": "house_number_one_keystroke_off"}, 6.0),
    ({"first_name": "similar", "given_slips": 2}, 6.0), ({"first_name": "loosely_similar", "given_slips": 5}, 9.0),
    # a letter of a name, another form of it, a slip in the street: a tie
    ({"first_name": "similar", "given_slips": 1}, 3.0), ({"first_name": "nickname"}, 3.0),
    ({"last_name": "shares_a_compound_part"}, 3.0), ({"address": "confirmed"}, 3.0),
    # silent on either side, or not weighed: no evidence at all
    ({"suffix": "one_side_only"}, 0.0), ({"tin": "different"}, 0.0), ({"middle_name": "different"}, 0.0),
])
def test_the_rival_s_likelihood_ratio_on_the_documented_scale(levels: dict[str, object], bits: float) -> None:
    rule = DecisionRule()
    row = _decide([("111111111", 40.0, {}), ("222222222", 10.0, levels)], rule)
    assert row["rival_bits"] == bits
    assert row["outcome"] == ("ambiguous" if bits < rule.min_rival_bits else "match")


def test_the_tie_is_measured_against_the_documented_threshold() -> None:
    two_letters = {"first_name": "similar", "given_slips": 2}  # Danielle asked for, Daniel the rival: 6 bits
    assert _decide([("111111111", 30.0, {}), ("222222222", 29.0, two_letters)])["outcome"] == "match"
    stricter = DecisionRule(min_rival_bits=6.5)
    assert _decide([("111111111", 30.0, {}), ("222222222", 29.0, two_letters)], stricter)["outcome"] == "ambiguous"


def test_a_request_that_is_a_slip_from_both_or_exactly_neither_s_is_a_tie() -> None:
    # twins of one birthday, the request's birth date one keystroke from it: both need the same slip
    both = {"date_of_birth": "one_typo"}
    assert _decide([("111111111", 30.0, both), ("222222222", 29.0, both)])["outcome"] == "ambiguous"
    # Jhon for Jon and John: one letter from each
    jhon = {"first_name": "similar", "given_slips": 1}
    assert _decide([("111111111", 30.0, jhon), ("222222222", 29.5, jhon)])["outcome"] == "ambiguous"


def test_the_best_candidate_s_own_slips_count_against_it() -> None:
    # the heavier by weight needs a letter that the other does not: a tie (negative bits)
    row = _decide([("111111111", 30.0, {"first_name": "similar", "given_slips": 1}), ("222222222", 20.0, {})])
    assert (row["outcome"], row["best_tin"], row["rival_bits"]) == ("ambiguous", "111111111", -3.0)


def test_a_candidate_the_scale_puts_behind_is_not_the_best_whatever_its_weight() -> None:
    # Daniel asked for: Danielle (two letters) outweighs Daniel, whose common name counts for less
    row = _decide([("111111111", 21.0, {"first_name": "similar", "given_slips": 2}), ("222222222", 20.0, {})])
    assert (row["outcome"], row["best_tin"], row["rival_bits"]) == ("match", "222222222", 6.0)
    # the heavier needs a slip of the house number, its TIN given by the requester: the TIN points
    # at another taxpayer than the one the scale prefers
    row = _decide([("111111111", 30.0, {"address": "house_number_one_keystroke_off", "tin": "exact"}),
                   ("222222222", 20.0, {"tin": "different"})], subject_tin="111111111")
    assert (row["outcome"], row["best_tin"], row["reason"]) == ("ambiguous", "222222222", "tin_names_another_taxpayer")
    # nor is a candidate behind on the scale matched when the best by it is not confident
    row = _decide([("111111111", 30.0, {"first_name": "similar", "given_slips": 2}), ("222222222", 2.0, {})])
    assert (row["outcome"], row["best_tin"], row["reason"]) == ("no_match", "222222222", "below_threshold")


def test_a_candidate_s_least_costly_record_counts() -> None:
    # a rival who moved: an old record at another house, a current one at the request's
    row = _decide([("111111111", 40.0, {}), ("222222222", 10.0, {"address": "different"}), ("222222222", 12.0, {})])
    assert (row["outcome"], row["rival_bits"]) == ("ambiguous", 0.0)


_LEVELS = {c: sorted(labels) for c, labels in SCALE.items()}


@settings(max_examples=25, deadline=None)
@given(rival=st.fixed_dictionaries({c: st.sampled_from(labels) for c, labels in _LEVELS.items()}),
       slips=st.integers(min_value=1, max_value=6), comparison=st.sampled_from(sorted(_LEVELS)))
def test_a_rival_never_becomes_less_of_a_tie_by_agreeing_more(rival: dict[str, str], slips: int,
                                                              comparison: str) -> None:
    # the rival's likelihood ratio never exceeds what the same rival has with one field made exact
    levels: dict[str, object] = {**rival, "given_slips": slips, "last_slips": slips}
    before = _decide([("111111111", 40.0, {}), ("222222222", 10.0, levels)])["rival_bits"]
    closer = {**levels, comparison: "exact"}
    after = _decide([("111111111", 40.0, {}), ("222222222", 10.0, closer)])["rival_bits"]
    assert 0 <= after <= before


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


@pytest.mark.parametrize(("subject", "tin"), [("twin-danielle", "900000082"), ("twin-daniel", "900000081")])
def test_twins_whose_names_differ_by_more_than_a_slip_are_told_apart(world_results, subject: str, tin: str) -> None:
    # Daniel and Danielle, one birthday, one address: the other twin's name is two letters away
    result = world_results[subject]
    assert (result.outcome, result.tin) == ("match", tin)
    rival = result.evidence["rival"]
    assert rival["tin"] in {"900000081", "900000082"} - {tin}
    assert (rival["likelihood_ratio_bits"], rival["tie"]) == (6.0, False)
    assert rival["by_field"]["first_name"] == 6.0


@pytest.mark.parametrize("subject", ["near-twin-jon", "near-twin-jhon", "twin-daniele", "near-twin-steven"])
def test_twins_a_letter_apart_or_a_request_a_letter_from_both_are_ambiguous(world_results, subject: str) -> None:
    result = world_results[subject]
    assert (result.outcome, result.tin, result.evidence["reason"]) == ("ambiguous", None, "another_taxpayer_fits")
    assert result.evidence["rival"]["tie"] is True
    assert result.evidence["rival"]["likelihood_ratio_bits"] < result.evidence["thresholds"]["min_rival_bits"]


@pytest.mark.parametrize(("subject", "tin"), [("namesake-366-no-dob", "900000083"), ("namesake-368-no-dob", "900000084"),
                                               ("namesake-100-no-dob", "900000021")])
def test_namesakes_at_nearby_numbers_without_birth_date_are_told_apart_by_the_exact_number(
        world_results, subject: str, tin: str) -> None:
    result = world_results[subject]
    assert (result.outcome, result.tin) == ("match", tin)
    assert result.evidence["levels"]["address"] == "exact"
    assert result.evidence["rival"]["by_field"] == {"first_name": 0.0, "last_name": 0.0, "suffix": 0.0,
                                                    "date_of_birth": 0.0, "address": 6.0}


def test_namesakes_with_a_number_a_slip_from_both_are_not_matched(world_results) -> None:
    result = world_results["namesake-367-no-dob"]
    assert (result.outcome, result.tin, result.evidence["reason"]) == ("no_match", None, "address_not_confirmed")
    assert result.evidence["rival"]["likelihood_ratio_bits"] == 0.0


def test_father_and_son_without_birth_date_tie_at_zero_bits(world_results) -> None:
    rival = world_results["father-son-no-dob"].evidence["rival"]
    assert (rival["likelihood_ratio_bits"], rival["tie"]) == (0.0, True)


@pytest.mark.parametrize(("levels", "outcome"), [
    # another person at the taxpayer's address, a given name only loosely like theirs, no birth date
    ({"first_name": "loosely_similar", "date_of_birth": "missing"}, "no_match"),
    # ... unless the birth date or the TIN agrees exactly
    ({"first_name": "loosely_similar", "date_of_birth": "exact"}, "match"),
    ({"first_name": "loosely_similar", "date_of_birth": "missing", "tin": "exact"}, "match"),
    # a birth date the request contradicts is never the taxpayer's, however heavy the rest
    ({"first_name": "swapped_with_family_name_similar", "date_of_birth": "different"}, "no_match"),
    ({"date_of_birth": "different"}, "no_match"),
])
def test_a_loose_given_name_needs_corroboration_and_a_contradicted_birth_date_is_never_named(
        levels: dict[str, object], outcome: str) -> None:
    row = _decide([("111111111", 40.0, levels)])
    assert row["outcome"] == outcome
