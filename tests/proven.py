"""Proven people for tests: every actor a test uses is registered by an administrator and proven by a
token, through the same service functions the command line and the HTTP API use; nobody is merely
named.

The first administrator of a test's data directory (``admin-0``) is registered the way a data
directory's owner registers one; its token is kept in the data directory (so a copied directory
keeps it) and every other person's token is issued by it.
"""

from __future__ import annotations

from pathlib import Path

from ftigate.errors import NotAuthenticated
from ftigate.service.admin import access, staff
from ftigate.service.admin.principal import Principal
from ftigate.settings import Settings

ADMIN = "admin-0"


def _admin_file(settings: Settings) -> Path:
    return settings.data_dir / f"{ADMIN}.token"


def admin_token(settings: Settings) -> str:
    """The token of the data directory's first administrator, registering them on first use."""
    path = _admin_file(settings)
    if not path.exists():
        issued = access.bootstrap_administrator(settings, ADMIN, "Synthetic First Administrator")
        path.write_text(issued.token, encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8")


def admin(settings: Settings) -> Principal:
    return access.authenticate(settings, admin_token(settings))


def token(settings: Settings, person: str) -> str:
    """A fresh token for a registered member of staff, or an agency person (official or officer)."""
    if person == ADMIN:
        return admin_token(settings)
    by = admin(settings)
    with_staff = {row["id"] for row in staff.list_staff(settings)}
    if person in with_staff:
        return access.issue_token(settings, by, person).token
    return access.issue_agency_token(settings, by, person).token


_TOKENS: dict[tuple[str, str], str] = {}


def token_for(settings: Settings, person: str) -> str:
    """``person``'s token, issued on first use in this data directory (or a copy of it: the tokens
    live in its store), so later uses add nothing to the ledger. A token that no longer
    authenticates here (one copy of a directory revoked it, or the holder left office) is replaced
    by a new one, so a test never depends on what an earlier test did to another copy."""
    key = (admin_token(settings), person)
    cached = _TOKENS.get(key)
    if cached is not None:
        try:
            access.authenticate(settings, cached)
        except NotAuthenticated:
            cached = None
    if cached is None:
        cached = _TOKENS[key] = token(settings, person)
    return cached


def as_(settings: Settings, person: str) -> Principal:
    """``person`` proven by their token (:func:`token_for`)."""
    return access.authenticate(settings, token_for(settings, person))


def add_staff(settings: Settings, staff_id: str, name: str, role: str) -> Principal:
    """Register a member of staff (by the first administrator) and return them proven."""
    staff.add_staff(settings, admin(settings), staff_id, name, role)
    return as_(settings, staff_id)


#: the person the command-line tests' ``check`` runs as unless told otherwise (a disclosure officer)
CHECKER = "checker-0"


def checker(settings: Settings) -> str:
    """:data:`CHECKER`, registered on first use in this data directory; their id."""
    if CHECKER not in {row["id"] for row in staff.list_staff(settings)}:
        add_staff(settings, CHECKER, "Synthetic Checking Officer", "disclosure_officer")
    return CHECKER


def discloser(settings: Settings) -> Principal:
    """A registered disclosure officer (or supervisor) proven, to start a disclosure."""
    for row in staff.list_staff(settings):
        if row["role"] in ("disclosure_officer", "supervisor"):
            return as_(settings, row["id"])
    return add_staff(settings, "do-disclose", "Synthetic Disclosure Officer", "disclosure_officer")
