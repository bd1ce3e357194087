"""Requests, the review queue, a request's review sheet and page, a subject's evidence, progress.

Who sees what is the roles table, through ``session.ACTION_OF``: every role sees requests and their lifecycle; the
subjects of a request and their evidence are return information, for the roles that may read
evidence; the review desk is for reviewers, and whether a reviewer may decide is the law's
(``law.duties``), enforced by the review use case itself.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Form, Request, Response
from fastapi.responses import JSONResponse, RedirectResponse

from ftigate.errors import FtigateError, NotFoundError, PermissionDenied
from ftigate.service.requests import queries, review_desk
from ftigate.service.requests import review as review_service
from ftigate.service.requests.lifecycle import ref_of
from ftigate.settings import Settings
from ftigate.web.console.rendering import page
from ftigate.web.console.session import Viewer, allowed, check_form

#: the outcome filter's choices: before matching, valid or not; after, the matcher's outcomes
OUTCOMES = ("valid", "invalid", "pending", "match", "no_match", "ambiguous", "withheld")


def _subject_filters(request: Request) -> dict[str, Any]:
    q = request.query_params
    try:
        number = int(q.get("page") or 1)
    except ValueError:
        number = 1
    outcome = q.get("outcome") or ""
    return {"outcome": outcome if outcome in OUTCOMES else "", "rule": (q.get("rule") or "")[:100],
            "search": (q.get("search") or "")[:200], "page": max(1, number)}


def add_routes(router: APIRouter, settings: Settings) -> None:
    read_requests = Depends(allowed(settings, "requests"))
    read_review = Depends(allowed(settings, "review"))
    read_evidence = Depends(allowed(settings, "evidence"))

    def subjects_context(ref: str, request: Request) -> dict[str, Any]:
        filters = _subject_filters(request)
        rows, total = review_desk.subjects(settings, ref, **filters)
        return {"filters": filters, "subjects": rows, "subjects_total": total, "outcomes": OUTCOMES,
                "pages": max(1, -(-total // review_desk.PER_PAGE))}

    @router.get("/requests")
    def requests_page(request: Request, state: str | None = None, viewer: Viewer = read_requests) -> Response:
        rows = [{**r, "ref": ref_of(r)} for r in reversed(queries.requests(settings, (state,) if state else None))]
        return page(request, "requests.html", viewer=viewer, nav="requests", rows=rows, state=state or "")

    @router.get("/queue")
    def queue_page(request: Request, viewer: Viewer = read_review) -> Response:
        return page(request, "queue.html", viewer=viewer, nav="queue", rows=review_desk.queue(settings))

    @router.get("/requests/{agency}/{request_id}")
    def request_page(agency: str, request_id: str, request: Request, viewer: Viewer = read_requests) -> Response:
        ref = f"{agency}/{request_id}"
        sheet = review_desk.review_sheet(settings, ref)
        context: dict[str, Any] = {"sheet": sheet, "timeline": review_desk.timeline(settings, ref),
                                   "progress": review_desk.progress(settings, ref), "base": f"/console/requests/{ref}"}
        if viewer.may("evidence"):
            context.update(subjects_context(ref, request))
        return page(request, "request.html", viewer=viewer, nav="requests", **context)

    def review_page(request: Request, viewer: Viewer, ref: str, status_code: int = 200, error: str | None = None,
                    reason: str = "") -> Response:
        sheet = review_desk.review_sheet(settings, ref)
        return page(request, "review.html", status_code=status_code, viewer=viewer, nav="queue", sheet=sheet,
                    error=error, reason=reason, base=f"/console/requests/{ref}", **subjects_context(ref, request))

    @router.get("/requests/{agency}/{request_id}/review")
    def review_get(agency: str, request_id: str, request: Request, viewer: Viewer = read_review) -> Response:
        return review_page(request, viewer, f"{agency}/{request_id}")

    @router.post("/requests/{agency}/{request_id}/review")
    def review_post(agency: str, request_id: str, request: Request, decision: str = Form(""), reason: str = Form(""),
                    csrf: str = Form(""), viewer: Viewer = read_review) -> Response:
        check_form(viewer, csrf)
        ref = f"{agency}/{request_id}"
        if not reason.strip():
            return review_page(request, viewer, ref, 400, "Write the reason for your decision.", reason)
        try:
            review_service.review(settings, ref, viewer.principal, decision, reason)
        except NotFoundError:
            raise
        except PermissionDenied as exc:
            return review_page(request, viewer, ref, 403, exc.diagnostics(), reason)
        except FtigateError as exc:
            return review_page(request, viewer, ref, 400, exc.diagnostics(), reason)
        return RedirectResponse(f"/console/requests/{ref}/review?decided={decision}", status_code=303)

    @router.get("/requests/{agency}/{request_id}/subjects/{subject_id}")
    def evidence_page(agency: str, request_id: str, subject_id: str, request: Request,
                      viewer: Viewer = read_evidence) -> Response:
        ref = f"{agency}/{request_id}"
        view = review_desk.subject_view(settings, ref, subject_id, viewer.id)
        return page(request, "evidence.html", viewer=viewer, nav="requests", ref=ref, view=view,
                    base=f"/console/requests/{ref}")

    @router.get("/requests/{agency}/{request_id}/progress.json")
    def progress_json(agency: str, request_id: str, viewer: Viewer = read_requests) -> JSONResponse:
        return JSONResponse(review_desk.progress(settings, f"{agency}/{request_id}"))
