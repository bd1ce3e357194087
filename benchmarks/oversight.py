"""Oversight at the scale of the reported arrangement: reports, the accounting, commitments, incidents.

A gateway holding 1.3 million disclosures (in requests of 47,289, the number disclosed on
Aug 7, 2025), each with its accounting record, under one ``disclosures.made`` ledger entry per batch of 5,000
(as the gateway writes them), is asked:

- the period report and the annual report (each signs a checkpoint, then counts in the database),
  against the floor of a bare ``SELECT count(*), count(DISTINCT tin)`` over the accounting;
- the accounting export to CSV, against the floor of writing the same rows with the ``csv`` module
  straight from one ``SELECT``;
- opening one commitment (found by the commitment alone, one index seek per batch), against one
  primary-key lookup;
- recording an incident over one whole request (47,289 accounting records marked, one ledger entry
  each), reporting it, and producing the taxpayer notices, against the rate at which the same
  gateway recorded the disclosures themselves while it was being built.

Speeds are reported beside their floor, as a ratio, measured in the same run on the same machine.

Usage: ``.venv/bin/python benchmarks/oversight.py [DISCLOSURES]`` (default 1,300,000; building the
gateway takes a few minutes at that size). Synthetic data only.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import func, select, text

import proven_people
from ftigate.identity import IdentityRecord
from ftigate.ledger import catalogue
from ftigate.service.log.events import Event, record
from ftigate.service.oversight import accounting, incidents, reports
from ftigate.service.requests.decision_batches import disclosure_rows
from ftigate.service.requests.disclose import BATCH, _record_disclosures
from ftigate.service.store_access import transaction
from ftigate.settings import Settings
from ftigate.store import accounting_store
from ftigate.store.tables import accounting as accounting_table
from ftigate.store.tables import requests, subjects

PER_REQUEST = 47_289
UTC = dt.UTC
RECIPIENTS = ["ice-ero-0001", "ice-ero-0002"]
#: every taxpayer's disclosed identity, alike: name, address and tax period (all synthetic)
IDENTITY = ("Quentin", "", "Synthetica", "", "12 Example Road", "", "Springfield", "IL", "62701", "2024")


def _request_row(number: int, at: dt.datetime, size: int) -> dict:
    return {"agency": "DHS-ICE", "request_id": f"ICE-2025-{number:06d}", "official": "ice-director",
            "signed_on": at.date().isoformat(), "statute": "8 U.S.C. 1253(a)(1)", "state": "delivered",
            "decision": "review", "policy_version": "benchmark", "registry_version": 1, "document": {},
            "document_sha256": f"{number:064x}", "subjects_total": size, "subjects_valid": size,
            "subjects_invalid": 0, "received_at": at, "updated_at": at}


#: the benchmark's proven actors, by staff id
PEOPLE: dict = {}


def build(settings: Settings, total: int, rng: random.Random) -> float:
    """Fill the store as the gateway does (its own batch writer: disclosures, accounting records and one
    ``disclosures.made`` entry per batch of 5,000); returns the rate (disclosures per second) at which
    that writer recorded them."""
    admin = proven_people.administrator(settings)
    PEOPLE["do-1"] = proven_people.person(settings, admin, "do-1", "Benchmark Disclosure Officer (synthetic)",
                                          "disclosure_officer")
    PEOPLE["ig-1"] = proven_people.person(settings, admin, "ig-1", "Benchmark Overseer (synthetic)", "overseer")
    pool = max(1, int(total * 0.9))                       # some taxpayers are asked about twice
    event_seconds, events_appended, made = 0.0, 0, 0
    number = 0
    while made < total:
        number += 1
        size = min(PER_REQUEST, total - made)
        received = dt.datetime(2025, 6, 27, tzinfo=UTC) + dt.timedelta(hours=6 * number)
        disclosed = received + dt.timedelta(days=2)
        ref = f"DHS-ICE/ICE-2025-{number:06d}"
        with transaction(settings) as conn:
            pk = conn.execute(requests.insert().values(**_request_row(number, received, size))
                              .returning(requests.c.id)).scalar_one()
            record(conn, settings, [Event(catalogue.RequestReceived(
                document_sha256=f"{number:064x}", subjects=size, agency="DHS-ICE", statute="8 U.S.C. 1253(a)(1)",
                policy_version="benchmark", registry_version=1), "ice-director", pk, ref)], received)
            row = conn.execute(select(requests).where(requests.c.id == pk)).mappings().one()
        for start in range(0, size, BATCH):
            n = min(BATCH, size - start)
            with transaction(settings) as conn:
                first_subject = conn.execute(select(func.coalesce(func.max(subjects.c.id), 0))).scalar_one() + 1
                conn.execute(subjects.insert(), [
                    {"id": first_subject + i, "request": pk, "row_number": start + i + 1, "subject_id": f"S-{start + i:07d}",
                     "first_name": "Quentin", "middle_name": "", "last_name": "Synthetica", "suffix": "",
                     "date_of_birth": "", "address_line1": "12 Example Road", "address_line2": "", "city": "Springfield",
                     "state": "IL", "zip": "62701", "tin": "", "reason": "", "valid": True, "outcome": "match"}
                    for i in range(n)])
                tins = [f"{900_000_000 + rng.randrange(pool):09d}" for _ in range(n)]
                items = disclosure_rows([(first_subject + i, tin, IdentityRecord(tin, *IDENTITY))
                                          for i, tin in enumerate(tins)])
                t = time.perf_counter()
                _record_disclosures(conn, settings, row, items, RECIPIENTS, {"authority": "8 U.S.C. 1357(a)"}, disclosed)
                event_seconds += time.perf_counter() - t
                events_appended += n
            made += n
        print(f"  built {made:,} of {total:,} disclosures", file=sys.stderr)
    return events_appended / event_seconds


def timed(func):
    start = time.perf_counter()
    value = func()
    return time.perf_counter() - start, value


def main(total: int) -> None:
    rng = random.Random(2025)
    root = Path(tempfile.mkdtemp(prefix="ftigate-oversight-bench-"))
    settings = Settings(data_dir=root / "data")
    print(f"building a gateway with {total:,} disclosures in {root} ...", file=sys.stderr)
    build_seconds, append_rate = timed(lambda: build(settings, total, rng))
    first, last = dt.date(2025, 1, 1), dt.date(2025, 12, 31)

    def floor_count():
        with transaction(settings) as conn:
            return conn.execute(text("SELECT count(*), count(DISTINCT tin) FROM accounting")).one()

    def floor_csv():
        with transaction(settings) as conn, (root / "floor.csv").open("w", newline="") as handle:
            writer = csv.writer(handle)
            for row in conn.execute(select(accounting_table)).yield_per(10_000):
                writer.writerow(row)

    def floor_lookup():
        with transaction(settings) as conn:
            return conn.execute(select(accounting_table).where(accounting_table.c.id == total // 2)).one()

    count_s, _ = timed(floor_count)
    period_s, period = timed(lambda: reports.period_report(settings, first, last))
    annual_s, annual = timed(lambda: reports.annual_report(settings, 2025))
    assert period.disclosures == annual.disclosures == total, (period.disclosures, total)
    csv_floor_s, _ = timed(floor_csv)
    export_s, exported = timed(lambda: accounting.export_accounting(settings, root / "accounting.csv"))
    lookup_s, row = timed(floor_lookup)
    open_commit_s, opened = timed(lambda: accounting.open_commitment(settings, row.commitment, PEOPLE["ig-1"]))
    assert opened.ok
    with transaction(settings) as conn:
        entries = len(accounting_store.ledger_entries(conn))
    ref = "DHS-ICE/ICE-2025-000001"
    record_s, view = timed(lambda: incidents.record_incident(settings, kind="unauthorized", by=PEOPLE["do-1"],
                                                             description="benchmark", requests=[ref]))
    report_s, _ = timed(lambda: incidents.report_incident(settings, view.id, PEOPLE["do-1"]))
    notice_s, notices = timed(lambda: incidents.notify_taxpayers(settings, view.id, PEOPLE["do-1"], "26 U.S.C. 7213(a)(1)",
                                                                 dt.date(2025, 9, 1)))

    lines = [
        f"disclosures: {total:,} (requests of {PER_REQUEST:,}); taxpayers: {period.taxpayers:,}; "
        f"built in {build_seconds:.0f} s; disclosures recorded at {append_rate:,.0f}/s",
        "",
        "| what | seconds | floor | floor seconds | ratio |",
        "|---|---:|---|---:|---:|",
        f"| period report (sign checkpoint, count) | {period_s:.2f} | count(*), count(DISTINCT tin) | {count_s:.2f} | {period_s / count_s:.1f} |",
        f"| annual report (6103(p)(3)(C)) | {annual_s:.2f} | count(*), count(DISTINCT tin) | {count_s:.2f} | {annual_s / count_s:.1f} |",
        f"| accounting export, {exported:,} rows ({exported / export_s:,.0f} rows/s) | {export_s:.2f} | SELECT * to csv | {csv_floor_s:.2f} | {export_s / csv_floor_s:.1f} |",
        f"| open a commitment by commitment ({entries:,} batches' entries sought) | {open_commit_s * 1000:.0f} ms | primary-key lookup | {lookup_s * 1000:.1f} ms | {open_commit_s / lookup_s:.0f} |",
        f"| record an incident over {view.records:,} disclosures ({view.records / record_s:,.0f} marks/s) | {record_s:.2f} | recording as many disclosures | {view.records / append_rate:.2f} | {record_s * append_rate / view.records:.1f} |",
        f"| report that incident (24-hour clock, every record listed) | {report_s:.2f} | | | |",
        f"| {notices.notices:,} taxpayer notices (7431(e)) | {notice_s:.2f} | | | |",
    ]
    print("\n".join(lines))


if __name__ == "__main__":
    main(int(sys.argv[1].replace(",", "").replace("_", "")) if len(sys.argv) > 1 else 1_300_000)
