"""Throughput of identity resolution: subjects per second and peak memory, beside a baseline.

Matches request batches of 10,000 / 100,000 / 1,300,000 subjects against master files of about
1 and 10 million rows (``ftigate generate master``: one row per taxpayer per tax period, four
periods), each run as ``ftigate match`` in a fresh process with a fresh data directory, so the
time includes reading, normalising, training the model and writing the results. Peak memory is
the process's maximum resident set size.

The baseline is Splink as its FEBRL4 tutorial sets it up (:mod:`baseline`), run on the same files in
the same run; speed is reported as the ratio of the two. The tutorial's blocking (every pair sharing
a postcode, or a date of birth) grows with the product of the two sizes, so by default it is run
only where it finishes in minutes (``--baseline-max-pairs`` bounds the product of subjects and
master rows).

Generated files are kept in ``bench-data/`` (git-ignored) and reused.

Usage (from the repository root)::

    .venv/bin/python benchmarks/throughput.py [--subjects 10000,100000,1300000] [--master-rows 1000000,10000000]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "bench-data"
#: rows per person in a generated master file (four tax periods, some people not in every one)
ROWS_PER_PERSON = 3.81


def _ftigate(*args: str) -> None:
    ftigate = str(Path(sys.executable).parent / "ftigate")
    subprocess.run([ftigate, "--data-dir", str(DATA / "data"), *args], check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)


def master_file(rows: int) -> Path:
    path = DATA / f"throughput-master-{rows}.parquet"
    if not path.exists():
        _ftigate("generate", "master", "--people", str(int(rows / ROWS_PER_PERSON)), "--out", str(path), "--seed", "3")
    return path


def subjects_file(master: Path, subjects: int) -> Path | None:
    """A request batch drawn from ``master``; None when the master file holds too few people for it."""
    path = DATA / f"{master.stem}-subjects-{subjects}.parquet"
    if not path.exists():
        try:
            _ftigate("generate", "request", "--master", str(master), "--subjects", str(subjects), "--out", str(path),
                     "--seed", "3")
        except subprocess.CalledProcessError:
            return None
    return path


def count_rows(path: Path) -> int:
    import pyarrow.parquet as pq

    return pq.ParquetFile(path).metadata.num_rows


def measure(kind: str, master: Path, subjects: Path) -> dict[str, float]:
    """Run one job in a child process; return its wall time (s) and peak resident memory (GiB)."""
    work = DATA / "throughput-work" / f"{kind}-{master.stem}-{subjects.stem}"
    if kind == "ftigate":
        import shutil

        shutil.rmtree(work, ignore_errors=True)
        command = [str(Path(sys.executable).parent / "ftigate"), "--data-dir", str(work), "match",
                   "--master", str(master), "--subjects", str(subjects), "--out", str(work / "results.parquet")]
        work.mkdir(parents=True, exist_ok=True)
    else:
        command = [sys.executable, str(Path(__file__)), "--baseline-job", str(master), str(subjects)]
    started = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    if status != 0:
        raise SystemExit(f"{kind} failed on {subjects.name}: {child.stderr.read().decode()[-2000:] if child.stderr else ''}")
    return {"seconds": round(seconds, 1), "peak_gib": round(usage.ru_maxrss / (1 << 20), 2)}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--subjects", default="10000,100000,1300000")
    parser.add_argument("--master-rows", default="1000000,10000000")
    parser.add_argument("--baseline-max-pairs", type=float, default=2e11,
                        help="run the baseline only where subjects x master rows is at most this")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON")
    parser.add_argument("--baseline-job", nargs=2, metavar=("MASTER", "SUBJECTS"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.baseline_job:
        sys.path.insert(0, str(Path(__file__).parent))
        from baseline import run_baseline

        run_baseline(Path(args.baseline_job[0]), Path(args.baseline_job[1]))
        return
    DATA.mkdir(exist_ok=True)
    figures = []
    print(f"{'master rows':>12} {'subjects':>10} | {'ftigate s':>9} {'subj/s':>8} {'peak GiB':>8} | "
          f"{'baseline s':>10} {'subj/s':>8} {'peak GiB':>8} | {'speed ratio':>11}")
    for rows in (int(r) for r in args.master_rows.split(",")):
        master = master_file(rows)
        actual_rows = count_rows(master)
        for size in (int(s) for s in args.subjects.split(",")):
            subjects = subjects_file(master, size)
            if subjects is None:
                print(f"{actual_rows:>12,} {size:>10,} | not run: the master file holds fewer people than the request",
                      flush=True)
                continue
            ours = measure("ftigate", master, subjects)
            line = {"master_rows": actual_rows, "subjects": size, "ftigate": ours,
                    "ftigate_subjects_per_second": round(size / ours["seconds"])}
            base_text = f"{'not run':>10} {'':>8} {'':>8} | {'':>11}"
            if size * actual_rows <= args.baseline_max_pairs:
                base = measure("baseline", master, subjects)
                line.update({"baseline": base, "baseline_subjects_per_second": round(size / base["seconds"]),
                             "speed_ratio": round(base["seconds"] / ours["seconds"], 2)})
                base_text = (f"{base['seconds']:>10} {line['baseline_subjects_per_second']:>8} {base['peak_gib']:>8} | "
                             f"{line['speed_ratio']:>10}x")
            figures.append(line)
            print(f"{actual_rows:>12,} {size:>10,} | {ours['seconds']:>9} {line['ftigate_subjects_per_second']:>8} "
                  f"{ours['peak_gib']:>8} | {base_text}", flush=True)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
