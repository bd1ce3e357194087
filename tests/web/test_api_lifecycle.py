"""The whole lifecycle over HTTP, on SQLite and on PostgreSQL: the requesting official submits a
signed request (inline, then the same one again, then a batch uploaded as a file), staff review it
with dual control by two tokens, start its disclosure, a worker runs it, the recipient officer
fetches the package and certifies its destruction."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from api_world import serve, signed

from ftigate.client import ApiError
from ftigate.service.log import ledger
from ftigate.service.requests.worker import work
from ftigate.settings import Settings, Thresholds
from population import synthetic_population


@pytest.fixture
def population(tmp_path):
    master, subjects, _ = synthetic_population(tmp_path, 600, 40, seed=31)
    return master, subjects


def _kinds(settings: Settings) -> list[str]:
    return [ledger.entry(settings, i).to_json()["kind"] for i in range(ledger.tree_size(settings))]


def test_two_agencies_through_the_api(store_url, data_dir, world, population):
    master, subjects = population
    settings = Settings(data_dir=data_dir, database_url=store_url,
                        thresholds=replace(Thresholds(), dual_control_subjects=20))
    served = serve(settings, world)
    official, officer, other_officer = (served.client(p) for p in ("ice-director", "ice-ero-0001", "ice-ero-0002"))
    do1, do2, sup1 = (served.client(p) for p in ("do-1", "do-2", "sup-1"))

    # the requesting official submits a batch as an uploaded file; the same signed request again is the same one
    (world.dir / "subjects.csv").write_bytes(subjects.read_bytes())
    request = world.request(subjects=None, request_id="ICE-2025-000100")
    del request["subjects"]
    request["subjects_file"] = "subjects.csv"
    path = world.write(request, name="batch.json")
    first = official.submit(path)
    assert (first["request"], first["duplicate"], first["subjects_total"]) == ("DHS-ICE/ICE-2025-000100", False, 40)
    again = official.submit(path)
    assert again["duplicate"] is True and again["request"] == first["request"]
    ref = first["request"]
    assert [r["request"] for r in official.requests()] == [ref]
    seen = official.request(ref)
    assert seen["state"] == "awaiting_review" and "reviews" in seen and seen["reviews"] == []

    # staff: the queue, a first approval, a second by the same person refused, then a supervisor's
    assert [r["request"] for r in do1.queue()] == [ref]
    assert do1.review(ref, "approve", "meets 6103(i)(2)")["state"] == "awaiting_second_approval"
    with pytest.raises(ApiError) as same:
        do1.review(ref, "approve", "approving twice")
    assert same.value.status == 403
    with pytest.raises(ApiError) as not_supervisor:
        do2.review(ref, "approve", "a second officer is not a supervisor")
    assert not_supervisor.value.status == 403
    assert sup1.review(ref, "approve", "second approval")["state"] == "approved"

    # a disclosure officer starts the disclosure; a worker runs it; progress is readable
    job = do1.disclose(ref, str(master))
    assert job["state"] == "queued"
    work(settings, once=True)
    assert do1.progress(ref)["state"] == "done"
    detail = official.request(ref)
    assert detail["state"] == "delivered" and detail["package"]

    # the named recipient fetches it (recorded); staff may not; then destruction is certified
    data, signature = officer.package(detail["package"])
    assert data and signature
    with pytest.raises(ApiError) as staff_fetch:
        do1.package(detail["package"])
    assert staff_fetch.value.status == 403
    assert other_officer.certify(detail["package"], "destroyed", "cross-cut shredder")["state"] == "destroyed"
    assert official.request(ref)["state"] == "closed"
    with pytest.raises(ApiError) as gone:
        officer.package(detail["package"])
    assert gone.value.status in (403, 404, 409)

    kinds = _kinds(settings)
    for kind in ("request.received", "request.awaiting_second_approval", "request.approved", "request.matching",
                 "request.delivered", "package.downloaded", "request.closed", "access.denied"):
        assert kind in kinds, kind
    assert kinds.count("request.received") == 1


def test_inline_subjects_and_the_requesters_view(data_dir, world):
    settings = Settings(data_dir=data_dir)
    served = serve(settings, world)
    official = served.client("ice-director")
    answer = official.submit(signed(world))
    assert answer["state"] == "awaiting_review" and answer["subjects_valid"] == 1
    seen = official.request(answer["request"])
    assert seen["events"] == [] and seen["reviews"] == []  # the tax agency's trail stays with it
    staff_view = served.client("do-1").request(answer["request"])
    assert [e["kind"] for e in staff_view["events"]][:1] == ["request.received"]
    assert json.dumps(official.requests())  # a list the requester may read
