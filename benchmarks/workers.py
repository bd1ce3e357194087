"""Benchmark: two workers on one PostgreSQL database processing 20 requests, beside one worker.

Twenty approved requests are queued as disclosure jobs; two ``ftigate worker`` processes, started at
the same moment on one data directory and one PostgreSQL database, take them from the queue
(``SELECT … FOR UPDATE SKIP LOCKED``) until it is empty. The figure that must be 0: subjects
processed twice, counted three independent ways, each of which would show a second processing:

- ledger: the ``match.decided`` entries of a request commit to more subjects than it has;
- decisions: a stored decision that does not open its ledger commitment (``verify_decisions``);
- jobs: a request whose job ran more than once (attempts > 1) or closed other than done.

Beside it, in the same run, the baseline: one worker processing the same twenty requests on a
fresh database. The ratio of the two wall-clock times is what the second worker adds (on a
machine with fewer free cores than workers, expect little). Files go under ``bench-data/workers``
(git-ignored); PostgreSQL at 127.0.0.1:5432 with trust auth (a fresh database per run, dropped after).

    .venv/bin/python benchmarks/workers.py [--requests 20] [--subjects 300] [--people 20000]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
import uuid
from collections import Counter
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import psycopg

from ftigate import generator
from ftigate.crypto import new_private_key, private_pem, public_pem
from ftigate.service.admin import registry as registry_service
from ftigate.service.admin import staff
from ftigate.service.log.decision_audit import verify_decisions
from ftigate.service.requests import jobs
from ftigate.service.requests.disclose import start_disclosure
from ftigate.service.requests.review import review
from ftigate.service.requests.signing import sign_request_file
from ftigate.service.requests.submit import submit_request_file
from ftigate.service.store_access import transaction
from ftigate.settings import Settings, Thresholds
from ftigate.store import requests_store

ROOT = Path(__file__).resolve().parents[1]
ADMIN = "host=127.0.0.1 port=5432 dbname=test user=postgres"


@contextmanager
def fresh_database():
    name = f"ftigate_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    finally:
        with psycopg.connect(ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def prepare(base: Path, url: str, master: Path, subject_files: list[Path]) -> tuple[Settings, list[str]]:
    """A gateway with a registry, a reviewer and the requests approved and queued."""
    data = base / "gateway"
    shutil.rmtree(data, ignore_errors=True)
    data.mkdir(parents=True)
    s = Settings(data_dir=data, database_url=url, thresholds=replace(Thresholds(), dual_control_subjects=10**9))
    official, officer = new_private_key("ed25519"), new_private_key("x25519")
    (data / "official.key").write_text(private_pem(official))
    registry = {
        "agencies": [{"id": "BENCH", "name": "Benchmark agency (synthetic)",
                      "safeguards": {"approved_on": "2025-01-01", "expires_on": "2099-12-31"},
                      "usual_subjects_per_request": 5000}],
        "officials": [{"id": "bench-head", "agency": "BENCH", "name": "Synthetic Head", "role": "head",
                       "valid_from": "2025-01-01", "valid_to": None, "public_key": public_pem(official)}],
        "officers": [{"id": "bench-officer", "agency": "BENCH", "name": "Synthetic Officer",
                      "public_key": public_pem(officer)}],
        "statutes": [{"citation": "8 U.S.C. 1253(a)(1)", "title": "Willful failure to depart",
                      "criminal": True, "tax_administration": False}],
    }
    (data / "registry.json").write_text(json.dumps(registry))
    registry_service.load_registry_file(s, data / "registry.json")
    staff.add_staff(s, "bench-do", "Synthetic Reviewer", "disclosure_officer")
    refs = []
    for n, subjects in enumerate(subject_files, 1):
        shutil.copy(subjects, data / f"subjects-{n}.csv")
        request = {"format": "ftigate-request/1", "request_id": f"BENCH-{n:03d}", "agency": "BENCH",
                   "official": "bench-head", "signed_on": "2026-01-02",
                   "investigation": {"reference": f"B-{n}", "statute": "8 U.S.C. 1253(a)(1)",
                                     "authority": "8 U.S.C. 1357(a)", "kind": "criminal"},
                   "taxable_periods": [2023, 2024], "information": ["taxpayer_identity"],
                   "reason": "Each subject is under investigation for willful failure to depart; the last known "
                             "address is relevant to locating the subject for the criminal proceeding.",
                   "recipients": ["bench-officer"], "subjects_file": f"subjects-{n}.csv"}
        path = data / f"request-{n}.json"
        path.write_text(json.dumps(request))
        sign_request_file(path, data / "official.key")
        ref = submit_request_file(s, path).ref
        review(s, ref, "bench-do", "approve", "benchmark")
        start_disclosure(s, ref, master)
        refs.append(ref)
    return s, refs


def run_workers(s: Settings, count: int) -> float:
    """Start ``count`` workers at once; wait until they have emptied the queue. Wall-clock seconds."""
    command = [sys.executable, "-c", "from ftigate.cli.main import main; main()", "--data-dir", str(s.data_dir), "worker", "--idle-exit", "2",
               "--poll", "0.2"]
    env = {**os.environ, "FTIGATE_DATABASE_URL": s.database_url or ""}
    t = time.perf_counter()
    workers = [subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
               for _ in range(count)]
    for w in workers:
        _, err = w.communicate(timeout=3600)
        if w.returncode != 0:
            raise SystemExit(f"a worker failed ({w.returncode}): {err.decode()[-2000:]}")
    return time.perf_counter() - t - 2.0  # less the idle wait before each exits


def audit(s: Settings, refs: list[str]) -> dict[str, int]:
    twice: Counter[str] = Counter()
    subjects = 0
    for ref in refs:
        agency, request_id = ref.split("/")
        with transaction(s) as conn:
            row = requests_store.find_request(conn, agency, request_id)
            valid = row["subjects_valid"]
            decided = sum(e["detail"]["subjects"] for e in requests_store.request_events(conn, row["id"])
                          if e["kind"] == "match.decided")
            state = row["state"]
        subjects += valid
        twice["ledger"] += max(0, decided - valid)
        twice["decisions"] += len(verify_decisions(s, ref).problems)
        progress = jobs.request_progress(s, ref)
        twice["jobs"] += int(progress is None or progress.attempts != 1 or progress.state != "done")
        twice["not delivered"] += int(state != "delivered")
    return {"subjects": subjects, **twice}


def owners_of(s: Settings) -> Counter:
    from ftigate.store.tables import jobs as jobs_table

    with transaction(s) as conn:
        return Counter(r[0].rsplit(":", 1)[0] for r in conn.execute(jobs_table.select().with_only_columns(
            jobs_table.c.owner)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--subjects", type=int, default=300)
    parser.add_argument("--people", type=int, default=20_000)
    args = parser.parse_args()
    base = ROOT / "bench-data" / "workers"
    base.mkdir(parents=True, exist_ok=True)
    master = base / f"master-{args.people}.parquet"
    if not master.exists():
        generator.generate_master(master, args.people, seed=41)
    files = []
    for n in range(args.requests):
        path = base / f"subjects-{args.people}-{args.subjects}-{n}.csv"
        if not path.exists():
            generator.generate_request(master, path, args.subjects, seed=100 + n)
        files.append(path)

    results = {}
    for workers in (2, 1):
        with fresh_database() as url:
            s, refs = prepare(base / f"run-{workers}", url, master, files)
            seconds = run_workers(s, workers)
            results[workers] = (seconds, audit(s, refs), owners_of(s))
    for workers, (seconds, found, owners) in results.items():
        print(f"{workers} worker(s): {args.requests} requests x {args.subjects} subjects against {args.people:,} "
              f"people in {seconds:.1f} s ({found['subjects'] / seconds:,.0f} subjects/s); requests per worker "
              f"{sorted(owners.values(), reverse=True)}")
        print(f"  processed twice: ledger {found['ledger']}, decisions {found['decisions']}, "
              f"jobs {found['jobs']}; not delivered {found['not delivered']}")
    print(f"two workers / one worker, wall clock: {results[2][0] / results[1][0]:.2f}x")


if __name__ == "__main__":
    main()
