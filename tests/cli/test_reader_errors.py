"""A file that cannot be read is named, with the row and the reason, but never with the row's values:
the readers (Arrow, DuckDB, csv) quote the offending line, and these files hold names and TINs."""

from __future__ import annotations

import pytest

from ftigate.errors import data_free_reason

HEADER = "tin,first_name,middle_name,last_name,suffix,date_of_birth,address_line1,address_line2,city,state,zip,tax_period"
SECRET_ROW = "900100002,Thomasina,Okafor-Secretname"


@pytest.fixture
def bad_master(tmp_path):
    path = tmp_path / "master.csv"
    path.write_text("\n".join([HEADER, "900100001,Rosa,Maria,Delgado,,1979-03-14,418 Alder Street,,Fairview,OR,97024,2023",
                               SECRET_ROW]) + "\n", encoding="utf-8")
    return path


def test_match_and_generate_name_the_file_but_not_the_row(cli, bad_master, tmp_path):
    subjects = tmp_path / "subjects.csv"
    subjects.write_text("subject_id,first_name,middle_name,last_name,suffix,date_of_birth,address_line1,address_line2,"
                        "city,state,zip\nS-1,Rosa,,Delgado,,,418 Alder Street,,Fairview,OR,97024\n", encoding="utf-8")
    for result in (cli("match", "--master", bad_master, "--subjects", subjects, "--out", tmp_path / "r.csv"),
                   cli("generate", "request", "--master", bad_master, "--subjects", "1", "--out", tmp_path / "s.csv")):
        assert result.exit_code == 2 and "master.csv" in result.stderr
        assert "Thomasina" not in result.stderr and "900100002" not in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("message", [
    "CSV parse error: Expected 12 columns, got 3: 900100002,Thomasina,Okafor",
    "Invalid Input Error: CSV Error on Line: 3\nOriginal Line: 900100002,Thomasina,Okafor\nExpected Number of Columns: 12",
    "CSV parse error: Row #3: 900100002,Thomasina,Okafor",
])
def test_the_reason_keeps_the_words_and_drops_the_row(message):
    reason = data_free_reason(ValueError(message))
    assert "Thomasina" not in reason and "900100002" not in reason and reason
