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

from ftigate.errors import NotAuthenticated, SignInRefused, SignInThrottled
from ftigate.ledger import catalogue
from ftigate.service.admin.principal import Principal, from_verified_credential
from ftigate.service.admin.staff import staff_member
from ftigate.service.log import ledger
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


def _client(settings: Settings, address: str | None) -> str | None:
    """A keyed commitment to a client's address: the same address gives the same value, so its
    failures can be counted from the events, and the ledger never shows the address."""
    return ledger.commitment(settings, {"console_client": address}) if address else None


def throttled(conn: Connection, settings: Settings, client: str | None, at: dt.datetime) -> bool:
    """Whether ``client`` (:func:`_client`) failed to sign in ``max_failed_per_client`` times within
    the last ``lock_minutes``: the per-account lock cannot stop guesses that name unknown or many
    staff ids, so the address that sends them is slowed down too."""
    if client is None:
        return False
    since = at - dt.timedelta(minutes=settings.console.lock_minutes)
    failures = credential_store.recent_events(conn, catalogue.Kind.CONSOLE_SIGN_IN_FAILED.value, since)
    return sum(1 for detail in failures if detail.get("client") == client) >= settings.console.max_failed_per_client


def sign_in(settings: Settings, method: SignInMethod, proof: Mapping[str, str], client_address: str | None = None) -> Session:
    """A new session for the person ``proof`` proves to be, or :class:`SignInRefused`.

    The refusal is recorded (``console.sign_in_failed``) and committed before it is raised; the
    ledger never carries a password, a code, what was typed as a staff id or the client's address
    (only a keyed commitment to it). A client address that has failed ``max_failed_per_client`` times
    within ``lock_minutes`` is refused without a look at what it sent (:class:`SignInThrottled`, and
    recorded as ``throttled``), whichever staff id it names.
    """
    at = now()
    client = _client(settings, client_address)
    session: Session | None = None
    refusal: SignInRefused = SignInRefused()
    with transaction(settings) as conn:
        if throttled(conn, settings, client, at):
            refusal = SignInThrottled(settings.console.lock_minutes)
            record(conn, settings, [Event(catalogue.ConsoleSignInFailed(method=method.name, why="throttled",
                                                                        client=client), "unknown")], at)
        else:
            verdict = method.check(conn, settings, proof, at)
            if not verdict.accepted or verdict.staff is None:
                record(conn, settings, [Event(catalogue.ConsoleSignInFailed(
                    method=method.name, why=verdict.why or "refused", client=client), verdict.staff or "unknown")], at)
            else:
                token = secrets.token_urlsafe(SESSION_BYTES)
                expires = at + dt.timedelta(minutes=settings.console.session_minutes)
                credential_store.insert_session(conn, verdict.staff, _digest(token), at, expires)
                person = staff_member(conn, verdict.staff)
                record(conn, settings, [Event(catalogue.ConsoleSignedIn(
                    method=method.name, expires=expires.isoformat(timespec="seconds")), verdict.staff)], at)
                session = Session(verdict.staff, person["role"], token, expires)
    if session is None:
        raise refusal
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


def session_principal(settings: Settings, token: str | None) -> Principal:
    """The member of staff whose live console session this cookie is, as a proven
    :class:`~ftigate.service.admin.principal.Principal` (for the console's acts: approve, deny)."""
    person = session_holder(settings, token)
    return from_verified_credential(person["id"], person["role"], None, "console_session")


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
