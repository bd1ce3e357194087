"""The aggregate queries behind the overseers' reports (6103(p)(3)(A) and (C)).

Every query is bounded twice: by a period, and by a ledger tree size. A report is computed from a
signed checkpoint, and only the events whose ledger entries are inside that checkpoint count
(``ledger_index < size``); anything appended after it waits for the next report. So the same
checkpoint always gives the same figures, and anyone holding the exported log up to that size can
recount what the log itself carries.

Periods of events are half-open ``[start, end)`` in UTC date-times; periods of disclosures are
inclusive calendar dates (``accounting.disclosed_on`` is the UTC date of the ``disclosures.made``
event of its batch). Everything is counted in the database (GROUP BY), never by loading rows: a period may hold
a batch of 1.3 million disclosures.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import Connection, RowMapping, and_, func, select

from ftigate.ledger import catalogue
from ftigate.store.tables import accounting, events, findings, incidents, requests

#: the lifecycle events that decide a request, as the events table names them
DECISION_KINDS = tuple(kind.value for kind in catalogue.DECISIONS)


def _window(kinds: Sequence[str], start: dt.datetime, end: dt.datetime, size: int):
    return and_(events.c.kind.in_(list(kinds)), events.c.at >= start, events.c.at < end,
                events.c.ledger_index < size)


def received(conn: Connection, start: dt.datetime, end: dt.datetime, size: int) -> list[RowMapping]:
    """Requests received in the window, with their subjects, per (agency, statute)."""
    query = (select(requests.c.agency, requests.c.statute,
                    func.count().label("requests"),
                    func.coalesce(func.sum(requests.c.subjects_total), 0).label("subjects"),
                    func.coalesce(func.sum(requests.c.subjects_valid), 0).label("subjects_valid"),
                    func.coalesce(func.sum(requests.c.subjects_invalid), 0).label("subjects_invalid"))
             .select_from(events.join(requests, requests.c.id == events.c.request))
             .where(_window([catalogue.Kind.REQUEST_RECEIVED.value], start, end, size))
             .group_by(requests.c.agency, requests.c.statute)
             .order_by(requests.c.agency, requests.c.statute))
    return list(conn.execute(query).mappings())


def received_times(conn: Connection, start: dt.datetime, end: dt.datetime, size: int) -> list[dt.datetime]:
    """When each request of the window was received (one row per request: requests are few)."""
    query = select(events.c.at).where(_window([catalogue.Kind.REQUEST_RECEIVED.value], start, end, size)).order_by(events.c.at)
    return [row[0] for row in conn.execute(query)]


def decisions(conn: Connection, start: dt.datetime, end: dt.datetime, size: int) -> list[RowMapping]:
    """Requests rejected by the rules, denied by a reviewer or approved in the window, per (agency, statute, kind)."""
    query = (select(requests.c.agency, requests.c.statute, events.c.kind, func.count().label("requests"))
             .select_from(events.join(requests, requests.c.id == events.c.request))
             .where(_window(DECISION_KINDS, start, end, size))
             .group_by(requests.c.agency, requests.c.statute, events.c.kind))
    return list(conn.execute(query).mappings())


def rejection_reasons(conn: Connection, start: dt.datetime, end: dt.datetime, size: int) -> list[RowMapping]:
    """Why the requests rejected in the window were rejected: failed request rules, by rule and citation."""
    rejected = select(events.c.request).where(_window([catalogue.Kind.REQUEST_REJECTED.value], start, end, size))
    query = (select(findings.c.rule, findings.c.citation, func.count(func.distinct(findings.c.request)).label("requests"))
             .where(findings.c.request.in_(rejected), findings.c.subject_id.is_(None), findings.c.outcome == "fail")
             .group_by(findings.c.rule, findings.c.citation)
             .order_by(func.count(func.distinct(findings.c.request)).desc(), findings.c.rule))
    return list(conn.execute(query).mappings())


def subject_rejection_reasons(conn: Connection, start: dt.datetime, end: dt.datetime, size: int) -> list[RowMapping]:
    """Why subjects of the requests received in the window were rejected one by one, by rule and citation."""
    received_ = select(events.c.request).where(_window([catalogue.Kind.REQUEST_RECEIVED.value], start, end, size))
    query = (select(findings.c.rule, findings.c.citation, func.count().label("subjects"))
             .where(findings.c.request.in_(received_), findings.c.subject_id.is_not(None), findings.c.outcome == "fail")
             .group_by(findings.c.rule, findings.c.citation)
             .order_by(func.count().desc(), findings.c.rule))
    return list(conn.execute(query).mappings())


def _disclosed(first: dt.date, last: dt.date, size: int):
    return and_(accounting.c.disclosed_on >= first, accounting.c.disclosed_on <= last,
                accounting.c.ledger_index < size)


def disclosures(conn: Connection, first: dt.date, last: dt.date, size: int) -> list[RowMapping]:
    """Disclosures made between two dates (inclusive), per (agency, statute, request)."""
    query = (select(accounting.c.agency, accounting.c.statute, accounting.c.request_ref,
                    func.count().label("disclosures"), func.min(accounting.c.id).label("first_record"))
             .where(_disclosed(first, last, size))
             .group_by(accounting.c.agency, accounting.c.statute, accounting.c.request_ref)
             .order_by(accounting.c.agency, accounting.c.statute, accounting.c.request_ref))
    return list(conn.execute(query).mappings())


def taxpayers(conn: Connection, first: dt.date, last: dt.date, size: int, by: str | None = None) -> dict[str, int]:
    """Distinct taxpayers (TINs) disclosed about between two dates, overall (key "") or per agency / statute.

    A taxpayer disclosed about twice counts once: the figure 6103(p)(3)(C) asks for beside the
    instances of disclosure.
    """
    count = func.count(func.distinct(accounting.c.tin)).label("taxpayers")
    if by is None:
        return {"": conn.execute(select(count).where(_disclosed(first, last, size))).scalar_one()}
    column = {"agency": accounting.c.agency, "statute": accounting.c.statute}[by]
    query = select(column, count).where(_disclosed(first, last, size)).group_by(column)
    return {key: n for key, n in conn.execute(query)}


def recipients_of_records(conn: Connection, record_ids: Sequence[int]) -> dict[int, list[str]]:
    """The recipient officers of the given accounting records (one record stands for its request)."""
    if not record_ids:
        return {}
    rows = conn.execute(select(accounting.c.id, accounting.c.recipients).where(accounting.c.id.in_(list(record_ids))))
    return {pk: [str(r) for r in (recipients or [])] for pk, recipients in rows}


def daily_disclosures(conn: Connection, first: dt.date, last: dt.date, size: int) -> dict[dt.date, int]:
    query = (select(accounting.c.disclosed_on, func.count()).where(_disclosed(first, last, size))
             .group_by(accounting.c.disclosed_on))
    return {day: n for day, n in conn.execute(query)}


def incidents_identified(conn: Connection, start: dt.datetime, end: dt.datetime, size: int) -> list[RowMapping]:
    """Incidents identified in the window whose ``incident.recorded`` entry is inside the checkpoint."""
    recorded = (select(events.c.detail[catalogue.field_name(catalogue.IncidentRecorded, "incident")].as_string())
                .where(events.c.kind == catalogue.Kind.INCIDENT_RECORDED.value, events.c.ledger_index < size))
    query = (select(incidents).where(incidents.c.identified_at >= start, incidents.c.identified_at < end,
                                     incidents.c.id.in_(recorded))
             .order_by(incidents.c.identified_at, incidents.c.id))
    return list(conn.execute(query).mappings())


def incident_reports(conn: Connection, incident_ids: Sequence[str], size: int) -> dict[str, dt.datetime]:
    """When each incident was reported (its first ``incident.reported`` entry inside the checkpoint)."""
    if not incident_ids:
        return {}
    key = events.c.detail[catalogue.field_name(catalogue.IncidentReported, "incident")].as_string()
    query = (select(key, func.min(events.c.at))
             .where(events.c.kind == catalogue.Kind.INCIDENT_REPORTED.value, events.c.ledger_index < size,
                    key.in_(list(incident_ids)))
             .group_by(key))
    return {incident: at for incident, at in conn.execute(query)}
