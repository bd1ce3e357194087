"""Intake: the request file read exactly as sent; every reading problem a finding, never an error,
except a file that is not a JSON object in UTF-8."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from ftigate.crypto import sha256_file
from ftigate.errors import InputError
from ftigate.formats import SUBJECT_COLUMNS
from ftigate.service.requests.intake import SUBJECT_FIELDS, read_intake

HEADER = ",".join(SUBJECT_COLUMNS)
ROW1 = "S-1,Quentin,,Synthetica,,1980-04-02,12 Example Road,,Springfield,IL,62701"
ROW2 = "S-2,Rosalind,M,Exemplar,,,7 Sample Street,Apt 2,Shelbyville,IL,62565"


def write(tmp_path: Path, request: object, name: str = "request.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(request), encoding="utf-8")
    return path


def with_file(tmp_path: Path, text: str, name: str = "subjects.csv") -> Path:
    (tmp_path / name).write_text(text, encoding="utf-8")
    return write(tmp_path, {"subjects_file": name, "agency": "DHS-ICE"})


@pytest.mark.parametrize("content", [b"[1, 2]", b'"text"', b"not json", b"\xff\xfe{}", b"", b"null"])
def test_only_a_json_object_in_utf8_is_read(tmp_path, content):
    path = tmp_path / "request.json"
    path.write_bytes(content)
    with pytest.raises(InputError):
        read_intake(path)


def test_a_missing_request_file_is_an_input_error(tmp_path):
    with pytest.raises(InputError):
        read_intake(tmp_path / "nope.json")


def test_inline_subjects_hold_every_field_as_text(tmp_path):
    intake = read_intake(write(tmp_path, {"subjects": [{"subject_id": "S-1", "first_name": " Quentin ", "zip": 62701,
                                                        "tin": None}]}))
    (subject,) = intake.subjects
    assert set(subject) == set(SUBJECT_FIELDS)
    assert subject["first_name"] == "Quentin"
    assert subject["zip"] == "62701"
    assert subject["tin"] == "" and subject["reason"] == ""
    assert intake.row_numbers == [1]
    assert intake.findings == [] and intake.row_problems == {}
    assert intake.subjects_sha256_actual is None


def test_an_inline_subject_that_is_not_an_object_is_a_malformed_row(tmp_path):
    intake = read_intake(write(tmp_path, {"subjects": [{"subject_id": "S-1"}, "S-2", {"subject_id": "S-3", "zip": [1]}]}))
    assert len(intake.subjects) == 3
    assert set(intake.row_problems) == {1, 2}
    (bad_row,) = intake.row_problems[1]
    assert bad_row.rule == "L2-subject-row" and bad_row.message.startswith("row 2")
    (bad_field,) = intake.row_problems[2]
    assert "field 'zip'" in bad_field.message and bad_field.subject_id == "S-3"


def test_a_csv_subjects_file_is_read_with_its_hash(tmp_path):
    path = with_file(tmp_path, f"{HEADER}\n{ROW1}\n{ROW2}\n")
    intake = read_intake(path)
    assert [s["subject_id"] for s in intake.subjects] == ["S-1", "S-2"]
    assert intake.subjects[1]["address_line2"] == "Apt 2"
    assert list(intake.row_numbers) == [1, 2]
    assert intake.subjects_sha256_actual == sha256_file(tmp_path / "subjects.csv")
    assert intake.findings == []


def test_optional_columns_are_read_when_present(tmp_path):
    path = with_file(tmp_path, f"{HEADER},tin,reason\n{ROW1},123456789,Named in indictment CR-1\n")
    (subject,) = read_intake(path).subjects
    assert subject["tin"] == "123456789" and subject["reason"] == "Named in indictment CR-1"


def test_a_parquet_subjects_file_is_read(tmp_path):
    columns = {c: [v] for c, v in zip(SUBJECT_COLUMNS, ROW1.split(","), strict=True)}
    pq.write_table(pa.table({c: pa.array(v, type=pa.string()) for c, v in columns.items()}), tmp_path / "s.parquet")
    path = write(tmp_path, {"subjects_file": "s.parquet"})
    intake = read_intake(path)
    assert intake.subjects[0]["last_name"] == "Synthetica"
    assert intake.subjects_sha256_actual == sha256_file(tmp_path / "s.parquet")
    assert intake.findings == []


def test_a_missing_subjects_file_is_a_finding(tmp_path):
    intake = read_intake(write(tmp_path, {"subjects_file": "absent.csv"}))
    (finding,) = intake.findings
    assert finding.rule == "L2-subjects-file" and finding.outcome == "fail" and "does not exist" in finding.message
    assert intake.subjects == [] and intake.subjects_sha256_actual is None


def test_an_absolute_subjects_path_is_a_finding(tmp_path):
    (tmp_path / "s.csv").write_text(f"{HEADER}\n{ROW1}\n", encoding="utf-8")
    intake = read_intake(write(tmp_path, {"subjects_file": str(tmp_path / "s.csv")}))
    (finding,) = intake.findings
    assert "relative" in finding.message


def test_a_missing_column_is_a_finding(tmp_path):
    header = HEADER.replace(",zip", "")
    intake = read_intake(with_file(tmp_path, f"{header}\n{ROW1.rsplit(',', 1)[0]}\n"))
    (finding,) = intake.findings
    assert "zip" in finding.message and "header" in finding.message
    assert list(intake.subjects) == []


def test_a_duplicated_column_is_a_finding(tmp_path):
    intake = read_intake(with_file(tmp_path, f"{HEADER},city\n{ROW1},Springfield\n"))
    (finding,) = intake.findings
    assert "twice" in finding.message


def test_a_malformed_row_is_kept_and_named_by_row(tmp_path):
    intake = read_intake(with_file(tmp_path, f"{HEADER}\n{ROW1}\n{ROW2},extra\nS-3,Ann,,Other\n{ROW1.replace('S-1', 'S-4')}\n"))
    assert [s["subject_id"] for s in intake.subjects] == ["S-1", "S-2", "S-3", "S-4"]
    assert set(intake.row_problems) == {1, 2}
    (extra,) = intake.row_problems[1]
    assert extra.message == "row 2: has 12 fields where the header has 11" and extra.subject_id == "S-2"
    (short,) = intake.row_problems[2]
    assert short.message.startswith("row 3: has 4 fields") and short.subject_id == "S-3"
    assert intake.findings == []


def test_a_file_that_is_not_utf8_is_a_finding(tmp_path):
    (tmp_path / "subjects.csv").write_bytes(f"{HEADER}\n".encode() + "S-1,Jos\xe9".encode("latin-1") + b",,X,,,1 A St,,B,IL,62701\n")
    intake = read_intake(write(tmp_path, {"subjects_file": "subjects.csv"}))
    (finding,) = intake.findings
    assert "UTF-8" in finding.message


def test_an_empty_file_is_a_finding(tmp_path):
    intake = read_intake(with_file(tmp_path, ""))
    (finding,) = intake.findings
    assert "empty" in finding.message


def test_blank_lines_are_skipped_but_counted(tmp_path):
    intake = read_intake(with_file(tmp_path, f"{HEADER}\n{ROW1}\n\n{ROW2}\n"))
    assert list(intake.row_numbers) == [1, 3]


def test_a_request_with_both_sources_reads_the_inline_list(tmp_path):
    (tmp_path / "subjects.csv").write_text(f"{HEADER}\n{ROW1}\n{ROW2}\n", encoding="utf-8")
    intake = read_intake(write(tmp_path, {"subjects": [{"subject_id": "S-9"}], "subjects_file": "subjects.csv"}))
    assert [s["subject_id"] for s in intake.subjects] == ["S-9"]


def test_progress_is_reported(tmp_path):
    seen = []
    read_intake(with_file(tmp_path, f"{HEADER}\n{ROW1}\n{ROW2}\n"), progress=lambda stage, done, total: seen.append((stage, done)))
    assert seen and seen[-1] == ("reading subjects", 2)


def test_the_context_carries_what_intake_found(tmp_path):
    import datetime as dt

    intake = read_intake(with_file(tmp_path, f"{HEADER}\n{ROW1}\n{ROW2},extra\n"))
    ctx = intake.context(dt.date(2026, 11, 29))
    assert ctx.subjects_sha256_actual == intake.subjects_sha256_actual
    assert ctx.row_problems == intake.row_problems
    assert list(ctx.row_numbers) == [1, 2]
