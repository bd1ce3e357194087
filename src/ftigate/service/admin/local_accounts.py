"""Local accounts: a password (argon2id) and a TOTP second factor (RFC 6238) per member of staff.

An administrator sets both on the command line (``ftigate staff password``, ``ftigate staff totp``);
the TOTP secret is shown once, as an ``otpauth://`` URI for the person's authenticator app. The
password is kept only as its argon2 hash (``argon2-cffi``: memory-hard, salted, parameters in the
hash so they can be raised later and old hashes rehashed at the next sign-in). A code is accepted
once: the 30-second step it belongs to is kept, and a code of that step or an earlier one is refused,
so a code seen over someone's shoulder cannot be replayed. After ``max_failed_sign_ins`` failures in
a row the account is locked for ``lock_minutes``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import Connection

from ftigate.errors import InputError
from ftigate.ledger import catalogue
from ftigate.service.admin.sign_in import Verdict
from ftigate.service.admin.staff import staff_member
from ftigate.service.log.events import Event, record
from ftigate.service.store_access import now, transaction
from ftigate.settings import Settings
from ftigate.store import credential_store, requests_store

#: NIST SP 800-63B: at least 8 characters, allow at least 64; a gateway of return information asks for more
MIN_PASSWORD = 12
MAX_PASSWORD = 128
TOTP_ISSUER = "ftigate"
TOTP_STEP = 30

_hasher = PasswordHasher()
#: verified against when the person has no password, so a refusal takes as long either way
_DUMMY_HASH = _hasher.hash("not a password of anyone")


@dataclass(frozen=True)
class TotpSetUp:
    staff: str
    secret: str         # base32; shown once
    uri: str            # otpauth://totp/...; shown once, for an authenticator app


def set_password(settings: Settings, staff_id: str, password: str, actor: str = "administrator") -> None:
    """Set (or replace) a person's password; their open console sessions end."""
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise InputError(f"a password has {MIN_PASSWORD} to {MAX_PASSWORD} characters", field="password")
    if not password.strip():
        raise InputError("a password cannot be only spaces", field="password")
    hashed = _hasher.hash(password)
    at = now()
    with transaction(settings) as conn:
        staff_member(conn, staff_id)
        credential_store.set_credentials(conn, staff_id, password_hash=hashed, password_set_at=at,
                                         failed_attempts=0, locked_until=None)
        ended = credential_store.end_sessions_of(conn, staff_id, at)
        record(conn, settings, [Event(catalogue.StaffPasswordSet(staff=staff_id, sessions_ended=ended), actor)], at)


def set_up_totp(settings: Settings, staff_id: str, actor: str = "administrator") -> TotpSetUp:
    """A new TOTP secret for a person (the old one stops working); returned once, kept for checking."""
    secret = pyotp.random_base32()
    at = now()
    with transaction(settings) as conn:
        staff_member(conn, staff_id)
        credential_store.set_credentials(conn, staff_id, totp_secret=secret, totp_set_at=at, totp_last_step=None)
        ended = credential_store.end_sessions_of(conn, staff_id, at)
        record(conn, settings, [Event(catalogue.StaffTotpSet(staff=staff_id, sessions_ended=ended), actor)], at)
    uri = pyotp.TOTP(secret).provisioning_uri(name=staff_id, issuer_name=TOTP_ISSUER)
    return TotpSetUp(staff_id, secret, uri)


def _code_step(secret: str, code: str, at: dt.datetime) -> int | None:
    """The 30-second step (this one, or one either side for clock drift) whose code is ``code``."""
    if not (len(code) == 6 and code.isascii() and code.isdigit()):
        return None
    totp = pyotp.TOTP(secret)
    step = int(at.timestamp()) // TOTP_STEP
    for candidate in (step, step - 1, step + 1):
        if pyotp.utils.strings_equal(totp.at(candidate * TOTP_STEP), code):
            return candidate
    return None


class LocalAccounts:
    """The :class:`~ftigate.service.admin.sign_in.SignInMethod` of local accounts.

    ``proof`` holds ``staff``, ``password`` and ``code``, as typed on the sign-in page.
    """

    name = "password+totp"

    def check(self, conn: Connection, settings: Settings, proof: Mapping[str, str], at: dt.datetime) -> Verdict:
        staff_id = (proof.get("staff") or "").strip()
        password = proof.get("password") or ""
        code = (proof.get("code") or "").strip().replace(" ", "")
        person = requests_store.get_staff(conn, staff_id) if 0 < len(staff_id) <= 100 else None
        creds = credential_store.credentials(conn, staff_id) if person is not None else None
        if person is None or creds is None or not creds["password_hash"] or not creds["totp_secret"]:
            _password_matches(_DUMMY_HASH, password)
            return Verdict(staff_id if person is not None else None, False,
                           "unknown" if person is None else "not_set_up")
        if creds["locked_until"] is not None and _utc(creds["locked_until"]) > at:
            return Verdict(staff_id, False, "locked")
        if not _password_matches(creds["password_hash"], password):
            return self._failed(conn, settings, staff_id, creds["failed_attempts"], at, "password")
        step = _code_step(creds["totp_secret"], code, at)
        if step is None:
            return self._failed(conn, settings, staff_id, creds["failed_attempts"], at, "code")
        if creds["totp_last_step"] is not None and step <= creds["totp_last_step"]:
            return self._failed(conn, settings, staff_id, creds["failed_attempts"], at, "replayed")
        values: dict[str, object] = {"totp_last_step": step, "failed_attempts": 0, "locked_until": None}
        if _hasher.check_needs_rehash(creds["password_hash"]):
            values["password_hash"] = _hasher.hash(password)
        credential_store.set_credentials(conn, staff_id, **values)
        return Verdict(staff_id, True)

    @staticmethod
    def _failed(conn: Connection, settings: Settings, staff_id: str, failed: int, at: dt.datetime,
                why: str) -> Verdict:
        failed += 1
        if failed >= settings.console.max_failed_sign_ins:
            credential_store.set_credentials(conn, staff_id, failed_attempts=0,
                                             locked_until=at + dt.timedelta(minutes=settings.console.lock_minutes))
        else:
            credential_store.set_credentials(conn, staff_id, failed_attempts=failed)
        return Verdict(staff_id, False, why)


def _utc(value: dt.datetime) -> dt.datetime:
    """SQLite gives back naive datetimes for what was stored in UTC."""
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


def _password_matches(hashed: str, password: str) -> bool:
    try:
        return _hasher.verify(hashed, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
