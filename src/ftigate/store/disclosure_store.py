"""Disclosures, their accounting records (6103(p)(3)(A)), packages and the withhold list."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

from sqlalchemy import Connection, Executable, RowMapping, and_, bindparam, func, select, update

from ftigate.store.tables import accounting, disclosures, packages, subjects, withhold_list


def insert_disclosures(conn: Connection, rows: Sequence[Mapping[str, Any]]) -> list[int]:
    """Insert many; returns their ids in the order of ``rows``."""
    if not rows:
        return []
    result = conn.execute(disclosures.insert().returning(disclosures.c.id, sort_by_parameter_order=True),
                          [dict(r) for r in rows])
    return [r[0] for r in result]


def insert_accounting(conn: Connection, rows: Sequence[Mapping[str, Any]]) -> None:
    if rows:
        conn.execute(accounting.insert(), [dict(r) for r in rows])


def request_disclosures(conn: Connection, request_pk: int) -> list[RowMapping]:
    query = (select(disclosures, subjects.c.subject_id)
             .join(subjects, subjects.c.id == disclosures.c.subject)
             .where(disclosures.c.request == request_pk).order_by(disclosures.c.id))
    return list(conn.execute(query).mappings())


def count_disclosures(conn: Connection, request_pk: int) -> int:
    return conn.execute(select(func.count()).select_from(disclosures)
                        .where(disclosures.c.request == request_pk)).scalar_one()


def attach_package(conn: Connection, request_pk: int, package_id: str) -> None:
    conn.execute(update(disclosures).where(disclosures.c.request == request_pk).values(package=package_id))


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


def withhold_map(conn: Connection, tins: Sequence[str] | None = None) -> dict[str, str]:
    query = select(withhold_list.c.tin, withhold_list.c.ground)
    if tins is not None:
        query = query.where(withhold_list.c.tin.in_(list(tins)))
    return {tin: ground for tin, ground in conn.execute(query)}


def add_withhold(conn: Connection, tin: str, ground: str, added_by: str, at: dt.datetime) -> bool:
    if conn.execute(select(withhold_list.c.tin).where(withhold_list.c.tin == tin)).first():
        return False
    conn.execute(withhold_list.insert().values(tin=tin, ground=ground, added_by=added_by, added_at=at))
    return True
