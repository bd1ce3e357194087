"""26 U.S.C. 6103(i)(2)(A): who may ask (L1), for what kind of matter (L7), and who receives (L8).

"Upon receipt by the Secretary of a request which meets the requirements of subparagraph (B) from the
head of any Federal agency or the Inspector General thereof ... the Secretary shall disclose return
information (other than taxpayer return information) to officers and employees of such agency who
are personally and directly engaged in ... any investigation which may result in such a proceeding
... solely for the use of such officers and employees in such preparation, investigation, or grand
jury proceeding." The proceeding is one "pertaining to enforcement of a specifically designated
Federal criminal statute (not involving tax administration)" (6103(i)(1)(A)(i))."""

from __future__ import annotations

import base64
import datetime as dt

import pytest

from ftigate.crypto import sign_request
from ftigate.settings import Thresholds

CITATION = "26 U.S.C. 6103(i)(2)(A)"
#: L7 cites the purpose clause with the definition of the proceedings it refers to, as docs/law.md does
L7_CITATION = "26 U.S.C. 6103(i)(2)(A), 6103(i)(1)(A)(i)"


# --- L1: the requesting agency and the signing official -------------------------------------------------

def test_a_registered_head_in_office_may_ask(kit):
    decision = kit.judge(kit.request())
    assert kit.outcomes(decision, "L1-signing-official") == {"pass"}
    assert kit.outcomes(decision, "L1-signature") == {"pass"}
    assert kit.outcomes(decision, "L1-requesting-agency") == {"pass"}
    assert decision.decision == "proceed"


@pytest.mark.parametrize("official", ["ice-ig"])
def test_the_inspector_general_may_ask(kit, official):
    decision = kit.judge(kit.request(official=official, sign=official))
    assert kit.outcomes(decision, "L1-signing-official") == {"pass"}
    assert decision.decision == "proceed"


def test_a_doj_listed_official_may_ask_for_doj(kit):
    request = kit.request(agency="DOJ-FBI", official="fbi-director", sign="fbi-director", recipients=["fbi-sa-0001"],
                          request_id="FBI-1")
    decision = kit.judge(request)
    assert kit.outcomes(decision, "L1-signing-official") == {"pass"}
    assert decision.decision == "proceed"


def test_staff_may_be_registered_but_never_sign(kit):
    decision = kit.judge(kit.request(official="ice-staff", sign="ice-staff"))
    (finding,) = kit.findings(decision, "L1-signing-official")
    assert finding.outcome == "fail" and finding.citation == CITATION
    assert "staff" in finding.message
    assert decision.decision == "rejected"


def test_an_unregistered_official_is_refused(kit):
    decision = kit.judge(kit.request(official="ice-acting-director", sign="other"))
    assert kit.outcomes(decision, "L1-signing-official") == {"fail"}
    assert kit.outcomes(decision, "L1-signature") == {"fail"}
    assert decision.decision == "rejected"


def test_an_official_of_another_agency_is_refused(kit):
    decision = kit.judge(kit.request(official="fbi-director", sign="fbi-director"))
    (finding,) = kit.findings(decision, "L1-signing-official")
    assert finding.outcome == "fail" and "DOJ-FBI" in finding.message
    assert decision.decision == "rejected"


@pytest.mark.parametrize("signed_on,received,outcome", [
    ("2025-01-19", "2025-01-20", "fail"),   # dated the day before valid_from
    ("2025-01-20", "2025-01-20", "pass"),   # valid_from is inclusive
    ("2025-01-20", "2025-02-19", "pass"),   # received 30 days later: the default limit
    ("2025-01-20", "2025-02-20", "fail"),   # 31 days later: too old
    ("2026-11-29", "2026-11-29", "pass"),   # today
    ("2026-11-30", "2026-11-29", "fail"),   # after the day of receipt: not yet signed
    ("2026-02-30", "2026-11-29", "fail"),   # not a date
    ("20261120", "2026-11-29", "fail"),
])
def test_the_official_must_be_in_office_on_the_day_signed(kit, signed_on, received, outcome):
    decision = kit.judge(kit.request(signed_on=signed_on), today=dt.date.fromisoformat(received))
    assert kit.outcomes(decision, "L1-signing-official") == {outcome}


@pytest.mark.parametrize("signed_on,received,outcome", [
    ("2025-01-19", "2025-01-19", "pass"), ("2025-01-20", "2025-01-20", "fail"),
    ("2021-01-20", "2021-01-20", "pass"), ("2021-01-19", "2021-01-19", "fail"),
    ("2025-01-19", "2025-01-20", "fail"),   # signed on the last day, received the day after: backdated
    ("2025-01-19", "2026-11-29", "fail"),   # the attack: a former head signs today, dated into the term
])
def test_valid_to_is_inclusive_and_judged_on_the_day_of_receipt(kit, signed_on, received, outcome):
    decision = kit.judge(kit.request(official="ice-former", sign="ice-former", signed_on=signed_on),
                         today=dt.date.fromisoformat(received))
    assert kit.outcomes(decision, "L1-signing-official") == {outcome}


def test_the_limit_on_a_signature_s_age_is_a_setting(kit):
    request = kit.request(signed_on="2026-09-01")
    assert kit.outcomes(kit.judge(request), "L1-signing-official") == {"fail"}
    assert kit.outcomes(kit.judge(request, thresholds=Thresholds(signed_within_days=120)),
                        "L1-signing-official") == {"pass"}


def test_a_missing_signed_on_fails(kit):
    assert kit.outcomes(kit.judge(kit.request(signed_on=None)), "L1-signing-official") == {"fail"}


def test_an_unregistered_agency_is_refused(kit):
    decision = kit.judge(kit.request(agency="DHS-CBP"))
    assert kit.outcomes(decision, "L1-requesting-agency") == {"fail"}
    assert decision.decision == "rejected"


def test_a_missing_agency_is_refused(kit):
    assert kit.outcomes(kit.judge(kit.request(agency=None)), "L1-requesting-agency") == {"fail"}


# --- L1: the signature ------------------------------------------------------------------------------------

def test_an_unsigned_request_is_refused(kit):
    decision = kit.judge(kit.request(sign=None))
    (finding,) = kit.findings(decision, "L1-signature")
    assert finding.outcome == "fail" and "not signed" in finding.message
    assert decision.decision == "rejected"


def test_a_request_altered_after_signing_is_refused(kit):
    request = kit.request()
    request["taxable_periods"] = [2020, 2021, 2022, 2023, 2024, 2025]
    decision = kit.judge(request)
    assert kit.outcomes(decision, "L1-signature") == {"fail"}
    assert decision.decision == "rejected"


def test_a_subject_added_after_signing_is_refused(kit):
    request = kit.request()
    request["subjects"].append(kit.subject(99))
    assert kit.judge(request).decision == "rejected"


def test_a_signature_by_another_key_is_refused(kit):
    request = kit.request(sign=None)
    request["signature"] = sign_request(request, kit.keys["ice-ig"])
    assert kit.outcomes(kit.judge(request), "L1-signature") == {"fail"}


def test_a_signature_without_padding_is_refused(kit):
    request = kit.request()
    request["signature"] = request["signature"].rstrip("=")
    assert kit.outcomes(kit.judge(request), "L1-signature") == {"fail"}


def test_a_urlsafe_signature_is_refused(kit):
    for _ in range(40):  # find a signature whose standard base64 uses '+' or '/'
        request = kit.request(request_id=f"ICE-{_}")
        if "+" in request["signature"] or "/" in request["signature"]:
            break
    raw = base64.b64decode(request["signature"])
    request["signature"] = base64.urlsafe_b64encode(raw).decode()
    assert kit.outcomes(kit.judge(request), "L1-signature") == {"fail"}


def test_a_signature_that_is_not_text_is_refused(kit):
    request = kit.request()
    request["signature"] = 12345
    assert kit.outcomes(kit.judge(request), "L1-signature") == {"fail"}


def test_the_subjects_file_must_be_the_one_signed(kit):
    digest = "a" * 64
    request = kit.request(subjects=None, sign=None)
    request.pop("subjects")
    request.update(subjects_file="subjects.csv", subjects_sha256=digest)
    request["signature"] = sign_request(request, kit.keys["ice-director"])
    subjects = kit.subjects(3)
    assert kit.outcomes(kit.judge(request, subjects, subjects_sha256_actual=digest), "L1-signature") == {"pass"}
    assert kit.outcomes(kit.judge(request, subjects, subjects_sha256_actual="b" * 64), "L1-signature") == {"fail"}
    assert kit.outcomes(kit.judge(request, subjects, subjects_sha256_actual=None), "L1-signature") == {"fail"}


def test_subjects_sha256_must_be_lowercase_hex(kit):
    digest = "ab" * 32
    request = kit.request(sign=None)
    request.pop("subjects")
    request.update(subjects_file="subjects.csv", subjects_sha256=digest.upper())
    request["signature"] = sign_request(request, kit.keys["ice-director"])
    decision = kit.judge(request, kit.subjects(3), subjects_sha256_actual=digest)
    assert kit.outcomes(decision, "L1-signature") == {"fail"}


# --- L7: a specifically designated federal criminal statute, not tax administration -------------------------

@pytest.mark.parametrize("statute", ["8 U.S.C. 1253(a)(1)", "8 USC 1253(a)(1)", "8 U.S.C. § 1253(a)(1)", "18 U.S.C. 1546"])
def test_a_registered_criminal_statute_passes(kit, statute):
    decision = kit.judge(kit.request(investigation={"statute": statute}))
    assert kit.outcomes(decision, "L7-designated-statute") == {"pass"}


def test_civil_removal_proceedings_are_not_a_criminal_statute(kit):
    decision = kit.judge(kit.request(investigation={"statute": "8 U.S.C. 1229a"}))
    (finding,) = kit.findings(decision, "L7-designated-statute")
    assert finding.outcome == "fail" and "not a criminal statute" in finding.message
    assert decision.decision == "rejected"


def test_civil_removal_is_refused_even_if_registered_as_criminal(kit):
    def mislabel(data):
        for s in data["statutes"]:
            if s["citation"] == "8 U.S.C. 1229a":
                s["criminal"] = True
    decision = kit.judge(kit.request(investigation={"statute": "8 U.S.C. 1229a"}), registry=kit.registry(mislabel))
    assert kit.outcomes(decision, "L7-designated-statute") == {"fail"}


def test_a_subsection_of_civil_removal_is_civil_too(kit):
    def mislabel(data):
        data["statutes"].append({"citation": "8 U.S.C. 1229a(b)(1)", "title": "Removal hearing", "criminal": True,
                                 "tax_administration": False})
    decision = kit.judge(kit.request(investigation={"statute": "8 U.S.C. 1229a(b)(1)"}), registry=kit.registry(mislabel))
    assert kit.outcomes(decision, "L7-designated-statute") == {"fail"}


def test_a_tax_crime_goes_by_other_routes(kit):
    decision = kit.judge(kit.request(investigation={"statute": "26 U.S.C. 7201"}))
    (finding,) = kit.findings(decision, "L7-designated-statute")
    assert finding.outcome == "fail" and "tax administration" in finding.message


def test_a_title_26_statute_is_refused_even_if_registered_as_non_tax(kit):
    def mislabel(data):
        data["statutes"].append({"citation": "26 U.S.C. 7206", "title": "Fraud and false statements",
                                 "criminal": True, "tax_administration": False})
    decision = kit.judge(kit.request(investigation={"statute": "26 U.S.C. 7206"}), registry=kit.registry(mislabel))
    assert kit.outcomes(decision, "L7-designated-statute") == {"fail"}


def test_an_unregistered_statute_fails_closed(kit):
    decision = kit.judge(kit.request(investigation={"statute": "8 U.S.C. 1325"}))
    (finding,) = kit.findings(decision, "L7-designated-statute")
    assert finding.outcome == "fail" and "fail closed" in finding.message
    assert finding.citation == L7_CITATION


@pytest.mark.parametrize("kind", ["civil", "administrative", "Criminal", None, 1])
def test_the_investigation_must_be_criminal(kit, kind):
    request = kit.request(sign=None)
    if kind is None:
        request["investigation"].pop("kind")
    else:
        request["investigation"]["kind"] = kind
    request["signature"] = sign_request(request, kit.keys["ice-director"])
    decision = kit.judge(request)
    assert kit.outcomes(decision, "L7-criminal-investigation") == {"fail"}
    assert decision.decision == "rejected"


def test_the_investigation_must_be_identified(kit):
    decision = kit.judge(kit.request(investigation={"reference": None}))
    assert kit.outcomes(decision, "L7-criminal-investigation") == {"fail"}


@pytest.mark.parametrize("investigation", [None, "ERO-CI-2026-0042", ["criminal"]])
def test_a_missing_or_malformed_investigation_fails_without_error(kit, investigation):
    request = kit.request(sign=None)
    if investigation is None:
        request.pop("investigation")
    else:
        request["investigation"] = investigation
    decision = kit.judge(request)
    for rule in ("L7-criminal-investigation", "L7-designated-statute", "L5-statutory-authority"):
        assert kit.outcomes(decision, rule) == {"fail"}


# --- L8: recipients ---------------------------------------------------------------------------------------

def test_registered_officers_of_the_agency_may_receive(kit):
    assert kit.outcomes(kit.judge(kit.request()), "L8-recipients") == {"pass"}


@pytest.mark.parametrize("recipients", [
    ["ice-ero-0001", "ice-ero-9999"],       # not registered
    ["fbi-sa-0001"],                        # another agency's officer
    [],                                     # nobody named
    "ice-ero-0001",                         # not a list
    ["ice-ero-0001", 7],
    None,
])
def test_recipients_must_be_registered_officers_of_the_agency(kit, recipients):
    decision = kit.judge(kit.request(recipients=recipients))
    (finding,) = kit.findings(decision, "L8-recipients")
    assert finding.outcome == "fail" and finding.citation == CITATION
    assert decision.decision == "rejected"


def test_an_officer_listed_twice_counts_once(kit):
    decision = kit.judge(kit.request(recipients=["ice-ero-0001", "ice-ero-0001"]))
    assert kit.outcomes(decision, "L8-recipients") == {"pass"}


def test_too_many_subjects_per_recipient_is_flagged(kit):
    from ftigate.settings import Thresholds

    request = kit.request(subjects=kit.subjects(30), recipients=["ice-ero-0001"])
    flagged = kit.judge(request, thresholds=Thresholds(subjects_per_recipient=20))
    (finding,) = kit.findings(flagged, "L8-recipient-load")
    assert finding.outcome == "review" and "personally and directly engaged" in finding.message
    assert flagged.decision == "review"
    fine = kit.judge(request, thresholds=Thresholds(subjects_per_recipient=30))
    assert kit.outcomes(fine, "L8-recipient-load") == {"pass"}
    assert fine.decision == "proceed"
