"""``ftigate worker``: take jobs from the queue and run them, one at a time, until told to stop.

Each job kind has one runner here. A worker claims the oldest claimable job (queued, or running
under a lease that lapsed: its worker died), runs it under its lease and closes it; see
:mod:`ftigate.service.requests.jobs` for why that keeps one request with one worker at a time.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ftigate.errors import FtigateError, InputError
from ftigate.progress import Progress
from ftigate.service.admin.principal import Principal
from ftigate.service.requests import disclose as disclosing
from ftigate.service.requests import jobs
from ftigate.service.requests import lifecycle as req
from ftigate.service.requests.submit import Submitted, submit_request_file
from ftigate.service.store_access import transaction
from ftigate.settings import Settings
from ftigate.store import jobs_store, requests_store


@dataclass
class WorkerSummary:
    """What one worker did: job numbers done and failed (with their messages)."""

    owner: str
    done: list[int] = field(default_factory=list)
    failed: dict[int, str] = field(default_factory=dict)


#: where the HTTP API keeps a queued validation's files (in the data directory) until its job is closed
QUEUED_FOLDER = "queued"


def queue_validation(settings: Settings, request_file: Path, by: Principal | None = None) -> int:
    """Queue a signed request file (with its subjects file beside it) to be validated and stored by a
    worker: for a large upload, the caller answers at once with the job's number and the worker does
    the reading. Submission is idempotent, so a validation resumed after a kill stores it once.

    ``by``: the official who sent it over HTTP, kept with the job: they alone may cancel it before a
    worker takes it up (:func:`ftigate.service.requests.queued.cancel_upload`)."""
    if not Path(request_file).is_file():
        raise InputError("no such request file", file=str(request_file))
    params = {"path": str(Path(request_file).resolve())}
    if by is not None:
        params.update(by=by.id, agency=by.agency or "")
    with transaction(settings) as conn:
        job_id, _ = jobs.enqueue(conn, "validate", None, params)
    return job_id


def _validate(lease: jobs.Lease, path: Path, progress: Progress | None) -> Submitted:
    # told inside the submission's own transaction: noting progress in the store here would wait on
    # that transaction's lock (SQLite has one writer), so only the caller's display is told
    try:
        result = submit_request_file(lease.settings, path, progress=progress)
        with transaction(lease.settings) as conn:
            lease.fence(conn, "stored", 1.0)
            row = req.load(conn, result.ref)
            jobs_store.set_request(conn, lease.job_id, row["id"])
    except FtigateError:
        _forget_upload(lease.settings, path)  # the job fails with its message; queueing it again means sending it again
        raise
    _forget_upload(lease.settings, path)
    return result


def _forget_upload(settings: Settings, path: Path) -> None:
    """Remove a queued upload's folder (the HTTP API's, under the data directory's ``queued/``) once its
    job is closed: the subjects then live in the store only. A request file queued from the command
    line is the caller's own and stays."""
    folder = Path(path).resolve().parent
    if folder.parent == (settings.data_dir / QUEUED_FOLDER).resolve():
        shutil.rmtree(folder, ignore_errors=True)


def _run(lease: jobs.Lease, progress: Progress | None) -> object:
    with transaction(lease.settings) as conn:
        job = jobs_store.get(conn, lease.job_id)
        if job["kind"] == "validate":
            ref = None
        else:
            ref = req.ref_of(requests_store.get_request(conn, job["request"]))
    if job["kind"] == "validate":
        return _validate(lease, Path(job["params"]["path"]), progress)
    if job["kind"] == "disclose" and ref is not None:
        params = job["params"]
        return disclosing.run_disclosure(lease.settings, ref, Path(params["master"]),
                                         engine=params.get("engine", "duckdb"), progress=progress, lease=lease)
    raise FtigateError(f"job {job['id']} is of an unknown kind '{job['kind']}'")


def work(settings: Settings, *, once: bool = False, idle_exit: float | None = None, poll: float = 1.0,
         lease_seconds: float = jobs.LEASE_SECONDS, progress: Progress | None = None,
         started: Callable[[int], None] | None = None) -> WorkerSummary:
    """Take and run jobs. ``once``: stop after one job (or at once if none is queued); ``idle_exit``:
    stop after that many seconds with nothing to do; else run until interrupted. On SQLite the
    worker holds the data directory's worker lock for as long as it runs."""
    summary = WorkerSummary(jobs.new_owner())
    idle_since = time.monotonic()
    with jobs.worker_lock(settings) as exclusive:
        while True:
            lease = jobs.claim(settings, summary.owner, exclusive=exclusive, lease_seconds=lease_seconds)
            if lease is None:
                if once or (idle_exit is not None and time.monotonic() - idle_since >= idle_exit):
                    return summary
                time.sleep(poll)
                continue
            if started is not None:
                started(lease.job_id)
            try:
                jobs.run_claimed(lease, lambda held: _run(held, progress))
                summary.done.append(lease.job_id)
            except jobs.JobLost as exc:
                summary.failed[lease.job_id] = exc.diagnostics()
            except FtigateError as exc:  # the job is closed as failed with this message; the worker goes on
                summary.failed[lease.job_id] = exc.diagnostics()
            if once:
                return summary
            idle_since = time.monotonic()
