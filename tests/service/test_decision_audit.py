"""service.decision_audit: a request's stored match decisions against the ledger entries that committed
to them. A quiet rewrite of any part of a decision in the store, a subject moved out of its batch,
or one left outside every batch, is found and named by ledger index, never by TIN or name."""

from __future__ import annotations

import hashlib
import json
import math
import shutil
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import update
from test_lifecycle import (  # noqa: F401  (the lifecycle's fixtures)
    _disclose_until_the_third_batch_dies,
    _file_request,
    gateway,
    population,
)

import proven
from ftigate import identity, law
from ftigate.ledger import catalogue
from ftigate.ledger.commitments import DECISION_ROWS, DECISIONS_JSON
from ftigate.service.admin import registry as registry_service
from ftigate.service.log import ledger
from ftigate.service.log.decision_audit import DecisionsNotAsRecorded, verify_decisions
from ftigate.service.log.events import Event, record
from ftigate.service.requests import disclose as disclose_module
from ftigate.service.requests import lifecycle as req
from ftigate.service.requests.decision_record import decisions_record, outcome_counts
from ftigate.service.requests.disclose import disclose
from ftigate.service.requests.review import review
from ftigate.service.requests.submit import submit_request_file
from ftigate.service.store_access import transaction
from ftigate.settings import Settings, Thresholds
from ftigate.store import requests_store
from ftigate.store.tables import subjects as subjects_table

BATCH = 40  # 300 subjects: several batches, so the grouping by ledger entry is exercised


def _new_gateway(base: Path, trained_models: Path, new_world) -> tuple[Settings, Any]:
    """A gateway with the world's registry, one disclosure officer and the models trained once for the module."""
    world = new_world(base / "world")
    settings = Settings(data_dir=base / "data", thresholds=replace(Thresholds(), dual_control_subjects=10_000))
    (settings.data_dir / "match").mkdir(parents=True)
    for model in trained_models.glob("model-*.json"):
        shutil.copy2(model, settings.data_dir / "match" / model.name)
    registry_service.load_registry_file(settings, proven.admin(settings), world.registry_path)
    proven.add_staff(settings, "do-1", "Synthetic Officer One", "disclosure_officer")
    return settings, world


def _disclosed(settings: Settings, world, population, monkeypatch) -> str:
    monkeypatch.setattr(disclose_module, "BATCH", BATCH)
    result = submit_request_file(settings, _file_request(world, population))
    review(settings, result.ref, proven.as_(settings, "do-1"), "approve", "meets 6103(i)(2)")
    assert disclose(settings, result.ref, population[0], by=proven.discloser(settings)).state == "delivered"
    return result.ref


@pytest.fixture(scope="module")
def disclosed(tmp_path_factory, population, trained_models, new_world) -> tuple[Path, str]:
    """One gateway with one request disclosed in batches of 40, for the whole module: each test
    tampers with its own copy (:func:`audited`), so the matching and disclosure run once."""
    settings, world = _new_gateway(tmp_path_factory.mktemp("disclosed"), trained_models, new_world)
    with pytest.MonkeyPatch.context() as mp:
        ref = _disclosed(settings, world, population, mp)
    for model in (settings.data_dir / "match").glob("model-*.json"):
        shutil.copy2(model, trained_models / model.name)
    return settings.data_dir, ref


@pytest.fixture
def audited(disclosed, tmp_path) -> Iterator[tuple[Settings, str]]:
    """This test's own copy of the disclosed gateway, and the request's reference."""
    data, ref = disclosed
    shutil.copytree(data, tmp_path / "data")
    yield Settings(data_dir=tmp_path / "data"), ref


def _subjects(settings: Settings, ref: str) -> list[dict]:
    agency, request_id = ref.split("/")
    with transaction(settings) as conn:
        row = requests_store.find_request(conn, agency, request_id)
        return [dict(s) for s in requests_store.iter_subjects(conn, row["id"])]


def _set(settings: Settings, subject_pk: int, **values) -> None:
    """A quiet rewrite: straight into the table, past every use case and the ledger."""
    with transaction(settings) as conn:
        conn.execute(update(subjects_table).where(subjects_table.c.id == subject_pk).values(**values))


def _personal_data(subjects: list[dict]) -> set[str]:
    return ({s["tin"] for s in subjects if s["tin"]} | {s["matched_tin"] for s in subjects if s["matched_tin"]}
            | {s["last_name"] for s in subjects if len(s["last_name"]) > 3} | {s["subject_id"] for s in subjects})


def test_every_batch_opens_its_commitment(audited):
    gateway, ref = audited
    subjects = _subjects(gateway, ref)
    valid = [s for s in subjects if s["valid"]]
    told: list[tuple[float, float]] = []
    audit = verify_decisions(gateway, ref, progress=lambda stage, done, total: told.append((done, total)))
    assert audit.ok and audit.problems == [] and audit.ref == ref
    assert audit.decisions == len(valid) and audit.batches == math.ceil(len(valid) / BATCH) >= 2
    # progress after each batch, up to every valid subject
    assert len(told) == audit.batches and told[-1] == (len(valid), len(valid))
    assert [done for done, _ in told] == sorted(done for done, _ in told)
    audit.raise_if_problems()  # nothing to raise
    # Each subject names the match.decided entry of its own batch, and the entry counts it.
    indices = {s["decision_ledger_index"] for s in valid}
    assert len(indices) == audit.batches and all(s["decision_ledger_index"] is None for s in subjects if not s["valid"])
    for index in indices:
        entry = ledger.entry(gateway, index).to_json()
        assert entry["kind"] == "match.decided" and entry["request"] == ref
        assert entry["subjects"] == sum(s["decision_ledger_index"] == index for s in valid)


@pytest.mark.parametrize("column", ["outcome", "matched_tin", "match_probability", "evidence"])
def test_a_quiet_rewrite_of_any_part_of_a_decision_is_found(audited, column):
    gateway, ref = audited
    subjects = _subjects(gateway, ref)
    target = next(s for s in subjects if s["outcome"] == "match")
    other_tin = next(s["matched_tin"] for s in subjects if s["matched_tin"] and s["matched_tin"] != target["matched_tin"])
    new = {"outcome": "no_match", "matched_tin": other_tin, "match_probability": 0.5,
           "evidence": {**target["evidence"], "note": "reviewed again"}}[column]
    _set(gateway, target["id"], **{column: new})

    audit = verify_decisions(gateway, ref)
    assert not audit.ok
    index = target["decision_ledger_index"]
    assert {p.ledger_index for p in audit.problems} == {index}
    assert any("commitment" in p.message for p in audit.problems)
    if column == "outcome":  # the counts in the clear disagree too
        assert any("outcomes" in p.message for p in audit.problems)
    # the subject whose decision was rewritten is named, by its row in the request
    [named] = [p for p in audit.problems if "commitment" in p.message]
    assert f"decision of row {target['row_number']} is not the one recorded" in named.message
    text = json.dumps([p.message for p in audit.problems])
    assert not any(value in text for value in _personal_data(subjects))
    with pytest.raises(DecisionsNotAsRecorded, match=f"entry {index}"):
        audit.raise_if_problems()

    _set(gateway, target["id"], **{column: target[column]})  # put back as it was: the commitment opens again
    assert verify_decisions(gateway, ref).ok


def test_a_subject_taken_out_of_its_batch_is_found(audited):
    gateway, ref = audited
    subjects = _subjects(gateway, ref)
    target = next(s for s in subjects if s["valid"])
    _set(gateway, target["id"], decision_ledger_index=None)

    audit = verify_decisions(gateway, ref)
    assert not audit.ok and audit.decisions == sum(s["valid"] for s in subjects) - 1
    outside = [p for p in audit.problems if p.ledger_index is None]
    assert len(outside) == 1 and f"row {target['row_number']}" in outside[0].message
    batch = [p for p in audit.problems if p.ledger_index == target["decision_ledger_index"]]
    assert batch and any("commitment" in p.message for p in batch)
    assert any(f"{sum(s['decision_ledger_index'] == target['decision_ledger_index'] for s in subjects) - 1:,} stored"
               in p.message for p in batch)


def test_a_subject_moved_to_another_batch_is_found_in_both(audited):
    gateway, ref = audited
    valid = [s for s in _subjects(gateway, ref) if s["valid"]]
    first, last = valid[0], valid[-1]
    assert first["decision_ledger_index"] != last["decision_ledger_index"]
    _set(gateway, first["id"], decision_ledger_index=last["decision_ledger_index"])

    audit = verify_decisions(gateway, ref)
    assert {p.ledger_index for p in audit.problems} == {first["decision_ledger_index"], last["decision_ledger_index"]}
    assert audit.decisions == len(valid)


def test_a_whole_batch_no_subject_names_is_found(audited):
    gateway, ref = audited
    valid = [s for s in _subjects(gateway, ref) if s["valid"]]
    index = valid[0]["decision_ledger_index"]
    batch = [s for s in valid if s["decision_ledger_index"] == index]
    for s in batch:
        _set(gateway, s["id"], decision_ledger_index=None)

    audit = verify_decisions(gateway, ref)
    assert audit.batches == math.ceil(len(valid) / BATCH) - 1
    assert any(p.ledger_index == index and "no stored subject names it" in p.message for p in audit.problems)
    assert any(p.ledger_index is None and f"{len(batch)} subject(s)" in p.message for p in audit.problems)


def test_a_subject_naming_an_entry_of_another_kind_is_found(audited):
    gateway, ref = audited
    target = next(s for s in _subjects(gateway, ref) if s["valid"])
    _set(gateway, target["id"], decision_ledger_index=0)  # the registry load, long before this request
    assert ledger.entry(gateway, 0).to_json()["kind"] != "match.decided"
    _set(gateway, next(s for s in _subjects(gateway, ref) if s["valid"] and s["id"] != target["id"])["id"],
         decision_ledger_index=10**9)

    audit = verify_decisions(gateway, ref)
    assert any(p.ledger_index == 0 and "not a batch of match decisions" in p.message for p in audit.problems)
    assert any(p.ledger_index == 10**9 and "does not exist" in p.message for p in audit.problems)


def test_an_interrupted_run_checks_what_it_decided_and_waits_for_the_rest(gateway, world, population, monkeypatch):
    """While the request is still matching, subjects not yet matched are no problem; the batches
    written before the interruption open their commitments, and so do all of them after the resumed run."""
    master = population[0]
    ref, original = _disclose_until_the_third_batch_dies(gateway, world, population, monkeypatch)
    audit = verify_decisions(gateway, ref)
    assert audit.ok and audit.batches == 2 and audit.decisions == 20

    monkeypatch.setattr(disclose_module, "_record_disclosures", original)
    assert disclose(gateway, ref, master, by=proven.discloser(gateway)).state == "delivered"
    audit = verify_decisions(gateway, ref)
    assert audit.ok and audit.decisions == sum(s["valid"] for s in _subjects(gateway, ref))


def test_the_audit_on_postgresql(world, shared_models, population, pg_url, monkeypatch):
    """The production store: what goes in as JSON and double precision comes back to open the same commitment."""
    s = Settings(data_dir=shared_models, database_url=pg_url)
    registry_service.load_registry_file(s, proven.admin(s), world.registry_path)
    proven.add_staff(s, "do-1", "Synthetic Officer One", "disclosure_officer")
    ref = _disclosed(s, world, population, monkeypatch)
    with transaction(s) as conn:
        assert conn.dialect.name == "postgresql"
    subjects = _subjects(s, ref)
    audit = verify_decisions(s, ref)
    assert audit.ok and audit.batches >= 2 and audit.decisions == sum(x["valid"] for x in subjects)

    target = next(x for x in subjects if x["outcome"] == "match")
    _set(s, target["id"], evidence={**target["evidence"], "note": "reviewed again"})
    assert {p.ledger_index for p in verify_decisions(s, ref).problems} == {target["decision_ledger_index"]}


def test_a_decision_rewritten_with_its_digest_is_still_found(audited):
    """The digest beside a decision only points at the row; the commitment is what proves: rewriting
    both still leaves a batch that does not open it (without naming a row the store lied about)."""
    gateway, ref = audited
    target = next(s for s in _subjects(gateway, ref) if s["outcome"] == "match")
    _set(gateway, target["id"], match_probability=0.5, decision_digest="0" * 64)
    audit = verify_decisions(gateway, ref)
    assert {p.ledger_index for p in audit.problems} == {target["decision_ledger_index"]}
    assert any("commitment" in p.message for p in audit.problems)


def test_every_batch_names_its_encoding(audited):
    gateway, ref = audited
    subjects = [s for s in _subjects(gateway, ref) if s["valid"]]
    for index in {s["decision_ledger_index"] for s in subjects}:
        entry = ledger.entry(gateway, index).to_json()
        assert entry["encoding"] == DECISION_ROWS
        # the bytes are the documented ones: a line per decision, by subject key, opening the commitment
        batch = sorted((s for s in subjects if s["decision_ledger_index"] == index), key=lambda s: s["id"])
        data = b"".join(json.dumps([s["id"], s["outcome"], s["matched_tin"], s["match_probability"], s["evidence"]],
                                   sort_keys=True, separators=(",", ":")).encode() + b"\n" for s in batch)
        assert ledger.opens_bytes(gateway, data, entry["commitment"])
        assert not ledger.opens_bytes(gateway, data.replace(b"\n", b"\r\n"), entry["commitment"])
        assert all(s["decision_digest"] == hashlib.sha256(line + b"\n").hexdigest()
                   for s, line in zip(batch, data.splitlines(), strict=True))


@pytest.fixture(scope="module")
def disclosed_before_rows(tmp_path_factory, population, trained_models, new_world) -> tuple[Path, str]:
    """A gateway whose batches were committed as before decision-rows/1: RFC 8785 of the whole batch
    (decisions-json/1), with no digest beside the decisions."""
    settings, world = _new_gateway(tmp_path_factory.mktemp("disclosed-json"), trained_models, new_world)

    def as_before(conn, settings, row, batch, at, model=None):
        updates = [{"id": key, "outcome": outcome, "matched_tin": tin, "match_probability": probability,
                    "evidence": json.loads(evidence)} for outcome, tin, probability, evidence, _, key in batch.decisions]
        [index] = record(conn, settings, [Event(catalogue.MatchDecided(
            subjects=len(updates), outcomes=outcome_counts(updates), matcher=identity.MATCHER_VERSION,
            policy_version=law.POLICY_VERSION, commitment=ledger.commitment(settings, decisions_record(updates))),
            "gateway", row["id"], req.ref_of(row))], at)
        return index, [(*decision[:4], None, decision[5]) for decision in batch.decisions]  # no digest beside them

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(disclose_module, "_record_match_batch", as_before)
        ref = _disclosed(settings, world, population, mp)
    return settings.data_dir, ref


def test_batches_committed_before_rows_still_verify(disclosed_before_rows, tmp_path):
    data, ref = disclosed_before_rows
    shutil.copytree(data, tmp_path / "data")
    gateway = Settings(data_dir=tmp_path / "data")
    subjects = _subjects(gateway, ref)
    audit = verify_decisions(gateway, ref)
    assert audit.ok and audit.batches >= 2 and audit.decisions == sum(s["valid"] for s in subjects)
    assert {ledger.entry(gateway, i).to_json()["encoding"] for i in {s["decision_ledger_index"] for s in subjects
                                                                        if s["valid"]}} == {DECISIONS_JSON}

    target = next(s for s in subjects if s["outcome"] == "match")
    _set(gateway, target["id"], match_probability=0.5)
    audit = verify_decisions(gateway, ref)
    assert {p.ledger_index for p in audit.problems} == {target["decision_ledger_index"]}
    assert any("commitment" in p.message for p in audit.problems)
