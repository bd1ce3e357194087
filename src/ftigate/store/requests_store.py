"""Queries over requests, subjects, findings, reviews and events."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from functools import lru_cache
from typing import Any

from sqlalchemy import Connection, Executable, RowMapping, and_, bindparam, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from ftigate.store.recent_subjects import key_digest
from ftigate.store.records import RequestRecord, SubjectRecord
from ftigate.store.rows import keyset_batches
from ftigate.store.tables import events, findings, packages, requests, reviews, staff, subjects

BULK = 5000


def insert_request(conn: Connection, row: Mapping[str, Any]) -> int:
    return conn.execute(requests.insert().values(**row).returning(requests.c.id)).scalar_one()


def insert_subjects(conn: Connection, request_pk: int, rows: Iterable[Mapping[str, Any]]) -> int:
    """Bulk insert (Core executemany in chunks), never row by row through an ORM; each subject with
    the digest of its key (``store.recent_subjects``). No key is read back, so the inserts may be
    pipelined with others (``ledger_store.pipelined``)."""
    return insert_subjects_of(conn, ((request_pk, row) for row in rows))


def insert_subjects_of(conn: Connection, rows: Iterable[tuple[int, Mapping[str, Any]]]) -> int:
    """:func:`insert_subjects` of subjects of one or more requests, each given with its request's key:
    a group of submissions stored together sends one statement for all their subjects."""
    chunk: list[dict[str, Any]] = []
    count = 0
    for request_pk, row in rows:
        chunk.append({"request": request_pk, "subject_key_sha256": key_digest(row), **row})
        if len(chunk) >= BULK:
            conn.execute(subjects.insert().inline(), chunk)
            count += len(chunk)
            chunk = []
    if chunk:
        conn.execute(subjects.insert().inline(), chunk)
        count += len(chunk)
    return count


def insert_findings(conn: Connection, request_pk: int, rows: Sequence[Mapping[str, Any]]) -> None:
    insert_findings_of(conn, [{"request": request_pk, **r} for r in rows])


#: the columns of a finding as stored, in the order :data:`_UNNEST_FINDINGS` takes them
_FINDING_COLUMNS = ("request", "subject_id", "rule", "citation", "outcome", "message", "policy_version")
_UNNEST_FINDINGS = (
    f"INSERT INTO {findings.name} ({', '.join(_FINDING_COLUMNS)}) "  # nosec B608  # the table's own name and columns; the values are bound parameters
    f"SELECT {', '.join(_FINDING_COLUMNS)} FROM unnest(%s::bigint[], %s::text[], %s::text[], %s::text[], "
    f"%s::text[], %s::text[], %s::text[]) WITH ORDINALITY AS f({', '.join(_FINDING_COLUMNS)}, n) ORDER BY n")


def insert_findings_of(conn: Connection, rows: Sequence[Mapping[str, Any]]) -> None:
    """Findings of one or more requests (each row names its ``request``), stored in their order. On
    PostgreSQL each chunk is one statement whose parameters are the columns as arrays (``unnest``):
    a submission has twenty-odd findings, and a statement per row cost more than judging them. The
    columns are sent as text and cast on assignment, so a value too long for its column is refused as
    a row-by-row insert refuses it (a cast to ``varchar(n)`` would cut it short instead)."""
    for start in range(0, len(rows), BULK):
        chunk = rows[start:start + BULK]
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql(_UNNEST_FINDINGS, tuple([r[c] for r in chunk] for c in _FINDING_COLUMNS))
        else:
            conn.execute(findings.insert().inline(), [{c: r[c] for c in _FINDING_COLUMNS} for r in chunk])


def find_request(conn: Connection, agency: str, request_id: str, document: bool = True) -> RequestRecord | None:
    """The request stored under this reference; without its document (which may hold every subject
    inline) unless ``document``."""
    row = conn.execute(_find_request(document), {"agency": agency, "request_id": request_id}).mappings().first()
    return None if row is None else RequestRecord.from_row(row)


@lru_cache(maxsize=2)
def _find_request(document: bool) -> Executable:
    """:func:`find_request`'s statement, built once (every submission and status read asks it)."""
    columns = requests.c if document else [c for c in requests.c if c.name != "document"]
    return select(*columns).where(and_(requests.c.agency == bindparam("agency"),
                                       requests.c.request_id == bindparam("request_id")))


def request_view(conn: Connection, agency: str, request_id: str) -> tuple[RequestRecord, dict[str, int], str | None] | None:
    """The request stored under this reference (without its document), the number of its subjects by
    outcome (``pending`` for none yet) and its package's id (None before one is made), in one
    statement: :func:`find_request`, :func:`outcome_counts` and the package's look-up as one round trip,
    for the status read, the view followed most often."""
    row = conn.execute(_request_view(conn.dialect.name), {"agency": agency, "request_id": request_id}).mappings().first()
    if row is None:
        return None
    data = dict(row)
    outcomes, package = data.pop("subject_outcomes"), data.pop("package_id")
    if isinstance(outcomes, str | bytes):  # SQLite's JSON is text
        outcomes = json.loads(outcomes)
    return RequestRecord.from_row(data), {str(k): int(v) for k, v in (outcomes or {}).items()}, package


@lru_cache(maxsize=4)
def _request_view(dialect: str) -> Executable:
    outcome = func.coalesce(func.nullif(subjects.c.outcome, ""), "pending")
    counted = (select(outcome.label("outcome"), func.count().label("n")).where(subjects.c.request == requests.c.id)
               .group_by(outcome).correlate(requests).subquery("counted"))
    aggregate = func.json_object_agg if dialect == "postgresql" else func.json_group_object
    outcomes = select(aggregate(counted.c.outcome, counted.c.n)).scalar_subquery().label("subject_outcomes")
    package = (select(packages.c.id).where(packages.c.request == requests.c.id).limit(1)
               .scalar_subquery().label("package_id"))
    return select(*(c for c in requests.c if c.name != "document"), outcomes, package).where(and_(
        requests.c.agency == bindparam("agency"), requests.c.request_id == bindparam("request_id")))


def get_request(conn: Connection, pk: int) -> RequestRecord:
    return RequestRecord.from_row(conn.execute(select(requests).where(requests.c.id == pk)).mappings().one())


def list_requests(conn: Connection, states: Sequence[str] | None = None) -> list[RequestRecord]:
    """Requests in the given states (all if None), oldest first, without their documents: a listing
    never reads every request's JSON (with inline subjects, a document can hold a whole batch)."""
    query = select(*(c for c in requests.c if c.name != "document")).order_by(requests.c.id)
    if states is not None:
        query = query.where(requests.c.state.in_(list(states)))
    return [RequestRecord.from_row(row) for row in conn.execute(query).mappings()]


def count_requests(conn: Connection) -> int:
    return conn.execute(select(func.count()).select_from(requests)).scalar_one()


def set_state(conn: Connection, pk: int, current: str, target: str, now: dt.datetime) -> bool:
    """Compare-and-set: moves only if nobody else moved the request meanwhile."""
    result = conn.execute(
        update(requests).where(and_(requests.c.id == pk, requests.c.state == current))
        .values(state=target, updated_at=now)
    )
    return result.rowcount == 1


def request_findings(conn: Connection, pk: int) -> list[RowMapping]:
    return list(conn.execute(_request_findings(), {"pk": pk}).mappings())


@lru_cache(maxsize=1)
def _request_findings() -> Executable:
    return select(findings).where(findings.c.request == bindparam("pk")).order_by(findings.c.id)


def insert_review(conn: Connection, row: Mapping[str, Any]) -> None:
    conn.execute(reviews.insert().values(**row))


def request_reviews(conn: Connection, pk: int) -> list[RowMapping]:
    return list(conn.execute(select(reviews).where(reviews.c.request == pk).order_by(reviews.c.id)).mappings())


def insert_events(conn: Connection, rows: Sequence[Mapping[str, Any]]) -> None:
    for start in range(0, len(rows), BULK):
        conn.execute(events.insert().inline(), list(rows[start:start + BULK]))  # no id read back: may be pipelined


def request_events(conn: Connection, pk: int) -> list[RowMapping]:
    return list(conn.execute(select(events).where(events.c.request == pk).order_by(events.c.id)).mappings())


def iter_subjects(conn: Connection, pk: int, *, valid: bool | None = None, pending_only: bool = False,
                  columns: Sequence[str] | None = None, batch: int = 20000) -> Iterator[RowMapping]:
    """Subjects of a request in row order, streamed by keyset pagination (constant memory).

    ``columns`` names the only columns wanted (``id`` always comes too): a package's answers need
    two, and reading every subject's evidence for them decodes a million JSON documents for nothing.
    """
    chosen = [subjects.c.id, *(subjects.c[name] for name in columns if name != "id")] if columns else [subjects]
    last = 0
    while True:
        query = select(*chosen).where(and_(subjects.c.request == pk, subjects.c.id > last))
        if valid is not None:
            query = query.where(subjects.c.valid == valid)
        if pending_only:
            query = query.where(subjects.c.outcome.is_(None))
        rows = list(conn.execute(query.order_by(subjects.c.id).limit(batch)).mappings())
        if not rows:
            return
        yield from rows
        last = rows[-1]["id"]


def pending_batches(conn: Connection, pk: int, columns: Sequence[str], batch: int = 50_000,
                    ) -> Iterator[list[tuple[Any, ...]]]:
    """``(id, *columns)`` of a request's valid subjects still without an outcome, in row order, a batch
    (keyset) at a time, read through the driver: the matcher's input, up to a million rows."""
    names = ", ".join(subjects.c[name].name for name in columns)  # only the table's own columns
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    sql = (f"SELECT id, {names} FROM {subjects.name} WHERE request = {mark} AND valid = {mark} "  # nosec B608  # the table's own names and placeholders; the values are bound parameters
           f"AND outcome IS NULL AND id > {mark} ORDER BY id LIMIT {int(batch)}")
    yield from keyset_batches(conn, sql, (pk, True), batch)


def has_pending(conn: Connection, pk: int) -> bool:
    """Whether any subject :func:`pending_batches` reads is left: a valid one without an outcome."""
    return conn.execute(select(subjects.c.id).where(subjects.c.request == pk, subjects.c.valid.is_(True),
                                                    subjects.c.outcome.is_(None)).limit(1)).first() is not None


def decision_batches(conn: Connection, pk: int) -> list[int]:
    """The ledger indices of the ``match.decided`` entries a request's stored subjects name, in order."""
    query = (select(subjects.c.decision_ledger_index).distinct()
             .where(and_(subjects.c.request == pk, subjects.c.decision_ledger_index.is_not(None)))
             .order_by(subjects.c.decision_ledger_index))
    return [index for (index,) in conn.execute(query)]


def batch_decisions(conn: Connection, pk: int, index: int, columns: Sequence[str]) -> list[RowMapping]:
    """The subjects of a request that name ledger entry ``index``: one batch of decisions at a time,
    so checking a 1.3-million-subject request holds one batch in memory, not the request."""
    query = (select(*(subjects.c[name] for name in columns))
             .where(and_(subjects.c.request == pk, subjects.c.decision_ledger_index == index))
             .order_by(subjects.c.id))
    return list(conn.execute(query).mappings())


def unbatched_decisions(conn: Connection, pk: int, *, include_pending: bool) -> list[int]:
    """Row numbers of valid subjects decided by matching (not ``invalid``) that name no ledger entry;
    with ``include_pending``, also those with no outcome yet (once matching is over, there should be none)."""
    decided = subjects.c.outcome != "invalid"
    if include_pending:
        decided = (subjects.c.outcome.is_(None)) | decided
    query = (select(subjects.c.row_number)
             .where(and_(subjects.c.request == pk, subjects.c.decision_ledger_index.is_(None),
                         subjects.c.valid.is_(True), decided))
             .order_by(subjects.c.row_number))
    return [number for (number,) in conn.execute(query)]


def find_subjects(conn: Connection, pk: int, subject_id: str) -> list[SubjectRecord]:
    return [SubjectRecord.from_row(row) for row in conn.execute(
        select(subjects).where(and_(subjects.c.request == pk, subjects.c.subject_id == subject_id))).mappings()]


def outcome_counts(conn: Connection, pk: int) -> dict[str, int]:
    counts: dict[str, int] = {}
    for outcome, count in conn.execute(_outcome_counts(), {"pk": pk}).all():
        counts[outcome or "pending"] = counts.get(outcome or "pending", 0) + count  # no outcome and "" alike
    return counts


@lru_cache(maxsize=1)
def _outcome_counts() -> Executable:
    return (select(subjects.c.outcome, func.count()).where(subjects.c.request == bindparam("pk"))
            .group_by(subjects.c.outcome))


def set_outcomes(conn: Connection, rows: Sequence[Mapping[str, Any]]) -> None:
    """rows: {"id", "outcome", "matched_tin", "match_probability", "evidence"} and, optionally,
    "decision_ledger_index": the ledger entry committing to the decision, so it can be checked later,
    and "decision_digest": the SHA-256 of the decision as committed to; "evidence_json", if given, is the
    evidence already as JSON text (the decision's committed line writes it), stored as it is.

    One driver-level ``executemany`` per chunk, the evidence serialised as the JSON column would
    (``json.dumps``): a 1.3-million-subject request writes every decision here, and building and
    processing a parameter dict per row through the Core cost more than the database's own work."""
    dumps = json.dumps
    by_entry: dict[int | None, list[tuple[Any, ...]]] = {}
    for r in rows:
        by_entry.setdefault(r.get("decision_ledger_index"), []).append((
            r["outcome"], r.get("matched_tin"), r.get("match_probability"),
            r["evidence_json"] if "evidence_json" in r else None if r.get("evidence") is None else dumps(r["evidence"]),
            r.get("decision_digest"), r["id"]))
    for ledger_index, decided in by_entry.items():
        set_decisions(conn, decided, ledger_index)


def set_decisions(conn: Connection, rows: Sequence[tuple[Any, ...]], ledger_index: int | None) -> None:
    """:func:`set_outcomes` of rows already as ``(outcome, matched_tin, match_probability, evidence as JSON
    text, decision_digest, id)``, all committed to by the ledger entry ``ledger_index``: what a batch of
    decisions builds directly, given to the driver as it is (the entry's index is written into the
    statement, as a whole number, instead of copied into every row)."""
    marks = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    assignments = ", ".join(f"{column} = {marks}" for column in (
        "outcome", "matched_tin", "match_probability", "evidence", "decision_digest"))
    entry = "NULL" if ledger_index is None else str(int(ledger_index))
    sql = f"UPDATE {subjects.name} SET {assignments}, decision_ledger_index = {entry} WHERE id = {marks}"  # nosec B608  # the table's own names, placeholders and a whole number; the values are bound parameters
    for start in range(0, len(rows), BULK):
        conn.exec_driver_sql(sql, rows[start:start + BULK])


# --- staff ----------------------------------------------------------------------------------------
def upsert_staff(conn: Connection, staff_id: str, name: str, role: str, now: dt.datetime) -> bool:
    existing = conn.execute(select(staff).where(staff.c.id == staff_id)).mappings().first()
    if existing is None:
        conn.execute(staff.insert().values(id=staff_id, name=name, role=role, created_at=now))
        return True
    if existing["name"] != name or existing["role"] != role:
        conn.execute(update(staff).where(staff.c.id == staff_id).values(name=name, role=role))
        return True
    return False


def get_staff(conn: Connection, staff_id: str) -> RowMapping | None:
    return conn.execute(select(staff).where(staff.c.id == staff_id)).mappings().first()


def list_staff(conn: Connection) -> list[RowMapping]:
    return list(conn.execute(select(staff).order_by(staff.c.id)).mappings())


def events_of_kind(conn: Connection, kind: str) -> list[RowMapping]:
    """Every stored event of one kind, oldest first (for kinds that stay few: policies adopted)."""
    return list(conn.execute(select(events).where(events.c.kind == kind).order_by(events.c.id)).mappings())


def insert_new_requests(conn: Connection, rows: Sequence[Mapping[str, Any]]) -> dict[tuple[str, str], int]:
    """Insert requests in one statement, each unless one of its reference (agency, request_id) is
    stored already; returns the key of each row inserted, by reference. A reference stored meanwhile
    by another transaction is waited for and then left alone (``ON CONFLICT DO NOTHING``): the
    caller reads what is stored instead of failing the whole statement. The statement is built once
    (several rows go as one multi-row insert, SQLAlchemy's "insertmanyvalues")."""
    if not rows:
        return {}
    return {(agency, request_id): pk for pk, agency, request_id in conn.execute(_insert_new(conn.dialect.name), list(rows))}


@lru_cache(maxsize=4)
def _insert_new(dialect: str) -> Executable:
    insert = pg_insert(requests) if dialect == "postgresql" else sqlite_insert(requests)
    return (insert.on_conflict_do_nothing(index_elements=[requests.c.agency, requests.c.request_id])
            .returning(requests.c.id, requests.c.agency, requests.c.request_id))
