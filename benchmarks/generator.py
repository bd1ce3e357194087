"""Benchmark of the synthetic data generator: time and peak memory at the scale the gateway is built for.

Runs, each in a child process of its own so its peak memory (max RSS) is its own:

1. a baseline master file (default 1 million people) and the full one (default 10 million);
2. a request batch drawn from each (default 130,000 and 1.3 million subjects).

Speed is reported as people (or subjects) per second and as the ratio of the large run's time to
the baseline's, against the ratio of their sizes: a ratio near the size ratio means the generator
scales linearly, and the memory column shows it does so in flat memory. Files go under
``bench-data/`` (git-ignored) and are deleted afterwards unless ``--keep``.

    .venv/bin/python benchmarks/generator.py [--people 10000000] [--subjects 1300000] [--keep]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "bench-data" / "generator"

_CHILD = """
import json, sys
from pathlib import Path
from ftigate.generator import generate_master, generate_request
job = json.loads(sys.argv[1])
if job["what"] == "master":
    s = generate_master(Path(job["out"]), job["size"], seed=1)
    print(json.dumps({"rows": s.rows}))
else:
    s = generate_request(Path(job["master"]), Path(job["out"]), job["size"], seed=1, truth=Path(job["truth"]))
    print(json.dumps({"rows": s.subjects}))
"""


def run(job: dict[str, object]) -> dict[str, float]:
    """Run one job in a child process; its wall time, peak RSS (MB) and what it printed."""
    started = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-c", _CHILD, json.dumps(job)], stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None
    output = child.stdout.read()
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise SystemExit(f"{job['what']} of {job['size']} failed with exit code {child.returncode}")
    result = json.loads(output.strip().splitlines()[-1])
    return {"seconds": seconds, "peak_mb": usage.ru_maxrss / 1024, "rows": result["rows"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=10_000_000)
    parser.add_argument("--subjects", type=int, default=1_300_000)
    parser.add_argument("--baseline", type=int, default=10, help="the baseline is this many times smaller")
    parser.add_argument("--keep", action="store_true", help="keep the files under bench-data/")
    args = parser.parse_args()
    DATA.mkdir(parents=True, exist_ok=True)
    rows = []
    try:
        for label, people, subjects in (("baseline", args.people // args.baseline, args.subjects // args.baseline),
                                        ("full", args.people, args.subjects)):
            master = DATA / f"master-{people}.parquet"
            m = run({"what": "master", "size": people, "out": str(master)})
            m["mb_on_disk"] = master.stat().st_size / 1e6
            r = run({"what": "request", "size": subjects, "master": str(master),
                     "out": str(DATA / f"subjects-{subjects}.parquet"), "truth": str(DATA / f"truth-{subjects}.parquet")})
            rows.append((label, "master", people, m))
            rows.append((label, "request", subjects, r))
    finally:
        if not args.keep:
            shutil.rmtree(DATA, ignore_errors=True)

    print(f"{'run':<9} {'what':<8} {'size':>11} {'rows':>11} {'seconds':>8} {'per second':>11} {'peak MB':>8} "
          f"{'file MB':>8}")
    for label, what, size, m in rows:
        print(f"{label:<9} {what:<8} {size:>11,} {int(m['rows']):>11,} {m['seconds']:>8.1f} "
              f"{size / m['seconds']:>11,.0f} {m['peak_mb']:>8.0f} {m.get('mb_on_disk', 0):>8.0f}")
    for what in ("master", "request"):
        base = next(m for label, w, _, m in rows if label == "baseline" and w == what)
        full = next(m for label, w, _, m in rows if label == "full" and w == what)
        print(f"{what}: full/baseline time ratio {full['seconds'] / base['seconds']:.2f} "
              f"for a size ratio of {args.baseline} (linear scaling: about {args.baseline})")


if __name__ == "__main__":
    main()
