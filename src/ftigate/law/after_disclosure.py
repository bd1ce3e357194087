"""The law after a disclosure: what the recipient is told, the accounting and the annual report the
tax agency owes, and the clocks and notices an incident starts.

These rules decide no request; they bind what happens once return information has left. They live
here, beside the words they enforce, so that an overseer reading ``law/`` finds every obligation the
gateway keeps, and the use cases (``service.oversight``, ``service.delivery``) only apply them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

# --- 26 U.S.C. 6103(i)(2)(A), 6103(p)(4), 7213, 7213A: the terms a package carries --------------------
#: 6103(i)(2)(A): return information disclosed under the route "shall be open (but only to the extent
#: necessary) to officers and employees of such agency personally and directly engaged in" the
#: proceeding or investigation, "solely for their use" in it; 6103(p)(4) makes safeguards the
#: condition of receiving it; 7213 and 7213A make unauthorized disclosure and inspection crimes.
USE_RESTRICTIONS = (
    "Return information disclosed under 26 U.S.C. 6103(i)(2). It may be used solely in the investigation "
    "named, only by officers personally and directly engaged in it (6103(i)(2)(A)), and must be safeguarded "
    "under 6103(p)(4) and IRS Publication 1075. Unauthorized disclosure is a felony (26 U.S.C. 7213) and "
    "unauthorized inspection a crime (7213A). Destroy or return it by the date given and certify how."
)

# --- 26 U.S.C. 6103(p)(3)(A) and (C): accounting and the annual report -------------------------------
#: 6103(p)(3)(A): the Secretary "shall maintain a permanent system of standardized records or
#: accountings of all requests ... and all disclosures"
ACCOUNTING_CITATION = "26 U.S.C. 6103(p)(3)(A)"
#: 6103(p)(3)(C): within 90 days after the close of each calendar year, a report to the Joint
#: Committee on Taxation of the number of requests, of instances of disclosure, and of taxpayers whose
#: information was disclosed, by agency, and the general purposes
ANNUAL_CITATION = "26 U.S.C. 6103(p)(3)(C)"
ANNUAL_REPORT_DAYS = 90

# --- 26 U.S.C. 6103(p)(4) and IRS Publication 1075: the 24-hour report of an incident ----------------
#: Publication 1075, under 6103(p)(4): a possible unauthorized inspection or disclosure is reported to
#: the IRS Office of Safeguards immediately, and no later than 24 hours after it is identified
REPORT_WITHIN = dt.timedelta(hours=24)
REPORT_CITATION = "26 U.S.C. 6103(p)(4); IRS Publication 1075"

# --- 26 U.S.C. 7431(e): notice to the taxpayer -----------------------------------------------------------
#: 7431(e): where a person is criminally charged by indictment or information with an inspection or
#: disclosure of the taxpayer's return or return information, the Secretary "shall notify such
#: taxpayer as soon as practicable"
NOTICE_CITATION = "26 U.S.C. 7431(e)"
#: the criminal charges 7431(e) names (7213(a)(1), (2), 7213A, and 18 U.S.C. 1030(a)(2)(B))
NOTICE_CHARGES: dict[str, str] = {
    "26 U.S.C. 7213(a)(1)": "unauthorized disclosure of returns or return information by a federal employee",
    "26 U.S.C. 7213(a)(2)": "unauthorized disclosure of returns or return information by a state or other employee",
    "26 U.S.C. 7213A(a)": "unauthorized inspection of returns or return information",
    "18 U.S.C. 1030(a)(2)(B)": "unauthorized access to a computer to obtain information from a department or agency "
                               "of the United States",
}


def utc(value: dt.datetime) -> dt.datetime:
    """Stored date-times come back naive from SQLite; every one the gateway writes is UTC."""
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def duration_text(delta: dt.timedelta) -> str:
    """``1d 02h 05m``, ``3h 05m``, ``0h 42m``: what the 24-hour clock shows."""
    minutes = int(abs(delta).total_seconds() // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    return (f"{days}d {hours:02d}h {minutes:02d}m" if days else f"{hours}h {minutes:02d}m")


@dataclass(frozen=True)
class Clock:
    """The 24-hour clock of one incident (6103(p)(4), Publication 1075), read at ``at``."""

    identified_at: dt.datetime
    reported_at: dt.datetime | None
    at: dt.datetime

    @property
    def deadline(self) -> dt.datetime:
        return self.identified_at + REPORT_WITHIN

    @property
    def status(self) -> str:
        """``reported on time`` | ``reported late`` | ``due`` | ``overdue``."""
        if self.reported_at is not None:
            return "reported on time" if self.reported_at <= self.deadline else "reported late"
        return "due" if self.at <= self.deadline else "overdue"

    @property
    def on_time(self) -> bool:
        return self.status in ("reported on time", "due")

    def describe(self) -> str:
        if self.reported_at is not None:
            taken = duration_text(self.reported_at - self.identified_at)
            if self.reported_at <= self.deadline:
                return f"reported {taken} after identification, within 24 hours"
            return f"reported {taken} after identification: {duration_text(self.reported_at - self.deadline)} late"
        if self.at <= self.deadline:
            return f"not yet reported: {duration_text(self.deadline - self.at)} left"
        return f"not reported: overdue by {duration_text(self.at - self.deadline)}"


def clock(identified_at: dt.datetime, reported_at: dt.datetime | None, at: dt.datetime) -> Clock:
    """The clock of an incident identified at ``identified_at``, read at ``at`` (all taken as UTC)."""
    return Clock(utc(identified_at), utc(reported_at) if reported_at is not None else None, utc(at))
