"""26 U.S.C. 6103(p)(3): a permanent accounting of every disclosure ((A)) and an annual report to the
Joint Committee on Taxation within 90 days after each calendar year ((C)); and the terms a package
carries under 6103(i)(2)(A) and (p)(4)."""

from __future__ import annotations

from ftigate.law.after_disclosure import ACCOUNTING_CITATION, ANNUAL_CITATION, ANNUAL_REPORT_DAYS, USE_RESTRICTIONS


def test_the_citations_and_the_90_days():
    assert ACCOUNTING_CITATION == "26 U.S.C. 6103(p)(3)(A)"
    assert ANNUAL_CITATION == "26 U.S.C. 6103(p)(3)(C)"
    assert ANNUAL_REPORT_DAYS == 90


def test_a_package_states_the_use_the_law_allows_and_the_penalties():
    for words in ("solely", "personally and directly engaged", "6103(p)(4)", "7213", "7213A", "Destroy or return"):
        assert words in USE_RESTRICTIONS
