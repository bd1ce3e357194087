"""The address rule (26 U.S.C. 6103(i)(2)(B)(i), Center for Taxpayer Rights v. IRS): a name and TIN are never enough."""

from __future__ import annotations

import pytest

from ftigate.identity import disclosable_identity


def test_right_name_and_tin_with_the_taxpayer_s_address_is_a_match(world_results) -> None:
    result = world_results["address-right"]
    assert (result.outcome, result.tin) == ("match", "900000031")
    assert result.evidence["levels"]["tin"] == "exact"


def test_right_name_and_tin_with_another_address_is_no_match(world_results) -> None:
    result = world_results["address-elsewhere"]
    assert (result.outcome, result.tin) == ("no_match", None)
    assert result.evidence["reason"] == "address_not_confirmed"
    assert result.evidence["address_confirmed"] is False


def test_placeholder_addresses_are_invalid_before_matching_with_the_law_s_reasons(world_results) -> None:
    for subject in ("address-placeholder", "address-zip-only", "address-dont-care"):
        result = world_results[subject]
        assert (result.outcome, result.tin, result.match_probability) == ("invalid", None, None)
        assert "L3-subject-address" in result.evidence["rules"], subject
        assert any("address" in message for message in result.evidence["reasons"])
        assert "levels" not in result.evidence  # never scored


def test_an_address_from_an_earlier_tax_period_confirms(world_results) -> None:
    result = world_results["old-address"]
    assert (result.outcome, result.tin) == ("match", "900000041")


def test_what_is_disclosed_is_the_last_known_address(world) -> None:
    identity = disclosable_identity(world.master, ["900000041", "900-00-0031", "999999999"])
    assert set(identity) == {"900000041", "900000031"}  # an unknown TIN is simply absent
    maria = identity["900000041"]
    assert (maria.address_line1, maria.address_line2, maria.tax_period) == ("300 Main Street", "Apt 5", "2024")
    assert (maria.first_name, maria.last_name, maria.city, maria.state, maria.zip) == (
        "Maria", "Gonzalez", "Tulsa", "OK", "74103")


def test_disclosable_identity_of_nothing_is_empty(world) -> None:
    assert disclosable_identity(world.master, []) == {}


def test_the_request_s_tin_pointing_at_another_taxpayer_is_not_resolved(world_results) -> None:
    result = world_results["tin-of-another"]
    assert (result.outcome, result.tin) == ("ambiguous", None)
    assert result.evidence["reason"] == "tin_names_another_taxpayer"


def test_a_house_number_one_keystroke_off_needs_the_birth_date_or_the_tin(world_results) -> None:
    for subject in ("house-slip-with-dob", "house-slip-with-tin"):
        result = world_results[subject]
        assert (result.outcome, result.tin) == ("match", "900000061"), subject
        assert result.evidence["levels"]["address"] == "house_number_one_keystroke_off"
    alone = world_results["house-slip-alone"]
    assert (alone.outcome, alone.tin) == ("no_match", None)
    assert alone.evidence["reason"] == "address_not_confirmed"


def test_another_house_number_or_street_is_another_address_whatever_else_agrees(world_results) -> None:
    for subject in ("house-other", "street-other"):
        result = world_results[subject]
        assert (result.outcome, result.tin) == ("no_match", None), subject
        assert result.evidence["reason"] == "address_not_confirmed"
        assert (result.evidence["levels"]["date_of_birth"], result.evidence["levels"]["tin"]) == ("exact", "exact")


def test_street_and_building_entered_on_each_other_s_line_confirm(world_results) -> None:
    result = world_results["lines-swapped"]
    assert (result.outcome, result.tin) == ("match", "900000061")
    assert result.evidence["levels"]["address"] == "lines_swapped"


def test_slips_of_the_space_bar_and_a_mistyped_street_type_confirm(world_results) -> None:
    for subject in ("street-space-slip", "street-type-mistyped"):
        result = world_results[subject]
        assert (result.outcome, result.tin) == ("match", "900000062"), subject
        assert result.evidence["levels"]["address"] in ("exact", "confirmed"), subject


# --- slips a careful officer reads through, each beside its negative twin ---------------------------

@pytest.mark.parametrize(("subject", "tin", "twins"), [
    # two slips in a long street name: the space lost and a letter mistyped ("8 Bridge Street")
    ("street-two-slips", "900000091", ("street-two-slips-next-door", "street-two-slips-other-street")),
    # a space put in and a letter mistyped ("38 Moore Place"); Moore Lane is another street
    ("street-space-and-letter", "900000092", ("street-space-and-letter-next-door", "street-other-type")),
    ("street-letter-lost", "900000062", ("street-letter-lost-next-door",)),
    ("street-letter-doubled", "900000062", ("street-letter-lost-next-door",)),
    ("street-space-lost", "900000062", ("street-letter-lost-next-door",)),
    # a slip in a short street name ("31 Maple Street"); two slips in it are another street (Marble)
    ("street-one-slip-short-name", "900000107", ("street-two-slips-short-name",)),
    # two adjacent digits of the ZIP code swapped, the city, street and house number agreeing
    ("zip-transposed", "900000093", ("zip-transposed-other-city", "zip-transposed-next-door")),
    # the street and the building name each slightly misspelt, on their right lines
    ("both-lines-misspelt", "900000061", ("both-lines-misspelt-next-door",)),
])
def test_a_slip_confirms_the_address_and_its_negative_twin_does_not(world_results, subject: str, tin: str,
                                                                    twins: tuple[str, ...]) -> None:
    result = world_results[subject]
    assert (result.outcome, result.tin) == ("match", tin), subject
    assert result.evidence["levels"]["address"] == "confirmed"
    for twin in twins:
        other = world_results[twin]
        assert (other.outcome, other.tin) == ("no_match", None), twin
        assert other.evidence["reason"] in ("address_not_confirmed", "no_candidate", "below_threshold"), twin


def _streets_agree(line_a: str, line_b: str) -> bool:
    """The model's street agreement (:func:`~ftigate.identity.model.street_agrees`) on two street lines."""
    import duckdb

    from ftigate.identity.model import street_agrees
    from ftigate.identity.normalise import normalise_address

    condition = street_agrees().get_comparison_level("duckdb").sql_condition
    a, b = normalise_address(line_a), normalise_address(line_b)
    columns = ("street", "street_compact", "street_spelled")
    values = {f"{c}_{side}": getattr(x, c) for side, x in (("l", a), ("r", b)) for c in columns}
    values.update({"street_type_l": None, "street_type_r": None, "street_direction_l": None,
                   "street_direction_r": None})
    select = ", ".join(f"CAST(? AS VARCHAR) AS {name}" for name in values)
    return bool(duckdb.connect().execute(f"SELECT {condition} FROM (SELECT {select})", list(values.values()))
                .fetchall()[0][0])


@pytest.mark.parametrize(("line_a", "line_b"), [
    ("31 Maple Street", "31 Mapel Street"), ("31 Maple Street", "31 Maple St"), ("31 Maple Street", "31 Mple St"),
    ("27 Quillon Road", "27 Quillonroad"), ("8 Bridge Street", "8 bridgedtreet"), ("5 Elm St", "5 Elms Treet"),
])
def test_a_slip_in_a_street_name_agrees(line_a: str, line_b: str) -> None:
    assert _streets_agree(line_a, line_b)


@pytest.mark.parametrize(("line_a", "line_b"), [
    ("31 Maple Street", "31 Marble Street"), ("31 Maple St", "31 Marble St"), ("12 Birch Rd", "12 Beach Rd"),
])
def test_two_slips_in_a_short_street_name_are_another_street(line_a: str, line_b: str) -> None:
    assert not _streets_agree(line_a, line_b)


def test_two_rows_of_one_tax_period_disclose_the_same_whatever_order_the_master_file_holds_them(tmp_path) -> None:
    import csv

    from ftigate.formats import MASTER_COLUMNS

    base = {"tin": "900000077", "first_name": "Nora", "middle_name": "", "last_name": "Quill", "suffix": "",
            "date_of_birth": "1970-01-01", "address_line1": "12 Elm Street", "address_line2": "",
            "state": "OK", "zip": "74103", "tax_period": "2024"}
    rows = [{**base, "city": "Tulsa"}, {**base, "city": "Broken Arrow", "address_line2": "Apt 1"}]
    chosen = []
    for order in (rows, rows[::-1]):
        master = tmp_path / f"master-{len(chosen)}.csv"
        with master.open("w", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(MASTER_COLUMNS))
            writer.writeheader()
            writer.writerows(order)
        chosen.append(disclosable_identity(master, ["900000077"])["900000077"])
    assert chosen[0] == chosen[1]
    assert (chosen[0].address_line2, chosen[0].city) == ("", "Tulsa")
