"""Proving who is acting: API tokens of the tax agency's staff and of the requesting agency's people,
and the one way a :class:`~ftigate.service.admin.principal.Principal` is made.

Reading return information without authorisation is itself an offence (26 U.S.C. 7213A,
unauthorized inspection), and a decision is only as good as the proof of who took it. A token stands
for one person: a registered member of staff (``ftg_…``, ``ftigate staff token``) or a registered
official or recipient officer of a requesting agency (``fta_…``, ``ftigate registry token``). Both
kinds are issued and revoked by an administrator and every issue and revocation is in the ledger.
A token is shown once, to the person issuing it; the store keeps only its SHA-256 digest, so a copy
of the database lets nobody in.

The very first administrator of a new data directory has nobody to issue them a token: whoever owns
the data directory registers them (:func:`bootstrap_administrator`), once, and the ledger says so
(the ``staff.registered`` entry's actor is ``data-directory-owner``).

What each role may do is :data:`ftigate.service.admin.principal.ACTIONS`, not here.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection

from ftigate.errors import InputError, NotAuthenticated, NotFoundError, PermissionDenied
from ftigate.ledger import catalogue
from ftigate.service.admin.principal import Principal, authorise, from_verified_credential
from ftigate.service.admin.staff import staff_member
from ftigate.service.log.events import Event, record
from ftigate.service.store_access import now, reading, transaction
from ftigate.settings import Settings
from ftigate.store import registry_store, requests_store, token_store

#: every token starts with this, so one pasted into the wrong place (a log, a chat, a commit) is
#: recognisable for what it is and can be found by secret scanners
TOKEN_PREFIX = "ftg_"  # nosec B105  # the public prefix that marks a token, not a secret
#: a requesting agency's person's token starts with this instead
AGENCY_TOKEN_PREFIX = "fta_"  # nosec B105  # a public prefix, not a secret
#: random bytes in a token: 256 bits, beyond any guessing
TOKEN_BYTES = 32
#: a token is never longer than this; anything longer is malformed and not even hashed
_MAX_TOKEN_LENGTH = 200
#: how long a token may be used unless its issuer says otherwise, and the longest it may be issued
#: for: a token copied once into a script should not work for ever
TOKEN_DAYS = 90
MAX_TOKEN_DAYS = 366

@dataclass(frozen=True)
class IssuedToken:
    staff: str            # the holder: a staff id, or an official's or officer's registry id
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


def _checked(label: str | None, days: int) -> str | None:
    if not 1 <= days <= MAX_TOKEN_DAYS:
        raise InputError(f"a token is valid for 1 to {MAX_TOKEN_DAYS} days, not {days}", field="days")
    label = (label or "").strip() or None
    if label is not None and len(label) > 200:
        raise InputError("a label is at most 200 characters", field="label")
    return label


def _new_staff_token(conn: Connection, settings: Settings, actor: str, staff_id: str, label: str | None,
                     days: int, at: dt.datetime) -> IssuedToken:
    token = TOKEN_PREFIX + secrets.token_urlsafe(TOKEN_BYTES)
    digest = token_digest(token)
    expires = at + dt.timedelta(days=days)
    token_store.insert_token(conn, staff_id, digest, label, at, expires)
    # the label is free text and stays out of the permanent log; the fingerprint names the token
    record(conn, settings, [Event(catalogue.StaffTokenIssued(staff=staff_id, fingerprint=fingerprint(digest),
                                                             expires=expires.date()), actor)], at)
    return IssuedToken(staff_id, token, fingerprint(digest), at, expires)


def issue_token(settings: Settings, by: Principal, staff_id: str, label: str | None = None,
                days: int = TOKEN_DAYS) -> IssuedToken:
    """A new API token for a registered member of staff, valid for ``days`` days, issued by an
    administrator; its digest is stored, the token returned."""
    label = _checked(label, days)
    authorise(settings, by, "tokens.issue")
    at = now()
    with transaction(settings) as conn:
        staff_member(conn, staff_id)
        return _new_staff_token(conn, settings, by.id, staff_id, label, days, at)


def revoke_tokens(settings: Settings, by: Principal, staff_id: str) -> int:
    """Revoke every live token of a member of staff; returns how many there were.

    Revoking again changes nothing and records nothing, like registering a person unchanged.
    """
    authorise(settings, by, "tokens.issue")
    at = now()
    with transaction(settings) as conn:
        staff_member(conn, staff_id)
        count = token_store.revoke_all(conn, staff_id, at)
        if count:
            record(conn, settings, [Event(catalogue.StaffTokensRevoked(staff=staff_id, tokens=count), by.id)], at)
        return count


def _registered(conn: Connection, holder: str, on: dt.date, stamp: Sequence[Any] | None = None) -> tuple[str, str] | None:
    """(``officials`` or ``officers``, agency) of a person in the current registry, an official only
    while in office; None for anyone else. ``stamp``: the registry in force's, if already read."""
    registry, _ = registry_store.snapshot(conn, stamp=stamp)
    for official in registry.officials:
        if official.id == holder:
            return ("officials", official.agency) if official.in_office(on) else None
    for officer in registry.officers:
        if officer.id == holder:
            return "officers", officer.agency
    return None


def issue_agency_token(settings: Settings, by: Principal, holder: str, label: str | None = None,
                       days: int = TOKEN_DAYS) -> IssuedToken:
    """A token for a requesting agency's registered official or recipient officer, issued by an
    administrator: the credential with which that person's connection to the API is proven."""
    label = _checked(label, days)
    authorise(settings, by, "tokens.issue")
    at = now()
    with transaction(settings) as conn:
        found = _registered(conn, holder, at.date())
        if found is None:
            raise NotFoundError(f"no official in office or recipient officer '{holder}' in the registry")
        kind, agency = found
        token = AGENCY_TOKEN_PREFIX + secrets.token_urlsafe(TOKEN_BYTES)
        digest = token_digest(token)
        expires = at + dt.timedelta(days=days)
        token_store.insert_agency_token(conn, holder, kind, agency, digest, label, at, expires)
        record(conn, settings, [Event(catalogue.AgencyTokenIssued(
            holder=holder, holder_kind=kind, agency=agency, fingerprint=fingerprint(digest),
            expires=expires.date()), by.id)], at)
    return IssuedToken(holder, token, fingerprint(digest), at, expires)


def revoke_agency_tokens(settings: Settings, by: Principal, holder: str) -> int:
    """Revoke every live token of a requesting agency's person; returns how many there were."""
    authorise(settings, by, "tokens.issue")
    at = now()
    with transaction(settings) as conn:
        count = token_store.revoke_agency_tokens(conn, holder, at)
        if count:
            record(conn, settings, [Event(catalogue.AgencyTokensRevoked(holder=holder, tokens=count), by.id)], at)
        return count


#: the actor of the first administrator's registration: whoever owns the data directory
BOOTSTRAP_ACTOR = "data-directory-owner"


def owns_data_directory(settings: Settings) -> bool:
    """Whether this process runs as the owner of the data directory (created private to them if new)."""
    settings.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    return settings.data_dir.stat().st_uid == os.getuid()


def bootstrap_administrator(settings: Settings, staff_id: str, name: str, label: str | None = None,
                            days: int = TOKEN_DAYS) -> IssuedToken:
    """Register the first administrator of a data directory and issue their first token.

    Nobody can issue a token before an administrator exists, so the first one is registered by
    whoever owns the data directory (they can read and change it anyway), and only while no
    administrator is registered; the ledger records it as such (``"bootstrap": true``).
    """
    label = _checked(label, days)
    if not staff_id.strip() or not name.strip():
        raise InputError("an id and a name are required", field="id")
    if not owns_data_directory(settings):
        raise PermissionDenied("only the owner of the data directory may register its first administrator")
    at = now()
    with transaction(settings) as conn:
        if token_store.has_administrator(conn):
            raise PermissionDenied("an administrator is registered already: staff are added by an administrator "
                                   "with their API token (FTIGATE_TOKEN or --token-file)")
        requests_store.upsert_staff(conn, staff_id, name, "administrator", at)
        # the actor is the data directory's owner, not yet anybody registered: the ledger says so
        record(conn, settings, [Event(catalogue.StaffRegistered(staff=staff_id, role="administrator"),
                                      BOOTSTRAP_ACTOR)], at)
        return _new_staff_token(conn, settings, staff_id, staff_id, label, days, at)


def authenticate(settings: Settings, token: str | None) -> Principal:
    """The person a presented token stands for, as a :class:`Principal`.

    The token is compared by its digest, so what the caller sent is never compared against, or
    kept beside, anything secret. Missing, malformed, unknown, expired and revoked tokens are all
    refused with the same :class:`NotAuthenticated`; so is an agency token whose holder is no longer
    in the registry (or an official no longer in office).
    """
    if not token or len(token) > _MAX_TOKEN_LENGTH:
        raise NotAuthenticated()
    at = now()
    # read anew for every call, in one statement and no transaction of its own: a token revoked (or a
    # holder leaving office) refuses the very next call, with nothing cached to outlive it
    if token.startswith(TOKEN_PREFIX):
        with reading(settings) as conn:
            person = token_store.live_holder(conn, token_digest(token), at)
        if person is None:
            raise NotAuthenticated()
        return from_verified_credential(person["id"], person["role"], None, "api_token")
    if token.startswith(AGENCY_TOKEN_PREFIX):
        with reading(settings) as conn:
            row = token_store.live_agency_holder(conn, token_digest(token), at)
            found = _registered(conn, row["holder"], at.date(), (
                row["registry_version"], row["registry_file_sha256"], row["registry_loaded_at"])) if row is not None else None
        if row is None or found is None or found != (row["kind"], row["agency"]):
            raise NotAuthenticated()
        role = "requesting_official" if row["kind"] == "officials" else "recipient_officer"
        return from_verified_credential(row["holder"], role, row["agency"], "agency_token")
    raise NotAuthenticated()
