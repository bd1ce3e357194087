"""Resolve identity, disclose the minimum, deliver: for an approved request.

Fail closed at every step: the request must be approved; the recipient agency's safeguards must
still be current on the day of disclosure (26 U.S.C. 6103(p)(4)(A)–(F)); a subject is disclosed only on a confident,
unique match whose address agrees with the taxpayer's records (``ftigate.identity``) and whose TIN
is not on the withhold list (6103(i)(6)). What is disclosed is the taxpayer's identity only (6103(i)(2)(C)): name and
last known address.

Nothing lost, nothing twice: outcomes, disclosures, accounting records and ledger entries are
written together in batches, each batch one transaction; a subject with an outcome is never
matched again, and a subject can have at most one disclosure (a unique key). An interrupted run
resumes where it stopped.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import operator
import re
import uuid
from collections import Counter, deque
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from itertools import compress, repeat
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Connection

from ftigate import identity, law
from ftigate.crypto import canonical_json
from ftigate.errors import FtigateError, InputError, PermissionDenied
from ftigate.law.after_disclosure import USE_RESTRICTIONS
from ftigate.ledger import catalogue, commitments
from ftigate.ledger.commitments import DECISION_ROWS
from ftigate.processes import OrderedWorkers, WorkerDied, may_start_processes
from ftigate.progress import Progress
from ftigate.service.admin.principal import Principal, authorise
from ftigate.service.delivery.gateway_keys import package_signing_key
from ftigate.service.delivery.package_files import packages_locked, remove_orphans
from ftigate.service.delivery.packages import canonical_array, seal_age, signature_path
from ftigate.service.log import ledger
from ftigate.service.log.events import Event, record
from ftigate.service.requests import jobs
from ftigate.service.requests import lifecycle as req
from ftigate.service.requests.decision_batches import (
    DISCLOSED_FIELDS,
    DecisionBatches,
    DisclosureRow,
    Prepared,
    StoredDecision,
    prepare_on_file,
    warm_up,
)
from ftigate.service.requests.states import State
from ftigate.service.store_access import now, transaction
from ftigate.settings import Settings
from ftigate.store import disclosure_store, registry_store, requests_store
from ftigate.tabular import PRIVATE, PRIVATE_DIR, write_columns, write_file_atomic

BATCH = 5000
#: a request of at least this many batches has them prepared in processes of their own; below it, in a
#: thread (starting a process costs about a second, more than a few batches' preparation)
APART_FROM_BATCHES = 4
#: how many processes prepare a large request's batches, each a batch ahead of the one being written:
#: preparing a batch costs more than writing it, so two keep the writer busy
_AHEAD = 2
Fence = Callable[[Connection], None]


class MatchingIncomplete(FtigateError):
    """Matching left a valid subject without an outcome. Nothing lost: the request is not closed
    over the gap; it stays in ``matching``, and the next run matches what is still pending."""

    exit_code = 1


@dataclass(frozen=True)
class DisclosureSummary:
    ref: str
    state: str
    outcomes: dict[str, int]
    disclosures: int
    package_id: str | None
    package_path: Path | None


def _work_dir(settings: Settings, pk: int) -> Path:
    path = settings.data_dir / "work" / f"request-{pk}"
    path.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
    return path


def disclose(settings: Settings, ref: str, master: Path, *, by: Principal, engine: str = "duckdb",
             progress: Progress | None = None, wait: bool = False,
             lease_seconds: float = jobs.LEASE_SECONDS) -> DisclosureSummary:
    """Run an approved request (or resume one left in ``matching``) through to delivery, in this process,
    started by a proven disclosure officer or supervisor (``by``).

    The work is the request's disclosure job (queued here if it is not already): one worker at a
    time. If another worker is processing it right now, wait for it (``wait``) or refuse
    (:class:`~ftigate.service.requests.jobs.JobBusy`)."""
    job_id = start_disclosure(settings, ref, master, by=by, engine=engine)
    if job_id is None:
        return deliver(settings, ref)  # already done: report what was delivered, never disclose twice
    return jobs.run_or_wait(
        settings, job_id, lambda lease: run_disclosure(settings, ref, master, engine=engine, progress=progress,
                                                       lease=lease),
        lambda: deliver(settings, ref), wait=wait, lease_seconds=lease_seconds, progress=progress)


def start_disclosure(settings: Settings, ref: str, master: Path, *, by: Principal,
                     engine: str = "duckdb") -> int | None:
    """Queue the disclosure job of an approved request (or return the one queued or running): its
    number, for :func:`~ftigate.service.requests.jobs.job_progress`. None if the request is
    already delivered (nothing to do). A worker (``ftigate worker``) takes it from the queue.
    Only a disclosure officer or a supervisor, proven, starts a disclosure."""
    authorise(settings, by, "disclose.start")
    if engine not in ("duckdb", "spark"):
        raise InputError(f"unknown matching engine '{engine}' (duckdb | spark)", field="engine")
    if not Path(master).exists():
        raise InputError("no such master file", file=str(master))
    with transaction(settings) as conn:
        row = req.load(conn, ref)
        if row["state"] in (State.DELIVERED, State.OVERDUE, State.CLOSED):
            return None
        # disclosed but not yet delivered (its worker died in between): the delivery is still the job's
        if row["state"] not in (State.APPROVED, State.MATCHING, State.DISCLOSED):
            raise PermissionDenied(f"{ref} is {row['state']}: only an approved request is matched and disclosed")
        job_id, _ = jobs.enqueue(conn, "disclose", row["id"],
                                 {"master": str(Path(master).resolve()), "engine": engine})
        return job_id


def run_disclosure(settings: Settings, ref: str, master: Path, *, engine: str = "duckdb",
                   progress: Progress | None = None, lease: jobs.Lease | None = None) -> DisclosureSummary:
    """The disclosure itself, by the holder of the request's job ``lease``: every write is fenced by it."""
    fence = lease.fence if lease is not None else _unfenced
    if lease is not None:
        outer = progress

        def progress(stage: str, done: float, total: float, /) -> None:
            lease.note(stage, done / total if total else 0.0)
            if outer is not None:
                outer(stage, done, total)

    if not Path(master).exists():
        raise InputError("no such master file", file=str(master))
    at = now()
    with transaction(settings) as conn:
        state = req.load(conn, ref)["state"]
    if state in (State.DISCLOSED, State.DELIVERED, State.OVERDUE, State.CLOSED):
        return deliver(settings, ref, fence=fence)
    with transaction(settings) as conn:
        fence(conn)
        row = req.load(conn, ref)
        if row["state"] == State.APPROVED:
            _check_safeguards(conn, row, at.date())
            req.move(conn, settings, row, catalogue.RequestMatching(from_=row["state"], engine=engine), "gateway", at)
        elif row["state"] != State.MATCHING:
            raise PermissionDenied(f"{ref} is {row['state']}: only an approved request is matched and disclosed")
        else:
            _check_safeguards(conn, row, at.date())
        pk = row["id"]
        pending = requests_store.has_pending(conn, pk)
        judged_under = row["policy_version"]

    subjects_file = _work_dir(settings, pk) / "pending-subjects.parquet"
    if pending:
        _match_and_disclose(settings, pk, ref, master, subjects_file, engine, progress, fence,
                            judged_under=judged_under)
    else:
        subjects_file.unlink(missing_ok=True)

    with transaction(settings) as conn:
        fence(conn)
        row = req.load(conn, ref)
        if row["state"] == State.MATCHING:
            outcomes = requests_store.outcome_counts(conn, pk)
            if outcomes.get("pending"):
                raise MatchingIncomplete(
                    f"{ref}: matching gave no outcome for {outcomes['pending']:,} subject(s); the request stays in "
                    "'matching' and nothing is delivered (run ftigate disclose again to match them)")
            req.move(conn, settings, row, catalogue.RequestDisclosed(from_=row["state"], outcomes=outcomes), "gateway", now())
    return deliver(settings, ref, fence=fence, progress=progress)


def _unfenced(conn: Connection) -> None:
    """No job lease to renew: the caller answers for running alone."""


def _check_safeguards(conn, row, today: dt.date) -> None:
    registry, _ = registry_store.snapshot(conn)
    agency = registry.agency(row["agency"])
    if agency is None or not agency.safeguards_current(today):
        raise PermissionDenied(
            f"{row['agency']} has no current approved safeguards on {today} (26 U.S.C. 6103(p)(4)): nothing is disclosed")


_MATCHED_COLUMNS = ("first_name", "middle_name", "last_name", "suffix", "date_of_birth", "address_line1",
                    "address_line2", "city", "state", "zip", "tin")


def _write_pending(settings: Settings, pk: int, subjects_file: Path) -> dict[str, int]:
    """Write the request's valid subjects still without an outcome to the matcher's input file (keyed by
    their key in the store, as text), read from the store a batch at a time and written a column at a
    time; returns each one's place in the request's order by that key. Only the order is kept while
    the matcher runs, not a million rows. Its own read-only transaction: it runs while the matcher reads
    the master file (the request's job lease keeps every other worker from its subjects meanwhile)."""
    columns: dict[str, list[Any]] = {name: [] for name in ("subject_id", *_MATCHED_COLUMNS)}
    lists = list(columns.values())
    with transaction(settings) as conn:
        for rows in requests_store.pending_batches(conn, pk, _MATCHED_COLUMNS):
            for values, column in zip(zip(*rows, strict=True), lists, strict=True):
                column.extend(values)
    keys = columns["subject_id"] = [str(key) for key in columns["subject_id"]]
    write_columns(subjects_file, columns, mode=PRIVATE)
    return {key: place for place, key in enumerate(keys)}


def _match_and_disclose(settings: Settings, pk: int, ref: str, master: Path, subjects_file: Path,
                        engine: str, progress: Progress | None, fence: Fence,
                        judged_under: str | None = None) -> None:
    # The matcher's work folder is shared by every request: its trained model, cached by the master
    # file's hash, is reused instead of retrained (each run still works in a fresh folder of its own).
    # The pending subjects are those intake found valid under the request's policy version
    # (``judged_under``): the matcher judges them again unless that version's rules are the law's in force.
    # They are written to the matcher's input in a thread while the matcher reads the master file and
    # trains (DuckDB's work, on both cores, mostly outside the interpreter), and read once written.
    models: list[identity.MatchingModel] = []
    writing = ThreadPoolExecutor(1, thread_name_prefix="ftigate-pending")
    try:
        written = writing.submit(_write_pending, settings, pk, subjects_file)
        decided = identity.resolve_columns(
            Path(master), subjects_file, engine=engine, work_dir=settings.data_dir / "match", progress=progress,
            resources=settings.matching, on_model=models.append, judged_under=judged_under,
            subjects_ready=written.result)
        order = written.result()
    finally:
        writing.shutdown(wait=True)  # the file is never left half-written by a thread still running
        subjects_file.unlink(missing_ok=True)  # a copy of personal data kept no longer than the matching needs it
    model = models[0] if models else None
    batches = DecisionBatches.cut(decided, order, BATCH)
    if batches.strays:  # fail closed: an answer about a subject nobody asked about is no decision of this request
        raise FtigateError(f"{ref}: the matcher answered for {batches.strays:,} subject(s) this request did not ask "
                           "about; nothing more is disclosed")

    with transaction(settings) as conn:
        document = req.load(conn, ref)["document"]  # what was submitted: it never changes afterwards
    recipients = [r for r in document.get("recipients", []) if isinstance(r, str)]
    investigation = document.get("investigation") or {}

    # The next batches are prepared (their results built from the matcher's columns, decided, encoded,
    # committed to: pure Python) while this one's transaction runs. For a large request in two
    # processes of their own, each a batch ahead, so that the work runs on the second core: one
    # interpreter runs one thread of Python at a time. They are started before the matched taxpayers'
    # identities are read, and import what they need meanwhile. They read the decisions' columns, with
    # the identities joined to them, from a private file in the request's work folder; only row numbers
    # and the commitment key go to them, and only text comes back (the decisions as stored, the
    # commitment to them, the disclosures' fields). Every other thread of this process does as little
    # Python as it can meanwhile: the writer's statements wait for the interpreter after each row.
    # Batches are still written one at a time, in order, each in its own transaction, and a batch
    # with a TIN on the withhold list is prepared again in it: the withhold list is read in the
    # transaction that writes the batch.
    columns = _work_dir(settings, pk) / "decided.arrow"
    apart = len(batches) >= APART_FROM_BATCHES and may_start_processes()
    key = ledger.commitment_key(settings)
    try:
        with _preparer(apart) as preparer:
            if apart:
                for _ in range(_AHEAD):
                    preparer.ask(warm_up)
            matched_tins = batches.matched_tins()
            if len(matched_tins):  # the matched taxpayers' identities, joined to the decisions as columns
                batches = batches.with_identities(identity.disclosable_identities(Path(master), matched_tins))
            path = batches.write(columns) if apart else None
            if apart:
                for _ in range(_AHEAD):
                    preparer.answer()
            _write_batches(settings, ref, batches, preparer, path, key, model, recipients, investigation, fence,
                           progress)
    except WorkerDied:  # killed, or out of memory: the batch in hand rolled back whole
        raise FtigateError("a process preparing the decisions ended without an answer; nothing of the batch in "
                           "hand was written, and the request stays in 'matching' (run ftigate disclose again)") from None
    finally:
        columns.unlink(missing_ok=True)  # the decisions name taxpayers: kept no longer than they are written


def _write_batches(settings: Settings, ref: str, batches: DecisionBatches, preparer: OrderedWorkers | _InThread,
                   path: str | None, key: bytes, model: identity.MatchingModel | None, recipients: list[str],
                   investigation: dict, fence: Fence, progress: Progress | None) -> None:
    """Write the batches in order, each in one transaction, while the next ones are prepared (in the
    processes of ``preparer`` from the columns' file at ``path``, or in its thread)."""
    def ask(n: int) -> None:
        if path is None:
            preparer.ask(batches.prepare, n, {}, key)
        else:
            preparer.ask(prepare_on_file, batches.on_file(path, n), {}, key)

    # Asks and answers travel in a courier thread of this process (pickled and unpickled there) while
    # this thread writes: one answer is awaited at a time, and a worker is asked again as soon as its
    # answer is in.
    ahead = _AHEAD if path is not None else 1
    with ThreadPoolExecutor(1, thread_name_prefix="ftigate-courier") as courier:
        for n in range(min(ahead, len(batches))):
            courier.submit(ask, n)
        answer: Any = courier.submit(preparer.answer) if len(batches) else None
        done = 0
        for n in range(len(batches)):
            prepared = answer.result()
            if n + ahead < len(batches):
                courier.submit(ask, n + ahead)
            answer = courier.submit(preparer.answer) if n + 1 < len(batches) else None
            at = now()
            with transaction(settings) as conn:
                fence(conn)
                row = req.load(conn, ref, document=False)
                if row["state"] != State.MATCHING:
                    raise PermissionDenied(f"{ref} left 'matching' while it was being processed; "
                                           "nothing more is disclosed")
                withheld = disclosure_store.withhold_map(conn, prepared.tins)
                batch = batches.prepare(n, withheld, key) if withheld else prepared
                _record_disclosures(conn, settings, row, batch.disclosing, recipients, investigation, at)
                decided_at, stored = _record_match_batch(conn, settings, row, batch, at, model)
                requests_store.set_decisions(conn, stored, decided_at)
            done += batches.size(n)
            if progress:
                progress("disclosing", done, max(1, batches.total))


def _preparer(apart: bool) -> OrderedWorkers | _InThread:
    """Where a request's batches are prepared: processes of their own, or a thread."""
    return OrderedWorkers(_AHEAD, "ftigate-prepare") if apart else _InThread()


class _InThread:
    """A small request's batches prepared in one thread, asked and answered as :class:`OrderedWorkers`."""

    def __init__(self) -> None:
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ftigate-prepare")
        self._asked: deque[Any] = deque()

    def ask(self, function: Callable[..., Any], *args: Any) -> None:
        self._asked.append(self._pool.submit(function, *args))

    def answer(self) -> Any:
        return self._asked.popleft().result()

    def __enter__(self) -> _InThread:
        return self

    def __exit__(self, *_: object) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


def _record_match_batch(conn, settings: Settings, row, batch: Prepared, at: dt.datetime,
                        model: identity.MatchingModel | None = None) -> tuple[int, list[StoredDecision]]:
    """One ledger entry per batch of match decisions: the outcome counts, and a keyed commitment to
    every decision with its evidence (which the store keeps), so no decision can be changed later
    unnoticed, while the log itself carries no TIN or name; and the digests of the model that scored
    them and of the master file, so anyone can tell which model decided.

    Returns the entry's ledger index, which every subject of the batch is stored with, and the
    decisions to store: each with its line's digest beside it (and its evidence as the line writes it),
    so that the bytes committed to (by subject key, in the encoding the entry names) can be rebuilt
    from the store, the commitment opened, and a rewritten decision named (``ftigate ledger verify-decisions``)."""
    if batch.commitment is None:  # fail closed: a decision that cannot be committed to is not recorded
        raise InputError(f"a batch of match decisions cannot be committed to: {batch.error}")
    [index] = record(conn, settings, [Event(catalogue.MatchDecided(
        subjects=len(batch.decisions), outcomes=batch.outcomes, matcher=identity.MATCHER_VERSION,
        policy_version=law.POLICY_VERSION, commitment=batch.commitment,
        model_sha256=model.sha256 if model else None, master_sha256=model.master_sha256 if model else None,
        encoding=DECISION_ROWS), "gateway", row["id"], req.ref_of(row))], at)
    return index, batch.decisions


def _record_disclosures(conn, settings: Settings, row, items: list[DisclosureRow], recipients: list[str],
                        investigation: dict, at: dt.datetime) -> None:
    """Disclosures, their accounting records (6103(p)(3)(A)) and the batch's ``disclosures.made`` ledger entry.

    Each accounting record is committed to on its own (a keyed hash of its canonical form, kept beside
    it, which an overseer opens); the entry carries the digest of the batch's commitments in
    disclosure order, never a record, so the log binds every record of the batch and names nobody.
    """
    if not items:
        return
    ref = req.ref_of(row)
    ids = disclosure_store.insert_disclosure_batch(conn, row["id"], items, at)
    fields = sorted(DISCLOSED_FIELDS)
    shared = {"disclosed_on": at.date().isoformat(), "agency": row["agency"], "recipients": recipients,
              "authority": str(investigation.get("authority", "")), "statute": row["statute"], "request_ref": ref,
              "fields": fields}
    # the records in disclosure order: the order the entry's digest lists their commitments in
    keyed = sorted(zip(ids, (tin for _, tin, _, _ in items), strict=True))
    try:
        encoded = commitments.records_bytes(shared, ("disclosure", "tin"), keyed)
        committed = ledger.record_commitments(settings, encoded)
        digest = commitments.commitments_digest(committed)
    except (ValueError, UnicodeEncodeError) as exc:  # fail closed: a record that cannot be committed to is not made
        raise InputError(f"a batch of accounting records cannot be committed to: {exc}") from None
    [index] = record(conn, settings, [Event(catalogue.DisclosuresMade(
        disclosures=len(keyed), fields=tuple(fields), recipients=tuple(recipients), citation="26 U.S.C. 6103(i)(2)",
        commitments_sha256=digest, encoding=commitments.ACCOUNTING_COMMITMENTS), "gateway", row["id"], ref)], at)
    disclosure_store.insert_accounting_batch(
        conn, {**shared, "disclosed_on": at.date(), "ledger_index": index},
        [(pk, tin, c) for (pk, tin), c in zip(keyed, committed, strict=True)])


#: a subject's outcome -> what the package answers about it
_ANSWER: dict[str | None, str] = {"invalid": "invalid", "match": "disclosed"}
_ANSWER_HEADS = {answer: f'{{"answer":"{answer}","subject_id":'.encode("ascii")
                 for answer in ("invalid", "disclosed", "no record")}


def _answer_bytes(subject_id: str, outcome: str | None) -> bytes:
    """One answer of a package, ``{"answer": ..., "subject_id": ...}``, in its RFC 8785 bytes: written from
    a template (as many as the request has subjects), the key order RFC 8785's."""
    answer = _ANSWER.get(outcome or "", "no record")
    if type(subject_id) is not str:
        return canonical_json({"answer": answer, "subject_id": subject_id})
    return _ANSWER_HEADS[answer] + json.encoder.encode_basestring(subject_id).encode("utf-8") + b"}"


#: text that RFC 8785 writes between its quotes as it is: no quote, no backslash, no control character
_PLAIN_TEXT = re.compile(r'[^"\\\x00-\x1f]*')


def _answers_bytes(subject_ids: Sequence[str], outcomes: Sequence[str | None]) -> bytes:
    """A batch of a package's answers, each subject's ID beside its outcome, in RFC 8785 bytes joined by
    commas: as :func:`_answer_bytes` writes each. When every subject ID of the batch is text RFC 8785
    writes as it is (one pattern match over them all), the batch is written in one piece; otherwise
    one at a time."""
    if all(type(subject_id) is str for subject_id in subject_ids) and _PLAIN_TEXT.fullmatch("".join(subject_ids)):
        answers = map(_ANSWER.get, outcomes, repeat("no record"))  # no outcome, or "", is "no record"
        with contextlib.suppress(UnicodeEncodeError):  # a lone surrogate: the canonical encoder says what is wrong
            return ",".join([f'{{"answer":"{answer}","subject_id":"{subject_id}"}}'
                             for answer, subject_id in zip(answers, subject_ids, strict=True)]).encode("utf-8")
    return b",".join(map(_answer_bytes, subject_ids, outcomes))


def _disclosure_bytes(subject_id: str, fields: dict[str, Any], tax_period: int) -> bytes:
    """One disclosure of a package, ``{"subject_id", "tax_period", "taxpayer_identity"}``, in its RFC 8785 bytes."""
    return canonical_json({"subject_id": subject_id, "taxpayer_identity": fields, "tax_period": tax_period})


#: the largest integer RFC 8785 writes as the standard library does (a double holds it exactly)
_SAFE_INTEGER = 2**53 - 1


#: RFC 8785's form of a string as the standard library's encoder writes it (``ensure_ascii=False``): any
#: character but the quote, the backslash and the controls, which are escaped, each in its one form.
#: Possessive (``++``, ``*+``): a run of plain characters is taken whole and never given back, which
#: keeps the match linear in the text's length whatever the store holds (the alternatives begin
#: with different characters, so nothing that could match is lost)
_CANONICAL_TEXT = r'"(?:[^"\\\x00-\x1f]++|\\["\\bfnrt]|\\u00(?:0[0-7]|0b|0e|0f|1[0-9a-f]))*+"'
#: a taxpayer's disclosed identity in RFC 8785 form: every disclosed field, in key order, each a string
_CANONICAL_IDENTITY = re.compile(
    "{" + ",".join(f'"{name}":{_CANONICAL_TEXT}' for name in sorted(DISCLOSED_FIELDS)) + "}")


def _disclosures_bytes(rows: Iterable[tuple[Any, Any, Any]]) -> tuple[bytes, int]:
    """A batch of a package's disclosures, as read from the store (``(subject_id, fields as JSON text,
    tax_period)``), in RFC 8785 bytes joined by commas, and how many.

    The store keeps a disclosure's fields in RFC 8785 form (``disclosure_store.insert_disclosure_batch``):
    a text that is exactly that form (a whole pattern match, no parsing) goes into the package as it
    is, beside its subject and tax period. Any other (written otherwise, or by an earlier version) is
    decoded and encoded as :func:`_disclosure_bytes` encodes a disclosure. The batch is encoded to
    UTF-8 once; text it cannot carry (a lone surrogate) has each disclosure encoded alone, and the
    canonical encoder says what is wrong."""
    rows = list(rows)
    loads, quote, canonical = json.loads, json.encoder.encode_basestring, _CANONICAL_IDENTITY.fullmatch
    parts = []
    for subject_id, text, tax_period in rows:
        if (type(text) is str and type(subject_id) is str and type(tax_period) is int
                and -_SAFE_INTEGER <= tax_period <= _SAFE_INTEGER and canonical(text)):
            parts.append(f'{{"subject_id":{quote(subject_id)},"tax_period":{tax_period},"taxpayer_identity":{text}}}')
        else:
            parts.append(_disclosure_bytes(subject_id, loads(text) if isinstance(text, str) else text,
                                           tax_period).decode("utf-8"))
    try:
        return ",".join(parts).encode("utf-8"), len(parts)
    except UnicodeEncodeError:
        return b",".join(_disclosure_bytes(subject_id, loads(text) if isinstance(text, str) else text, tax_period)
                         for subject_id, text, tax_period in rows), len(rows)


def _package_members(conn: Connection, ref: str, pk: int) -> tuple[list[bytes], list[tuple[bytes, int]], dict[str, int]]:
    """A package's answers (in subject order) and disclosures (in disclosure order), a batch of RFC 8785
    bytes at a time, and the request's outcome counts, from one pass over the request's subjects.

    Disclosures are made batch by batch in subject order, so the pass meets them in disclosure order
    too; where it does not (a subject left without an outcome by one run and disclosed about by a later
    one), they are read again by disclosure. Either way every disclosure of the request must be found,
    or nothing is delivered: a package never leaves out what the store says was disclosed."""
    answers: list[bytes] = []
    disclosed: list[tuple[bytes, int]] = []
    outcomes: Counter[str | None] = Counter()
    last, in_order = 0, True
    for subject_ids, outcome_of, keys, fields, periods in disclosure_store.package_batches(conn, pk):
        answers.append(_answers_bytes(subject_ids, outcome_of))
        outcomes.update(outcome_of)
        if in_order:
            made = cast(list[int], list(compress(keys, keys)))  # the disclosures' keys (from 1 up), in subject order
            in_order = all(map(operator.lt, [last, *made], made))
            if in_order and made:
                disclosed.append(_disclosures_bytes(compress(zip(subject_ids, fields, periods, strict=True), keys)))
                last = made[-1]
    if not in_order:
        disclosed = [_disclosures_bytes(rows) for rows in disclosure_store.disclosed_batches(conn, pk)]
    stored, found = disclosure_store.count_disclosures(conn, pk), sum(n for _, n in disclosed)
    if found != stored:  # fail closed: the store contradicts itself
        raise FtigateError(f"{ref}: the store holds {stored:,} disclosure(s) of this request, but "
                           f"{found:,} of them name one of its subjects; nothing is delivered")
    counts: dict[str, int] = {}
    for outcome, count in outcomes.items():
        counts[outcome or "pending"] = counts.get(outcome or "pending", 0) + count  # no outcome and "" alike
    return answers, disclosed, dict(sorted(counts.items()))


def deliver(settings: Settings, ref: str, *, fence: Fence | None = None,
            progress: Progress | None = None) -> DisclosureSummary:
    """Seal the package for the named recipients and mark the request delivered (idempotent).

    The packages folder stays locked from before the file is written until its row is committed, and
    a package file an earlier run wrote but never recorded (killed in between) is removed first.
    ``progress`` is told when the delivery begins (stage ``delivering``)."""
    at = now()
    if progress:
        progress("delivering", 0, 1)
    with packages_locked(settings) as folder, transaction(settings) as conn:
        if fence is not None:
            fence(conn)
        row = req.load(conn, ref)
        pk = row["id"]
        existing = disclosure_store.request_package(conn, pk)
        if row["state"] != State.DISCLOSED:
            return DisclosureSummary(ref, row["state"], requests_store.outcome_counts(conn, pk),
                                     disclosure_store.count_disclosures(conn, pk),
                                     existing["id"] if existing else None,
                                     Path(existing["path"]) if existing else None)
        remove_orphans(conn, folder)
        registry, _ = registry_store.snapshot(conn)
        recipients = {}
        for officer_id in row["document"].get("recipients", []):
            officer = registry.officer(officer_id)
            if officer is None or officer.agency != row["agency"]:
                raise PermissionDenied(f"recipient '{officer_id}' is not a registered officer of {row['agency']}")
            recipients[officer_id] = officer.public_key
        answers, disclosed, outcomes = _package_members(conn, ref, pk)
        count = sum(n for _, n in disclosed)
        content = {"request": ref, "disclosures": canonical_array(data for data, _ in disclosed),
                   "answers": canonical_array(answers)}
        package_id = uuid.uuid4().hex
        destroy_by = at.date() + dt.timedelta(days=settings.thresholds.destroy_within_days)
        terms = {"package": package_id, "request": ref, "agency": row["agency"],
                 "recipients": sorted(recipients), "created": at.date().isoformat(),
                 "destroy_by": destroy_by.isoformat(), "use_restrictions": USE_RESTRICTIONS,
                 "statute": row["statute"], "authority": "26 U.S.C. 6103(i)(2)"}
        sealed = seal_age(content, terms, recipients, package_signing_key(settings))
        path = folder / f"{package_id}.age"
        # the signature first: a package file is never found without the signature that vouches for it
        write_file_atomic(signature_path(path), sealed.signature + "\n", mode=PRIVATE, durable=True)
        write_file_atomic(path, sealed.data, mode=PRIVATE, durable=True)
        sha = sealed.sha256
        disclosure_store.insert_package(conn, {"id": package_id, "request": pk, "created_at": at,
                                               "destroy_by": destroy_by, "sha256": sha, "path": str(path),
                                               "state": "delivered"})
        req.move(conn, settings, row, catalogue.RequestDelivered(
            from_=row["state"], package=package_id, package_sha256=sha, recipients=sorted(recipients),
            destroy_by=destroy_by, disclosures=count), "gateway", at)
        return DisclosureSummary(ref, State.DELIVERED.value, outcomes, count, package_id, path)
