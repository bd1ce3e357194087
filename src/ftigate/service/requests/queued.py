"""The uploads that wait in the data directory's ``queued/`` folder for a worker, and the stale ones.

A validation queued over HTTP (``POST /jobs/validate``) keeps its request and subjects files in a
private folder of ``queued/`` until a worker has stored or refused it; the worker then removes the
folder. While no worker runs, the files stay, as long as their job stays queued: they are the job.
A folder is *stale* when nothing will ever take it up: its job is closed (done or failed, and the
worker could not remove it, say it was killed at the wrong moment) or no job names it at all (the
server stopped between writing the files and queueing the job) and it is older than
:data:`ORPHAN_GRACE`, so an upload still being received is never taken for one.

The official who queued a validation may cancel it while no worker has taken it up
(:func:`cancel_upload`); removing stale folders is an administrator's (:func:`purge_stale`). Both are
ledger events: what was sent, and then never judged, leaves a trace.
"""

from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import dataclass
from pathlib import Path

from ftigate.errors import NotFoundError, StoreConflict
from ftigate.ledger import catalogue
from ftigate.service.admin.principal import Principal, authorise, refuse
from ftigate.service.log.events import Event, record
from ftigate.service.requests.worker import QUEUED_FOLDER
from ftigate.service.store_access import now, transaction
from ftigate.settings import Settings
from ftigate.store import jobs_store

#: how old a folder no job names must be before it counts as stale (an upload of a 1 GiB subjects
#: file is written before its job is queued)
ORPHAN_GRACE = dt.timedelta(days=1)


@dataclass(frozen=True)
class QueuedUpload:
    """One folder of ``queued/``: its job, if any names it, and that job's state."""

    folder: str
    job: int | None
    state: str | None
    modified: dt.datetime
    size: int
    stale: bool


def _files(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file() and not p.is_symlink()]


def queued_uploads(settings: Settings, at: dt.datetime | None = None) -> list[QueuedUpload]:
    """Every folder under ``queued/``, oldest first; each says whether it is stale."""
    base = settings.data_dir / QUEUED_FOLDER
    if not base.is_dir():
        return []
    at = at or dt.datetime.now(dt.UTC)
    with transaction(settings) as conn:
        named = jobs_store.validation_files(conn)
    by_folder = {Path(path).parent.name: job for path, job in named.items()
                 if Path(path).parent.parent == base.resolve()}
    out = []
    for folder in sorted(p for p in base.resolve().iterdir() if p.is_dir() and not p.is_symlink()):
        files = _files(folder)
        stamps = [p.stat().st_mtime for p in files] or [folder.stat().st_mtime]
        modified = dt.datetime.fromtimestamp(max(stamps), dt.UTC)
        job, state = by_folder.get(folder.name, (None, None))
        stale = state not in jobs_store.ACTIVE if job is not None else at - modified > ORPHAN_GRACE
        out.append(QueuedUpload(folder.name, job, state, modified, sum(p.stat().st_size for p in files), stale))
    return sorted(out, key=lambda u: u.modified)


def purge_stale(settings: Settings, by: Principal, at: dt.datetime | None = None) -> list[QueuedUpload]:
    """Remove the stale folders of ``queued/`` (never one whose job is queued or running), as the
    administrator ``by``; the ones removed, in one ``uploads.purged`` ledger entry when there were any."""
    authorise(settings, by, "uploads.purge")
    base = (settings.data_dir / QUEUED_FOLDER).resolve()
    removed = []
    for upload in queued_uploads(settings, at):
        if upload.stale:
            shutil.rmtree(base / upload.folder, ignore_errors=True)
            removed.append(upload)
    if removed:
        purged = catalogue.UploadsPurged(folders=len(removed), jobs=tuple(u.job for u in removed if u.job is not None),
                                         bytes=sum(u.size for u in removed))
        with transaction(settings) as conn:
            record(conn, settings, [Event(purged, by.id)], now())
    return removed


@dataclass(frozen=True)
class Cancelled:
    job: int
    state: str


def cancel_upload(settings: Settings, job_id: int, by: Principal) -> Cancelled:
    """Cancel a validation ``by`` queued over HTTP, before a worker takes it up: the job closes as
    ``cancelled`` (an ``upload.cancelled`` ledger entry in the same transaction) and its uploaded
    files go. Anyone but the official who queued it is refused (``access.denied``); a job a worker
    has taken, or that is closed, is a conflict (409): its outcome stands."""
    authorise(settings, by, "uploads.cancel")
    at = now()
    with transaction(settings) as conn:
        job = jobs_store.find(conn, job_id)
    params = job["params"] if job is not None and isinstance(job["params"], dict) else {}
    if job is None or job["kind"] != "validate":
        raise NotFoundError(f"no queued validation {job_id}")
    if params.get("by") != by.id:
        refuse(settings, by, "uploads.cancel", f"job {job_id} was not queued by '{by.id}': only the official "
                                               "who queued a validation may cancel it (uploads.cancel)")
    with transaction(settings) as conn:  # only if still queued: a worker that took it meanwhile wins
        if not jobs_store.cancel_queued(conn, job_id, at):
            raise StoreConflict(f"job {job_id} is {job['state']}: only a validation no worker has taken up yet "
                                "can be cancelled")
        record(conn, settings, [Event(catalogue.UploadCancelled(job=job_id, agency=str(params.get("agency") or "")),
                                      by.id)], at)
    folder = Path(str(params.get("path", ""))).resolve().parent
    if folder.parent == (settings.data_dir / QUEUED_FOLDER).resolve():
        shutil.rmtree(folder, ignore_errors=True)
    return Cancelled(job_id, "cancelled")
