"""The tax agency's staff over HTTP: the review queue and decisions (dual control by two proven
people), the withhold list, the registry, incidents.

Every route needs a staff token whose role the roles table allows for the action; an upload (a
withhold list, a registry) is kept in a private folder of the data directory only while it is
loaded, all of it or, on any bad row, none.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from fastapi import APIRouter, Body, Depends, File, UploadFile
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field

from ftigate.errors import InputError
from ftigate.service.admin import registry as registry_service
from ftigate.service.admin import withholding
from ftigate.service.admin.principal import Principal
from ftigate.service.oversight import incidents
from ftigate.service.requests import queries
from ftigate.service.requests.review import review
from ftigate.settings import Settings
from ftigate.web import uploads
from ftigate.web.auth import acting
from ftigate.web.requests_api import RequestSummary, summary


class ReviewBody(BaseModel):
    decision: Literal["approve", "deny"]
    reason: str = Field(min_length=1, max_length=10_000, description="the written reason (required)")


class ReviewOut(BaseModel):
    request: str
    state: str
    approvals: int
    approvals_needed: int


class WithholdOut(BaseModel):
    added: int
    already: int
    grounds: dict[str, int]


class RegistryOut(BaseModel):
    version: int
    changed: int


class IncidentBody(BaseModel):
    kind: str = Field(description=f"one of {', '.join(incidents.KINDS)}")
    description: str = Field(min_length=1, max_length=10_000)
    entries: list[int] = Field(default_factory=list, max_length=100_000,
                               description="ledger indices of the disclosures concerned")
    requests: list[str] = Field(default_factory=list, max_length=1000, description="AGENCY/REQUEST_ID: all its disclosures")
    records: list[str] = Field(default_factory=list, max_length=100_000,
                               description="commitments of the accounting records concerned")
    identified_at: dt.datetime | None = None


def _incident(view: incidents.IncidentView) -> dict[str, Any]:
    data = view.to_json()
    data.pop("description", None)  # kept in the store; not echoed
    return data


def router(settings: Settings) -> APIRouter:
    api = APIRouter()

    @api.get("/review/queue", response_model=list[RequestSummary])
    def queue(_person: Principal = Depends(acting(settings, "review.desk"))) -> list[dict[str, Any]]:
        """Requests awaiting a review or a second approval, oldest first."""
        return [summary(r) for r in queries.requests(settings, ("awaiting_review", "awaiting_second_approval"))]

    @api.post("/requests/{agency}/{request_id}/review", response_model=ReviewOut)
    def decide(agency: str, request_id: str, body: ReviewBody,
               person: Principal = Depends(acting(settings, "review.decide"))) -> dict[str, Any]:
        """Approve or deny with a written reason, as the caller. A large batch needs a second approval
        by a supervisor who is another person (another token): dual control."""
        out = review(settings, f"{agency}/{request_id}", person, body.decision, body.reason)
        return {"request": out.request, "state": out.state, "approvals": out.approvals,
                "approvals_needed": out.approvals_needed}

    @api.get("/withhold", response_model=dict[str, int])
    def withhold_summary(person: Principal = Depends(acting(settings, "withhold.read"))) -> dict[str, int]:
        """How many taxpayers are on the withhold list, by ground (never who)."""
        return withholding.summary(settings, person)

    @api.post("/withhold", response_model=WithholdOut)
    async def withhold_load(file: UploadFile = File(..., description="CSV or Parquet with the columns tin,ground"),
                            person: Principal = Depends(acting(settings, "withhold.load"))) -> dict[str, Any]:
        """Add a file's taxpayers to the withhold list (26 U.S.C. 6103(i)(6)): all of them or none."""
        name = uploads.subjects_name({"subjects_file": file.filename or ""})
        with uploads.upload_folder(settings) as folder:
            path = folder / name
            with path.open("wb") as out:
                while chunk := await file.read(uploads.CHUNK):
                    out.write(chunk)
            try:
                result = await run_in_threadpool(withholding.load_withhold_list, settings, path, person)
            except InputError as exc:
                raise uploads.client_named(exc, folder) from None
        return {"added": result.added, "already": result.already, "grounds": result.grounds}

    @api.get("/registry")
    def registry(_person: Principal = Depends(acting(settings, "registry.read"))) -> dict[str, Any]:
        """The registry in force: agencies, officials, officers, statutes, and its version."""
        current, version = registry_service.current_registry(settings)
        return {"version": version, **current.model_dump(mode="json")}

    @api.post("/registry", response_model=RegistryOut)
    def registry_load(body: dict[str, Any] = Body(..., description="a registry (docs/formats.md)"),
                      person: Principal = Depends(acting(settings, "registry.load"))) -> dict[str, Any]:
        """Load a registry: idempotent; a changed entry is a new version, one left out ends."""
        with uploads.upload_folder(settings) as folder:
            path = uploads.write_request(folder, body)
            try:
                result = registry_service.load_registry_file(settings, person, path)
            except InputError as exc:
                exc = uploads.client_named(exc, folder)
                exc.file = "registry"
                exc.args = (exc.diagnostics(),)
                raise exc from None
        return {"version": result.version, "changed": result.changed}

    @api.get("/incidents")
    def incident_list(_person: Principal = Depends(acting(settings, "incident.read"))) -> list[dict[str, Any]]:
        """Every incident with its 24-hour clock."""
        return [_incident(v) for v in incidents.list_incidents(settings)]

    @api.post("/incidents", status_code=201)
    def incident_record(body: IncidentBody,
                        person: Principal = Depends(acting(settings, "incident.record"))) -> dict[str, Any]:
        """Record a wrong or unauthorized disclosure: its accounting records are marked, the ledger told."""
        return _incident(incidents.record_incident(settings, kind=body.kind, description=body.description, by=person,
                                                   entries=body.entries, requests=body.requests, records=body.records,
                                                   identified_at=body.identified_at))

    @api.post("/incidents/{incident_id}/report")
    def incident_report(incident_id: str,
                        person: Principal = Depends(acting(settings, "incident.report"))) -> dict[str, Any]:
        """Produce the report to the IRS Office of Safeguards and the inspector general; the clock stops."""
        result = incidents.report_incident(settings, incident_id, person)
        return {**_incident(result.incident), "report": result.text, "first": result.first}

    return api
