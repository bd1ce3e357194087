"""Rendering console pages, and what every console response carries.

Errors on a page come back as a page (the same one-line diagnostics as the command line), never a
traceback: someone not signed in is sent to the sign-in page (a ``.json`` poll gets a plain 401),
a role that may not see a page gets 403, something missing 404. Every response forbids framing and
caching and allows scripts and styles only from the console itself.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import Request, Response
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.routing import APIRoute
from fastapi.templating import Jinja2Templates

from ftigate.errors import FtigateError, NotAuthenticated, NotFoundError, PermissionDenied

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
TEMPLATES.env.trim_blocks = True
TEMPLATES.env.lstrip_blocks = True
TEMPLATES.env.filters["n"] = lambda value: f"{value:,}" if isinstance(value, int) else value


def _when(value: dt.datetime | dt.date | None) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    return value.isoformat()


TEMPLATES.env.filters["when"] = _when

HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
                               "img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}

ROLE_NAMES = {"disclosure_officer": "disclosure officer", "supervisor": "supervisor",
              "administrator": "administrator", "overseer": "overseer"}
TEMPLATES.env.globals["role_names"] = ROLE_NAMES


def page(request: Request, template: str, status_code: int = 200, **context: Any) -> Response:
    """A rendered page; ``viewer`` (the signed-in person, if any) in ``context`` drives the menu."""
    context.setdefault("viewer", None)
    return TEMPLATES.TemplateResponse(request, template, context, status_code=status_code)


def _status(exc: FtigateError) -> int:
    if isinstance(exc, NotFoundError):
        return 404
    if isinstance(exc, PermissionDenied):
        return 403
    return 400


class ConsoleRoute(APIRoute):
    """A console route: errors become pages (or a redirect to sign in), every response gets the
    console's security headers."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        original = super().get_route_handler()

        async def handler(request: Request) -> Response:
            try:
                response = await original(request)
            except NotAuthenticated:
                if request.url.path.endswith(".json"):
                    response = JSONResponse({"error": "not signed in"}, status_code=401)
                else:
                    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
                    response = RedirectResponse(f"/console/sign-in?next={quote(target, safe='')}", status_code=303)
            except FtigateError as exc:
                status = _status(exc)
                if request.url.path.endswith(".json"):
                    response = JSONResponse({"error": exc.diagnostics()}, status_code=status)
                else:
                    response = page(request, "error.html", status_code=status, status=status,
                                    message=exc.diagnostics(), viewer=getattr(request.state, "viewer", None))
            for name, value in HEADERS.items():
                response.headers.setdefault(name, value)
            return response

        return handler
