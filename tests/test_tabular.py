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
