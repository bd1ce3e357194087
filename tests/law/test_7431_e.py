"""26 U.S.C. 7431(e): once a person is criminally charged with an unauthorized inspection or disclosure,
the taxpayer is notified as soon as practicable. Only the charges the subsection names start a notice."""

from __future__ import annotations

import pytest

from ftigate.law.after_disclosure import NOTICE_CHARGES, NOTICE_CITATION


def test_the_charges_are_those_7431_e_names():
    assert NOTICE_CITATION == "26 U.S.C. 7431(e)"
    assert set(NOTICE_CHARGES) == {"26 U.S.C. 7213(a)(1)", "26 U.S.C. 7213(a)(2)", "26 U.S.C. 7213A(a)",
                                   "18 U.S.C. 1030(a)(2)(B)"}


@pytest.mark.parametrize("charge", ["26 U.S.C. 7201", "8 U.S.C. 1253(a)(1)", "26 U.S.C. 7213", ""])
def test_another_charge_starts_no_notice(charge):
    assert charge not in NOTICE_CHARGES
