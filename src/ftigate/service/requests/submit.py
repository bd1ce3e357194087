"""Submit: take a signed request into the store, judged by the same rules as ``ftigate check``.

Everything about one request (the request, every subject, every finding, its events and their ledger
entries) is written in one transaction: a process killed half-way leaves no trace of a partial
request, and a request submitted twice is recognised, never stored twice.

A request sent as a document (over HTTP, subjects inline) is judged by its submitter's thread, then
stored with whatever other documents are waiting at that moment in this process, in one transaction
(group commit: :class:`_Group`): one ledger append and one commit for them all, so the ledger's
append lock, which serialises every writer, is taken once per group instead of once per request.
Each submitter is answered only once that transaction has committed, with its own request's
outcome; a request that cannot be stored fails alone (the group is stored again without it).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection

from ftigate.crypto import canonical_json
from ftigate.errors import InputError, StoreConflict, StoreError
from ftigate.formats import SUBJECT_FIELDS
from ftigate.law import Decision
from ftigate.ledger import catalogue
from ftigate.ledger.errors import EntryRejected
from ftigate.ledger.privacy import check_entry
from ftigate.progress import Progress
from ftigate.service.log.events import Event, record
from ftigate.service.requests import checking, policy_record
from ftigate.service.requests.intake import intake_of, read_intake
from ftigate.service.requests.lifecycle import ref_of
from ftigate.service.requests.states import State, check_transition
from ftigate.service.store_access import now, reading, transaction
from ftigate.settings import Settings
from ftigate.store import ledger_store, registry_store, requests_store


@dataclass(frozen=True)
class Submitted:
    ref: str
    state: str
    decision: Decision
    duplicate: bool = False
    #: the registry held nothing when the request arrived (so everything in it was unknown: rejected)
    registry_empty: bool = False


def _text(value: object) -> str:
    return value if isinstance(value, str) else ("" if value is None else str(value))


#: hex digits written as letters, so a substitute reference never holds a run of digits
_LETTERS = str.maketrans("0123456789", "ghijklmnop")


def _loggable(value: str) -> bool:
    """Whether the permanent log would take this requester-supplied text (it refuses what looks like a TIN)."""
    try:
        check_entry({"value": value})
    except EntryRejected:
        return False
    return True


def _identifier(value: str, document_sha256: str, what: str) -> str:
    """The requester's identifier as stored and logged, or a stand-in derived from the document's hash
    when there is none or the log would refuse it: the request is stored and judged all the same (the
    law's findings say what is wrong with it), never lost to an error at intake."""
    if value and _loggable(value):
        return value
    return f"({what})-{document_sha256[:12].translate(_LETTERS)}"


def submit_request_file(settings: Settings, path: Path, progress: Progress | None = None) -> Submitted:
    intake = read_intake(path)
    try:
        ids = _identifiers(intake)
        return _settled(settings, path, ids, lambda: _store(settings, path, intake, ids, progress))
    finally:
        intake.close()


def submit_request_document(settings: Settings, request: dict[str, Any], name: str = "request.json") -> Submitted:
    """Submit a request already parsed (a JSON object with its subjects inline, as received over
    HTTP), exactly as :func:`submit_request_file` submits a file holding it; ``name`` stands for the
    file in messages. Nothing is written to disk on the way, and nothing is read from it: a request
    that names a subjects file is refused (there is no folder for it to lie beside).

    It is judged here, from what is committed now (the registry in force, the agency's recent
    subjects), and stored with the other documents waiting at that moment (:class:`_Group`)."""
    if "subjects_file" in request:
        raise InputError("with JSON, subjects are inline ('subjects'); upload a file as multipart", file=name,
                         field="subjects_file")
    try:
        json.dumps(request, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        raise InputError("not UTF-8 text: a \\u escape stands for half a surrogate pair", file=name) from None
    path = Path(name)
    intake = intake_of(request, path)
    try:
        ids = _identifiers(intake)

        def store() -> Submitted:
            with reading(settings) as conn:
                job = _judged(conn, settings, path, intake, ids, None)
            return _group(settings).store(settings, job)
        return _settled(settings, path, ids, store)
    finally:
        intake.close()


@dataclass(frozen=True)
class _Ids:
    """A submission's identity as stored and logged."""

    agency: str
    request_id: str
    official: str
    document_sha256: str


def _identifiers(intake) -> _Ids:
    document = intake.canonical
    # the identity of a submission is the document exactly as signed
    document_sha256 = hashlib.sha256(canonical_json(intake.request)).hexdigest()
    agency = _identifier(_text(document.get("agency")), document_sha256, "no agency")
    request_id = _identifier(_text(document.get("request_id")), document_sha256, "none")
    official = _text(document.get("official"))
    official = official if _loggable(official) else _identifier("", document_sha256, "unloggable")
    return _Ids(agency, request_id, official, document_sha256)


def _settled(settings: Settings, path: Path, ids: _Ids, store: Callable[[], Submitted]) -> Submitted:
    try:
        return store()
    except StoreConflict:
        # another process stored the same request_id between our look-up and our commit: what it stored decides
        with transaction(settings) as conn:
            earlier = _earlier(conn, path, ids.agency, ids.request_id, ids.document_sha256)
        if earlier is None:
            raise
        return earlier


def _earlier(conn, path: Path, agency: str, request_id: str, document_sha256: str) -> Submitted | None:
    """The request already stored under this reference: the same one (a duplicate), or an error."""
    existing = requests_store.find_request(conn, agency, request_id)
    if existing is None:
        return None
    if existing["document_sha256"] == document_sha256:
        return Submitted(ref_of(existing), existing["state"], checking.stored_decision(conn, existing), True)
    raise InputError(
        f"request {agency}/{request_id} was already submitted with different content; "
        "a new request needs a new request_id", file=str(path), field="request_id")


def _store(settings: Settings, path: Path, intake, ids: _Ids, progress: Progress | None) -> Submitted:
    """A request file: looked up, judged and stored in one transaction of its own."""
    with transaction(settings) as conn:
        earlier = _earlier(conn, path, ids.agency, ids.request_id, ids.document_sha256)
        if earlier is not None:
            return earlier
        (outcome,) = _write(conn, settings, [_judged(conn, settings, path, intake, ids, progress)])
    if isinstance(outcome, BaseException):
        raise outcome from None  # as the transaction would have raised it: naming no row
    return outcome


@dataclass
class _Judged:
    """A request judged and ready to store: its row, its subjects' and findings' rows, and its two
    events (received, then moved on by the law's verdict), all but the request's key."""

    path: Path
    ids: _Ids
    at: dt.datetime
    ref: str
    target: State
    decision: Decision
    row: dict[str, Any]
    subjects: Callable[[], Iterator[dict[str, Any]]]
    count: int
    findings: list[dict[str, Any]]
    events: list[tuple[catalogue.Event, str]]
    registry_empty: bool
    progress: Progress | None = None


def _judged(conn: Connection, settings: Settings, path: Path, intake, ids: _Ids,
            progress: Progress | None) -> _Judged:
    """Judge the request against the registry in force and the agency's recent subjects, read on ``conn``."""
    document = intake.canonical
    at = now()
    registry, registry_version = registry_store.snapshot(conn)
    decision = checking.judge(conn, settings, intake, registry, today=at.date())
    invalid = decision.invalid_indices
    named = document.get("investigation")
    investigation: dict[str, Any] = named if isinstance(named, dict) else {}
    statute = _text(investigation.get("statute"))
    statute = statute if _loggable(statute) else _identifier("", ids.document_sha256, "unloggable")
    checked = catalogue.RequestRejected if decision.decision == "rejected" else catalogue.RequestAwaitingReview
    target = State.REJECTED if decision.decision == "rejected" else State.AWAITING_REVIEW
    ref = f"{ids.agency}/{ids.request_id}"
    check_transition(ref, State.RECEIVED, target)
    # stored as it stands once judged: received, then moved on by the law's verdict, both events below
    row = {
        "agency": ids.agency, "request_id": ids.request_id, "official": ids.official,
        "signed_on": _text(document.get("signed_on")), "statute": statute,
        "state": target.value, "decision": decision.decision,
        "policy_version": decision.policy_version, "registry_version": registry_version,
        "document": document, "document_sha256": ids.document_sha256,
        "subjects_total": decision.total, "subjects_valid": decision.valid,
        "subjects_invalid": decision.invalid, "received_at": at, "updated_at": at,
    }

    def rows() -> Iterator[dict[str, Any]]:
        for index, (number, subject) in enumerate(zip(intake.row_numbers, intake.subjects, strict=True)):
            if progress and index % 10000 == 0:
                progress("storing subjects", index, len(intake.subjects))
            out: dict[str, Any] = {name: _text(subject.get(name)) for name in SUBJECT_FIELDS}
            out["row_number"] = number
            out["valid"] = index not in invalid
            out["outcome"] = "invalid" if index in invalid else None
            yield out

    counts: dict[str, int] = {}
    for f in decision.findings:
        counts[f.outcome] = counts.get(f.outcome, 0) + 1
    received = catalogue.RequestReceived(
        document_sha256=ids.document_sha256, subjects=decision.total, agency=ids.agency,
        statute=statute, policy_version=decision.policy_version, registry_version=registry_version)
    judged = checked(
        from_=State.RECEIVED.value, decision=decision.decision, policy_version=decision.policy_version,
        thresholds=settings.thresholds.values(),
        findings=counts, valid=decision.valid, invalid=decision.invalid,
        rules_failed=sorted({f.rule for f in decision.findings if f.outcome == "fail"}),
        rules_review=sorted({f.rule for f in decision.findings if f.outcome == "review"}),
    )
    empty = not (registry.agencies or registry.officials or registry.officers or registry.statutes)
    return _Judged(path, ids, at, ref, target, decision, row, rows, len(intake.subjects),
                   [{**f.to_json(), "policy_version": decision.policy_version}
                    for f in decision.findings if f.subject_id is None or f.outcome != "pass"],
                   [(received, ids.official or "unknown"), (judged, "gateway")], empty, progress)


def _conflict() -> StoreConflict:
    return StoreConflict("the database refused the change: another process changed the same request at the "
                         "same moment, or it was already done; run the command again to see where it stands")


def _write(conn: Connection, settings: Settings, jobs: Sequence[_Judged],
           commit: bool = False) -> list[Submitted | BaseException]:
    """Store judged requests in the caller's transaction, the ledger last: each request's outcome
    (stored, a duplicate of the one stored, or the error that is its submitter's alone, such as the
    same reference stored with different content). ``commit``: the transaction ends with this."""
    first: dict[tuple[str, str], int] = {}
    for i, job in enumerate(jobs):
        first.setdefault((job.ids.agency, job.ids.request_id), i)
    keys = requests_store.insert_new_requests(conn, [jobs[i].row for i in first.values()])
    outcomes: list[Submitted | BaseException | None] = [None] * len(jobs)
    stored = [(i, job, keys[key]) for i, job in enumerate(jobs)
              if first[key := (job.ids.agency, job.ids.request_id)] == i and key in keys]
    small = sum(job.count for _, job, _ in stored) <= requests_store.BULK
    with ledger_store.pipelined(conn) if small else nullcontext():  # writes that return nothing, sent together
        # the group's subjects in one statement, its findings in one (a statement each per request cost more)
        requests_store.insert_subjects_of(conn, ((pk, row) for _, job, pk in stored for row in job.subjects()))
        requests_store.insert_findings_of(conn, [{"request": pk, **f} for _, job, pk in stored for f in job.findings])
    mine = {i for i, _, _ in stored}
    for i, job in enumerate(jobs):
        if i in mine:
            continue
        # stored already (before, meanwhile by another transaction, or just now by a job earlier in
        # this group, whose findings are written by now): the one stored answers
        try:
            outcomes[i] = _earlier(conn, job.path, job.ids.agency, job.ids.request_id,
                                   job.ids.document_sha256) or _conflict()
        except InputError as exc:
            outcomes[i] = exc
    events: list[Event] = []
    times: list[dt.datetime] = []
    for version in dict.fromkeys(job.decision.policy_version for _, job, _ in stored):
        adopted = policy_record.adoption(conn, settings, version)
        if adopted is not None:
            events.append(adopted)
            times.append(min(job.at for _, job, _ in stored if job.decision.policy_version == version))
    for _, job, pk in stored:
        events += [Event(what, actor, pk, job.ref) for what, actor in job.events]
        times += [job.at, job.at]
    # the ledger last, in one append: its lock is then held only from here to the commit
    record(conn, settings, events, times, commit=commit)
    for i, job, _ in stored:
        if job.progress:
            job.progress("storing subjects", job.count, job.count)
        outcomes[i] = Submitted(job.ref, job.target.value, job.decision, registry_empty=job.registry_empty)
    done = [o for o in outcomes if o is not None]
    assert len(done) == len(jobs)  # nosec B101  # every job has its outcome
    return done


#: the most documents stored in one transaction
GROUP_MOST = 64


@dataclass
class _Waiting:
    job: _Judged
    outcome: Submitted | BaseException | None = None
    done: bool = False


@dataclass
class _Group:
    """The documents of one store waiting to be stored, in this process.

    No thread of its own: the first submitter to find nobody storing stores everything waiting (up
    to :data:`GROUP_MOST`) in one transaction, then wakes the others, each of whom returns its own
    outcome, or stores the next group if its document was not in that one. While one group commits,
    the next gathers, so under load each transaction carries what arrived during the last one, and a
    lone submitter is stored at once, with no waiting for company.
    """

    changed: threading.Condition = field(default_factory=threading.Condition)
    waiting: list[_Waiting] = field(default_factory=list)
    busy: bool = False

    def store(self, settings: Settings, job: _Judged) -> Submitted:
        mine = _Waiting(job)
        with self.changed:
            self.waiting.append(mine)
        while True:
            with self.changed:
                while self.busy and not mine.done:
                    self.changed.wait()
                if mine.done:
                    break
                self.busy = True
                batch, self.waiting = self.waiting[:GROUP_MOST], self.waiting[GROUP_MOST:]
            outcomes: list[Submitted | BaseException] = []
            try:
                outcomes = _commit_group(settings, [w.job for w in batch])
            finally:
                with self.changed:
                    if len(outcomes) != len(batch):  # interrupted (the storing thread itself is leaving)
                        outcomes = [StoreError("the request was not stored: the thread storing it was interrupted")
                                    for _ in batch]
                    for w, outcome in zip(batch, outcomes, strict=True):
                        w.outcome, w.done = outcome, True
                    self.busy = False
                    self.changed.notify_all()
        if isinstance(mine.outcome, BaseException):
            raise mine.outcome from None  # raised where the group was stored: its context is not this thread's
        assert mine.outcome is not None  # nosec B101  # done means an outcome was set
        return mine.outcome


def _commit_group(settings: Settings, jobs: list[_Judged]) -> list[Submitted | BaseException]:
    """Store the jobs in one transaction; if it fails, each alone, so a job that cannot be stored
    fails by itself and the others are stored all the same."""
    try:
        with transaction(settings) as conn:
            outcomes = _write(conn, settings, jobs, commit=True)
        return outcomes
    except Exception as exc:  # the group failed: each job alone, so the one at fault fails by itself
        if len(jobs) == 1:
            return [exc]
        return [outcome for job in jobs for outcome in _commit_group(settings, [job])]


#: a group per settings: documents are stored together only under the same store, data directory
#: and thresholds (a group is stored with its first submitter's settings)
_GROUPS: dict[Settings, _Group] = {}
_GROUPS_LOCK = threading.Lock()


def _group(settings: Settings) -> _Group:
    with _GROUPS_LOCK:
        return _GROUPS.setdefault(settings, _Group())
