"""How fast the law judges a large batch: ``subject_findings`` and ``ftigate check`` on 1.3 million rows.

The reported arrangement's accepted list held about 1.28 million names, so the per-subject rules
must judge that many rows well under a minute (the matcher calls them too). Speeds are reported as
rows per second and as a ratio against a baseline measured in the same run on the same machine:

- ``subject_findings`` against touching the same fields of every row (the least any check must do);
- ``ftigate check`` (reading the CSV, judging every subject, the request rules and the judgement calls)
  against reading the same file with the standard ``csv`` module.

Usage: ``.venv/bin/python benchmarks/law_check.py [ROWS]`` (default 1,300,000). Synthetic data only:
about 5% of rows carry the placeholders of the reported arrangement.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import random
import sys
import tempfile
import time
from pathlib import Path

from ftigate.crypto import new_private_key, public_pem, sha256_file, sign_request
from ftigate.formats import SUBJECT_COLUMNS
from ftigate.law import evaluate, subject_findings
from ftigate.law.registry import Registry
from ftigate.service.requests.intake import read_intake
from ftigate.settings import Thresholds

FIRST = ["Quentin", "Rosalind", "Tobias", "Imogen", "Aurelio", "Beatrix", "Casimir", "Delphine", "Evander", "Fenella"]
LAST = ["Synthetica", "Exemplar", "Placeholder-Smith", "Fictive", "Samplewood", "Mockridge", "Testarossa", "Dummond"]
STREETS = ["Example Road", "Sample Street", "Specimen Ave", "Model Blvd", "Prototype Ln", "Pattern Way"]
PLACES = [("Springfield", "IL", "62701"), ("Shelbyville", "IL", "62565"), ("Fairview", "TN", "37062"),
          ("Riverton", "WY", "82501"), ("Georgetown", "TX", "78626")]
BAD = [("address_line1", "Failed to Provide"), ("address_line1", "Unknown Address"), ("first_name", "FNU"),
       ("address_line1", "Don't Care 12345"), ("last_name", "LNU"), ("date_of_birth", "1985-02-30")]


def synthetic_rows(n: int, seed: int = 7) -> list[dict[str, str]]:
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        city, state, zip_code = rng.choice(PLACES)
        row = {"subject_id": f"S-{i:07d}", "first_name": rng.choice(FIRST), "middle_name": "",
               "last_name": rng.choice(LAST), "suffix": "",
               "date_of_birth": f"{rng.randint(1940, 2004)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
               "address_line1": f"{rng.randint(1, 99999)} {rng.choice(STREETS)}", "address_line2": "",
               "city": city, "state": state, "zip": zip_code, "tin": "", "reason": ""}
        if rng.random() < 0.05:
            field, value = rng.choice(BAD)
            row[field] = value
        rows.append(row)
    return rows


def timed(label: str, func) -> float:
    start = time.perf_counter()
    result = func()
    seconds = time.perf_counter() - start
    print(f"  {label:<44} {seconds:8.2f} s   {result}")
    return seconds


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_300_000
    today = dt.date.today()
    print(f"{n:,} synthetic subjects")
    rows = synthetic_rows(n)

    def touch() -> str:
        total = 0
        for row in rows:
            total += len(row["subject_id"]) + len(row["first_name"]) + len(row["last_name"]) + len(row["address_line1"])
            total += len(row["city"]) + len(row["state"]) + len(row["zip"]) + len(row["date_of_birth"])
        return f"{total} characters"

    def judge_each() -> str:
        return f"{sum(1 for row in rows if subject_findings(row, today)):,} invalid"

    base = timed("baseline: touch the fields of every row", touch)
    rules = timed("subject_findings on every row", judge_each)
    print(f"  subject_findings: {n / rules:,.0f} rows/s, {rules / base:.1f}x the baseline")

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        with (folder / "subjects.csv").open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(SUBJECT_COLUMNS)
            writer.writerows([row[c] for c in SUBJECT_COLUMNS] for row in rows)
        rows = []  # free them before the timed submission
        official, officer = new_private_key("ed25519"), new_private_key("x25519")
        registry = Registry.model_validate({
            "agencies": [{"id": "DHS-ICE", "name": "Synthetic agency", "usual_subjects_per_request": 5000,
                          "safeguards": {"approved_on": str(today - dt.timedelta(days=30)),
                                         "expires_on": str(today + dt.timedelta(days=300))}}],
            "officials": [{"id": "head", "agency": "DHS-ICE", "name": "Synthetic Head", "role": "head",
                           "valid_from": "2025-01-20", "valid_to": None, "public_key": public_pem(official)}],
            "officers": [{"id": "officer", "agency": "DHS-ICE", "name": "Synthetic Officer", "public_key": public_pem(officer)}],
            "statutes": [{"citation": "8 U.S.C. 1253(a)(1)", "title": "t", "criminal": True, "tax_administration": False}],
        })
        request = {"format": "ftigate-request/1", "request_id": "BENCH-1", "agency": "DHS-ICE", "official": "head",
                   "signed_on": str(today), "investigation": {"reference": "R", "statute": "8 U.S.C. 1253(a)(1)",
                                                              "authority": "8 U.S.C. 1357(a)", "kind": "criminal"},
                   "taxable_periods": [today.year - 1], "reason": "A synthetic reason for the benchmark run only.",
                   "information": ["taxpayer_identity"], "recipients": ["officer"], "subjects_file": "subjects.csv",
                   "subjects_sha256": sha256_file(folder / "subjects.csv")}
        request["signature"] = sign_request(request, official)
        (folder / "request.json").write_text(json.dumps(request), encoding="utf-8")

        def read_csv() -> str:
            with (folder / "subjects.csv").open(encoding="utf-8", newline="") as handle:
                return f"{sum(1 for _ in csv.reader(handle)) - 1:,} rows"

        def check() -> str:
            intake = read_intake(folder / "request.json")
            decision = evaluate(intake.request, intake.subjects, registry, intake.context(today, Thresholds()))
            return f"{decision.decision}: {decision.valid:,} valid, {decision.invalid:,} invalid"

        base = timed("baseline: read the CSV with csv.reader", read_csv)
        whole = timed("check: intake + every rule", check)
        print(f"  check: {n / whole:,.0f} rows/s, {whole / base:.1f}x the baseline")


if __name__ == "__main__":
    main()
