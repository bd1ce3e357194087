"""``ftigate disclose`` while a worker runs on the same SQLite data directory: the worker holds the
directory's worker lock, so the command queues the job (or finds it queued), waits for the worker
to finish it, and reports the delivery; the request is processed once."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import proven
from ftigate.service.requests import jobs
from ftigate.service.requests.disclose import start_disclosure
from ftigate.service.store_access import transaction
from ftigate.store import requests_store


def test_disclose_waits_for_the_worker_that_holds_the_directory(cli, approved):
    settings, ref, master = approved
    job = start_disclosure(settings, ref, master, by=proven.discloser(settings))
    worker = subprocess.Popen(
        [sys.executable, "-c", "from ftigate.cli.main import main; main()", "--data-dir", str(settings.data_dir),
         "worker", "--idle-exit", "3", "--poll", "0.1"],
        env={k: v for k, v in os.environ.items() if k != "FTIGATE_DATABASE_URL"},
        stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        while jobs.job_progress(settings, job).state == "queued" and time.monotonic() < deadline:
            time.sleep(0.05)  # until the worker has claimed it
        assert jobs.job_progress(settings, job).state == "running"
        done = cli("disclose", ref, "--master", master, as_="do-1")
        assert done.exit_code == 0, done.stderr
        assert "delivered" in done.stdout
    finally:
        out, _ = worker.communicate(timeout=120)  # it stops once idle
    progress = jobs.job_progress(settings, job)
    assert (progress.state, progress.attempts) == ("done", 1)
    assert f"job {job}: done" in out.decode()  # the worker did the work, not the command
    with transaction(settings) as conn:
        row = requests_store.find_request(conn, *ref.split("/"))
        assert sum(e["kind"] == "request.delivered" for e in requests_store.request_events(conn, row["id"])) == 1
