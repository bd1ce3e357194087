"""The HTTP API: read-only views of requests, their findings, match evidence and events, and the
same ``check`` as the command line.

It changes nothing: submitting, reviewing and disclosing stay on the command line, where the actor
is a registered person at a terminal of the tax agency. Every route but ``/health`` needs the API
token of a registered member of staff (``Authorization: Bearer <token>``, issued with
``ftigate staff token``) whose role may make that kind of read (``service.access.READS``); a
subject's evidence is return information, and each view of it is recorded in the ledger. Errors
come back as JSON with the same diagnostics the command line prints: 401 (with
``WWW-Authenticate: Bearer``) for a missing or bad token, 403 for a role that may not read this.
"""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, field_validator, model_validator

from ftigate import __version__
from ftigate.errors import FtigateError, InputError, NotAuthenticated, NotFoundError, PermissionDenied
from ftigate.jsonfile import loads_object
from ftigate.service.admin import access
from ftigate.service.requests import queries
from ftigate.service.requests.checking import check_request_file
from ftigate.settings import Settings
from ftigate.store.records import RequestRecord
from ftigate.store.rows import Row
from ftigate.web.console import mount_console


def _iso(value: object) -> object:
    """A stored date and time as the API writes it (ISO 8601, as Python's isoformat gives it)."""
    return value.isoformat() if isinstance(value, dt.datetime) else value


class RequestSummary(BaseModel):
    """A request as the API lists it, validated from the store's record (never copied key by key)."""

    request: str
    state: str
    decision: str
    policy_version: str
    registry_version: int
    subjects_total: int
    subjects_valid: int
    subjects_invalid: int
    received_at: str

    @model_validator(mode="before")
    @classmethod
    def _ref(cls, value: object) -> object:
        """A stored request names itself by agency and request id; the API by ``AGENCY/REQUEST_ID``."""
        if isinstance(value, Mapping) and "request" not in value and "agency" in value:
            return {**value, "request": f"{value['agency']}/{value['request_id']}"}
        return value

    _when = field_validator("received_at", mode="before")(lambda value: _iso(value))


class FindingOut(BaseModel):
    """A finding of the law on the request (stored columns beyond these are not shown)."""

    rule: str
    citation: str
    outcome: str
    message: str
    subject_id: str | None


class EventOut(BaseModel):
    """One of the request's events, with the index of its ledger entry."""

    kind: str
    actor: str
    at: str
    ledger_index: int | None

    _when = field_validator("at", mode="before")(lambda value: _iso(value))


class ReviewOut(BaseModel):
    """A review decision with its written reason."""

    reviewer: str
    role: str
    decision: str
    reason: str
    policy_version: str
    at: str

    _when = field_validator("at", mode="before")(lambda value: _iso(value))


class RequestDetail(RequestSummary):
    findings: list[FindingOut]
    outcomes: dict[str, int]
    events: list[EventOut]
    reviews: list[ReviewOut]


def _summary(r: RequestRecord) -> dict[str, Any]:
    return RequestSummary.model_validate(r).model_dump(mode="json")


def create_app(settings: Settings | None = None) -> FastAPI:
    cfg = settings or Settings()
    app = FastAPI(title="ftigate", version=__version__,
                  description="Read-only views of the gateway, and the law's check of a request.")

    @app.exception_handler(FtigateError)
    async def _error(_request: Request, exc: FtigateError) -> JSONResponse:
        if isinstance(exc, NotAuthenticated):
            return JSONResponse(status_code=401, content={"error": exc.diagnostics()},
                                headers={"WWW-Authenticate": "Bearer"})
        status = 404 if isinstance(exc, NotFoundError) else 403 if isinstance(exc, PermissionDenied) else 400
        return JSONResponse(status_code=status, content={"error": exc.diagnostics()})

    # auto_error=False: a missing or malformed header reaches ``reader`` as None, which answers with
    # the API's own 401 (JSON body, WWW-Authenticate) instead of FastAPI's
    bearer = HTTPBearer(auto_error=False, description="An API token from `ftigate staff token STAFF_ID`.")

    def reader(read: str) -> Callable[..., Row]:
        """A dependency: the member of staff whose token came with the call, if their role may make
        this kind of read (``service.access.READS``)."""
        def dependency(credentials: HTTPAuthorizationCredentials | None = Depends(bearer)) -> Row:
            person = access.authenticate(cfg, credentials.credentials if credentials else None)
            access.authorise(person, read)
            return person
        return dependency

    read_requests = Depends(reader("requests"))
    read_evidence = Depends(reader("evidence"))

    @app.get("/health")
    def health() -> dict[str, str]:
        return {"status": "ok", "version": __version__}

    @app.get("/requests", response_model=list[RequestSummary])
    def list_requests(state: str | None = None, _person: Mapping[str, Any] = read_requests) -> list[dict[str, Any]]:
        return [_summary(r) for r in queries.requests(cfg, (state,) if state else None)]

    @app.get("/requests/{agency}/{request_id}", response_model=RequestDetail)
    def request_detail(agency: str, request_id: str, _person: Mapping[str, Any] = read_requests) -> dict[str, Any]:
        d = queries.request_detail(cfg, f"{agency}/{request_id}")
        return RequestDetail.model_validate({**d["request"], **{part: d[part] for part in (
            "outcomes", "findings", "events", "reviews")}}).model_dump(mode="json")

    @app.get("/requests/{agency}/{request_id}/subjects/{subject_id}")
    def subject_evidence(agency: str, request_id: str, subject_id: str,
                         person: Mapping[str, Any] = read_evidence) -> dict[str, Any]:
        """A subject's outcome and the evidence it rests on (fields that agreed, scores, runner-up);
        TINs are not shown. Each view is recorded in the ledger (``evidence.viewed``, by the reader)."""
        return queries.subject_evidence(cfg, f"{agency}/{request_id}", subject_id, viewer=person["id"])

    @app.post("/check")
    async def check(http: Request, person: Mapping[str, Any] = Depends(reader("check"))) -> JSONResponse:
        """The same verdict as ``ftigate check --json`` (inline subjects only; no request is stored). For
        the roles that may see return information; each check is a ``check.made`` ledger event by the
        caller. The body is read as the command line reads a file: a member name given twice is refused."""
        raw = await http.body()
        try:
            request = loads_object(raw.decode("utf-8"))
        except UnicodeDecodeError:
            raise InputError("the request is not UTF-8 text") from None
        except json.JSONDecodeError as exc:
            raise InputError(f"not JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from None
        except (ValueError, RecursionError) as exc:
            raise InputError(f"not JSON: {exc}") from None
        if not isinstance(request, dict):
            raise InputError("the request must be a JSON object")
        if "subjects_file" in request:
            raise InputError("over HTTP, subjects must be inline ('subjects'), not a file", field="subjects_file")
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "request.json"
            path.write_text(json.dumps(request, ensure_ascii=False), encoding="utf-8")
            decision = await run_in_threadpool(check_request_file, cfg, path, None, None, person["id"], "http")
        return JSONResponse(decision.to_json(), status_code=200 if decision.decision != "rejected" else 422)

    mount_console(app, cfg)
    return app


