"""Judgement calls: what the law leaves to a person is flagged for review, never decided silently.

None of these rejects a request; each produces ``review`` findings that send it to a disclosure
officer with the reason. The thresholds are settings (``ftigate.settings.Thresholds``), documented
with their defaults in docs/law.md.
"""

from __future__ import annotations

from collections.abc import Mapping

from ftigate.law import citations as cite
from ftigate.law.context import Facts, text
from ftigate.law.findings import Finding
from ftigate.law.rulebook import Rule, rule
from ftigate.law.subject_keys import subject_key
from ftigate.law.text import mixes_scripts

#: at most this many subjects are flagged one by one for each duplicate rule; the count covers all
MAX_LISTED = 1000


@rule("L6-batch-size", cite.SPECIFIC_REASON,
      "the specific reason or reasons why such disclosure is, or may be, relevant", scope="judgement")
def batch_size(r: Rule, facts: Facts) -> list[Finding]:
    """A batch far larger than the agency's usual request (more than ``batch_size_factor`` times its
    registered ``usual_subjects_per_request``) is flagged: the reported arrangement went from a refused
    list of 700,000 to accepted lists of over a million names. Whether a specific reason can cover so
    many is for a person to judge."""
    thresholds = facts.ctx.thresholds
    usual = (facts.agency.usual_subjects_per_request if facts.agency else None) or thresholds.default_usual_subjects
    limit = usual * thresholds.batch_size_factor
    if facts.total > limit:
        return r.flagged(f"{facts.total} subjects are more than {thresholds.batch_size_factor:g} times the agency's usual "
                         f"{usual} per request: a reviewer must judge whether the request is specific to them")
    return r.passed(f"{facts.total} subject(s): within {thresholds.batch_size_factor:g} times the agency's usual {usual}")


@rule("L6-same-reason", cite.SPECIFIC_REASON,
      "the specific reason or reasons why such disclosure is, or may be, relevant", scope="judgement")
def same_reason(r: Rule, facts: Facts) -> list[Finding]:
    """One identical reason for every subject is flagged as boilerplate: the statute asks for the
    specific reason why disclosure is relevant, and a reviewer must judge whether one sentence can be
    that for every person. Flagged when the subjects carry reasons of their own (``reason`` column)
    that all say the same, or when a large batch (at least ``boilerplate_reason_min_subjects``)
    relies on the request's one reason for all."""
    if facts.total < 2:
        return []
    request_reason = facts.text("reason")
    own = [text(s.get("reason")) for s in facts.subjects]
    reasons = {reason or request_reason for reason in own}
    gave_own = any(own)
    minimum = facts.ctx.thresholds.boilerplate_reason_min_subjects
    if not gave_own and facts.total < minimum:
        return []
    if len(reasons) == 1:
        where = "in the subjects' own reasons" if gave_own else "by the request for all of them"
        return r.flagged(f"the same reason is given for all {facts.total} subjects ({where}): a reviewer must judge "
                         "whether it is a specific reason for each of them")
    return r.passed(f"{len(reasons)} different reasons are given across {facts.total} subjects")


@rule("L3-duplicate-subject", cite.NAME_AND_ADDRESS, "the name and address of the taxpayer", scope="judgement")
def duplicate_subjects(r: Rule, facts: Facts) -> list[Finding]:
    """The same person (same name, date of birth, street and ZIP code) set forth twice in one request is
    flagged: it inflates the request and may hide a data error. The first occurrence stands; a copy
    under the same subject_id is also invalid (L3-subject-id) and flagged all the same."""
    seen: dict[str, int] = {}
    repeats: list[tuple[int, int]] = []
    for index, row in enumerate(facts.subjects):
        if index in facts.invalid_indices and index not in facts.repeated_id_only:
            continue
        key = subject_key(row)
        first = seen.setdefault(key, index)
        if first != index:
            repeats.append((index, first))
    if not repeats:
        return [] if facts.valid == 0 else r.passed("no subject is set forth twice")
    found = r.flagged(f"{len(repeats)} subject(s) repeat an earlier subject of this request")
    for index, first in repeats[:MAX_LISTED]:
        sid = text(facts.subjects[index].get("subject_id")) or None
        found += r.flagged(f"row {facts.row_number(index)} repeats the subject of row {facts.row_number(first)}", sid)
    return found


@rule("L6-repeated-subject", cite.SPECIFIC_REASON,
      "the specific reason or reasons why such disclosure is, or may be, relevant", scope="judgement")
def repeated_subjects(r: Rule, facts: Facts) -> list[Finding]:
    """A subject the same agency already asked about in a recent request (within ``recent_days``) is
    flagged: asking again, or splitting a refused list into new ones, is for a person to judge."""
    recent = facts.ctx.recent_subject_keys
    if not recent or facts.valid == 0:
        return []
    repeated = [i for i, row in enumerate(facts.subjects) if i not in facts.invalid_indices and subject_key(row) in recent]
    days = facts.ctx.thresholds.recent_days
    if not repeated:
        return r.passed(f"no subject was asked about in the agency's requests of the last {days} days")
    found = r.flagged(f"{len(repeated)} subject(s) were already asked about in the agency's requests of the last {days} days")
    for index in repeated[:MAX_LISTED]:
        sid = text(facts.subjects[index].get("subject_id")) or None
        found += r.flagged(f"row {facts.row_number(index)} was already asked about in a recent request of the agency", sid)
    return found


@rule("L8-recipient-load", cite.RECIPIENTS,
      "officers and employees of such agency who are personally and directly engaged in ... such proceeding or "
      "investigation", scope="judgement")
def recipient_load(r: Rule, facts: Facts) -> list[Finding]:
    """More subjects per named recipient officer than anyone could be personally and directly engaged
    with (``subjects_per_recipient``) is flagged. The court (Nov 21, 2025) doubted that one officer could
    be personally and directly engaged in over a million investigations."""
    named = len(facts.recipients)
    if named == 0 or facts.total == 0:
        return []
    limit = facts.ctx.thresholds.subjects_per_recipient
    load = facts.total / named
    if load > limit:
        return r.flagged(f"{facts.total} subjects for {named} named recipient officer(s) is {load:,.0f} each, more than "
                         f"{limit} one officer can plausibly be personally and directly engaged with")
    return r.passed(f"{load:,.0f} subject(s) per named recipient officer (at most {limit})")


def _strings(value: object, path: str) -> list[str]:
    """The member paths of ``value`` whose text mixes scripts within a word (without recursion: a
    request may nest deeply)."""
    found: list[str] = []
    work: list[tuple[object, str]] = [(value, path)]
    while work:
        item, where = work.pop()
        if isinstance(item, str):
            if mixes_scripts(item):
                found.append(where)
        elif isinstance(item, list):
            work.extend((child, f"{where}[{i}]") for i, child in enumerate(item))
        elif isinstance(item, dict):
            work.extend((child, f"{where}.{key}" if where else str(key)) for key, child in item.items())
    return sorted(found)


def _ascii(row: Mapping[str, object]) -> bool:
    """Whether every value of a row is plain ASCII text (no word of it can mix scripts)."""
    try:
        return "".join(row.values()).isascii()  # type: ignore[arg-type]
    except TypeError:
        return False


@rule("L3-mixed-script", cite.NAME_AND_ADDRESS, "the name and address of the taxpayer", scope="judgement")
def mixed_script(r: Rule, facts: Facts) -> list[Finding]:
    """Text is judged as it reads. A word whose letters come from scripts no language writes together
    (a Latin name with a Cyrillic "а" in it, "FΝU" with a Greek Nu) reads as one thing and is written as
    another: the rules compare it by its look (its confusable skeleton, Unicode TR 39), and a person
    must read it before anything is disclosed. Flagged, with the member or the subject it is in."""
    request_paths = [p for key, value in facts.request.items() if key not in ("subjects", "signature")
                     for p in _strings(value, key)]
    subjects = [i for i, row in enumerate(facts.subjects) if not _ascii(row) and _strings(dict(row), "")]
    if not request_paths and not subjects:
        return r.passed("no word mixes letters of different scripts")
    found: list[Finding] = []
    if request_paths:
        shown = ", ".join(request_paths[:10]) + (" and more" if len(request_paths) > 10 else "")
        found += r.flagged(f"a word mixes letters of different scripts in {shown}: a reviewer must read it as written")
    if subjects:
        found += r.flagged(f"{len(subjects)} subject(s) have a word that mixes letters of different scripts")
        for index in subjects[:MAX_LISTED]:
            sid = text(facts.subjects[index].get("subject_id")) or None
            found += r.flagged(f"row {facts.row_number(index)} has a word that mixes letters of different scripts "
                               "(look-alike letters): a reviewer must read it as written", sid)
    return found


JUDGEMENT_RULES: tuple[Rule, ...] = (batch_size, same_reason, duplicate_subjects, repeated_subjects, recipient_load,
                                     mixed_script)
