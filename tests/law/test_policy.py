"""The policy: versioned rule sets, deterministic decisions, and re-explaining old decisions."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

import ftigate.law as law
from ftigate.law import POLICY_VERSION, Decision, Finding, UnknownPolicyVersion, evaluate, explain, explain_text, rules
from ftigate.law.policy import POLICIES, RULES_FINGERPRINT, Policy

LAW_DIR = Path(law.__file__).parent
#: the modules whose source is the rules: a change to any of them is a change of policy
RULE_MODULES = ("citations.py", "duties.py", "intake_rules.py", "judgement_rules.py", "request_rules.py",
                "subject_keys.py", "subject_rules.py", "text.py", "vocabulary.py", "withholding.py")


def rules_fingerprint() -> str:
    digest = hashlib.sha256()
    for name in RULE_MODULES:
        digest.update(name.encode() + b"\0" + (LAW_DIR / name).read_bytes() + b"\0")
    return digest.hexdigest()


def test_a_rule_change_comes_with_a_new_policy_version():
    """If this fails, a rule changed: add a new POLICY_VERSION (keeping the old rule set) and record the
    new fingerprint for it in ftigate.law.policy.RULES_FINGERPRINT."""
    assert RULES_FINGERPRINT[POLICY_VERSION] == rules_fingerprint()


def test_every_rule_has_an_id_a_citation_words_and_an_explanation():
    ids = [r.id for r in rules()]
    assert len(ids) == len(set(ids))
    for r in rules():
        assert r.citation.startswith("26 U.S.C. 6103(")
        assert r.words and r.explanation
        assert r.id.split("-")[0] in {f"L{i}" for i in range(1, 15)}


def test_every_finding_comes_from_a_rule_of_the_policy(kit):
    ids = {r.id for r in rules()}
    decision = kit.judge(kit.request(subjects=[kit.subject(1), kit.subject(2, first_name="FNU")]))
    assert {f.rule for f in decision.findings} <= ids


def test_every_decision_carries_its_policy_version(kit):
    assert kit.judge(kit.request()).policy_version.split("+")[0] == POLICY_VERSION
    assert kit.judge({}).policy_version.split("+")[0] == POLICY_VERSION


def test_an_unknown_version_is_refused(kit):
    with pytest.raises(UnknownPolicyVersion):
        evaluate(kit.request(), [], kit.registry(), kit.ctx(), policy_version="1999.01-1")
    with pytest.raises(UnknownPolicyVersion):
        explain([], "1999.01-1")


def test_the_same_request_gives_the_same_decision(kit):
    request = kit.request(subjects=[kit.subject(1), kit.subject(2, address_line1="Unknown Address"), kit.subject(1)])
    first, second = kit.judge(request), kit.judge(request)
    assert json.dumps(first.to_json()) == json.dumps(second.to_json())


def test_to_json_is_the_contract_object(kit):
    data = kit.judge(kit.request(subjects=[kit.subject(1), kit.subject(2, last_name="LNU")])).to_json()
    assert list(data) == ["decision", "policy_version", "findings", "subjects"]
    assert data["subjects"] == {"total": 2, "valid": 1, "invalid": 1}
    assert all(list(f) == ["rule", "citation", "outcome", "message", "subject_id"] for f in data["findings"])
    assert Decision.from_json(json.loads(json.dumps(data))).to_json() == data


def test_a_request_failure_rejects_and_a_flag_only_reviews(kit):
    assert kit.judge(kit.request()).decision == "proceed"
    assert kit.judge(kit.request(reason="investigation")).decision == "review"
    assert kit.judge(kit.request(reason="investigation", taxable_periods=[2099])).decision == "rejected"


def test_no_usable_subject_rejects(kit):
    decision = kit.judge(kit.request(subjects=[kit.subject(1, first_name="FNU"), kit.subject(2, zip="", city="")]))
    assert decision.decision == "rejected"
    assert (decision.valid, decision.invalid) == (0, 2)


def test_explain_gives_the_words_of_the_law(kit):
    decision = kit.judge(kit.request(taxable_periods=[2099]))
    explained = explain(decision.findings, decision.policy_version)
    (period,) = [e for e in explained if e.finding.rule == "L4-taxable-periods"]
    assert period.rule is not None and "taxable period or periods" in period.rule.words
    text = explain_text([f.to_json() for f in decision.findings], decision.policy_version)
    assert text.startswith(f"policy version {POLICY_VERSION}")
    assert "FAIL L4-taxable-periods (26 U.S.C. 6103(i)(2)(B)(ii))" in text


def test_an_old_decision_is_explained_and_judged_under_its_own_version(kit, monkeypatch):
    """A later policy changes a rule; a decision of the earlier version still reads as it was made."""
    current = POLICIES[POLICY_VERSION]
    from dataclasses import replace

    from ftigate.law.rulebook import rule

    @rule("L4-taxable-periods", "26 U.S.C. 6103(i)(2)(B)(ii)", "the taxable period or periods (later reading)")
    def stricter(r, facts):
        """A later reading: at most two periods."""
        periods = facts.request.get("taxable_periods") or []
        return r.failed("more than two periods") if len(periods) > 2 else r.passed("two periods or fewer")

    later = replace(current, version="2099.01-1",
                    request_rules=tuple(stricter if r.id == "L4-taxable-periods" else r for r in current.request_rules))
    monkeypatch.setitem(POLICIES, "2099.01-1", later)
    request = kit.request(taxable_periods=[2023, 2024, 2025])
    old = kit.judge(request)
    new = evaluate(request, kit.subjects(3), kit.registry(), kit.ctx(), policy_version="2099.01-1")
    assert (old.decision, new.decision) == ("proceed", "rejected")
    (old_expl,) = [e for e in explain(old.findings, old.policy_version) if e.finding.rule == "L4-taxable-periods"]
    (new_expl,) = [e for e in explain(new.findings, new.policy_version) if e.finding.rule == "L4-taxable-periods"]
    assert "later reading" not in old_expl.rule.words
    assert "later reading" in new_expl.rule.words


def test_a_finding_of_a_rule_unknown_to_the_version_is_said_so():
    (e,) = explain([Finding("L99-nothing", "26 U.S.C. 6103(z)", "fail", "x")], POLICY_VERSION)
    assert e.rule is None and "not part of the policy version" in e.text()


def test_progress_is_reported_on_large_batches(kit):
    seen = []
    subjects = kit.subjects(120_000 // 1000)  # small: progress is still reported at start and end
    kit.judge(kit.request(subjects=subjects), progress=lambda stage, done, total: seen.append((stage, done, total)))
    n = len(subjects)
    assert seen[0] == ("judging subjects", 0, n) and seen[-1] == ("judging subjects", n, n)


def test_policies_are_complete():
    for version, pol in POLICIES.items():
        assert isinstance(pol, Policy) and pol.version == version
        assert pol.subject_check is not None
