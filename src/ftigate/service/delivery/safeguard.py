"""After delivery: recipients open packages (each download recorded), certify destruction or return,
and packages past their destroy-by date are flagged to oversight (26 U.S.C. 6103(p)(4)(F))."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from ftigate.crypto import load_private_key, load_public_key, public_pem
from ftigate.errors import InputError, NotFoundError, PermissionDenied
from ftigate.ledger import catalogue
from ftigate.service.admin.principal import Principal, authorise
from ftigate.service.delivery.gateway_keys import package_signing_key
from ftigate.service.delivery.packages import PackageError, open_package_file, read_package, verify_package_file
from ftigate.service.log.events import Event, record
from ftigate.service.requests import lifecycle as req
from ftigate.service.store_access import now, transaction
from ftigate.settings import Settings
from ftigate.store import disclosure_store, requests_store

CERTIFIED = ("destroyed", "returned")


def _package(conn, package_id: str):
    row = disclosure_store.get_package(conn, package_id)
    if row is None:
        raise NotFoundError(f"no package {package_id}")
    return row


def delivery_key(key_path: Path) -> X25519PrivateKey:
    """A recipient officer's X25519 delivery private key (PEM), read from their own file."""
    try:
        return load_private_key(key_path.read_bytes(), "x25519", source=str(key_path))
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", file=str(key_path)) from None


def _served(conn, package_id: str, officer: str):
    """The package row and its request, if ``officer`` is a named recipient and it may still be served:
    once its destruction or return is certified, it is not served again to anyone."""
    pkg = _package(conn, package_id)
    request = requests_store.get_request(conn, pkg["request"])
    if officer not in request["document"].get("recipients", []):
        raise PermissionDenied(f"'{officer}' is not a recipient of package {package_id}")
    if pkg["state"] in CERTIFIED:
        raise PermissionDenied(f"package {package_id} was certified {pkg['state']}: it is no longer served")
    return pkg, request


def _downloaded(conn, settings: Settings, request, package_id: str, officer: str, at) -> None:
    record(conn, settings, [Event(catalogue.PackageDownloaded(package=package_id, officer=officer), officer,
                                  request["id"], req.ref_of(request))], at)


def open_package(settings: Settings, package_id: str, officer: str, key_path: Path) -> dict[str, Any]:
    """Decrypt a package for one of its named recipients and record the download in the ledger."""
    key = delivery_key(key_path)
    at = now()
    with transaction(settings) as conn:
        pkg, request = _served(conn, package_id, officer)
        content = open_package_file(pkg["path"], officer, key, trusted=package_signing_key(settings).public_key())
        _downloaded(conn, settings, request, package_id, officer, at)
        return content


@dataclass(frozen=True)
class PackageDownload:
    """A package as served to a recipient: its bytes (an age file), the gateway's detached signature
    over them (base64; None for a package of the earlier format, which carries its own) and a name."""

    package_id: str
    data: bytes
    signature: str | None
    sha256: str

    @property
    def filename(self) -> str:
        return f"{self.package_id}.age" if self.signature is not None else f"{self.package_id}.json"


def download_package(settings: Settings, package_id: str, officer: str) -> PackageDownload:
    """Serve a package, still encrypted, to ``officer`` (whom the caller has authenticated: the
    service cannot tell who is asking), and record the download in the ledger, in one transaction.

    Refused to anyone but a named recipient, and to everyone once its destruction or return is
    certified. The bytes are checked against the digest recorded at delivery before they leave."""
    at = now()
    with transaction(settings) as conn:
        pkg, request = _served(conn, package_id, officer)
        data, signature = read_package(pkg["path"])
        sha = hashlib.sha256(data).hexdigest()
        if sha != pkg["sha256"]:
            raise PackageError(f"package {package_id} no longer matches the digest recorded at delivery")
        _downloaded(conn, settings, request, package_id, officer, at)
        return PackageDownload(package_id, data, signature, sha)


def gateway_public_key(settings: Settings) -> str:
    """The public half of the gateway's package-signing key (PEM): what recipients check signatures with."""
    return public_pem(package_signing_key(settings))


def gateway_key_from(pem: bytes | str, source: str) -> Ed25519PublicKey:
    """The gateway's public package-signing key from its PEM (a file given, or the API's answer)."""
    return load_public_key(pem.encode("ascii") if isinstance(pem, str) else pem, "ed25519", source=source)


def gateway_key_file(path: Path) -> Ed25519PublicKey:
    try:
        return gateway_key_from(path.read_bytes(), str(path))
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", file=str(path)) from None


def verify_package(settings: Settings | None, path: Path, signature: Path | None = None,
                   gateway_key: Path | Ed25519PublicKey | None = None) -> str:
    """Check a package file's gateway signature (with ``gateway_key``, a PEM file or a key, else this
    gateway's own key); returns its SHA-256. Nothing is decrypted and nothing recorded."""
    if isinstance(gateway_key, Path):
        trusted = gateway_key_file(gateway_key)
    elif gateway_key is not None:
        trusted = gateway_key
    elif settings is not None:
        trusted = package_signing_key(settings).public_key()
    else:
        raise InputError("give the gateway's public key (--gateway-key)", field="--gateway-key")
    try:
        return verify_package_file(path, signature, trusted)
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", file=str(path)) from None


def certify(settings: Settings, package_id: str, by: Principal, how: str, method: str,
            key_path: Path | None = None) -> str:
    """A recipient officer certifies destruction or return; the request closes.

    The officer is proven by their agency token (``by``), and must be a named recipient of the
    package. Given their delivery key as well (the command line asks for it), it must open the
    package's content key sealed to them: only the holder of that key can certify locally.
    """
    if how not in ("destroyed", "returned"):
        raise InputError("must be 'destroyed' or 'returned'", field="how")
    if not method.strip():
        raise InputError("say how the information was destroyed or returned (6103(p)(4)(F))", field="method")
    key = delivery_key(key_path) if key_path is not None else None
    with transaction(settings) as conn:
        agency = requests_store.get_request(conn, _package(conn, package_id)["request"])["agency"]
    authorise(settings, by, "package.certify", agency=agency)
    officer = by.id
    at = now()
    with transaction(settings) as conn:
        pkg = _package(conn, package_id)
        request = requests_store.get_request(conn, pkg["request"])
        if officer not in request["document"].get("recipients", []):
            raise PermissionDenied(f"'{officer}' is not a recipient of package {package_id}")
        if key is not None:
            open_package_file(pkg["path"], officer, key, trusted=package_signing_key(settings).public_key())
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
