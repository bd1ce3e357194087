"""docs/law.md lists every rule with its citation, every review threshold with its default, and the
scenario count: the document and the code cannot drift apart unnoticed."""

from __future__ import annotations

import json
import re
from dataclasses import fields
from pathlib import Path

from ftigate.law import rules
from ftigate.settings import Thresholds

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "law.md").read_text(encoding="utf-8")


def test_every_rule_is_documented_with_its_citation():
    for r in rules():
        row = re.search(rf"^\| `{re.escape(r.id)}` \| ([^|]+) \|", DOC, re.MULTILINE)
        assert row, f"{r.id} is missing from the rules table of docs/law.md"
        assert row.group(1).strip() == r.citation, r.id


def test_the_review_rules_are_documented():
    for rule_id in ("L1-reviewer", "L1-dual-control", "L12-written-reason"):
        assert f"`{rule_id}`" in DOC


def test_every_review_threshold_is_documented_with_its_default():
    for f in fields(Thresholds):
        if f.name == "destroy_within_days":
            continue  # a delivery setting, not a review threshold
        row = re.search(rf"^\| `{f.name}` \| ([^|]+) \|", DOC, re.MULTILINE)
        assert row, f"threshold {f.name} is missing from docs/law.md"
        assert row.group(1).strip() == str(f.default), f.name


def test_the_scenario_count_is_the_documented_one():
    count = sum(len(json.loads(p.read_text(encoding="utf-8")))
                for p in (ROOT / "tests" / "law" / "scenarios").glob("*.json"))
    assert f"hold {count} realistic requests" in DOC
