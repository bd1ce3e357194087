"""Two gateways decide a request alike, whatever request each matched first.

Each gateway has a fresh store and a fresh matcher cache, as two installations do; the first
discloses request A and then B, the second B and then A. The model is trained from the master file
alone, so both score with the same model (the same digest in every ``match.decided`` entry) and
reach the same decision, TIN, probability and evidence for every subject of both requests.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from pathlib import Path

import pytest

import proven
from ftigate import generator
from ftigate.service.admin import registry as registry_service
from ftigate.service.requests.disclose import disclose
from ftigate.service.requests.review import review
from ftigate.service.requests.submit import submit_request_file
from ftigate.service.store_access import transaction
from ftigate.settings import Settings, Thresholds
from ftigate.store import requests_store

REQUESTS = {"A": ("ICE-2025-000101", 21), "B": ("ICE-2025-000102", 22)}


@pytest.fixture(scope="module")
def population(tmp_path_factory) -> dict[str, Path]:
    """A synthetic master file of 2,000 people and two batches of 120 subjects drawn from it."""
    d = tmp_path_factory.mktemp("two-gateways")
    files = {"master": d / "master.parquet"}
    generator.generate_master(files["master"], 2000, seed=20)
    for name, (_, seed) in REQUESTS.items():
        files[name] = d / f"subjects-{name}.csv"
        generator.generate_request(files["master"], files[name], 120, seed=seed)
    return files


def _gateway(data_dir: Path, world) -> Settings:
    s = Settings(data_dir=data_dir, thresholds=replace(Thresholds(), dual_control_subjects=10_000))
    registry_service.load_registry_file(s, proven.admin(s), world.registry_path)
    proven.add_staff(s, "do-1", "Synthetic Officer One", "disclosure_officer")
    return s


def _run(gateway: Settings, world, population, name: str) -> tuple[dict, list[dict]]:
    """Submit, approve and disclose request ``name``; its decisions by subject, and its match.decided entries."""
    request_id, _ = REQUESTS[name]
    subjects_file = f"subjects-{name}.csv"
    (world.dir / subjects_file).write_bytes(population[name].read_bytes())
    req = world.request(request_id=request_id)
    del req["subjects"]
    req["subjects_file"] = subjects_file
    result = submit_request_file(gateway, world.write(req, name=f"request-{name}.json"))
    review(gateway, result.ref, proven.as_(gateway, "do-1"), "approve", "meets 6103(i)(2)")
    assert disclose(gateway, result.ref, population["master"], by=proven.discloser(gateway)).state == "delivered"
    with transaction(gateway) as conn:
        row = requests_store.find_request(conn, "DHS-ICE", request_id)
        decisions = {s["subject_id"]: (s["outcome"], s["matched_tin"], s["match_probability"], s["evidence"])
                     for s in requests_store.iter_subjects(conn, row["id"])}
        decided = [e["detail"] for e in requests_store.request_events(conn, row["id"]) if e["kind"] == "match.decided"]
    return decisions, decided


def test_two_gateways_given_the_requests_in_opposite_orders_decide_alike(world, population, tmp_path):
    got: dict[str, dict[str, tuple[dict, list[dict]]]] = {"A": {}, "B": {}}
    for gateway_name, order in (("1", "AB"), ("2", "BA")):
        gateway = _gateway(tmp_path / f"gateway-{gateway_name}", world)
        for name in order:
            got[name][gateway_name] = _run(gateway, world, population, name)

    master_sha256 = hashlib.sha256(population["master"].read_bytes()).hexdigest()
    models = set()
    for name in "AB":
        (first, decided_1), (second, decided_2) = got[name]["1"], got[name]["2"]
        assert first == second, f"request {name} was decided differently on the two gateways"
        assert sum(d[0] == "match" for d in first.values()) > 0
        for entry in decided_1 + decided_2:
            assert entry["master_sha256"] == master_sha256
            models.add(entry["model_sha256"])
    assert len(models) == 1 and len(next(iter(models))) == 64
