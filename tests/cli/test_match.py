"""``ftigate match``: the matching engine as a command, through the real CLI."""

from __future__ import annotations

import csv
import hashlib
import json
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "identity"))

from identity_world import World, build_world

from ftigate.formats import MATCH_COLUMNS


@pytest.fixture(scope="module")
def small_world(tmp_path_factory: pytest.TempPathFactory) -> World:
    return build_world(tmp_path_factory.mktemp("cli-world"), background=800, sampled=40)


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.slow
def test_match_writes_the_match_results_format(cli, small_world: World, tmp_path: Path, data_dir: Path) -> None:
    out = tmp_path / "results.csv"
    result = cli("match", "--master", small_world.master, "--subjects", small_world.subjects, "--out", out)
    assert result.exit_code == 0, result.stderr
    rows = _read(out)
    assert tuple(rows[0]) == MATCH_COLUMNS
    assert len(rows) == len(small_world.expected_outcome)
    assert out.stat().st_mode & 0o777 == 0o600  # it names taxpayers' TINs
    by_id = {row["subject_id"]: row for row in rows}
    assert by_id["father-son-no-dob"]["outcome"] == "ambiguous"
    assert by_id["father-son-son-dob"]["outcome"] == "match"
    assert by_id["father-son-son-dob"]["tin"] == "900000002"
    assert by_id["address-elsewhere"] == {"subject_id": "address-elsewhere", "outcome": "no_match", "tin": "",
                                          "match_probability": by_id["address-elsewhere"]["match_probability"]}
    assert by_id["address-placeholder"]["outcome"] == "invalid"
    assert all(row["tin"] == "" for row in rows if row["outcome"] != "match")
    wrong = [row for row in rows if row["outcome"] == "match" and row["tin"] != small_world.expected_tin[row["subject_id"]]]
    assert wrong == []
    counts = {o: sum(row["outcome"] == o for row in rows) for o in ("match", "no_match", "ambiguous", "invalid")}
    assert f"match {counts['match']}, no_match {counts['no_match']}" in result.stdout
    # the trained model is kept in the data directory for the next request against this master file
    [cached] = (data_dir / "match").glob("model-*.json")
    # and the command names it: the model's digest and the master file's
    model = json.loads(cached.read_text())
    assert f"model {model['version']} sha256 {model['sha256']}" in result.stdout
    assert f"master file sha256 {hashlib.sha256(small_world.master.read_bytes()).hexdigest()}" in result.stdout


@pytest.mark.slow
def test_match_reads_and_writes_parquet(cli, small_world: World, tmp_path: Path) -> None:
    subjects = tmp_path / "subjects.parquet"
    master = tmp_path / "master.parquet"
    for source, target in ((small_world.subjects, subjects), (small_world.master, master)):
        rows = _read(source)
        pq.write_table(pa.table({k: pa.array([r[k] for r in rows], type=pa.string()) for k in rows[0]}), target)
    out = tmp_path / "results.parquet"
    result = cli("match", "--master", master, "--subjects", subjects, "--out", out)
    assert result.exit_code == 0, result.stderr
    table = pq.read_table(out)
    assert tuple(table.column_names) == MATCH_COLUMNS
    as_csv = tmp_path / "results.csv"
    assert cli("match", "--master", small_world.master, "--subjects", small_world.subjects, "--out", as_csv).exit_code == 0
    assert {(r["subject_id"], r["outcome"], r["tin"] or None) for r in table.to_pylist()} == {
        (r["subject_id"], r["outcome"], r["tin"] or None) for r in _read(as_csv)}


def test_a_malformed_subjects_row_is_reported_by_number_without_a_traceback(cli, small_world: World, tmp_path: Path) -> None:
    subjects = tmp_path / "subjects.csv"
    header = "subject_id,first_name,middle_name,last_name,suffix,date_of_birth,address_line1,address_line2,city,state,zip"
    subjects.write_text(f"{header}\nS1,Ann,,Lee,,,1 A St,,Eugene,OR,97401\nS2,Bob,Lee\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    result = cli("match", "--master", small_world.master, "--subjects", subjects, "--out", out)
    assert result.exit_code == 2
    assert "row 2" in result.stderr and "Traceback" not in result.stderr
    assert not out.exists()  # fail closed: no partial results


def test_a_master_file_missing_a_column_is_refused(cli, small_world: World, tmp_path: Path) -> None:
    master = tmp_path / "master.csv"
    master.write_text("tin,first_name,last_name\n123456789,Ann,Lee\n", encoding="utf-8")
    result = cli("match", "--master", master, "--subjects", small_world.subjects, "--out", tmp_path / "out.csv")
    assert result.exit_code == 2
    assert "missing column" in result.stderr and str(master) in result.stderr


def test_unknown_engine_and_missing_files_are_refused(cli, small_world: World, tmp_path: Path) -> None:
    engine = cli("match", "--master", small_world.master, "--subjects", small_world.subjects,
                 "--out", tmp_path / "o.csv", "--engine", "pandas")
    assert engine.exit_code == 2 and "unknown engine" in engine.stderr
    missing = cli("match", "--master", tmp_path / "nope.csv", "--subjects", small_world.subjects,
                  "--out", tmp_path / "o.csv")
    assert missing.exit_code == 2 and "no such file" in missing.stderr
