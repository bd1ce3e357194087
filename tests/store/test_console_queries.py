"""The console's reads on SQLite and PostgreSQL: a page of subjects under filters."""

from __future__ import annotations

import datetime as dt

from ftigate.store import console_queries
from ftigate.store.db import open_store
from ftigate.store.tables import findings, requests, subjects

AT = dt.datetime(2026, 3, 17, tzinfo=dt.UTC)


def _subject(pk, n, valid, outcome=None):
    blank = {c: "" for c in ("first_name", "middle_name", "last_name", "suffix", "date_of_birth", "address_line1",
                             "address_line2", "city", "state", "zip", "tin", "reason")}
    return {**blank, "request": pk, "row_number": n, "subject_id": f"S-{n:03d}", "valid": valid, "outcome": outcome}


def test_subjects_page_filters(store_url):
    engine = open_store(store_url)
    with engine.begin() as conn:
        pk = conn.execute(requests.insert().values(
            agency="A", request_id="R", official="o", signed_on="2026-03-01", statute="s", state="disclosed",
            decision="review", policy_version="p", registry_version=1, document={}, document_sha256="0" * 64,
            subjects_total=5, subjects_valid=3, subjects_invalid=2, received_at=AT, updated_at=AT)
            .returning(requests.c.id)).scalar_one()
        conn.execute(subjects.insert(), [_subject(pk, 1, True, "match"), _subject(pk, 2, False, "invalid"),
                                         _subject(pk, 3, True, "no_match"), _subject(pk, 4, False, "invalid"),
                                         _subject(pk, 5, True)])
        conn.execute(findings.insert(), [{"request": pk, "subject_id": "S-002", "rule": "L3-subject-address",
                                          "citation": "c", "outcome": "fail", "message": "m", "policy_version": "p"},
                                         {"request": pk, "subject_id": "S-004", "rule": "L3-subject-name",
                                          "citation": "c", "outcome": "fail", "message": "m", "policy_version": "p"}])
        def ids(**filters):
            rows, total = console_queries.subjects_page(conn, pk, **filters)
            assert total == len(rows)
            return [r["subject_id"] for r in rows]
        assert ids() == ["S-001", "S-002", "S-003", "S-004", "S-005"]
        assert ids(outcome="invalid") == ["S-002", "S-004"]
        assert ids(outcome="valid") == ["S-001", "S-003", "S-005"]
        assert ids(outcome="pending") == ["S-005"]
        assert ids(outcome="match") == ["S-001"]
        assert ids(rule="L3-subject-name") == ["S-004"]
        assert ids(search="S-00") == ids() and ids(search="S-003") == ["S-003"] and ids(search="%") == []
        page, total = console_queries.subjects_page(conn, pk, offset=2, limit=2)
        assert [r["row_number"] for r in page] == [3, 4] and total == 5
        assert console_queries.subject_rules(conn, pk, ["S-002", "S-001"]) == {"S-002": ["L3-subject-address"]}
        assert {r for r, _, _, _ in console_queries.subject_rule_counts(conn, pk)} == {"L3-subject-address", "L3-subject-name"}
    engine.dispose()


def test_event_runs_fold_a_kind_by_one_actor(store_url):
    from ftigate.store.tables import events

    engine = open_store(store_url)
    with engine.begin() as conn:
        pk = conn.execute(requests.insert().values(
            agency="A", request_id="R2", official="o", signed_on="2026-03-01", statute="s", state="disclosed",
            decision="review", policy_version="p", registry_version=1, document={}, document_sha256="0" * 64,
            subjects_total=5, subjects_valid=3, subjects_invalid=2, received_at=AT, updated_at=AT)
            .returning(requests.c.id)).scalar_one()
        rows = [("request.received", "official", 0), ("request.approved", "sup-1", 1)]
        rows += [("disclosure.made", "gateway", 2 + i) for i in range(5)] + [("request.disclosed", "gateway", 7)]
        conn.execute(events.insert(), [{"at": AT + dt.timedelta(seconds=i), "kind": k, "request": pk, "actor": a,
                                        "detail": {}, "ledger_index": i} for k, a, i in rows])
        runs = console_queries.event_runs(conn, pk)
        assert [(r["kind"], r["count"], r["first_index"], r["last_index"]) for r in runs] == [
            ("request.received", 1, 0, 0), ("request.approved", 1, 1, 1), ("disclosure.made", 5, 2, 6),
            ("request.disclosed", 1, 7, 7)]
    engine.dispose()
