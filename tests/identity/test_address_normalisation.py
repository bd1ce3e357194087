"""US addresses are compared after USPS Publication 28 normalisation, on both sides alike."""

from __future__ import annotations

import pytest

from ftigate.identity import normalise_address


@pytest.mark.parametrize("line", ["12 Oak Street", "12 OAK ST.", "12 oak str", "12  Oak   St"])
def test_street_types_are_abbreviated(line: str) -> None:
    address = normalise_address(line)
    assert (address.house, address.street) == ("12", "OAK ST")


@pytest.mark.parametrize(("line", "street"), [
    ("250 North Washington Street", "N WASHINGTON ST"), ("250 N. Washington St", "N WASHINGTON ST"),
    ("9 Southwest Park Avenue", "SW PARK AVE"), ("4 E Main Boulevard", "E MAIN BLVD"),
])
def test_directionals_are_abbreviated(line: str, street: str) -> None:
    assert normalise_address(line).street == street


@pytest.mark.parametrize(("line1", "line2"), [
    ("300 Main St Apt 5", ""), ("300 Main Street Apartment 5", ""), ("300 Main St #5", ""),
    ("300 Main St # 05", ""), ("300 Main St", "Apt 5"), ("300 Main St", "Unit 5"), ("300 Main St", "5"),
    ("300 Main St", "Unit No. 5"), ("300 Main Street Suite 5", ""),
])
def test_unit_designators_and_numbers_are_extracted(line1: str, line2: str) -> None:
    address = normalise_address(line1, line2)
    assert (address.house, address.street, address.unit) == ("300", "MAIN ST", "5")


@pytest.mark.parametrize(("line", "street"), [("80 Front St", "FRONT ST"), ("12 Lower Rd", "LOWER RD"),
                                               ("100 Lot Rd", "LOT RD"), ("7 Rear Ave", "REAR AVE")])
def test_street_names_that_are_also_unit_words_stay_streets(line: str, street: str) -> None:
    address = normalise_address(line)
    assert (address.street, address.unit) == (street, None)


def test_zip_plus_four_is_cut_to_five_digits() -> None:
    assert normalise_address("1 A St", zip_code="02108-1234").zip5 == "02108"
    assert normalise_address("1 A St", zip_code="02108").zip5 == "02108"
    assert normalise_address("1 A St", zip_code="2108").zip5 is None


def test_states_become_usps_codes() -> None:
    assert normalise_address("1 A St", state="California").state == "CA"
    assert normalise_address("1 A St", state="ca").state == "CA"


def test_saint_mount_fort_are_spelled_out_in_cities_and_abbreviated_in_streets() -> None:
    assert normalise_address("1 A St", city="St. Louis").city == "SAINT LOUIS"
    assert normalise_address("1 A St", city="Mt Vernon").city == "MOUNT VERNON"
    assert normalise_address("18 Saint Paul Street").street == normalise_address("18 St Paul St").street


def test_ordinal_street_names_and_po_boxes() -> None:
    assert normalise_address("45 Third Avenue").street == normalise_address("45 3rd Ave").street == "3RD AVE"
    assert normalise_address("P.O. Box 77").street == normalise_address("PO BOX 77").street == "PO BOX 77"


def test_accents_in_addresses_are_folded() -> None:
    assert normalise_address("16 Calle Peñasco", city="Española").street == "CALLE PENASCO"
    assert normalise_address("16 Calle Peñasco", city="Española").city == "ESPANOLA"


def test_an_address_written_another_way_still_confirms(world_results) -> None:
    # "250 N. Washington St. #12", ZIP+4, against "250 North Washington Street Apartment 12"
    result = world_results["nickname-abbreviations"]
    assert result.outcome == "match"
    assert result.evidence["levels"]["address"] in ("exact", "confirmed")
    assert result.evidence["address_confirmed"] is True


@pytest.mark.parametrize(("line", "street"), [
    ("9 Hall Tsreet", "HALL ST"), ("15 Ulm Steeet", "ULM ST"), ("5 Ewing Shtreet", "EWING ST"),
    ("3 Maclaurin Cresent", "MACLAURIN CRES"), ("8 Elm Avneue", "ELM AVE"),
])
def test_a_street_type_one_keystroke_off_is_that_type(line: str, street: str) -> None:
    assert normalise_address(line).street == street


@pytest.mark.parametrize(("line", "street"), [
    ("100 Grover", "GROVER"),  # a street name alone is not a mistyped type ("Grove")
    ("7 Broadway", "BROADWAY"), ("12 Main Stret Apt 4", "MAIN STRET"),  # only the last word of the line
    ("4 Elm Rod", "ELM ROD"),  # shorter than five letters: one keystroke turns too many words into types
])
def test_other_words_are_not_taken_for_mistyped_types(line: str, street: str) -> None:
    assert normalise_address(line).street == street


def test_the_street_is_also_kept_without_spaces() -> None:
    assert normalise_address("36 Bus Sell Crescent").street_compact == "BUSSELLCRES"
    assert normalise_address("36 Bussell Crescent").street_compact == "BUSSELLCRES"


def test_a_second_line_that_is_no_unit_is_kept_whole() -> None:
    assert normalise_address("18 Kirwan Circle", "Ollera").line2 == "OLLERA"
    assert normalise_address("18 Ollera", "Kirwan Circle").line2 == "KIRWAN CIR"
    assert normalise_address("300 Main St", "Apt 5").line2 is None  # a unit is the unit, not a line


@pytest.mark.parametrize(("line", "spelled"), [
    ("8 Bridge Street", "BRIDGESTREET"), ("8 bridgedtreet", "BRIDGEDTREET"), ("38 Moore Pl", "MOOREPLACE"),
    ("38 moore o lace", "MOOREOLACE"), ("5 N Elm Ave", "NELMAVENUE"), ("2 Lane Lane", "LANELANE"),
])
def test_the_street_is_also_kept_spoken_without_spaces(line: str, spelled: str) -> None:
    # street types spelled out, so a type run into the name and mistyped still compares
    assert normalise_address(line).street_spelled == spelled


def test_the_street_s_type_and_directional_are_set_aside_only_where_there_is_a_name_beside_them() -> None:
    from ftigate.identity import normalise_records

    rows = normalise_records([{"address_line1": "250 North Washington Street"}, {"address_line1": "8 Bridge"},
                              {"address_line1": "38 Moore Lane"}, {"address_line1": "38 moore o lace"}])
    assert [(r["street_type"], r["street_direction"]) for r in rows] == [
        ("ST", "N"), (None, None), ("LN", None), (None, None)]
