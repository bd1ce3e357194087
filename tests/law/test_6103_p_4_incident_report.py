"""26 U.S.C. 6103(p)(4) and IRS Publication 1075: a possible unauthorized inspection or disclosure is
reported no later than 24 hours after it is identified (L14). The clock is law, read at a given moment."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from ftigate.law.after_disclosure import REPORT_CITATION, REPORT_WITHIN, clock, duration_text

T0 = dt.datetime(2025, 8, 7, 9, tzinfo=dt.UTC)
H = dt.timedelta(hours=1)


def test_the_report_is_due_24_hours_after_identification():
    assert REPORT_WITHIN == 24 * H
    assert "6103(p)(4)" in REPORT_CITATION and "Publication 1075" in REPORT_CITATION
    assert clock(T0, None, T0).deadline == T0 + 24 * H


def test_no_later_than_24_hours_includes_the_24th_hour():
    assert clock(T0, T0 + 24 * H, T0 + 30 * H).status == "reported on time"
    assert clock(T0, T0 + 24 * H + dt.timedelta(seconds=1), T0 + 30 * H).status == "reported late"
    assert clock(T0, None, T0 + 24 * H).status == "due"
    assert clock(T0, None, T0 + 24 * H + dt.timedelta(seconds=1)).status == "overdue"


def test_naive_times_are_read_as_utc():
    assert clock(dt.datetime(2025, 8, 7, 9), None, T0).identified_at == T0


def test_the_clock_speaks_in_days_hours_and_minutes():
    assert duration_text(dt.timedelta(minutes=42)) == "0h 42m"
    assert duration_text(dt.timedelta(days=1, hours=2, minutes=5)) == "1d 02h 05m"
    assert clock(T0, None, T0 + 2 * H).describe() == "not yet reported: 22h 00m left"
    assert clock(T0, T0 + 50 * H, T0 + 60 * H).describe() == \
        "reported 2d 02h 00m after identification: 1d 02h 00m late"


@given(reported=st.one_of(st.none(), st.integers(min_value=0, max_value=10 * 24 * 3600)),
       read=st.integers(min_value=0, max_value=10 * 24 * 3600))
def test_on_time_exactly_when_reported_or_read_within_the_deadline(reported, read):
    reported_at = None if reported is None else T0 + dt.timedelta(seconds=reported)
    c = clock(T0, reported_at, T0 + dt.timedelta(seconds=read))
    moment = reported_at if reported_at is not None else c.at
    assert c.on_time == (moment <= T0 + REPORT_WITHIN)
    assert c.status in (("reported on time", "reported late") if reported_at else ("due", "overdue"))
