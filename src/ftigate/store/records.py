"""Typed rows: what the store's main queries return, as frozen records instead of string-keyed rows.

A :class:`RequestRecord` or :class:`SubjectRecord` is built from one row, checked against the table's
columns when it is built (a column renamed in the schema fails here, at the query, not in a report
far above), and read by attribute (``request.state``), which a type checker follows. Each still
reads as a mapping by column name (``request["state"]``) for code that has not moved to attributes
yet; new code should use the attributes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, fields
from typing import Any, Self

from sqlalchemy import RowMapping


class _Record(Mapping[str, Any]):
    """A frozen record that also reads as a read-only mapping of its fields."""

    __slots__ = ()

    @classmethod
    def from_row(cls, row: RowMapping | Mapping[str, Any]) -> Self:
        """The record of one stored row (extra columns are an error: the record and the table agree)."""
        names = {f.name for f in fields(cls)}  # type: ignore[arg-type]
        unknown = set(row.keys()) - names
        if unknown:
            raise KeyError(f"{cls.__name__} has no field for column(s) {sorted(map(str, unknown))}")
        return cls(**{str(k): v for k, v in row.items()})

    def __getitem__(self, key: str) -> Any:
        if key not in self.__dataclass_fields__:  # type: ignore[attr-defined]  # a dataclass's own table of fields
            raise KeyError(key)
        return getattr(self, key)

    def __iter__(self) -> Iterator[str]:
        return iter(self._names())

    def __len__(self) -> int:
        return len(self._names())

    @classmethod
    def _names(cls) -> tuple[str, ...]:
        return tuple(f.name for f in fields(cls))  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True, eq=False)
class RequestRecord(_Record):
    """One stored request (``requests``). ``document`` is None where a listing left it out."""

    id: int
    agency: str
    request_id: str
    official: str
    signed_on: str
    statute: str
    state: str
    decision: str
    policy_version: str
    registry_version: int
    document_sha256: str
    subjects_total: int
    subjects_valid: int
    subjects_invalid: int
    received_at: dt.datetime
    updated_at: dt.datetime
    document: dict[str, Any] | None = None

    @property
    def ref(self) -> str:
        """``AGENCY/REQUEST_ID``, as every command and the ledger name a request."""
        return f"{self.agency}/{self.request_id}"


@dataclass(frozen=True, slots=True, eq=False)
class SubjectRecord(_Record):
    """One stored subject of a request (``subjects``), with its match decision once made."""

    id: int
    request: int
    row_number: int
    subject_id: str
    first_name: str
    middle_name: str
    last_name: str
    suffix: str
    date_of_birth: str
    address_line1: str
    address_line2: str
    city: str
    state: str
    zip: str
    tin: str
    reason: str
    valid: bool
    outcome: str | None
    matched_tin: str | None
    match_probability: float | None
    evidence: dict[str, Any] | None
    decision_ledger_index: int | None
    decision_digest: str | None = None
    subject_key_sha256: str | None = None
