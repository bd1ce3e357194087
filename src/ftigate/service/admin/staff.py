"""The tax agency's own people and their roles (separation of duties, docs/law.md)."""

from __future__ import annotations

from sqlalchemy import Connection, RowMapping

from ftigate.errors import InputError, NotFoundError
from ftigate.ledger import catalogue
from ftigate.service.log.events import Event, record
from ftigate.service.store_access import now, transaction
from ftigate.settings import Settings
from ftigate.store import requests_store

ROLES = ("disclosure_officer", "supervisor", "administrator", "overseer")


def add_staff(settings: Settings, staff_id: str, name: str, role: str, actor: str = "administrator") -> bool:
    if role not in ROLES:
        raise InputError(f"unknown role '{role}'; one of {', '.join(ROLES)}", field="role")
    if not staff_id.strip():
        raise InputError("a member of staff needs an id", field="id")
    if not name.strip():
        raise InputError("a member of staff needs a name (the person's full name, as records show it)", field="--name")
    at = now()
    with transaction(settings) as conn:
        changed = requests_store.upsert_staff(conn, staff_id, name, role, at)
        if changed:
            record(conn, settings, [Event(catalogue.StaffRegistered(staff=staff_id, role=role), actor)], at)
        return changed


def list_staff(settings: Settings) -> list[RowMapping]:
    with transaction(settings) as conn:
        return requests_store.list_staff(conn)


def staff_member(conn: Connection, staff_id: str) -> RowMapping:
    """The registered member of staff acting; an unregistered id may do nothing, so it is an error."""
    person = requests_store.get_staff(conn, staff_id)
    if person is None:
        raise NotFoundError(f"no staff member '{staff_id}' (register with `ftigate staff add`)")
    return person
