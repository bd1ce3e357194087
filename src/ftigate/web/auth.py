"""Who is calling: the bearer token of every API call, verified into a
:class:`~ftigate.service.admin.principal.Principal`, and the action the route takes checked against
the roles table (a refusal is recorded in the ledger as ``access.denied``).

A missing, unknown, revoked or expired token answers 401 with ``WWW-Authenticate: Bearer``; a
role that may not take the action answers 403.
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi import Depends
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from ftigate.service.admin import access
from ftigate.service.admin.principal import Principal, authorise
from ftigate.settings import Settings

# auto_error=False: a missing or malformed header reaches the dependency as None, which answers with
# the API's own 401 (JSON body, WWW-Authenticate) instead of FastAPI's
bearer = HTTPBearer(auto_error=False, description="An API token: `ftigate staff token STAFF_ID` for the tax agency's "
                    "staff, `ftigate registry token ID` for a requesting agency's official or recipient officer.")


def caller(settings: Settings) -> Callable[..., Principal]:
    """A dependency: the person whose token came with the call."""
    def dependency(credentials: HTTPAuthorizationCredentials | None = Depends(bearer)) -> Principal:
        return access.authenticate(settings, credentials.credentials if credentials else None)
    return dependency


def acting(settings: Settings, action: str) -> Callable[..., Principal]:
    """A dependency: the caller, if their role may take ``action`` (``principal.ACTIONS``). One
    function, so the token's check and the role's run in one trip to the worker threads."""
    def dependency(credentials: HTTPAuthorizationCredentials | None = Depends(bearer)) -> Principal:
        person = access.authenticate(settings, credentials.credentials if credentials else None)
        authorise(settings, person, action)
        return person
    return dependency
