"""The requests over HTTP: a requesting official submits a signed request and follows it; the tax
agency's staff list and read requests, a subject's evidence, a disclosure's progress, and start a
disclosure.

A requesting agency's people see their own agency's requests only, and of each its state, the
law's findings and the outcome counts: the reviewers' reasons and the event trail stay with the tax
agency. Submitting is idempotent: the same signed request sent again (or twice at once) is stored
once and the answer names the one stored (``duplicate: true``, 200 instead of 201).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any, Literal

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials
from pydantic import BaseModel, Field
from starlette.datastructures import UploadFile

from ftigate.errors import InputError, NotFoundError
from ftigate.service.admin.principal import Principal, authorise
from ftigate.service.requests import jobs, queries
from ftigate.service.requests.disclose import start_disclosure
from ftigate.service.requests.states import State
from ftigate.service.requests.submit import Submitted, submit_request_document, submit_request_file
from ftigate.settings import Settings
from ftigate.store.records import RequestRecord
from ftigate.web import uploads
from ftigate.web.auth import acting, bearer
from ftigate.web.errors import MAX_JSON_BYTES

STATES = tuple(s.value for s in State)


class RequestSummary(BaseModel):
    request: str
    state: str
    decision: str
    policy_version: str
    registry_version: int
    subjects_total: int
    subjects_valid: int
    subjects_invalid: int
    received_at: str


class FindingOut(BaseModel):
    rule: str
    citation: str
    outcome: str
    message: str
    subject_id: str | None


class EventOut(BaseModel):
    kind: str
    actor: str
    at: str
    ledger_index: int | None


class RequestDetail(RequestSummary):
    findings: list[FindingOut]
    outcomes: dict[str, int]
    package: str | None = None
    events: list[EventOut] = Field(default_factory=list, description="the tax agency's staff only")
    reviews: list[dict[str, Any]] = Field(default_factory=list, description="the tax agency's staff only")


class Submission(BaseModel):
    request: str
    state: str
    decision: str
    duplicate: bool
    subjects_total: int
    subjects_valid: int
    subjects_invalid: int
    findings: list[FindingOut]


class DiscloseBody(BaseModel):
    master: str = Field(min_length=1, max_length=4096,
                        description="the taxpayer master file (CSV or Parquet), a path on the gateway's machine")
    engine: Literal["duckdb", "spark"] = "duckdb"


class JobOut(BaseModel):
    job: int
    kind: str
    request: str | None
    state: str
    stage: str | None
    fraction: float | None
    attempts: int
    error: str | None
    subjects_valid: int | None
    subjects_decided: int | None
    created_at: str
    finished_at: str | None


def summary(r: RequestRecord) -> dict[str, Any]:
    return {"request": r.ref, "state": r.state, "decision": r.decision,
            "policy_version": r.policy_version, "registry_version": r.registry_version,
            "subjects_total": r.subjects_total, "subjects_valid": r.subjects_valid,
            "subjects_invalid": r.subjects_invalid, "received_at": r.received_at.isoformat()}


def _finding(f: Any) -> dict[str, Any]:
    data = f if isinstance(f, dict) else f.to_json()
    return {k: data.get(k) for k in ("rule", "citation", "outcome", "message", "subject_id")}


_SUBMIT_BODY = {
    "required": True,
    "content": {
        "application/json": {"schema": {"type": "object", "description": "a signed request with inline 'subjects' "
                                                                           "(docs/formats.md)"}},
        "multipart/form-data": {"schema": {
            "type": "object", "required": ["request", "subjects"],
            "properties": {"request": {"type": "string", "format": "binary",
                                       "description": "the signed request; its 'subjects_file' names the upload"},
                           "subjects": {"type": "string", "format": "binary",
                                        "description": f"CSV or Parquet, up to {uploads.MAX_ROWS:,} subjects"}}}},
    },
}


def router(settings: Settings) -> APIRouter:
    api = APIRouter()
    read = Depends(acting(settings, "requests.read"))
    submitter = acting(settings, "requests.submit")

    @api.post("/requests", response_model=Submission, status_code=201, openapi_extra={"requestBody": _SUBMIT_BODY},
              responses={200: {"description": "already submitted: the one stored", "model": Submission},
                         413: {"description": f"a JSON body over {MAX_JSON_BYTES // 2**20} MiB or an upload over "
                                              "1 GiB"}})
    async def submit(http: Request,
                     credentials: HTTPAuthorizationCredentials | None = Depends(bearer)) -> JSONResponse:
        """Submit a signed request (the official's Ed25519 signature authenticates it; the caller's
        token, the connection). Subjects inline (JSON) or as an uploaded CSV/Parquet file
        (multipart: parts ``request`` and ``subjects``). Judged by the same rules as ``ftigate check``."""
        multipart = http.headers.get("content-type", "").lower().startswith("multipart/")
        size = http.headers.get("content-length", "")
        if not multipart and credentials is not None and size.isdigit() and int(size) <= ONE_TRIP_BYTES:
            # a small JSON body, the common case: read, then the token checked, the request parsed,
            # judged and stored in one trip to the worker threads (the refusals in the same order)
            body = await http.body()
            return _submitted(await run_in_threadpool(_inline, settings, partial(submitter, credentials), body))
        # otherwise the token is checked before the body is read
        person = await run_in_threadpool(submitter, credentials)
        if not multipart:
            # subjects inline: judged and stored from the parsed body, with no file written on the way
            body = await http.body()
            return _submitted(await run_in_threadpool(_inline, settings, lambda: person, body))
        with uploads.upload_folder(settings) as folder:
            try:
                form = await http.form(max_files=2, max_fields=2, max_part_size=MAX_JSON_BYTES)
                part, subjects = form.get("request"), form.get("subjects")
                if part is None or not isinstance(subjects, UploadFile):
                    raise InputError("a multipart submission has two parts: 'request' (the signed JSON) and "
                                     "'subjects' (the file)")
                request = uploads.parse_request(await uploads.read_part(part, MAX_JSON_BYTES))
                authorise(settings, person, "requests.submit", agency=str(request.get("agency")))
                await uploads.save_subjects(subjects, folder, uploads.subjects_name(request))
                path = uploads.write_request(folder, request)
                result = await run_in_threadpool(submit_request_file, settings, path)
            except InputError as exc:
                raise uploads.client_named(exc, folder) from None
        return _submitted(result)

    @api.get("/requests", response_model=list[RequestSummary])
    def list_requests(state: str | None = None, person: Principal = read) -> list[dict[str, Any]]:
        """Requests, newest last (a requesting agency: its own). ``state`` filters by one state."""
        if state is not None and state not in STATES:
            raise InputError(f"unknown state '{state}'; one of {', '.join(STATES)}", field="state")
        rows = queries.requests(settings, (state,) if state else None)
        return [summary(r) for r in rows if person.agency is None or r["agency"] == person.agency]

    @api.get("/requests/{agency}/{request_id}", response_model=RequestDetail)
    def request_detail(agency: str, request_id: str, person: Principal = read) -> JSONResponse:
        """A request's state, the law's findings and outcome counts; for staff its reviews and events too."""
        if person.agency is not None:
            authorise(settings, person, "requests.read", agency=agency)
        d = queries.request_detail(settings, f"{agency}/{request_id}", trail=person.agency is None)
        out = {**summary(d["request"]), "findings": [_finding(dict(f)) for f in d["findings"]],
               "outcomes": d["outcomes"], "package": d["package"], "events": [], "reviews": []}
        if person.agency is None:
            out["events"] = [{"kind": e["kind"], "actor": e["actor"], "at": e["at"].isoformat(),
                              "ledger_index": e["ledger_index"]} for e in d["events"]]
            out["reviews"] = [{"reviewer": r["reviewer"], "role": r["role"], "decision": r["decision"],
                               "reason": r["reason"], "policy_version": r["policy_version"],
                               "at": r["at"].isoformat()} for r in d["reviews"]]
        # built field by field as RequestDetail declares them (the OpenAPI document says so), and sent
        # as it is: the status read is the call followed most often, and validating what was just
        # built from the store's typed rows would cost it more than its reads do
        return JSONResponse(out)

    @api.get("/requests/{agency}/{request_id}/subjects/{subject_id}")
    def subject_evidence(agency: str, request_id: str, subject_id: str,
                         person: Principal = Depends(acting(settings, "evidence.read"))) -> dict[str, Any]:
        """A subject's outcome and the evidence it rests on (fields that agreed, scores, runner-up);
        TINs are not shown. Each view is recorded in the ledger (``evidence.viewed``, by the reader)."""
        return queries.subject_evidence(settings, f"{agency}/{request_id}", subject_id, viewer=person.id)

    @api.post("/requests/{agency}/{request_id}/disclose", response_model=JobOut, status_code=202)
    def disclose(agency: str, request_id: str, body: DiscloseBody,
                 person: Principal = Depends(acting(settings, "disclose.start"))) -> JSONResponse:
        """Start matching and disclosure of an approved request: its job is queued for ``ftigate worker``
        (or the one already queued is returned). Follow it at ``…/progress``."""
        ref = f"{agency}/{request_id}"
        job = start_disclosure(settings, ref, Path(body.master), by=person, engine=body.engine)
        if job is None:
            raise InputError(f"{ref} is already disclosed: there is nothing to start")
        return JSONResponse(_job(jobs.job_progress(settings, job)), status_code=202)

    @api.get("/requests/{agency}/{request_id}/progress", response_model=JobOut)
    def progress(agency: str, request_id: str, person: Principal = read) -> dict[str, Any]:
        """Where the request's latest job stands (queued, running: its stage and fraction, done)."""
        if person.agency is not None:
            authorise(settings, person, "requests.read", agency=agency)
        found = jobs.request_progress(settings, f"{agency}/{request_id}")
        if found is None:
            raise NotFoundError(f"{agency}/{request_id} has no job yet")
        return _job(found)

    return api


#: a JSON submission up to this size is read before its token is checked, so that the check, the
#: parsing and the storing take one trip to the worker threads (a larger one is refused first if it must be)
ONE_TRIP_BYTES = 1 << 20


def _inline(settings: Settings, person: Callable[[], Principal], body: bytes) -> Submitted:
    """A JSON submission (subjects inline), from the caller's check on: who they are (``person()``:
    401 or 403 first), the body parsed (400), their agency's own request (403), judged and stored."""
    who = person()
    request = uploads.parse_request(body)
    if "subjects_file" in request:
        raise InputError("with JSON, subjects are inline ('subjects'); upload a file as multipart", field="subjects_file")
    authorise(settings, who, "requests.submit", agency=str(request.get("agency")))
    return submit_request_document(settings, request)


def _submitted(result: Submitted) -> JSONResponse:
    d = result.decision
    # Submission's fields, built as it declares them and sent as they are (not validated again)
    body = {"request": result.ref, "state": result.state, "decision": d.decision, "duplicate": result.duplicate,
            "subjects_total": d.total, "subjects_valid": d.valid, "subjects_invalid": d.invalid,
            "findings": [_finding(f) for f in d.findings if f.subject_id is None or f.outcome != "pass"]}
    return JSONResponse(body, status_code=200 if result.duplicate else 201)


def _job(p: jobs.JobProgress) -> dict[str, Any]:
    data = p.to_json()
    data.pop("owner", None)
    return data
