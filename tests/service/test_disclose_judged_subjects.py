"""The disclosure hands the matcher subjects intake has judged already: taken as judged only when
the request was judged under the law's rules in force, judged again otherwise (fail closed)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import update

import proven
from ftigate import law
from ftigate.identity import sources
from ftigate.service.admin import registry as registry_service
from ftigate.service.requests import disclose as disclose_module
from ftigate.service.requests.disclose import disclose
from ftigate.service.requests.review import review
from ftigate.service.requests.submit import submit_request_file
from ftigate.service.store_access import transaction
from ftigate.settings import Settings, Thresholds
from ftigate.store import requests_store, tables
from population import synthetic_population


@pytest.fixture(scope="module")
def population(tmp_path_factory) -> tuple[Path, Path]:
    """A synthetic master file of 3,000 people and a 200-subject batch drawn from it."""
    master, subjects, _ = synthetic_population(tmp_path_factory.mktemp("population"), 3000, 200, seed=11)
    return master, subjects


@pytest.fixture
def gateway(world, shared_models) -> Settings:
    s = Settings(data_dir=shared_models, thresholds=replace(Thresholds(), dual_control_subjects=10_000))
    registry_service.load_registry_file(s, proven.admin(s), world.registry_path)
    proven.add_staff(s, "do-1", "Synthetic Officer One", "disclosure_officer")
    return s


def _approved(gateway: Settings, world, subjects: Path) -> str:
    (world.dir / "subjects.csv").write_bytes(subjects.read_bytes())
    req = world.request()
    del req["subjects"]
    req["subjects_file"] = "subjects.csv"
    result = submit_request_file(gateway, world.write(req))
    review(gateway, result.ref, proven.as_(gateway, "do-1"), "approve", "meets 6103(i)(2)")
    return result.ref


def _disclosed(gateway: Settings, ref: str, master: Path, monkeypatch) -> tuple[list[Any], int, dict[str, str]]:
    """Disclose; return what the matcher was told the subjects were judged under, how often it judged
    one again, and each subject's outcome."""
    told: list[Any] = []
    judged = [0]
    resolve, findings = disclose_module.identity.resolve_columns, sources.subject_findings

    def recorded_resolve(*args: Any, **kwargs: Any) -> Any:
        told.append(kwargs.get("judged_under"))
        return resolve(*args, **kwargs)

    def counted_findings(*args: Any, **kwargs: Any) -> Any:
        judged[0] += 1
        return findings(*args, **kwargs)

    monkeypatch.setattr(disclose_module.identity, "resolve_columns", recorded_resolve)
    monkeypatch.setattr(sources, "subject_findings", counted_findings)
    assert disclose(gateway, ref, master, by=proven.discloser(gateway)).state == "delivered"
    with transaction(gateway) as conn:
        row = requests_store.find_request(conn, "DHS-ICE", "ICE-2025-000017")
        outcomes = {s["subject_id"]: s["outcome"] for s in requests_store.iter_subjects(conn, row["id"])}
    return told, judged[0], outcomes


def test_subjects_judged_under_the_law_in_force_are_not_judged_again(gateway, world, population, monkeypatch):
    master, subjects = population
    ref = _approved(gateway, world, subjects)
    told, judged, outcomes = _disclosed(gateway, ref, master, monkeypatch)
    (version,) = told
    assert version.split("+")[0] == law.POLICY_VERSION and judged == 0
    assert "pending" not in outcomes.values() and "match" in outcomes.values()


def test_subjects_judged_under_another_version_are_judged_again(gateway, world, population, monkeypatch):
    master, subjects = population
    ref = _approved(gateway, world, subjects)
    with transaction(gateway) as conn:  # as if intake had judged the request under earlier rules
        conn.execute(update(tables.requests).values(policy_version="2026.11-1+0123456789ab"))
    told, judged, outcomes = _disclosed(gateway, ref, master, monkeypatch)
    assert told == ["2026.11-1+0123456789ab"]
    valid = sum(outcome != "invalid" for outcome in outcomes.values())
    assert judged == valid > 0  # every subject the matcher was given, judged by the rules in force
    assert "pending" not in outcomes.values()


def test_a_master_file_that_cannot_be_read_leaves_no_copy_of_the_pending_subjects(gateway, world, population, tmp_path):
    """The pending subjects are written for the matcher while it reads the master file: when that fails,
    the writing is waited for and its file removed; the request stays in 'matching', nothing decided."""
    from ftigate.errors import InputError

    _, subjects = population
    ref = _approved(gateway, world, subjects)
    master = tmp_path / "master.csv"
    master.write_text("tin,first_name\n123456789,Ann\n", encoding="utf-8")
    with pytest.raises(InputError):
        disclose(gateway, ref, master, by=proven.discloser(gateway))
    assert not list((gateway.data_dir / "work").rglob("*.parquet"))
    with transaction(gateway) as conn:
        row = requests_store.find_request(conn, "DHS-ICE", "ICE-2025-000017")
        assert row["state"] == "matching"
        assert requests_store.has_pending(conn, row["id"])
        assert {s["outcome"] for s in requests_store.iter_subjects(conn, row["id"])} <= {None, "invalid"}
