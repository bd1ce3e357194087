"""After delivery: recipients open packages (each download recorded), certify destruction or return,
and packages past their destroy-by date are flagged to oversight (26 U.S.C. 6103(p)(4)(F))."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from ftigate.crypto import load_private_key
from ftigate.errors import InputError, NotFoundError, PermissionDenied
from ftigate.ledger import catalogue
from ftigate.service.delivery.gateway_keys import package_signing_key
from ftigate.service.delivery.packages import open_sealed, read_envelope
from ftigate.service.log.events import Event, record
from ftigate.service.requests import lifecycle as req
from ftigate.service.store_access import now, transaction
from ftigate.settings import Settings
from ftigate.store import disclosure_store, requests_store


def _package(conn, package_id: str):
    row = disclosure_store.get_package(conn, package_id)
    if row is None:
        raise NotFoundError(f"no package {package_id}")
    return row


def _delivery_key(key_path: Path) -> X25519PrivateKey:
    try:
        return load_private_key(key_path.read_bytes(), "x25519", source=str(key_path))
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", file=str(key_path)) from None


def open_package(settings: Settings, package_id: str, officer: str, key_path: Path) -> dict[str, Any]:
    """Decrypt a package for one of its named recipients and record the download in the ledger."""
    key = _delivery_key(key_path)
    at = now()
    with transaction(settings) as conn:
        pkg = _package(conn, package_id)
        envelope = read_envelope(pkg["path"])
        content = open_sealed(envelope, officer, key, trusted=package_signing_key(settings).public_key())
        request = requests_store.get_request(conn, pkg["request"])
        record(conn, settings, [Event(catalogue.PackageDownloaded(package=package_id, officer=officer), officer,
                                      request["id"], req.ref_of(request))], at)
        return content


def certify(settings: Settings, package_id: str, officer: str, key_path: Path, how: str, method: str) -> str:
    """A recipient certifies destruction or return; the request closes.

    The officer proves who they are the way they opened the package: with their delivery key,
    which must open the package's content key sealed to them. A name typed on a command line is
    not a certification; only the holder of the key the package was sealed to can certify it.
    """
    if how not in ("destroyed", "returned"):
        raise InputError("must be 'destroyed' or 'returned'", field="how")
    if not method.strip():
        raise InputError("say how the information was destroyed or returned (6103(p)(4)(F))", field="method")
    key = _delivery_key(key_path)
    at = now()
    with transaction(settings) as conn:
        pkg = _package(conn, package_id)
        request = requests_store.get_request(conn, pkg["request"])
        if officer not in request["document"].get("recipients", []):
            raise PermissionDenied(f"'{officer}' is not a recipient of package {package_id}")
        open_sealed(read_envelope(pkg["path"]), officer, key, trusted=package_signing_key(settings).public_key())
        if pkg["state"] not in ("delivered", "overdue"):
            raise PermissionDenied(f"package {package_id} is already {pkg['state']}")
        disclosure_store.set_package_state(conn, package_id, how, certified_at=at, certified_by=officer)
        req.move(conn, settings, request, catalogue.RequestClosed(
            from_=request["state"], package=package_id, certified=how,
            method_sha256=hashlib.sha256(method.strip().encode()).hexdigest(), late=pkg["state"] == "overdue"),
            officer, at)
        return how


def flag_overdue(settings: Settings) -> list[str]:
    """Mark every delivered package past its destroy-by date overdue, with an event for oversight."""
    at = now()
    flagged = []
    with transaction(settings) as conn:
        for pkg in disclosure_store.overdue_packages(conn, at.date()):
            request = requests_store.get_request(conn, pkg["request"])
            disclosure_store.set_package_state(conn, pkg["id"], "overdue")
            req.move(conn, settings, request, catalogue.RequestOverdue(
                from_=request["state"], package=pkg["id"], destroy_by=pkg["destroy_by"]), "gateway", at)
            flagged.append(req.ref_of(request))
    return flagged
