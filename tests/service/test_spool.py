"""Subjects of a file are spooled to disk in batches: read back by index, in order and by slice, and
judged exactly as if they had all been held in memory."""

from __future__ import annotations

import json

import pytest

from ftigate.formats import SUBJECT_COLUMNS, SUBJECT_FIELDS
from ftigate.service.requests import spool
from ftigate.service.requests.checking import check_request_file
from ftigate.service.requests.intake import read_intake
from ftigate.service.requests.spool import SubjectSpool
from ftigate.settings import Settings


def subject(n: int) -> dict[str, str]:
    return {name: f"{name}-{n}" for name in SUBJECT_FIELDS}


def test_a_spool_reads_back_what_was_appended_across_batches(tmp_path):
    kept = SubjectSpool(tmp_path, batch=3)
    for n in range(8):
        kept.append(subject(n))
    assert len(kept) == 8
    assert [s["subject_id"] for s in kept] == [f"subject_id-{n}" for n in range(8)]
    assert kept[4] == subject(4) and kept[7] == subject(7) and kept[-1] == subject(7) and kept[0] == subject(0)
    assert [s["last_name"] for s in kept[2:5]] == ["last_name-2", "last_name-3", "last_name-4"]
    with pytest.raises(IndexError):
        kept[8]
    assert list(tmp_path.iterdir()) == []  # the spool file has no name: nothing is left behind
    kept.close()
    assert len(kept) == 0


ROWS = [
    "S-1,José,,Núñez,,1980-04-02,12 Example Road,,Springfield,IL,62701",
    "S-2,Rosalind,M,Exemplar,,,7 Sample Street,Apt 2,Shelbyville,IL,62565",
    "S-3,FNU,,Exemplar,,,7 Sample Street,,Shelbyville,IL,62565",
    "S-1,Quentin,,Synthetica,,1980-04-02,12 Example Road,,Springfield,IL,62701",
    "S-5,Zoë,,Ångström,,2999-01-01,Unknown Address,,,,",
    "S-6,Rosalind,M,Exemplar,,,7 Sample Street,Apt 2,Shelbyville,IL,62565",
    "S-7,too,few",
]


def _request(tmp_path):
    (tmp_path / "subjects.csv").write_text(",".join(SUBJECT_COLUMNS) + "\n" + "\n".join(ROWS) + "\n", encoding="utf-8")
    path = tmp_path / "request.json"
    path.write_text(json.dumps({"subjects_file": "subjects.csv", "agency": "DHS-ICE",
                                "reason": "the same reason"}), encoding="utf-8")
    return path


def test_a_file_judged_in_batches_gets_the_verdict_it_gets_in_one(tmp_path, monkeypatch):
    path = _request(tmp_path)
    settings = Settings(data_dir=tmp_path / "data")
    whole = check_request_file(settings, path).to_json()
    monkeypatch.setattr(spool, "BATCH", 2)
    intake = read_intake(path)
    assert isinstance(intake.subjects, SubjectSpool) and len(intake.subjects) == len(ROWS)
    assert [s["first_name"] for s in intake.subjects] == ["José", "Rosalind", "FNU", "Quentin", "Zoë", "Rosalind", "too"]
    intake.close()
    batched = check_request_file(settings, path).to_json()
    assert batched == whole
    assert whole["subjects"]["invalid"] >= 4  # the repeated id, the placeholder name, the bad address, the short row
