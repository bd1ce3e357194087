"""``ftigate queue validate|disclose``: a job queued on the local data directory for ``ftigate worker``;
queueing a disclosure needs a disclosure officer's own token, queueing a validation is the signed
request's own (as ``ftigate submit``)."""

from __future__ import annotations

import datetime as dt

import proven
from ftigate.service.admin import registry as registry_service
from ftigate.service.log import ledger
from ftigate.service.requests import jobs, queries
from ftigate.service.requests.review import review
from ftigate.service.requests.submit import submit_request_file
from ftigate.settings import Settings


def _claims(settings: Settings) -> list[dict]:
    entries = (ledger.entry(settings, i).to_json() for i in range(ledger.tree_size(settings)))
    return [e for e in entries if e["kind"] == "job.claimed"]


def test_a_validation_is_queued_then_stored_by_the_worker(cli, world, data_dir):
    settings = Settings(data_dir=data_dir)
    registry_service.load_registry_file(settings, proven.admin(settings), world.registry_path)
    path = world.write(world.request(request_id="ICE-2025-000500"))
    queued = cli("queue", "validate", path)
    assert queued.exit_code == 0 and "validate" in queued.stdout and "queued" in queued.stdout, queued.stderr
    assert queries.requests(settings) == []
    listed = cli("jobs", "--active")
    assert "validate" in listed.stdout and "queued" in listed.stdout

    ran = cli("worker", "--once")
    assert ran.exit_code == 0 and "done" in ran.stdout, ran.stderr
    (stored,) = queries.requests(settings)
    assert stored["request_id"] == "ICE-2025-000500" and stored["state"] == "awaiting_review"
    (claim,) = _claims(settings)
    assert (claim["job_kind"], claim["attempt"], claim["actor"]) == ("validate", 1, "gateway")
    assert path.exists()  # the caller's own file stays where it was

    missing = cli("queue", "validate", world.dir / "absent.json")
    assert missing.exit_code == 2 and "absent.json" in missing.stderr


def test_a_disclosure_is_queued_by_a_proven_officer_and_claimed_in_the_ledger(cli, world, data_dir, tmp_path):
    settings = Settings(data_dir=data_dir)
    registry_service.load_registry_file(settings, proven.admin(settings), world.registry_path)
    proven.add_staff(settings, "do-1", "Synthetic Officer One", "disclosure_officer")
    proven.add_staff(settings, "ig-1", "Synthetic Overseer", "overseer")
    ref = submit_request_file(settings, world.write(world.request())).ref
    review(settings, ref, proven.as_(settings, "do-1"), "approve", "meets 6103(i)(2)")
    master = tmp_path / "master.csv"
    master.write_text("tin,first_name\n", encoding="utf-8")

    bare = cli("queue", "disclose", ref, "--master", master)
    assert bare.exit_code == 1 and "--as alone proves nothing" in bare.stderr
    overseer = cli("queue", "disclose", ref, "--master", master, as_="ig-1")
    assert overseer.exit_code == 1 and "may not start a disclosure" in overseer.stderr
    assert jobs.list_progress(settings) == []

    queued = cli("queue", "disclose", ref, "--master", master, as_="do-1")
    assert queued.exit_code == 0 and "disclose" in queued.stdout and ref in queued.stdout, queued.stderr
    again = cli("queue", "disclose", ref, "--master", master, as_="do-1")
    assert again.exit_code == 0
    (job,) = jobs.list_progress(settings)
    assert job.kind == "disclose" and job.state == "queued" and f"job {job.job}" in again.stdout
    assert _claims(settings) == []  # queued, not yet claimed
    claimed = jobs.claim(settings, jobs.new_owner())
    assert claimed is not None and claimed.job_id == job.job
    (claim,) = _claims(settings)
    assert (claim["job"], claim["job_kind"], claim["attempt"], claim["request"]) == (job.job, "disclose", 1, ref)


def test_uploads_waiting_in_queued_are_shown_and_only_the_stale_ones_purged(cli, world, data_dir):
    import os
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).parents[1] / "web"))
    from api_world import serve

    from ftigate.service.requests.worker import QUEUED_FOLDER, work

    served = serve(Settings(data_dir=data_dir), world)
    official = served.client("ice-director")
    waiting = official.queue_validation(world.write(world.request(request_id="ICE-2025-000510"), name="a.json"))
    done = official.queue_validation(world.write(world.request(request_id="ICE-2025-000511"), name="b.json"))
    base = data_dir / QUEUED_FOLDER
    before = {p.name for p in base.iterdir()}
    assert work(served.settings, once=True).done == [waiting["job"]]  # the first is stored, its folder gone
    (still,) = base.iterdir()  # the second waits for a worker
    (gone,) = before - {still.name}
    left = base / gone  # as if the closed job's worker could not remove it
    left.mkdir()
    (left / "request.json").write_text("{}", encoding="utf-8")
    orphan = base / "f"  # files no job names, written two days ago (the server stopped before queueing)
    orphan.mkdir()
    (orphan / "request.json").write_text("{}", encoding="utf-8")
    two_days_ago = (dt.datetime.now(dt.UTC) - dt.timedelta(days=2)).timestamp()
    os.utime(orphan / "request.json", (two_days_ago, two_days_ago))
    fresh = base / "e"  # no job names it yet, but it was just written: an upload still arriving
    fresh.mkdir()
    (fresh / "subjects.csv").write_text("x", encoding="utf-8")

    listed = cli("queue", "uploads")
    assert listed.exit_code == 0, listed.stderr
    assert "4 upload(s) in queued/" in listed.stdout and "2 stale upload(s)" in listed.stderr
    assert still.name in listed.stdout and str(done["job"]) in listed.stdout and "waits for a worker" in listed.stdout
    from ftigate.service.log import ledger

    # removing files is an administrator's act, proven and recorded
    assert "--as alone proves nothing" in cli("queue", "uploads", "--purge").stderr
    refused = cli("queue", "uploads", "--purge", token=served.tokens["do-1"])
    assert refused.exit_code == 1 and "uploads.purge" in refused.stderr
    assert len(list(base.iterdir())) == 4
    purged = cli("queue", "uploads", "--purge", token=served.tokens["admin-1"])
    assert purged.exit_code == 0 and "2 stale upload(s) removed" in purged.stdout, purged.stderr
    assert sorted(p.name for p in base.iterdir()) == sorted([still.name, "e"])
    last = ledger.entry(served.settings, ledger.tree_size(served.settings) - 1).to_json()
    assert (last["kind"], last["actor"], last["folders"], last["jobs"]) == \
        ("uploads.purged", "admin-1", 2, [waiting["job"]])
    assert "2 upload(s) in queued/" in cli("queue", "uploads").stdout
    again = cli("queue", "uploads", "--purge", token=served.tokens["admin-1"])
    assert "0 stale upload(s) removed" in again.stdout
    assert ledger.entry(served.settings, ledger.tree_size(served.settings) - 1).to_json() == last  # nothing to record
