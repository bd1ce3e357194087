"""A gateway with a history, for the accounting, report and incident tests (synthetic data only).

Seven requests from two agencies, on known dates of 2025 around the seed's period (March 17 to
April 7), driven through the real service layer with the clock set to each date:

=====  ========  ======================  ==========================================================
 ref    agency    received (UTC)          what happens
=====  ========  ======================  ==========================================================
 R1     DHS-ICE   2025-03-10 15:00        rejected: civil matter (8 U.S.C. 1229a), before the period
 R2     DHS-ICE   2025-03-17 00:00        rejected: a tax statute (26 U.S.C. 7201), first instant
 R3     DOL-OIG   2025-03-20 10:00        approved 03-21, disclosed 03-24 (subjects A)
 R4     DHS-ICE   2025-04-01 09:00        denied by a reviewer 04-02
 R5     DHS-ICE   2025-04-03 12:00        approved 04-04, disclosed 04-05 (subjects A again: the
                                          same taxpayers, so fewer taxpayers than disclosures)
 R6     DHS-ICE   2025-04-07 23:59:59     last instant: approved and disclosed 04-08, after the period
 R7     DHS-ICE   2025-04-08 00:00        rejected, first instant after the period
=====  ========  ======================  ==========================================================

Building it matches identities three times (about half a minute), so it is built once per test
session and each test works on its own copy of the data directory.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from ftigate import generator
from ftigate.crypto import new_private_key, private_pem, public_pem, sha256_file, sign_request
from ftigate.service import store_access
from ftigate.service.admin import registry, staff
from ftigate.service.delivery import safeguard
from ftigate.service.log import events, ledger
from ftigate.service.oversight import accounting, incidents, reports
from ftigate.service.requests import disclose, review, submit
from ftigate.settings import Settings

UTC = dt.UTC
PERIOD = (dt.date(2025, 3, 17), dt.date(2025, 4, 7))
CLOCKED_MODULES = (store_access, submit, review, disclose, safeguard, staff, registry, ledger, accounting,
                   incidents, reports, events)

RECIPIENTS = {"DHS-ICE": ["ice-ero-0001", "ice-ero-0002"], "DOL-OIG": ["oig-agent-0001"]}


@dataclass(frozen=True)
class OversightWorld:
    data_dir: Path
    files: Path
    master: Path
    refs: dict[str, str]            # "R1" -> "DHS-ICE/ICE-2025-000001"
    disclosures: dict[str, int]     # "R3" -> number of disclosures made
    taxpayers_a: int                # distinct taxpayers disclosed about from subjects A (R3 and R5)

    def settings(self, data_dir: Path) -> Settings:
        """A private copy of the gateway for one test."""
        shutil.copytree(self.data_dir, data_dir)
        return Settings(data_dir=data_dir)


@contextmanager
def clock_at(when: dt.datetime) -> Iterator[None]:
    """Every service module sees ``now()`` as ``when`` (the events' dates are what reports count)."""
    with pytest.MonkeyPatch.context() as mp:
        for module in CLOCKED_MODULES:
            if hasattr(module, "now"):
                mp.setattr(module, "now", lambda: when)
        yield


def _registry(files: Path) -> tuple[Path, dict]:
    keys = {"ice-director": new_private_key("ed25519"), "oig-ig": new_private_key("ed25519")}
    officers = {oid: new_private_key("x25519") for ids in RECIPIENTS.values() for oid in ids}
    content = {
        "agencies": [
            {"id": "DHS-ICE", "name": "U.S. Immigration and Customs Enforcement (synthetic)",
             "safeguards": {"approved_on": "2025-01-01", "expires_on": "2027-12-31"}, "usual_subjects_per_request": 5000},
            {"id": "DOL-OIG", "name": "Department of Labor, Office of Inspector General (synthetic)",
             "safeguards": {"approved_on": "2025-01-01", "expires_on": "2027-12-31"}, "usual_subjects_per_request": 500},
        ],
        "officials": [
            {"id": "ice-director", "agency": "DHS-ICE", "name": "Synthetic Director", "role": "head",
             "valid_from": "2025-01-20", "valid_to": None, "public_key": public_pem(keys["ice-director"])},
            {"id": "oig-ig", "agency": "DOL-OIG", "name": "Synthetic Inspector General", "role": "inspector_general",
             "valid_from": "2025-01-01", "valid_to": None, "public_key": public_pem(keys["oig-ig"])},
        ],
        "officers": [{"id": oid, "agency": agency, "name": f"Synthetic Officer {oid}", "public_key": public_pem(officers[oid])}
                     for agency, ids in RECIPIENTS.items() for oid in ids],
        "statutes": [
            {"citation": "8 U.S.C. 1253(a)(1)", "title": "Willful failure to depart", "criminal": True,
             "tax_administration": False},
            {"citation": "18 U.S.C. 1001", "title": "False statements", "criminal": True, "tax_administration": False},
            {"citation": "8 U.S.C. 1229a", "title": "Removal proceedings", "criminal": False, "tax_administration": False},
            {"citation": "26 U.S.C. 7201", "title": "Attempt to evade or defeat tax", "criminal": True,
             "tax_administration": True},
        ],
    }
    path = files / "registry.json"
    path.write_text(json.dumps(content, indent=1), encoding="utf-8")
    for oid, key in officers.items():
        (files / f"{oid}.key").write_text(private_pem(key), encoding="ascii")
    return path, keys


def _request(files: Path, keys: dict, number: int, agency: str, statute: str, subjects_file: str,
             kind: str = "criminal", signed_on: str = "2025-03-01") -> Path:
    official = "ice-director" if agency == "DHS-ICE" else "oig-ig"
    prefix = "ICE" if agency == "DHS-ICE" else "OIG"
    document = {
        "format": "ftigate-request/1", "request_id": f"{prefix}-2025-{number:06d}", "agency": agency,
        "official": official, "signed_on": signed_on,
        "investigation": {"reference": f"CI-2025-{number:04d}", "statute": statute, "authority": "5 U.S.C. 406(a)"
                          if agency == "DOL-OIG" else "8 U.S.C. 1357(a)", "kind": kind},
        "taxable_periods": [2022, 2023, 2024],
        "reason": "Each subject is under criminal investigation; the last known address is relevant to locating "
                  "the subject for the proceeding.",
        "information": ["taxpayer_identity"], "recipients": RECIPIENTS[agency],
        "subjects_file": subjects_file, "subjects_sha256": sha256_file(files / subjects_file),
    }
    document["signature"] = sign_request(document, keys[official])
    path = files / f"request-{number}.json"
    path.write_text(json.dumps(document, indent=1), encoding="utf-8")
    return path


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=UTC)


def build(root: Path) -> OversightWorld:
    files, data = root / "files", root / "data"
    files.mkdir(parents=True)
    master = files / "master.parquet"
    generator.generate_master(master, 400, seed=21)
    generator.generate_request(master, files / "subjects-a.csv", 25, seed=22)
    generator.generate_request(master, files / "subjects-b.csv", 15, seed=23)
    registry_path, keys = _registry(files)
    s = Settings(data_dir=data)
    with clock_at(at("2025-03-01T08:00:00")):
        registry.load_registry_file(s, registry_path)
        staff.add_staff(s, "do-1", "Synthetic Disclosure Officer", "disclosure_officer")
        staff.add_staff(s, "sup-1", "Synthetic Supervisor", "supervisor")
        staff.add_staff(s, "ig-1", "Synthetic Overseer", "overseer")
        staff.add_staff(s, "admin-1", "Synthetic Administrator", "administrator")

    def received(when: str, number: int, agency: str, statute: str, subjects: str = "subjects-a.csv",
                 kind: str = "criminal") -> str:
        with clock_at(at(when)):
            result = submit.submit_request_file(s, _request(files, keys, number, agency, statute, subjects, kind,
                                                            signed_on=when[:10]))
        return result.ref

    def step(when: str, action) -> None:
        with clock_at(at(when)):
            action()

    refs = {
        "R1": received("2025-03-10T15:00:00", 1, "DHS-ICE", "8 U.S.C. 1229a", kind="civil"),
        "R2": received("2025-03-17T00:00:00", 2, "DHS-ICE", "26 U.S.C. 7201"),
        "R3": received("2025-03-20T10:00:00", 3, "DOL-OIG", "18 U.S.C. 1001"),
    }
    step("2025-03-21T09:00:00", lambda: review.review(s, refs["R3"], "do-1", "approve", "Meets 6103(i)(2)."))
    step("2025-03-24T11:00:00", lambda: disclose.disclose(s, refs["R3"], master))
    refs["R4"] = received("2025-04-01T09:00:00", 4, "DHS-ICE", "8 U.S.C. 1253(a)(1)")
    step("2025-04-02T09:00:00", lambda: review.review(s, refs["R4"], "do-1", "deny", "Reason too general."))
    refs["R5"] = received("2025-04-03T12:00:00", 5, "DHS-ICE", "8 U.S.C. 1253(a)(1)")
    step("2025-04-04T09:00:00", lambda: review.review(s, refs["R5"], "do-1", "approve", "Meets 6103(i)(2)."))
    step("2025-04-05T16:00:00", lambda: disclose.disclose(s, refs["R5"], master))
    refs["R6"] = received("2025-04-07T23:59:59", 6, "DHS-ICE", "8 U.S.C. 1253(a)(1)", "subjects-b.csv")
    refs["R7"] = received("2025-04-08T00:00:00", 7, "DHS-ICE", "26 U.S.C. 7201")
    step("2025-04-08T08:00:00", lambda: review.review(s, refs["R6"], "do-1", "approve", "Meets 6103(i)(2)."))
    step("2025-04-08T10:00:00", lambda: disclose.disclose(s, refs["R6"], master))

    from ftigate.service.store_access import transaction
    from ftigate.store import accounting_store

    with transaction(s) as conn:
        rows = list(accounting_store.iter_records(conn))
    counts = {key: sum(r["request_ref"] == ref for r in rows) for key, ref in refs.items()}
    taxpayers_a = len({r["tin"] for r in rows if r["request_ref"] in (refs["R3"], refs["R5"])})
    return OversightWorld(data, files, master, refs, counts, taxpayers_a)


_BUILT: dict[str, OversightWorld] = {}


def oversight_world(tmp_path_factory: pytest.TempPathFactory) -> OversightWorld:
    """The world, built on first use in this test session (the service and the CLI tests share it)."""
    if "world" not in _BUILT:
        _BUILT["world"] = build(tmp_path_factory.mktemp("oversight-world"))
    return _BUILT["world"]


@pytest.fixture(scope="session")
def history(tmp_path_factory: pytest.TempPathFactory) -> OversightWorld:
    return oversight_world(tmp_path_factory)


@pytest.fixture
def gateway(history: OversightWorld, data_dir: Path) -> Settings:
    """The test's own copy of the gateway, in the data directory the ``cli`` fixture runs on."""
    return history.settings(data_dir)
