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
