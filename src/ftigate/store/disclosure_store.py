"""Disclosures, their accounting records (6103(p)(3)(A)), packages and the withhold list."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from functools import lru_cache
from operator import itemgetter
from typing import Any

from sqlalchemy import Connection, Executable, RowMapping, and_, bindparam, func, select, update

from ftigate.crypto import plain_text
from ftigate.store.rows import keyset_batches
from ftigate.store.tables import accounting, disclosures, packages, subjects, withhold_list

#: subject keys per look-up of a batch's new disclosure ids (well below SQLite's limit of bound values)
_LOOKUP = 5000


def insert_disclosures(conn: Connection, rows: Sequence[Mapping[str, Any]]) -> list[int]:
    """Insert many; returns their ids in the order of ``rows``."""
    if not rows:
        return []
    result = conn.execute(disclosures.insert().returning(disclosures.c.id, sort_by_parameter_order=True),
                          [dict(r) for r in rows])
    return [r[0] for r in result]


def _processor(conn: Connection, column) -> Callable[[Any], Any]:
    """How SQLAlchemy would hand ``column``'s value to this database's driver (JSON as text, a time as
    the dialect stores it), for the writes that skip SQLAlchemy's per-row parameter handling."""
    process = column.type.dialect_impl(conn.dialect).bind_processor(conn.dialect)
    return process if process is not None else (lambda value: value)


def _fields_json(conn: Connection) -> Callable[[Mapping[str, Any] | str], Any]:
    """How a disclosure's fields (a mapping, or already its RFC 8785 text) go to the driver: on SQLite,
    where the JSON column's text is any JSON of them (SQLAlchemy writes ``json.dumps``, and reads back
    whatever JSON is there), their RFC 8785 text, which the package then carries without decoding it
    again (``service.disclose``), written directly (SQLAlchemy's processor around it costs as much
    again per row); on another database, as SQLAlchemy would."""
    process = _processor(conn, disclosures.c.fields)
    if conn.dialect.name == "sqlite" and process(_PROBE) == json.dumps(_PROBE):
        return lambda fields: fields if type(fields) is str else plain_text(fields)
    return lambda fields: process(json.loads(fields) if isinstance(fields, str) else fields)


_PROBE = {"first_name": "Zo\u00eb \"Q\"", "city": "\\ \n \u2028", "zip": None}


def _marks(conn: Connection, n: int) -> str:
    return ", ".join(["?" if conn.dialect.paramstyle == "qmark" else "%s"] * n)


def insert_disclosure_batch(conn: Connection, request_pk: int,
                            rows: Sequence[tuple[int, str, Mapping[str, Any] | str, int]], at: dt.datetime) -> list[int]:
    """Insert a batch of disclosures of one request, ``(subject key, TIN, fields, tax period)`` each, all
    made at ``at``; returns their ids in the order of ``rows``. The fields are a mapping, or its RFC 8785
    text (as a batch prepared in another process brings them).

    One driver-level ``executemany`` (the values processed as SQLAlchemy would, the shared ones once);
    on SQLite the ids are worked out from the largest id before the batch (checked against the last id
    it made), elsewhere, or when the check fails, read back by subject (each subject has at most one
    disclosure). A 1.3-million-subject request writes most of its subjects here, and a parameter dict
    per row through the Core cost more than the database's own work."""
    if not rows:
        return []
    fields_json = _fields_json(conn)
    when = _processor(conn, disclosures.c.disclosed_at)(at)
    before = _last_id(conn)
    conn.exec_driver_sql(
        f"INSERT INTO {disclosures.name} (request, subject, tin, fields, tax_period, disclosed_at) "  # nosec B608  # the table's own names and placeholders; the values are bound parameters
        f"VALUES ({_marks(conn, 6)})",
        [(request_pk, subject, tin, fields_json(fields), tax_period, when) for subject, tin, fields, tax_period in rows])
    if before is not None and conn.exec_driver_sql("SELECT last_insert_rowid()").scalar_one() == before + len(rows):
        # SQLite gives each new row one more than the largest id so far: the batch's ids run from
        # ``before`` up by one per row, in the order inserted, unless another row came between the
        # reading of ``before`` and the batch, which the batch's last id would then show
        return list(range(before + 1, before + len(rows) + 1))
    ids: dict[int, int] = {}
    keys = [r[0] for r in rows]
    for start in range(0, len(keys), _LOOKUP):
        query = select(disclosures.c.subject, disclosures.c.id).where(disclosures.c.subject.in_(keys[start:start + _LOOKUP]))
        ids.update((subject, pk) for subject, pk in conn.execute(query))
    return [ids[k] for k in keys]


def _last_id(conn: Connection) -> int | None:
    """On SQLite, the largest disclosure id so far (0: none): the ids a batch inserted next are then
    known without reading them back. None elsewhere (a sequence hands ids out, not in a known run)."""
    if conn.dialect.name != "sqlite":
        return None
    last = conn.exec_driver_sql(f"SELECT max(id) FROM {disclosures.name}").scalar_one()  # nosec B608  # the table's own name
    return int(last or 0)


def insert_accounting_batch(conn: Connection, shared: Mapping[str, Any], rows: Sequence[tuple[int, str, str]]) -> None:
    """Insert the accounting records of a batch of disclosures: ``shared`` holds the members every record
    of the batch has alike (``disclosed_on``, ``agency``, ``recipients``, ``authority``, ``statute``,
    ``request_ref``, ``fields``, ``ledger_index``), ``rows`` each record's ``(disclosure, tin, commitment)``.
    One driver-level ``executemany``, as :func:`insert_disclosure_batch`."""
    if not rows:
        return
    names = ("disclosed_on", "agency", "recipients", "authority", "statute", "request_ref", "fields", "ledger_index")
    common = tuple(_processor(conn, accounting.c[name])(shared[name]) for name in names)
    columns = ", ".join(("disclosure", "tin", "commitment", *names))
    conn.exec_driver_sql(f"INSERT INTO {accounting.name} ({columns}) VALUES ({_marks(conn, 3 + len(names))})",  # nosec B608  # the table's own names and placeholders; the values are bound parameters
                         [(disclosure, tin, commitment, *common) for disclosure, tin, commitment in rows])


def insert_accounting(conn: Connection, rows: Sequence[Mapping[str, Any]]) -> None:
    if rows:
        conn.execute(accounting.insert(), [dict(r) for r in rows])


def request_disclosures(conn: Connection, request_pk: int) -> list[RowMapping]:
    query = (select(disclosures, subjects.c.subject_id)
             .join(subjects, subjects.c.id == disclosures.c.subject)
             .where(disclosures.c.request == request_pk).order_by(disclosures.c.id))
    return list(conn.execute(query).mappings())


def iter_disclosed(conn: Connection, request_pk: int, batch: int = 20_000) -> Iterator[tuple[str, dict[str, Any], int]]:
    """``(subject_id, fields, tax_period)`` of a request's disclosures by id, read a batch at a time
    (keyset): what a package carries of each, without holding a million rows at once."""
    after = 0
    while True:
        rows = conn.execute(select(disclosures.c.id, subjects.c.subject_id, disclosures.c.fields, disclosures.c.tax_period)
                            .join(subjects, subjects.c.id == disclosures.c.subject)
                            .where(disclosures.c.request == request_pk, disclosures.c.id > after)
                            .order_by(disclosures.c.id).limit(batch)).all()
        for _, subject_id, fields, tax_period in rows:
            yield subject_id, fields, tax_period
        if len(rows) < batch:
            return
        after = rows[-1][0]


def disclosed_batches(conn: Connection, request_pk: int, batch: int = 50_000) -> Iterator[list[tuple[str, str, int]]]:
    """A request's disclosures by id as ``(subject_id, fields as stored JSON text, tax_period)``, a batch
    (keyset) at a time: what a package carries of each, read through the driver (no row objects, no
    JSON decoded on the way) because a package of a million disclosures reads them all at once."""
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    sql = (f"SELECT d.id, s.subject_id, CAST(d.fields AS TEXT), d.tax_period FROM {disclosures.name} d "  # nosec B608  # the tables' own names and placeholders; the values are bound parameters
           f"JOIN {subjects.name} s ON s.id = d.subject WHERE d.request = {mark} AND d.id > {mark} "
           f"ORDER BY d.id LIMIT {int(batch)}")
    for rows in keyset_batches(conn, sql, (request_pk,), batch):
        yield [(subject_id, fields, tax_period) for _, subject_id, fields, tax_period in rows]


#: a batch of a request's subjects as :func:`package_batches` reads them: a column each of subject IDs,
#: outcomes, disclosure keys, disclosed fields (stored JSON text) and tax periods (the last three None
#: for a subject without a disclosure)
PackageBatch = tuple[list[str], list[str | None], list[int | None], list[str | None], list[int | None]]


def package_batches(conn: Connection, request_pk: int, batch: int = 50_000) -> Iterator[PackageBatch]:
    """Every subject of a request in key order, with its disclosure if it has one, a batch (keyset) at a
    time, as columns (:data:`PackageBatch`), read through the driver: a package's answers and its
    disclosures in one pass over the request's subjects, where reading each apart went over the
    subjects twice (a disclosure names its subject by key). A disclosure whose subject is another
    request's is not this request's subject's: it is left out (the caller counts what it found)."""
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    sql = (f"SELECT s.id, s.subject_id, s.outcome, d.id, CAST(d.fields AS TEXT), d.tax_period FROM {subjects.name} s "  # nosec B608  # the tables' own names and placeholders; the values are bound parameters
           f"LEFT JOIN {disclosures.name} d ON d.subject = s.id AND d.request = s.request "
           f"WHERE s.request = {mark} AND s.id > {mark} ORDER BY s.id LIMIT {int(batch)}")
    for rows in keyset_batches(conn, sql, (request_pk,), batch):  # a column at a time, each in one call
        yield (list(map(itemgetter(1), rows)), list(map(itemgetter(2), rows)), list(map(itemgetter(3), rows)),
               list(map(itemgetter(4), rows)), list(map(itemgetter(5), rows)))


def count_disclosures(conn: Connection, request_pk: int) -> int:
    return conn.execute(select(func.count()).select_from(disclosures)
                        .where(disclosures.c.request == request_pk)).scalar_one()


def insert_package(conn: Connection, row: Mapping[str, Any]) -> None:
    conn.execute(packages.insert().values(**row))


def get_package(conn: Connection, package_id: str) -> RowMapping | None:
    return conn.execute(select(packages).where(packages.c.id == package_id)).mappings().first()


def known_package_ids(conn: Connection, ids: Sequence[str]) -> set[str]:
    """Which of ``ids`` are packages on record (a file whose id is not is an orphan)."""
    if not ids:
        return set()
    return set(conn.execute(select(packages.c.id).where(packages.c.id.in_(list(ids)))).scalars())


def request_package(conn: Connection, request_pk: int) -> RowMapping | None:
    return conn.execute(_request_package(), {"pk": request_pk}).mappings().first()


@lru_cache(maxsize=1)
def _request_package() -> Executable:
    """:func:`request_package`'s statement, built once (every status read asks it)."""
    return select(packages).where(packages.c.request == bindparam("pk"))


def overdue_packages(conn: Connection, today: dt.date) -> list[RowMapping]:
    return list(conn.execute(select(packages).where(and_(
        packages.c.state == "delivered", packages.c.destroy_by < today))).mappings())


def set_package_state(conn: Connection, package_id: str, state: str, **values: Any) -> None:
    conn.execute(update(packages).where(packages.c.id == package_id).values(state=state, **values))


#: a withhold list up to this long is read whole to find a batch's TINs on it, not asked for thousands of TINs
_SMALL_LIST = 20_000


def withhold_map(conn: Connection, tins: Sequence[str] | None = None) -> dict[str, str]:
    """The withhold list (TIN -> ground), or only the entries for ``tins``.

    For ``tins``, a short list (the usual case: a few taxpayers, or none) is read whole and looked up
    here, which costs less than a query binding every TIN of a batch of thousands; a long one is asked."""
    query = select(withhold_list.c.tin, withhold_list.c.ground)
    if tins is not None:
        if conn.execute(select(func.count()).select_from(withhold_list)).scalar_one() <= _SMALL_LIST:
            wanted = set(tins)
            return {tin: ground for tin, ground in conn.execute(query) if tin in wanted}
        query = query.where(withhold_list.c.tin.in_(list(tins)))
    return {tin: ground for tin, ground in conn.execute(query)}


def add_withhold(conn: Connection, tin: str, ground: str, added_by: str, at: dt.datetime) -> bool:
    if conn.execute(select(withhold_list.c.tin).where(withhold_list.c.tin == tin)).first():
        return False
    conn.execute(withhold_list.insert().values(tin=tin, ground=ground, added_by=added_by, added_at=at))
    return True
