"""The request lifecycle through the service layer, end to end, on synthetic data.

These tests drive real requests through submit, review, matching, disclosure, delivery and closing,
on the embedded default, and check the guarantees: fail closed, separation of duties, dual control,
nothing lost or duplicated when interrupted.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

import proven
from ftigate import identity, law
from ftigate.errors import PermissionDenied
from ftigate.service.admin import registry as registry_service
from ftigate.service.delivery import safeguard
from ftigate.service.delivery.packages import PackageError
from ftigate.service.requests import disclose as disclose_module
from ftigate.service.requests.disclose import disclose
from ftigate.service.requests.review import review
from ftigate.service.requests.submit import submit_request_file
from ftigate.service.store_access import transaction
from ftigate.settings import Settings, Thresholds
from ftigate.store import disclosure_store, requests_store
from ftigate.tabular import read_rows
from population import synthetic_population


@pytest.fixture(scope="module")
def population(tmp_path_factory) -> tuple[Path, Path, Path]:
    """A synthetic master file of 3,000 people and a 300-subject batch drawn from it, with the truth."""
    master, subjects, truth = synthetic_population(tmp_path_factory.mktemp("population"), 3000, 300, seed=11, truth=True)
    assert truth is not None
    return master, subjects, truth


@pytest.fixture
def gateway(world, shared_models) -> Settings:
    s = Settings(data_dir=shared_models, thresholds=replace(Thresholds(), dual_control_subjects=10_000))
    registry_service.load_registry_file(s, proven.admin(s), world.registry_path)
    proven.add_staff(s, "do-1", "Synthetic Officer One", "disclosure_officer")
    proven.add_staff(s, "do-2", "Synthetic Officer Two", "disclosure_officer")
    proven.add_staff(s, "sup-1", "Synthetic Supervisor", "supervisor")
    proven.add_staff(s, "admin-1", "Synthetic Admin", "administrator")
    proven.add_staff(s, "ig-1", "Synthetic Overseer", "overseer")
    return s


def _file_request(world, population, **overrides) -> Path:
    _, subjects, _ = population
    (world.dir / "subjects.csv").write_bytes(subjects.read_bytes())
    req = world.request(**overrides)
    del req["subjects"]
    req["subjects_file"] = "subjects.csv"
    return world.write(req)


def test_a_rejected_request_never_reaches_matching(gateway, world, population):
    bad = world.request(investigation={"reference": "X", "statute": "8 U.S.C. 1229a",
                                       "authority": "8 U.S.C. 1357(a)", "kind": "civil"})
    result = submit_request_file(gateway, world.write(bad))
    assert result.state == "rejected"
    assert any(f.outcome == "fail" and "6103(i)" in f.citation for f in result.decision.findings)
    with pytest.raises(PermissionDenied):
        review(gateway, result.ref, proven.as_(gateway, "do-1"), "approve", "looks fine")
    with pytest.raises(PermissionDenied):
        disclose(gateway, result.ref, population[0], by=proven.discloser(gateway))
    with transaction(gateway) as conn:
        row = requests_store.find_request(conn, "DHS-ICE", "ICE-2025-000017")
        assert row["state"] == "rejected"
        assert disclosure_store.count_disclosures(conn, row["id"]) == 0
        kinds = [e["kind"] for e in requests_store.request_events(conn, row["id"])]
    assert kinds == ["request.received", "request.rejected"]


def test_the_whole_flow_discloses_only_true_matches(gateway, world, population):
    master, _, truth_file = population
    result = submit_request_file(gateway, _file_request(world, population))
    assert result.state == "awaiting_review", [f for f in result.decision.findings if f.outcome == "fail"]
    assert review(gateway, result.ref, proven.as_(gateway, "do-1"), "approve", "meets 6103(i)(2)").state == "approved"
    summary = disclose(gateway, result.ref, master, by=proven.discloser(gateway))
    assert summary.state == "delivered" and summary.package_path.exists()

    truth = {r["subject_id"]: r for r in read_rows(truth_file, ("subject_id", "true_tin", "expected_outcome", "kind"))}
    with transaction(gateway) as conn:
        row = requests_store.find_request(conn, "DHS-ICE", "ICE-2025-000017")
        subjects = list(requests_store.iter_subjects(conn, row["id"]))
        disclosed = disclosure_store.request_disclosures(conn, row["id"])
        events = requests_store.request_events(conn, row["id"])
    assert len(subjects) == 300 and all(s["outcome"] for s in subjects)
    wrong = [s["subject_id"] for s in subjects if s["outcome"] == "match" and s["matched_tin"] != truth[s["subject_id"]]["true_tin"]]
    assert wrong == []
    assert len(disclosed) == sum(s["outcome"] == "match" for s in subjects) > 0
    assert all(truth[s["subject_id"]]["expected_outcome"] != "invalid" or s["outcome"] == "invalid" for s in subjects)
    # Only the taxpayer's identity is disclosed (L9).
    assert all(set(d["fields"]) == set(disclose_module.DISCLOSED_FIELDS) for d in disclosed)
    # Every event is in the ledger, and disclosures carry no personal data there.
    assert all(e["ledger_index"] is not None for e in events)
    for e in events:
        text = json.dumps(e["detail"])
        assert not any(d["tin"] in text for d in disclosed)
    # Each batch of match decisions names the matcher and the policy that decided it.
    decided = [e["detail"] for e in events if e["kind"] == "match.decided"]
    assert decided and all(d["matcher"] == identity.MATCHER_VERSION and d["policy_version"] == law.POLICY_VERSION
                           for d in decided)
    # ... and the digests of the model that scored it and of the master file it was trained on
    assert {d["master_sha256"] for d in decided} == {hashlib.sha256(master.read_bytes()).hexdigest()}
    assert len({d["model_sha256"] for d in decided}) == 1 and len(decided[0]["model_sha256"]) == 64
    assert sum(d["subjects"] for d in decided) == sum(s["outcome"] != "invalid" for s in subjects)

    # Reading chosen columns reads only those (a package's answers need two of them).
    with transaction(gateway) as conn:
        slim = list(requests_store.iter_subjects(conn, row["id"], columns=("subject_id", "outcome"), batch=7))
    assert [dict(s) for s in slim] == [{"id": s["id"], "subject_id": s["subject_id"], "outcome": s["outcome"]}
                                       for s in subjects]

    # The named recipient opens the package; a download is recorded; destruction closes the request.
    content = safeguard.open_package(gateway, summary.package_id, "ice-ero-0001", world.dir / "ice-ero-0001.key")
    assert len(content["disclosures"]) == len(disclosed)
    assert {a["subject_id"] for a in content["answers"]} == {s["subject_id"] for s in subjects}
    with pytest.raises(PermissionDenied):
        safeguard.certify(gateway, summary.package_id, proven.as_(gateway, "do-1"), "destroyed", "shredded",
                          key_path=world.dir / "ice-ero-0002.key")
    # naming a recipient is not enough: the certifier must hold that recipient's delivery key
    with pytest.raises(PackageError):
        safeguard.certify(gateway, summary.package_id, proven.as_(gateway, "ice-ero-0002"), "destroyed", "shredded",
                          key_path=world.dir / "ice-ero-0001.key")
    with transaction(gateway) as conn:
        assert requests_store.find_request(conn, "DHS-ICE", "ICE-2025-000017")["state"] == "delivered"
    safeguard.certify(gateway, summary.package_id, proven.as_(gateway, "ice-ero-0002"), "destroyed",
                      "cross-cut shredder, witnessed", key_path=world.dir / "ice-ero-0002.key")
    with transaction(gateway) as conn:
        assert requests_store.find_request(conn, "DHS-ICE", "ICE-2025-000017")["state"] == "closed"


def test_separation_of_duties_and_dual_control(gateway, world, population):
    s = replace(gateway, thresholds=replace(gateway.thresholds, dual_control_subjects=1))
    result = submit_request_file(s, world.write(world.request()))
    ref = result.ref
    with pytest.raises(PermissionDenied):
        review(s, ref, proven.as_(s, "admin-1"), "approve", "administrators never approve")
    with pytest.raises(PermissionDenied):
        review(s, ref, proven.as_(s, "ig-1"), "approve", "overseers change nothing")
    assert review(s, ref, proven.as_(s, "do-1"), "approve", "first approval").state == "awaiting_second_approval"
    with pytest.raises(PermissionDenied):
        review(s, ref, proven.as_(s, "do-1"), "approve", "the same person twice")
    with pytest.raises(PermissionDenied):
        review(s, ref, proven.as_(s, "do-2"), "approve", "second approval must be a supervisor's")
    assert review(s, ref, proven.as_(s, "sup-1"), "approve", "second approval").state == "approved"
    with transaction(s) as conn:
        row = requests_store.find_request(conn, "DHS-ICE", "ICE-2025-000017")
        reviews = requests_store.request_reviews(conn, row["id"])
    assert [(r["reviewer"], r["decision"]) for r in reviews] == [("do-1", "approve"), ("sup-1", "approve")]
    assert all(r["policy_version"] for r in reviews)


def test_a_party_to_the_request_cannot_review_it(gateway, world):
    proven.add_staff(gateway, "ice-ero-0001", "Same id as a recipient", "disclosure_officer")
    result = submit_request_file(gateway, world.write(world.request()))
    with pytest.raises(PermissionDenied, match="party"):
        review(gateway, result.ref, proven.as_(gateway, "ice-ero-0001"), "approve", "self-review")


def test_a_denied_request_discloses_nothing(gateway, world, population):
    result = submit_request_file(gateway, world.write(world.request()))
    assert review(gateway, result.ref, proven.as_(gateway, "do-1"), "deny", "reason is boilerplate").state == "denied"
    with pytest.raises(PermissionDenied):
        disclose(gateway, result.ref, population[0], by=proven.discloser(gateway))


def test_submitting_twice_stores_once(gateway, world):
    path = world.write(world.request())
    first = submit_request_file(gateway, path)
    second = submit_request_file(gateway, path)
    assert second.duplicate and second.ref == first.ref
    with transaction(gateway) as conn:
        assert len(requests_store.list_requests(conn)) == 1


def _disclose_until_the_third_batch_dies(gateway, world, population, monkeypatch) -> tuple[str, Callable[..., Any]]:
    """Submit and approve the request, then disclose it in batches of ten with the power cut in the
    third batch. Returns the request's reference and the real batch writer, to put back."""
    result = submit_request_file(gateway, _file_request(world, population))
    review(gateway, result.ref, proven.as_(gateway, "do-1"), "approve", "meets 6103(i)(2)")
    monkeypatch.setattr(disclose_module, "BATCH", 10)
    calls = {"n": 0}
    original = disclose_module._record_disclosures

    def dies_in_the_third_batch(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt("power cut")
        return original(*args, **kwargs)

    monkeypatch.setattr(disclose_module, "_record_disclosures", dies_in_the_third_batch)
    with pytest.raises(KeyboardInterrupt):
        disclose(gateway, result.ref, population[0], by=proven.discloser(gateway))
    return result.ref, original


def test_interrupted_disclosure_resumes_without_loss_or_duplicates(gateway, world, population, monkeypatch):
    master = population[0]
    ref, original = _disclose_until_the_third_batch_dies(gateway, world, population, monkeypatch)
    with transaction(gateway) as conn:
        row = requests_store.find_request(conn, "DHS-ICE", "ICE-2025-000017")
        assert row["state"] == "matching"
        partial = disclosure_store.count_disclosures(conn, row["id"])
        decided = sum(s["outcome"] is not None for s in requests_store.iter_subjects(conn, row["id"], valid=True))
    assert 0 < partial <= 20 and decided == 20  # the first two batches of ten, nothing of the third
    monkeypatch.setattr(disclose_module, "_record_disclosures", original)
    summary = disclose(gateway, ref, master, by=proven.discloser(gateway))
    assert summary.state == "delivered"
    with transaction(gateway) as conn:
        subjects = list(requests_store.iter_subjects(conn, row["id"]))
        disclosed = disclosure_store.request_disclosures(conn, row["id"])
    assert len(disclosed) == sum(s["outcome"] == "match" for s in subjects)
    assert len({d["subject"] for d in disclosed}) == len(disclosed)
    assert all(s["outcome"] is not None for s in subjects)


def test_expired_safeguards_stop_disclosure(gateway, world, population):
    result = submit_request_file(gateway, world.write(world.request()))
    review(gateway, result.ref, proven.as_(gateway, "do-1"), "approve", "ok")
    expired = json.loads(world.registry_path.read_text())
    expired["agencies"][0]["safeguards"]["expires_on"] = "2025-04-01"
    world.registry_path.write_text(json.dumps(expired))
    registry_service.load_registry_file(gateway, proven.admin(gateway), world.registry_path)
    with pytest.raises(PermissionDenied, match="safeguards"):
        disclose(gateway, result.ref, population[0], by=proven.discloser(gateway))


def test_the_same_flow_on_postgresql(world, data_dir, population, pg_url):
    """The store in production is PostgreSQL: the lifecycle, resumption and uniqueness hold there too."""
    s = Settings(data_dir=data_dir, database_url=pg_url)
    registry_service.load_registry_file(s, proven.admin(s), world.registry_path)
    proven.add_staff(s, "do-1", "Synthetic Officer One", "disclosure_officer")
    result = submit_request_file(s, _file_request(world, population))
    assert result.state == "awaiting_review"
    assert review(s, result.ref, proven.as_(s, "do-1"), "approve", "meets 6103(i)(2)").state == "approved"
    summary = disclose(s, result.ref, population[0], by=proven.discloser(s))
    assert summary.state == "delivered" and summary.disclosures > 0
    with transaction(s) as conn:
        assert conn.dialect.name == "postgresql"
        row = requests_store.find_request(conn, "DHS-ICE", "ICE-2025-000017")
        subjects = list(requests_store.iter_subjects(conn, row["id"]))
        assert len(subjects) == 300
        assert disclosure_store.count_disclosures(conn, row["id"]) == sum(x["outcome"] == "match" for x in subjects)
        assert all(e["ledger_index"] is not None for e in requests_store.request_events(conn, row["id"]))


def test_a_subject_left_without_an_outcome_keeps_the_request_in_matching(gateway, world, population, monkeypatch):
    """Nothing lost: if matching ever answers for fewer subjects than it was given, the request is not
    moved on over the gap; the next run matches the subject still pending, then delivers."""
    master = population[0]
    result = submit_request_file(gateway, _file_request(world, population))
    review(gateway, result.ref, proven.as_(gateway, "do-1"), "approve", "meets 6103(i)(2)")
    resolve = disclose_module.identity.resolve_columns

    def drops_the_last(*args, **kwargs):
        decided = resolve(*args, **kwargs)
        return dataclasses.replace(decided, table=decided.table.slice(0, decided.table.num_rows - 1))

    monkeypatch.setattr(disclose_module.identity, "resolve_columns", drops_the_last)
    with pytest.raises(disclose_module.MatchingIncomplete, match="no outcome for 1 subject"):
        disclose(gateway, result.ref, master, by=proven.discloser(gateway))
    with transaction(gateway) as conn:
        row = requests_store.find_request(conn, "DHS-ICE", "ICE-2025-000017")
        assert row["state"] == "matching"
        assert disclosure_store.request_package(conn, row["id"]) is None
        assert requests_store.outcome_counts(conn, row["id"]).get("pending") == 1
    monkeypatch.setattr(disclose_module.identity, "resolve_columns", resolve)
    assert disclose(gateway, result.ref, master, by=proven.discloser(gateway)).state == "delivered"
    with transaction(gateway) as conn:
        assert "pending" not in requests_store.outcome_counts(conn, row["id"])


def test_taxpayers_on_the_withhold_list_are_never_disclosed(gateway, world, population, tmp_path):
    """L10 (6103(i)(6)): the disclosure officers' withhold list beats any match; the requester is told
    only "no record", and the log records the load without a TIN."""
    from ftigate.service.admin import withholding
    from ftigate.service.log import ledger

    master, _, truth_file = population
    tins = sorted({r["true_tin"] for r in read_rows(truth_file, ("true_tin",)) if r["true_tin"]})
    listed = tmp_path / "withhold.csv"
    listed.write_text("tin,ground\n" + "".join(f"{t},informant\n" for t in tins), encoding="utf-8")
    loaded = withholding.load_withhold_list(gateway, listed, proven.as_(gateway, "do-1"))
    assert loaded.added == len(tins) and loaded.grounds == {"informant": len(tins)}
    entry = ledger.entry(gateway, ledger.tree_size(gateway) - 1).to_json()
    assert entry["kind"] == "withhold_list.added" and not any(t in json.dumps(entry) for t in tins)

    result = submit_request_file(gateway, _file_request(world, population))
    review(gateway, result.ref, proven.as_(gateway, "do-1"), "approve", "meets 6103(i)(2)")
    summary = disclose(gateway, result.ref, master, by=proven.discloser(gateway))
    assert summary.state == "delivered" and summary.disclosures == 0
    with transaction(gateway) as conn:
        row = requests_store.find_request(conn, "DHS-ICE", "ICE-2025-000017")
        subjects = list(requests_store.iter_subjects(conn, row["id"]))
    withheld = {s["subject_id"] for s in subjects if s["outcome"] == "withheld"}
    assert withheld and not any(s["outcome"] == "match" for s in subjects)
    content = safeguard.open_package(gateway, summary.package_id, "ice-ero-0001", world.dir / "ice-ero-0001.key")
    assert content["disclosures"] == []
    assert {a["answer"] for a in content["answers"] if a["subject_id"] in withheld} == {"no record"}
