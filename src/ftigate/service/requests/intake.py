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
import json
import re
import sys
from array import array
from collections.abc import Iterator, MutableSequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from ftigate.crypto import sha256_file
from ftigate.errors import InputError
from ftigate.formats import SUBJECT_COLUMNS, SUBJECT_FIELDS, SUBJECT_OPTIONAL_COLUMNS
from ftigate.jsonfile import read_json_object
from ftigate.law import Context, Decision, Finding
from ftigate.law.intake_rules import control_character, malformed_row, subjects_file_problem
from ftigate.law.text import DuplicateMember, canonical, canonical_value
from ftigate.progress import Progress
from ftigate.service.requests.spool import INTERNED, SubjectSpool
from ftigate.settings import Thresholds
from ftigate.tabular import csv_records, is_parquet, iter_rows

#: control characters (C0, DEL, C1): never part of a name, an address or a reference
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
#: in the request's own members a line break or a tab is writing (a reason may run over lines)
_CONTROL_IN_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
#: what a control character becomes in what is stored and shown (U+FFFD, the replacement character)
_REPLACEMENT = "\ufffd"

#: values repeated across many rows, interned so a 1.5-million-row batch holds each once
_INTERNED = INTERNED



@dataclass
class Intake:
    """A request as read: the JSON object, its subjects, and what reading them found.

    ``request`` is the object exactly as signed (the signature is checked over it); ``canonical`` is the
    same object with every string in canonical form (``ftigate.law.text``): what is judged and stored.
    Subjects are canonical too, so the rules, the store and the matcher all read the same text.
    """

    path: Path
    #: the request exactly as sent (judged as sent: the signature covers it)
    request: dict[str, Any]
    #: the same object with every string in canonical form and every control character replaced
    #: (``without_controls``): what is judged, stored and shown
    canonical: dict[str, Any] = field(default_factory=dict)
    #: the request with every string in canonical form, control characters and all
    #: (``law.text.canonical_value``): what the law reads the request as, made once here
    readable: dict[str, Any] | None = None
    #: inline subjects as a list; a file's in a :class:`SubjectSpool` (on disk past its first batch)
    subjects: MutableSequence[dict[str, str]] | SubjectSpool = field(default_factory=list)
    #: the data-row number of each subject (1-based; for inline subjects, its position in the list)
    row_numbers: MutableSequence[int] = field(default_factory=list)
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

    def close(self) -> None:
        """Let go of a spooled file's subjects (their anonymous file goes away)."""
        if isinstance(self.subjects, SubjectSpool):
            self.subjects.close()


def read_intake(path: Path, progress: Progress | None = None) -> Intake:
    """Read ``path`` and its subjects. Raises :class:`InputError` only when the request file is not a
    JSON object in UTF-8; every other problem becomes a finding."""
    path = Path(path)
    return intake_of(read_json_object(path), path, progress)


def intake_of(raw: dict[str, Any], path: Path, progress: Progress | None = None) -> Intake:
    """:func:`read_intake` of a request already parsed (over HTTP, with its subjects inline): ``path``
    names it in messages, and a ``subjects_file`` would be looked for beside it."""
    try:
        readable = canonical_value(raw)
    except DuplicateMember as exc:
        raise InputError(f"not I-JSON: {exc} (no canonical form: judged on neither value)", file=str(path)) from None
    intake = Intake(path=path, request=raw, canonical=without_controls(readable), readable=readable)
    intake.findings.extend(control_character(member, codepoint) for member, codepoint in _controls_in(readable))
    inline = readable.get("subjects")  # before replacement: each subject's control characters are its own findings
    named = intake.canonical.get("subjects_file")
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
        sid_text = _CONTROL.sub(_REPLACEMENT, sid) if isinstance(sid, str) else ""
        for name in SUBJECT_FIELDS:
            value = item.get(name)
            if value is None:
                subject[name] = ""
            elif isinstance(value, str):
                subject[name] = value
            elif isinstance(value, (int, float)) and not isinstance(value, bool):
                subject[name] = str(value)
            else:
                subject[name] = ""
                problems.append(malformed_row(position, "must be text", name, sid_text))
        problems.extend(_control_problems(position, subject))
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
    # read in batches: past the first, each is spooled to disk beside the file, never all held as dicts
    spool = SubjectSpool(target.parent)
    intake.subjects, intake.row_numbers = spool, array("q")
    try:
        rows = _parquet_rows(target) if is_parquet(target) else _csv_rows(target)
        for number, row, problem in rows:
            index = len(spool)
            intake.row_numbers.append(number)
            problems = ([] if problem is None else [problem]) + _control_problems(number, row)
            spool.append(row)
            if problems:
                intake.row_problems[index] = tuple(problems)
            if progress is not None and index % 50_000 == 0:
                progress("reading subjects", index, total)
    except InputError as exc:
        intake.findings.append(subjects_file_problem(f"{shown}: {_without_file(exc)}"))
    except (pa.ArrowException, OSError) as exc:  # a Parquet file damaged past its footer, or a column not text
        intake.findings.append(subjects_file_problem(f"{shown} cannot be read as Parquet: {type(exc).__name__}"))
    if progress is not None:
        progress("reading subjects", len(intake.subjects), max(total, len(intake.subjects)))


def locate_subjects_file(request_path: Path, named: str) -> tuple[Path | None, str | None]:
    """Where a request's ``subjects_file`` is, or why it is refused: one rule for ``check``, ``submit``
    and ``sign``.

    Fail closed: the request names its subjects file relative to itself, so a path that leads out of
    that directory (an absolute path, "../", or a symbolic link pointing elsewhere) is refused and
    never opened; a request must not make the gateway read whatever file it names.
    """
    shown = f"subjects file {_shortened(named)}"
    if Path(named).is_absolute():
        return None, "'subjects_file' must be a path relative to the request file, not an absolute path (refused, not read)"
    target = Path(request_path).parent / named
    try:
        home = Path(request_path).parent.resolve()
        inside = target.resolve().is_relative_to(home)
    except (OSError, RuntimeError, ValueError) as exc:  # a symbolic link loop, an unusable name
        return None, f"{shown} cannot be located: {type(exc).__name__}"
    if not inside:
        return None, f"{shown} lies outside the request's directory (refused, not read): name a file beside the request"
    return target, None


def _inside_request_directory(intake: Intake, named: str, shown: str) -> Path | None:
    """The subjects file if it lies inside the request's directory, else None with a finding."""
    target, problem = locate_subjects_file(intake.path, named)
    if problem is not None:
        intake.findings.append(subjects_file_problem(problem))
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


# --- control characters -----------------------------------------------------------------------------

def _controls_in(request: dict[str, Any]) -> list[tuple[str, int]]:
    """Each member of the request (its subjects aside: they are judged one by one) whose name or text
    holds a control character, with the first such character. Iterative: a request may nest deeply."""
    found: list[tuple[str, int]] = []
    if not _has_controls(request):
        return found
    stack: list[tuple[Any, str]] = [(request, "")]
    while stack:
        value, where = stack.pop()
        if isinstance(value, str):
            hit = _CONTROL_IN_TEXT.search(value)
            if hit:
                found.append((where, ord(hit.group())))
        elif isinstance(value, dict):
            for key, item in reversed(list(value.items())):
                inner = _CONTROL_IN_TEXT.sub(_REPLACEMENT, f"{where}.{key}" if where else str(key))
                hit = _CONTROL_IN_TEXT.search(str(key))
                if hit:
                    found.append((inner, ord(hit.group())))
                elif not (where == "" and key == "subjects"):
                    stack.append((item, inner))
        elif isinstance(value, list):
            stack.extend((item, f"{where}[{position}]") for position, item in reversed(list(enumerate(value))))
    return found


#: a control character as ``json.dumps`` writes it (tab, line feed and carriage return aside), after an
#: even number of backslashes, so a literal backslash followed by "u0000" is never taken for one
_ESCAPED_CONTROL = re.compile(r'(?<!\\)((?:\\\\)*)(?:\\u00(?:0[0-8bcef]|1[0-9a-f]|7f|[89][0-9a-f])|\\[bf])',
                              re.IGNORECASE)


def _has_controls(value: Any) -> bool:
    text = json.dumps(value)
    return "\x7f" in text or _ESCAPED_CONTROL.search(text) is not None


def without_controls(value: Any) -> Any:
    """The request as stored, judged and shown: every control character (line breaks and tabs aside)
    replaced by U+FFFD, so no NUL reaches a database and no escape sequence a terminal. A request
    without any is returned as it is."""
    if not _has_controls(value):
        return value
    text = _ESCAPED_CONTROL.sub(lambda m: m.group(1) + "\\ufffd", json.dumps(value)).replace("\x7f", "\\ufffd")
    return json.loads(text)


def printable(decision: Decision) -> Decision:
    """A decision whose findings can be stored and shown: a message or subject id that quotes a
    requester's text carries no control character (a rule judges the request as sent)."""
    if not any(_CONTROL_IN_TEXT.search(f.message) or (f.subject_id and _CONTROL.search(f.subject_id))
               for f in decision.findings):
        return decision
    return replace(decision, findings=[
        replace(f, message=without_controls(f.message),
                subject_id=_CONTROL.sub(_REPLACEMENT, f.subject_id) if f.subject_id else f.subject_id)
        for f in decision.findings])


def _control_problems(number: int, subject: dict[str, str]) -> list[Finding]:
    """A subject's fields holding a control character: each named by row and field (never quoted), and
    replaced in ``subject`` by U+FFFD. One search over the whole row keeps a clean row cheap."""
    if not _CONTROL.search("".join(subject.values())):
        return []
    problems = []
    for name, value in subject.items():
        hit = _CONTROL.search(value)
        if hit:
            subject[name] = _CONTROL.sub(_REPLACEMENT, value)
            problems.append((name, ord(hit.group())))
    sid = subject.get("subject_id", "")
    return [malformed_row(number, f"holds a control character (U+{codepoint:04X}): not text a person wrote", name, sid)
            for name, codepoint in problems]


def _normalised(row: dict[str, str]) -> dict[str, str]:
    subject = {name: canonical(row.get(name) or "") for name in SUBJECT_FIELDS}
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
            sid = canonical(record[sid_at]) if sid_at < len(record) else ""
            problem = malformed_row(number, f"has {len(record)} fields where the header has {width}", None, sid)
            record = record + [""] * (width - len(record))
        subject = dict(zip(SUBJECT_FIELDS, [canonical(record[i]) if i >= 0 else "" for i in at], strict=True))
        _intern(subject)
        yield number, subject, problem

