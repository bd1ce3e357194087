"""Registry versions in the store: every version of every entry is kept."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from sqlalchemy import Connection, func, select

from ftigate.crypto import canonical_json
from ftigate.law.registry import Registry, entry_key
from ftigate.store.tables import registry_entries, registry_loads

KINDS = ("agencies", "officials", "officers", "statutes")


@dataclass(frozen=True)
class LoadResult:
    version: int
    changed: int


def current_version(conn: Connection) -> int:
    return conn.execute(select(func.coalesce(func.max(registry_loads.c.version), 0))).scalar_one()


def load(conn: Connection, registry: Registry, file_sha256: str, now: dt.datetime) -> LoadResult:
    """Store each entry that is new or differs from its latest version; nothing else changes."""
    latest = _latest_rows(conn, at_version=None)
    version = current_version(conn)
    changes = []
    for kind in KINDS:
        for entry in getattr(registry, kind):
            key = entry_key(kind, entry)
            content = entry.model_dump(mode="json")
            digest = hashlib.sha256(canonical_json(content)).hexdigest()
            prior = latest.get((kind, key))
            if prior is not None and prior["content_sha256"] == digest:
                continue
            changes.append({"kind": kind, "key": key, "version": (prior["version"] + 1) if prior else 1,
                            "content": content, "content_sha256": digest, "loaded_at": now})
    if not changes:
        return LoadResult(version=version, changed=0)
    version += 1
    for row in changes:
        row["registry_version"] = version
    conn.execute(registry_entries.insert(), changes)
    conn.execute(registry_loads.insert().values(version=version, file_sha256=file_sha256, loaded_at=now,
                                                changed=len(changes)))
    return LoadResult(version=version, changed=len(changes))


def _latest_rows(conn: Connection, at_version: int | None) -> dict[tuple[str, str], dict]:
    query = select(registry_entries).order_by(registry_entries.c.version)
    if at_version is not None:
        query = query.where(registry_entries.c.registry_version <= at_version)
    latest: dict[tuple[str, str], dict] = {}
    for row in conn.execute(query).mappings():
        latest[(row["kind"], row["key"])] = dict(row)
    return latest


def snapshot(conn: Connection, at_version: int | None = None) -> tuple[Registry, int]:
    """The registry as it stood at ``at_version`` (default: now), and that version number."""
    version = current_version(conn) if at_version is None else at_version
    rows = _latest_rows(conn, at_version=version)
    data: dict[str, list] = {kind: [] for kind in KINDS}
    for (kind, _key), row in sorted(rows.items()):
        data[kind].append(row["content"])
    return Registry.model_validate(data), version
