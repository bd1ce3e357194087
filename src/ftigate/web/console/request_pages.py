"""Requests, the review queue, a request's review sheet and page, a subject's evidence, progress."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request, Response

from ftigate.service.requests import queries
from ftigate.service.requests.lifecycle import ref_of
from ftigate.settings import Settings
from ftigate.web.console.rendering import page
from ftigate.web.console.session import Viewer, allowed


def add_routes(router: APIRouter, settings: Settings) -> None:
    read_requests = Depends(allowed(settings, "requests"))

    @router.get("/requests")
    def requests_page(request: Request, state: str | None = None, viewer: Viewer = read_requests) -> Response:
        rows = [{**r, "ref": ref_of(r)} for r in reversed(queries.requests(settings, (state,) if state else None))]
        return page(request, "requests.html", viewer=viewer, nav="requests", rows=rows, state=state or "")
