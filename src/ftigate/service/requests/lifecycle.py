"""Finding a request by its reference and moving it along the lifecycle, with its event."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection

from ftigate.errors import IllegalTransition, InputError, NotFoundError
from ftigate.ledger import catalogue
from ftigate.service.log.events import Event, record
from ftigate.service.requests.states import State, check_transition
from ftigate.settings import Settings
from ftigate.store import requests_store
from ftigate.store.records import RequestRecord
from ftigate.store.rows import Row


def parse_ref(ref: str) -> tuple[str, str]:
    """'AGENCY/REQUEST_ID' -> (agency, request_id)."""
    agency, sep, request_id = ref.partition("/")
    if not sep or not agency or not request_id:
        raise InputError(f"'{ref}' is not a request reference of the form AGENCY/REQUEST_ID", field="request")
    return agency, request_id


def ref_of(row: Row) -> str:
    return f"{row['agency']}/{row['request_id']}"


def load(conn: Connection, ref: str, document: bool = True) -> RequestRecord:
    """The request stored under ``ref``; without its document (which may hold every subject inline)
    unless ``document``."""
    agency, request_id = parse_ref(ref)
    row = requests_store.find_request(conn, agency, request_id, document)
    if row is None:
        raise NotFoundError(f"no request {ref} in this gateway")
    return row


def move(conn: Connection, settings: Settings, row: Row, event: catalogue.Moved, actor: str,
         at: dt.datetime) -> None:
    """Take one edge of the lifecycle, the one ``event`` records; a concurrent move makes this one fail.

    The catalogued event names both ends (``from`` the row's state, ``to`` the kind's), so the
    ledger entry and the state change cannot disagree.
    """
    ref = ref_of(row)
    target = State(event.to)
    if event.from_ != row["state"]:
        raise IllegalTransition(ref, row["state"], target.value)
    check_transition(ref, row["state"], target)
    if not requests_store.set_state(conn, row["id"], row["state"], target.value, at):
        raise IllegalTransition(ref, row["state"], target.value)
    record(conn, settings, [Event(event, actor, row["id"], ref)], at)
