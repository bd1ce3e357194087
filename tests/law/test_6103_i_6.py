"""26 U.S.C. 6103(i)(6): no disclosure that "would identify a confidential informant or seriously impair
a civil or criminal tax investigation" (L10). The requester is told only "no record"."""

from __future__ import annotations

from ftigate.law import REQUESTER_OUTCOME, withhold

WITHHOLD = {"900000001": "informant", "900000002": "tax_investigation", "900000003": "other"}


def test_a_tin_not_on_the_list_is_not_withheld():
    assert withhold("123456789", WITHHOLD) is None
    assert withhold("", WITHHOLD) is None
    assert withhold("123456789", {}) is None


def test_an_informant_is_withheld_with_the_citation():
    finding = withhold("900000001", WITHHOLD, subject_id="S-1")
    assert finding is not None
    assert finding.rule == "L10-withhold"
    assert finding.citation == "26 U.S.C. 6103(i)(6)"
    assert finding.outcome == "fail"
    assert finding.subject_id == "S-1"
    assert "confidential informant" in finding.message
    assert "900000001" not in finding.message


def test_a_tax_investigation_is_withheld():
    finding = withhold("900000002", WITHHOLD)
    assert finding is not None and "tax investigation" in finding.message


def test_an_unknown_ground_still_withholds():
    assert withhold("900000003", WITHHOLD) is not None


def test_a_hyphenated_tin_is_the_same_tin():
    assert withhold("900-00-0001", WITHHOLD) is not None


def test_the_requester_is_told_only_no_record():
    finding = withhold("900000001", WITHHOLD)
    assert REQUESTER_OUTCOME == "no_match"
    assert '"no record"' in finding.message
