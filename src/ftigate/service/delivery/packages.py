"""Disclosure packages: age files encrypted to the named recipient officers, signed by the gateway.

A package (``ftigate-package/2``) is a file in the age format (age-encryption.org/v1), encrypted to
the X25519 delivery key each recipient officer registered, so a recipient opens it with ``ftigate
package open`` or with the standard ``age`` tool and their key as an age identity (``ftigate keys
age``). Inside is one JSON document: the terms (use restrictions, destroy-by date, recipients) and
the content. Beside it, ``<package>.age.sig`` holds the gateway's detached Ed25519 signature over the
package file's exact bytes, in standard base64 on one line: anyone holding the gateway's public key
checks it with ``ftigate package verify`` or a few lines of any language (docs/formats.md), before
decrypting anything. The age encryption is pyrage's (the Rust ``age`` implementation); the age
key strings are the registered keys' raw 32 bytes in age's Bech32 encoding.

Packages of the earlier format (``ftigate-package/1``: a signed JSON envelope, HPKE-sealed keys)
still open.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyrage
from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hpke
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from pyrage import x25519

from ftigate.crypto import age_identity_text, age_recipient_text, canonical_json, load_public_key, public_pem
from ftigate.errors import FtigateError
from ftigate.jsonfile import read_json_object

FORMAT = "ftigate-package/2"
LEGACY_FORMAT = "ftigate-package/1"
AGE_MAGIC = b"age-encryption.org/v1"
SUITE = hpke.Suite(hpke.KEM.X25519, hpke.KDF.HKDF_SHA256, hpke.AEAD.AES_256_GCM)


class PackageError(FtigateError):
    """A package cannot be opened: wrong key, not addressed to this officer, or altered."""

    exit_code = 1


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def age_recipient(pem: str, officer: str) -> x25519.Recipient:
    """An officer's registered X25519 public key (PEM) as an age recipient (``age1…``)."""
    public = load_public_key(pem, "x25519", source=f"officer {officer}")
    return x25519.Recipient.from_str(age_recipient_text(public))


def age_identity(private_key: X25519PrivateKey) -> x25519.Identity:
    """An officer's X25519 delivery key as an age identity (``AGE-SECRET-KEY-1…``)."""
    return x25519.Identity.from_str(age_identity_text(private_key))


@dataclass(frozen=True)
class SealedPackage:
    """A package's bytes (an age file), the gateway's detached signature over them (base64), and their
    SHA-256 (lowercase hex), which the ledger's delivery entry names."""

    data: bytes
    signature: str
    sha256: str


@dataclass(frozen=True)
class Canonical:
    """A member of a package's content already in its RFC 8785 bytes, in pieces to be written one after
    another: a request's million answers are encoded as they are read from the store, a batch at a
    time, instead of held as Python objects and walked again as one document, and its hundreds of
    megabytes are copied once, into the document, not once more per level of nesting."""

    parts: tuple[bytes, ...]


def canonical_array(items: Iterable[bytes]) -> Canonical:
    """A JSON array of values (or runs of values joined by commas) each already in RFC 8785 bytes, in the
    order given (RFC 8785 keeps it)."""
    parts: list[bytes] = [b"["]
    for item in items:
        parts += (item, b",")
    if len(parts) == 1:
        parts.append(b"]")
    else:
        parts[-1] = b"]"  # the comma after the last value
    return Canonical(tuple(parts))


def _document(members: Mapping[str, Any]) -> bytes:
    """RFC 8785 bytes of an object whose member values are JSON values or :class:`Canonical` bytes.
    Its keys are ASCII (code-point order is then RFC 8785's UTF-16 order), so the object is written
    exactly as :func:`~ftigate.crypto.canonical_json` writes the same object decoded."""
    if not all(isinstance(key, str) and key.isascii() for key in members):
        raise PackageError("a package's members are named in ASCII")
    parts: list[bytes] = [b"{"]
    for key, value in sorted(members.items()):
        parts.append(canonical_json(key) + b":")
        parts.extend(value.parts if isinstance(value, Canonical) else (canonical_json(value),))
        parts.append(b",")
    parts[-1] = b"}"
    return b"".join(parts)


def seal_age(content: Mapping[str, Any], terms: Mapping[str, Any], recipients: Mapping[str, str],
             signer: Ed25519PrivateKey) -> SealedPackage:
    """Encrypt the terms and content to every recipient (id -> X25519 public key PEM); sign the file.
    A member of ``content`` may be given as :class:`Canonical` bytes (the answers, the disclosures)."""
    if not recipients:
        raise PackageError("a package needs at least one recipient officer")
    # each officer's age recipient is in the signed terms: an officer opening the package proves it is
    # theirs with the key it was sealed to for them, not with any other recipient's
    keys = {officer: age_recipient_text(load_public_key(pem, "x25519", source=f"officer {officer}"))
            for officer, pem in sorted(recipients.items())}
    plaintext = _document({"format": FORMAT, "terms": {**dict(terms), "recipient_keys": keys}, **dict(content)})
    data = pyrage.encrypt(plaintext, [age_recipient(pem, officer) for officer, pem in sorted(recipients.items())])
    del plaintext
    # the file's digest is taken in a thread while it is signed here: hashing lets go of the
    # interpreter, so the two passes over hundreds of megabytes run on both cores at once
    with ThreadPoolExecutor(1, thread_name_prefix="ftigate-digest") as pool:
        digest = pool.submit(lambda: hashlib.sha256(data).hexdigest())
        signature = sign_detached(data, signer)
        return SealedPackage(data, signature, digest.result())


def sign_detached(data: bytes, signer: Ed25519PrivateKey) -> str:
    return _b64(signer.sign(data))


def verify_detached(data: bytes, signature: str, key: Ed25519PublicKey) -> None:
    """Raise :class:`PackageError` unless ``signature`` (base64, as in a ``.sig`` file) is the
    gateway's Ed25519 signature over exactly ``data``."""
    try:
        key.verify(base64.b64decode(signature.strip(), validate=True), data)
    except (InvalidSignature, ValueError):
        raise PackageError("the gateway's signature does not verify: the package was altered, or the "
                           "signature is not the gateway's") from None


def open_age(data: bytes, signature: str, officer: str, private_key: X25519PrivateKey,
             trusted: Ed25519PublicKey) -> dict[str, Any]:
    """Check the gateway's signature, decrypt with the officer's key, and check it is addressed to them."""
    verify_detached(data, signature, trusted)
    try:
        plaintext = pyrage.decrypt(data, [age_identity(private_key)])
    except pyrage.DecryptError:
        raise PackageError("this key cannot open the package (not the officer's registered delivery key)") from None
    document = json.loads(plaintext)
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise PackageError(f"not a {FORMAT} package")
    sealed_to = document.get("terms", {}).get("recipient_keys", {})
    if officer not in sealed_to:
        raise PackageError(f"the package is not addressed to officer '{officer}'")
    if sealed_to[officer] != age_recipient_text(private_key):
        raise PackageError("this key cannot open the package (not the officer's registered delivery key)")
    return document


def signature_path(path: Path | str) -> Path:
    """Where a package's detached signature is kept: beside it, ``.sig`` appended."""
    return Path(str(path) + ".sig")


def read_package(path: Path | str) -> tuple[bytes, str | None]:
    """A stored package's bytes and, for an age package, its detached signature."""
    data = Path(path).read_bytes()
    if not data.startswith(AGE_MAGIC):
        return data, None
    try:
        return data, signature_path(path).read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError):
        raise PackageError("the package's signature file is missing or unreadable") from None


def open_package_bytes(data: bytes, signature: str | None, officer: str, private_key: X25519PrivateKey,
                       trusted: Ed25519PublicKey) -> dict[str, Any]:
    """Open a package as served (an age file and its detached signature, or an envelope of the earlier
    format, which carries its own) for one of its recipients, on their side: nothing is recorded."""
    if signature is not None:
        return open_age(data, signature, officer, private_key, trusted)
    try:
        envelope = json.loads(data)
    except (UnicodeDecodeError, ValueError):
        raise PackageError("not a package: neither an age file with its signature nor a JSON envelope") from None
    if not isinstance(envelope, dict):
        raise PackageError("not a package: neither an age file with its signature nor a JSON envelope")
    return open_sealed(envelope, officer, private_key, trusted)


def open_package_file(path: Path | str, officer: str, private_key: X25519PrivateKey,
                      trusted: Ed25519PublicKey) -> dict[str, Any]:
    """Open a stored package of either format for one of its recipients."""
    data, signature = read_package(path)
    if signature is None:
        return open_sealed(read_envelope(path), officer, private_key, trusted)
    return open_age(data, signature, officer, private_key, trusted)


def verify_package_file(path: Path | str, signature: Path | str | None, trusted: Ed25519PublicKey) -> str:
    """Check a package file against the gateway's key (``signature``: its ``.sig``, by default beside
    it); returns the file's SHA-256. Nothing is decrypted: anyone may check where a package came from."""
    data = Path(path).read_bytes()
    if not data.startswith(AGE_MAGIC):
        verify_envelope(read_envelope(path), trusted)
        return hashlib.sha256(data).hexdigest()
    sig_file = Path(signature) if signature is not None else signature_path(path)
    try:
        text = sig_file.read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError):
        raise PackageError(f"cannot read the signature file {sig_file}") from None
    verify_detached(data, text, trusted)
    return hashlib.sha256(data).hexdigest()


def seal(content: Mapping[str, Any], terms: Mapping[str, Any], recipients: Mapping[str, str],
         signer: Ed25519PrivateKey) -> dict[str, Any]:
    """The earlier format (``ftigate-package/1``): kept so old packages can be made in tests and opened."""
    plaintext = canonical_json(dict(content))
    content_key = AESGCM.generate_key(bit_length=256)
    nonce = os.urandom(12)
    aad = canonical_json(dict(terms))
    ciphertext = AESGCM(content_key).encrypt(nonce, plaintext, aad)
    sealed = {}
    for officer, pem in sorted(recipients.items()):
        public = load_public_key(pem, "x25519", source=f"officer {officer}")
        sealed[officer] = _b64(SUITE.encrypt(content_key, public, info=f"{LEGACY_FORMAT} {officer}".encode()))
    envelope: dict[str, Any] = {
        "format": LEGACY_FORMAT, "terms": dict(terms), "recipients": sealed, "nonce": _b64(nonce),
        "ciphertext": _b64(ciphertext), "content_sha256": hashlib.sha256(plaintext).hexdigest(),
        "gateway_key": public_pem(signer),
    }
    envelope["signature"] = _b64(signer.sign(canonical_json(envelope)))
    return envelope


def verify_envelope(envelope: Mapping[str, Any], trusted: Ed25519PublicKey | None = None) -> None:
    if envelope.get("format") != LEGACY_FORMAT:
        raise PackageError(f"not a {LEGACY_FORMAT} package")
    body = {k: v for k, v in envelope.items() if k != "signature"}
    key = trusted or load_public_key(str(envelope.get("gateway_key", "")), "ed25519", source="package gateway_key")
    try:
        key.verify(base64.b64decode(str(envelope.get("signature", ""))), canonical_json(body))
    except (InvalidSignature, ValueError):
        raise PackageError("the gateway's signature does not verify: the package was altered") from None


def open_sealed(envelope: Mapping[str, Any], officer: str, private_key: X25519PrivateKey,
                trusted: Ed25519PublicKey | None = None) -> dict[str, Any]:
    verify_envelope(envelope, trusted)
    sealed = envelope["recipients"].get(officer)
    if sealed is None:
        raise PackageError(f"the package is not addressed to officer '{officer}'")
    try:
        content_key = SUITE.decrypt(base64.b64decode(sealed), private_key, info=f"{LEGACY_FORMAT} {officer}".encode())
        plaintext = AESGCM(content_key).decrypt(base64.b64decode(envelope["nonce"]),
                                                base64.b64decode(envelope["ciphertext"]),
                                                canonical_json(envelope["terms"]))
    except (InvalidTag, ValueError):  # a wrong key fails authentication (InvalidTag); bad base64 is a ValueError
        raise PackageError("this key cannot open the package (not the officer's registered delivery key)") from None
    if hashlib.sha256(plaintext).hexdigest() != envelope["content_sha256"]:
        raise PackageError("content does not match its recorded hash")
    return json.loads(plaintext)


def read_envelope(path: Path | str) -> dict[str, Any]:
    """A stored package: one JSON object in UTF-8; :func:`open_sealed` judges the rest."""
    return read_json_object(Path(path))
