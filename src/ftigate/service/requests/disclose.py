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

import datetime as dt
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection

from ftigate import identity, law
from ftigate.crypto import canonical_json
from ftigate.errors import FtigateError, InputError, PermissionDenied
from ftigate.law.after_disclosure import USE_RESTRICTIONS
from ftigate.ledger import catalogue, commitments
from ftigate.ledger.commitments import DECISION_ROWS
from ftigate.progress import Progress
from ftigate.service.admin.principal import Principal, authorise
from ftigate.service.delivery.gateway_keys import package_signing_key
from ftigate.service.delivery.package_files import packages_locked, remove_orphans
from ftigate.service.delivery.packages import canonical_array, seal_age, signature_path
from ftigate.service.log import ledger
from ftigate.service.log.events import Event, record
from ftigate.service.requests import jobs
from ftigate.service.requests import lifecycle as req
from ftigate.service.requests.decision_record import encoded_batch, outcome_counts
from ftigate.service.requests.states import State
from ftigate.service.store_access import now, transaction
from ftigate.settings import Settings
from ftigate.store import disclosure_store, registry_store, requests_store
from ftigate.tabular import PRIVATE, PRIVATE_DIR, write_file_atomic, write_rows

DISCLOSED_FIELDS = ("first_name", "middle_name", "last_name", "suffix",
                    "address_line1", "address_line2", "city", "state", "zip")
BATCH = 5000
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
        subjects_file = _work_dir(settings, pk) / "pending-subjects.parquet"
        order = _write_pending(conn, pk, subjects_file)
        judged_under = row["policy_version"]

    if order:
        _match_and_disclose(settings, pk, ref, master, subjects_file, order, engine, progress, fence,
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
    return deliver(settings, ref, fence=fence)


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


def _write_pending(conn: Connection, pk: int, subjects_file: Path) -> dict[str, int]:
    """Write the request's valid subjects still without an outcome to the matcher's input file (keyed by
    their key in the store, as text), streamed from the store; returns each one's place in the request's
    order by that key. Only the order is kept while the matcher runs, not a million rows."""
    order: dict[str, int] = {}

    def rows():
        for s in requests_store.iter_subjects(conn, pk, valid=True, pending_only=True, columns=_MATCHED_COLUMNS):
            key = str(s["id"])
            order[key] = len(order)
            yield {**s, "subject_id": key}

    write_rows(subjects_file, ("subject_id", *_MATCHED_COLUMNS), rows(), mode=PRIVATE)
    return order


def _match_and_disclose(settings: Settings, pk: int, ref: str, master: Path, subjects_file: Path,
                        order: dict[str, int], engine: str, progress: Progress | None, fence: Fence,
                        judged_under: str | None = None) -> None:
    # The matcher's work folder is shared by every request: its trained model, cached by the master
    # file's hash, is reused instead of retrained (each run still works in a fresh folder of its own).
    # The pending subjects are those intake found valid under the request's policy version
    # (``judged_under``): the matcher judges them again unless that version's rules are the law's in force.
    models: list[identity.MatchingModel] = []
    results = list(identity.resolve(Path(master), subjects_file, engine=engine,
                                    work_dir=settings.data_dir / "match", progress=progress,
                                    resources=settings.matching, on_model=models.append,
                                    judged_under=judged_under))
    model = models[0] if models else None
    subjects_file.unlink()  # a copy of personal data kept no longer than the matching needs it
    # Batches follow the request's own order (the matcher answers in its own), so a run resumed after
    # an interruption cuts the same batches from the subjects still pending, and the ledger records
    # the same decisions in the same entries as a run nobody interrupted.
    strays = sum(1 for r in results if r.subject_id not in order)
    if strays:  # fail closed: an answer about a subject nobody asked about is no decision of this request
        raise FtigateError(f"{ref}: the matcher answered for {strays:,} subject(s) this request did not ask about; "
                           "nothing more is disclosed")
    results.sort(key=lambda r: order[r.subject_id])
    matched_tins = sorted({r.tin for r in results if r.outcome == "match" and r.tin})
    identities = identity.disclosable_identity(Path(master), matched_tins) if matched_tins else {}

    for start in range(0, len(results), BATCH):
        chunk = results[start:start + BATCH]
        at = now()
        with transaction(settings) as conn:
            fence(conn)
            row = req.load(conn, ref)
            if row["state"] != State.MATCHING:
                raise PermissionDenied(f"{ref} left 'matching' while it was being processed; nothing more is disclosed")
            withheld = disclosure_store.withhold_map(conn, [r.tin for r in chunk if r.tin])
            document = row["document"]
            recipients = [r for r in document.get("recipients", []) if isinstance(r, str)]
            investigation = document.get("investigation") or {}
            updates, disclosing = [], []
            for result in chunk:
                subject = int(result.subject_id)
                outcome: str = result.outcome
                tin = result.tin
                evidence = dict(result.evidence or {})
                if outcome == "match" and tin is None:  # fail closed: nothing to disclose about nobody
                    outcome, evidence["error"] = "no_match", "a match without a TIN"
                if outcome == "match" and tin is not None:
                    finding = law.withhold(tin, withheld)
                    if finding is not None:
                        outcome = "withheld"
                        evidence["withheld"] = finding.to_json()
                    elif tin not in identities:
                        outcome, evidence["error"] = "no_match", "matched TIN has no address record"
                updates.append({"id": subject, "outcome": outcome, "evidence": evidence,
                                "matched_tin": tin if outcome in ("match", "withheld") else None,
                                "match_probability": result.match_probability})
                if outcome == "match" and tin is not None:
                    disclosing.append((subject, tin, identities[tin]))
            _record_disclosures(conn, settings, row, disclosing, recipients, investigation, at)
            decided, digests = _record_match_batch(conn, settings, row, updates, at, model)
            for u in updates:
                u["decision_ledger_index"] = decided
                kept = digests[u["id"]]
                if kept is not None:  # the line's digest, and its evidence as the line wrote it
                    u["decision_digest"], u["evidence_json"] = kept
            requests_store.set_outcomes(conn, updates)
        if progress:
            progress("disclosing", min(start + len(chunk), len(results)), max(1, len(results)))


def _record_match_batch(conn, settings: Settings, row, updates: list[dict], at: dt.datetime,
                        model: identity.MatchingModel | None = None) -> tuple[int, dict[Any, tuple[str, str]]]:
    """One ledger entry per batch of match decisions: the outcome counts, and a keyed commitment to
    every decision with its evidence (which the store keeps), so no decision can be changed later
    unnoticed, while the log itself carries no TIN or name; and the digests of the model that scored
    them and of the master file, so anyone can tell which model decided.

    Returns the entry's ledger index, which every subject of the batch is stored with, and each
    decision's line digest by subject key, stored beside it (with its evidence as the line writes it):
    the bytes committed to (by subject key, in the encoding the entry names) can then be rebuilt from
    the store and the commitment opened, and a rewritten decision named (``ftigate ledger verify-decisions``)."""
    try:
        committed, digests = encoded_batch(updates)
    except ValueError as exc:  # fail closed: a decision that cannot be committed to is not recorded
        raise InputError(f"a batch of match decisions cannot be committed to: {exc}") from None
    [index] = record(conn, settings, [Event(catalogue.MatchDecided(
        subjects=len(updates), outcomes=outcome_counts(updates), matcher=identity.MATCHER_VERSION,
        policy_version=law.POLICY_VERSION, commitment=ledger.commitment_to_bytes(settings, committed),
        model_sha256=model.sha256 if model else None, master_sha256=model.master_sha256 if model else None,
        encoding=DECISION_ROWS), "gateway", row["id"], req.ref_of(row))], at)
    return index, digests


def _record_disclosures(conn, settings: Settings, row, items: list[tuple[int, str, Any]], recipients: list[str],
                        investigation: dict, at: dt.datetime) -> None:
    """Disclosures, their accounting records (6103(p)(3)(A)) and the batch's ``disclosures.made`` ledger entry.

    Each accounting record is committed to on its own (a keyed hash of its canonical form, kept beside
    it, which an overseer opens); the entry carries the digest of the batch's commitments in
    disclosure order, never a record, so the log binds every record of the batch and names nobody.
    """
    if not items:
        return
    ref = req.ref_of(row)
    rows = [(subject, tin, {name: getattr(ident, name) or "" for name in DISCLOSED_FIELDS}, int(ident.tax_period))
            for subject, tin, ident in items]
    ids = disclosure_store.insert_disclosure_batch(conn, row["id"], rows, at)
    fields = sorted(DISCLOSED_FIELDS)
    shared = {"disclosed_on": at.date().isoformat(), "agency": row["agency"], "recipients": recipients,
              "authority": str(investigation.get("authority", "")), "statute": row["statute"], "request_ref": ref,
              "fields": fields}
    # the records in disclosure order: the order the entry's digest lists their commitments in
    keyed = sorted(zip(ids, (tin for _, tin, _, _ in rows), strict=True))
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
_ANSWER = {"invalid": "invalid", "match": "disclosed"}
_ANSWER_HEADS = {answer: f'{{"answer":"{answer}","subject_id":'.encode("ascii")
                 for answer in ("invalid", "disclosed", "no record")}


def _answer_bytes(subject_id: str, outcome: str | None) -> bytes:
    """One answer of a package, ``{"answer": ..., "subject_id": ...}``, in its RFC 8785 bytes: written from
    a template (as many as the request has subjects), the key order RFC 8785's."""
    answer = _ANSWER.get(outcome or "", "no record")
    if type(subject_id) is not str:
        return canonical_json({"answer": answer, "subject_id": subject_id})
    return _ANSWER_HEADS[answer] + json.encoder.encode_basestring(subject_id).encode("utf-8") + b"}"


def _disclosure_bytes(subject_id: str, fields: dict[str, Any], tax_period: int) -> bytes:
    """One disclosure of a package, ``{"subject_id", "tax_period", "taxpayer_identity"}``, in its RFC 8785 bytes."""
    return canonical_json({"subject_id": subject_id, "taxpayer_identity": fields, "tax_period": tax_period})


def deliver(settings: Settings, ref: str, *, fence: Fence | None = None) -> DisclosureSummary:
    """Seal the package for the named recipients and mark the request delivered (idempotent).

    The packages folder stays locked from before the file is written until its row is committed, and
    a package file an earlier run wrote but never recorded (killed in between) is removed first."""
    at = now()
    with packages_locked(settings) as folder, transaction(settings) as conn:
        if fence is not None:
            fence(conn)
        row = req.load(conn, ref)
        pk = row["id"]
        outcomes = requests_store.outcome_counts(conn, pk)
        existing = disclosure_store.request_package(conn, pk)
        if row["state"] != State.DISCLOSED:
            return DisclosureSummary(ref, row["state"], outcomes, disclosure_store.count_disclosures(conn, pk),
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
        disclosed = [_disclosure_bytes(subject_id, fields, tax_period)
                     for subject_id, fields, tax_period in disclosure_store.iter_disclosed(conn, pk)]
        content = {
            "request": ref, "disclosures": canonical_array(disclosed),
            "answers": canonical_array(_answer_bytes(subject["subject_id"], subject["outcome"])
                                       for subject in requests_store.iter_subjects(conn, pk, columns=("subject_id", "outcome"))),
        }
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
        disclosure_store.attach_package(conn, pk, package_id)
        req.move(conn, settings, row, catalogue.RequestDelivered(
            from_=row["state"], package=package_id, package_sha256=sha, recipients=sorted(recipients),
            destroy_by=destroy_by, disclosures=len(disclosed)), "gateway", at)
        return DisclosureSummary(ref, State.DELIVERED.value, outcomes, len(disclosed), package_id, path)
