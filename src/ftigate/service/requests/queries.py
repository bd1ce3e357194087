"""Views for the review desk, the command line and the HTTP API; they change nothing, and a view of a
subject's evidence is recorded in the ledger as the inspection it is."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ftigate.errors import NotFoundError
from ftigate.ledger import catalogue
from ftigate.service.log.events import Event, record
from ftigate.service.requests import lifecycle as req
from ftigate.service.store_access import now, reading, transaction
from ftigate.settings import Settings
from ftigate.store import requests_store
from ftigate.store.records import RequestRecord


def requests(settings: Settings, states: Sequence[str] | None = None) -> list[RequestRecord]:
    with transaction(settings) as conn:
        return requests_store.list_requests(conn, states)


def request_detail(settings: Settings, ref: str, trail: bool = True) -> dict[str, Any]:
    """A request (without its document), its findings, outcome counts and package; with ``trail``
    (the tax agency's staff) its reviews and events too, which a requesting agency is not shown
    and so are not read for it. Read outside a transaction, as PostgreSQL's default isolation would
    read them inside one (each statement what was committed when it ran): without the round trips
    of ``BEGIN`` and ``COMMIT``, for the view followed most often."""
    with reading(settings) as conn:
        agency, request_id = req.parse_ref(ref)
        found = requests_store.request_view(conn, agency, request_id)  # with its outcome counts and package
        if found is None:
            raise NotFoundError(f"no request {ref} in this gateway")
        row, outcomes, package = found
        return {
            "request": row,
            "findings": [dict(f) for f in requests_store.request_findings(conn, row["id"])],
            "reviews": [dict(r) for r in requests_store.request_reviews(conn, row["id"])] if trail else [],
            "events": [dict(e) for e in requests_store.request_events(conn, row["id"])] if trail else [],
            "outcomes": outcomes,
            "package": package,
        }


#: what a view shows instead of a taxpayer's TIN
TIN_NOT_SHOWN = "(not shown)"


def without_tins(value: Any) -> Any:
    """``value`` with every TIN it holds (a member named ``tin`` or ``..._tin``) replaced by a mark.

    Match evidence names the best candidate and the runner-up by TIN, for a subject that was not
    disclosed as much as for one that was; a view must not become a disclosure of its own.
    """
    if isinstance(value, dict):
        return {k: (TIN_NOT_SHOWN if (k == "tin" or k.endswith("_tin")) and v is not None else without_tins(v))
                for k, v in value.items()}
    if isinstance(value, list):
        return [without_tins(v) for v in value]
    return value


def subject_evidence(settings: Settings, ref: str, subject_id: str, viewer: str) -> dict[str, Any]:
    """A subject's outcome and the evidence it rests on (fields that agreed, scores, runner-up),
    without any TIN: the view is served over HTTP, the full evidence stays in the store.

    The evidence is return information, so each read is an inspection that must leave a trace: an
    ``evidence.viewed`` event by ``viewer`` (a staff id, already authorised by the caller) is
    recorded in the transaction that reads it. The event names the subject by its row in the request,
    never by name, TIN or the requester's own reference (which the requester chose and might be
    anything).
    """
    at = now()
    with transaction(settings) as conn:
        row = req.load(conn, ref)
        for s in requests_store.find_subjects(conn, row["id"], subject_id):
            record(conn, settings, [Event(catalogue.EvidenceViewed(row=s["row_number"]), viewer, row["id"],
                                          req.ref_of(row))], at)
            return {"subject_id": subject_id, "row_number": s["row_number"], "valid": s["valid"],
                    "outcome": s["outcome"], "match_probability": s["match_probability"],
                    "evidence": without_tins(s["evidence"]),
                    "findings": [dict(f) for f in requests_store.request_findings(conn, row["id"])
                                 if f["subject_id"] == subject_id]}
    raise NotFoundError(f"no subject {subject_id} in {ref}")
