"""26 U.S.C. 6103(i)(2)(B)(iii): the request sets forth "the statutory authority under which the
proceeding or investigation ... is being conducted" (L5)."""

from __future__ import annotations

import pytest

CITATION = "26 U.S.C. 6103(i)(2)(B)(iii)"


@pytest.mark.parametrize("authority", ["8 U.S.C. 1357(a)", "28 U.S.C. 533", "Sec. 287 INA"])
def test_a_cited_authority_passes(kit, authority):
    decision = kit.judge(kit.request(investigation={"authority": authority}))
    (finding,) = kit.findings(decision, "L5-statutory-authority")
    assert finding.outcome == "pass" and finding.citation == CITATION


@pytest.mark.parametrize("authority", [None, "", "N/A", "none", "law enforcement", "1357", 1357])
def test_a_missing_or_meaningless_authority_is_refused(kit, authority):
    request = kit.request(sign=None)
    if authority is None:
        request["investigation"].pop("authority")
    else:
        request["investigation"]["authority"] = authority
    decision = kit.judge(request)
    assert kit.outcomes(decision, "L5-statutory-authority") == {"fail"}
    assert decision.decision == "rejected"
