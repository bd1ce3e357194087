"""The one error base of ftigate.

Every error the gateway raises on purpose derives from :class:`FtigateError`, carries the evidence
needed to act on it (file, row, field, ...) and renders a human message with :meth:`diagnostics`.
The command line catches this base once, prints the diagnostics and exits non-zero; anything else
is a bug and is allowed to surface as one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from dataclasses import field as dc_field
from typing import Any


class FtigateError(Exception):
    """Base of every deliberate error. Subclasses say what went wrong and carry the evidence."""

    exit_code: int = 2

    def diagnostics(self) -> str:
        return str(self)


@dataclass
class InputError(FtigateError):
    """A file given to ftigate cannot be used: names the file and, where known, the row and field.

    ``row`` counts data rows from 1 (the header is row 0), so it matches what a spreadsheet shows
    minus the header line.
    """

    message: str
    file: str | None = None
    row: int | None = None
    field: str | None = None
    extra: dict[str, Any] = dc_field(default_factory=dict)

    def __post_init__(self) -> None:
        super().__init__(self.diagnostics())

    def diagnostics(self) -> str:
        where = []
        if self.file:
            where.append(str(self.file))
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.field:
            where.append(f"field '{self.field}'")
        prefix = ", ".join(where)
        return f"{prefix}: {self.message}" if prefix else self.message


class ConfigurationError(FtigateError):
    """The gateway is not set up to do what was asked (no registry, no log key, ...)."""


class NotFoundError(FtigateError):
    """Something named by the caller does not exist."""

    exit_code = 1


class PermissionDenied(FtigateError):
    """The actor may not do this: separation of duties, wrong role, ..."""

    exit_code = 1


class NotAuthenticated(FtigateError):
    """The caller did not prove who they are: no token, or one that is unknown, revoked or malformed.

    One message for every case, so a caller probing tokens learns nothing about which were ever
    issued or revoked.
    """

    exit_code = 1

    def __init__(self) -> None:
        super().__init__("not authenticated: give a live API token of a registered member of staff "
                         "as 'Authorization: Bearer <token>' (issued with `ftigate staff token`)")


class SignInRefused(FtigateError):
    """A person's sign-in to the console was not accepted.

    One message whatever failed (unknown id, wrong password, wrong or replayed code, locked account),
    so someone guessing learns nothing from it; the ledger records which it was.
    """

    exit_code = 1

    def __init__(self) -> None:
        super().__init__("sign-in refused: the staff id, password or code was not accepted (after repeated "
                         "failures an account is locked for a while)")


class SignInThrottled(SignInRefused):
    """Too many failed sign-ins came from one client address: it is refused for a while, whatever it
    sends (it says nothing about any staff id)."""

    def __init__(self, minutes: int) -> None:
        FtigateError.__init__(self, f"too many failed sign-ins from this address: try again in {minutes} minutes")


class IllegalTransition(FtigateError):
    """A request was asked to move to a state its current state does not lead to."""

    exit_code = 1

    def __init__(self, request: str, current: str, target: str) -> None:
        self.request, self.current, self.target = request, current, target
        super().__init__(f"request {request}: cannot go from '{current}' to '{target}'")


class StoreConflict(FtigateError):
    """The database refused a change because another process made a conflicting one at the same
    moment (two submissions of one request, two disclosures of one batch). The message never quotes
    the rows involved: they hold names, addresses and TINs."""

    exit_code = 1


class StoreError(FtigateError):
    """The database refused a value or an operation. Like :class:`StoreConflict`, it names the kind
    of failure only, never the values."""

    exit_code = 1


def data_free_reason(exc: BaseException, limit: int = 200) -> str:
    """A reader's error (Arrow, DuckDB, csv) as one line without the data it quotes: those libraries
    append the offending row ("Expected 12 columns, got 3: 900100001,Rosa,...", "Original Line: ..."),
    and a master or subjects file's rows are names, addresses and TINs."""
    text = str(exc).strip()
    line = text.splitlines()[0] if text else type(exc).__name__
    line = re.split(r"\s*Original Line", line)[0]
    line = re.sub(r"(got \d+( columns?)?)\s*:.*$", r"\1", line)
    line = re.sub(r"(Row #?\d+)\s*:\s*\S+,.*$", r"\1", line)
    return line[:limit]
