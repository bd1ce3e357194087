"""Who may read through the HTTP API, and what: bearer tokens of registered staff, and the roles each
kind of read needs.

Reading return information without authorisation is itself an offence (26 U.S.C. 7213A,
unauthorized inspection), so the API answers only a known person whose role needs what they ask
for. A token stands for one registered member of staff; it is issued and revoked by an
administrator on the command line and every issue and revocation is in the ledger. The token is
shown once, to the person issuing it; the store keeps only its SHA-256 digest, so a copy of the
database lets nobody in.

The roles rule is :data:`READS`, here and nowhere else: the routes name the kind of read, this
module says who may make it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import RowMapping

from ftigate.errors import InputError, NotAuthenticated, PermissionDenied
from ftigate.ledger import catalogue
from ftigate.service.admin.staff import ROLES, staff_member
from ftigate.service.log.events import Event, record
from ftigate.service.store_access import now, transaction
from ftigate.settings import Settings
from ftigate.store import token_store

#: every token starts with this, so one pasted into the wrong place (a log, a chat, a commit) is
#: recognisable for what it is and can be found by secret scanners
TOKEN_PREFIX = "ftg_"  # nosec B105  # the public prefix that marks a token, not a secret
#: random bytes in a token: 256 bits, beyond any guessing
TOKEN_BYTES = 32
#: a token is never longer than this; anything longer is malformed and not even hashed
_MAX_TOKEN_LENGTH = 200
#: how long a token may be used unless its issuer says otherwise, and the longest it may be issued
#: for: a token copied once into a script should not work for ever
TOKEN_DAYS = 90
MAX_TOKEN_DAYS = 366

#: which roles may make each kind of read over the HTTP API
READS: dict[str, tuple[str, ...]] = {
    # requests, their state, findings, reviews and events
    "requests": ROLES,
    # a subject's outcome and match evidence: return information (26 U.S.C. 6103(b)(2)). Not the
    # administrators: they manage people and the registry and have no need to read taxpayers'
    # information (separation of duties)
    "evidence": ("disclosure_officer", "supervisor", "overseer"),
    # the law's check of a request: it says whether the agency asked about these people before, which
    # is return information, so it is for the same roles as the evidence (and each check is recorded)
    "check": ("disclosure_officer", "supervisor", "overseer"),
    # the review desk (the queue, a request's review sheet, approving or denying): the reviewers
    # (the law's own rule on who may decide is ``law.duties``; this only says who sees the desk)
    "review": ("disclosure_officer", "supervisor"),
    # the oversight dashboard and the period and annual reports
    "oversight": ("supervisor", "overseer"),
}


@dataclass(frozen=True)
class IssuedToken:
    staff: str
    token: str            # shown once, to whoever issued it; stored nowhere
    fingerprint: str      # names the token in the ledger and to the person holding it
    issued_at: dt.datetime
    expires_at: dt.datetime


def token_digest(token: str) -> str:
    """SHA-256 (hex) of a token: what the store keeps and what a presented token is looked up by.

    A plain digest is right here, not a salted, slow password hash: salts and key stretching make
    guessing a low-entropy secret expensive, but a token is 32 random bytes from ``secrets``, and
    no amount of guessing finds a 256-bit value from its SHA-256.
    """
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def fingerprint(digest: str) -> str:
    """The first 12 hex digits of a token's digest, in groups of four (``1a2b:3c4d:5e6f``).

    Enough to tell one person's tokens apart in the ledger, too little to stand in for the digest.
    Grouped because twelve hex digits in a row are now and then nine decimal digits in a row, which
    the ledger's privacy guard takes for a TIN and refuses.
    """
    head = digest[:12]
    return ":".join(head[i:i + 4] for i in range(0, 12, 4))


def issue_token(settings: Settings, staff_id: str, label: str | None = None,
                actor: str = "administrator", days: int = TOKEN_DAYS) -> IssuedToken:
    """A new API token for a registered member of staff, valid for ``days`` days; its digest is
    stored, the token returned."""
    if not 1 <= days <= MAX_TOKEN_DAYS:
        raise InputError(f"a token is valid for 1 to {MAX_TOKEN_DAYS} days, not {days}", field="days")
    label = (label or "").strip() or None
    if label is not None and len(label) > 200:
        raise InputError("a label is at most 200 characters", field="label")
    token = TOKEN_PREFIX + secrets.token_urlsafe(TOKEN_BYTES)
    digest = token_digest(token)
    at = now()
    with transaction(settings) as conn:
        staff_member(conn, staff_id)
        token_store.insert_token(conn, staff_id, digest, label, at, at + dt.timedelta(days=days))
        # the label is free text and stays out of the permanent log; the fingerprint names the token
        record(conn, settings, [Event(catalogue.StaffTokenIssued(
            staff=staff_id, fingerprint=fingerprint(digest), expires=(at + dt.timedelta(days=days)).date()), actor)], at)
    return IssuedToken(staff_id, token, fingerprint(digest), at, at + dt.timedelta(days=days))


def revoke_tokens(settings: Settings, staff_id: str, actor: str = "administrator") -> int:
    """Revoke every live token of a member of staff; returns how many there were.

    Revoking again changes nothing and records nothing, like registering a person unchanged.
    """
    at = now()
    with transaction(settings) as conn:
        staff_member(conn, staff_id)
        count = token_store.revoke_all(conn, staff_id, at)
        if count:
            record(conn, settings, [Event(catalogue.StaffTokensRevoked(staff=staff_id, tokens=count), actor)], at)
        return count


def authenticate(settings: Settings, token: str | None) -> RowMapping:
    """The member of staff (their ``staff`` row) a presented token stands for.

    The token is compared by its digest, so what the caller sent is never compared against, or
    kept beside, anything secret. Missing, malformed, unknown and revoked tokens are all refused
    with the same :class:`NotAuthenticated`.
    """
    if not token or len(token) > _MAX_TOKEN_LENGTH or not token.startswith(TOKEN_PREFIX):
        raise NotAuthenticated()
    with transaction(settings) as conn:
        person = token_store.live_holder(conn, token_digest(token), now())
    if person is None:
        raise NotAuthenticated()
    return person


def authorise(person: RowMapping, read: str) -> None:
    """Refuse a member of staff whose role does not need this kind of read (:data:`READS`)."""
    allowed = READS[read]
    if person["role"] not in allowed:
        raise PermissionDenied(f"'{person['id']}' is registered as {person['role']}: reading {read} is for "
                               f"{', '.join(allowed)} only")
