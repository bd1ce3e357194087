"""Reads for the staff console: a page of a request's subjects under filters, counts for the review
queue, and packages whose destruction certificate is overdue. They change nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, RowMapping, and_, exists, func, select

from ftigate.store.tables import events, findings, packages, requests, reviews, subjects

#: columns a subjects table shows (never a TIN)
_LISTED = ("id", "row_number", "subject_id", "valid", "outcome", "match_probability")


def _subject_filter(pk: int, outcome: str | None, rule: str | None, search: str | None) -> list[Any]:
    where: list[Any] = [subjects.c.request == pk]
    if outcome == "valid":
        where.append(subjects.c.valid.is_(True))
    elif outcome == "invalid":
        where.append(subjects.c.valid.is_(False))
    elif outcome == "pending":
        where.append(and_(subjects.c.valid.is_(True), subjects.c.outcome.is_(None)))
    elif outcome:
        where.append(subjects.c.outcome == outcome)
    if rule:
        where.append(exists().where(and_(findings.c.request == pk, findings.c.subject_id == subjects.c.subject_id,
                                         findings.c.rule == rule, findings.c.outcome != "pass")))
    if search:
        where.append(subjects.c.subject_id.startswith(search, autoescape=True))
    return where


def subjects_page(conn: Connection, pk: int, *, outcome: str | None = None, rule: str | None = None,
                  search: str | None = None, offset: int = 0, limit: int = 50) -> tuple[list[RowMapping], int]:
    """One page of a request's subjects in row order, and how many match the filters in all."""
    where = _subject_filter(pk, outcome, rule, search)
    total = conn.execute(select(func.count()).select_from(subjects).where(*where)).scalar_one()
    rows = conn.execute(select(*(subjects.c[c] for c in _LISTED)).where(*where)
                        .order_by(subjects.c.row_number).offset(offset).limit(limit)).mappings().all()
    return list(rows), total


def subject_rules(conn: Connection, pk: int, subject_ids: Sequence[str]) -> dict[str, list[str]]:
    """The rules each listed subject failed or was flagged by."""
    if not subject_ids:
        return {}
    out: dict[str, list[str]] = {}
    query = (select(findings.c.subject_id, findings.c.rule)
             .where(and_(findings.c.request == pk, findings.c.subject_id.in_(list(subject_ids)),
                         findings.c.outcome != "pass")).order_by(findings.c.id))
    for sid, rule in conn.execute(query):
        out.setdefault(sid, []).append(rule)
    return out


def subject_rule_counts(conn: Connection, pk: int) -> list[tuple[str, str, str, int]]:
    """(rule, citation, outcome, subjects) for every rule a subject failed or was flagged by."""
    query = (select(findings.c.rule, findings.c.citation, findings.c.outcome, func.count())
             .where(and_(findings.c.request == pk, findings.c.subject_id.is_not(None), findings.c.outcome != "pass"))
             .group_by(findings.c.rule, findings.c.citation, findings.c.outcome).order_by(func.count().desc()))
    return [(r, c, o, n) for r, c, o, n in conn.execute(query)]


def subject_values(conn: Connection, pk: int, row_number: int) -> RowMapping | None:
    """A subject's row as the request gave it (names, date of birth, address, reason)."""
    return conn.execute(select(subjects).where(and_(subjects.c.request == pk, subjects.c.row_number == row_number))
                        ).mappings().first()


def flag_counts(conn: Connection, pks: Sequence[int]) -> dict[int, int]:
    """How many findings on each whole request ask a reviewer's judgement (outcome ``review``); the
    flags on single subjects are counted by rule on the review sheet."""
    if not pks:
        return {}
    query = (select(findings.c.request, func.count()).where(and_(findings.c.request.in_(list(pks)),
                                                                  findings.c.subject_id.is_(None),
                                                                  findings.c.outcome == "review"))
             .group_by(findings.c.request))
    return {pk: n for pk, n in conn.execute(query)}


def approvers(conn: Connection, pks: Sequence[int]) -> dict[int, list[str]]:
    """Who has approved each request so far, in order."""
    if not pks:
        return {}
    out: dict[int, list[str]] = {}
    query = (select(reviews.c.request, reviews.c.reviewer)
             .where(and_(reviews.c.request.in_(list(pks)), reviews.c.decision == "approve")).order_by(reviews.c.id))
    for pk, who in conn.execute(query):
        out.setdefault(pk, []).append(who)
    return out


def uncertified_packages(conn: Connection, today: dt.date) -> list[RowMapping]:
    """Packages past their destroy-by date with no certificate of destruction or return, oldest first."""
    query = (select(packages.c.id, packages.c.destroy_by, packages.c.created_at, packages.c.state,
                    requests.c.agency, requests.c.request_id)
             .select_from(packages.join(requests, packages.c.request == requests.c.id))
             .where(and_(packages.c.state.in_(["delivered", "overdue"]), packages.c.destroy_by < today))
             .order_by(packages.c.destroy_by))
    return list(conn.execute(query).mappings())


def event_runs(conn: Connection, pk: int) -> list[RowMapping]:
    """A request's events folded by kind and actor, in the order each first happened: the hundreds of
    ``disclosures.made`` and ``match.decided`` batches of a large request (or the million ``disclosure.made``
    of one recorded before batches) come back as one row each with their count, first and last time and
    ledger index, so the timeline of the largest request is a handful of rows read by the database."""
    query = (select(events.c.kind, events.c.actor, func.count().label("count"), func.min(events.c.at).label("at"),
                    func.max(events.c.at).label("until"), func.min(events.c.ledger_index).label("first_index"),
                    func.max(events.c.ledger_index).label("last_index"), func.min(events.c.id).label("first_id"))
             .where(events.c.request == pk).group_by(events.c.kind, events.c.actor)
             .order_by(func.min(events.c.id)))
    return list(conn.execute(query).mappings())
