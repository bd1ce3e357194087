"""The end-to-end demonstration: every step of the flow, on synthetic data, on the embedded default.

A fresh data directory gets a synthetic master file, a demo registry (an agency with current
safeguards, its head, two recipient officers, the statutes), a disclosure officer and a supervisor.
Each run then draws a new batch of subjects, signs and submits it as a new request, records a
scripted review (two approvals: the batch is above the dual-control threshold), matches, discloses,
delivers, and compares the outcomes with the generator's truth. Running it twice reuses the master
file, keys and registry and adds a second request, so it is safe to repeat.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ftigate import generator
from ftigate.crypto import load_private_key, new_private_key, private_pem, public_pem
from ftigate.errors import NotFoundError
from ftigate.formats import REQUEST_FORMAT
from ftigate.present import report_html
from ftigate.service.admin import registry as registry_service
from ftigate.service.admin import staff as staff_service
from ftigate.service.oversight import reports
from ftigate.service.requests import review as review_service
from ftigate.service.requests.disclose import disclose
from ftigate.service.requests.signing import sign_request_file
from ftigate.service.requests.submit import submit_request_file
from ftigate.service.store_access import now, transaction
from ftigate.settings import Settings
from ftigate.store import requests_store
from ftigate.tabular import create_file_once, read_rows

Step = Callable[[str], None]
OFFICERS = ("demo-ero-0001", "demo-ero-0002", "demo-ero-0003", "demo-ero-0004", "demo-ero-0005",
            "demo-ero-0006", "demo-ero-0007", "demo-ero-0008", "demo-ero-0009", "demo-ero-0010")


@dataclass
class DemoResult:
    ref: str
    state: str
    outcomes: dict[str, int]
    disclosures: int
    false_disclosures: int
    expected_vs_actual: dict[str, dict[str, int]]
    timings: dict[str, float] = field(default_factory=dict)
    report: Path | None = None
    package: Path | None = None
    problems: list[str] = field(default_factory=list)
    oversight: Path | None = None  # the period report an inspector general would read (HTML)


def _key(path: Path, kind: str):
    if not path.exists():
        create_file_once(path, private_pem(new_private_key(kind)))  # type: ignore[arg-type]
    return load_private_key(path.read_bytes(), kind, source=str(path))  # type: ignore[arg-type]


def _registry(demo: Path, today: dt.date) -> Path:
    keys = demo / "keys"
    official = _key(keys / "demo-director.key", "ed25519")
    officers = {oid: _key(keys / f"{oid}.key", "x25519") for oid in OFFICERS}
    registry = {
        "agencies": [{"id": "DEMO-ENF", "name": "Demonstration Enforcement Agency (synthetic)",
                      "safeguards": {"approved_on": "2025-01-01", "expires_on": f"{today.year + 1}-12-31"},
                      "usual_subjects_per_request": 5000}],
        "officials": [{"id": "demo-director", "agency": "DEMO-ENF", "name": "Demo Director (synthetic)",
                       "role": "head", "valid_from": "2025-01-01", "valid_to": None,
                       "public_key": public_pem(official)}],
        "officers": [{"id": oid, "agency": "DEMO-ENF", "name": f"Demo Officer {oid[-2:]} (synthetic)",
                      "public_key": public_pem(k)} for oid, k in officers.items()],
        "statutes": [
            {"citation": "8 U.S.C. 1253(a)(1)", "title": "Willful failure to depart", "criminal": True,
             "tax_administration": False},
            {"citation": "8 U.S.C. 1229a", "title": "Removal proceedings (civil)", "criminal": False,
             "tax_administration": False},
            {"citation": "26 U.S.C. 7201", "title": "Attempt to evade or defeat tax", "criminal": True,
             "tax_administration": True},
        ],
    }
    path = demo / "registry.json"
    text = json.dumps(registry, indent=1)
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")
    return path


def run_demo(settings: Settings, *, people: int = 100_000, subjects: int = 10_000, seed: int = 2025,
             step: Step | None = None) -> DemoResult:
    say = step or (lambda _msg: None)
    timings: dict[str, float] = {}
    demo = settings.data_dir / "demo"
    demo.mkdir(mode=0o700, parents=True, exist_ok=True)
    today = now().date()

    t = time.perf_counter()
    master = demo / f"master-{people}-{seed}.parquet"
    if not master.exists():
        say(f"generating a synthetic master file of {people:,} people")
        generator.generate_master(master, people, seed=seed)
    timings["master file"] = time.perf_counter() - t

    t = time.perf_counter()
    say("loading the demo registry and staff")
    registry_service.load_registry_file(settings, _registry(demo, today))
    staff_service.add_staff(settings, "demo-disclosure-officer", "Demo Disclosure Officer (synthetic)",
                            "disclosure_officer")
    staff_service.add_staff(settings, "demo-supervisor", "Demo Supervisor (synthetic)", "supervisor")
    timings["registry"] = time.perf_counter() - t

    t = time.perf_counter()
    with transaction(settings) as conn:
        run = requests_store.count_requests(conn) + 1
    request_id = f"DEMO-{today:%Y}-{run:06d}"
    folder = demo / request_id
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    subjects_file = folder / "subjects.csv"
    truth_file = folder / "truth.csv"
    say(f"drawing {subjects:,} subjects for request {request_id}")
    generator.generate_request(master, subjects_file, subjects, seed=seed + run, truth=truth_file)
    request = {
        "format": REQUEST_FORMAT, "request_id": request_id, "agency": "DEMO-ENF", "official": "demo-director",
        "signed_on": today.isoformat(),
        "investigation": {"reference": f"DEMO-CI-{run:04d}", "statute": "8 U.S.C. 1253(a)(1)",
                          "authority": "8 U.S.C. 1357(a)", "kind": "criminal"},
        "taxable_periods": [today.year - 3, today.year - 2, today.year - 1],
        "reason": "Each subject is under criminal investigation for willful failure to depart after a final "
                  "order of removal; the last known address is relevant to locating the subject for the "
                  "proceeding.",
        "information": ["taxpayer_identity"],
        "recipients": list(OFFICERS),
        "subjects_file": subjects_file.name,
    }
    request_path = folder / "request.json"
    request_path.write_text(json.dumps(request, indent=1), encoding="utf-8")
    sign_request_file(request_path, demo / "keys" / "demo-director.key")
    timings["request drawn and signed"] = time.perf_counter() - t

    t = time.perf_counter()
    say("submitting: intake and the law's rules")
    submitted = submit_request_file(settings, request_path)
    timings["submit and validate"] = time.perf_counter() - t
    ref = submitted.ref
    if submitted.state == "rejected":
        failed = [f"{f.rule} ({f.citation}): {f.message}" for f in submitted.decision.findings if f.outcome == "fail"]
        return DemoResult(ref, submitted.state, {}, 0, 0, {}, timings, problems=failed)

    t = time.perf_counter()
    say("scripted review: a disclosure officer approves, a supervisor gives the second approval")
    reason = ("Request sets forth every element of 6103(i)(2)(B); statute is a designated federal criminal "
              "statute not involving tax administration; flags reviewed (demo).")
    outcome = review_service.review(settings, ref, "demo-disclosure-officer", "approve", reason)
    if outcome.state != "approved":
        review_service.review(settings, ref, "demo-supervisor", "approve", reason)
    timings["review"] = time.perf_counter() - t

    t = time.perf_counter()
    say("resolving identity, disclosing the minimum, sealing the package")
    summary = disclose(settings, ref, master)
    timings["match, disclose, deliver"] = time.perf_counter() - t

    truth = {r["subject_id"]: r for r in read_rows(truth_file, ("subject_id", "true_tin", "expected_outcome"))}
    with transaction(settings) as conn:
        row = requests_store.find_request(conn, "DEMO-ENF", request_id)
        if row is None:
            raise NotFoundError(f"the demo's request DEMO-ENF/{request_id} is not in the store")
        got = {s["subject_id"]: (s["outcome"], s["matched_tin"]) for s in requests_store.iter_subjects(conn, row["id"])}
    false_disclosures = 0
    table: dict[str, Counter] = {}
    for sid, (outcome_, tin) in got.items():
        expected = truth.get(sid, {}).get("expected_outcome", "?")
        table.setdefault(expected, Counter())[outcome_ or "pending"] += 1
        if outcome_ == "match" and tin != truth.get(sid, {}).get("true_tin"):
            false_disclosures += 1
    t = time.perf_counter()
    say("signing a tree head and writing the overseers' report for today")
    period = reports.period_report(settings, today, today)
    oversight = settings.reports_dir / f"report-{today.isoformat()}.html"
    report_html.write_page(report_html.period_html(period), oversight)
    timings["oversight report"] = time.perf_counter() - t
    report = _write_report(settings, ref, summary.outcomes, table, false_disclosures, timings, oversight)
    return DemoResult(ref, summary.state, summary.outcomes, summary.disclosures, false_disclosures,
                      {k: dict(v) for k, v in table.items()}, timings, report, summary.package_path,
                      oversight=oversight)


def _write_report(settings: Settings, ref: str, outcomes, table, false_disclosures: int, timings,
                  oversight: Path) -> Path:
    out = settings.reports_dir
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"demo-{ref.replace('/', '_')}.md"
    lines = [f"# Demo run: {ref}", "", "## Outcomes", "", "| outcome | subjects |", "|---|---:|"]
    lines += [f"| {k} | {v:,} |" for k, v in sorted(outcomes.items())]
    lines += ["", f"False disclosures against the generator's truth: **{false_disclosures}**", "",
              "## Expected (truth) against actual", "", "| expected | actual | subjects |", "|---|---|---:|"]
    for expected, counts in sorted(table.items()):
        for actual, n in sorted(counts.items()):
            lines.append(f"| {expected} | {actual} | {n:,} |")
    lines += ["", "## Time", "", "| step | seconds |", "|---|---:|"]
    lines += [f"| {k} | {v:.1f} |" for k, v in timings.items()]
    lines += ["", f"The overseers' report for the day, computed from a signed tree head: {oversight.name}"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
