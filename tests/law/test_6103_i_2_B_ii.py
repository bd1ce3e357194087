"""26 U.S.C. 6103(i)(2)(B)(ii): the request sets forth "the taxable period or periods" (L4).

Years, as a non-empty list; none after the current calendar year.
"""

from __future__ import annotations

import pytest

CITATION = "26 U.S.C. 6103(i)(2)(B)(ii)"


@pytest.mark.parametrize("periods", [[2024], [2022, 2023, 2024], [2026], [2019, 2019]])
def test_past_and_current_years_pass(kit, periods):
    decision = kit.judge(kit.request(taxable_periods=periods))
    (finding,) = kit.findings(decision, "L4-taxable-periods")
    assert finding.outcome == "pass" and finding.citation == CITATION


@pytest.mark.parametrize("periods", [[2027], [2024, 2027], [2031]])
def test_a_future_year_is_refused(kit, periods):
    decision = kit.judge(kit.request(taxable_periods=periods))
    (finding,) = kit.findings(decision, "L4-taxable-periods")
    assert finding.outcome == "fail" and "future" in finding.message
    assert decision.decision == "rejected"


@pytest.mark.parametrize("periods", [None, [], "2024", ["2024"], [2024.0], [True], [24], {"from": 2022}])
def test_missing_or_malformed_periods_are_refused(kit, periods):
    decision = kit.judge(kit.request(taxable_periods=periods))
    assert kit.outcomes(decision, "L4-taxable-periods") == {"fail"}
    assert decision.decision == "rejected"


def test_the_current_year_follows_the_day_judged(kit):
    import datetime as dt

    request = kit.request(taxable_periods=[2027], signed_on="2026-11-20")
    assert kit.outcomes(kit.judge(request), "L4-taxable-periods") == {"fail"}
    assert kit.outcomes(kit.judge(request, today=dt.date(2027, 1, 2)), "L4-taxable-periods") == {"pass"}
