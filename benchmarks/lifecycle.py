"""Benchmark of the whole request lifecycle at scale, beside the bare matcher on the same data.

The scale the gateway is built for: on one machine the embedded default (SQLite, DuckDB) must handle a 1.3-million-subject batch
against a master file of at least 10 million people. This script generates (or reuses) a master file and a
batch, then runs each stage of the lifecycle through the service layer and times it:

    submit (intake, every rule, one transaction) -> review -> disclose (match, withhold, disclosures,
    accounting, ledger entries, sealed package)

Beside it, in the same run, the baseline: ``identity.resolve`` alone on the same subjects file (what
`ftigate match` does). The ratio of disclose's time to the baseline's is the cost of everything the
gateway adds to matching (fail-closed checks, accounting, the ledger, the package). Peak memory is
the process's max RSS. Files go under ``bench-data/lifecycle`` (git-ignored).

    .venv/bin/python benchmarks/lifecycle.py [--people 1000000] [--subjects 100000]
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import time
from dataclasses import replace
from pathlib import Path

from ftigate import generator, identity
from ftigate.crypto import new_private_key, private_pem, public_pem
from ftigate.service.admin import registry as registry_service
from ftigate.service.admin import staff
from ftigate.service.requests.disclose import disclose
from ftigate.service.requests.review import review
from ftigate.service.requests.signing import sign_request_file
from ftigate.service.requests.submit import submit_request_file
from ftigate.settings import Settings, Thresholds

ROOT = Path(__file__).resolve().parents[1]


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--subjects", type=int, default=100_000)
    args = parser.parse_args()
    base = ROOT / "bench-data" / "lifecycle"
    base.mkdir(parents=True, exist_ok=True)
    master = base / f"master-{args.people}.parquet"
    subjects = base / f"subjects-{args.people}-{args.subjects}.csv"
    timings: dict[str, float] = {}

    t = time.perf_counter()
    if not master.exists():
        generator.generate_master(master, args.people, seed=7)
    if not subjects.exists():
        generator.generate_request(master, subjects, args.subjects, seed=8, truth=base / "truth.csv")
    timings["generate (not counted)"] = time.perf_counter() - t

    data = base / "gateway"
    shutil.rmtree(data, ignore_errors=True)
    data.mkdir()
    s = Settings(data_dir=data, thresholds=replace(Thresholds(), dual_control_subjects=10**9))
    official = new_private_key("ed25519")
    officer = new_private_key("x25519")
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
    shutil.copy(subjects, data / "subjects.csv")
    request = {"format": "ftigate-request/1", "request_id": "BENCH-1", "agency": "BENCH", "official": "bench-head",
               "signed_on": "2026-01-02", "investigation": {"reference": "B-1", "statute": "8 U.S.C. 1253(a)(1)",
                                                            "authority": "8 U.S.C. 1357(a)", "kind": "criminal"},
               "taxable_periods": [2023, 2024], "information": ["taxpayer_identity"],
               "reason": "Each subject is under investigation for willful failure to depart; the last known address "
                         "is relevant to locating the subject for the criminal proceeding.",
               "recipients": ["bench-officer"], "subjects_file": "subjects.csv"}
    (data / "request.json").write_text(json.dumps(request))
    sign_request_file(data / "request.json", data / "official.key")

    t = time.perf_counter()
    submitted = submit_request_file(s, data / "request.json")
    timings["submit"] = time.perf_counter() - t
    t = time.perf_counter()
    review(s, submitted.ref, "bench-do", "approve", "benchmark")
    timings["review"] = time.perf_counter() - t
    t = time.perf_counter()
    summary = disclose(s, submitted.ref, master)
    timings["disclose (match, disclose, deliver)"] = time.perf_counter() - t

    t = time.perf_counter()
    baseline = sum(1 for _ in identity.resolve(master, subjects, work_dir=base / "baseline-work"))
    timings["baseline: identity.resolve alone"] = time.perf_counter() - t

    print(f"master {args.people:,} people; request {args.subjects:,} subjects; {summary.disclosures:,} disclosures; "
          f"outcomes {summary.outcomes}; baseline results {baseline:,}")
    for name, secs in timings.items():
        print(f"{name:40s} {secs:9.1f} s")
    matcher = timings["baseline: identity.resolve alone"]
    print(f"disclose / bare matching: {timings['disclose (match, disclose, deliver)'] / matcher:.2f}x")
    print(f"subjects per second through submit: {args.subjects / timings['submit']:,.0f}")
    print(f"peak memory: {peak_mb():,.0f} MB")


if __name__ == "__main__":
    main()
