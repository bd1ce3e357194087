"""Names are compared after one normalisation: case, punctuation, accents, suffixes, nicknames."""

from __future__ import annotations

import pytest

from ftigate.identity import normalise_name
from ftigate.identity.normalise import sound


def test_case_and_punctuation_are_folded() -> None:
    assert normalise_name("  mary-ann ", "o'brien").given == "MARY ANN"
    assert normalise_name("Mary", "O'Brien").last == "OBRIEN"
    assert normalise_name("J.R.", "Smith").given == "JR"  # periods removed, letters kept


@pytest.mark.parametrize(("written", "folded"), [
    ("José", "JOSE"), ("Zoë", "ZOE"), ("Øster", "OSTER"), ("Łukasz", "LUKASZ"), ("Müller", "MULLER"),
    ("Ñúñez", "NUNEZ"), ("Straße", "STRASSE"),
])
def test_accents_and_non_ascii_letters_become_ascii(written: str, folded: str) -> None:
    assert normalise_name(written, written).given == folded
    assert normalise_name(written, written).last == folded


def test_compound_and_hyphenated_family_names_keep_their_parts() -> None:
    hyphen = normalise_name("Ana", "García-López")
    spaced = normalise_name("Ana", "Garcia Lopez")
    assert hyphen.last == spaced.last == "GARCIA LOPEZ"
    assert hyphen.last_tokens == ("GARCIA", "LOPEZ")
    # particles alone do not make two family names agree
    assert normalise_name("Ana", "de la Cruz").last_tokens == ("CRUZ",)


@pytest.mark.parametrize(("suffix", "last", "expected"), [
    ("Jr.", "Smith", "JR"), ("JUNIOR", "Smith", "JR"), ("sr", "Smith", "SR"), ("2nd", "Smith", "II"),
    ("III", "Smith", "III"), ("", "Smith Jr", "JR"), ("", "Smith, III", "III"), ("", "Smith", None),
])
def test_generational_suffixes_are_recognised_wherever_written(suffix: str, last: str, expected: str | None) -> None:
    name = normalise_name("John", last, suffix=suffix)
    assert name.suffix == expected
    assert name.last == "SMITH"


def test_titles_are_dropped() -> None:
    assert normalise_name("Dr. Alan", "Turing").given == "ALAN"
    assert normalise_name("Mrs Jane", "Doe").given1 == "JANE"


@pytest.mark.parametrize(("nickname", "formal"), [
    ("Bill", "William"), ("Peggy", "Margaret"), ("Bob", "Robert"), ("Kate", "Katherine"), ("Jim", "James"),
    ("Pepe", "José"), ("Paco", "Francisco"), ("Beppe", "Giuseppe"), ("Dima", "Dmitri"), ("Sasha", "Alexander"),
])
def test_common_nicknames_share_a_group_with_the_formal_name(nickname: str, formal: str) -> None:
    short, full = normalise_name(nickname, "X"), normalise_name(formal, "X")
    assert set(short.given_group) & set(full.given_group)


def test_unrelated_given_names_share_no_group() -> None:
    assert not set(normalise_name("Emma", "X").given_group) & set(normalise_name("Olivia", "X").given_group)


def test_middle_name_is_kept_apart() -> None:
    name = normalise_name("John", "Smith", middle_name="q.")
    assert (name.given, name.middle) == ("JOHN", "Q")


def test_written_variants_of_one_person_resolve_to_that_person(world_results) -> None:
    # end to end: nickname and upper case, accents and a hyphen, swapped given and family names,
    # a suffix written in the family-name field, letters beyond Latin-1, an apostrophe and "St."
    for subject, tin in [("nickname-abbreviations", "900000051"), ("accents-hyphen", "900000052"),
                         ("swapped-names", "900000053"), ("suffix-in-family-name", "900000054"),
                         ("non-ascii-letters", "900000055"), ("apostrophe-saint", "900000056")]:
        result = world_results[subject]
        assert (result.outcome, result.tin) == ("match", tin), (subject, result.evidence)


def test_swapped_names_are_recorded_as_such_in_the_evidence(world_results) -> None:
    levels = world_results["swapped-names"].evidence["levels"]
    assert levels["first_name"] == "swapped_with_family_name"
    assert levels["last_name"] == "swapped_with_given_name"


def test_many_records_normalise_at_once_exactly_as_one_at_a_time() -> None:
    from ftigate.identity import normalise_records

    rows = [{"first_name": "Bill", "last_name": "O'Brien Jr", "address_line1": "250 North Washington Street #12",
             "city": "St. Louis", "state": "Missouri", "zip": "63101-1234"},
            {"first_name": "Zoë", "last_name": "Øster"}]
    many = normalise_records(rows)
    assert [m["given"] for m in many] == ["BILL", "ZOE"]
    one = normalise_name("Bill", "O'Brien Jr")
    assert (many[0]["last"], many[0]["suffix"], tuple(many[0]["given_group"])) == (one.last, one.suffix, one.given_group)
    assert (many[0]["house"], many[0]["street"], many[0]["unit"], many[0]["zip5"]) == ("250", "N WASHINGTON ST", "12", "63101")
    assert normalise_records([]) == []


@pytest.mark.parametrize(("one", "other", "alike"), [
    ("STEVEN", "STEPHEN", True), ("GEOFFREY", "JEFFREY", True), ("KATHERINE", "CATHERINE", True),
    ("SARA", "SARAH", True), ("PHILLIP", "FILIP", True), ("JON", "JOHN", True),
    # a final vowel is often all that tells a woman's name from a man's
    ("DANIEL", "DANIELLE", False), ("PATRICK", "PATRICIA", False), ("GABRIEL", "GABRIELLA", False),
    ("EMMA", "OLIVIA", False),
])
def test_names_said_alike_sound_alike(one: str, other: str, alike: bool) -> None:
    assert (sound(one) == sound(other)) is alike
    assert sound(one) is not None and sound("") is None
