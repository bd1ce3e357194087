"""Signing people in to the staff console, whatever proves who they are, and their sessions.

Reading return information without authorisation is an offence (26 U.S.C. 7213A), so the console,
like the HTTP API, serves only a person who has proven who they are. How they prove it is a
:class:`SignInMethod`: local accounts (a password and a TOTP code, ``service.admin.local_accounts``)
today; the agency's single sign-on (OpenID Connect) would be another implementation whose ``check``
accepts a verified ID token's claims and maps them to a registered member of staff. Everything
after the proof is shared and lives here: every sign-in and every refusal is a ledger event in the
transaction that decides it, and the session that follows is a random token of which the store
keeps only the SHA-256, ending at a fixed time after sign-in or when its holder signs out.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import Connection, RowMapping

from ftigate.errors import NotAuthenticated, SignInRefused
from ftigate.ledger import catalogue
from ftigate.service.admin.staff import staff_member
from ftigate.service.log.events import Event, record
from ftigate.service.store_access import now, transaction
from ftigate.settings import Settings
from ftigate.store import credential_store

#: random bytes in a session token (256 bits)
SESSION_BYTES = 32
_MAX_SESSION_LENGTH = 100


@dataclass(frozen=True)
class Verdict:
    """What a sign-in method concluded: who (a registered staff id) or why not.

    ``staff`` on a refusal is the registered person the attempt named, if any, so their failures can
    be counted and recorded; never free text typed by the caller.
    """

    staff: str | None
    accepted: bool
    why: str = ""           # on a refusal: unknown | not_set_up | locked | password | code | replayed


class SignInMethod(Protocol):
    """One way for a person to prove who they are (local accounts, or single sign-on)."""

    #: recorded in the ledger with every sign-in ("password+totp", "oidc", ...)
    name: str

    def check(self, conn: Connection, settings: Settings, proof: Mapping[str, str], at: dt.datetime) -> Verdict:
        """Decide on ``proof`` (form fields, or verified claims) in the caller's transaction."""
        ...


@dataclass(frozen=True)
class Session:
    staff: str
    role: str
    token: str              # the cookie's value; shown to the browser only, stored as its SHA-256
    expires_at: dt.datetime


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def sign_in(settings: Settings, method: SignInMethod, proof: Mapping[str, str]) -> Session:
    """A new session for the person ``proof`` proves to be, or :class:`SignInRefused`.

    The refusal is recorded (``console.sign_in_failed``) and committed before it is raised; the
    ledger never carries a password, a code or what was typed as a staff id.
    """
    at = now()
    with transaction(settings) as conn:
        verdict = method.check(conn, settings, proof, at)
        if not verdict.accepted or verdict.staff is None:
            record(conn, settings, [Event(catalogue.ConsoleSignInFailed(method=method.name, why=verdict.why or "refused"),
                                          verdict.staff or "unknown")], at)
            session = None
        else:
            token = secrets.token_urlsafe(SESSION_BYTES)
            expires = at + dt.timedelta(minutes=settings.console.session_minutes)
            credential_store.insert_session(conn, verdict.staff, _digest(token), at, expires)
            person = staff_member(conn, verdict.staff)
            record(conn, settings, [Event(catalogue.ConsoleSignedIn(
                method=method.name, expires=expires.isoformat(timespec="seconds")), verdict.staff)], at)
            session = Session(verdict.staff, person["role"], token, expires)
    if session is None:
        raise SignInRefused()
    return session


def session_holder(settings: Settings, token: str | None) -> RowMapping:
    """The member of staff (their ``staff`` row) whose live session this cookie is, else
    :class:`NotAuthenticated`."""
    if not token or len(token) > _MAX_SESSION_LENGTH:
        raise NotAuthenticated()
    with transaction(settings) as conn:
        person = credential_store.live_session(conn, _digest(token), now())
    if person is None:
        raise NotAuthenticated()
    return person


def sign_out(settings: Settings, token: str | None) -> bool:
    """End a session (recorded as ``console.signed_out``); an unknown or ended one changes nothing."""
    if not token or len(token) > _MAX_SESSION_LENGTH:
        return False
    at = now()
    with transaction(settings) as conn:
        person = credential_store.live_session(conn, _digest(token), at)
        if person is None:
            return False
        credential_store.end_session(conn, _digest(token), at)
        record(conn, settings, [Event(catalogue.ConsoleSignedOut(), person["id"])], at)
        return True
