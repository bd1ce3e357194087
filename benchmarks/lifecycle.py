"""Benchmark of the whole request lifecycle at scale, beside the bare matcher on the same data.

The scale the gateway is built for: on one machine the embedded default (SQLite, DuckDB) must handle a 1.3-million-subject batch
against a master file of at least 10 million people. This script generates (or reuses) a master file and a
batch, then runs each stage of the lifecycle through the service layer and times it:

    submit (intake, every rule, one transaction) -> review -> disclose (match, withhold, disclosures,
    accounting, ledger entries, sealed package)

Beside it, in the same run, the baseline: ``identity.resolve`` alone on the same subjects file (what
`ftigate match` does), in a child process with a work folder of its own (it trains, as disclose
does). The ratio of disclose's time to the baseline's is the cost of everything the gateway adds to
matching (fail-closed checks, accounting, the ledger, the package); it is printed for wall time and
for CPU time (steadier on a machine shared with other work). Peak memory is each process's max RSS.
Disclose's time is also split by the stages it reports (reading, training, scoring, deciding,
disclosing, delivering: sealing the package). Files go under ``bench-data/lifecycle`` (git-ignored; ``--data`` elsewhere).

    .venv/bin/python benchmarks/lifecycle.py [--people 1000000] [--subjects 100000] [--profile FILE]

Full scale: ``--people 2625000 --subjects 1300000`` (about 10 million master rows, as the throughput
benchmark's largest master file).
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import json
import pstats
import resource
import shutil
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import proven_people
from ftigate import generator
from ftigate.crypto import new_private_key, private_pem, public_pem
from ftigate.service.admin import registry as registry_service
from ftigate.service.requests.disclose import disclose
from ftigate.service.requests.review import review
from ftigate.service.requests.signing import sign_request_file
from ftigate.service.requests.submit import submit_request_file
from ftigate.settings import Settings, Thresholds

ROOT = Path(__file__).resolve().parents[1]


def peak_gib(who: int = resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024 / 1024


def cpu_seconds(who: int = resource.RUSAGE_SELF) -> float:
    """User and system CPU time so far: steadier than wall time on a machine shared with other work."""
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def bare_matcher(master: Path, subjects: Path, work: Path) -> None:
    """The baseline, in a child process of its own so that its peak memory is its own."""
    shutil.rmtree(work, ignore_errors=True)  # no model cached by an earlier run: it trains, as disclose does
    code = ("import sys; from pathlib import Path; from ftigate import identity; "
            "n = sum(1 for _ in identity.resolve(Path(sys.argv[1]), Path(sys.argv[2]), work_dir=Path(sys.argv[3]))); "
            "print(n)")
    subprocess.run([sys.executable, "-c", code, str(master), str(subjects), str(work)], check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--subjects", type=int, default=100_000)
    parser.add_argument("--data", type=Path, default=ROOT / "bench-data" / "lifecycle",
                        help="where the generated files and the gateway's data directory go")
    parser.add_argument("--profile", type=Path, help="profile disclose (cProfile) into this file; print the top")
    parser.add_argument("--no-baseline", action="store_true", help="skip the bare matcher (when profiling)")
    args = parser.parse_args()
    base = args.data
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
    s = Settings(data_dir=data, thresholds=replace(Thresholds(), dual_control_subjects=10**7))
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
    admin = proven_people.administrator(s)
    registry_service.load_registry_file(s, admin, data / "registry.json")
    reviewer = proven_people.person(s, admin, "bench-do", "Synthetic Reviewer", "disclosure_officer")
    shutil.copy(subjects, data / "subjects.csv")
    request = {"format": "ftigate-request/1", "request_id": "BENCH-1", "agency": "BENCH", "official": "bench-head",
               "signed_on": dt.date.today().isoformat(), "investigation": {"reference": "B-1", "statute": "8 U.S.C. 1253(a)(1)",
                                                            "authority": "8 U.S.C. 1357(a)", "kind": "criminal"},
               "taxable_periods": [2023, 2024], "information": ["taxpayer_identity"],
               "reason": "Each subject is under investigation for willful failure to depart; the last known address "
                         "is relevant to locating the subject for the criminal proceeding.",
               "recipients": ["bench-officer"], "subjects_file": "subjects.csv"}
    (data / "request.json").write_text(json.dumps(request))
    sign_request_file(data / "request.json", data / "official.key")

    # The bare matcher first, while this process is small: a child's peak memory counts what it
    # shared with its parent when it started, so started after disclose it would report disclose's.
    baseline_peak = None
    if not args.no_baseline:
        t = time.perf_counter()
        bare_matcher(master, subjects, base / "baseline-work")
        timings["baseline: identity.resolve alone"] = time.perf_counter() - t
        baseline_peak = peak_gib(resource.RUSAGE_CHILDREN)
        cpu_baseline = cpu_seconds(resource.RUSAGE_CHILDREN)

    t = time.perf_counter()
    submitted = submit_request_file(s, data / "request.json")
    timings["submit"] = time.perf_counter() - t
    if submitted.state == "rejected":
        raise SystemExit(f"the request was rejected: {submitted.decision}")
    t = time.perf_counter()
    review(s, submitted.ref, reviewer, "approve", "benchmark")
    timings["review"] = time.perf_counter() - t
    stages: dict[str, list[float]] = {}
    stage_cpu: dict[str, float] = {}

    def progress(stage: str, done: float, total: float, /) -> None:
        now = time.perf_counter()
        if stage not in stages:
            stage_cpu[stage] = cpu_seconds()
        stages.setdefault(stage, [now, now])[1] = now

    profiler = cProfile.Profile() if args.profile else None
    t, cpu, cpu_children = time.perf_counter(), cpu_seconds(), cpu_seconds(resource.RUSAGE_CHILDREN)
    if profiler is not None:
        profiler.enable()
    summary = disclose(s, submitted.ref, master, by=reviewer, progress=progress)
    if profiler is not None:
        profiler.disable()
    timings["disclose (match, disclose, deliver)"] = time.perf_counter() - t
    # disclose's own helper processes (the subjects read apart, the batches prepared apart) count as
    # the baseline's do: a child's CPU time is added once it has ended and been waited for
    cpu_disclose = cpu_seconds() - cpu + cpu_seconds(resource.RUSAGE_CHILDREN) - cpu_children
    end, end_cpu = time.perf_counter(), cpu_seconds()
    disclose_peak = peak_gib()
    if profiler is not None:
        profiler.dump_stats(args.profile)
        pstats.Stats(str(args.profile)).sort_stats("cumulative").print_stats(60)
        pstats.Stats(str(args.profile)).sort_stats("tottime").print_stats(40)

    print(f"master {args.people:,} people; request {args.subjects:,} subjects; {summary.disclosures:,} disclosures; "
          f"outcomes {summary.outcomes}")
    for name, secs in timings.items():
        print(f"{name:40s} {secs:9.1f} s")
    print("within disclose, from each stage's first report to the next stage's (or the end), wall and CPU "
          "(this process's; its helper processes' CPU time is in the total below):")
    marks = sorted((first, stage) for stage, (first, _) in stages.items())
    cpu_marks = [stage_cpu[stage] for _, stage in marks] + [end_cpu]
    for n, ((first, stage), following) in enumerate(zip(marks, [m[0] for m in marks[1:]] + [end], strict=True)):
        print(f"  {stage:38s} {following - first:9.1f} s {cpu_marks[n + 1] - cpu_marks[n]:9.1f} s CPU")
    if "deciding" in stage_cpu:  # the gateway's own work: deciding each subject, disclosing, delivering
        print(f"  {'from deciding to the end':38s} {end - stages['deciding'][0]:9.1f} s "
              f"{end_cpu - stage_cpu['deciding']:9.1f} s CPU")
    print(f"peak memory: disclose {disclose_peak:.2f} GiB (the whole process up to then, without its helper processes)"
          + (f"; bare matcher {baseline_peak:.2f} GiB" if baseline_peak is not None else ""))
    if not args.no_baseline:
        matcher = timings["baseline: identity.resolve alone"]
        print(f"disclose / bare matching: {timings['disclose (match, disclose, deliver)'] / matcher:.2f}x wall, "
              f"{cpu_disclose / cpu_baseline:.2f}x CPU ({cpu_disclose:,.0f} s / {cpu_baseline:,.0f} s)")
    print(f"subjects per second through submit: {args.subjects / timings['submit']:,.0f}")


if __name__ == "__main__":
    main()
