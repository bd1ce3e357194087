"""``ftigate worker`` and ``ftigate jobs``: a queued disclosure is taken and run by the worker, once."""

from __future__ import annotations

import proven
from ftigate.service.admin import registry as registry_service
from ftigate.service.requests import jobs
from ftigate.service.requests.disclose import start_disclosure
from ftigate.service.store_access import transaction
from ftigate.settings import Settings
from ftigate.store import disclosure_store, requests_store


def test_the_worker_runs_a_queued_disclosure_once(cli, approved):
    settings, ref, master = approved
    job = start_disclosure(settings, ref, master, by=proven.discloser(settings))
    assert start_disclosure(settings, ref, master, by=proven.discloser(settings)) == job  # one active job per request, never a second
    queued = cli("jobs", "--active")
    assert queued.exit_code == 0 and "queued" in queued.stdout and ref in queued.stdout

    ran = cli("worker", "--once")
    assert ran.exit_code == 0, ran.stderr
    assert f"job {job}: done" in ran.stdout
    progress = jobs.job_progress(settings, job)
    assert (progress.state, progress.fraction, progress.subjects_decided) == ("done", 1.0, progress.subjects_valid)
    with transaction(settings) as conn:
        row = requests_store.find_request(conn, *ref.split("/"))
        assert row["state"] == "delivered"
        assert disclosure_store.request_package(conn, row["id"]) is not None

    assert "no job to run" in cli("worker", "--idle-exit", "0").stdout
    assert start_disclosure(settings, ref, master, by=proven.discloser(settings)) is None  # delivered: nothing more to queue
    shown = cli("jobs", ref)
    assert shown.exit_code == 0 and "done" in shown.stdout


def test_a_second_worker_on_one_sqlite_directory_is_refused(cli, approved):
    settings, _, _ = approved
    with jobs.worker_lock(settings):
        refused = cli("worker", "--once")
    assert refused.exit_code == 1 and "another worker" in refused.stderr


def test_a_failed_job_says_why(cli, approved, world):
    settings, ref, master = approved
    job = start_disclosure(settings, ref, master, by=proven.discloser(settings))
    import json

    expired = json.loads(world.registry_path.read_text())
    expired["agencies"][0]["safeguards"]["expires_on"] = "2025-04-01"
    world.registry_path.write_text(json.dumps(expired))
    registry_service.load_registry_file(settings, proven.admin(settings), world.registry_path)
    ran = cli("worker", "--once")
    assert ran.exit_code == 1 and "safeguards" in ran.stdout
    assert jobs.job_progress(settings, job).state == "failed"


def test_a_queued_validation_is_stored_once_by_the_worker(cli, world, data_dir):
    from ftigate.service.requests.worker import queue_validation

    settings = Settings(data_dir=data_dir)
    registry_service.load_registry_file(settings, proven.admin(settings), world.registry_path)
    path = world.write(world.request())
    job = queue_validation(settings, path)
    assert jobs.job_progress(settings, job).request is None  # not stored until the worker has read it
    ran = cli("worker", "--once")
    assert ran.exit_code == 0 and f"job {job}: done" in ran.stdout, ran.stderr
    progress = jobs.job_progress(settings, job)
    assert (progress.kind, progress.state, progress.request) == ("validate", "done", "DHS-ICE/ICE-2025-000017")
    again = queue_validation(settings, path)  # the same signed request again: idempotent, one stored request
    assert cli("worker", "--once").exit_code == 0
    assert jobs.job_progress(settings, again).request == "DHS-ICE/ICE-2025-000017"
    with transaction(settings) as conn:
        assert len(requests_store.list_requests(conn)) == 1
