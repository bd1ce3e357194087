"""The work queue: a request is processed by one worker at a time, and a killed worker's job is resumed.

A job (``jobs`` table) is claimed by one owner under a lease. While the owner works, a heartbeat
renews the lease, and every transaction the job writes renews it too, on condition that the job is
still this owner's (:meth:`Lease.fence`): if a worker stalls past its lease and another takes the
job over, the first can no longer commit anything, so two workers never write one request's
decisions. A worker killed at any moment leaves its last committed batch and a lease that lapses;
the next worker claims the job and the disclosure resumes from the subjects still pending.

On PostgreSQL any number of workers share the queue (``SELECT … FOR UPDATE SKIP LOCKED``) and a
killed worker's job is taken over when its lease lapses. On the embedded SQLite default one worker
runs per data directory, holding an exclusive lock on ``worker.lock`` (released by the operating
system when its holder dies); while it holds the lock, a job still marked running by anyone else
is an orphan and is taken over at once.

Jobs are the gateway's own bookkeeping, not decisions: the request's state changes, matches and
disclosures they make are recorded in the ledger as before, and a resumed run records the same.
Each claim is in the ledger too (``job.claimed``: the job, its attempt, the worker), so an overseer
sees which worker took up which request when, and every time a job was taken up again.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO, Any, TypeVar

from sqlalchemy import Connection

from ftigate.errors import FtigateError, NotFoundError
from ftigate.ledger import catalogue
from ftigate.ledger.errors import EntryRejected
from ftigate.ledger.privacy import check_entry
from ftigate.progress import Progress
from ftigate.service.log.events import Event, record
from ftigate.service.requests import lifecycle as req
from ftigate.service.store_access import now, transaction
from ftigate.settings import Settings
from ftigate.store import jobs_store, requests_store
from ftigate.tabular import PRIVATE

#: how long a claim holds without renewal; a killed worker's job waits this long on PostgreSQL
LEASE_SECONDS = 60.0
#: the least time between two progress notes of one job (each is a small write)
PROGRESS_EVERY_SECONDS = 1.0

T = TypeVar("T")


class JobLost(FtigateError):
    """This worker's claim on a job lapsed and another worker took it over: it writes nothing more."""

    exit_code = 1


class JobBusy(FtigateError):
    """The request is being processed by another worker right now."""

    exit_code = 1


class WorkerBusy(FtigateError):
    """Another worker holds this data directory's worker lock (SQLite runs one worker at a time)."""

    exit_code = 1


def new_owner() -> str:
    """A worker's name in the queue: host, process and a random part (a restarted process is new)."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def _lease_end(seconds: float) -> dt.datetime:
    return now() + dt.timedelta(seconds=seconds)


class Lease:
    """One owner's claim on one job: fences its writes, notes its progress, keeps itself alive."""

    def __init__(self, settings: Settings, job_id: int, owner: str, seconds: float = LEASE_SECONDS) -> None:
        self.settings, self.job_id, self.owner, self.seconds = settings, job_id, owner, seconds
        self._noted = 0.0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def fence(self, conn: Connection, stage: str | None = None, fraction: float | None = None) -> None:
        """In the caller's transaction: renew the lease, or raise :class:`JobLost` (and so roll back)."""
        if not jobs_store.renew(conn, self.job_id, self.owner, _lease_end(self.seconds), stage=stage,
                                fraction=fraction):
            raise JobLost(f"job {self.job_id} was taken over by another worker; this one stops without writing")

    def note(self, stage: str, fraction: float) -> None:
        """Record progress where the API can read it, at most once a second (and always at the end)."""
        moment = time.monotonic()
        if fraction < 1.0 and moment - self._noted < PROGRESS_EVERY_SECONDS:
            return
        self._noted = moment
        with transaction(self.settings) as conn:
            self.fence(conn, stage, round(float(fraction), 4))

    def _beat(self) -> None:
        while not self._stop.wait(self.seconds / 3):
            try:
                with transaction(self.settings) as conn:
                    self.fence(conn)
            except JobLost:
                return  # the next fenced write fails and stops the work
            except Exception:  # nosec B112  # a heartbeat missed (the database busy, say) is retried at the next
                continue

    @contextmanager
    def alive(self) -> Iterator[Lease]:
        """Keep the lease renewed in the background while the work runs (matching writes nothing for minutes)."""
        self._thread = threading.Thread(target=self._beat, name=f"lease-{self.job_id}", daemon=True)
        self._thread.start()
        try:
            yield self
        finally:
            self._stop.set()
            self._thread.join()


@contextmanager
def worker_lock(settings: Settings, *, wait: bool = False) -> Iterator[bool]:
    """On SQLite, hold the data directory's exclusive worker lock: yields True (orphans may be taken
    over). Raises :class:`WorkerBusy` if another process holds it and ``wait`` is False. On another
    database there is no local lock (yields False): leases alone decide."""
    if not settings.url.startswith("sqlite"):
        yield False
        return
    settings.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = settings.data_dir / "worker.lock"
    handle: IO[str] = os.fdopen(os.open(path, os.O_RDWR | os.O_CREAT, PRIVATE), "r+")  # empty; private all the same
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            raise WorkerBusy(f"another worker is running on {settings.data_dir} (SQLite runs one at a time); "
                             "it takes queued jobs itself") from None
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
    finally:
        handle.close()


@dataclass(frozen=True)
class JobProgress:
    """Where a job stands, for the command line and the API; no personal data."""

    job: int
    kind: str
    request: str | None
    state: str
    stage: str | None
    fraction: float | None
    attempts: int
    owner: str | None
    error: str | None
    subjects_valid: int | None
    subjects_decided: int | None
    created_at: dt.datetime
    finished_at: dt.datetime | None

    def to_json(self) -> dict[str, Any]:
        out = dict(self.__dict__)
        out["created_at"] = self.created_at.isoformat()
        out["finished_at"] = self.finished_at.isoformat() if self.finished_at else None
        return out


def _progress(conn: Connection, job) -> JobProgress:
    ref = valid = decided = None
    if job["request"] is not None:
        row = requests_store.get_request(conn, job["request"])
        ref, valid = req.ref_of(row), row["subjects_valid"]
        counts = requests_store.outcome_counts(conn, row["id"])
        decided = sum(n for outcome, n in counts.items() if outcome not in ("pending", "invalid"))
    return JobProgress(job["id"], job["kind"], ref, job["state"], job["stage"], job["fraction"], job["attempts"],
                       job["owner"] if job["state"] == "running" else None, job["error"], valid, decided,
                       job["created_at"], job["finished_at"])


def job_progress(settings: Settings, job_id: int) -> JobProgress:
    """One job's progress, by its number."""
    with transaction(settings) as conn:
        try:
            job = jobs_store.get(conn, job_id)
        except Exception:
            raise NotFoundError(f"no job {job_id}") from None
        return _progress(conn, job)


def request_progress(settings: Settings, ref: str) -> JobProgress | None:
    """The progress of a request's latest job (None if it never had one)."""
    with transaction(settings) as conn:
        row = req.load(conn, ref)
        job = jobs_store.latest_for_request(conn, row["id"])
        return _progress(conn, job) if job is not None else None


def list_progress(settings: Settings, states: tuple[str, ...] | None = None, limit: int = 100) -> list[JobProgress]:
    """The newest jobs first (all, or those in ``states``)."""
    with transaction(settings) as conn:
        return [_progress(conn, job) for job in jobs_store.list_jobs(conn, states, limit)]


def claim(settings: Settings, owner: str, *, job_id: int | None = None, exclusive: bool = False,
          lease_seconds: float = LEASE_SECONDS) -> Lease | None:
    """Claim the oldest claimable job (or ``job_id``) for ``owner``; ``exclusive`` if the caller holds
    the SQLite worker lock, so any other running job is an orphan."""
    at = now()
    with transaction(settings) as conn:
        job = jobs_store.claim(conn, owner, at, _lease_end(lease_seconds), job_id=job_id,
                               orphans_of_others=exclusive)
        if job is not None:
            _record_claim(conn, settings, job, owner, at)
    return Lease(settings, job["id"], owner, lease_seconds) if job is not None else None


def _worker_name(owner: str) -> str:
    """The worker's name as the ledger may carry it: a host name that the log's privacy guard would
    take for a TIN (nine digits in a row) is replaced by a fingerprint of the name."""
    try:
        check_entry({"worker": owner})
    except EntryRejected:
        return "worker-" + hashlib.sha256(owner.encode("utf-8")).hexdigest()[:12]
    return owner


def _record_claim(conn: Connection, settings: Settings, job: Any, owner: str, at: dt.datetime) -> None:
    """The claim in the ledger (``job.claimed``), in the claim's own transaction."""
    pk = ref = None
    if job["request"] is not None:
        row = requests_store.get_request(conn, job["request"])
        pk, ref = row["id"], req.ref_of(row)
    record(conn, settings, [Event(catalogue.JobClaimed(job=job["id"], job_kind=job["kind"], attempt=job["attempts"],
                                                       worker=_worker_name(owner)), "gateway", pk, ref)], at)


def run_claimed(lease: Lease, work: Callable[[Lease], T]) -> T:
    """Run ``work`` under ``lease`` and close the job: done; failed with its message on a deliberate
    error (retrying alone would not help: a new job is queued when someone acts); released back to
    the queue on anything else, so another worker can resume it."""
    try:
        with lease.alive():
            result = work(lease)
    except JobLost:
        raise
    except FtigateError as exc:
        with transaction(lease.settings) as conn:
            jobs_store.finish(conn, lease.job_id, lease.owner, now(), "failed", exc.diagnostics()[:2000])
        raise
    except BaseException:
        # releasing early is a courtesy, never in the way of the error: an expired lease is taken over anyway
        with contextlib.suppress(Exception), transaction(lease.settings) as conn:
            jobs_store.release(conn, lease.job_id, lease.owner)
        raise
    with transaction(lease.settings) as conn:
        if not jobs_store.finish(conn, lease.job_id, lease.owner, now(), "done"):
            raise JobLost(f"job {lease.job_id} was taken over by another worker before it was closed")
    return result


def enqueue(conn: Connection, kind: str, request_pk: int | None, params: dict[str, Any]) -> tuple[int, bool]:
    """In the caller's transaction: queue a job, or find the request's active one. (job id, new?)"""
    job, created = jobs_store.enqueue(conn, kind, request_pk, params, now())
    return job["id"], created


def job_state(settings: Settings, job_id: int) -> tuple[str, str | None]:
    with transaction(settings) as conn:
        job = jobs_store.get(conn, job_id)
        return job["state"], job["error"]


def run_or_wait(settings: Settings, job_id: int, work: Callable[[Lease], T], done: Callable[[], T], *,
                wait: bool, lease_seconds: float = LEASE_SECONDS, poll: float = 0.5,
                progress: Progress | None = None) -> T:
    """Run job ``job_id`` in this process if no live worker has it; else wait for it (``wait``) or
    refuse (:class:`JobBusy`). ``done`` reports a job that someone else finished."""
    owner = new_owner()
    while True:
        try:
            with worker_lock(settings) as exclusive:
                lease = claim(settings, owner, job_id=job_id, exclusive=exclusive, lease_seconds=lease_seconds)
                if lease is not None:
                    return run_claimed(lease, work)
        except WorkerBusy:
            pass  # a worker on this SQLite data directory will take it (or already has)
        state, error = job_state(settings, job_id)
        if state == "done":
            return done()
        if state == "failed":
            raise JobFailed(job_id, error or "failed")
        if not wait:
            raise JobBusy(f"job {job_id} is being processed by another worker; follow it with "
                          f"'ftigate jobs' (or wait for it)")
        if progress is not None:
            current = job_progress(settings, job_id)
            if current.stage and current.fraction is not None:
                progress(current.stage, current.fraction, 1.0)
        time.sleep(poll)


class JobFailed(FtigateError):
    """The job ended in failure (its message says why); queue it again once the cause is dealt with."""

    exit_code = 1

    def __init__(self, job_id: int, error: str) -> None:
        super().__init__(f"job {job_id} failed: {error}")
