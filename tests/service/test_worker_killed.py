"""A worker killed (SIGKILL) at any point of a disclosure, then another worker: the request ends with
the same disclosures, accounting records and ledger as a run nobody interrupted.

The killed worker is a real process (``ftigate``'s worker in a subprocess) that sends itself SIGKILL
at a chosen point: no handler runs, nothing is flushed or released but what the operating system
releases. The points cover before anything is written, inside a batch's transaction, between two
committed batches, after the last batch, with the package written but not recorded, and with the
request delivered but the job not yet closed.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import proven
from ftigate.service.admin import registry as registry_service
from ftigate.service.log import ledger
from ftigate.service.log.decision_audit import verify_decisions
from ftigate.service.requests import disclose as disclose_module
from ftigate.service.requests import jobs
from ftigate.service.requests.disclose import start_disclosure
from ftigate.service.requests.review import review
from ftigate.service.requests.submit import submit_request_file
from ftigate.service.requests.worker import work
from ftigate.service.store_access import transaction
from ftigate.settings import Settings
from ftigate.store import accounting_store, disclosure_store, requests_store
from population import synthetic_population

BATCH = 10  # 80 subjects: eight batches

#: run in the killed worker's process: arm one kill point, then work one job
KILLER = r"""
import os, signal, sys
from pathlib import Path
from ftigate.service.requests import disclose, jobs
from ftigate.service.requests.worker import work
from ftigate.settings import Settings
from ftigate.store import jobs_store

data_dir, url, point, nth = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
disclose.BATCH = int(sys.argv[5])
calls = {"n": 0}

def kill_on_nth(real, after=False):
    def wrapper(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == nth and not after:
            os.kill(os.getpid(), signal.SIGKILL)
        result = real(*args, **kwargs)
        if calls["n"] == nth and after:
            os.kill(os.getpid(), signal.SIGKILL)
        return result
    return wrapper

if point == "clock":          # the nth reading of the disclosure's clock: before it, batch by batch, delivery
    disclose.now = kill_on_nth(disclose.now)
elif point == "in-batch":     # inside the nth batch's transaction, its disclosures written, not committed
    disclose._record_match_batch = kill_on_nth(disclose._record_match_batch)
elif point == "deliver":      # all batches done and the request disclosed (committed), delivery not begun
    disclose.deliver = kill_on_nth(disclose.deliver)
elif point == "seal":         # inside the delivery's transaction, before the package is written
    disclose.seal_age = kill_on_nth(disclose.seal_age)
elif point == "package":      # the package's files written (nth file), the delivery not committed
    disclose.write_file_atomic = kill_on_nth(disclose.write_file_atomic, after=True)
elif point == "closing":      # the request delivered and committed, the job not yet closed
    jobs.jobs_store.finish = kill_on_nth(jobs_store.finish)
work(Settings(data_dir=Path(data_dir), database_url=url or None), once=True, lease_seconds=float(sys.argv[6]))
sys.exit(3)  # the kill point was never reached
"""


@pytest.fixture(scope="module")
def population(tmp_path_factory) -> tuple[Path, Path]:
    master, subjects, _ = synthetic_population(tmp_path_factory.mktemp("killed"), 2000, 80, seed=31)
    return master, subjects


def _approved(world, data_dir: Path, population, url: str | None = None,
              match_cache: Path | None = None) -> tuple[Settings, str]:
    settings = Settings(data_dir=data_dir, database_url=url)
    if match_cache is not None:  # the matcher's model, trained by the baseline on the same master file
        data_dir.mkdir(parents=True, exist_ok=True)
        (data_dir / "match").symlink_to(match_cache, target_is_directory=True)
    registry_service.load_registry_file(settings, proven.admin(settings), world.registry_path)
    proven.add_staff(settings, "do-1", "Synthetic Officer One", "disclosure_officer")
    (world.dir / "subjects.csv").write_bytes(population[1].read_bytes())
    req = world.request()
    del req["subjects"]
    req["subjects_file"] = "subjects.csv"
    ref = submit_request_file(settings, world.write(req)).ref
    review(settings, ref, proven.as_(settings, "do-1"), "approve", "meets 6103(i)(2)")
    start_disclosure(settings, ref, population[0], by=proven.discloser(settings))
    return settings, ref


def _resume(settings: Settings, lease: float) -> None:
    """Another worker takes the job over (at once on SQLite; when the lease lapses on PostgreSQL)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        summary = work(settings, once=True, lease_seconds=lease)
        assert not summary.failed, summary.failed
        if summary.done:
            return
        time.sleep(0.3)
    raise AssertionError("no worker could take the job over")


_MASKED = ("commitment", "commitments_sha256", "package", "package_sha256", "fingerprint", "expires")


def _outcome(settings: Settings, ref: str) -> dict:
    """What must not depend on interruptions: disclosures, accounting, the ledger (keyed values masked:
    each data directory has its own commitment key, and a package its own id)."""
    assert verify_decisions(settings, ref).ok
    with transaction(settings) as conn:
        row = requests_store.find_request(conn, *ref.split("/"))
        subjects = {s["id"]: s["subject_id"] for s in requests_store.iter_subjects(conn, row["id"])}
        outcomes = sorted((s["subject_id"], s["outcome"], s["matched_tin"])
                          for s in requests_store.iter_subjects(conn, row["id"]))
        disclosed = sorted((subjects[d["subject"]], d["tin"], tuple(sorted(d["fields"].items())))
                           for d in disclosure_store.request_disclosures(conn, row["id"]))
        accounts = sorted((a["tin"], a["agency"], tuple(a["recipients"]), a["request_ref"], tuple(a["fields"]),
                           a["ledger_index"] is not None)
                          for a in accounting_store.of_request(conn, row["id"]))
        packages = disclosure_store.request_package(conn, row["id"])
        state = row["state"]
    entries, claims = [], []
    for index in range(ledger.tree_size(settings)):
        entry = ledger.entry(settings, index).to_json()
        entry.pop("at")
        if entry["kind"] == "job.claimed":  # each claim is recorded: a resumed job has one more
            claims.append((entry["job"], entry["attempt"], entry["request"]))
            continue
        entries.append({k: ("*" if k in _MASKED else v) for k, v in entry.items()})
    files = sorted(p.name.split(".", 1)[1] for p in (settings.data_dir / "packages").iterdir()
                   if p.name.split(".")[0] == packages["id"])
    return {"state": state, "outcomes": outcomes, "disclosed": disclosed, "accounting": accounts,
            "ledger": entries, "package_files": files, "claims": claims}


def _world(directory: Path):
    """The shared synthetic world of tests/conftest.py, made once for the module: the uninterrupted
    run and every killed one must sign and register exactly the same things."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("shared_world", Path(__file__).parents[1] / "conftest.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module.world.__wrapped__(directory)


@pytest.fixture(scope="module")
def baseline(population, tmp_path_factory) -> dict:
    """The uninterrupted run, in the killed runs' conditions."""
    d = tmp_path_factory.mktemp("baseline")
    world = _world(d)
    original = disclose_module.BATCH
    disclose_module.BATCH = BATCH
    try:
        settings, ref = _approved(world, d / "data", population)
        summary = work(settings, once=True)
        assert summary.done and not summary.failed
        return {"world": world, "outcome": _outcome(settings, ref), "match": settings.data_dir / "match"}
    finally:
        disclose_module.BATCH = original


def _same(got: dict, expected: dict) -> None:
    for key in expected:
        if key in ("ledger", "claims"):
            continue
        assert got[key] == expected[key], key
    first = next((i for i, (a, b) in enumerate(zip(got["ledger"], expected["ledger"], strict=False)) if a != b),
                 None)
    assert first is None, (first, got["ledger"][first], expected["ledger"][first])
    assert len(got["ledger"]) == len(expected["ledger"])


def _kill(settings: Settings, point: str, nth: int, lease: float) -> None:
    result = subprocess.run(
        [sys.executable, "-c", KILLER, str(settings.data_dir), settings.database_url or "", point, str(nth),
         str(BATCH), str(lease)], capture_output=True, timeout=300, env=os.environ.copy())
    assert result.returncode == -signal.SIGKILL, (result.returncode, result.stderr.decode()[-2000:])


# the disclosure's clock is read once before matching, then once per batch: 1 = nothing written yet,
# 4 = after two batches were committed
POINTS = [("clock", 1), ("in-batch", 1), ("clock", 4), ("in-batch", 5), ("deliver", 1), ("seal", 1),
          ("package", 1), ("package", 2), ("closing", 1)]


@pytest.mark.parametrize(("point", "nth"), POINTS, ids=[f"{p}-{n}" for p, n in POINTS])
def test_a_killed_worker_is_resumed_to_the_same_end(point, nth, baseline, population, tmp_path, monkeypatch):
    monkeypatch.setattr(disclose_module, "BATCH", BATCH)
    settings, ref = _approved(baseline["world"], tmp_path / "data", population, match_cache=baseline["match"])
    _kill(settings, point, nth, lease=60)
    _resume(settings, lease=60)  # on SQLite the new worker holds the lock: the dead one's job is an orphan
    got = _outcome(settings, ref)
    _same(got, baseline["outcome"])
    # the baseline's one claim, and here the dead worker's and its successor's, each in the ledger
    assert [attempt for _, attempt, _ in baseline["outcome"]["claims"]] == [1]
    assert [(attempt, request) for _, attempt, request in got["claims"]] == [(1, ref), (2, ref)]
    assert not jobs.list_progress(settings, ("queued", "running"))


PG_POINTS = [("clock", 1), ("in-batch", 3), ("package", 2)]


@pytest.mark.parametrize(("point", "nth"), PG_POINTS, ids=[f"{p}-{n}" for p, n in PG_POINTS])
def test_a_killed_worker_on_postgresql_is_taken_over_when_its_lease_lapses(point, nth, baseline, population,
                                                                             tmp_path, pg_url, monkeypatch):
    monkeypatch.setattr(disclose_module, "BATCH", BATCH)
    settings, ref = _approved(baseline["world"], tmp_path / "data", population, url=pg_url,
                              match_cache=baseline["match"])
    _kill(settings, point, nth, lease=2)
    [job] = jobs.list_progress(settings, ("running",))
    assert job.attempts == 1
    _resume(settings, lease=2)
    assert jobs.job_progress(settings, job.job).attempts == 2
    _same(_outcome(settings, ref), baseline["outcome"])
