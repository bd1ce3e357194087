"""How the model's m constants (``ftigate.identity.training.M_PROBABILITIES``) were made.

m is how often each agreement level occurs between a request and the right taxpayer's records. The
master file cannot show it (a taxpayer's records do not garble each other), so it is measured once,
here, on requests whose true taxpayers are known: the project's synthetic requests (which garble
names: nicknames, swaps, typos) and FEBRL4's (which garble everything: birth dates, house numbers,
streets), as ``accuracy.py`` maps them. Every pair of a subject and a record of
its true taxpayer is compared, and each level's share of those pairs is its m. A level no true pair
showed is given 1 / (true pairs): seen less than once in that many. The figures are printed as the
Python table to paste into ``training.py``; changing them changes the matcher's version.

Usage (from the repository root)::

    .venv/bin/python benchmarks/calibrate.py [--people 100000] [--subjects 10000] [--seeds 11 12] [--no-febrl]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from febrl import write_febrl4
from ftigate.generator import generate_master, generate_request
from ftigate.identity import engine as job
from ftigate.identity.model import comparison_levels, settings_dict
from ftigate.identity.training import prior, quiet_splink
from ftigate.tabular import read_rows


def level_counts(master: Path, subjects: Path, true_tin: dict[str, str]) -> dict[str, list[int]]:
    """Per comparison and level (null levels excluded), how many (subject, true taxpayer's record) pairs."""
    from splink import DuckDBAPI, Linker

    quiet_splink()
    with job.work_database(None) as (con, _):
        job.prepare_subjects(con, subjects, lambda *_: None)
        records = job.prepare_master(con, master)
        con.execute("CREATE TABLE truth (subject_id VARCHAR, label VARCHAR)")
        con.executemany("INSERT INTO truth VALUES (?, ?)", list(true_tin.items()))
        con.execute("CREATE TABLE s_lab AS SELECT s.*, t.label FROM s_norm AS s JOIN truth AS t USING (subject_id)")
        con.execute("CREATE TABLE m_lab AS SELECT *, master_tin AS label FROM m_norm")
        settings = settings_dict("duckdb", prior(records))
        # only true pairs are compared: a subject and each record of its true taxpayer
        settings["blocking_rules_to_generate_predictions"] = [{"blocking_rule": "l.label = r.label",
                                                               "sql_dialect": "duckdb"}]
        linker = Linker(["s_lab", "m_lab"], settings, DuckDBAPI(connection=con),
                        input_table_aliases=["subjects", "master"], set_up_basic_logging=False)
        pairs = linker.inference.predict()
        counts: dict[str, list[int]] = {}
        for name, levels in comparison_levels().items():
            n = len(levels) - 1
            rows = dict(con.execute(f"SELECT gamma_{name}, count(*) FROM {pairs.physical_name} "  # nosec B608
                                    "GROUP BY 1").fetchall())
            counts[name] = [int(rows.get(n - 1 - i, 0)) for i in range(n)]
    return counts


def add(total: dict[str, list[int]], counts: dict[str, list[int]]) -> None:
    for name, values in counts.items():
        total[name] = [a + b for a, b in zip(total.get(name, [0] * len(values)), values, strict=True)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--subjects", type=int, default=10_000)
    parser.add_argument("--seeds", type=int, nargs="+", default=[11, 12])
    parser.add_argument("--data", type=Path, default=Path("bench-data"))
    parser.add_argument("--no-febrl", dest="febrl", action="store_false", help="the synthetic requests only")
    args = parser.parse_args()
    args.data.mkdir(exist_ok=True)
    master = args.data / f"master-{args.people}-1.parquet"
    if not master.exists():
        generate_master(master, args.people, seed=1)
    total: dict[str, list[int]] = {}
    for seed in args.seeds:
        subjects = args.data / f"calibration-{args.subjects}-{seed}-{args.people}.csv"
        truth = subjects.with_suffix(".truth.csv")
        if not truth.exists():
            generate_request(master, subjects, args.subjects, seed=seed, truth=truth)
        truths = {r["subject_id"]: r["true_tin"] for r in read_rows(truth, ("subject_id", "true_tin")) if r["true_tin"]}
        add(total, level_counts(master, subjects, truths))
    if args.febrl:
        febrl_master, febrl_subjects, febrl_truth = write_febrl4(args.data / "febrl4")
        add(total, level_counts(febrl_master, febrl_subjects, febrl_truth))
    print("M_PROBABILITIES: dict[str, dict[str, float | None]] = {")
    for name, levels in comparison_levels().items():
        counted = total[name]
        n = sum(counted)
        shares = [(c if c else 1) / n for c in counted] if n else [None] * len(counted)
        labels = [label for label, _ in levels[1:]]
        body = ", ".join(f'"{label}": {float(f"{p:.3g}")!r}' if p is not None else f'"{label}": None'
                         for label, p in zip(labels, shares, strict=True))
        print(f'    "{name}": {{{body}}},  # {n:,} true pairs compared')
    print("}")


if __name__ == "__main__":
    sys.exit(main())
