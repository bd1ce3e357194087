"""The registry the law is judged against: agencies, officials, recipient officers, statutes.

These are the facts an administrator loads (``ftigate registry load FILE``; format in
docs/formats.md). They are plain data: who holds which office (26 U.S.C. 6103(i)(2)(A)), which officers belong
to which agency (L8), which statutes are specifically designated federal criminal statutes not
involving tax administration (L7), and whether an agency's safeguards are approved (L11).
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

#: offices whose signature the statute accepts (26 U.S.C. 6103(i)(2)(A), 6103(i)(1)(B))
SIGNING_ROLES: frozenset[str] = frozenset({"head", "inspector_general", "doj_listed"})


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Safeguards(_Entry):
    approved_on: dt.date
    expires_on: dt.date  # the last valid day


class Agency(_Entry):
    id: str = Field(min_length=1)
    name: str = Field(min_length=1)
    safeguards: Safeguards | None = None
    usual_subjects_per_request: int | None = Field(default=None, ge=1)

    def safeguards_current(self, on: dt.date) -> bool:
        s = self.safeguards
        return s is not None and s.approved_on <= on <= s.expires_on


class Official(_Entry):
    id: str = Field(min_length=1)
    agency: str = Field(min_length=1)
    name: str = Field(min_length=1)
    role: str = Field(min_length=1)  # head | inspector_general | doj_listed | anything else (never signs)
    valid_from: dt.date
    valid_to: dt.date | None = None  # inclusive; None: still in office
    public_key: str = Field(min_length=1)  # Ed25519, PEM

    def in_office(self, on: dt.date) -> bool:
        return self.valid_from <= on and (self.valid_to is None or on <= self.valid_to)


class Officer(_Entry):
    id: str = Field(min_length=1)
    agency: str = Field(min_length=1)
    name: str = Field(min_length=1)
    public_key: str = Field(min_length=1)  # X25519, PEM: delivery key


class Statute(_Entry):
    citation: str = Field(min_length=1)
    title: str = ""
    criminal: bool
    tax_administration: bool


EntryKind = Literal["agencies", "officials", "officers", "statutes"]


class Registry(BaseModel):
    """One snapshot of the registry; lists are keyed by ``id`` (statutes by ``citation``)."""

    model_config = ConfigDict(extra="forbid")

    agencies: list[Agency] = Field(default_factory=list)
    officials: list[Official] = Field(default_factory=list)
    officers: list[Officer] = Field(default_factory=list)
    statutes: list[Statute] = Field(default_factory=list)

    def agency(self, agency_id: object) -> Agency | None:
        return next((a for a in self.agencies if a.id == agency_id), None)

    def official(self, official_id: object) -> Official | None:
        return next((o for o in self.officials if o.id == official_id), None)

    def officer(self, officer_id: object) -> Officer | None:
        return next((o for o in self.officers if o.id == officer_id), None)

    def statute(self, citation: object) -> Statute | None:
        if not isinstance(citation, str):
            return None
        key = normalise_citation(citation)
        return next((s for s in self.statutes if normalise_citation(s.citation) == key), None)


def normalise_citation(citation: str) -> str:
    """'8 U.S.C. § 1253(a)(1)' and '8 USC 1253(a)(1)' name the same statute."""
    text = citation.replace("§", " ").replace(".", "").upper()
    return " ".join(text.split())


def entry_key(kind: str, entry: _Entry) -> str:
    return str(entry.citation if kind == "statutes" else entry.id)  # type: ignore[attr-defined]
