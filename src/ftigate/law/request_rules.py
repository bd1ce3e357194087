"""The hard requirements of a request under 26 U.S.C. 6103(i)(2): any ``fail`` here rejects it.

One rule per requirement of docs/law.md (L1, L2, L4 to L9, L11), each quoting the statute's words. A
rule judges whatever it is given: a member that is missing or of the wrong type is a ``fail`` with
a reason, never an error. Unknown officials, agencies, officers and statutes fail closed: what the
registry does not vouch for does not count.
"""

from __future__ import annotations

import base64
import binascii
import re

from ftigate.crypto import load_public_key, verify_request
from ftigate.errors import InputError
from ftigate.formats import REQUEST_FORMAT
from ftigate.law import citations as cite
from ftigate.law.context import Facts, parse_date, quote, text
from ftigate.law.findings import Finding
from ftigate.law.registry import SIGNING_ROLES, normalise_citation
from ftigate.law.rulebook import Rule, rule
from ftigate.law.vocabulary import ADDRESS_PLACEHOLDER_WORD_KEYS, NAME_PLACEHOLDER_KEYS, fold

_SHA256 = re.compile(r"[0-9a-f]{64}")
#: what the permanent log refuses as a possible TIN: nine digits in a row, or an SSN's or EIN's dashes
_TIN_SHAPE = re.compile(r"[0-9]{9}|(?<![0-9])(?:[0-9]{3}-[0-9]{2}-[0-9]{4}|[0-9]{2}-[0-9]{7})(?![0-9])")
#: the only kind of information this route may disclose (26 U.S.C. 6103(i)(2)(C), (b)(6))
TAXPAYER_IDENTITY = "taxpayer_identity"
#: a reason shorter than this many words cannot say why disclosure is relevant: flagged for review
MIN_REASON_WORDS = 4
#: statutes known to be civil whatever the registry says (26 U.S.C. 6103(i)(2)(A), 6103(i)(1)(A)(i): civil removal proceedings)
KNOWN_CIVIL = frozenset(normalise_citation(c) for c in ("8 U.S.C. 1229a", "8 U.S.C. 1227", "8 U.S.C. 1182"))
_ROLE_NAMES = {"head": "head of the agency", "inspector_general": "inspector general",
               "doj_listed": "official listed in 6103(i)(1)(B)"}


def _known_civil(key: str) -> bool:
    """A civil section, or a subsection of one ("8 USC 1229A(B)(1)" is within "8 USC 1229A")."""
    return any(key == c or key.startswith(c + "(") for c in KNOWN_CIVIL)


def _is_placeholder(value: str) -> bool:
    folded = fold(value)
    return not folded or folded in NAME_PLACEHOLDER_KEYS or folded in ADDRESS_PLACEHOLDER_WORD_KEYS


# --- L2: in writing, in the agreed form --------------------------------------------------------------

@rule("L2-format", cite.IN_WRITING, "A request meets the requirements of this subparagraph if the request is in writing and sets forth")
def request_format(r: Rule, facts: Facts) -> list[Finding]:
    """The request is a written document in the agreed form (``format: "ftigate-request/1"``), with
    the agency's own reference (``request_id``), so that the record of what was asked is exact."""
    found: list[Finding] = []
    fmt = facts.request.get("format")
    if fmt is None:
        found += r.failed(f"the request does not state its format: it must be '{REQUEST_FORMAT}'")
    elif fmt != REQUEST_FORMAT:
        found += r.failed(f"format {quote(fmt)} is not '{REQUEST_FORMAT}'")
    if not facts.text("request_id"):
        found += r.failed("the request has no request_id (the requesting agency's own reference)")
    elif _TIN_SHAPE.search(facts.text("request_id")):
        found += r.failed("the request_id holds nine digits in a row or a TIN's dashes: a reference that looks like a "
                          "taxpayer's TIN cannot be written into the permanent record of requests; use another")
    return found or r.passed(f"a written request in the form '{REQUEST_FORMAT}' with its reference")


@rule("L2-subjects-source", cite.IN_WRITING, "the request is in writing and sets forth ... the name and address of the taxpayer")
def subjects_source(r: Rule, facts: Facts) -> list[Finding]:
    """The subjects are set forth in exactly one place: inline (``subjects``) or in a file
    (``subjects_file``, bound to the signature by ``subjects_sha256``). Both at once leave it unclear
    which list the official signed, so the request is rejected."""
    has_inline = facts.request.get("subjects") is not None
    has_file = facts.request.get("subjects_file") is not None
    if has_inline and has_file:
        return r.failed("the request gives both 'subjects' and 'subjects_file': it must set forth its subjects in one place")
    if not has_inline and not has_file:
        return r.failed("the request sets forth no subjects: neither 'subjects' nor 'subjects_file' is given")
    if has_inline:
        if not isinstance(facts.request.get("subjects"), list):
            return r.failed("'subjects' must be a list of subject objects")
        return r.passed("the subjects are set forth in the request itself")
    if not facts.text("subjects_file"):
        return r.failed("'subjects_file' must name a file beside the request")
    return r.passed(f"the subjects are set forth in the file {quote(facts.text('subjects_file'))}")


@rule("L3-name-and-address", cite.NAME_AND_ADDRESS,
      "the name and address of the taxpayer with respect to whom the requested return information relates")
def name_and_address(r: Rule, facts: Facts) -> list[Finding]:
    """The request sets forth at least one subject with a usable name and address. Each subject is
    judged alone (``subject_findings``): one that fails is invalid, with its reason, and the others go
    on; a request with no usable subject at all has nothing that may proceed."""
    if facts.total == 0:
        return r.failed("the request sets forth no subject (no name and address of any taxpayer)")
    if facts.valid == 0:
        return r.failed(f"none of the {facts.total} subject(s) sets forth a usable name and address of the taxpayer")
    if facts.valid < facts.total:
        return r.passed(f"{facts.valid} of {facts.total} subjects set forth a usable name and address; "
                        f"{facts.total - facts.valid} invalid alone, with the reason")
    return r.passed(f"all {facts.total} subject(s) set forth a usable name and address")


# --- L1: who may ask -------------------------------------------------------------------------------

@rule("L1-requesting-agency", cite.WHO_MAY_ASK, "a request ... from the head of any Federal agency or the Inspector General thereof")
def requesting_agency(r: Rule, facts: Facts) -> list[Finding]:
    """The request comes from a registered federal agency. An agency the registry does not know is
    refused: nobody can say whose head or inspector general signed."""
    agency_id = facts.text("agency")
    if not agency_id:
        return r.failed("the request does not name the requesting agency ('agency')")
    if facts.agency is None:
        return r.failed(f"agency {quote(agency_id)} is not a registered federal agency (fail closed)")
    return r.passed(f"requesting agency {quote(agency_id)} is registered")


@rule("L1-signing-official", cite.WHO_MAY_ASK,
      "Upon receipt by the Secretary of a request which meets the requirements of subparagraph (B) from the head of "
      "any Federal agency or the Inspector General thereof referred to in paragraph (1)(A), or, in the case of the "
      "Department of Justice, the Attorney General, the Deputy Attorney General, the Associate Attorney General, any "
      "Assistant Attorney General, the Director of the Federal Bureau of Investigation, the Administrator of the Drug "
      "Enforcement Administration, any United States attorney, any special prosecutor appointed under section 593 of "
      "title 28, United States Code, or any attorney in charge of a criminal division organized crime strike force "
      "established pursuant to section 510 of title 28, United States Code")
def signing_official(r: Rule, facts: Facts) -> list[Finding]:
    """Only the head of the agency, its inspector general, or (for the Department of Justice) an
    official 6103(i)(1)(B) lists may sign; the official must be registered (an entry that was ended
    counts for nothing), of the requesting agency, and in office on the day the gateway receives the
    request, by its own clock (``valid_from``..``valid_to`` inclusive), as well as on the day the
    request says it was signed. ``signed_on`` is written by the requester, so it may not lie after the
    day of receipt nor more than ``signed_within_days`` days before it: an official who has left office
    cannot sign today and date it back into the term. Anyone else's signature (staff who prepare
    requests, say) never counts."""
    official_id = facts.text("official")
    if not official_id:
        return r.failed("the request does not name the official who signed it ('official')")
    official = facts.registry.official(official_id)
    if official is None:
        return r.failed(f"official {quote(official_id)} is not registered (or their registration was ended): no "
                        "signature of theirs can count (fail closed)")
    problems = []
    agency_id = facts.text("agency")
    today = facts.ctx.today
    within = facts.ctx.thresholds.signed_within_days
    if official.agency != agency_id:
        problems.append(f"official {quote(official_id)} belongs to {quote(official.agency)}, not to the requesting agency")
    if official.role not in SIGNING_ROLES:
        problems.append(f"official {quote(official_id)} holds the role {quote(official.role)}; only the head of the agency, "
                        "its inspector general or an official listed in 6103(i)(1)(B) may request")
    term = f"{official.valid_from.isoformat()} to {official.valid_to.isoformat() if official.valid_to else 'now'}"
    signed_on = parse_date(facts.request.get("signed_on"))
    if signed_on is None:
        problems.append("the request has no valid 'signed_on' date (YYYY-MM-DD)")
    elif signed_on > today:
        problems.append(f"the request is dated {signed_on.isoformat()}, after the day it was received ({today.isoformat()})")
    elif (today - signed_on).days > within:
        problems.append(f"the request is dated {signed_on.isoformat()}, more than {within} days before the day it was "
                        f"received ({today.isoformat()})")
    elif not official.in_office(signed_on):
        problems.append(f"official {quote(official_id)} was not in office on {signed_on.isoformat()} (in office {term})")
    if not official.in_office(today):
        problems.append(f"official {quote(official_id)} is not in office on the day the request was received, "
                        f"{today.isoformat()} (in office {term})")
    if problems:
        return r.failed("; ".join(problems))
    return r.passed(f"signed by {quote(official_id)} ({_ROLE_NAMES[official.role]}) of {quote(agency_id)}, "
                    f"in office on {signed_on.isoformat()} and on the day of receipt, {today.isoformat()}")  # type: ignore[union-attr]


@rule("L1-signature", cite.WHO_MAY_ASK, "a request which meets the requirements of subparagraph (B) from the head of any Federal agency or the Inspector General thereof")
def signature(r: Rule, facts: Facts) -> list[Finding]:
    """The official's Ed25519 signature verifies, with their registered key, over the RFC 8785
    canonical form of the request without its ``signature``; a subjects file must be the very file
    signed: its SHA-256 must equal ``subjects_sha256`` (lowercase hex). A request nobody can prove
    the official signed is not the official's request."""
    sig = facts.request.get("signature")
    if sig is None:
        return r.failed("the request is not signed ('signature' is missing)")
    if not isinstance(sig, str) or not _strict_base64(sig):
        return r.failed("the signature is not standard base64 with padding (RFC 4648 section 4)")
    official = facts.registry.official(facts.text("official"))
    if official is None:
        return r.failed("the signature cannot be verified: the official is not registered")
    try:
        key = load_public_key(official.public_key, "ed25519")
    except InputError:
        return r.failed("the signature cannot be verified: the official's registered key is not an Ed25519 key")
    if not verify_request(dict(facts.signed if facts.signed is not None else facts.request), key):
        return r.failed("the signature does not verify with the official's registered key over the canonical request "
                        "(the request was altered after signing, or signed by someone else)")
    if facts.request.get("subjects_file") is not None:
        claimed = facts.request.get("subjects_sha256")
        if not isinstance(claimed, str) or not _SHA256.fullmatch(claimed):
            return r.failed("'subjects_sha256' must be the SHA-256 of the subjects file in lowercase hex: the signature "
                            "does not cover the subjects otherwise")
        actual = facts.ctx.subjects_sha256_actual
        if actual is None:
            return r.failed("the subjects file could not be read, so it cannot be shown to be the file signed")
        if actual != claimed:
            return r.failed("the subjects file is not the one signed: its SHA-256 differs from 'subjects_sha256'")
        return r.passed("the signature verifies over the canonical request, and the subjects file is the one signed")
    return r.passed("the signature verifies over the canonical request")


def _strict_base64(value: str) -> bool:
    try:
        raw = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return False
    return bool(raw) and base64.b64encode(raw).decode("ascii") == value


# --- L4, L5, L6: what the request sets forth --------------------------------------------------------

@rule("L4-taxable-periods", cite.TAXABLE_PERIODS, "the taxable period or periods to which such return information relates")
def taxable_periods(r: Rule, facts: Facts) -> list[Finding]:
    """The request sets forth the taxable period or periods: a non-empty list of years, none after
    the current calendar year (a period that has not begun has no return information)."""
    periods = facts.request.get("taxable_periods")
    if periods is None:
        return r.failed("the request does not set forth the taxable period or periods ('taxable_periods')")
    if not isinstance(periods, list) or not periods:
        return r.failed("'taxable_periods' must be a non-empty list of years")
    bad = [p for p in periods if not isinstance(p, int) or isinstance(p, bool) or not 1900 <= p <= 9999]
    if bad:
        return r.failed(f"'taxable_periods' holds {quote(bad[0])}, which is not a year")
    this_year = facts.ctx.today.year
    future = sorted({p for p in periods if p > this_year})
    if future:
        return r.failed(f"taxable period(s) {', '.join(map(str, future))} lie in the future (after {this_year})")
    return r.passed(f"taxable periods {', '.join(map(str, sorted(set(periods))))}")


@rule("L5-statutory-authority", cite.STATUTORY_AUTHORITY,
      "the statutory authority under which the proceeding or investigation described in subparagraph (A) is being conducted")
def statutory_authority(r: Rule, facts: Facts) -> list[Finding]:
    """The request sets forth the statutory authority under which the investigation is conducted
    (``investigation.authority``), as a citation: words and a section number, not a placeholder."""
    authority = text(facts.investigation.get("authority"))
    if not authority:
        return r.failed("the request does not set forth the statutory authority for the investigation ('investigation.authority')")
    if _is_placeholder(authority) or not re.search(r"\d", authority) or not re.search(r"[A-Za-z]", authority):
        return r.failed(f"{quote(authority)} is not a statutory authority: cite the statute (e.g. '8 U.S.C. 1357(a)')")
    return r.passed(f"statutory authority {quote(authority)}")


@rule("L6-specific-reason", cite.SPECIFIC_REASON,
      "the specific reason or reasons why such disclosure is, or may be, relevant to such proceeding or investigation")
def specific_reason(r: Rule, facts: Facts) -> list[Finding]:
    """The request sets forth the specific reason why disclosure is, or may be, relevant: in
    ``reason``, or for each subject in its own ``reason``. None at all is a failure; a reason too brief
    to say anything is flagged for a reviewer, who judges whether it is specific."""
    reason = facts.text("reason")
    if not reason or _is_placeholder(reason):
        if facts.subjects and all(text(s.get("reason")) and not _is_placeholder(text(s.get("reason"))) for s in facts.subjects):
            return r.passed("each subject sets forth its own reason")
        what = "no reason" if not reason else f"no reason ({quote(reason)} is a placeholder)"
        return r.failed(f"the request sets forth {what} why disclosure is, or may be, relevant to the investigation")
    if len(reason.split()) < MIN_REASON_WORDS:
        return r.flagged(f"the reason given is {len(reason.split())} word(s) long: a reviewer must judge whether it is a "
                         "specific reason why disclosure is relevant")
    return r.passed("the request sets forth a reason why disclosure is relevant")


# --- L7: a specifically designated federal criminal statute, not tax administration ------------------

@rule("L7-criminal-investigation", cite.CRIMINAL_STATUTE,
      "personally and directly engaged in (i) preparation for any judicial or administrative proceeding described in "
      "paragraph (1)(A)(i), (ii) any investigation which may result in such a proceeding, or (iii) any grand jury "
      "proceedings described in paragraph (1)(A)(iii)")
def criminal_investigation(r: Rule, facts: Facts) -> list[Finding]:
    """The request is for a criminal investigation (``investigation.kind`` is ``"criminal"``) that it
    identifies (``investigation.reference``). A civil matter (such as civil removal proceedings) is
    not one, whatever it is called."""
    if not isinstance(facts.request.get("investigation"), dict):
        return r.failed("the request does not describe the investigation ('investigation')")
    found: list[Finding] = []
    kind = facts.investigation.get("kind")
    if kind != "criminal":
        shown = "no kind" if kind is None else f"kind {quote(kind)}"
        found += r.failed(f"the investigation is of {shown}: only a criminal investigation may be the ground of this request")
    if not text(facts.investigation.get("reference")):
        found += r.failed("the request does not identify the investigation ('investigation.reference')")
    return found or r.passed(f"criminal investigation {quote(text(facts.investigation.get('reference')))}")


@rule("L7-designated-statute", cite.CRIMINAL_STATUTE,
      "6103(i)(1)(A)(i): any judicial or administrative proceeding pertaining to enforcement of a specifically "
      "designated Federal criminal statute (not involving tax administration) to which the United States or such "
      "agency is or may be a party")
def designated_statute(r: Rule, facts: Facts) -> list[Finding]:
    """The investigation concerns a statute the registry designates as federal *criminal* and *not*
    involving tax administration. An unregistered statute is refused (fail closed); a civil one
    (8 U.S.C. 1229a removal proceedings) is refused; a tax crime (Title 26) goes by other routes."""
    citation = text(facts.investigation.get("statute"))
    if not citation:
        return r.failed("the request does not name the federal criminal statute under investigation ('investigation.statute')")
    statute = facts.registry.statute(citation)
    if statute is None:
        return r.failed(f"statute {quote(citation)} is not a registered, specifically designated federal criminal statute (fail closed)")
    key = normalise_citation(statute.citation)
    if not statute.criminal or _known_civil(key):
        return r.failed(f"{quote(statute.citation)} is not a criminal statute: a civil matter is not a ground for this request")
    if statute.tax_administration or key.startswith("26 USC"):
        return r.failed(f"{quote(statute.citation)} involves tax administration: this route is for non-tax criminal matters only")
    return r.passed(f"{quote(statute.citation)} is a designated federal criminal statute not involving tax administration")


# --- L8: who receives -------------------------------------------------------------------------------

@rule("L8-recipients", cite.RECIPIENTS,
      "to officers and employees of such agency who are personally and directly engaged in ... solely for the use of "
      "such officers and employees in such preparation, investigation, or grand jury proceeding")
def recipients(r: Rule, facts: Facts) -> list[Finding]:
    """Disclosure goes only to officers of the requesting agency, named in the request and registered
    (with the key a package is encrypted to). An unknown officer, or one of another agency, is refused."""
    value = facts.request.get("recipients")
    if value is None:
        return r.failed("the request names no recipient officers ('recipients')")
    if not isinstance(value, list) or not value:
        return r.failed("'recipients' must be a non-empty list of registered officer ids")
    if any(not isinstance(v, str) or not v.strip() for v in value):
        return r.failed("'recipients' must hold officer ids (strings) only")
    agency_id = facts.text("agency")
    unknown = [o for o in facts.recipients if facts.registry.officer(o) is None]
    foreign = [o for o in facts.recipients if (off := facts.registry.officer(o)) is not None and off.agency != agency_id]
    problems = []
    if unknown:
        problems.append(f"not registered officer(s): {', '.join(map(quote, unknown))}")
    if foreign:
        problems.append(f"officer(s) of another agency: {', '.join(map(quote, foreign))}")
    if problems:
        return r.failed("recipients must be registered officers of the requesting agency; " + "; ".join(problems))
    return r.passed(f"{len(facts.recipients)} named recipient officer(s) of {quote(agency_id)}")


# --- L9: what may be disclosed ----------------------------------------------------------------------

@rule("L9-information", cite.INFORMATION,
      "the Secretary shall disclose return information (other than taxpayer return information) ...; (C) For purposes "
      "of this paragraph, a taxpayer's identity shall not be treated as taxpayer return information")
def information(r: Rule, facts: Facts) -> list[Finding]:
    """Only the taxpayer's identity (name, mailing address, TIN: 6103(b)(6)) may be asked for under
    this route; anything the taxpayer filed is taxpayer return information (6103(b)(3)) and is refused."""
    asked = facts.request.get("information")
    if asked is None:
        return r.failed("the request does not say what information it asks for ('information')")
    if not isinstance(asked, list) or not asked:
        return r.failed(f"'information' must be a list; only {quote(TAXPAYER_IDENTITY)} may be asked for")
    refused = [a for a in asked if a != TAXPAYER_IDENTITY]
    if refused:
        return r.failed(f"refused: {', '.join(map(quote, refused))}: only the taxpayer's identity ({quote(TAXPAYER_IDENTITY)}) "
                        "may be disclosed under 6103(i)(2); taxpayer return information may not")
    return r.passed("only the taxpayer's identity is asked for")


# --- L11: the recipient's safeguards ---------------------------------------------------------------

@rule("L11-safeguards", cite.SAFEGUARDS,
      "as a condition for receiving returns or return information (A) establish and maintain, to the satisfaction of "
      "the Secretary, a permanent system of standardized records ...; (B) ... a secure area or place ...; (C) restrict "
      "... access ...; (D) provide such other safeguards which the Secretary determines ... to be necessary or "
      "appropriate ...; (E) furnish a report to the Secretary ... which describes the procedures established and "
      "utilized")
def safeguards(r: Rule, facts: Facts) -> list[Finding]:
    """The requesting agency's safeguards (its Safeguard Security Report) are approved and current on
    the day the request was signed (``signed_on``, which may lie at most ``signed_within_days`` before
    the day the gateway receives it; today when the request carries no valid date); ``expires_on`` is
    the last valid day. No approval, nothing flows.

    What flows is judged again on the day it would flow: the disclosure step refuses to disclose
    anything to an agency whose approval is not current on that day.
    """
    agency = facts.agency
    if agency is None:
        return r.failed("the requesting agency is not registered, so it has no approved safeguards")
    sg = agency.safeguards
    day = parse_date(facts.request.get("signed_on")) or facts.ctx.today
    if sg is None:
        return r.failed(f"agency {quote(agency.id)} has no approved safeguards (Safeguard Security Report) on record")
    if day < sg.approved_on:
        return r.failed(f"the safeguards approval of {quote(agency.id)} takes effect only on "
                        f"{sg.approved_on.isoformat()}, after the request was signed ({day.isoformat()})")
    if day > sg.expires_on:
        return r.failed(f"the safeguards approval of {quote(agency.id)} expired on {sg.expires_on.isoformat()}, "
                        f"before the request was signed ({day.isoformat()})")
    return r.passed(f"the safeguards of {quote(agency.id)} are approved from {sg.approved_on.isoformat()} until "
                    f"{sg.expires_on.isoformat()}, which covers the day the request was signed")


#: the request-level hard requirements, in the order their findings are reported
REQUEST_RULES: tuple[Rule, ...] = (
    request_format, subjects_source, name_and_address, requesting_agency, signing_official, signature, taxable_periods,
    statutory_authority, specific_reason, criminal_investigation, designated_statute, recipients,
    information, safeguards,
)
