"""The HTTP API's bearer tokens: one row per token issued, holding its SHA-256 digest, never the token.

A token is found by its digest (a unique index), so the store can answer "whose is this?" without
ever having held what the caller presented. Rows are never deleted: a revoked token keeps its row,
with the time it was revoked, so who could read what, and when, stays answerable.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from sqlalchemy import Connection, Executable, RowMapping, and_, bindparam, select, update

from ftigate.store import registry_store
from ftigate.store.tables import agency_tokens, api_tokens, staff


def insert_token(conn: Connection, staff_id: str, digest: str, label: str | None, at: dt.datetime,
                 expires_at: dt.datetime) -> int:
    return conn.execute(api_tokens.insert().values(staff=staff_id, digest=digest, label=label, issued_at=at,
                                                   expires_at=expires_at)
                        .returning(api_tokens.c.id)).scalar_one()


def live_holder(conn: Connection, digest: str, at: dt.datetime) -> RowMapping | None:
    """The member of staff (their ``staff`` row) whose token has this digest, neither revoked nor
    expired at ``at``, else None. A token without an expiry time (issued before tokens had one) is
    expired: failing closed costs its holder a new token, nothing more."""
    return conn.execute(_live_holder(), {"digest": digest, "at": at}).mappings().first()


@lru_cache(maxsize=1)
def _live_holder() -> Executable:
    """:func:`live_holder`'s statement, built once: every API call asks it (or the agency one)."""
    return (select(staff).select_from(api_tokens.join(staff, api_tokens.c.staff == staff.c.id))
            .where(and_(api_tokens.c.digest == bindparam("digest"), api_tokens.c.revoked_at.is_(None),
                        api_tokens.c.expires_at.is_not(None), api_tokens.c.expires_at > bindparam("at"))))


def revoke_all(conn: Connection, staff_id: str, at: dt.datetime) -> int:
    """Mark every unrevoked token of ``staff_id`` revoked at ``at``; returns how many were live."""
    result = conn.execute(update(api_tokens)
                          .where(and_(api_tokens.c.staff == staff_id, api_tokens.c.revoked_at.is_(None)))
                          .values(revoked_at=at))
    return result.rowcount


def tokens_of(conn: Connection, staff_id: str) -> list[RowMapping]:
    """A person's tokens, oldest first (digests, labels, when issued and revoked)."""
    return list(conn.execute(select(api_tokens).where(api_tokens.c.staff == staff_id)
                             .order_by(api_tokens.c.id)).mappings())


def has_administrator(conn: Connection) -> bool:
    """Whether any member of staff is registered as an administrator (the first is registered by
    whoever owns the data directory; every later change of staff needs one)."""
    return conn.execute(select(staff.c.id).where(staff.c.role == "administrator").limit(1)).first() is not None


# --- the requesting agency's people -------------------------------------------------------------
def insert_agency_token(conn: Connection, holder: str, kind: str, agency: str, digest: str, label: str | None,
                        at: dt.datetime, expires_at: dt.datetime) -> int:
    return conn.execute(agency_tokens.insert().values(holder=holder, kind=kind, agency=agency, digest=digest,
                                                      label=label, issued_at=at, expires_at=expires_at)
                        .returning(agency_tokens.c.id)).scalar_one()


def live_agency_holder(conn: Connection, digest: str, at: dt.datetime) -> RowMapping | None:
    """The ``agency_tokens`` row of a token with this digest, neither revoked nor expired at ``at``;
    it also carries the registry in force's stamp (``registry_version``, ``registry_file_sha256``,
    ``registry_loaded_at``: ``registry_store.snapshot``'s ``stamp``), read in the same statement."""
    return conn.execute(_live_agency_holder(), {"digest": digest, "at": at}).mappings().first()


@lru_cache(maxsize=1)
def _live_agency_holder() -> Executable:
    """:func:`live_agency_holder`'s statement, built once."""
    return select(agency_tokens, *registry_store.stamp_columns()).where(and_(
        agency_tokens.c.digest == bindparam("digest"), agency_tokens.c.revoked_at.is_(None),
        agency_tokens.c.expires_at > bindparam("at")))


def revoke_agency_tokens(conn: Connection, holder: str, at: dt.datetime) -> int:
    """Mark every unrevoked agency token of ``holder`` revoked at ``at``; returns how many were live."""
    result = conn.execute(update(agency_tokens)
                          .where(and_(agency_tokens.c.holder == holder, agency_tokens.c.revoked_at.is_(None)))
                          .values(revoked_at=at))
    return result.rowcount
