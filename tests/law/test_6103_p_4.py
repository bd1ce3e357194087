"""26 U.S.C. 6103(p)(4): the recipient agency's safeguards are a condition of receiving anything (L11).

Approved and current on the day judged (``expires_on`` is the last valid day); absent or null is no
approval. The inspector general found ICE's open safeguard findings unaddressed when the arrangement
was signed: here the status is checked before anything flows.
"""

from __future__ import annotations

import datetime as dt

import pytest

CITATION = "26 U.S.C. 6103(p)(4)"


def _safeguards(value):
    def change(data):
        if value is ...:
            data["agencies"][0].pop("safeguards")
        else:
            data["agencies"][0]["safeguards"] = value
    return change


def test_current_safeguards_pass(kit):
    (finding,) = kit.findings(kit.judge(kit.request()), "L11-safeguards")
    assert finding.outcome == "pass" and finding.citation == CITATION


@pytest.mark.parametrize("value", [None, ...])
def test_no_approval_is_refused(kit, value):
    decision = kit.judge(kit.request(), registry=kit.registry(_safeguards(value)))
    (finding,) = kit.findings(decision, "L11-safeguards")
    assert finding.outcome == "fail" and "no approved safeguards" in finding.message
    assert decision.decision == "rejected"


@pytest.mark.parametrize("today,outcome", [
    (dt.date(2027, 1, 14), "pass"),   # the last valid day
    (dt.date(2027, 1, 15), "fail"),   # expired
    (dt.date(2026, 1, 15), "pass"),   # the first day
    (dt.date(2026, 1, 14), "fail"),   # not yet approved
])
def test_the_approval_must_be_current(kit, today, outcome):
    request = kit.request(signed_on="2025-06-27", taxable_periods=[2024])
    assert kit.outcomes(kit.judge(request, today=today), "L11-safeguards") == {outcome}


def test_an_unregistered_agency_has_no_safeguards(kit):
    assert kit.outcomes(kit.judge(kit.request(agency="DHS-CBP")), "L11-safeguards") == {"fail"}
