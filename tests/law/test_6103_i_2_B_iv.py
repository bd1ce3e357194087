"""26 U.S.C. 6103(i)(2)(B)(iv): the request sets forth "the specific reason or reasons why such
disclosure is, or may be, relevant to such proceeding or investigation" (L6).

A missing reason fails. Whether a reason is *specific* is a judgement: a reason too brief to say
anything, one identical reason for every subject of a large batch, a batch far above the agency's
usual size and subjects already asked about recently are flagged for a reviewer, never decided here.
"""

from __future__ import annotations

import pytest

from ftigate.law import subject_key
from ftigate.settings import Thresholds

CITATION = "26 U.S.C. 6103(i)(2)(B)(iv)"


def test_a_reason_passes(kit):
    (finding,) = kit.findings(kit.judge(kit.request()), "L6-specific-reason")
    assert finding.outcome == "pass" and finding.citation == CITATION


@pytest.mark.parametrize("reason", [None, "", "   ", "N/A", "none", "TBD", ["a reason"]])
def test_no_reason_is_refused(kit, reason):
    decision = kit.judge(kit.request(reason=reason))
    assert kit.outcomes(decision, "L6-specific-reason") == {"fail"}
    assert decision.decision == "rejected"


def test_a_reason_for_each_subject_suffices(kit):
    subjects = [kit.subject(i, reason=f"Named as co-defendant in indictment CR-26-{i:04d} for visa fraud")
                for i in range(1, 4)]
    decision = kit.judge(kit.request(subjects=subjects, reason=None))
    assert kit.outcomes(decision, "L6-specific-reason") == {"pass"}
    assert decision.decision == "proceed"


def test_a_missing_reason_for_one_subject_is_not_a_reason(kit):
    subjects = [kit.subject(1, reason="Named in indictment CR-26-0001 for visa fraud"), kit.subject(2)]
    decision = kit.judge(kit.request(subjects=subjects, reason=None))
    assert kit.outcomes(decision, "L6-specific-reason") == {"fail"}


@pytest.mark.parametrize("reason", ["investigation", "law enforcement purposes"])
def test_a_very_brief_reason_is_flagged(kit, reason):
    decision = kit.judge(kit.request(reason=reason))
    assert kit.outcomes(decision, "L6-specific-reason") == {"review"}
    assert decision.decision == "review"


def test_one_reason_for_every_subject_of_a_large_batch_is_flagged(kit):
    thresholds = Thresholds(boilerplate_reason_min_subjects=20)
    request = kit.request(subjects=kit.subjects(20))
    decision = kit.judge(request, thresholds=thresholds)
    (finding,) = kit.findings(decision, "L6-same-reason")
    assert finding.outcome == "review" and finding.citation == CITATION and "all 20" in finding.message
    assert decision.decision == "review"


def test_the_same_reason_column_for_every_subject_is_flagged_too(kit):
    subjects = [kit.subject(i, reason="Subject of an open criminal investigation") for i in range(1, 21)]
    decision = kit.judge(kit.request(subjects=subjects), thresholds=Thresholds(boilerplate_reason_min_subjects=20))
    assert kit.outcomes(decision, "L6-same-reason") == {"review"}


def test_identical_reasons_of_their_own_are_flagged_in_a_small_batch(kit):
    subjects = [kit.subject(i, reason="Subject of an open criminal investigation") for i in range(1, 4)]
    decision = kit.judge(kit.request(subjects=subjects))
    (finding,) = kit.findings(decision, "L6-same-reason")
    assert finding.outcome == "review" and "own reasons" in finding.message
    assert decision.decision == "review"


def test_one_request_reason_for_a_small_batch_is_not_boilerplate(kit):
    assert kit.findings(kit.judge(kit.request(subjects=kit.subjects(3))), "L6-same-reason") == []


def test_reasons_that_differ_are_not_flagged(kit):
    subjects = [kit.subject(i, reason=f"Named in indictment CR-26-{i:04d}") for i in range(1, 21)]
    decision = kit.judge(kit.request(subjects=subjects), thresholds=Thresholds(boilerplate_reason_min_subjects=20))
    assert kit.outcomes(decision, "L6-same-reason") == {"pass"}
    assert decision.decision == "proceed"


def test_a_small_request_is_not_judged_for_boilerplate(kit):
    decision = kit.judge(kit.request(subjects=kit.subjects(19)), thresholds=Thresholds(boilerplate_reason_min_subjects=20))
    assert kit.findings(decision, "L6-same-reason") == []


def test_a_batch_far_above_the_agency_usual_is_flagged(kit):
    # DHS-ICE usually sends 50; the default factor is 3, so 151 is flagged and 150 is not
    thresholds = Thresholds(boilerplate_reason_min_subjects=10_000)
    big = kit.judge(kit.request(subjects=kit.subjects(151)), thresholds=thresholds)
    (finding,) = kit.findings(big, "L6-batch-size")
    assert finding.outcome == "review" and "50" in finding.message
    assert big.decision == "review"
    usual = kit.judge(kit.request(subjects=kit.subjects(150)), thresholds=thresholds)
    assert kit.outcomes(usual, "L6-batch-size") == {"pass"}


def test_without_a_registered_usual_size_the_default_applies(kit):
    def no_usual(data):
        data["agencies"][0].pop("usual_subjects_per_request")
    thresholds = Thresholds(default_usual_subjects=10, boilerplate_reason_min_subjects=10_000)
    decision = kit.judge(kit.request(subjects=kit.subjects(31)), registry=kit.registry(no_usual), thresholds=thresholds)
    assert kit.outcomes(decision, "L6-batch-size") == {"review"}


def test_subjects_asked_about_recently_are_flagged(kit):
    subjects = kit.subjects(3)
    recent = frozenset({subject_key(subjects[1])})
    decision = kit.judge(kit.request(subjects=subjects), recent_subject_keys=recent)
    assert kit.outcomes(decision, "L6-repeated-subject") == {"review"}
    (flag,) = [f for f in decision.findings if f.rule == "L6-repeated-subject" and f.subject_id]
    assert flag.subject_id == subjects[1]["subject_id"]
    assert decision.decision == "review"


def test_recent_subjects_match_despite_case_and_punctuation(kit):
    subjects = kit.subjects(2)
    earlier = dict(subjects[0], first_name=subjects[0]["first_name"].upper(),
                   address_line1=subjects[0]["address_line1"].upper() + ".", zip=subjects[0]["zip"] + "-0001")
    decision = kit.judge(kit.request(subjects=subjects), recent_subject_keys=frozenset({subject_key(earlier)}))
    assert kit.outcomes(decision, "L6-repeated-subject") == {"review"}


def test_unrelated_recent_subjects_are_not_flagged(kit):
    decision = kit.judge(kit.request(), recent_subject_keys=frozenset({subject_key(kit.subject(500))}))
    assert kit.outcomes(decision, "L6-repeated-subject") == {"pass"}
    assert decision.decision == "proceed"
