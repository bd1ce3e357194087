"""service.disclose: a large request's batches prepared in a process of their own.

The process builds each batch's results from the matcher's columns, decides, encodes and commits
to them, while the request's own process writes the batch before. It must change nothing of what
is decided, stored or committed to (the same decisions, byte for byte, as a thread prepares), and
its death must lose nothing: the batch in hand rolls back, the request stays in ``matching``, and
the next run resumes it.
"""

from __future__ import annotations

import math
import multiprocessing
import os
import signal
from pathlib import Path
from typing import Any

import pytest
from test_decision_audit import _new_gateway
from test_lifecycle import _file_request, population  # noqa: F401  (the lifecycle's fixtures)

import proven
from ftigate.errors import FtigateError
from ftigate.service.log.decision_audit import verify_decisions
from ftigate.service.requests import disclose as disclose_module
from ftigate.service.requests.disclose import disclose
from ftigate.service.requests.review import review
from ftigate.service.requests.submit import submit_request_file
from ftigate.service.store_access import transaction
from ftigate.settings import Settings
from ftigate.store import disclosure_store, requests_store

BATCH = 40  # 300 subjects: 8 batches


def _approved(settings: Settings, world, population) -> str:
    result = submit_request_file(settings, _file_request(world, population))
    review(settings, result.ref, proven.as_(settings, "do-1"), "approve", "meets 6103(i)(2)")
    return result.ref


def _stored(settings: Settings, ref: str) -> tuple[dict[str, tuple[Any, ...]], dict[str, str], int]:
    """Each subject's stored decision, each disclosure's stored fields (by subject), and the number of batches."""
    agency, request_id = ref.split("/")
    with transaction(settings) as conn:
        row = requests_store.find_request(conn, agency, request_id)
        decisions = {s["subject_id"]: (s["outcome"], s["matched_tin"], s["match_probability"], s["evidence"],
                                       s["decision_digest"])
                     for s in requests_store.iter_subjects(conn, row["id"])}
        batches = len({s["decision_ledger_index"] for s in requests_store.iter_subjects(conn, row["id"], valid=True)}
                      - {None})
        fields = {subject_id: text for batch in disclosure_store.disclosed_batches(conn, row["id"])
                  for subject_id, text, _ in batch}
    return decisions, fields, batches


def _batches(decisions: dict[str, tuple[Any, ...]]) -> int:
    """How many batches the request's valid subjects make."""
    return math.ceil(sum(d[0] != "invalid" for d in decisions.values()) / BATCH)


def _kinds(monkeypatch) -> list[str]:
    """Record the kind of executor each disclosure prepares its batches in."""
    made: list[str] = []
    real = disclose_module._preparer

    def recorded(apart: bool):
        pool = real(apart)
        made.append(type(pool).__name__)
        return pool

    monkeypatch.setattr(disclose_module, "_preparer", recorded)
    return made


def test_batches_prepared_in_a_process_are_those_prepared_in_a_thread(tmp_path, population, trained_models,
                                                                      new_world, monkeypatch):
    master = population[0]
    monkeypatch.setattr(disclose_module, "BATCH", BATCH)
    kinds = _kinds(monkeypatch)
    stored = []
    for name, apart_from in (("apart", 1), ("thread", 10**9)):
        settings, world = _new_gateway(tmp_path / name, trained_models, new_world)
        ref = _approved(settings, world, population)
        monkeypatch.setattr(disclose_module, "APART_FROM_BATCHES", apart_from)
        assert disclose(settings, ref, master, by=proven.discloser(settings)).state == "delivered"
        assert verify_decisions(settings, ref).ok
        # the decisions' columns, which name taxpayers, are gone from the request's work folder
        assert not list((settings.data_dir / "work").glob("*/decided.arrow"))
        stored.append(_stored(settings, ref))
    assert kinds == ["OrderedWorkers", "_InThread"]
    (apart, apart_fields, apart_batches), (threaded, threaded_fields, threaded_batches) = stored
    assert apart == threaded and apart_fields == threaded_fields
    assert apart_batches == threaded_batches == _batches(apart) >= 6
    assert sum(outcome == "match" for outcome, *_ in apart.values()) == len(apart_fields) > 100


def test_a_killed_preparing_process_loses_nothing(tmp_path, population, trained_models, new_world, monkeypatch):
    master = population[0]
    settings, world = _new_gateway(tmp_path, trained_models, new_world)
    ref = _approved(settings, world, population)
    monkeypatch.setattr(disclose_module, "BATCH", BATCH)
    monkeypatch.setattr(disclose_module, "APART_FROM_BATCHES", 1)
    real = disclose_module._record_disclosures
    calls = [0]

    def kills_the_process_in_the_second_batch(*args, **kwargs):
        calls[0] += 1
        if calls[0] == 2:
            for child in multiprocessing.active_children():
                os.kill(child.pid, signal.SIGKILL)
        return real(*args, **kwargs)

    monkeypatch.setattr(disclose_module, "_record_disclosures", kills_the_process_in_the_second_batch)
    with pytest.raises(FtigateError, match="ended without an answer") as caught:
        disclose(settings, ref, master, by=proven.discloser(settings))
    assert "Traceback" not in str(caught.value)
    decisions, fields, batches = _stored(settings, ref)
    decided = [d for d in decisions.values() if d[0] not in (None, "invalid")]
    # whole batches only, at least the two written before the process was missed, never all of them
    assert 2 <= batches < _batches(decisions) and len(decided) == batches * BATCH
    assert len(fields) == sum(d[0] == "match" for d in decided)
    assert not list(Path(settings.data_dir / "work").glob("*/decided.arrow"))

    monkeypatch.setattr(disclose_module, "_record_disclosures", real)
    assert disclose(settings, ref, master, by=proven.discloser(settings)).state == "delivered"
    audit = verify_decisions(settings, ref)
    assert audit.ok and audit.batches == _batches(decisions)
    decisions, fields, _ = _stored(settings, ref)
    assert all(d[0] is not None for d in decisions.values())
    assert len(fields) == sum(d[0] == "match" for d in decisions.values())
