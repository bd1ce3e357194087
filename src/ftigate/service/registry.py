"""Loading and reading the registry (administrator's use case)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from pydantic import ValidationError

from ftigate.crypto import load_public_key
from ftigate.errors import InputError
from ftigate.jsonfile import read_json_object
from ftigate.law.registry import Registry
from ftigate.service.store_access import now, transaction
from ftigate.settings import Settings
from ftigate.store import registry_store
from ftigate.store.registry_store import LoadResult


def parse_registry(path: Path) -> Registry:
    """Read and check a registry file; every problem names the file and the entry's field."""
    data = read_json_object(path)
    try:
        registry = Registry.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = ".".join(str(p) for p in first["loc"])
        raise InputError(f"{first['msg']} ({len(exc.errors())} problem(s) in all)", file=str(path), field=loc) from None
    for i, official in enumerate(registry.officials):
        load_public_key(official.public_key, "ed25519", source=f"{path}: officials.{i}.public_key")
    for i, officer in enumerate(registry.officers):
        load_public_key(officer.public_key, "x25519", source=f"{path}: officers.{i}.public_key")
    agencies = {a.id for a in registry.agencies}
    for kind in ("officials", "officers"):
        for i, person in enumerate(getattr(registry, kind)):
            if person.agency not in agencies:
                raise InputError(f"unknown agency '{person.agency}'", file=str(path), field=f"{kind}.{i}.agency")
    for kind, key in (("agencies", "id"), ("officials", "id"), ("officers", "id"), ("statutes", "citation")):
        seen: set[str] = set()
        for i, entry in enumerate(getattr(registry, kind)):
            value = getattr(entry, key)
            if value in seen:
                raise InputError(f"duplicate {key} '{value}'", file=str(path), field=f"{kind}.{i}.{key}")
            seen.add(value)
    return registry


def load_registry_file(settings: Settings, path: Path) -> LoadResult:
    registry = parse_registry(path)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    with transaction(settings) as conn:
        return registry_store.load(conn, registry, digest, now())


def current_registry(settings: Settings) -> tuple[Registry, int]:
    with transaction(settings) as conn:
        return registry_store.snapshot(conn)
