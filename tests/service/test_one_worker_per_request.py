"""Two disclosures of one request at once: only one may process it.

Both runs are held at the same point (after each has read the subjects still pending, before either
writes a decision), then released together. Whatever the interleaving, the request must end with one
decision per subject, each opening its ledger commitment (``verify_decisions``), and no subject
matched twice."""

from __future__ import annotations

import contextlib
import threading

import test_lifecycle

import proven
from ftigate import identity
from ftigate.errors import FtigateError
from ftigate.service.admin import registry as registry_service
from ftigate.service.log.decision_audit import verify_decisions
from ftigate.service.requests import disclose as disclose_module
from ftigate.service.requests.disclose import disclose
from ftigate.service.requests.review import review
from ftigate.service.requests.submit import submit_request_file
from ftigate.service.store_access import transaction
from ftigate.settings import Settings
from ftigate.store import disclosure_store, requests_store

_file_request = test_lifecycle._file_request
gateway = test_lifecycle.gateway  # the lifecycle's fixtures
population = test_lifecycle.population


def _two_at_once(settings: Settings, ref: str, master, monkeypatch) -> list[BaseException | None]:
    """Run two disclosures of ``ref`` in threads that both reach matching before either writes."""
    monkeypatch.setattr(disclose_module, "BATCH", 40)
    gate = threading.Barrier(2, timeout=60)
    real = identity.resolve_columns

    def resolve_together(*args, **kwargs):
        with contextlib.suppress(threading.BrokenBarrierError):
            gate.wait(timeout=10)  # both runs have read the pending subjects (a lone run goes on after 10 s)
        return real(*args, **kwargs)

    monkeypatch.setattr(disclose_module.identity, "resolve_columns", resolve_together)
    outcomes: list[BaseException | None] = [None, None]

    def run(i: int) -> None:
        try:
            disclose(settings, ref, master, by=proven.discloser(settings))
        except BaseException as exc:  # the test inspects what each run met
            outcomes[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    return outcomes


def _check_one_record(settings: Settings, ref: str, outcomes) -> None:
    assert all(o is None or isinstance(o, FtigateError) for o in outcomes), outcomes
    assert outcomes.count(None) >= 1, outcomes  # one run did the work (the other refused or waited)
    report = verify_decisions(settings, ref)
    assert report.ok, [str(p) for p in report.problems]
    agency, request_id = ref.split("/")
    with transaction(settings) as conn:
        row = requests_store.find_request(conn, agency, request_id)
        subjects = list(requests_store.iter_subjects(conn, row["id"], valid=True))
        events = requests_store.request_events(conn, row["id"])
        disclosures = disclosure_store.count_disclosures(conn, row["id"])
    decided = [e["detail"]["subjects"] for e in events if e["kind"] == "match.decided"]
    assert sum(decided) == len(subjects)  # every subject decided exactly once in the ledger
    assert disclosures == sum(s["outcome"] == "match" for s in subjects)
    assert row["state"] == "delivered"
    assert sum(e["kind"] == "request.delivered" for e in events) == 1


def test_two_disclosures_of_one_request_at_once_keep_one_decision_record(gateway, world, population, monkeypatch):
    result = submit_request_file(gateway, _file_request(world, population))
    review(gateway, result.ref, proven.as_(gateway, "do-1"), "approve", "meets 6103(i)(2)")
    outcomes = _two_at_once(gateway, result.ref, population[0], monkeypatch)
    _check_one_record(gateway, result.ref, outcomes)


def test_two_disclosures_of_one_request_at_once_on_postgresql(world, data_dir, shared_models, population, pg_url,
                                                              monkeypatch):
    s = Settings(data_dir=data_dir, database_url=pg_url)
    registry_service.load_registry_file(s, proven.admin(s), world.registry_path)
    proven.add_staff(s, "do-1", "Synthetic Officer One", "disclosure_officer")
    result = submit_request_file(s, _file_request(world, population))
    review(s, result.ref, proven.as_(s, "do-1"), "approve", "meets 6103(i)(2)")
    outcomes = _two_at_once(s, result.ref, population[0], monkeypatch)
    _check_one_record(s, result.ref, outcomes)


def test_a_request_left_disclosed_is_delivered_by_its_job(gateway, world, population, monkeypatch):
    """Killed after the request was disclosed and before its package was sealed: the next run queues
    a job for the delivery (never an unfenced second delivery) and delivers once."""
    from ftigate.service.requests import jobs

    result = submit_request_file(gateway, _file_request(world, population))
    review(gateway, result.ref, proven.as_(gateway, "do-1"), "approve", "meets 6103(i)(2)")
    real = disclose_module.deliver

    def killed(*args, **kwargs):
        raise KeyboardInterrupt("killed before delivery")

    monkeypatch.setattr(disclose_module, "deliver", killed)
    with contextlib.suppress(KeyboardInterrupt):
        disclose(gateway, result.ref, population[0], by=proven.discloser(gateway))
    monkeypatch.setattr(disclose_module, "deliver", real)
    with transaction(gateway) as conn:
        assert requests_store.find_request(conn, "DHS-ICE", "ICE-2025-000017")["state"] == "disclosed"
    job = disclose_module.start_disclosure(gateway, result.ref, population[0], by=proven.discloser(gateway))
    assert job is not None and jobs.job_progress(gateway, job).state == "queued"
    assert disclose(gateway, result.ref, population[0], by=proven.discloser(gateway)).state == "delivered"
    assert jobs.job_progress(gateway, job).state == "done"
    assert disclose_module.start_disclosure(gateway, result.ref, population[0], by=proven.discloser(gateway)) is None
