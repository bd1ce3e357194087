"""The conformance scenarios: realistic requests with the decision and citations the law demands.

Each ``*.json`` file beside this one holds scenarios written from the statute and the contract (docs/law.md, docs/formats.md): a story, how
the request differs from a valid one, and what must come of it. The runner builds the request from a
valid base (tests/law/conftest.py), applies the scenario's changes, signs it as the scenario says,
judges it, and compares:

- ``decision``: proceed | review | rejected (always);
- ``fail``: the exact set of citations of failing findings (request and subjects), if given;
- ``fail_rules`` / ``review_rules``: the exact sets of rule ids that failed / were flagged, if given;
- ``subjects``: {total, valid, invalid}, if given; ``invalid_ids``: the subject_ids judged invalid.

Scenario fields (all optional but ``name``, ``story`` and ``expect``):
``replace_request`` (the whole request object, as sent), ``request`` (members to set; null removes one), ``investigation`` (members to set; null removes one),
``subjects`` (a list of overrides of generated subjects, each on subject ``i`` (default: its position), or
{"generate": n, "distinct_reasons": bool}), ``subjects_file``
("same" | "mismatch" | "unreadable" | "uppercase"), ``sign`` (the official whose key signs; null: unsigned),
``after_signing`` (members changed after signing), ``registry`` (edits: {"set": "path/to/x", "to": v},
{"delete": "path"}, {"append": "kind", "value": {...}}), ``context`` ({"today", "thresholds",
"recent": [subject positions asked about recently]}).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from ftigate.crypto import sign_request
from ftigate.law import subject_key
from ftigate.settings import Thresholds

HERE = Path(__file__).parent
FAKE_SHA = "5a" * 32


def load_scenarios() -> list[dict[str, Any]]:
    scenarios = []
    for path in sorted(HERE.glob("*.json")):
        for scenario in json.loads(path.read_text(encoding="utf-8")):
            scenario["_file"] = path.name
            scenarios.append(scenario)
    return scenarios


SCENARIOS = load_scenarios()


def test_there_are_at_least_sixty_scenarios_with_unique_names():
    names = [s["name"] for s in SCENARIOS]
    assert len(names) >= 60
    assert len(names) == len(set(names))
    decisions = {s["expect"]["decision"] for s in SCENARIOS}
    assert decisions == {"proceed", "review", "rejected"}


def _edit_registry(data: dict[str, Any], edits: list[dict[str, Any]]) -> None:
    def walk(path: str) -> tuple[Any, Any]:
        parts = [int(p) if p.isdigit() else p for p in path.split("/")]
        node = data
        for part in parts[:-1]:
            node = node[part]
        return node, parts[-1]

    for edit in edits:
        if "set" in edit:
            node, key = walk(edit["set"])
            node[key] = edit["to"]
        elif "delete" in edit:
            node, key = walk(edit["delete"])
            del node[key]
        elif "append" in edit:
            data[edit["append"]].append(edit["value"])
        else:
            raise ValueError(f"unknown registry edit {edit}")


def _subjects(kit, spec: Any) -> list[dict[str, str]]:
    if spec is None:
        return kit.subjects(3)
    if isinstance(spec, dict) and "generate" in spec:
        rows = kit.subjects(spec["generate"])
        if spec.get("distinct_reasons"):
            for row in rows:
                row["reason"] = f"Named in sealed indictment CR-26-{row['subject_id'][2:]} for visa fraud"
        return rows
    rows = []
    for position, overrides in enumerate(spec, start=1):
        base = kit.subject(overrides.get("i", position))
        base.update({k: v for k, v in overrides.items() if k != "i"})
        rows.append(base)
    return rows


def build(kit, scenario: dict[str, Any]) -> tuple[dict[str, Any], list[dict[str, str]], dict[str, Any], Any]:
    subjects = _subjects(kit, scenario.get("subjects"))
    if "replace_request" in scenario:
        return scenario["replace_request"], [], kit.registry_data(), {}
    request = kit.request(subjects=subjects, sign=None)
    for key, value in scenario.get("request", {}).items():
        if value is None:
            request.pop(key, None)
        else:
            request[key] = value
    for key, value in scenario.get("investigation", {}).items():
        if not isinstance(request.get("investigation"), dict):
            break
        if value is None:
            request["investigation"].pop(key, None)
        else:
            request["investigation"][key] = value
    ctx: dict[str, Any] = {}
    file_mode = scenario.get("subjects_file")
    if file_mode:
        request.pop("subjects", None)
        request["subjects_file"] = "subjects.csv"
        request["subjects_sha256"] = FAKE_SHA.upper() if file_mode == "uppercase" else FAKE_SHA
        ctx["subjects_sha256_actual"] = {"same": FAKE_SHA, "uppercase": FAKE_SHA, "mismatch": "6" * 64,
                                         "unreadable": None}[file_mode]
    signer = scenario.get("sign", "ice-director")
    if signer is not None:
        request["signature"] = sign_request(request, kit.keys[signer])
    for key, value in scenario.get("after_signing", {}).items():
        request[key] = value
    registry_data = kit.registry_data()
    _edit_registry(registry_data, scenario.get("registry", []))
    context = scenario.get("context", {})
    if "today" in context:
        ctx["today"] = dt.date.fromisoformat(context["today"])
    if "thresholds" in context:
        ctx["thresholds"] = Thresholds(**context["thresholds"])
    if "recent" in context:
        ctx["recent_subject_keys"] = frozenset(subject_key(subjects[i - 1]) for i in context["recent"])
    return request, subjects, registry_data, ctx


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s["name"] for s in SCENARIOS])
def test_scenario(kit, scenario):
    from ftigate.law.registry import Registry

    request, subjects, registry_data, ctx = build(kit, scenario)
    decision = kit.judge(request, subjects if isinstance(request.get("subjects"), list) or "subjects_file" in request
                         else [], registry=Registry.model_validate(registry_data), **ctx)
    expect = scenario["expect"]
    story = f"{scenario['_file']}: {scenario['story']}\n" + "\n".join(
        f"  {f.outcome} {f.rule} {f.citation} [{f.subject_id}] {f.message}" for f in decision.findings
        if f.outcome != "pass")
    assert decision.decision == expect["decision"], story
    if "fail" in expect:
        assert {f.citation for f in decision.failures} == set(expect["fail"]), story
    if "fail_rules" in expect:
        assert {f.rule for f in decision.failures} == set(expect["fail_rules"]), story
    if "review_rules" in expect:
        assert {f.rule for f in decision.flags} == set(expect["review_rules"]), story
    if "subjects" in expect:
        counts = {"total": decision.total, "valid": decision.valid, "invalid": decision.invalid}
        assert counts == expect["subjects"], story
    if "invalid_ids" in expect:
        invalid = {subjects[i]["subject_id"] for i in decision.invalid_indices}
        assert invalid == set(expect["invalid_ids"]), story
    # whatever the scenario: a rejected request has a failing request-level finding, and every finding
    # carries a citation in the contract's form
    if decision.decision == "rejected":
        assert any(f.subject_id is None and f.outcome == "fail" for f in decision.findings), story
    assert all(f.citation.startswith("26 U.S.C. ") for f in decision.findings)
