"""Who is signed in to the console, and the CSRF token every form carries.

The session cookie is HttpOnly (no script reads it), SameSite=Strict (no other site's page sends
it) and Secure unless ``FTIGATE_CONSOLE_SECURE_COOKIES=0`` says the console is on loopback; it
holds a random token of which the store keeps only a digest. Every form posts a CSRF token derived
from the session (an HMAC of it), which a page of another origin cannot read, and is refused
without it. Before sign-in, the sign-in form is protected the same way by a short-lived cookie of
its own (double submit).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable
from typing import Any

from fastapi import Request
from sqlalchemy import RowMapping

from ftigate.errors import NotAuthenticated, PermissionDenied
from ftigate.service.admin import principal as principal_rules
from ftigate.service.admin import sign_in
from ftigate.service.admin.principal import Principal
from ftigate.settings import Settings

SESSION_COOKIE = "ftigate_console"
SIGN_IN_COOKIE = "ftigate_sign_in"


def csrf_token(secret: str) -> str:
    """The token a form must post back: an HMAC of the cookie's secret, useless without the cookie."""
    return hmac.new(secret.encode("utf-8"), b"ftigate console form", hashlib.sha256).hexdigest()


def csrf_ok(secret: str | None, posted: str | None) -> bool:
    return bool(secret and posted) and hmac.compare_digest(csrf_token(secret or ""), posted or "")


def new_sign_in_secret() -> str:
    return secrets.token_urlsafe(24)


def cookie_options(settings: Settings) -> dict[str, Any]:
    return {"httponly": True, "samesite": "strict", "secure": settings.console.secure_cookies, "path": "/"}


#: each kind of page, by the action of the roles x actions table (``service.admin.principal.ACTIONS``)
#: it needs
ACTION_OF = {"requests": "requests.read", "evidence": "evidence.read", "review": "review.desk",
             "oversight": "oversight.read"}


class Viewer:
    """The signed-in person of a request, proven by their session, with its CSRF token."""

    def __init__(self, person: RowMapping, principal: Principal, token: str) -> None:
        self.id: str = person["id"]
        self.name: str = person["name"]
        self.role: str = person["role"]
        self.person = person
        self.principal = principal      # what the console's acts (approve, deny) are taken by
        self.csrf = csrf_token(token)

    def may(self, read: str) -> bool:
        return principal_rules.may(self.principal, ACTION_OF[read])


def signed_in(settings: Settings) -> Callable[[Request], Viewer]:
    """A dependency: the person whose live session cookie came with the request."""
    def dependency(request: Request) -> Viewer:
        token = request.cookies.get(SESSION_COOKIE)
        person = sign_in.session_holder(settings, token)
        viewer = Viewer(person, sign_in.session_principal(settings, token), token or "")
        request.state.viewer = viewer   # for the menu on an error page
        return viewer
    return dependency


def allowed(settings: Settings, read: str) -> Callable[[Request], Viewer]:
    """A dependency: the signed-in person, if their role may make this kind of read."""
    who = signed_in(settings)

    def dependency(request: Request) -> Viewer:
        viewer = who(request)
        # a refusal is recorded in the ledger (access.denied), as the HTTP API's are
        principal_rules.authorise(settings, viewer.principal, ACTION_OF[read])
        return viewer
    return dependency


def check_form(viewer: Viewer, posted: str | None) -> None:
    """Refuse a form that does not carry this session's CSRF token."""
    if not posted or not hmac.compare_digest(viewer.csrf, posted):
        raise PermissionDenied("this form has expired or did not come from the console: reload the page and try again")


__all__ = ["NotAuthenticated", "Viewer", "allowed", "check_form", "csrf_ok", "csrf_token", "signed_in"]
