"""Intake: read a request file and its subjects exactly as sent, without judging them.

The request must be one JSON object in UTF-8 (else :class:`~ftigate.errors.InputError`, and
``ftigate check`` exits 2). Everything else is judged, however incomplete: a missing or unreadable
subjects file, a missing column, a malformed row are recorded as findings (``ftigate.law.intake_rules``)
for the rules to weigh, never raised. Subjects come from the request's ``subjects`` list or from
``subjects_file`` (CSV or Parquet, relative to the request file and inside its directory: any other
path is refused unread); each subject is a dict holding every
column of the contract's subjects format plus ``tin`` and ``reason``, as text ("" when absent).
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from ftigate.crypto import sha256_file
from ftigate.errors import InputError
from ftigate.formats import SUBJECT_COLUMNS, SUBJECT_FIELDS, SUBJECT_OPTIONAL_COLUMNS
from ftigate.jsonfile import read_json_object
from ftigate.law import Context, Finding
from ftigate.law.intake_rules import malformed_row, subjects_file_problem
from ftigate.progress import Progress
from ftigate.settings import Thresholds
from ftigate.tabular import csv_records, is_parquet, iter_rows

#: values repeated across many rows, interned so a 1.5-million-row batch holds each once
_INTERNED = ("city", "state", "zip", "reason", "date_of_birth")



@dataclass
class Intake:
    """A request as read: the JSON object, its subjects, and what reading them found."""

    path: Path
    request: dict[str, Any]
    subjects: list[dict[str, str]] = field(default_factory=list)
    #: the data-row number of each subject (1-based; for inline subjects, its position in the list)
    row_numbers: list[int] = field(default_factory=list)
    #: request-level problems with the subjects file (missing, unreadable, a column missing)
    findings: list[Finding] = field(default_factory=list)
    #: subject-level problems by 0-based subject index (a malformed row, named by row and field)
    row_problems: dict[int, tuple[Finding, ...]] = field(default_factory=dict)
    #: SHA-256 of the subjects file's bytes as read; None without a readable file
    subjects_sha256_actual: str | None = None
    #: the subjects file as resolved, if the request names one
    subjects_path: Path | None = None

    def context(self, today: dt.date, thresholds: Thresholds | None = None,
                recent_subject_keys: frozenset[str] = frozenset(), progress: Progress | None = None) -> Context:
        """The :class:`~ftigate.law.Context` for judging this request, carrying what intake found."""
        return Context(
            today=today, thresholds=thresholds or Thresholds(), subjects_sha256_actual=self.subjects_sha256_actual,
            recent_subject_keys=recent_subject_keys, intake_findings=tuple(self.findings),
            row_problems=self.row_problems, row_numbers=self.row_numbers, progress=progress,
        )


def read_intake(path: Path, progress: Progress | None = None) -> Intake:
    """Read ``path`` and its subjects. Raises :class:`InputError` only when the request file is not a
    JSON object in UTF-8; every other problem becomes a finding."""
    path = Path(path)
    intake = Intake(path=path, request=read_json_object(path))
    inline = intake.request.get("subjects")
    named = intake.request.get("subjects_file")
    if isinstance(inline, list):
        _read_inline(intake, inline)
    elif inline is None and isinstance(named, str) and named.strip():
        _read_file(intake, named.strip(), progress)
    return intake


# --- inline subjects -----------------------------------------------------------------------------------

def _read_inline(intake: Intake, items: list[Any]) -> None:
    for position, item in enumerate(items, start=1):
        index = len(intake.subjects)
        intake.row_numbers.append(position)
        if not isinstance(item, dict):
            intake.subjects.append(dict.fromkeys(SUBJECT_FIELDS, ""))
            intake.row_problems[index] = (malformed_row(position, "a subject must be a JSON object"),)
            continue
        subject: dict[str, str] = {}
        problems: list[Finding] = []
        sid = item.get("subject_id")
        sid_text = sid.strip() if isinstance(sid, str) else ""
        for name in SUBJECT_FIELDS:
            value = item.get(name)
            if value is None:
                subject[name] = ""
            elif isinstance(value, str):
                subject[name] = value.strip()
            elif isinstance(value, (int, float)) and not isinstance(value, bool):
                subject[name] = str(value)
            else:
                subject[name] = ""
                problems.append(malformed_row(position, "must be text", name, sid_text))
        intake.subjects.append(subject)
        if problems:
            intake.row_problems[index] = tuple(problems)


# --- a subjects file ------------------------------------------------------------------------------------

def _read_file(intake: Intake, named: str, progress: Progress | None) -> None:
    shown = f"subjects file {_shortened(named)}"
    target = _inside_request_directory(intake, named, shown)
    if target is None:
        return
    intake.subjects_path = target
    try:
        exists = target.is_file()
    except OSError as exc:  # a name too long for the file system, say
        intake.findings.append(subjects_file_problem(f"{shown} cannot be read: {exc.strerror}"))
        return
    if not exists:
        intake.findings.append(subjects_file_problem(f"{shown} does not exist beside the request"))
        return
    try:
        intake.subjects_sha256_actual = sha256_file(target)
    except OSError as exc:
        intake.findings.append(subjects_file_problem(f"{shown} cannot be read: {exc.strerror}"))
        return
    total = _count_hint(target)
    try:
        rows = _parquet_rows(target) if is_parquet(target) else _csv_rows(target)
        for number, row, problem in rows:
            index = len(intake.subjects)
            intake.row_numbers.append(number)
            intake.subjects.append(row)
            if problem is not None:
                intake.row_problems[index] = (problem,)
            if progress is not None and index % 50_000 == 0:
                progress("reading subjects", index, total)
    except InputError as exc:
        intake.findings.append(subjects_file_problem(f"{shown}: {_without_file(exc)}"))
    except (pa.ArrowException, OSError) as exc:  # a Parquet file damaged past its footer, or a column not text
        intake.findings.append(subjects_file_problem(f"{shown} cannot be read as Parquet: {type(exc).__name__}"))
    if progress is not None:
        progress("reading subjects", len(intake.subjects), max(total, len(intake.subjects)))


def _inside_request_directory(intake: Intake, named: str, shown: str) -> Path | None:
    """The subjects file if it lies inside the request's directory, else None with a finding.

    Fail closed: the request names its subjects file relative to itself, so a path that leads out of
    that directory (an absolute path, "../", or a symbolic link pointing elsewhere) is refused and
    never opened; a request must not make the gateway read whatever file it names.
    """
    if Path(named).is_absolute():
        intake.findings.append(subjects_file_problem(
            "'subjects_file' must be a path relative to the request file, not an absolute path (refused, not read)"))
        return None
    target = intake.path.parent / named
    try:
        home = intake.path.parent.resolve()
        inside = target.resolve().is_relative_to(home)
    except (OSError, RuntimeError, ValueError) as exc:  # a symbolic link loop, an unusable name
        intake.findings.append(subjects_file_problem(f"{shown} cannot be located: {type(exc).__name__}"))
        return None
    if not inside:
        intake.findings.append(subjects_file_problem(
            f"{shown} lies outside the request's directory (refused, not read): name a file beside the request"))
        return None
    return target


def _shortened(named: str, limit: int = 80) -> str:
    """The requester's file name quoted for a message, cut short if it is long."""
    return "'" + (named if len(named) <= limit else named[: limit - 1] + "\u2026") + "'"


def _without_file(exc: InputError) -> str:
    where = []
    if exc.row is not None:
        where.append("header" if exc.row == 0 else f"row {exc.row}")
    if exc.field:
        where.append(f"field '{exc.field}'")
    return (", ".join(where) + ": " if where else "") + exc.message


def _count_hint(target: Path) -> int:
    """A cheap estimate of the number of rows, for the progress bar only (never for the outcome)."""
    try:
        if is_parquet(target):
            return pq.ParquetFile(target).metadata.num_rows
        return max(1, target.stat().st_size // 90)
    except (OSError, ValueError, pa.ArrowException):
        return 1


def _normalised(row: dict[str, str]) -> dict[str, str]:
    subject = {name: row.get(name, "") for name in SUBJECT_FIELDS}
    _intern(subject)
    return subject


def _intern(subject: dict[str, str]) -> None:
    for name in _INTERNED:
        subject[name] = sys.intern(subject[name])


def _parquet_rows(target: Path) -> Iterator[tuple[int, dict[str, str], Finding | None]]:
    for number, row in iter_rows(target, SUBJECT_COLUMNS, SUBJECT_OPTIONAL_COLUMNS):
        yield number, _normalised(row), None


def _csv_rows(target: Path) -> Iterator[tuple[int, dict[str, str], Finding | None]]:
    """CSV rows, tolerant of a malformed row: it is kept, marked, and reading goes on.

    Rows are numbered as :func:`ftigate.tabular.iter_rows` numbers them (data rows from 1).
    """
    records = csv_records(target, SUBJECT_COLUMNS)
    _, header = next(records)
    at = [header.index(name) if name in header else -1 for name in SUBJECT_FIELDS]
    sid_at = header.index("subject_id")
    width = len(header)
    for number, record in records:
        problem = None
        if len(record) != width:
            sid = record[sid_at].strip() if sid_at < len(record) else ""
            problem = malformed_row(number, f"has {len(record)} fields where the header has {width}", None, sid)
            record = record + [""] * (width - len(record))
        subject = dict(zip(SUBJECT_FIELDS, [record[i].strip() if i >= 0 else "" for i in at], strict=True))
        _intern(subject)
        yield number, subject, problem

