"""The sign-in page, signing out, and the console's front door (``/console/``, by role)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request, Response
from fastapi.responses import RedirectResponse

from ftigate.errors import NotAuthenticated, SignInRefused, SignInThrottled
from ftigate.service.admin import sign_in
from ftigate.service.admin.local_accounts import LocalAccounts
from ftigate.settings import Settings
from ftigate.web.console.rendering import page
from ftigate.web.console.session import (
    SESSION_COOKIE,
    SIGN_IN_COOKIE,
    Viewer,
    check_form,
    cookie_options,
    csrf_ok,
    csrf_token,
    new_sign_in_secret,
    signed_in,
)

#: where each role lands after signing in
HOME = {"disclosure_officer": "/console/queue", "supervisor": "/console/queue",
        "overseer": "/console/oversight", "administrator": "/console/requests"}


def _safe_next(target: str | None) -> str | None:
    """Only a console path: never a redirect to another site."""
    if target and target.startswith("/console/") and not target.startswith("/console//") and "\\" not in target:
        return target
    return None


def add_routes(router: APIRouter, settings: Settings, method: sign_in.SignInMethod | None = None) -> None:
    how = method or LocalAccounts()
    viewer_of = signed_in(settings)

    def form(request: Request, status_code: int = 200, error: str | None = None, staff: str = "") -> Response:
        secret = new_sign_in_secret()
        response = page(request, "sign_in.html", status_code=status_code, csrf=csrf_token(secret), error=error,
                        staff=staff, next=_safe_next(request.query_params.get("next")) or "")
        response.set_cookie(SIGN_IN_COOKIE, secret, max_age=900, **cookie_options(settings))
        return response

    @router.get("/sign-in")
    def sign_in_page(request: Request) -> Response:
        return form(request)

    @router.post("/sign-in")
    def sign_in_post(request: Request, staff: str = Form(""), password: str = Form(""), code: str = Form(""),
                     csrf: str = Form(""), next: str = Form("")) -> Response:
        if not csrf_ok(request.cookies.get(SIGN_IN_COOKIE), csrf):
            return form(request, 403, "The sign-in form expired or did not come from this console: try again.", staff)
        try:
            session = sign_in.sign_in(settings, how, {"staff": staff, "password": password, "code": code},
                                      client_address=request.client.host if request.client else None)
        except SignInThrottled as exc:
            return form(request, 429, exc.diagnostics(), staff)
        except SignInRefused as exc:
            return form(request, 401, exc.diagnostics(), staff)
        response = RedirectResponse(_safe_next(next) or HOME.get(session.role, "/console/requests"), status_code=303)
        response.set_cookie(SESSION_COOKIE, session.token, max_age=settings.console.session_minutes * 60,
                            **cookie_options(settings))
        response.delete_cookie(SIGN_IN_COOKIE, path="/")
        return response

    @router.post("/sign-out")
    def sign_out(request: Request, csrf: str = Form(""), viewer: Viewer = Depends(viewer_of)) -> Response:
        check_form(viewer, csrf)
        sign_in.sign_out(settings, request.cookies.get(SESSION_COOKIE))
        response = RedirectResponse("/console/sign-in", status_code=303)
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response

    @router.get("/")
    def home(request: Request) -> Response:
        try:
            viewer = viewer_of(request)
        except NotAuthenticated:
            return RedirectResponse("/console/sign-in", status_code=303)
        return RedirectResponse(HOME.get(viewer.role, "/console/requests"), status_code=303)
