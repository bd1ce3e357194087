"""The bare matcher (``identity.resolve``) timed stage by stage, its decisions written out whole.

Where a matching job spends its time and memory, and whether a change to the engine left every
decision as it was: each stage's wall time as ``resolve`` reports it, the process's peak RSS, and
(with ``--out``) every result (outcome, TIN, probability and the evidence) as one JSON line per
subject, sorted by subject, so two runs compare with ``cmp``. ``--truth`` counts the false matches
(a match whose TIN is not the truth's, or where the truth expects no match). ``--before SRC`` first
runs the same measurement, in a child process, on an earlier version's sources (a ``src`` folder,
for example from ``git archive``) and then compares: wall time and peak memory of both, and how
many subjects were decided otherwise (it should be none when only speed changed).

    .venv/bin/python benchmarks/match_stages.py MASTER SUBJECTS [--out FILE] [--truth truth.csv] [--profile FILE]
        [--before SRC]
"""

from __future__ import annotations

import argparse
import cProfile
import csv
import json
import os
import pstats
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from ftigate import identity


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("master", type=Path)
    parser.add_argument("subjects", type=Path)
    parser.add_argument("--out", type=Path, help="write every result as sorted JSON lines here")
    parser.add_argument("--truth", type=Path, help="count false matches against this truth file")
    parser.add_argument("--profile", type=Path, help="profile the run (cProfile) into this file; print the top")
    parser.add_argument("--work", type=Path, help="work folder (default: a fresh temporary one, so it trains)")
    parser.add_argument("--before", type=Path, help="an earlier version's src folder: measured first, decisions compared")
    args = parser.parse_args()
    if args.before:
        compare_with_before(args)
        return

    stages: dict[str, float] = {}
    current: list[object] = [None, time.perf_counter()]

    def progress(stage: str, fraction: float, total: float) -> None:
        now = time.perf_counter()
        if stage != current[0]:
            if current[0] is not None:
                stages[str(current[0])] = stages.get(str(current[0]), 0.0) + now - float(current[1])  # type: ignore[arg-type]
            current[0], current[1] = stage, now

    profiler = cProfile.Profile() if args.profile else None
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(dir=args.work) as work:
        if profiler:
            profiler.enable()
        results = list(identity.resolve(args.master, args.subjects, work_dir=Path(work), progress=progress))
        if profiler:
            profiler.disable()
    wall = time.perf_counter() - started
    if current[0] is not None:
        stages[str(current[0])] = stages.get(str(current[0]), 0.0) + time.perf_counter() - float(current[1])  # type: ignore[arg-type]
    usage = resource.getrusage(resource.RUSAGE_SELF)
    peak = usage.ru_maxrss / 1024 / 1024
    # CPU time (user and system, every thread): steadier than wall time on a machine shared with other work
    children = resource.getrusage(resource.RUSAGE_CHILDREN)  # the matcher's own processes (the subjects read apart)
    print(f"wall {wall:.1f} s, CPU {usage.ru_utime + usage.ru_stime:.1f} s (+ {children.ru_utime + children.ru_stime:.1f} s "
          f"in child processes, peak RSS {children.ru_maxrss / 1024 / 1024:.2f} GiB), peak RSS {peak:.2f} GiB, {len(results)} results")
    for stage, seconds in stages.items():
        print(f"  {stage:<22} {seconds:8.1f} s")
    outcomes: dict[str, int] = {}
    for r in results:
        outcomes[r.outcome] = outcomes.get(r.outcome, 0) + 1
    print("  outcomes", dict(sorted(outcomes.items())))
    if args.out:
        lines = sorted(json.dumps({"subject_id": r.subject_id, "outcome": r.outcome, "tin": r.tin,
                                   "p": r.match_probability, "evidence": r.evidence}, sort_keys=True, default=str)
                       for r in results)
        args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    if args.truth:
        with args.truth.open(encoding="utf-8", newline="") as handle:
            truth = {row["subject_id"]: row for row in csv.DictReader(handle)}
        false = sum(1 for r in results if r.outcome == "match" and (
            not truth.get(r.subject_id, {}).get("true_tin") or truth[r.subject_id]["true_tin"] != r.tin
            or truth[r.subject_id]["expected_outcome"] != "match"))
        print(f"  false matches: {false} of {outcomes.get('match', 0)}")
    if profiler and args.profile:
        profiler.dump_stats(str(args.profile))
        pstats.Stats(str(args.profile)).sort_stats("cumulative").print_stats(40)


def compare_with_before(args: argparse.Namespace) -> None:
    """Both versions on the same files, one after the other, each in a child process of its own."""
    with tempfile.TemporaryDirectory(dir=args.work) as scratch:
        outs = {}
        for label, src in (("before", args.before.resolve()), ("after", Path(__file__).resolve().parents[1] / "src")):
            outs[label] = Path(scratch) / f"{label}.jsonl"
            command = [sys.executable, str(Path(__file__).resolve()), str(args.master), str(args.subjects),
                       "--out", str(outs[label])]
            for flag, value in (("--truth", args.truth), ("--work", args.work)):
                if value:
                    command += [flag, str(value)]
            print(f"--- {label} ({src})", flush=True)
            subprocess.run(command, check=True, env={**os.environ, "PYTHONPATH": str(src)})
        with outs["before"].open(encoding="utf-8") as before, outs["after"].open(encoding="utf-8") as after:
            differ = sum(1 for b, a in zip(before, after, strict=True) if a != b)
        print(f"--- subjects decided otherwise (outcome, TIN, probability or evidence): {differ}")
        if args.out:
            outs["after"].replace(args.out)


if __name__ == "__main__":
    main()
