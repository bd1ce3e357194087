"""Withholding (26 U.S.C. 6103(i)(6)): some disclosures are never made, whatever the request.

"The Secretary shall not disclose any return or return information under paragraph (1), (2), ...
if the Secretary determines ... that such disclosure would identify a confidential informant or
seriously impair a civil or criminal tax investigation." The disclosure officers keep a withhold list (TIN and ground); a matched subject on
it is withheld, the finding records why, and the requester is told only "no record" (in the match
results: ``no_match``), so the answer itself reveals nothing.
"""

from __future__ import annotations

from collections.abc import Mapping

from ftigate.law.citations import WITHHOLDING
from ftigate.law.findings import Finding
from ftigate.law.rulebook import describe

RULE_WITHHOLD = "L10-withhold"
#: what the requester is told about a withheld subject: exactly what they are told when nobody matched
REQUESTER_OUTCOME = "no_match"
REQUESTER_MESSAGE = "no record"
#: grounds of the withhold list and how a finding states them
GROUNDS: dict[str, str] = {
    "informant": "disclosure would identify a confidential informant",
    "tax_investigation": "disclosure would seriously impair a civil or criminal tax investigation",
}

WITHHOLD_RULE = describe(
    RULE_WITHHOLD, WITHHOLDING,
    "The Secretary shall not disclose any return or return information under paragraph (1), (2), ... if the Secretary "
    "determines ... that such disclosure would identify a confidential informant or seriously impair a civil or "
    "criminal tax investigation",
    "subject",
    """A matched taxpayer on the disclosure officers' withhold list is withheld, whatever the request
    says: the finding records the ground, the requester is told only "no record".""",
)


def _digits(tin: str) -> str:
    return "".join(ch for ch in tin if ch.isdigit())


def withhold(tin: str, withhold_list: Mapping[str, str], subject_id: str | None = None) -> Finding | None:
    """The withholding finding for a matched ``tin`` on ``withhold_list`` (TIN -> ground), else None.

    The message states the ground, never the TIN. An unknown ground still withholds (fail closed).
    """
    if not tin:
        return None
    ground = withhold_list.get(tin)
    if ground is None:
        ground = withhold_list.get(_digits(tin))  # "123-45-6789" is the TIN 123456789
    if ground is None:
        return None
    reason = GROUNDS.get(ground, f"the disclosure officers withhold it (ground {ground!r})")
    return Finding(RULE_WITHHOLD, WITHHOLDING, "fail",
                   f"withheld: {reason}; the requester is told only \"{REQUESTER_MESSAGE}\"", subject_id)
