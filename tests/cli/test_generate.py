"""``ftigate generate master|request`` through the real command line: files, summaries, clear errors."""

from __future__ import annotations

import pyarrow.parquet as pq
import pytest

from ftigate.formats import MASTER_COLUMNS, SUBJECT_COLUMNS
from ftigate.generator import TRUTH_COLUMNS
from ftigate.tabular import read_rows


def test_master_then_request(cli, tmp_path):
    master = tmp_path / "master.parquet"
    result = cli("generate", "master", "--people", "3000", "--out", master, "--seed", "4", "--periods", "2022,2023")
    assert result.exit_code == 0, result.stderr
    assert "3,000" in result.stdout and "father_son" in result.stdout
    assert tuple(pq.read_schema(master).names) == MASTER_COLUMNS
    assert {r["tax_period"] for r in pq.read_table(master, columns=["tax_period"]).to_pylist()} == {"2022", "2023"}
    assert (tmp_path / "master.cases.parquet").is_file()

    out, truth = tmp_path / "subjects.csv", tmp_path / "truth.csv"
    result = cli("generate", "request", "--master", master, "--subjects", "400", "--out", out, "--truth", truth)
    assert result.exit_code == 0, result.stderr
    assert "expected match" in result.stdout and "400" in result.stdout
    assert len(read_rows(out, SUBJECT_COLUMNS, ("tin",))) == 400
    assert len(read_rows(truth, TRUTH_COLUMNS)) == 400


def test_same_seed_same_file_through_the_cli(cli, tmp_path):
    for name in ("a.csv", "b.csv"):
        assert cli("generate", "master", "--people", "500", "--out", tmp_path / name, "--seed", "9").exit_code == 0
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()


@pytest.mark.parametrize(("args", "names"), [
    (["master", "--people", "0", "--out", "m.parquet"], ["--people"]),
    (["master", "--people", "-4", "--out", "m.parquet"], ["--people"]),
    (["master", "--people", "10", "--out", "m.parquet", "--seed", "-1"], ["--seed"]),
    (["master", "--people", "10", "--out", "m.parquet", "--periods", "2021,next"], ["--periods"]),
    (["request", "--master", "missing.parquet", "--subjects", "5", "--out", "r.csv"], ["missing.parquet", "--master"]),
])
def test_errors_name_what_is_wrong(cli, tmp_path, monkeypatch, args, names):
    monkeypatch.chdir(tmp_path)
    result = cli("generate", *args)
    assert result.exit_code == 2
    assert "error:" in result.stderr and "Traceback" not in result.stderr
    for name in names:
        assert name in result.stderr
    assert not (tmp_path / "m.parquet").exists() and not (tmp_path / "r.csv").exists()


def test_request_subjects_must_be_positive(cli, tmp_path):
    master = tmp_path / "m.parquet"
    assert cli("generate", "master", "--people", "200", "--out", master).exit_code == 0
    result = cli("generate", "request", "--master", master, "--subjects", "0", "--out", tmp_path / "r.csv")
    assert result.exit_code == 2 and "--subjects" in result.stderr


def test_too_many_subjects_for_the_master(cli, tmp_path):
    master = tmp_path / "m.parquet"
    assert cli("generate", "master", "--people", "200", "--out", master).exit_code == 0
    result = cli("generate", "request", "--master", master, "--subjects", "5000", "--out", tmp_path / "r.csv")
    assert result.exit_code == 2
    assert str(master) in result.stderr and "larger master file" in result.stderr.replace("\n", " ")
    assert not (tmp_path / "r.csv").exists()


def test_a_master_without_its_columns(cli, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("name,address\nA,B\n", encoding="utf-8")
    result = cli("generate", "request", "--master", bad, "--subjects", "1", "--out", tmp_path / "r.csv")
    assert result.exit_code == 2
    assert "bad.csv" in result.stderr and "field 'tin'" in result.stderr and "Traceback" not in result.stderr

