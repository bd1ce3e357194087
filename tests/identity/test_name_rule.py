"""Rule 5 of the decision (26 U.S.C. 6103(i)(2)(B)(i): the request sets forth the *name* of the taxpayer)."""

from __future__ import annotations


def test_names_swapped_and_mistyped_still_name_the_taxpayer(world_results) -> None:
    result = world_results["swapped-and-mistyped"]
    assert (result.outcome, result.tin) == ("match", "900000071")
    assert result.evidence["levels"]["first_name"] == "swapped_with_family_name_similar"
    assert result.evidence["levels"]["last_name"] == "swapped_with_given_name_similar"


def test_a_changed_family_name_is_accepted_only_with_the_birth_date_and_tin_agreeing(world_results) -> None:
    changed = world_results["family-name-changed"]
    assert (changed.outcome, changed.tin) == ("match", "900000072")
    assert changed.evidence["levels"]["last_name"] == "different"
    assert (changed.evidence["levels"]["date_of_birth"], changed.evidence["levels"]["tin"]) == ("exact", "exact")
    without_tin = world_results["family-name-changed-no-tin"]
    assert (without_tin.outcome, without_tin.tin) == ("no_match", None)
    assert without_tin.evidence["reason"] == "name_not_confirmed"


def test_another_given_name_is_never_the_taxpayer_whatever_else_agrees(world_results) -> None:
    result = world_results["given-name-of-another"]
    assert (result.outcome, result.tin) == ("no_match", None)
    assert result.evidence["reason"] == "name_not_confirmed"
    assert result.evidence["levels"]["tin"] == "exact"  # her sister's TIN: evidence only
