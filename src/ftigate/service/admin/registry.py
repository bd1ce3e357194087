"""Loading and reading the registry (administrator's use case)."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from pathlib import Path

from pydantic import ValidationError

from ftigate.crypto import canonical_json, load_public_key
from ftigate.errors import InputError, NotFoundError
from ftigate.jsonfile import read_json_object
from ftigate.law.registry import Registry
from ftigate.ledger import catalogue
from ftigate.service.log.events import Event, record
from ftigate.service.store_access import now, transaction
from ftigate.settings import Settings
from ftigate.store import registry_store
from ftigate.store.registry_store import LoadResult
from ftigate.wording import counted


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


def load_registry_file(settings: Settings, path: Path, actor: str = "administrator") -> LoadResult:
    """Store what is new or changed; a change is a ledger event, so who may sign, receive and be
    investigated under which statute can never be altered in the store unseen.

    The event carries the new version and the SHA-256 of the whole registry as it now stands (RFC 8785
    form), which anyone holding the registry can recompute; no entry's content goes into the ledger.
    """
    registry = parse_registry(path)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    at = now()
    with transaction(settings) as conn:
        result = registry_store.load(conn, registry, digest, at)
        if result.changed or result.ended:
            current, _ = registry_store.snapshot(conn, result.version)
            record(conn, settings, [Event(catalogue.RegistryLoaded(
                version=result.version, changed=result.changed, file_sha256=digest,
                registry_sha256=registry_digest(current)), actor)] + [
                Event(catalogue.RegistryEnded(version=result.version, entry_kind=kind, key=key,
                                              how="left out of a loaded registry"), actor)
                for kind, key in result.ended], at)
        return result


#: what ``ftigate registry end KIND ID`` accepts as KIND
ENTRY_KINDS = {"agency": "agencies", "official": "officials", "officer": "officers", "statute": "statutes"}


def end_entry(settings: Settings, kind: str, key: str, actor: str = "administrator") -> int:
    """End one registry entry from now (a ledger event in the same transaction); returns the registry
    version from which it no longer counts."""
    plural = ENTRY_KINDS.get(kind, kind if kind in ENTRY_KINDS.values() else "")
    if not plural:
        raise InputError(f"'{kind}' is not a kind of registry entry (agency, official, officer or statute)",
                         field="KIND")
    at = now()
    with transaction(settings) as conn:
        version = registry_store.end(conn, plural, key, at)
        if version is None:
            raise NotFoundError(f"the registry has no {kind} '{key}' in force")
        record(conn, settings, [Event(catalogue.RegistryEnded(version=version, entry_kind=plural,
                                                              key=key, how="ended by an administrator"), actor)], at)
        return version


def registry_digest(registry: Registry) -> str:
    """SHA-256 (hex) of a registry's RFC 8785 form: what a ``registry.loaded`` ledger entry commits to."""
    return hashlib.sha256(canonical_json(registry.model_dump(mode="json"))).hexdigest()


#: how far ahead an approval or a term of office that is about to end is pointed out
ENDING_WITHIN_DAYS = 30
EMPTY_REGISTRY = ("the registry is empty: run `ftigate registry load FILE` (docs/formats.md); until then every "
                  "agency, official, officer and statute is unknown and every request is rejected")


def ending_soon(registry: Registry, today: dt.date, *, agencies: Iterable[str] | None = None,
                officials: Iterable[str] | None = None, within: int = ENDING_WITHIN_DAYS) -> list[str]:
    """Warnings for safeguards approvals and officials' terms that have ended or end within ``within``
    days (only the agencies and officials named, if given): nothing flows to an agency without a current
    approval (26 U.S.C. 6103(p)(4)), and an official out of office cannot sign (6103(i)(2)(A))."""
    wanted_agencies = None if agencies is None else set(agencies)
    wanted_officials = None if officials is None else set(officials)
    horizon = today + dt.timedelta(days=within)
    notes = []
    for agency in registry.agencies:
        sg = agency.safeguards
        if sg is None or (wanted_agencies is not None and agency.id not in wanted_agencies):
            continue
        if sg.expires_on < today:
            notes.append(f"agency {agency.id}: its safeguards approval ended on {sg.expires_on}; nothing is "
                         "disclosed to it until a renewed approval is loaded")
        elif sg.expires_on <= horizon:
            notes.append(f"agency {agency.id}: its safeguards approval ends on {sg.expires_on} "
                         f"({counted((sg.expires_on - today).days, 'day')} from now); load the renewed approval before then")
    for official in registry.officials:
        end = official.valid_to
        if end is None or (wanted_officials is not None and official.id not in wanted_officials):
            continue
        if end < today:
            notes.append(f"official {official.id}: the term of office ended on {end}; their signature no longer counts")
        elif end <= horizon:
            notes.append(f"official {official.id}: the term of office ends on {end} "
                         f"({counted((end - today).days, 'day')} from now)")
    return notes


def registry_notes(registry: Registry, today: dt.date) -> list[str]:
    """What an administrator should know about the registry as it stands today."""
    if not (registry.agencies or registry.officials or registry.officers or registry.statutes):
        return [EMPTY_REGISTRY]
    return ending_soon(registry, today)


def current_registry(settings: Settings) -> tuple[Registry, int]:
    with transaction(settings) as conn:
        return registry_store.snapshot(conn)
