"""26 U.S.C. 6103(i)(2)(B): "A request meets the requirements of this subparagraph if the request is in
writing and sets forth ..." (L2).

The written request is a JSON document in the agreed form; its subjects are set forth in exactly one
place; a request that parses is judged however incomplete, member by member, never with an error.
"""

from __future__ import annotations

import pytest

from ftigate.law.intake_rules import malformed_row, subjects_file_problem

CITATION = "26 U.S.C. 6103(i)(2)(B)"


def test_the_agreed_form_passes(kit):
    assert kit.outcomes(kit.judge(kit.request()), "L2-format") == {"pass"}


@pytest.mark.parametrize("fmt", [None, "ftigate-request/2", "", 1])
def test_another_form_is_refused(kit, fmt):
    decision = kit.judge(kit.request(format=fmt) if fmt is not None else kit.request(format=None))
    (finding,) = kit.findings(decision, "L2-format")
    assert finding.outcome == "fail" and finding.citation == CITATION
    assert decision.decision == "rejected"


@pytest.mark.parametrize("request_id", [None, "", "   ", 17])
def test_the_agency_reference_is_required(kit, request_id):
    decision = kit.judge(kit.request(request_id=request_id))
    assert kit.outcomes(decision, "L2-format") == {"fail"}


def test_both_subjects_and_a_subjects_file_are_refused(kit):
    request = kit.request(subjects_file="subjects.csv", subjects_sha256="0" * 64)
    decision = kit.judge(request, subjects_sha256_actual="0" * 64)
    (finding,) = kit.findings(decision, "L2-subjects-source")
    assert finding.outcome == "fail" and "both" in finding.message
    assert decision.decision == "rejected"


def test_no_subjects_at_all_are_refused(kit):
    request = kit.request()
    request.pop("subjects")
    decision = kit.judge(request)
    assert kit.outcomes(decision, "L2-subjects-source") == {"fail"}
    assert kit.outcomes(decision, "L3-name-and-address") == {"fail"}
    assert decision.decision == "rejected"
    assert decision.total == 0


@pytest.mark.parametrize("subjects", [{"subject_id": "S-1"}, "S-1", 3])
def test_subjects_must_be_a_list(kit, subjects):
    decision = kit.judge(kit.request(subjects=subjects))
    assert kit.outcomes(decision, "L2-subjects-source") == {"fail"}
    assert decision.decision == "rejected"


def test_an_empty_subjects_list_is_refused(kit):
    request = kit.request(subjects=[])
    decision = kit.judge(request)
    assert kit.outcomes(decision, "L3-name-and-address") == {"fail"}
    assert decision.decision == "rejected"


def test_an_empty_object_is_judged_not_raised(kit):
    decision = kit.judge({})
    assert decision.decision == "rejected"
    failed = {f.rule for f in decision.failures}
    assert {"L2-format", "L2-subjects-source", "L1-requesting-agency", "L1-signing-official", "L1-signature",
            "L4-taxable-periods", "L5-statutory-authority", "L6-specific-reason", "L7-criminal-investigation",
            "L7-designated-statute", "L8-recipients", "L9-information", "L11-safeguards"} <= failed


def test_wrongly_typed_members_are_judged_not_raised(kit):
    weird = {"format": ["x"], "agency": {"id": 1}, "official": 3, "signed_on": 20250101, "investigation": 5,
             "taxable_periods": "2024", "reason": ["why"], "information": "taxpayer_identity", "recipients": {"a": 1},
             "subjects": [None, 3, {"subject_id": ["x"]}], "signature": None}
    decision = kit.judge(weird, subjects=[])
    assert decision.decision == "rejected"


def test_a_subjects_file_problem_rejects_the_request(kit):
    request = kit.request(sign=None, subjects_file="missing.csv", subjects_sha256="0" * 64)
    request.pop("subjects")
    problem = subjects_file_problem("subjects file 'missing.csv' does not exist beside the request")
    decision = kit.judge(request, [], intake_findings=(problem,))
    assert problem in decision.findings
    assert decision.decision == "rejected"


def test_a_malformed_row_is_invalid_alone(kit):
    subjects = kit.subjects(3)
    problem = malformed_row(2, "has 12 fields where the header has 11", None, subjects[1]["subject_id"])
    decision = kit.judge(kit.request(subjects=subjects), subjects, row_problems={1: (problem,)})
    assert decision.invalid_indices == frozenset({1})
    assert (decision.total, decision.valid, decision.invalid) == (3, 2, 1)
    assert problem in decision.findings
    assert problem.message.startswith("row 2")
    assert decision.decision == "proceed"


def test_a_repeated_subject_id_makes_the_later_subject_invalid(kit):
    subjects = kit.subjects(3)
    subjects[2]["subject_id"] = subjects[0]["subject_id"]
    decision = kit.judge(kit.request(subjects=subjects))
    assert decision.invalid_indices == frozenset({2})
    (finding,) = [f for f in decision.findings if f.rule == "L3-subject-id"]
    assert "row 1" in finding.message and finding.message.startswith("row 3")
    assert decision.decision == "proceed"


def test_a_copied_row_is_invalid_and_flagged_as_a_duplicate(kit):
    subjects = kit.subjects(2) + [kit.subject(1)]
    decision = kit.judge(kit.request(subjects=subjects))
    assert decision.invalid_indices == frozenset({2})
    assert kit.outcomes(decision, "L3-duplicate-subject") == {"review"}
    assert decision.decision == "review"
