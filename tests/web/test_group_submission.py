"""Submissions stored in groups: documents arriving together are stored in one transaction, yet each
submitter gets its own request's answer, only once it is committed with its ledger entries; one that
cannot be stored fails alone; and a token revoked is refused at the very next call."""

from __future__ import annotations

import threading
import time

import pytest
from api_world import serve, signed
from fastapi.testclient import TestClient

import proven
from ftigate.service.admin import access
from ftigate.service.log import ledger
from ftigate.service.requests import submit as submit_module
from ftigate.service.store_access import transaction
from ftigate.settings import Settings
from ftigate.store import requests_store
from ftigate.web.app import create_app


def _gathering(monkeypatch, settings: Settings, others: int) -> tuple[list[int], threading.Event]:
    """The first group is held until ``others`` more documents wait behind it, so they are stored as
    the next group, together; returns the size of each group stored, in order, and an event set
    once the first group is being stored."""
    real = submit_module._commit_group
    sizes: list[int] = []
    storing = threading.Event()

    def held(settings_, jobs):
        if not sizes:
            storing.set()
            group = submit_module._group(settings)
            deadline = time.monotonic() + 60
            while len(group.waiting) < others and time.monotonic() < deadline:
                time.sleep(0.01)
        sizes.append(len(jobs))
        return real(settings_, jobs)
    monkeypatch.setattr(submit_module, "_commit_group", held)
    return sizes, storing


def _send_all(settings: Settings, headers: dict[str, str], documents: list[dict],
              storing: threading.Event) -> list[tuple[int, dict]]:
    answers: list[tuple[int, dict] | None] = [None] * len(documents)

    def send(i: int) -> None:
        with TestClient(create_app(settings), raise_server_exceptions=False) as http:
            response = http.post("/requests", json=documents[i], headers=headers)
            answers[i] = (response.status_code, response.json())

    threads = [threading.Thread(target=send, args=(0,))]
    threads[0].start()
    assert storing.wait(120)  # the first is being stored (held) when the others arrive
    threads += [threading.Thread(target=send, args=(i,)) for i in range(1, len(documents))]
    for t in threads[1:]:
        t.start()
    for t in threads:
        t.join()
    assert all(a is not None for a in answers)
    return [a for a in answers if a is not None]


def _ledger_refs(settings: Settings) -> list[tuple[str, str | None]]:
    entries = (ledger.entry(settings, i).to_json() for i in range(ledger.tree_size(settings)))
    return [(e["kind"], e.get("request")) for e in entries]


def test_documents_arriving_together_are_stored_together_each_with_its_own_answer(store_url, data_dir, world,
                                                                                    monkeypatch):
    settings = Settings(data_dir=data_dir, database_url=store_url)
    served = serve(settings, world)
    headers = served.bearer("ice-director")
    fresh = [signed(world, world.request(request_id=f"ICE-2025-1000{i}")) for i in range(5)]
    first = signed(world, world.request(request_id="ICE-2025-09999"))
    clash = signed(world, world.request(request_id="ICE-2025-09999", reason="A different reason, at length: the "
                                        "subject is under investigation for willful failure to depart."))
    # the group: five new requests, one of them twice (a duplicate within the group: whichever comes
    # first in it is stored), and one that reuses the first request's reference with other content
    sizes, storing = _gathering(monkeypatch, settings, others=7)
    answers = _send_all(settings, headers, [first, *fresh, fresh[0], clash], storing)

    assert sizes[0] == 1 and sizes[1] == 7, sizes
    assert answers[0][0] == 201 and answers[0][1]["request"] == "DHS-ICE/ICE-2025-09999"
    for document, (status, body) in zip(fresh, answers[1:6], strict=True):
        assert status in (200, 201) and body["request"] == f"DHS-ICE/{document['request_id']}"
        assert body["state"] == "awaiting_review" and body["subjects_total"] == 1
    twice = sorted([answers[1], answers[6]], key=lambda a: a[0])
    assert [status for status, _ in twice] == [200, 201] and twice[0][1]["duplicate"] and not twice[1][1]["duplicate"]
    assert twice[0][1]["request"] == twice[1][1]["request"]
    # the duplicate's answer is the stored request's, findings and all (written before it is read back)
    assert {k: v for k, v in twice[0][1].items() if k != "duplicate"} == {
        k: v for k, v in twice[1][1].items() if k != "duplicate"}
    assert twice[1][1]["findings"]
    assert all(status == 201 for status, _ in answers[2:6])
    assert answers[7][0] == 400 and "different content" in answers[7][1]["error"]

    # each stored once, with its two events, whose ledger entries name it
    with transaction(settings) as conn:
        stored = requests_store.list_requests(conn)
        assert len(stored) == 6
        refs = _ledger_refs(settings)
        for row in stored:
            events = requests_store.request_events(conn, row["id"])
            assert [e["kind"] for e in events] == ["request.received", "request.awaiting_review"]
            for e in events:
                assert refs[e["ledger_index"]] == (e["kind"], f"DHS-ICE/{row['request_id']}")
    assert sum(kind == "request.received" for kind, _ in refs) == 6


def test_a_document_that_cannot_be_stored_fails_alone(store_url, data_dir, world, monkeypatch):
    settings = Settings(data_dir=data_dir, database_url=store_url)
    served = serve(settings, world)
    headers = served.bearer("ice-director")
    bad = [dict(world.request()["subjects"][0], subject_id="S-BAD")]
    documents = [signed(world, world.request(subjects=bad if i == 2 else None, request_id=f"ICE-2025-2000{i}"))
                 for i in range(4)]
    real = requests_store.insert_subjects_of

    def failing(conn, rows):  # a group's subjects, each with its request's key
        rows = list(rows)
        if any(row["subject_id"] == "S-BAD" for _, row in rows):
            raise RuntimeError("this one cannot be stored")
        return real(conn, rows)
    monkeypatch.setattr(submit_module.requests_store, "insert_subjects_of", failing)
    sizes, storing = _gathering(monkeypatch, settings, others=3)
    answers = _send_all(settings, headers, documents, storing)

    assert sizes[:2] == [1, 3], sizes  # the group of three failed, then each was stored alone
    assert [status for status, _ in answers] == [201, 201, 500, 201], answers
    with transaction(settings) as conn:
        assert sorted(r["request_id"] for r in requests_store.list_requests(conn)) == [
            "ICE-2025-20000", "ICE-2025-20001", "ICE-2025-20003"]
    refs = _ledger_refs(settings)
    assert ("request.received", "DHS-ICE/ICE-2025-20002") not in refs
    assert sum(kind == "request.received" for kind, _ in refs) == 3


@pytest.mark.parametrize("person", ["ice-director", "do-1"])
def test_a_revoked_token_is_refused_at_the_very_next_call(store_url, data_dir, world, person):
    settings = Settings(data_dir=data_dir, database_url=store_url)
    served = serve(settings, world)
    headers = served.bearer(person)
    if person == "ice-director":
        assert served.http.post("/requests", json=signed(world), headers=headers).status_code == 201
    assert served.http.get("/requests/DHS-ICE/ICE-2025-000017", headers=headers).status_code in (200, 404)
    if person == "ice-director":
        access.revoke_agency_tokens(settings, proven.admin(settings), person)
    else:
        access.revoke_tokens(settings, proven.admin(settings), person)
    refused = served.http.get("/requests/DHS-ICE/ICE-2025-000017", headers=headers)
    assert refused.status_code == 401 and refused.headers["www-authenticate"] == "Bearer"
    again = served.http.post("/requests", json=signed(world, world.request(request_id="ICE-2025-000018")),
                             headers=headers)
    assert again.status_code == 401
