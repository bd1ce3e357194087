"""How the subjects reach the matcher: read here, read in a process of their own, or handed over
already judged. Every way gives the same results, the same invalid subjects (row, messages, rules)
and the same errors; subjects are taken as judged only under the law's rules in force."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ftigate import law
from ftigate.errors import InputError
from ftigate.formats import SUBJECT_COLUMNS
from ftigate.identity import MatchResult, engine, resolve, sources
from ftigate.tabular import read_rows, write_rows

_FIELDS = (*SUBJECT_COLUMNS, "tin")
_HEADER = ",".join(SUBJECT_COLUMNS)


def _decided(results: list[MatchResult] | Any) -> dict[str, tuple[Any, ...]]:
    return {r.subject_id: (r.outcome, r.tin, r.match_probability, r.evidence) for r in results}


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One work folder for the module: the model is trained once and read from its cache after."""
    return tmp_path_factory.mktemp("match-work")


@pytest.fixture
def apart(monkeypatch) -> list[bool]:
    """Every subjects file, however small, read in a process of its own; lists each such process's
    ``judged`` flag, so a test can tell the path was taken."""
    return _read_apart(monkeypatch)


def _read_apart(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    started: list[bool] = []

    class Recorded(engine.SubjectsApart):
        def __init__(self, subjects: Path, folder: Path, *, judged: bool = False) -> None:
            started.append(judged)
            super().__init__(subjects, folder, judged=judged)

    monkeypatch.setattr(sources, "APART_FROM_BYTES", 0)
    monkeypatch.setattr(engine, "SubjectsApart", Recorded)
    return started


def _input_error(master: Path, subjects: Path, work: Path, **kwargs: Any) -> tuple[Any, ...]:
    with pytest.raises(InputError) as caught:
        list(resolve(master, subjects, work_dir=work, **kwargs))
    return caught.value.message, caught.value.file, caught.value.row, caught.value.field


def _valid_only(world, out: Path) -> Path:
    """The world's subjects that pass the law's per-subject rules, as the gateway hands them over."""
    rows = [r for r in read_rows(world.subjects, SUBJECT_COLUMNS, ("tin",)) if not law.subject_findings(r)]
    write_rows(out, _FIELDS, rows)
    return out


def test_subjects_read_apart_are_decided_exactly_as_when_read_here(world, world_results, apart, tmp_path, work) -> None:
    results = _decided(resolve(world.master, world.subjects, work_dir=work))
    assert apart == [False]
    assert results == _decided(world_results.values())
    invalid = {sid: r[3] for sid, r in results.items() if r[0] == "invalid"}
    assert invalid and all(set(e) == {"reasons", "rules", "row"} for e in invalid.values())


def test_invalid_subjects_read_apart_keep_their_row_numbers_messages_and_rules(world, monkeypatch, tmp_path, work) -> None:
    subjects = tmp_path / "subjects.csv"
    subjects.write_text(
        _HEADER + "\n"
        "S1,FNU,,Lee,,,Failed to Provide,,,,\n"
        "\n"  # a blank line still counts as a row
        ",Ann,,Lee,,2999-01-01,12 Oak St,,Salem,OR,97301\n"
        "S3,Ann,,Lee,,,12 Oak St,,Salem,OR,97301\n", encoding="utf-8")
    here = [r for r in resolve(world.master, subjects, work_dir=work) if r.outcome == "invalid"]
    assert [(r.subject_id, r.evidence["row"], r.evidence["rules"]) for r in here] == [
        ("S1", 1, ["L3-subject-name", "L3-subject-address"]), ("row 3", 3, ["L3-subject-id", "L3-subject-date-of-birth"])]
    assert all(len(r.evidence["reasons"]) == 2 for r in here)
    started = _read_apart(monkeypatch)
    there = [r for r in resolve(world.master, subjects, work_dir=work) if r.outcome == "invalid"]
    assert _decided(there) == _decided(here)
    assert started == [False]


@pytest.mark.parametrize("content, row", [
    (_HEADER + "\nS1,Ann,,Lee,,,12 Oak St,,Salem,OR,97301\nS2,Ann,Lee\n", 2),  # a ragged row
    (_HEADER + "\nS1,Ann,,Lee,,,12 Oak St,,Salem,OR,97301\nS2,An\xff\n", None),  # not UTF-8
    ("subject_id,first_name\nS1,Ann\n", 0),  # a required column missing
])
def test_a_malformed_subjects_file_gives_the_same_error_read_apart(world, monkeypatch, tmp_path, work, content, row) -> None:
    subjects = tmp_path / "subjects.csv"
    subjects.write_bytes(content.encode("latin-1"))
    here = _input_error(world.master, subjects, work)
    assert here[1] == str(subjects) and (row is None or here[2] == row)
    monkeypatch.setattr(sources, "APART_FROM_BYTES", 0)
    assert _input_error(world.master, subjects, work) == here


def test_the_subjects_error_comes_before_the_master_files_as_when_read_first(world, apart, tmp_path, work) -> None:
    subjects = tmp_path / "subjects.csv"
    subjects.write_text(_HEADER + "\nS1,Ann,Lee\n", encoding="utf-8")
    master = tmp_path / "master.csv"
    master.write_text("tin,first_name\n123456789,Ann\n", encoding="utf-8")
    assert _input_error(master, subjects, work)[1:3] == (str(subjects), 1)
    # valid subjects: the master file's own error
    assert _input_error(master, world.subjects, work)[1:] == (str(master), 0, "middle_name")
    assert apart == [False, False]


def test_only_invalid_subjects_read_apart_never_need_the_master_files_rows(world, apart, tmp_path, work) -> None:
    subjects = tmp_path / "subjects.csv"
    subjects.write_text(_HEADER + "\nS1,FNU,,Lee,,,Failed to Provide,,,,\n", encoding="utf-8")
    master = tmp_path / "master.csv"  # a good header, a broken row: never read, as before
    master.write_text(world.master.read_text(encoding="utf-8").splitlines()[0] + "\n1,2\n", encoding="utf-8")
    (result,) = resolve(master, subjects, work_dir=work)
    assert (result.subject_id, result.outcome, result.evidence["row"]) == ("S1", "invalid", 1)
    assert apart == [False]


def test_subjects_judged_under_the_law_in_force_are_not_judged_again(world, monkeypatch, tmp_path, work) -> None:
    judged = _valid_only(world, tmp_path / "pending.parquet")
    again = _decided(resolve(world.master, judged, work_dir=work))

    def never(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("judged again")

    monkeypatch.setattr(sources, "subject_findings", never)
    for version in (law.POLICY_VERSION, f"{law.POLICY_VERSION}+0123456789ab"):
        assert _decided(resolve(world.master, judged, work_dir=work, judged_under=version)) == again
    assert "invalid" not in {r[0] for r in again.values()}


def test_subjects_judged_apart_are_decided_as_those_judged_here(world, apart, tmp_path, work) -> None:
    judged = _valid_only(world, tmp_path / "pending.parquet")
    here = _decided(resolve(world.master, judged, work_dir=work))
    assert _decided(resolve(world.master, judged, work_dir=work, judged_under=law.POLICY_VERSION)) == here
    assert apart == [False, True]


@pytest.mark.parametrize("version", [None, "", "2026.11-1", "2026.11-1+0123456789ab", f"{law.POLICY_VERSION}0",
                                     "+" + law.POLICY_VERSION, "unknown"])
def test_subjects_judged_under_any_other_version_are_judged_again(world, tmp_path, work, version) -> None:
    """Fail closed: a subject another version let through is judged by the rules in force."""
    subjects = tmp_path / "pending.csv"
    subjects.write_text(_HEADER + "\nS1,FNU,,Lee,,,Failed to Provide,,,,\n", encoding="utf-8")
    (result,) = resolve(world.master, subjects, work_dir=work, judged_under=version)
    assert (result.outcome, result.evidence["rules"]) == ("invalid", ["L3-subject-name", "L3-subject-address"])
    assert not sources.judged_under_current_law(version)


def test_judged_subjects_are_read_as_the_subjects_file_reads_them(tmp_path, work) -> None:
    """Stripped, empty as null, row numbers from 1, an absent optional column as null: the table the
    matcher normalises is the same whether the subjects were judged here or before."""
    rows = [{"subject_id": " S1 ", "first_name": "Ann ", "middle_name": "", "last_name": "Lee", "suffix": "  ",
             "date_of_birth": "", "address_line1": "12 Oak St", "address_line2": "", "city": "Salem",
             "state": "OR", "zip": "97301"}]
    for name in ("pending.parquet", "pending.csv"):
        write_rows(tmp_path / name, SUBJECT_COLUMNS, rows)
        with engine.work_database(work) as (con, _):
            assert sources.load_judged_subjects(con, tmp_path / name, "judged") == 1
            assert sources.load_subjects(con, tmp_path / name, "here", lambda *a: None) == 1
            judged = con.execute("SELECT * FROM judged").fetchall()
            assert judged == con.execute("SELECT * FROM here").fetchall()
            assert judged[0][:5] == (1, "S1", "Ann", None, "Lee")


def test_judged_subjects_missing_a_column_are_an_input_error(world, tmp_path, work) -> None:
    pending = tmp_path / "pending.parquet"
    write_rows(pending, ("subject_id", "first_name"), [{"subject_id": "S1", "first_name": "Ann"}])
    _, file, row, field = _input_error(world.master, pending, work, judged_under=law.POLICY_VERSION)
    assert (file, row, field) == (str(pending), 0, "middle_name")


def test_the_subjects_process_is_ended_when_the_results_are_abandoned(world, apart, tmp_path, work, monkeypatch) -> None:
    seen: list[engine.SubjectsApart] = []
    stop = engine.SubjectsApart.stop

    def recorded_stop(self: engine.SubjectsApart) -> None:
        seen.append(self)
        stop(self)

    monkeypatch.setattr(engine.SubjectsApart, "stop", recorded_stop)
    master = tmp_path / "master.csv"
    master.write_text("tin,first_name\n123456789,Ann\n", encoding="utf-8")
    with pytest.raises(InputError):
        list(resolve(master, world.subjects, work_dir=work))
    (process,) = seen
    assert not process._process.is_alive()
    assert not any(work.glob("ftigate-match-*"))


def _being_written(world, out: Path, pause: float = 0.5) -> tuple[Any, Any]:
    """The valid subjects written to ``out`` by a thread after a pause, as the gateway writes its
    pending subjects while the matcher starts; returns the thread pool and the write's future."""
    import time
    from concurrent.futures import ThreadPoolExecutor

    pool = ThreadPoolExecutor(1)

    def write() -> Path:
        time.sleep(pause)
        return _valid_only(world, out)

    return pool, pool.submit(write)


@pytest.mark.parametrize("processes, apart_from, apart", [(True, 0, True), (True, None, False), (False, 0, False)],
                         ids=["apart", "small-read-here", "no-processes"])
def test_a_subjects_file_still_being_written_is_opened_once_whole(world, monkeypatch, tmp_path, work,
                                                                  processes, apart_from, apart) -> None:
    from ftigate.identity import decided_results, resolve_columns

    expected = _decided(resolve(world.master, _valid_only(world, tmp_path / "whole.parquet"), work_dir=work))
    pending = tmp_path / "pending.parquet"
    started: list[bool] = []

    class Recorded(engine.SubjectsApart):
        def __init__(self, subjects: Path, folder: Path, *, judged: bool = False) -> None:
            started.append(subjects.is_file())  # never before the file is whole
            super().__init__(subjects, folder, judged=judged)

    monkeypatch.setattr(engine, "SubjectsApart", Recorded)
    monkeypatch.setattr(engine, "can_read_apart", lambda: processes)
    if apart_from is not None:
        monkeypatch.setattr(sources, "APART_FROM_BYTES", apart_from)
    pool, written = _being_written(world, pending)
    with pool:
        assert not pending.exists()
        decided = resolve_columns(world.master, pending, work_dir=work, judged_under=law.POLICY_VERSION,
                                  subjects_ready=written.result)
    assert started == ([True] if apart else [])
    assert _decided([*decided.invalid, *decided_results(decided.table, decided.rule)]) == expected


def test_a_subjects_file_that_could_not_be_written_is_its_writers_error(world, apart, tmp_path, work) -> None:
    from ftigate.identity import resolve_columns

    def failed() -> None:
        raise InputError("the store could not be read", file="store")

    with pytest.raises(InputError) as caught:
        resolve_columns(world.master, tmp_path / "never.parquet", work_dir=work, judged_under=law.POLICY_VERSION,
                        subjects_ready=failed)
    assert (caught.value.message, caught.value.file) == ("the store could not be read", "store")
    assert apart == []  # no subjects' process was started
    assert not any(work.glob("ftigate-match-*"))
