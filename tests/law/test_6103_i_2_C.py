"""26 U.S.C. 6103(i)(2)(C) with 6103(b)(6): only the taxpayer's identity may be disclosed (L9).

"... a taxpayer's identity shall not be treated as taxpayer return information." Anything the
taxpayer filed (income, employer, dependants, a return itself) is taxpayer return information and is
refused, with the reason.
"""

from __future__ import annotations

import pytest

CITATION = "26 U.S.C. 6103(i)(2)(C), 6103(b)(2), (b)(3), (b)(6)"


def test_taxpayer_identity_may_be_asked_for(kit):
    (finding,) = kit.findings(kit.judge(kit.request(information=["taxpayer_identity"])), "L9-information")
    assert finding.outcome == "pass" and finding.citation == CITATION


@pytest.mark.parametrize("information", [
    ["taxpayer_identity", "income"], ["tax_return"], ["taxpayer_identity", "employer"], ["wages"],
    ["taxpayer_identity", "bank_accounts"], ["Taxpayer_Identity"],
])
def test_anything_more_is_refused_with_the_reason(kit, information):
    decision = kit.judge(kit.request(information=information))
    (finding,) = kit.findings(decision, "L9-information")
    assert finding.outcome == "fail"
    assert "taxpayer return information" in finding.message
    refused = [i for i in information if i != "taxpayer_identity"]
    assert all(item in finding.message for item in refused)
    assert decision.decision == "rejected"


@pytest.mark.parametrize("information", [None, [], "taxpayer_identity", [None]])
def test_a_missing_or_malformed_list_is_refused(kit, information):
    decision = kit.judge(kit.request(information=information))
    assert kit.outcomes(decision, "L9-information") == {"fail"}
    assert decision.decision == "rejected"
