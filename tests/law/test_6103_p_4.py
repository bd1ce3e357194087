"""26 U.S.C. 6103(p)(4): the recipient agency's safeguards are a condition of receiving anything (L11).

Approved and current on the day the request was signed (``expires_on`` is the last valid day); absent
or null is no approval; the disclosure step checks again on the day anything would flow. The inspector general found ICE's open safeguard findings unaddressed when the arrangement
was signed: here the status is checked before anything flows.
"""

from __future__ import annotations

import datetime as dt

import pytest

CITATION = "26 U.S.C. 6103(p)(4)(A)\u2013(F)"


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


@pytest.mark.parametrize("signed_on,outcome", [
    ("2027-01-14", "pass"),   # the last valid day
    ("2027-01-15", "fail"),   # expired
    ("2026-01-15", "pass"),   # the first day
    ("2026-01-14", "fail"),   # not yet approved
])
def test_the_approval_must_be_current_when_signed(kit, signed_on, outcome):
    request = kit.request(signed_on=signed_on, taxable_periods=[2024])
    registry = kit.registry(_safeguards({"approved_on": "2026-01-15", "expires_on": "2027-01-14"}))
    received = dt.date.fromisoformat(signed_on) + dt.timedelta(days=5)
    assert kit.outcomes(kit.judge(request, registry=registry, today=received), "L11-safeguards") == {outcome}


def test_the_same_request_gets_the_same_verdict_later(kit):
    request = kit.request(signed_on="2026-06-01", taxable_periods=[2024])
    early = kit.judge(request, today=dt.date(2026, 6, 2))
    late = kit.judge(request, today=dt.date(2028, 1, 1))  # long after the approval lapsed (2027-01-14)
    assert kit.outcomes(early, "L11-safeguards") == kit.outcomes(late, "L11-safeguards") == {"pass"}


def test_an_unregistered_agency_has_no_safeguards(kit):
    assert kit.outcomes(kit.judge(kit.request(agency="DHS-CBP")), "L11-safeguards") == {"fail"}
