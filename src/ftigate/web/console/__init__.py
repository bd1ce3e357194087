"""The staff console: server-rendered pages for disclosure officers, supervisors and overseers.

Mounted on the HTTP API's app by :func:`mount_console` (``ftigate serve``): pages under
``/console/``, their stylesheet and script under ``/console/static/``, and ``/`` leading to the
console (the sign-in page for someone not signed in). Every page but the sign-in page needs a live
console session, and each needs a role that the roles table allows its kind of read
(``session.ACTION_OF``: each kind of page by its action of ``service.admin.principal.ACTIONS``).
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles

from ftigate.settings import Settings
from ftigate.web.console import oversight_pages, request_pages, sign_in_pages
from ftigate.web.console.rendering import ConsoleRoute

STATIC = Path(__file__).parent / "static"


def mount_console(app: FastAPI, settings: Settings) -> None:
    """Add the console's pages to ``app``."""
    from fastapi import APIRouter

    router = APIRouter(prefix="/console", route_class=ConsoleRoute, include_in_schema=False)
    sign_in_pages.add_routes(router, settings)
    request_pages.add_routes(router, settings)
    oversight_pages.add_routes(router, settings)
    app.include_router(router)
    app.mount("/console/static", StaticFiles(directory=STATIC), name="console-static")

    @app.get("/", include_in_schema=False)
    def root() -> RedirectResponse:
        return RedirectResponse("/console/", status_code=303)
