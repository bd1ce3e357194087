"""Keys, canonical JSON and request signatures.

A request is signed by the requesting official's Ed25519 key over the RFC 8785 (JCS) canonical
form of the request object without its ``signature`` member; the signature is standard base64
with padding. Because the request carries ``subjects_sha256``, the signature covers the subjects
file too. Recipient officers hold X25519 keys, to which disclosure packages are encrypted.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import bech32
import rfc8785
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey

from ftigate.errors import InputError

KeyKind = Literal["ed25519", "x25519"]


#: RFC 8785 admits integers only where an IEEE 754 double holds them exactly
_SAFE_INTEGER = 2**53 - 1
_PLAIN_ENCODER = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def plain_json(value: Any, keys: set[str] | None = None) -> bool:
    """True if ``value`` holds only what :mod:`json` writes exactly as RFC 8785 does.

    That is: objects (exactly ``dict``) with ASCII keys, so code-point and UTF-16 key order agree;
    arrays; text; booleans; null; integers a double holds exactly. Floats, whose RFC 8785 form is
    ECMAScript's number formatting and not Python's, subclasses and anything else are not. Object
    keys are added to ``keys`` on the way, when given (the ledger's privacy guard reads them).
    Written as a loop over exact types: it runs for every ledger entry and commitment.
    """
    stack = [value]
    while stack:
        item = stack.pop()
        kind = type(item)
        if kind is str or item is None or kind is bool:
            continue
        if kind is int:
            if -_SAFE_INTEGER <= item <= _SAFE_INTEGER:
                continue
            return False
        if kind is list or kind is tuple:
            stack.extend(item)
        elif kind is dict:
            if not all(type(key) is str and key.isascii() for key in item):
                return False
            if keys is not None:
                keys.update(item)
            stack.extend(item.values())
        else:
            return False
    return True


def whole_numbers(value: Any) -> Any:
    """``value`` with every float that holds a whole number a double holds exactly (``3.0``) made that
    integer, which RFC 8785 writes the same way (``3``), or None if it holds any other float (``1.5``,
    NaN), whose RFC 8785 form only ``rfc8785`` writes. So a ledger entry carrying the thresholds (one
    of them a float, ``3.0``) can take :func:`encode_plain`'s way. A copy; lists for tuples; no
    recursion, like :func:`plain_json`."""
    root: list[Any] = [None]
    work: list[tuple[Any, Any, Any]] = [(value, root, 0)]
    while work:
        item, target, slot = work.pop()
        kind = type(item)
        if kind is float:
            if not (item.is_integer() and -_SAFE_INTEGER <= item <= _SAFE_INTEGER):
                return None
            item = int(item)
        elif kind is dict:
            members: dict[Any, Any] = dict.fromkeys(item)
            work.extend((child, members, key) for key, child in item.items())
            item = members
        elif kind is list or kind is tuple:
            out: list[Any] = [None] * len(item)
            work.extend((child, out, i) for i, child in enumerate(item))
            item = out
        target[slot] = item
    return root[0]


def encode_plain(value: Any) -> bytes:
    """RFC 8785 bytes of a value :func:`plain_json` accepted (raises ``UnicodeEncodeError`` on a lone
    surrogate, which RFC 8785 refuses too)."""
    return _PLAIN_ENCODER.encode(value).encode("utf-8")


def plain_text(value: Any) -> str:
    """:func:`encode_plain`'s text before it is encoded to UTF-8: what the store keeps of a disclosure's
    fields, so that the package can carry them as they are (RFC 8785 for a value :func:`plain_json`
    accepts; other values are still valid JSON, but not that form)."""
    return _PLAIN_ENCODER.encode(value)


def canonical_json(obj: Any) -> bytes:
    """RFC 8785 canonical bytes of a JSON value.

    For values without floats and with ASCII keys (accounting records, package contents, most
    ledger entries) RFC 8785 is exactly the standard library's compact dump with sorted keys:
    the same escapes (RFC 8785 3.2.2.2 takes them from ECMAScript's JSON.stringify, which Python's
    encoder shares), integers in plain decimal, and code-point order equal to UTF-16 order for
    ASCII keys. That dump runs in C: with the check for floats, about three times faster than
    ``rfc8785``'s pure Python, and a large batch commits to a million accounting records and seals
    a package of a million answers. tests/test_crypto.py checks the two agree. Everything else (floats, whose RFC 8785 form is ECMAScript's number formatting, and
    non-ASCII keys) goes through ``rfc8785``; floats that hold whole numbers are written as the
    integers they are (:func:`whole_numbers`), as RFC 8785 writes them.
    """
    try:
        if plain_json(obj):
            return encode_plain(obj)
        whole = whole_numbers(obj)
        return encode_plain(whole) if whole is not None and plain_json(whole) else rfc8785.dumps(obj)
    except UnicodeEncodeError as exc:  # a lone surrogate: not text that UTF-8, or RFC 8785, can carry
        raise InputError(f"cannot be put in canonical JSON form (RFC 8785): {exc}") from exc
    except (rfc8785.CanonicalizationError, TypeError, ValueError) as exc:
        raise InputError(f"cannot be put in canonical JSON form (RFC 8785): {exc}") from exc


def signing_bytes(request: dict[str, Any]) -> bytes:
    """What the official's signature covers: the request without its ``signature`` member."""
    return canonical_json({k: v for k, v in request.items() if k != "signature"})


def sha256_file(path: Path | str) -> str:
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def new_private_key(kind: KeyKind) -> Ed25519PrivateKey | X25519PrivateKey:
    return Ed25519PrivateKey.generate() if kind == "ed25519" else X25519PrivateKey.generate()


def private_pem(key: Ed25519PrivateKey | X25519PrivateKey) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode("ascii")


def public_pem(key: Ed25519PrivateKey | X25519PrivateKey | Ed25519PublicKey | X25519PublicKey) -> str:
    pub = key.public_key() if isinstance(key, Ed25519PrivateKey | X25519PrivateKey) else key
    return pub.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode("ascii")


def load_private_key(pem: bytes | str, kind: KeyKind = "ed25519", source: str | None = None):
    """Load a PKCS#8 PEM private key and insist on its type; a wrong key is a clear error."""
    data = pem.encode("ascii") if isinstance(pem, str) else pem
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError) as exc:
        raise InputError(f"not a PEM private key (PKCS#8, unencrypted): {exc}", file=source) from None
    expected = Ed25519PrivateKey if kind == "ed25519" else X25519PrivateKey
    if not isinstance(key, expected):
        raise InputError(
            f"the key is {type(key).__name__.replace('PrivateKey', '').lstrip('_')}, not {kind.capitalize()}",
            file=source,
        )
    return key


def load_public_key(pem: bytes | str, kind: KeyKind = "ed25519", source: str | None = None):
    data = pem.encode("ascii") if isinstance(pem, str) else pem
    key = _public_key(data)
    if isinstance(key, str):
        raise InputError(f"not a PEM public key: {key}", file=source)
    expected = Ed25519PublicKey if kind == "ed25519" else X25519PublicKey
    if not isinstance(key, expected):
        raise InputError(f"the public key is not {kind.capitalize()}", file=source)
    return key


@lru_cache(maxsize=256)
def _public_key(data: bytes) -> Any:
    """The key a PEM holds, or why it holds none: parsed once per PEM (every signed request names an
    official whose registered key verifies it; a key object never changes once made)."""
    try:
        return serialization.load_pem_public_key(data)
    except (ValueError, TypeError) as exc:
        return str(exc)


def sign_request(request: dict[str, Any], key: Ed25519PrivateKey) -> str:
    return base64.b64encode(key.sign(signing_bytes(request))).decode("ascii")


def verify_request(request: dict[str, Any], public_key: Ed25519PublicKey) -> bool:
    """True only if ``signature`` is strict base64 of a valid Ed25519 signature over the request."""
    sig = request.get("signature")
    if not isinstance(sig, str):
        return False
    try:
        raw = base64.b64decode(sig, validate=True)
    except (binascii.Error, ValueError):
        return False
    if base64.b64encode(raw).decode("ascii") != sig:  # padding and alphabet exactly as RFC 4648 §4
        return False
    try:
        public_key.verify(raw, signing_bytes(request))
    except (InvalidSignature, InputError):
        return False
    return True


def _bech32(hrp: str, raw: bytes) -> str:
    words = bech32.convertbits(raw, 8, 5)
    if words is None:  # 8-to-5 bit regrouping with padding always succeeds; kept under python -O too
        raise ValueError("cannot regroup the key's bits for bech32")
    return bech32.bech32_encode(hrp, words)


def _raw(key: X25519PrivateKey | X25519PublicKey) -> bytes:
    if isinstance(key, X25519PrivateKey):
        return key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                                 serialization.NoEncryption())
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def age_recipient_text(key: X25519PublicKey | X25519PrivateKey) -> str:
    """An X25519 public key as an age recipient: ``age1`` and its 32 bytes in Bech32 (age's own encoding,
    so the standard ``age`` tool encrypts to the same key the registry holds as PEM)."""
    public = key.public_key() if isinstance(key, X25519PrivateKey) else key
    return _bech32("age", _raw(public))


def age_identity_text(key: X25519PrivateKey) -> str:
    """An X25519 private key as an age identity, ``AGE-SECRET-KEY-1…`` (Bech32, upper case, as age writes it)."""
    return _bech32("age-secret-key-", _raw(key)).upper()
