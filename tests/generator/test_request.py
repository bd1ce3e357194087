"""Request batches: the contract's format, the mix asked for, and a truth that holds row by row."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from dataclasses import replace
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from ftigate.errors import InputError
from ftigate.formats import MASTER_COLUMNS, SUBJECT_COLUMNS
from ftigate.generator import KINDS, REQUEST_COLUMNS, TRUTH_COLUMNS, RequestMix, generate_master, generate_request
from ftigate.generator.bad_rows import PLACEHOLDER_LINES
from ftigate.law.subject_rules import subject_is_valid
from ftigate.tabular import read_rows

from .conftest import REQUEST_SUBJECTS

EXPECTED = {
    "clean": {"match"}, "noisy": {"match"}, "old_address": {"match"}, "twin": {"match"}, "namesake": {"match"},
    "father_son": {"match", "ambiguous"}, "twin_near": {"ambiguous"}, "not_taxpayer": {"no_match"},
    "right_tin_wrong_address": {"no_match"}, "placeholder_address": {"invalid"},
    "right_tin_placeholder": {"invalid"}, "facility": {"invalid"}, "zip_only": {"invalid"}, "fnu": {"invalid"},
    "lnu": {"invalid"}, "bad_dob": {"invalid"},
}
NAME_FIELDS = ("first_name", "middle_name", "last_name", "suffix", "date_of_birth")
ADDRESS_FIELDS = ("address_line1", "address_line2", "city", "state", "zip")


@pytest.fixture(scope="module")
def history(generated) -> dict[str, list[dict[str, str]]]:
    people: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in generated.master_rows:
        people[row["tin"]].append(row)
    for rows in people.values():
        rows.sort(key=lambda r: r["tax_period"])
    return people


def _by_kind(generated) -> dict[str, list[tuple[dict[str, str], dict[str, str]]]]:
    kinds: dict[str, list[tuple[dict[str, str], dict[str, str]]]] = defaultdict(list)
    for subject in generated.subjects:
        truth = generated.truth[subject["subject_id"]]
        kinds[truth["kind"]].append((subject, truth))
    return kinds


def _fields(row: dict[str, str], names: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(row[n] for n in names)


def test_columns_are_the_contracts_and_ids_unique(generated):
    assert tuple(pq.read_schema(generated.request.path).names) == REQUEST_COLUMNS
    assert REQUEST_COLUMNS[:len(SUBJECT_COLUMNS)] == SUBJECT_COLUMNS
    assert tuple(pq.read_schema(generated.request.truth_path).names) == TRUTH_COLUMNS
    ids = [row["subject_id"] for row in generated.subjects]
    assert len(ids) == len(set(ids)) == REQUEST_SUBJECTS
    assert set(ids) == set(generated.truth)


def test_every_kind_in_the_share_asked_for(generated):
    counts = RequestMix().counts(REQUEST_SUBJECTS)
    seen = Counter(t["kind"] for t in generated.truth.values())
    assert generated.request.shortfall == {}
    assert dict(seen) == {k: v for k, v in counts.items() if v}
    assert set(seen) == set(KINDS)
    bad = sum(seen[k] for k in ("placeholder_address", "right_tin_placeholder", "facility", "zip_only", "fnu",
                                "lnu", "bad_dob"))
    assert bad == sum(counts[k] for k in ("placeholder_address", "right_tin_placeholder", "facility", "zip_only",
                                          "fnu", "lnu", "bad_dob"))
    assert generated.request.kinds == {k: seen.get(k, 0) for k in KINDS}


def test_kinds_are_interleaved_not_in_blocks(generated):
    first_hundred = {generated.truth[row["subject_id"]]["kind"] for row in generated.subjects[:100]}
    assert len(first_hundred) >= 8


def test_expected_outcome_follows_the_kind(generated):
    for truth in generated.truth.values():
        assert truth["expected_outcome"] in EXPECTED[truth["kind"]], truth
        assert (truth["true_tin"] == "") == (truth["kind"] == "not_taxpayer")
    outcomes = Counter(t["expected_outcome"] for t in generated.truth.values())
    assert outcomes == Counter(generated.request.expected)


def test_the_law_judges_invalid_exactly_the_rows_the_truth_calls_invalid(generated):
    """The contract's rules (ftigate.law) and the truth agree on every row."""
    for subject in generated.subjects:
        truth = generated.truth[subject["subject_id"]]
        assert subject_is_valid(subject) == (truth["expected_outcome"] != "invalid"), (truth, subject)


def test_formats_of_rows_that_should_pass_intake(generated):
    for subject in generated.subjects:
        truth = generated.truth[subject["subject_id"]]
        if truth["kind"] != "bad_dob" and subject["date_of_birth"]:
            assert dt.date.fromisoformat(subject["date_of_birth"])
        if truth["expected_outcome"] != "invalid":
            assert re.fullmatch(r"\d{5}(-\d{4})?", subject["zip"]), subject
        if subject["tin"]:
            assert re.fullmatch(r"\d{9}", subject["tin"])


def test_clean_rows_are_the_last_known_record(generated, history):
    for subject, truth in _by_kind(generated)["clean"]:
        latest = history[truth["true_tin"]][-1]
        assert _fields(subject, NAME_FIELDS + ADDRESS_FIELDS) == _fields(latest, NAME_FIELDS + ADDRESS_FIELDS)
        assert subject["tin"] in ("", truth["true_tin"])


def test_noisy_rows_differ_but_keep_the_address_city_and_zip(generated, history):
    tags: Counter[str] = Counter()
    for subject, truth in _by_kind(generated)["noisy"]:
        latest = history[truth["true_tin"]][-1]
        assert truth["noise"]
        tags.update(truth["noise"].split(";"))
        assert _fields(subject, NAME_FIELDS + ADDRESS_FIELDS) != _fields(latest, NAME_FIELDS + ADDRESS_FIELDS)
        assert subject["zip"][:5] == latest["zip"][:5]
        assert subject["city"].upper() in (latest["city"].upper(), latest["city"].upper().replace(".", "")
                                           .replace("'", "").replace("-", " "), latest["city"].upper()
                                           .replace(".", "").replace("'", "").replace("-", ""))
    expected = {"typo_first", "typo_last", "nickname", "swap_names", "accent", "surname_part", "middle",
                "drop_dob", "case", "punctuation", "street_words", "unit_format", "zip_format", "spacing"}
    assert expected <= set(tags), expected - set(tags)


def test_old_addresses_come_from_the_history(generated, history):
    rows = _by_kind(generated)["old_address"]
    assert rows
    for subject, truth in rows:
        past = history[truth["true_tin"]]
        assert _fields(subject, ADDRESS_FIELDS) != _fields(past[-1], ADDRESS_FIELDS)
        assert _fields(subject, ADDRESS_FIELDS) in {_fields(r, ADDRESS_FIELDS) for r in past[:-1]}


def test_people_who_are_not_taxpayers_match_nobody(generated):
    names_at = {(r["first_name"], r["last_name"], r["address_line1"], r["city"]) for r in generated.master_rows}
    first_names = {r["first_name"] for r in generated.master_rows}
    tins = {r["tin"] for r in generated.master_rows}
    variants: Counter[str] = Counter()
    for subject, truth in _by_kind(generated)["not_taxpayer"]:
        variants.update(truth["noise"].split(";"))
        assert (subject["first_name"], subject["last_name"], subject["address_line1"], subject["city"]) not in names_at
        assert subject["tin"] not in tins
        if "at_taxpayer_address" in truth["noise"]:
            assert subject["first_name"] not in first_names
        else:
            assert int(subject["address_line1"].split(" ")[0]) > 9999
    assert {"made_up_address", "at_taxpayer_address", "taxpayer_name_elsewhere", "unknown_tin"} <= set(variants)


def test_right_tin_wrong_address_is_never_an_address_of_the_taxpayer(generated, history):
    rows = _by_kind(generated)["right_tin_wrong_address"]
    assert rows
    for subject, truth in rows:
        past = history[truth["true_tin"]]
        assert subject["tin"] == truth["true_tin"]
        assert _fields(subject, NAME_FIELDS) == _fields(past[-1], NAME_FIELDS)
        mine = {(r["address_line1"], r["city"], r["zip"][:5]) for r in past}
        assert (subject["address_line1"], subject["city"], subject["zip"][:5]) not in mine


def test_bad_rows_carry_what_real_lists_carry(generated):
    kinds = _by_kind(generated)
    lines = {s["address_line1"] for s, _ in kinds["placeholder_address"]}
    assert lines <= set(PLACEHOLDER_LINES) and {"Failed to Provide", "Unknown Address", "N/A"} <= lines
    assert any(re.fullmatch(r"Don't Care \d{5}", s["address_line1"]) for s, _ in kinds["right_tin_placeholder"])
    assert all(s["tin"] == t["true_tin"] for s, t in kinds["right_tin_placeholder"])
    for subject, _ in kinds["zip_only"]:
        assert subject["address_line1"] in ("", subject["zip"][:5]) and not subject["city"] and not subject["state"]
    assert {s["first_name"] for s, _ in kinds["fnu"]} <= {"FNU", "Fnu", "Unknown"}
    assert {s["last_name"] for s, _ in kinds["lnu"]} <= {"LNU", "Lnu", "Unknown"}
    for subject, _ in kinds["bad_dob"]:
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", subject["date_of_birth"])
        with pytest.raises(ValueError):
            dt.date.fromisoformat(subject["date_of_birth"])


def test_hard_cases_point_at_their_pair(generated, history):
    partner = {}
    for case in generated.cases:
        partner[case["tin"]] = case["other_tin"]
        partner[case["other_tin"]] = case["tin"]
    kinds = _by_kind(generated)
    for kind in ("father_son", "twin", "twin_near", "namesake"):
        assert kinds[kind], kind
        for subject, truth in kinds[kind]:
            mine = history[truth["true_tin"]][-1]
            other = history[partner[truth["true_tin"]]][-1]
            assert _fields(subject, ADDRESS_FIELDS) == _fields(mine, ADDRESS_FIELDS)
            assert subject["last_name"] == mine["last_name"] == other["last_name"]
            if kind == "father_son" and truth["expected_outcome"] == "ambiguous":
                assert subject["date_of_birth"] == subject["suffix"] == ""
                assert subject["first_name"] == other["first_name"]
                assert _fields(subject, ADDRESS_FIELDS) == _fields(other, ADDRESS_FIELDS)
            elif kind == "father_son":
                assert subject["date_of_birth"] == mine["date_of_birth"] != other["date_of_birth"]
    outcomes = Counter(t["expected_outcome"] for _, t in kinds["father_son"])
    assert outcomes["match"] > 0 and outcomes["ambiguous"] > 0


def test_same_seed_same_bytes_other_seed_other_rows(generated, tmp_path: Path):
    master = generated.master.path
    a = generate_request(master, tmp_path / "a.csv", 500, seed=3, truth=tmp_path / "ta.csv")
    b = generate_request(master, tmp_path / "b.csv", 500, seed=3, truth=tmp_path / "tb.csv")
    c = generate_request(master, tmp_path / "c.csv", 500, seed=4)
    assert a.path.read_bytes() == b.path.read_bytes()
    assert (tmp_path / "ta.csv").read_bytes() == (tmp_path / "tb.csv").read_bytes()
    assert a.path.read_bytes() != c.path.read_bytes()
    assert c.truth_path is None


def test_a_csv_master_gives_the_same_request_as_parquet(tmp_path: Path):
    parquet = generate_master(tmp_path / "m.parquet", 3_000, seed=9)
    csv = generate_master(tmp_path / "m.csv", 3_000, seed=9)
    from_parquet = generate_request(parquet.path, tmp_path / "p.csv", 300, seed=1)
    from_csv = generate_request(csv.path, tmp_path / "c.csv", 300, seed=1)
    assert from_parquet.path.read_bytes() == from_csv.path.read_bytes()
    assert len(read_rows(from_csv.path, SUBJECT_COLUMNS, ("tin",))) == 300


def test_a_custom_mix(generated, tmp_path: Path):
    mix = RequestMix(**{kind: 0.0 for kind in KINDS}, with_tin=1.0)
    mix = replace(mix, placeholder_address=1.0, zip_only=1.0)
    summary = generate_request(generated.master.path, tmp_path / "r.parquet", 101, mix=mix, truth=tmp_path / "t.csv")
    assert {k: v for k, v in summary.kinds.items() if v} == {"placeholder_address": 51, "zip_only": 50}
    assert summary.expected == {"invalid": 101}
    assert all(row["tin"] for row in pq.read_table(summary.path).to_pylist())


def test_hard_cases_fall_back_to_clean_without_the_cases_file(tmp_path: Path):
    master = generate_master(tmp_path / "m.parquet", 2_000, seed=1)
    master.cases_path.unlink()
    summary = generate_request(master.path, tmp_path / "r.csv", 400, seed=1)
    assert summary.kinds["father_son"] == summary.kinds["twin"] == summary.kinds["namesake"] == 0
    assert summary.shortfall["father_son"] == RequestMix().counts(400)["father_son"]
    assert summary.subjects == 400


@pytest.mark.parametrize(("subjects", "kwargs", "field"), [
    (0, {}, "subjects"), (-3, {}, "subjects"), (10, {"seed": -2}, "seed"),
    (10, {"mix": RequestMix(clean=-1.0)}, "clean"),
    (10, {"mix": RequestMix(**{kind: 0.0 for kind in KINDS})}, "mix"),
    (10, {"mix": RequestMix(with_tin=1.5)}, "with_tin"),
])
def test_bad_arguments_are_refused(generated, tmp_path: Path, subjects, kwargs, field):
    with pytest.raises(InputError) as caught:
        generate_request(generated.master.path, tmp_path / "r.csv", subjects, **kwargs)
    assert caught.value.field == field
    assert not (tmp_path / "r.csv").exists()


def test_more_subjects_than_the_master_holds(tmp_path: Path):
    master = generate_master(tmp_path / "m.parquet", 500, seed=1)
    with pytest.raises(InputError) as caught:
        generate_request(master.path, tmp_path / "r.csv", 5_000)
    assert caught.value.file == str(master.path) and caught.value.field == "subjects"
    assert not (tmp_path / "r.csv").exists()


def test_a_missing_master_file(tmp_path: Path):
    with pytest.raises(InputError) as caught:
        generate_request(tmp_path / "none.parquet", tmp_path / "r.csv", 10)
    assert caught.value.file == str(tmp_path / "none.parquet")


def test_a_master_file_without_a_column(tmp_path: Path):
    path = tmp_path / "m.csv"
    path.write_text("tin,first_name\n900000001,Ann\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        generate_request(path, tmp_path / "r.csv", 1)
    assert caught.value.field == "middle_name" and caught.value.row == 0


def test_a_bad_tin_in_the_master_is_named_by_row(tmp_path: Path):
    rows = {c: ["x"] * 3 for c in MASTER_COLUMNS}
    rows["tin"] = ["900000001", "900000002", "12-345"]
    rows["tax_period"] = ["2024"] * 3
    pq.write_table(pa.table(rows), tmp_path / "m.parquet")
    with pytest.raises(InputError) as caught:
        generate_request(tmp_path / "m.parquet", tmp_path / "r.csv", 1)
    assert (caught.value.row, caught.value.field) == (3, "tin")


def test_a_bad_tax_period_in_the_master_is_named_by_row(tmp_path: Path):
    rows = {c: ["x"] * 2 for c in MASTER_COLUMNS}
    rows["tin"] = ["900000001", "900000002"]
    rows["tax_period"] = ["2024", "last year"]
    pq.write_table(pa.table(rows), tmp_path / "m.parquet")
    with pytest.raises(InputError) as caught:
        generate_request(tmp_path / "m.parquet", tmp_path / "r.csv", 1)
    assert (caught.value.row, caught.value.field) == (2, "tax_period")
