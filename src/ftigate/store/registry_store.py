"""Registry versions in the store: every version of every entry is kept.

An entry can end (an official who left office, an officer moved off the case, an agency whose
arrangement ended): its newest version is then an *end marker* (``{"ended": true, "ended_at": ...}``)
instead of content, so the old versions stay and the entry no longer counts from that moment on.
Loading the entry again later makes a new version that counts again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy import Connection, func, select

from ftigate.crypto import canonical_json
from ftigate.law.registry import Registry, entry_key
from ftigate.store.tables import registry_entries, registry_loads

KINDS = ("agencies", "officials", "officers", "statutes")


@dataclass(frozen=True)
class LoadResult:
    version: int
    changed: int
    #: (kind, key) of the entries that the loaded file left out, ended by this load
    ended: tuple[tuple[str, str], ...] = ()


def is_end_marker(content: object) -> bool:
    return isinstance(content, dict) and content.get("ended") is True


def _end_marker(at: dt.datetime) -> dict:
    return {"ended": True, "ended_at": at.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")}


def current_version(conn: Connection) -> int:
    return conn.execute(select(func.coalesce(func.max(registry_loads.c.version), 0))).scalar_one()


def load(conn: Connection, registry: Registry, file_sha256: str, now: dt.datetime) -> LoadResult:
    """Store each entry that is new or differs from its latest version, and end each entry in force
    that the file leaves out: the file is the registry as it now stands. Loading the same file again
    changes nothing."""
    latest = _latest_rows(conn, at_version=None)
    version = current_version(conn)
    changes = []
    present: set[tuple[str, str]] = set()
    for kind in KINDS:
        for entry in getattr(registry, kind):
            key = entry_key(kind, entry)
            present.add((kind, key))
            content = entry.model_dump(mode="json")
            digest = hashlib.sha256(canonical_json(content)).hexdigest()
            prior = latest.get((kind, key))
            if prior is not None and prior["content_sha256"] == digest:
                continue
            changes.append({"kind": kind, "key": key, "version": (prior["version"] + 1) if prior else 1,
                            "content": content, "content_sha256": digest, "loaded_at": now})
    ended = sorted(k for k, row in latest.items() if k not in present and not is_end_marker(row["content"]))
    marker = _end_marker(now)
    for kind, key in ended:
        changes.append({"kind": kind, "key": key, "version": latest[(kind, key)]["version"] + 1, "content": marker,
                        "content_sha256": hashlib.sha256(canonical_json(marker)).hexdigest(), "loaded_at": now})
    if not changes:
        return LoadResult(version=version, changed=0)
    version += 1
    for row in changes:
        row["registry_version"] = version
    conn.execute(registry_entries.insert(), changes)
    conn.execute(registry_loads.insert().values(version=version, file_sha256=file_sha256, loaded_at=now,
                                                changed=len(changes)))
    return LoadResult(version=version, changed=len(changes) - len(ended), ended=tuple(ended))


def end(conn: Connection, kind: str, key: str, now: dt.datetime) -> int | None:
    """End one entry from ``now``: a new registry version whose entry is an end marker. Returns that
    version, or None if the entry is unknown or already ended."""
    prior = _latest_rows(conn, at_version=None).get((kind, key))
    if prior is None or is_end_marker(prior["content"]):
        return None
    version = current_version(conn) + 1
    marker = _end_marker(now)
    conn.execute(registry_entries.insert().values(
        kind=kind, key=key, version=prior["version"] + 1, content=marker,
        content_sha256=hashlib.sha256(canonical_json(marker)).hexdigest(), loaded_at=now, registry_version=version))
    conn.execute(registry_loads.insert().values(version=version, file_sha256="0" * 64, loaded_at=now, changed=1))
    return version


def _latest_rows(conn: Connection, at_version: int | None) -> dict[tuple[str, str], dict]:
    query = select(registry_entries).order_by(registry_entries.c.version)
    if at_version is not None:
        query = query.where(registry_entries.c.registry_version <= at_version)
    latest: dict[tuple[str, str], dict] = {}
    for row in conn.execute(query).mappings():
        latest[(row["kind"], row["key"])] = dict(row)
    return latest


@lru_cache(maxsize=1)
def stamp_columns() -> tuple:
    """The newest load's version, file hash and time, as columns a query of another table can carry
    (so a caller that reads the registry in force saves a round trip): :func:`snapshot`'s ``stamp``.
    Built once: every request reads it."""
    newest = select(registry_loads).order_by(registry_loads.c.version.desc()).limit(1).subquery()
    return tuple(select(newest.c[name]).scalar_subquery().label(f"registry_{name}")
                 for name in ("version", "file_sha256", "loaded_at"))


def snapshot(conn: Connection, at_version: int | None = None, with_ended: bool = False,
             stamp: Sequence[Any] | None = None) -> tuple[Registry, int]:
    """The registry as it stood at ``at_version`` (default: now), and that version number.

    ``stamp`` is the newest load's (version, file hash, time) as :func:`stamp_columns` read it in this
    transaction, if the caller has it already.

    Ended entries are left out (they count for nothing from their end on), unless ``with_ended``:
    then each appears as it last stood, for reports that name who acted in the past.
    """
    if at_version is None:
        newest = stamp if stamp is not None else conn.execute(select(*stamp_columns())).first()
        if newest is None or newest[0] is None:
            return _build(conn, 0, with_ended), 0
        # a version's entries never change once committed; the load's hash and time tell a version
        # number apart from one a rolled-back load used before
        stamp = (str(conn.engine.url), newest[0], newest[1], str(newest[2]), with_ended)
        cached = _SNAPSHOTS.get(stamp)
        if cached is None:
            cached = _build(conn, newest[0], with_ended)
            _SNAPSHOTS[stamp] = cached
            while len(_SNAPSHOTS) > 16:
                _SNAPSHOTS.pop(next(iter(_SNAPSHOTS)))
        return cached, newest[0]
    return _build(conn, at_version, with_ended), at_version


#: registries already built, by store, version (with its load's hash and time) and ``with_ended``:
#: every request and every agency token's check reads the registry in force, and building it (every
#: entry parsed and validated) costs far more than asking which version is in force
_SNAPSHOTS: dict[tuple[str, int, str, str, bool], Registry] = {}


def _build(conn: Connection, version: int, with_ended: bool) -> Registry:
    query = select(registry_entries).order_by(registry_entries.c.version).where(
        registry_entries.c.registry_version <= version)
    latest: dict[tuple[str, str], dict] = {}
    for row in conn.execute(query).mappings():
        if with_ended and is_end_marker(row["content"]):
            continue
        latest[(row["kind"], row["key"])] = dict(row)
    data: dict[str, list] = {kind: [] for kind in KINDS}
    for (kind, _key), entry in sorted(latest.items()):
        if not is_end_marker(entry["content"]):
            data[kind].append(entry["content"])
    return Registry.model_validate(data)
