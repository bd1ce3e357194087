"""The tax agency's administration over HTTP: its staff and their roles, the API tokens of staff and of
the requesting agency's people, ending a registry entry; a taxpayer notice after an incident; an
overseer opening a ledger commitment against the accounting; and who the caller is.

Each route is the command line's command of the same name (``ftigate staff``, ``ftigate registry
token``, ``ftigate incident notice``, ``ftigate accounting open``), taken through the same use case,
as the person whose token came with the call: ``ftigate --server URL`` sends them here. A token is
shown once, in the answer to the call that issued it; the store keeps its digest only.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from ftigate.service.admin import access
from ftigate.service.admin import registry as registry_service
from ftigate.service.admin import staff as staff_service
from ftigate.service.admin.principal import Principal
from ftigate.service.oversight import accounting, incidents
from ftigate.settings import Settings
from ftigate.web.auth import acting, caller


class Me(BaseModel):
    id: str
    role: str
    agency: str | None


class StaffOut(BaseModel):
    id: str
    name: str
    role: str


class StaffBody(BaseModel):
    id: str = Field(min_length=1, max_length=200)
    name: str = Field(min_length=1, max_length=500)
    role: Literal["disclosure_officer", "supervisor", "administrator", "overseer"]


class StaffAdded(StaffOut):
    changed: bool


class TokenBody(BaseModel):
    label: str | None = Field(default=None, max_length=200, description="what the token is for (a machine, a tool)")
    days: int = Field(default=access.TOKEN_DAYS, ge=1, le=access.MAX_TOKEN_DAYS)


class TokenOut(BaseModel):
    holder: str
    token: str = Field(description="shown only now: it cannot be shown again")
    fingerprint: str
    expires_at: dt.datetime


class Revoked(BaseModel):
    holder: str
    revoked: int


class EndBody(BaseModel):
    kind: Literal["agency", "official", "officer", "statute"]
    key: str = Field(min_length=1, max_length=500, description="the entry's id (a statute's citation)")


class Ended(BaseModel):
    version: int


class NoticeBody(BaseModel):
    charge: str = Field(description="; ".join(incidents.NOTICE_CHARGES))
    charged_on: dt.date


class NoticeOut(BaseModel):
    incident: str
    notices: int = Field(description="one per taxpayer concerned, kept on the gateway (they name the taxpayers)")
    charge: str
    charged_on: dt.date


class OpenBody(BaseModel):
    reference: str = Field(min_length=1, max_length=100,
                           description="a ledger index (of a disclosure.made entry, or a disclosures.made entry of one record) or a commitment (64 hex digits)")


class Opened(BaseModel):
    ok: bool
    opens: bool
    entry_agrees: bool
    commitment: str
    ledger_index: int | None
    accounting_id: int
    incident: str | None
    record: dict[str, Any] = Field(description="the accounting record (it names the taxpayer)")
    entry: dict[str, Any] | None


def _issued(issued: access.IssuedToken) -> dict[str, Any]:
    return {"holder": issued.staff, "token": issued.token, "fingerprint": issued.fingerprint,
            "expires_at": issued.expires_at}


def router(settings: Settings) -> APIRouter:
    api = APIRouter()
    tokens = Depends(acting(settings, "tokens.issue"))

    @api.get("/me", response_model=Me)
    def me(person: Principal = Depends(caller(settings))) -> dict[str, Any]:
        """Who the token given stands for: their id, role and (for a requesting agency's people) agency."""
        return {"id": person.id, "role": person.role, "agency": person.agency}

    @api.get("/staff", response_model=list[StaffOut])
    def staff_list(_person: Principal = Depends(acting(settings, "staff.read"))) -> list[dict[str, Any]]:
        """The tax agency's staff and their roles."""
        return [{"id": r["id"], "name": r["name"], "role": r["role"]} for r in staff_service.list_staff(settings)]

    @api.post("/staff", response_model=StaffAdded)
    def staff_add(body: StaffBody, person: Principal = Depends(acting(settings, "staff.manage"))) -> dict[str, Any]:
        """Register a member of staff or change their role or name (``staff.registered`` when anything changed)."""
        changed = staff_service.add_staff(settings, person, body.id, body.name, body.role)
        return {"id": body.id, "name": body.name, "role": body.role, "changed": changed}

    @api.post("/staff/{staff_id}/tokens", response_model=TokenOut, status_code=201)
    def staff_token(staff_id: str, body: TokenBody | None = None, person: Principal = tokens) -> dict[str, Any]:
        """Issue a member of staff a new API token (``staff.token_issued``, with its fingerprint)."""
        body = body or TokenBody()
        return _issued(access.issue_token(settings, person, staff_id, body.label, days=body.days))

    @api.delete("/staff/{staff_id}/tokens", response_model=Revoked)
    def staff_revoke(staff_id: str, person: Principal = tokens) -> dict[str, Any]:
        """Revoke every live API token of a member of staff."""
        return {"holder": staff_id, "revoked": access.revoke_tokens(settings, person, staff_id)}

    @api.post("/registry/tokens/{holder}", response_model=TokenOut, status_code=201)
    def agency_token(holder: str, body: TokenBody | None = None, person: Principal = tokens) -> dict[str, Any]:
        """Issue an agency token to a registered official in office or a recipient officer."""
        body = body or TokenBody()
        return _issued(access.issue_agency_token(settings, person, holder, body.label, days=body.days))

    @api.delete("/registry/tokens/{holder}", response_model=Revoked)
    def agency_revoke(holder: str, person: Principal = tokens) -> dict[str, Any]:
        """Revoke every live agency token of an official or recipient officer."""
        return {"holder": holder, "revoked": access.revoke_agency_tokens(settings, person, holder)}

    @api.post("/registry/end", response_model=Ended)
    def registry_end(body: EndBody, person: Principal = Depends(acting(settings, "registry.load"))) -> dict[str, int]:
        """End a registry entry from now (an official who left office): requests signed by or addressed
        to it fail from this moment."""
        return {"version": registry_service.end_entry(settings, person, body.kind, body.key)}

    @api.post("/incidents/{incident_id}/notice", response_model=NoticeOut)
    def incident_notice(incident_id: str, body: NoticeBody,
                        person: Principal = Depends(acting(settings, "incident.notice"))) -> dict[str, Any]:
        """Produce the taxpayer notices 26 U.S.C. 7431(e) requires once a person is criminally charged.
        They name the taxpayers, so they stay on the gateway (the data directory's ``notices/``); the
        answer says how many."""
        result = incidents.notify_taxpayers(settings, incident_id, person, body.charge, body.charged_on)
        return {"incident": result.incident, "notices": result.notices, "charge": result.charge,
                "charged_on": result.charged_on}

    @api.post("/accounting/open", response_model=Opened)
    def accounting_open(body: OpenBody,
                        person: Principal = Depends(acting(settings, "accounting.open"))) -> dict[str, Any]:
        """For an overseer: the accounting record behind a ledger commitment, and whether the two agree.
        The opening is recorded in the ledger (``commitment.opened``)."""
        o = accounting.open_commitment(settings, body.reference, person)
        return {"ok": o.ok, "opens": o.opens, "entry_agrees": o.entry_agrees, "commitment": o.commitment,
                "ledger_index": o.ledger_index, "accounting_id": o.accounting_id, "incident": o.incident,
                "record": o.record, "entry": o.entry.to_json() if o.entry else None}

    return api
