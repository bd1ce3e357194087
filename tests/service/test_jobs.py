"""The work queue's claims and fences, on SQLite and PostgreSQL: one owner per job at a time; a
lapsed claim is taken over, and the worker that lost it can write nothing more."""

from __future__ import annotations

import datetime as dt

import pytest

from ftigate.service.requests import jobs
from ftigate.service.store_access import transaction
from ftigate.settings import Settings


@pytest.fixture
def settings(store_url, data_dir) -> Settings:
    return Settings(data_dir=data_dir, database_url=store_url)


def _queue(settings: Settings, n: int = 1) -> list[int]:
    with transaction(settings) as conn:
        return [jobs.enqueue(conn, "disclose", None, {"n": i})[0] for i in range(n)]


def test_two_owners_take_different_jobs_and_never_the_same(settings):
    first, second = _queue(settings, 2)
    a = jobs.claim(settings, "worker-a")
    b = jobs.claim(settings, "worker-b")
    assert a is not None and b is not None
    assert {a.job_id, b.job_id} == {first, second}
    assert jobs.claim(settings, "worker-c") is None  # both are held under live leases


def test_a_lapsed_claim_is_taken_over_and_its_old_owner_is_fenced_off(settings, monkeypatch):
    # the queue's clock is moved on past the lease rather than waited out: a lease of a second on the
    # real clock could lapse before the second claim on a loaded machine, and that claim succeed
    clock = [jobs.now()]
    monkeypatch.setattr(jobs, "now", lambda: clock[0])
    [job] = _queue(settings)
    old = jobs.claim(settings, "worker-a", lease_seconds=60)
    assert old is not None
    assert jobs.claim(settings, "worker-b", lease_seconds=30) is None
    clock[0] += dt.timedelta(seconds=59)
    assert jobs.claim(settings, "worker-b", lease_seconds=30) is None  # still held, a second before it lapses
    clock[0] += dt.timedelta(seconds=2)
    new = jobs.claim(settings, "worker-b", lease_seconds=30)
    assert new is not None and new.job_id == job
    with pytest.raises(jobs.JobLost), transaction(settings) as conn:
        old.fence(conn)
    with transaction(settings) as conn:
        new.fence(conn, "matching", 0.5)
    progress = jobs.job_progress(settings, job)
    assert (progress.state, progress.stage, progress.fraction, progress.attempts) == ("running", "matching", 0.5, 2)
    assert jobs.run_claimed(new, lambda lease: "finished") == "finished"
    assert jobs.job_progress(settings, job).state == "done"
    with pytest.raises(jobs.JobLost):  # the old owner cannot close it either
        jobs.run_claimed(old, lambda lease: "too late")


def test_a_worker_that_stops_short_gives_the_job_back(settings):
    [job] = _queue(settings)
    lease = jobs.claim(settings, "worker-a")

    def crashes(_lease):
        raise RuntimeError("the worker's own bug")

    with pytest.raises(RuntimeError):
        jobs.run_claimed(lease, crashes)
    assert jobs.job_progress(settings, job).state == "queued"
    assert jobs.claim(settings, "worker-b").job_id == job


def test_unknown_job_is_not_found(settings):
    from ftigate.errors import NotFoundError

    with pytest.raises(NotFoundError):
        jobs.job_progress(settings, 999)
