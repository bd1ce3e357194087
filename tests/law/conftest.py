"""Builders for the law's tests: a registry, signed requests, subjects, and a judge.

Everything is synthetic. Keys are made once per test session (Ed25519 signing keys for officials,
X25519 delivery keys for officers), so each test can build real, verifiable signed requests.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from ftigate.crypto import new_private_key, public_pem, sign_request
from ftigate.formats import SUBJECT_FIELDS
from ftigate.law import Context, Decision, evaluate
from ftigate.law.registry import Registry
from ftigate.settings import Thresholds

FIRST = ["Maria", "James", "Wei", "Aisha", "Carlos", "Olga", "Tomas", "Priya", "Samuel", "Hana", "Diego", "Fatima"]
LAST = ["Quintero", "Okafor", "Lindqvist", "Haddad", "Nakamura", "Brennan", "Moreau", "Castellanos", "Ivanova"]
STREETS = ["Larkspur Ave", "Cedar Hollow Rd", "W Alvarado St", "Pinecrest Dr", "N Mesa Blvd", "Harbor View Ln"]
PLACES = [("Tucson", "AZ", "85705"), ("El Paso", "TX", "79912"), ("Fresno", "CA", "93722"), ("Yakima", "WA", "98902")]


class Kit:
    """Makes the registry, requests and subjects of a test, and judges them."""

    today = dt.date(2026, 11, 29)

    def __init__(self) -> None:
        self.keys = {name: new_private_key("ed25519") for name in
                     ("ice-director", "ice-ig", "ice-staff", "ice-former", "fbi-director", "other")}
        self.officer_keys = {name: new_private_key("x25519") for name in ("ice-ero-0001", "ice-ero-0002", "fbi-sa-0001")}

    # --- registry -------------------------------------------------------------------------------------
    def registry_data(self) -> dict[str, Any]:
        def official(oid: str, agency: str, role: str, valid_from: str = "2025-01-20", valid_to: str | None = None):
            return {"id": oid, "agency": agency, "name": f"Official {oid}", "role": role, "valid_from": valid_from,
                    "valid_to": valid_to, "public_key": public_pem(self.keys[oid])}

        def officer(oid: str, agency: str):
            return {"id": oid, "agency": agency, "name": f"Officer {oid}", "public_key": public_pem(self.officer_keys[oid])}

        return {
            "agencies": [
                {"id": "DHS-ICE", "name": "U.S. Immigration and Customs Enforcement",
                 "safeguards": {"approved_on": "2025-01-01", "expires_on": "2027-01-14"}, "usual_subjects_per_request": 50},
                {"id": "DOJ-FBI", "name": "Federal Bureau of Investigation",
                 "safeguards": {"approved_on": "2026-03-01", "expires_on": "2027-02-28"}},
            ],
            "officials": [
                official("ice-director", "DHS-ICE", "head"),
                official("ice-ig", "DHS-ICE", "inspector_general"),
                official("ice-staff", "DHS-ICE", "staff"),
                official("ice-former", "DHS-ICE", "head", "2021-01-20", "2025-01-19"),
                official("fbi-director", "DOJ-FBI", "doj_listed", "2025-02-21"),
            ],
            "officers": [officer("ice-ero-0001", "DHS-ICE"), officer("ice-ero-0002", "DHS-ICE"),
                         officer("fbi-sa-0001", "DOJ-FBI")],
            "statutes": [
                {"citation": "8 U.S.C. 1253(a)(1)", "title": "Willful failure to depart", "criminal": True,
                 "tax_administration": False},
                {"citation": "8 U.S.C. 1326", "title": "Reentry of removed aliens", "criminal": True,
                 "tax_administration": False},
                {"citation": "18 U.S.C. 1546", "title": "Fraud and misuse of visas and permits", "criminal": True,
                 "tax_administration": False},
                {"citation": "8 U.S.C. 1229a", "title": "Removal proceedings", "criminal": False,
                 "tax_administration": False},
                {"citation": "26 U.S.C. 7201", "title": "Attempt to evade or defeat tax", "criminal": True,
                 "tax_administration": True},
            ],
        }

    def registry(self, change: Callable[[dict[str, Any]], None] | None = None) -> Registry:
        data = self.registry_data()
        if change is not None:
            change(data)
        return Registry.model_validate(data)

    # --- subjects and requests ------------------------------------------------------------------------
    def subject(self, i: int = 1, **changes: str) -> dict[str, str]:
        city, state, zip_code = PLACES[i % len(PLACES)]
        row = {
            "subject_id": f"S-{i:06d}", "first_name": FIRST[i % len(FIRST)], "middle_name": "",
            "last_name": LAST[(i // len(FIRST)) % len(LAST)] + ("" if i < 100 else f"-{LAST[i % len(LAST)]}"),
            "suffix": "", "date_of_birth": f"{1950 + i % 50}-{1 + i % 12:02d}-{1 + i % 28:02d}",
            "address_line1": f"{100 + i} {STREETS[i % len(STREETS)]}", "address_line2": "", "city": city,
            "state": state, "zip": zip_code, "tin": "", "reason": "",
        }
        row.update(changes)
        return row

    def subjects(self, n: int, start: int = 1) -> list[dict[str, str]]:
        return [self.subject(i) for i in range(start, start + n)]

    def request(self, subjects: list[dict[str, Any]] | None = None, sign: str | None = "ice-director",
                **changes: Any) -> dict[str, Any]:
        """A request that passes every rule unless ``changes`` say otherwise; signed by ``sign``'s key
        (after the changes, so they are covered) unless ``sign`` is None. A change to ``None`` removes
        the member."""
        request: dict[str, Any] = {
            "format": "ftigate-request/1", "request_id": "ICE-2026-000123", "agency": "DHS-ICE",
            "official": "ice-director", "signed_on": "2026-11-20",
            "investigation": {"reference": "ERO-CI-2026-0042", "statute": "8 U.S.C. 1253(a)(1)",
                              "authority": "8 U.S.C. 1357(a)", "kind": "criminal"},
            "taxable_periods": [2023, 2024, 2025],
            "reason": "Each subject is under investigation for willful failure to depart after a final order of "
                      "removal; a current address is needed to locate the subject for arrest and prosecution.",
            "information": ["taxpayer_identity"],
            "recipients": ["ice-ero-0001", "ice-ero-0002"],
            "subjects": copy.deepcopy(subjects) if subjects is not None else self.subjects(3),
        }
        for key, value in changes.items():
            if key == "investigation" and isinstance(value, dict):
                merged = {**request["investigation"], **value}
                request["investigation"] = {k: v for k, v in merged.items() if v is not None}
            elif value is None:
                request.pop(key, None)
            else:
                request[key] = value
        if sign is not None:
            request["signature"] = sign_request(request, self.keys[sign])
        return request

    # --- judging ----------------------------------------------------------------------------------------
    def ctx(self, **changes: Any) -> Context:
        values: dict[str, Any] = {"today": self.today, "thresholds": Thresholds()}
        values.update(changes)
        return Context(**values)

    def judge(self, request: dict[str, Any], subjects: list[dict[str, Any]] | None = None,
              registry: Registry | None = None, **ctx: Any) -> Decision:
        if subjects is None:
            inline = request.get("subjects")
            subjects = [{k: ("" if s.get(k) is None else str(s.get(k))) for k in SUBJECT_FIELDS}
                        for s in inline if isinstance(s, dict)] if isinstance(inline, list) else []
        return evaluate(request, subjects, registry or self.registry(), self.ctx(**ctx))

    @staticmethod
    def findings(decision: Decision, rule: str) -> list:
        return [f for f in decision.findings if f.rule == rule]

    @staticmethod
    def outcomes(decision: Decision, rule: str) -> set[str]:
        """The outcomes of ``rule``'s findings about the whole request."""
        return {f.outcome for f in decision.findings if f.rule == rule and f.subject_id is None}


@pytest.fixture(scope="session")
def kit() -> Kit:
    return Kit()
