"""A validation queued over HTTP is cancelled by the official who queued it, before a worker takes it
up: the job closes as ``cancelled``, its uploaded files go, nothing is stored and the ledger says
so; anyone else is refused (403, ``access.denied``), and a job a worker has taken or closed is a
conflict (409) whose outcome stands."""

from __future__ import annotations

from api_world import serve

from ftigate.client import ApiError
from ftigate.service.log import ledger
from ftigate.service.requests import queries
from ftigate.service.requests.worker import QUEUED_FOLDER, queue_validation, work
from ftigate.settings import Settings


def _last(settings: Settings) -> dict:
    return ledger.entry(settings, ledger.tree_size(settings) - 1).to_json()


def _status(call) -> int:
    try:
        call()
    except ApiError as exc:
        return exc.status
    return 200


def test_the_official_who_queued_a_validation_cancels_it(data_dir, world):
    served = serve(Settings(data_dir=data_dir), world)
    settings = served.settings
    official = served.client("ice-director")
    job = official.queue_validation(world.write(world.request(request_id="ICE-2025-000601"), name="a.json"))["job"]
    assert len(list((data_dir / QUEUED_FOLDER).iterdir())) == 1

    # the wrong role, and no token: refused before anything is looked at
    assert _status(lambda: served.client("do-1").cancel_job(job)) == 403
    assert (_last(settings)["kind"], _last(settings)["action"]) == ("access.denied", "uploads.cancel")
    assert served.http.delete(f"/jobs/{job}").status_code == 401

    cancelled = official.cancel_job(job)
    assert (cancelled["job"], cancelled["state"]) == (job, "cancelled")
    assert list((data_dir / QUEUED_FOLDER).iterdir()) == []
    entry = _last(settings)
    assert (entry["kind"], entry["actor"], entry["job"], entry["agency"]) == \
        ("upload.cancelled", "ice-director", job, "DHS-ICE")
    assert work(settings, once=True).done == []  # no worker takes it up
    assert queries.requests(settings) == []        # nothing of it was stored
    assert _status(lambda: official.cancel_job(job)) == 409  # once only
    assert _status(lambda: official.cancel_job(10_000)) == 404


def test_only_a_job_no_worker_has_taken_and_only_ones_own(data_dir, world):
    served = serve(Settings(data_dir=data_dir), world)
    settings = served.settings
    official = served.client("ice-director")
    stored = official.queue_validation(world.write(world.request(request_id="ICE-2025-000602"), name="b.json"))["job"]
    assert work(settings, once=True).done == [stored]
    before = ledger.tree_size(settings)
    assert _status(lambda: official.cancel_job(stored)) == 409  # done: the stored request stands
    assert ledger.tree_size(settings) == before and len(queries.requests(settings)) == 1

    # a validation queued on the gateway's own machine was not queued by this official: not theirs to cancel
    local = queue_validation(settings, world.write(world.request(request_id="ICE-2025-000603"), name="c.json"))
    assert _status(lambda: official.cancel_job(local)) == 403
    denied = _last(settings)
    assert (denied["kind"], denied["actor"], denied["action"]) == ("access.denied", "ice-director", "uploads.cancel")
    assert work(settings, once=True).done == [local]  # and it is still there for a worker
