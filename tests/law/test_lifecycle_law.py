"""The law holds through the whole lifecycle: submit, review, match, disclose.

- A request that fails any hard requirement is rejected at submission and can never reach matching:
  nobody can approve it, disclosure refuses it, and nothing is disclosed. ``ftigate check`` gives the
  same decision and findings as submission.
- A subject with a placeholder address is never disclosed, even when its TIN and name agree with a
  taxpayer in the master file (the 42,695 disclosures the court found unlawful).
"""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from ftigate import generator
from ftigate.errors import PermissionDenied
from ftigate.formats import MASTER_COLUMNS
from ftigate.service.admin import registry as registry_service
from ftigate.service.admin import staff
from ftigate.service.requests.checking import check_request_file
from ftigate.service.requests.disclose import disclose
from ftigate.service.requests.review import review
from ftigate.service.requests.submit import submit_request_file
from ftigate.service.store_access import transaction
from ftigate.settings import Settings, Thresholds
from ftigate.store import disclosure_store, requests_store
from ftigate.tabular import read_rows


@pytest.fixture(scope="module")
def master(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("master") / "master.parquet"
    generator.generate_master(path, 2000, seed=23)
    return path


@pytest.fixture
def gateway(world, data_dir) -> Settings:
    settings = Settings(data_dir=data_dir, thresholds=Thresholds())
    registry_service.load_registry_file(settings, world.registry_path)
    staff.add_staff(settings, "do-1", "Synthetic Disclosure Officer", "disclosure_officer")
    staff.add_staff(settings, "sup-1", "Synthetic Supervisor", "supervisor")
    return settings


def _latest_addresses(master: Path) -> list[dict[str, str]]:
    """One row per taxpayer: the most recent tax period's address, for people with a unique name."""
    latest: dict[str, dict[str, str]] = {}
    for row in read_rows(master, MASTER_COLUMNS):
        if row["tin"] not in latest or row["tax_period"] > latest[row["tin"]]["tax_period"]:
            latest[row["tin"]] = row
    names: dict[tuple[str, str], int] = {}
    for row in latest.values():
        key = (row["first_name"], row["last_name"])
        names[key] = names.get(key, 0) + 1
    return [r for r in latest.values() if names[(r["first_name"], r["last_name"])] == 1 and r["date_of_birth"]]


HARD_FAILURES = {
    "civil-removal": {"investigation": {"reference": "ERO-1", "statute": "8 U.S.C. 1229a",
                                        "authority": "8 U.S.C. 1357(a)", "kind": "criminal"}},
    "future-period": {"taxable_periods": [2024, 2099]},
    "staff-signer": {"official": "ice-staff-1"},
    "beyond-identity": {"information": ["taxpayer_identity", "income"]},
    "unknown-recipient": {"recipients": ["ice-ero-0001", "ice-ero-9999"]},
    "no-reason": {"reason": ""},
    "tax-crime": {"investigation": {"reference": "ERO-2", "statute": "26 U.S.C. 7201",
                                    "authority": "8 U.S.C. 1357(a)", "kind": "criminal"}},
}


@pytest.mark.parametrize("failure", sorted(HARD_FAILURES))
def test_a_request_failing_a_hard_requirement_never_reaches_matching(gateway, world, master, failure):
    path = world.write(world.request(**copy.deepcopy(HARD_FAILURES[failure])))
    checked = check_request_file(gateway, path)
    submitted = submit_request_file(gateway, path)
    assert checked.decision == submitted.decision.decision == "rejected"
    assert checked.to_json() == submitted.decision.to_json()
    assert submitted.state == "rejected"
    for reviewer in ("do-1", "sup-1"):
        with pytest.raises(PermissionDenied):
            review(gateway, submitted.ref, reviewer, "approve", "approve anyway")
    with pytest.raises(PermissionDenied):
        disclose(gateway, submitted.ref, master)
    with transaction(gateway) as conn:
        row = requests_store.find_request(conn, "DHS-ICE", "ICE-2025-000017")
        assert row["state"] == "rejected"
        assert disclosure_store.count_disclosures(conn, row["id"]) == 0
        assert all(s["outcome"] in (None, "invalid") for s in requests_store.iter_subjects(conn, row["id"]))


def test_a_rejected_agency_without_safeguards_gets_nothing(gateway, world, master, tmp_path):
    import json

    registry = json.loads(world.registry_path.read_text(encoding="utf-8"))
    registry["agencies"][0]["safeguards"] = None
    changed = tmp_path / "registry-no-safeguards.json"
    changed.write_text(json.dumps(registry), encoding="utf-8")
    registry_service.load_registry_file(gateway, changed)
    result = submit_request_file(gateway, world.write(world.request()))
    assert result.state == "rejected"
    assert any(f.rule == "L11-safeguards" and f.outcome == "fail" for f in result.decision.findings)
    with pytest.raises(PermissionDenied):
        disclose(gateway, result.ref, master)


def test_placeholder_addresses_are_never_disclosed_even_when_tin_and_name_agree(gateway, world, master, shared_models):
    people = _latest_addresses(master)
    good, placeholder, dont_care, zip_only = people[:4]

    def subject(person, sid, **changes):
        row = {c: person[c] for c in ("first_name", "middle_name", "last_name", "suffix", "date_of_birth",
                                      "address_line1", "address_line2", "city", "state", "zip", "tin")}
        row["subject_id"] = sid
        row.update(changes)
        return row

    subjects = [
        subject(good, "S-GOOD"),
        subject(placeholder, "S-FAILED-TO-PROVIDE", address_line1="Failed to Provide", address_line2=""),
        subject(dont_care, "S-DONT-CARE", address_line1=f"Don't Care {dont_care['zip'][:5]}", address_line2="",
                city="", state=""),
        subject(zip_only, "S-ZIP-ONLY", address_line1="", address_line2="", city="", state=""),
    ]
    result = submit_request_file(gateway, world.write(world.request(subjects=subjects)))
    assert result.state == "awaiting_review"
    assert (result.decision.valid, result.decision.invalid) == (1, 3)
    assert review(gateway, result.ref, "do-1", "approve", "meets 6103(i)(2); three subjects invalid alone").state == "approved"
    disclose(gateway, result.ref, master)
    with transaction(gateway) as conn:
        row = requests_store.find_request(conn, "DHS-ICE", "ICE-2025-000017")
        outcomes = {s["subject_id"]: s["outcome"] for s in requests_store.iter_subjects(conn, row["id"])}
        disclosed = disclosure_store.request_disclosures(conn, row["id"])
    assert outcomes["S-FAILED-TO-PROVIDE"] == outcomes["S-DONT-CARE"] == outcomes["S-ZIP-ONLY"] == "invalid"
    disclosed_tins = {d["tin"] for d in disclosed}
    assert not disclosed_tins & {placeholder["tin"], dont_care["tin"], zip_only["tin"]}
    # the same pipeline does disclose the subject whose address is the taxpayer's
    assert outcomes["S-GOOD"] == "match"
    assert disclosed_tins == {good["tin"]}
