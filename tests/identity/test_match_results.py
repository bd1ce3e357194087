"""Every subject gets exactly one result with its evidence; results are written in the contract's format."""

from __future__ import annotations

import csv
from collections import Counter
from typing import get_args

import pyarrow.parquet as pq
import pytest

from ftigate.errors import InputError
from ftigate.formats import MATCH_COLUMNS
from ftigate.identity import MatchResult, Outcome, resolve, write_results


def test_one_result_per_subject_row(world, world_results) -> None:
    with world.subjects.open(encoding="utf-8") as handle:
        ids = [row["subject_id"] for row in csv.DictReader(handle)]
    assert sorted(world_results) == sorted(ids)
    assert all(r.outcome in get_args(Outcome) for r in world_results.values())


def test_every_hard_case_has_its_expected_outcome_and_no_wrong_tin(world, world_results) -> None:
    wrong = {sid: (r.outcome, r.tin) for sid, r in world_results.items()
             if r.outcome == "match" and r.tin != world.expected_tin[sid]}
    assert wrong == {}, "a wrong match discloses a stranger's information"
    hard = {sid: r.outcome for sid, r in world_results.items() if not sid.startswith("background")}
    assert hard == {sid: world.expected_outcome[sid] for sid in hard}


def test_plainly_written_requests_are_found(world, world_results) -> None:
    background = [r for sid, r in world_results.items() if sid.startswith("background")]
    found = sum(r.outcome == "match" and r.tin == world.expected_tin[r.subject_id] for r in background)
    assert found / len(background) >= 0.95


def test_a_match_keeps_its_evidence(world_results) -> None:
    evidence = world_results["father-son-son-dob"].evidence
    assert evidence["reason"] == "confident_unique_match"
    assert set(evidence["levels"]) == {"first_name", "last_name", "middle_name", "suffix", "date_of_birth",
                                       "address", "tin"}
    assert evidence["levels"]["date_of_birth"] == "exact"
    assert evidence["match_probability"] >= evidence["thresholds"]["min_probability"]
    runner_up = evidence["runner_up"]
    assert runner_up["tin"] == "900000001"
    # the father is the closest rival, told apart by the birth date: a contradiction, not a tie
    rival = evidence["rival"]
    assert (rival["tin"], rival["tie"]) == ("900000001", False)
    assert rival["likelihood_ratio_bits"] >= evidence["thresholds"]["min_rival_bits"]
    assert rival["by_field"]["date_of_birth"] == evidence["thresholds"]["contradiction_bits"]
    assert rival["likelihood_ratio_bits"] == sum(rival["by_field"].values())


def test_write_results_csv_follows_the_contract(tmp_path) -> None:
    results = [MatchResult("a", "match", "123456789", 0.99991), MatchResult("b", "no_match", None, 0.2),
               MatchResult("c", "ambiguous", None, 0.9999), MatchResult("d", "invalid", None, None)]
    counts = write_results(results, tmp_path / "out.csv")
    assert counts == Counter({"match": 1, "no_match": 1, "ambiguous": 1, "invalid": 1})
    with (tmp_path / "out.csv").open(encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert tuple(rows[0]) == MATCH_COLUMNS
    assert rows[1] == ["a", "match", "123456789", "0.99991"]
    assert rows[3] == ["c", "ambiguous", "", "0.9999"]  # a TIN only for a match
    assert rows[4] == ["d", "invalid", "", ""]


def test_write_results_parquet(tmp_path) -> None:
    write_results([MatchResult("a", "match", "123456789", 0.999)], tmp_path / "out.parquet")
    table = pq.read_table(tmp_path / "out.parquet")
    assert tuple(table.column_names) == MATCH_COLUMNS
    assert table.to_pylist() == [{"subject_id": "a", "outcome": "match", "tin": "123456789",
                                  "match_probability": "0.999"}]


def test_a_subjects_file_without_a_required_column_is_an_input_error(world, tmp_path) -> None:
    bad = tmp_path / "subjects.csv"
    bad.write_text("subject_id,first_name\nS1,Ann\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        list(resolve(world.master, bad, work_dir=tmp_path / "work"))
    assert caught.value.field == "middle_name"  # the first missing column
    assert "last_name" in caught.value.message


def test_a_master_file_without_a_required_column_is_an_input_error(world, tmp_path) -> None:
    master = tmp_path / "master.csv"
    master.write_text("tin,first_name\n123456789,Ann\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        list(resolve(master, world.subjects, work_dir=tmp_path / "work"))
    assert caught.value.file == str(master)
    assert caught.value.field == "middle_name"


def test_an_unknown_engine_is_refused(world, tmp_path) -> None:
    with pytest.raises(InputError):
        list(resolve(world.master, world.subjects, engine="pandas", work_dir=tmp_path))


@pytest.mark.slow
def test_the_trained_model_is_cached_by_master_file_and_reused(world, tmp_path) -> None:
    work = tmp_path / "work"
    stages: list[str] = []
    first = {r.subject_id: (r.outcome, r.tin) for r in resolve(world.master, world.subjects, work_dir=work)}
    cached = list(work.glob("model-*.json"))
    assert len(cached) == 1
    second = {r.subject_id: (r.outcome, r.tin)
              for r in resolve(world.master, world.subjects, work_dir=work, progress=lambda s, done, total: stages.append(s))}
    assert first == second
    assert "training" in stages and "scoring candidates" in stages
    assert list(work.glob("model-*.json")) == cached
    assert [p for p in work.iterdir() if p.name.startswith("ftigate-match-")] == []  # work space removed


def test_a_subjects_file_with_no_rows_gives_no_results(world, tmp_path) -> None:
    empty = tmp_path / "subjects.csv"
    empty.write_text("subject_id,first_name,middle_name,last_name,suffix,date_of_birth,address_line1,address_line2,"
                     "city,state,zip\n", encoding="utf-8")
    assert list(resolve(world.master, empty, work_dir=tmp_path / "work")) == []


def test_only_invalid_subjects_are_judged_without_scoring(world, tmp_path) -> None:
    subjects = tmp_path / "subjects.csv"
    subjects.write_text("subject_id,first_name,middle_name,last_name,suffix,date_of_birth,address_line1,address_line2,"
                        "city,state,zip\nS1,FNU,,Lee,,,Failed to Provide,,,,\n", encoding="utf-8")
    (result,) = resolve(world.master, subjects, work_dir=tmp_path / "work")
    assert (result.subject_id, result.outcome) == ("S1", "invalid")
    assert set(result.evidence["rules"]) == {"L3-subject-name", "L3-subject-address"}
