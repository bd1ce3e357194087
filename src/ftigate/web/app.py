"""The HTTP API (``ftigate serve``): both agencies and the tax agency's staff, each proven by their
own token.

The routes live in modules of their own, by who uses them: :mod:`ftigate.web.requests_api` (submit,
follow, read requests and evidence, start a disclosure), :mod:`ftigate.web.staff_api` (review,
withhold list, registry, incidents), :mod:`ftigate.web.packages_api` (a recipient's package and its
certification), :mod:`ftigate.web.admin_api` (staff, tokens, taxpayer notices, opening the
accounting, who the caller is), :mod:`ftigate.web.jobs_api` (the queue, a request queued for
validation), :mod:`ftigate.web.oversight_api` (reports, the accounting, the log and its audits, the
gateway's package key); this module adds ``/health``, the law's ``/check`` and the staff console. Every
route but ``/health``, ``/docs`` and ``/openapi.json`` needs a token (``Authorization: Bearer``)
whose role the roles table allows for what the route does (``service.admin.principal.ACTIONS``).
Errors are ``{"error": "…"}`` (:mod:`ftigate.web.errors`): 401 with ``WWW-Authenticate: Bearer``
for a missing or bad token, 403 for a role that may not, 404, 409, 413 for a body over its limit,
400/422 for bad input. ``/docs`` serves Swagger UI from a local package, with no internet access.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from fastapi import Depends, FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from ftigate import __version__
from ftigate.errors import InputError
from ftigate.service.admin.principal import Principal
from ftigate.service.requests.checking import check_request_file
from ftigate.settings import Settings
from ftigate.web import (
    admin_api,
    errors,
    jobs_api,
    offline_docs,
    oversight_api,
    packages_api,
    requests_api,
    staff_api,
)
from ftigate.web.auth import acting
from ftigate.web.console import mount_console
from ftigate.web.uploads import parse_request

# the response models, for those who imported them from here
RequestSummary = requests_api.RequestSummary
RequestDetail = requests_api.RequestDetail

__all__ = ["RequestDetail", "RequestSummary", "app_from_environment", "create_app"]


def create_app(settings: Settings | None = None) -> FastAPI:
    cfg = settings or Settings()
    app = FastAPI(title="ftigate", version=__version__, docs_url=None, redoc_url=None,
                  description="The gateway's HTTP API: requesting agencies submit signed requests and receive "
                              "packages; the tax agency's staff review, withhold, disclose and oversee. Every "
                              "route but /health, /docs and /openapi.json needs a bearer token. Errors are "
                              '{"error": "..."}; a JSON body is at most 64 MiB, an upload at most 1 GiB (413).')
    errors.install(app, cfg)
    offline_docs.install(app)

    @app.get("/health")
    def health() -> dict[str, str]:
        return {"status": "ok", "version": __version__}

    app.include_router(requests_api.router(cfg))
    app.include_router(staff_api.router(cfg))
    app.include_router(packages_api.router(cfg))
    app.include_router(admin_api.router(cfg))
    app.include_router(jobs_api.router(cfg))
    app.include_router(oversight_api.router(cfg))

    @app.post("/check")
    async def check(http: Request, person: Principal = Depends(acting(cfg, "requests.check"))) -> JSONResponse:
        """The same verdict as ``ftigate check --json`` (inline subjects only; no request is stored). For
        the roles that may see return information; each check is a ``check.made`` ledger event by the
        caller. The body is read as the command line reads a file: a member name given twice is refused."""
        request = parse_request(await http.body())
        if "subjects_file" in request:
            raise InputError("over HTTP, subjects must be inline ('subjects'), not a file", field="subjects_file")
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "request.json"
            path.write_text(json.dumps(request, ensure_ascii=False), encoding="utf-8")
            decision = await run_in_threadpool(check_request_file, cfg, path, None, None, person.id, "http")
        return JSONResponse(decision.to_json(), status_code=200 if decision.decision != "rejected" else 422)

    mount_console(app, cfg)
    return app




def app_from_environment() -> FastAPI:
    """The app of the settings in this process's environment: what each worker of ``ftigate serve
    --workers N`` runs (the command sets ``FTIGATE_HOME`` to its data directory before starting them)."""
    return create_app(Settings())
