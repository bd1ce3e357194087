"""Do a request's decisions depend on what the gateway matched before? And what does training cost?

Two gateways share one master file and receive the same two requests in opposite orders: the first
matches A then B, the second B then A, each with a fresh matching folder (``DATA_DIR/match``, where
the trained model is cached), as two installations would. A gateway whose model depends on the
first request it saw decides the same request differently on the two; one trained from the master
file alone decides alike. The figures are the matches of each request on each gateway, whether
every decision (outcome and TIN; probability, to the last bit) is the same, and the time spent training on the first
request of each gateway (the cache serves the second).

Usage (from the repository root)::

    .venv/bin/python benchmarks/history.py [--people 100000] [--subjects 10000] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

from ftigate.generator import generate_master, generate_request
from ftigate.identity import resolve


def run(master: Path, subjects: Path, work: Path) -> tuple[dict[str, tuple[str, str | None, float | None]], float]:
    """Every decision of one request, by subject, and the seconds spent training (0 if cached)."""
    marks: dict[str, float] = {}

    def progress(stage: str, fraction: float, total: float) -> None:
        if stage == "training":
            marks.setdefault("start" if fraction == 0.0 else "end", time.perf_counter())
            if fraction == 1.0:
                marks["end"] = time.perf_counter()

    decisions = {r.subject_id: (r.outcome, r.tin, r.match_probability)
                 for r in resolve(master, subjects, work_dir=work, progress=progress)}
    return decisions, marks.get("end", 0.0) - marks.get("start", 0.0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--subjects", type=int, default=10_000)
    parser.add_argument("--data", type=Path, default=Path("bench-data"))
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    args.data.mkdir(exist_ok=True)
    master = args.data / f"master-{args.people}-1.parquet"
    if not master.exists():
        generate_master(master, args.people, seed=1)
    requests = {}
    for name, seed in (("A", 11), ("B", 12)):
        requests[name] = args.data / f"request-{name}-{args.subjects}-{seed}-{args.people}.csv"
        if not requests[name].exists():
            generate_request(master, requests[name], args.subjects, seed=seed)

    figures: dict[str, object] = {"people": args.people, "subjects": args.subjects}
    with tempfile.TemporaryDirectory(prefix="ftigate-history-") as tmp:
        got: dict[str, dict[str, dict]] = {}
        for gateway, order in (("1", "AB"), ("2", "BA")):
            work = Path(tmp) / f"gateway-{gateway}"
            for position, name in enumerate(order):
                decisions, trained = run(master, requests[name], work)
                got.setdefault(name, {})[gateway] = decisions
                if position == 0:
                    figures[f"gateway {gateway} training s"] = round(trained, 2)
        for name in "AB":
            one, two = got[name]["1"], got[name]["2"]
            figures[f"request {name} matches"] = {g: sum(d[0] == "match" for d in got[name][g].values()) for g in "12"}
            figures[f"request {name} outcomes or TINs differing"] = sum(one[s][:2] != two[s][:2] for s in one)
            figures[f"request {name} probabilities differing"] = sum(one[s][2] != two[s][2] for s in one)
    print(json.dumps(figures, indent=1))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1))


if __name__ == "__main__":
    sys.exit(main())
