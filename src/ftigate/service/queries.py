"""Read-only views for the review desk and the command line."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ftigate.errors import NotFoundError
from ftigate.service import requests as req
from ftigate.service.store_access import transaction
from ftigate.settings import Settings
from ftigate.store import requests_store


def requests(settings: Settings, states: Sequence[str] | None = None) -> list[dict[str, Any]]:
    with transaction(settings) as conn:
        rows = requests_store.list_requests(conn)
    return [dict(r) for r in rows if states is None or r["state"] in states]


def request_detail(settings: Settings, ref: str) -> dict[str, Any]:
    with transaction(settings) as conn:
        row = req.load(conn, ref)
        return {
            "request": dict(row),
            "findings": [dict(f) for f in requests_store.request_findings(conn, row["id"])],
            "reviews": [dict(r) for r in requests_store.request_reviews(conn, row["id"])],
            "events": [dict(e) for e in requests_store.request_events(conn, row["id"])],
            "outcomes": requests_store.outcome_counts(conn, row["id"]),
        }


def subject_evidence(settings: Settings, ref: str, subject_id: str) -> dict[str, Any]:
    with transaction(settings) as conn:
        row = req.load(conn, ref)
        for s in requests_store.find_subjects(conn, row["id"], subject_id):
            return {"subject_id": subject_id, "row_number": s["row_number"], "valid": s["valid"],
                    "outcome": s["outcome"], "match_probability": s["match_probability"],
                    "evidence": s["evidence"],
                    "findings": [dict(f) for f in requests_store.request_findings(conn, row["id"])
                                 if f["subject_id"] == subject_id]}
    raise NotFoundError(f"no subject {subject_id} in {ref}")
