"""The taxpayer master file: the contract's format, determinism, streaming, and the hard cases."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from ftigate.errors import InputError
from ftigate.formats import MASTER_COLUMNS
from ftigate.generator import generate_master
from ftigate.generator import master as master_module
from ftigate.generator.data.names import ORIGINS
from ftigate.generator.tins import CAPACITY, tin_numbers
from ftigate.tabular import read_rows

from .conftest import MASTER_PEOPLE

ZIP = re.compile(r"\d{5}(-\d{4})?")


def _address(row: dict[str, str]) -> tuple[str, ...]:
    return (row["address_line1"], row["address_line2"], row["city"], row["state"], row["zip"])


def _people(rows: list[dict[str, str]]) -> dict[str, list[dict[str, str]]]:
    people: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in rows:
        people[row["tin"]].append(row)
    return people


def test_columns_are_exactly_the_contracts(generated):
    assert tuple(pq.read_schema(generated.master.path).names) == MASTER_COLUMNS


def test_every_value_has_the_contracts_shape(generated):
    periods = {str(p) for p in generated.master.periods}
    for row in generated.master_rows:
        assert re.fullmatch(r"9\d{8}", row["tin"]), row
        assert int(row["tin"][3:5]) < 50, "group 50-99 of the 9xx area belongs to real ITINs"
        assert ZIP.fullmatch(row["zip"]), row
        assert row["tax_period"] in periods
        if row["date_of_birth"]:
            assert dt.date.fromisoformat(row["date_of_birth"]).isoformat() == row["date_of_birth"]
        assert row["first_name"] and row["last_name"] and row["address_line1"] and row["city"] and row["state"]
        assert int(row["address_line1"].split(" ")[0]) <= 9999


def test_one_person_per_tin_and_every_person_present(generated):
    people = _people(generated.master_rows)
    assert len(people) == MASTER_PEOPLE == generated.master.people
    assert sum(len(rows) for rows in people.values()) == generated.master.rows
    for rows in people.values():
        identity = {(r["first_name"], r["middle_name"], r["last_name"], r["suffix"], r["date_of_birth"]) for r in rows}
        assert len(identity) == 1
        periods = [r["tax_period"] for r in rows]
        assert len(periods) == len(set(periods)), "one row per tax period"


def test_tins_are_unique_for_any_chunk_and_stay_in_the_synthetic_range():
    numbers = tin_numbers(0, 2_000_000, seed=3)
    assert len(set(numbers.tolist())) == len(numbers)
    assert numbers.min() >= 900_000_000 and numbers.max() <= 999_499_999
    assert tin_numbers(1_000, 10, seed=3).tolist() == numbers[1_000:1_010].tolist()
    assert tin_numbers(0, 10, seed=4).tolist() != numbers[:10].tolist()
    with pytest.raises(ValueError):
        tin_numbers(CAPACITY - 1, 2, seed=0)


def test_address_histories_households_and_movers(generated):
    people = _people(generated.master_rows)
    movers = sum(1 for rows in people.values() if len({_address(r) for r in rows}) > 1)
    assert 0.1 < movers / len(people) < 0.6
    part_time = sum(1 for rows in people.values() if len(rows) < len(generated.master.periods))
    assert part_time > 0, "some people file only in some periods"
    at_address: dict[tuple[str, ...], set[str]] = defaultdict(set)
    for row in generated.master_rows:
        if row["tax_period"] == "2024":
            at_address[_address(row)].add(row["tin"])
    shared = sum(1 for tins in at_address.values() if len(tins) > 1)
    assert shared > len(at_address) * 0.3, "most people live with others"


def test_names_have_realistic_structure(generated):
    rows = [r for r in generated.master_rows if r["tax_period"] == "2024"]
    last = [r["last_name"] for r in rows]
    assert any("-" in name for name in last), "hyphenated surnames"
    assert any(" " in name and not name.startswith(("De ", "Del ", "Van ", "St. ", "Dela ")) for name in last), \
        "compound surnames"
    assert any("'" in name for name in last)
    assert sum(1 for r in rows if r["middle_name"]) > len(rows) * 0.4
    assert any(len(r["middle_name"]) == 1 for r in rows), "middle initials"
    assert {"Jr", "Sr", "II", "III"} <= {r["suffix"] for r in rows}
    missing = sum(1 for r in rows if not r["date_of_birth"])
    assert 0 < missing < len(rows) * 0.05
    surnames = set(last)
    origins_seen = sum(1 for origin in ORIGINS if surnames & set(origin.surnames[:10]))
    assert origins_seen == len(ORIGINS), "names of every origin appear"
    for r in rows:
        assert r["middle_name"] != r["first_name"]


def test_no_accidental_namesakes_within_a_household(generated):
    """Two people of one name at one address are always a listed father-and-son pair."""
    fathers_sons = {frozenset((c["tin"], c["other_tin"])) for c in generated.cases if c["kind"] == "father_son"}
    seen: dict[tuple[str, ...], set[str]] = defaultdict(set)
    for row in generated.master_rows:
        seen[(row["first_name"], row["last_name"], row["tax_period"], *_address(row))].add(row["tin"])
    clashes = [frozenset(tins) for tins in seen.values() if len(tins) > 1]
    assert clashes, "the father-and-son pairs must show up here"
    assert all(tins in fathers_sons for tins in clashes)


def test_hard_cases_are_listed_and_true(generated):
    people = {tin: rows[-1] for tin, rows in _people(generated.master_rows).items()}
    by_kind: dict[str, list[tuple[dict[str, str], dict[str, str]]]] = defaultdict(list)
    for case in generated.cases:
        by_kind[case["kind"]].append((people[case["tin"]], people[case["other_tin"]]))
    assert {k: len(v) for k, v in by_kind.items()} == generated.master.hard_cases
    assert all(len(by_kind[k]) >= 20 for k in ("father_son", "twin", "twin_near", "namesake"))
    for father, son in by_kind["father_son"]:
        assert (father["first_name"], father["middle_name"], father["last_name"]) == \
            (son["first_name"], son["middle_name"], son["last_name"])
        assert _address(father) == _address(son)
        assert father["date_of_birth"] and son["date_of_birth"] and father["date_of_birth"] < son["date_of_birth"]
    suffixes = {(f["suffix"], s["suffix"]) for f, s in by_kind["father_son"]}
    assert {("", "Jr"), ("Sr", "Jr"), ("", "II"), ("", "")} <= suffixes
    for kind in ("twin", "twin_near"):
        for a, b in by_kind[kind]:
            assert a["last_name"] == b["last_name"] and a["date_of_birth"] == b["date_of_birth"] != ""
            assert _address(a) == _address(b)
            assert a["first_name"] != b["first_name"]
    for a, b in by_kind["twin_near"]:
        shorter, longer = sorted((a["first_name"], b["first_name"]), key=len)
        assert abs(len(a["first_name"]) - len(b["first_name"])) <= 1
        assert shorter[0] == longer[0] or shorter[1:] == longer[1:], (a["first_name"], b["first_name"])
    for a, b in by_kind["namesake"]:
        assert (a["first_name"], a["last_name"]) == (b["first_name"], b["last_name"])
        assert a["date_of_birth"] != b["date_of_birth"]
        assert (a["city"], a["zip"][:5]) == (b["city"], b["zip"][:5])
        street_a, street_b = a["address_line1"].split(" ", 1), b["address_line1"].split(" ", 1)
        assert street_a[1] == street_b[1] and abs(int(street_a[0]) - int(street_b[0])) == 2


def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path: Path):
    for suffix in ("parquet", "csv"):
        first = generate_master(tmp_path / f"a.{suffix}", 3_000, seed=7)
        second = generate_master(tmp_path / f"b.{suffix}", 3_000, seed=7)
        third = generate_master(tmp_path / f"c.{suffix}", 3_000, seed=8)
        assert first.path.read_bytes() == second.path.read_bytes()
        assert first.cases_path.read_bytes() == second.cases_path.read_bytes()
        assert first.path.read_bytes() != third.path.read_bytes()


def test_csv_and_parquet_hold_the_same_rows(tmp_path: Path):
    parquet = generate_master(tmp_path / "m.parquet", 2_000, seed=1)
    csv = generate_master(tmp_path / "m.csv", 2_000, seed=1)
    assert read_rows(csv.path, MASTER_COLUMNS) == read_rows(parquet.path, MASTER_COLUMNS)


def test_written_in_chunks_each_independent_of_the_others(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(master_module, "CHUNK_PEOPLE", 1_000)
    seen = []
    summary = generate_master(tmp_path / "m.parquet", 3_500, seed=2, progress=lambda *told: seen.append(told))
    assert seen == [("people", n, 3_500) for n in (1_000, 2_000, 3_000, 3_500)]
    assert pq.ParquetFile(summary.path).metadata.num_row_groups == 4
    tins = [row["tin"] for row in pq.read_table(summary.path, columns=["tin"]).to_pylist()]
    assert len(set(tins)) == 3_500


def test_periods_are_the_ones_asked_for(tmp_path: Path):
    summary = generate_master(tmp_path / "m.parquet", 500, periods=[2019, 2018])
    assert summary.periods == (2018, 2019)
    periods = {row["tax_period"] for row in pq.read_table(summary.path).to_pylist()}
    assert periods == {"2018", "2019"}


@pytest.mark.parametrize(("people", "kwargs", "field"), [
    (0, {}, "people"), (-5, {}, "people"), (10, {"seed": -1}, "seed"), (10, {"periods": []}, "periods"),
    (10, {"periods": ["20x1"]}, "periods"), (10, {"periods": [1492]}, "periods"), (CAPACITY + 1, {}, "people"),
])
def test_bad_arguments_are_refused_before_anything_is_written(tmp_path: Path, people, kwargs, field):
    with pytest.raises(InputError) as caught:
        generate_master(tmp_path / "m.parquet", people, **kwargs)
    assert caught.value.field == field
    assert not list(tmp_path.iterdir())


def test_an_interrupted_run_leaves_no_file(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(master_module, "CHUNK_PEOPLE", 500)

    def interrupt(stage: str, done: float, total: float) -> None:
        if done >= 1_000:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        generate_master(tmp_path / "m.parquet", 2_000, progress=interrupt)
    assert not list(tmp_path.iterdir())
