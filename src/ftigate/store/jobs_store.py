"""The work queue's rows: enqueue, claim, renew under a fence, finish.

A claim is a conditional update (the job is queued, or its owner's lease has lapsed), so two workers
racing for one job cannot both win, on either database. On PostgreSQL the candidate is chosen with
``SELECT … FOR UPDATE SKIP LOCKED``: workers polling at once each take a different job instead of
queueing behind one row lock. Every write a running job makes renews its lease through
:func:`renew`, which succeeds only while the job is still this owner's: the fence that keeps a worker
that lost its claim from writing anything more.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, RowMapping, and_, or_, select, update
from sqlalchemy.exc import IntegrityError

from ftigate.store.tables import jobs

ACTIVE = ("queued", "running")


def active_for_request(conn: Connection, request_pk: int) -> RowMapping | None:
    """The request's queued or running job, if any (there is at most one)."""
    return conn.execute(select(jobs).where(and_(jobs.c.request == request_pk, jobs.c.state.in_(ACTIVE)))
                        ).mappings().first()


def enqueue(conn: Connection, kind: str, request_pk: int | None, params: Mapping[str, Any],
            at: dt.datetime) -> tuple[RowMapping, bool]:
    """Queue a job, or return the request's job already queued or running; True if this call made it.

    The unique partial index on active jobs decides a race between two enqueuers: the loser's insert
    is undone in a savepoint and it gets the winner's job."""
    if request_pk is not None:
        existing = active_for_request(conn, request_pk)
        if existing is not None:
            return existing, False
    try:
        with conn.begin_nested():
            job_id = conn.execute(jobs.insert().values(
                kind=kind, request=request_pk, params=dict(params), state="queued", attempts=0, created_at=at,
            ).returning(jobs.c.id)).scalar_one()
    except IntegrityError:
        existing = active_for_request(conn, request_pk) if request_pk is not None else None
        if existing is None:
            raise
        return existing, False
    return get(conn, job_id), True


def get(conn: Connection, job_id: int) -> RowMapping:
    return conn.execute(select(jobs).where(jobs.c.id == job_id)).mappings().one()


def latest_for_request(conn: Connection, request_pk: int) -> RowMapping | None:
    return conn.execute(select(jobs).where(jobs.c.request == request_pk).order_by(jobs.c.id.desc()).limit(1)
                        ).mappings().first()


def list_jobs(conn: Connection, states: tuple[str, ...] | None = None, limit: int = 100) -> list[RowMapping]:
    query = select(jobs).order_by(jobs.c.id.desc()).limit(limit)
    if states:
        query = query.where(jobs.c.state.in_(states))
    return list(conn.execute(query).mappings())


def _claimable(at: dt.datetime, orphans_of_others: bool, owner: str):
    lapsed = and_(jobs.c.state == "running", jobs.c.lease_until < at)
    if orphans_of_others:  # the caller holds the only worker lock there is: any other running job is orphaned
        lapsed = or_(lapsed, and_(jobs.c.state == "running", jobs.c.owner != owner))
    return or_(jobs.c.state == "queued", lapsed)


def claim(conn: Connection, owner: str, at: dt.datetime, lease_until: dt.datetime, *, job_id: int | None = None,
          orphans_of_others: bool = False) -> RowMapping | None:
    """Take the oldest claimable job (or job ``job_id`` if it is claimable) for ``owner``; None if none is."""
    condition = _claimable(at, orphans_of_others, owner)
    query = select(jobs.c.id).where(condition).order_by(jobs.c.id).limit(1)
    if job_id is not None:
        query = query.where(jobs.c.id == job_id)
    if conn.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    candidate = conn.execute(query).scalar()
    if candidate is None:
        return None
    taken = conn.execute(update(jobs).where(and_(jobs.c.id == candidate, condition)).values(
        state="running", owner=owner, lease_until=lease_until, attempts=jobs.c.attempts + 1, error=None,
        started_at=at, stage="claimed")).rowcount
    return get(conn, candidate) if taken == 1 else None


def renew(conn: Connection, job_id: int, owner: str, lease_until: dt.datetime, *, stage: str | None = None,
          fraction: float | None = None) -> bool:
    """Extend ``owner``'s lease on a running job (and note its progress); False if it is no longer theirs."""
    values: dict[str, Any] = {"lease_until": lease_until}
    if stage is not None:
        values.update(stage=stage, fraction=fraction)
    return conn.execute(update(jobs).where(and_(jobs.c.id == job_id, jobs.c.owner == owner,
                                                jobs.c.state == "running")).values(**values)).rowcount == 1


def finish(conn: Connection, job_id: int, owner: str, at: dt.datetime, state: str, error: str | None = None) -> bool:
    """Close ``owner``'s running job as done or failed; False if it is no longer theirs."""
    values: dict[str, Any] = {"state": state, "finished_at": at, "lease_until": None, "error": error}
    if state == "done":
        values.update(stage="done", fraction=1.0)
    return conn.execute(update(jobs).where(and_(jobs.c.id == job_id, jobs.c.owner == owner,
                                                jobs.c.state == "running")).values(**values)).rowcount == 1


def release(conn: Connection, job_id: int, owner: str) -> bool:
    """Give ``owner``'s running job back to the queue (its worker stopped short); False if not theirs."""
    return conn.execute(update(jobs).where(and_(jobs.c.id == job_id, jobs.c.owner == owner,
                                                jobs.c.state == "running")).values(
        state="queued", owner=None, lease_until=None, stage="released")).rowcount == 1


def cancel_queued(conn: Connection, job_id: int, at: dt.datetime) -> bool:
    """Close a job no worker has taken as cancelled; False if it is not queued (any more)."""
    return conn.execute(update(jobs).where(and_(jobs.c.id == job_id, jobs.c.state == "queued")).values(
        state="cancelled", stage="cancelled", finished_at=at, lease_until=None)).rowcount == 1


def find(conn: Connection, job_id: int) -> RowMapping | None:
    return conn.execute(select(jobs).where(jobs.c.id == job_id)).mappings().first()


def set_request(conn: Connection, job_id: int, request_pk: int) -> None:
    """Name the request a validation job stored (it had none while it ran)."""
    conn.execute(update(jobs).where(jobs.c.id == job_id).values(request=request_pk))


def validation_files(conn: Connection) -> dict[str, tuple[int, str]]:
    """Every validation job's request file (its ``path`` parameter), with the job's number and state."""
    rows = conn.execute(select(jobs.c.id, jobs.c.state, jobs.c.params).where(jobs.c.kind == "validate")).all()
    return {str(params.get("path")): (job_id, state) for job_id, state, params in rows
            if isinstance(params, dict) and params.get("path")}
