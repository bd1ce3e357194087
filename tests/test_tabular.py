"""Writing files atomically (``ftigate.tabular``): a reader or a crash sees the old file or the new
one, a private file is never readable by others, and a create-once file is never replaced."""

from __future__ import annotations

import os
import stat

import pytest

from ftigate.tabular import create_file_once, write_file_atomic


def _mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_write_replaces_the_whole_file_and_leaves_nothing_beside_it(tmp_path):
    path = tmp_path / "deep" / "page.html"
    write_file_atomic(path, "first")
    write_file_atomic(path, b"second")
    assert path.read_text(encoding="utf-8") == "second"
    assert sorted(p.name for p in path.parent.iterdir()) == ["page.html"]


def test_a_private_file_has_its_mode_from_the_start(tmp_path, monkeypatch):
    seen = []
    real_fchmod = os.fchmod

    def watch(fd, mode):
        seen.append(stat.S_IMODE(os.fstat(fd).st_mode))  # the mode it was created with
        real_fchmod(fd, mode)

    monkeypatch.setattr(os, "fchmod", watch)
    path = tmp_path / "notice.txt"
    write_file_atomic(path, "names a taxpayer", mode=0o600)
    assert _mode(path) == 0o600
    assert seen and all(m & 0o077 == 0 for m in seen)


def test_a_failed_write_keeps_the_old_file(tmp_path, monkeypatch):
    path = tmp_path / "package.json"
    write_file_atomic(path, "old")

    def refuse(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(OSError, match="disk full"):
        write_file_atomic(path, "new")
    assert path.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["package.json"]


def test_create_once_never_replaces_what_exists(tmp_path):
    path = tmp_path / "keys" / "signing.key"
    assert create_file_once(path, "the first key") is True
    assert create_file_once(path, "a second key") is False
    assert path.read_text(encoding="utf-8") == "the first key"
    assert _mode(path) == 0o600
    assert [p.name for p in path.parent.iterdir()] == ["signing.key"]


@pytest.mark.parametrize("name", ["rows.csv", "rows.parquet"])
def test_rows_are_written_whole_with_the_mode_asked(tmp_path, name):
    from ftigate.tabular import read_rows, write_rows

    path = tmp_path / name
    assert write_rows(path, ("tin", "city"), [{"tin": "900000001", "city": "Springfield"}], mode=0o600) == 1
    assert read_rows(path, ("tin", "city")) == [{"tin": "900000001", "city": "Springfield"}]
    assert _mode(path) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == [name]


def test_rows_that_fail_half_way_leave_no_file(tmp_path):
    from ftigate.tabular import write_rows

    def rows():
        yield {"tin": "900000001"}
        raise RuntimeError("the source failed")

    with pytest.raises(RuntimeError):
        write_rows(tmp_path / "rows.csv", ("tin",), rows())
    assert list(tmp_path.iterdir()) == []


# --- spreadsheet formulas ------------------------------------------------------------------------------

from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from ftigate.tabular import FORMULA_STARTS, spreadsheet_safe, write_rows  # noqa: E402


@pytest.mark.parametrize("cell", ['=HYPERLINK("http://example.invalid","8 U.S.C. 1357(a)")', "+1+cmd|' /C calc'!A0",
                                  "-2+3", "@SUM(A1:A9)", "\t=1", "\r=1", "-", "=", "+ICE"])
def test_a_cell_a_spreadsheet_would_run_is_written_as_text(cell):
    assert spreadsheet_safe(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["-12.5", "+1", "-3", "1e-3", "-0.25E+2", "0.9993", "900100001", "S-000001",
                                  "8 U.S.C. 1357(a)", "", "O'Neil", "'=already quoted"])
def test_numbers_and_plain_text_are_written_as_they_are(cell):
    assert spreadsheet_safe(cell) == cell


@given(st.text())
def test_no_written_cell_starts_a_formula_unless_it_is_a_number(text):
    safe = spreadsheet_safe(text)
    assert safe in (text, "'" + text)
    if safe.startswith(FORMULA_STARTS):
        float(safe)  # only a plain number may keep its sign


def test_every_csv_row_goes_through_the_rule_and_parquet_keeps_its_values(tmp_path):
    rows = [{"subject_id": "=cmd()", "outcome": "match", "tin": "900100001", "match_probability": "-0.5"}]
    columns = ("subject_id", "outcome", "tin", "match_probability")
    write_rows(tmp_path / "r.csv", columns, rows)
    assert (tmp_path / "r.csv").read_text().splitlines()[1] == "'=cmd(),match,900100001,-0.5"
    write_rows(tmp_path / "r.parquet", columns, rows)
    from ftigate.tabular import read_rows
    assert read_rows(tmp_path / "r.parquet", columns) == rows


@pytest.mark.parametrize("name", ["rows.parquet", "rows.csv"])
def test_columns_are_written_as_the_same_rows_would_be(tmp_path, name):
    """A file written a column at a time holds what :func:`write_rows` writes for the same rows: every
    value as text, an empty value kept, a value that is not text written as its text."""
    from ftigate.tabular import read_rows, write_columns, write_rows

    columns = {"subject_id": ["1", "2", "3"], "last_name": ["Zoë", "", "O'Brien"], "zip": ["02134", 2135, "x"]}
    by_columns, by_rows = tmp_path / "c" / name, tmp_path / "r" / name
    assert write_columns(by_columns, columns, mode=0o600) == 3
    write_rows(by_rows, list(columns), [dict(zip(columns, values, strict=True))
                                        for values in zip(*columns.values(), strict=True)], mode=0o600)
    assert read_rows(by_columns, list(columns)) == read_rows(by_rows, list(columns))
    assert _mode(by_columns) == 0o600
