"""Disclosure packages: encrypted to each named recipient officer's key, signed by the gateway.

The content is encrypted once with a fresh AES-256-GCM key; that key is sealed to each recipient's
registered X25519 key with HPKE (RFC 9180: DHKEM(X25519), HKDF-SHA256, AES-256-GCM, as implemented
by ``cryptography``). The envelope, including the use restrictions and the destroy-by date in
clear, is signed by the gateway (Ed25519 over its RFC 8785 form without ``signature``), so a
recipient can prove where it came from and nobody can alter its terms unnoticed.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hpke
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from ftigate.crypto import canonical_json, load_public_key, public_pem
from ftigate.errors import FtigateError
from ftigate.jsonfile import read_json_object

FORMAT = "ftigate-package/1"
SUITE = hpke.Suite(hpke.KEM.X25519, hpke.KDF.HKDF_SHA256, hpke.AEAD.AES_256_GCM)
USE_RESTRICTIONS = (
    "Return information disclosed under 26 U.S.C. 6103(i)(2). It may be used solely in the investigation "
    "named, only by officers personally and directly engaged in it (6103(i)(2)(A)), and must be safeguarded "
    "under 6103(p)(4) and IRS Publication 1075. Unauthorized disclosure is a felony (26 U.S.C. 7213) and "
    "unauthorized inspection a crime (7213A). Destroy or return it by the date given and certify how."
)


class PackageError(FtigateError):
    """A package cannot be opened: wrong key, not addressed to this officer, or altered."""

    exit_code = 1


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def seal(content: Mapping[str, Any], terms: Mapping[str, Any], recipients: Mapping[str, str],
         signer: Ed25519PrivateKey) -> dict[str, Any]:
    """Encrypt ``content`` to every recipient (id -> X25519 public key PEM) and sign the envelope."""
    plaintext = canonical_json(dict(content))
    content_key = AESGCM.generate_key(bit_length=256)
    nonce = os.urandom(12)
    aad = canonical_json(dict(terms))
    ciphertext = AESGCM(content_key).encrypt(nonce, plaintext, aad)
    sealed = {}
    for officer, pem in sorted(recipients.items()):
        public = load_public_key(pem, "x25519", source=f"officer {officer}")
        sealed[officer] = _b64(SUITE.encrypt(content_key, public, info=f"{FORMAT} {officer}".encode()))
    envelope: dict[str, Any] = {
        "format": FORMAT, "terms": dict(terms), "recipients": sealed, "nonce": _b64(nonce),
        "ciphertext": _b64(ciphertext), "content_sha256": hashlib.sha256(plaintext).hexdigest(),
        "gateway_key": public_pem(signer),
    }
    envelope["signature"] = _b64(signer.sign(canonical_json(envelope)))
    return envelope


def verify_envelope(envelope: Mapping[str, Any], trusted: Ed25519PublicKey | None = None) -> None:
    if envelope.get("format") != FORMAT:
        raise PackageError(f"not a {FORMAT} package")
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
        content_key = SUITE.decrypt(base64.b64decode(sealed), private_key, info=f"{FORMAT} {officer}".encode())
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
