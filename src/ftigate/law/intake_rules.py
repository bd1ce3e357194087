"""Findings about the request as read: the subjects file and each row of it (L2, in writing).

Reading is the service layer's job (``ftigate.service.requests.intake``); what a reading problem *means* is
the law's. A subjects file that cannot be read, or lacks a column of the contract, leaves the request
without a written list of subjects: a request-level failure. A single malformed row (a wrong number
of fields, a field that is not text) makes that subject invalid alone, named by row and field, and
never silently dropped. A control character anywhere (NUL, an escape sequence) is such a problem: in
a subject's field it makes that subject invalid; in a member of the request it rejects the request.
"""

from __future__ import annotations

from ftigate.law.citations import IN_WRITING
from ftigate.law.findings import Finding
from ftigate.law.rulebook import describe

RULE_FORMAT = "L2-format"
RULE_SUBJECTS_FILE = "L2-subjects-file"
RULE_SUBJECT_ROW = "L2-subject-row"

INTAKE_RULES = (
    describe(RULE_SUBJECTS_FILE, IN_WRITING, "the request is in writing and sets forth", "request",
             """The subjects file named by the request exists beside it, is UTF-8 CSV or Parquet with a
             header row, and holds every column of the contract's subjects format."""),
    describe(RULE_SUBJECT_ROW, IN_WRITING, "the request is in writing and sets forth", "subject",
             """Each row of the subjects is well formed: as many fields as the header, each field text.
             A malformed row is invalid alone, reported by its row number and field."""),
)


def subjects_file_problem(message: str) -> Finding:
    """A request-level failure: the subjects cannot be read as written."""
    return Finding(RULE_SUBJECTS_FILE, IN_WRITING, "fail", message)


def control_character(member: str, codepoint: int) -> Finding:
    """A request-level failure: a member of the request holds a control character (NUL, an escape, ...).

    No person writes one into a reference, a reason or a citation; it is how a text is smuggled past
    a reader, a terminal or a database. The request is not "in writing" as anyone could read it."""
    shown = member if len(member) <= 60 else member[:59] + "\u2026"
    return Finding(RULE_FORMAT, IN_WRITING, "fail",
                   f"member '{shown}' holds a control character (U+{codepoint:04X}); a request must be plain text")


def malformed_row(row: int, message: str, field: str | None = None, subject_id: str | None = None) -> Finding:
    """A subject-level failure: the row numbered ``row`` (1-based data rows) is malformed."""
    where = f"row {row}" + (f", field '{field}'" if field else "")
    return Finding(RULE_SUBJECT_ROW, IN_WRITING, "fail", f"{where}: {message}", subject_id or None)
