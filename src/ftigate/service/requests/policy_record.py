"""The policy in force, recorded: a decision names its policy version (the rules' version and the
thresholds' fingerprint), and the first decision under a version records what it is.

Thresholds are read from the environment (``ftigate.settings.Thresholds``), so whoever runs a command
could set one for that command alone (``FTIGATE_DUAL_CONTROL_SUBJECTS=100000000`` to approve a large
batch with one approval, say). Three things stop that from passing unseen: every decision's and
review's ledger entry carries the values in force; a version used for the first time is a
``policy.adopted`` ledger event with all of them; and a review needs as many approvals as the
stricter of the thresholds the request was judged under and those in force now.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from sqlalchemy import Connection

from ftigate.errors import ConfigurationError
from ftigate.law import POLICY_VERSION, versioned
from ftigate.law.policy import RULES_FINGERPRINT
from ftigate.ledger import catalogue
from ftigate.service.log.events import Event, record
from ftigate.settings import Settings, Thresholds
from ftigate.store import requests_store


def current_version(settings: Settings) -> str:
    return versioned(POLICY_VERSION, settings.thresholds)


def adopted(conn: Connection) -> dict[str, Thresholds]:
    """Every policy version recorded so far, with its thresholds."""
    out: dict[str, Thresholds] = {}
    for row in requests_store.events_of_kind(conn, catalogue.Kind.POLICY_ADOPTED.value):
        detail = row["detail"] or {}
        try:
            out[detail["version"]] = Thresholds(**detail["thresholds"])
        except (KeyError, TypeError, ValueError, ConfigurationError):  # a row edited behind the log's back: ignored
            continue
    return out


def adoption(conn: Connection, settings: Settings, version: str) -> Event | None:
    """The ``policy.adopted`` event to record for ``version`` (made with the thresholds in force) if it
    is new to this store, else None. The caller records it, before the decisions made under it."""
    if version in adopted(conn):  # read each time: a store restored from a backup may predate an adoption
        return None
    rules_version = version.split("+", 1)[0]
    return Event(catalogue.PolicyAdopted(
        version=version, rules_version=rules_version, rules_sha256=RULES_FINGERPRINT[rules_version],
        thresholds=settings.thresholds.values()), "gateway")


def ensure_adopted(conn: Connection, settings: Settings, version: str, at: dt.datetime) -> None:
    """Record ``policy.adopted`` for ``version`` (made with the thresholds in force) if it is new."""
    event = adoption(conn, settings, version)
    if event is not None:
        record(conn, settings, [event], at)


def stricter(settings: Settings, conn: Connection, judged_under: str | None) -> Thresholds:
    """The thresholds a review applies: for each, the stricter of those in force and those the request
    was judged under (a lower size limit needs dual control sooner)."""
    now = settings.thresholds
    then = adopted(conn).get(judged_under or "")
    if then is None:
        return now
    return dataclasses.replace(now, dual_control_subjects=min(now.dual_control_subjects, then.dual_control_subjects))
