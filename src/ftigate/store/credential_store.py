"""Staff sign-in credentials and console sessions.

A password is kept only as its argon2 hash and a session only as the SHA-256 of its cookie, so a
copy of the database signs nobody in. The TOTP secret has to be kept as it is (both sides compute
the code from it); it is as sensitive as the gateway's own keys. Rows are never deleted: an ended
session keeps its row with the time it ended.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Connection, RowMapping, and_, select, update

from ftigate.store.tables import console_sessions, staff, staff_credentials


def credentials(conn: Connection, staff_id: str) -> RowMapping | None:
    return conn.execute(select(staff_credentials).where(staff_credentials.c.staff == staff_id)).mappings().first()


def set_credentials(conn: Connection, staff_id: str, **values: Any) -> None:
    """Create the person's row if there is none, then set the given columns."""
    if credentials(conn, staff_id) is None:
        conn.execute(staff_credentials.insert().values(staff=staff_id, failed_attempts=0))
    conn.execute(update(staff_credentials).where(staff_credentials.c.staff == staff_id).values(**values))


def insert_session(conn: Connection, staff_id: str, digest: str, at: dt.datetime, expires_at: dt.datetime) -> None:
    conn.execute(console_sessions.insert().values(staff=staff_id, digest=digest, started_at=at, expires_at=expires_at))


def live_session(conn: Connection, digest: str, at: dt.datetime) -> RowMapping | None:
    """The member of staff (their ``staff`` row) holding the session with this digest, if it has
    neither ended nor expired at ``at``."""
    query = (select(staff).select_from(console_sessions.join(staff, console_sessions.c.staff == staff.c.id))
             .where(and_(console_sessions.c.digest == digest, console_sessions.c.ended_at.is_(None),
                         console_sessions.c.expires_at > at)))
    return conn.execute(query).mappings().first()


def end_session(conn: Connection, digest: str, at: dt.datetime) -> int:
    return conn.execute(update(console_sessions)
                        .where(and_(console_sessions.c.digest == digest, console_sessions.c.ended_at.is_(None)))
                        .values(ended_at=at)).rowcount


def end_sessions_of(conn: Connection, staff_id: str, at: dt.datetime) -> int:
    return conn.execute(update(console_sessions)
                        .where(and_(console_sessions.c.staff == staff_id, console_sessions.c.ended_at.is_(None)))
                        .values(ended_at=at)).rowcount
