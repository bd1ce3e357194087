"""The review step's rules: who may decide, dual control, separation of duties, a written reason.

6103(i)(2)(A) permits disclosure "upon the grant of a written request": a person grants it. These
rules say who may, and when a second person must.
"""

from __future__ import annotations

import pytest

from ftigate.law import approval_complete, approvals_needed, parties_to, review_problems
from ftigate.settings import Thresholds

T = Thresholds(dual_control_subjects=1000)
PARTIES = frozenset({"ice-director", "ice-ero-0001"})


def problems(reviewer="do-1", role="disclosure_officer", decision="approve", reason="Specific reasons set out; "
             "statute and recipients verified.", earlier=(), valid=10):
    return review_problems(reviewer, role, decision, reason, PARTIES, list(earlier), valid, T)


def test_a_disclosure_officer_may_approve_a_small_batch():
    assert problems() == []


def test_dual_control_from_the_threshold():
    assert approvals_needed(999, T) == 1
    assert approvals_needed(1000, T) == 2


@pytest.mark.parametrize("role", ["administrator", "overseer", "", "requesting_official"])
def test_only_disclosure_officers_and_supervisors_review(role):
    found = problems(role=role)
    assert [f.rule for f in found] == ["L1-reviewer"]
    assert found[0].outcome == "fail"


def test_nobody_reviews_a_request_they_are_party_to():
    found = problems(reviewer="ice-ero-0001")
    assert found and "party" in found[0].message


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_written_reason_is_required(reason):
    (finding,) = problems(reason=reason)
    assert finding.rule == "L12-written-reason" and finding.citation == "26 U.S.C. 6103(p)(3)(A)"


def test_a_decision_must_be_approve_or_deny():
    assert problems(decision="maybe")


def test_the_second_approval_comes_from_a_different_supervisor():
    assert problems(reviewer="sup-1", role="supervisor", earlier=["do-1"], valid=5000) == []
    same = problems(reviewer="do-1", role="supervisor", earlier=["do-1"], valid=5000)
    assert any("different person" in f.message for f in same)
    officer = problems(reviewer="do-2", role="disclosure_officer", earlier=["do-1"], valid=5000)
    assert any("supervisor" in f.message for f in officer)


def test_no_approval_beyond_what_is_needed():
    assert problems(reviewer="do-2", earlier=["do-1"], valid=10)


def test_a_denial_needs_no_second_person():
    assert problems(reviewer="do-2", decision="deny", earlier=["do-1"], valid=5000) == []


def test_approval_is_complete_only_with_the_approvals_needed():
    assert approval_complete([("do-1", "disclosure_officer")], 10, T)
    assert not approval_complete([], 10, T)
    assert not approval_complete([("do-1", "disclosure_officer")], 5000, T)
    assert not approval_complete([("do-1", "disclosure_officer"), ("do-1", "supervisor")], 5000, T)
    assert not approval_complete([("do-1", "disclosure_officer"), ("do-2", "disclosure_officer")], 5000, T)
    assert approval_complete([("do-1", "disclosure_officer"), ("sup-1", "supervisor")], 5000, T)
    assert not approval_complete([("adm-1", "administrator")], 10, T)


def test_parties_are_the_official_and_the_recipients():
    request = {"official": "ice-director", "recipients": ["ice-ero-0001", 5, " ice-ero-0002 "]}
    assert parties_to(request) == {"ice-director", "ice-ero-0001", "ice-ero-0002"}
    assert parties_to({}) == frozenset()
