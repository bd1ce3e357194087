"""A request submitted as a parsed document (over HTTP, subjects inline) is the same submission as the
file holding it: the same judgement, the same identity, and nothing written to disk on the way."""

from __future__ import annotations

import json

import pytest

import proven
from ftigate.errors import InputError
from ftigate.service.admin import registry as registry_service
from ftigate.service.requests.submit import submit_request_document, submit_request_file
from ftigate.service.store_access import transaction
from ftigate.settings import Settings
from ftigate.store import requests_store


@pytest.fixture
def gateway(world, tmp_path) -> Settings:
    s = Settings(data_dir=tmp_path / "data")
    registry_service.load_registry_file(s, proven.admin(s), world.registry_path)
    return s


def test_a_document_is_stored_as_its_file_would_be(gateway, world):
    path = world.write(world.request(subjects=[dict(world.request()["subjects"][0]), {"subject_id": "S-2"}]))
    document = json.loads(path.read_text(encoding="utf-8"))
    first = submit_request_document(gateway, document)
    again = submit_request_file(gateway, path)
    assert not first.duplicate and again.duplicate and again.ref == first.ref and again.state == first.state
    assert (first.decision.total, first.decision.valid, first.decision.invalid) == (2, 1, 1)
    with transaction(gateway) as conn:
        stored = requests_store.list_requests(conn)
        kinds = [e["kind"] for e in requests_store.request_events(conn, stored[0]["id"])]
    assert len(stored) == 1 and stored[0]["state"] == first.state
    assert kinds == ["request.received", f"request.{first.state}"]
    assert not (gateway.data_dir / "uploads").exists()


def test_a_document_naming_a_subjects_file_is_refused_unread(gateway, world):
    request = world.request()
    del request["subjects"]
    request["subjects_file"] = "../../etc/passwd"
    with pytest.raises(InputError) as caught:
        submit_request_document(gateway, request, name="sent.json")
    assert "subjects_file" in caught.value.diagnostics() and "sent.json" in caught.value.diagnostics()
    with transaction(gateway) as conn:
        assert requests_store.list_requests(conn) == []
