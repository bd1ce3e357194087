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

from ftigate.store.tables import console_sessions, events, staff, staff_credentials


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


def recent_events(conn: Connection, kind: str, since: dt.datetime, batch: int = 2_000) -> list[dict[str, Any]]:
    """The ``detail`` of every event of ``kind`` at or after ``since``, newest first: read backwards by
    id a batch at a time, stopping at the first batch that reaches before ``since`` (events are written
    in time order), so the cost follows the window, not the table."""
    found: list[dict[str, Any]] = []
    before: int | None = None
    while True:
        query = select(events.c.id, events.c.at, events.c.kind, events.c.detail).order_by(events.c.id.desc()).limit(batch)
        if before is not None:
            query = query.where(events.c.id < before)
        rows = conn.execute(query).all()
        for row in rows:
            at = row.at if row.at.tzinfo is not None else row.at.replace(tzinfo=dt.UTC)
            if at < since:
                return found
            if row.kind == kind and isinstance(row.detail, dict):
                found.append(row.detail)
        if len(rows) < batch:
            return found
        before = rows[-1].id
