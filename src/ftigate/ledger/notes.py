"""C2SP signed notes (https://c2sp.org/signed-note), as Go's golang.org/x/mod/sumdb/note reads them.

A note is UTF-8 text ending in a newline, a blank line, then one or more signature lines
``— <key name> <base64(4-byte key ID || signature)>``. A key is named by a string and identified by
``SHA-256(name || "\\n" || type byte || public key)[:4]``; the type byte is 0x01 for Ed25519 note
signatures and 0x04 for Ed25519 witness cosignatures (:mod:`ftigate.ledger.cosignatures`).

A verifier key (*vkey*) is ``<name>+<key ID, 8 hex digits>+<base64(type byte || public key)>``;
this is what ``ftigate ledger vkey`` prints, and what any tool that speaks the format (Go's
``note.NewVerifier``, the transparency-dev witness, sigsum, ...) takes to check our checkpoints.

Opening a note follows the spec's rules exactly: signatures by unknown keys are ignored; a
signature by a known key that does not verify rejects the whole note; a note with no verified
signature is rejected.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import unicodedata
from dataclasses import dataclass, field
from typing import Protocol

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from ftigate.ledger.errors import MalformedError, SignatureError

ALG_ED25519 = 0x01
ALG_COSIGNATURE_V1 = 0x04
EM_DASH = "\u2014"
MAX_SIGNATURES = 100


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: str, what: str) -> bytes:
    """Strict standard base64 (RFC 4648 §4): right alphabet, right padding, nothing else."""
    try:
        raw = base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, ValueError, UnicodeEncodeError):
        raise MalformedError(what, f"'{text[:60]}' is not standard base64") from None
    if b64(raw) != text:
        raise MalformedError(what, f"'{text[:60]}' is not canonical base64")
    return raw


def is_valid_key_name(name: str) -> bool:
    """Non-empty, no Unicode space, no '+' (the vkey separator)."""
    return bool(name) and "+" not in name and not any(ch.isspace() or unicodedata.category(ch) == "Zs" for ch in name)


def key_id(name: str, alg: int, public_key: bytes) -> int:
    """``SHA-256(name || 0x0A || alg || public key)[:4]`` as a big-endian integer."""
    digest = hashlib.sha256(name.encode("utf-8") + b"\n" + bytes([alg]) + public_key).digest()
    return int.from_bytes(digest[:4], "big")


def format_vkey(name: str, alg: int, public_key: bytes) -> str:
    if not is_valid_key_name(name):
        raise MalformedError("key name", f"'{name}' must be non-empty, without spaces or '+'")
    return f"{name}+{key_id(name, alg, public_key):08x}+{b64(bytes([alg]) + public_key)}"


@dataclass(frozen=True)
class VerifierKey:
    """A parsed vkey: who (name, key ID), which algorithm, and the public key bytes."""

    name: str
    key_id: int
    alg: int
    public_key: bytes

    @property
    def text(self) -> str:
        return format_vkey(self.name, self.alg, self.public_key)


def parse_vkey(vkey: str) -> VerifierKey:
    """Parse and check ``name+hash+key``: the hash must be the key's own ID."""
    name, sep1, rest = vkey.partition("+")
    hash16, sep2, key64 = rest.partition("+")
    if not (sep1 and sep2) or not is_valid_key_name(name):
        raise MalformedError("verifier key", f"'{vkey}' is not <name>+<key ID>+<key>")
    if len(hash16) != 8 or any(c not in "0123456789abcdef" for c in hash16):
        raise MalformedError("verifier key", f"the key ID '{hash16}' is not 8 lowercase hex digits")
    raw = unb64(key64, "verifier key")
    if not raw:
        raise MalformedError("verifier key", "no key material")
    alg, public_key = raw[0], raw[1:]
    if alg in (ALG_ED25519, ALG_COSIGNATURE_V1) and len(public_key) != 32:
        raise MalformedError("verifier key", f"an Ed25519 key is 32 bytes, not {len(public_key)}")
    if alg not in (ALG_ED25519, ALG_COSIGNATURE_V1):
        raise MalformedError("verifier key", f"unknown signature type 0x{alg:02x}")
    if key_id(name, alg, public_key) != int(hash16, 16):
        raise MalformedError("verifier key", f"the key ID {hash16} does not match the key")
    return VerifierKey(name, int(hash16, 16), alg, public_key)


class Verifier(Protocol):
    """What opening a note needs of a key: its name, its ID, and a check of one signature.

    Name and ID are read-only here, so an immutable (frozen) key satisfies the protocol."""

    @property
    def name(self) -> str: ...

    @property
    def key_id(self) -> int: ...

    def verify(self, text: bytes, signature: bytes) -> bool: ...


class Signer(Protocol):
    """What signing a note needs of a key: its name, its ID, and one signature."""

    @property
    def name(self) -> str: ...

    @property
    def key_id(self) -> int: ...

    def sign(self, text: bytes) -> bytes: ...


def _ed25519_ok(public_key: bytes, signature: bytes, message: bytes) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(signature, message)
    except (InvalidSignature, ValueError):
        return False
    return True


@dataclass(frozen=True)
class NoteVerifier:
    """Checks Ed25519 note signatures (type 0x01)."""

    name: str
    key_id: int
    public_key: bytes

    @classmethod
    def from_vkey(cls, vkey: str) -> NoteVerifier:
        key = parse_vkey(vkey)
        if key.alg != ALG_ED25519:
            raise MalformedError("verifier key", f"'{key.name}' is not an Ed25519 note key (type 0x{key.alg:02x})")
        return cls(key.name, key.key_id, key.public_key)

    @property
    def vkey(self) -> str:
        return format_vkey(self.name, ALG_ED25519, self.public_key)

    def verify(self, text: bytes, signature: bytes) -> bool:
        return len(signature) == 64 and _ed25519_ok(self.public_key, signature, text)


def named_public_key(name: str, private_key: Ed25519PrivateKey, alg: int) -> tuple[bytes, int]:
    """The raw public key of a signer's ``private_key`` and its key ID under ``name`` for key type ``alg``."""
    if not is_valid_key_name(name):
        raise MalformedError("key name", f"'{name}' must be non-empty, without spaces or '+'")
    public = private_key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return public, key_id(name, alg, public)


class NoteSigner:
    """Signs note text with an Ed25519 key under a key name (type 0x01)."""

    def __init__(self, name: str, private_key: Ed25519PrivateKey) -> None:
        self.name = name
        self._key = private_key
        self.public_key, self.key_id = named_public_key(name, private_key, ALG_ED25519)

    @property
    def verifier(self) -> NoteVerifier:
        return NoteVerifier(self.name, self.key_id, self.public_key)

    def sign(self, text: bytes) -> bytes:
        return self._key.sign(text)


def parse_signer_key(skey: str) -> NoteSigner:
    """Read a Go-style private key ``PRIVATE+KEY+<name>+<hash>+<base64(0x01 || seed)>``."""
    parts = skey.split("+", 4)
    if len(parts) != 5 or parts[0] != "PRIVATE" or parts[1] != "KEY":
        raise MalformedError("signer key", "not PRIVATE+KEY+<name>+<key ID>+<key>")
    _, _, name, hash16, key64 = parts
    raw = unb64(key64, "signer key")
    if len(raw) != 33 or raw[0] != ALG_ED25519:
        raise MalformedError("signer key", "not an Ed25519 seed")
    if len(hash16) != 8 or any(c not in "0123456789abcdef" for c in hash16):
        raise MalformedError("signer key", f"the key ID '{hash16}' is not 8 lowercase hex digits")
    signer = NoteSigner(name, Ed25519PrivateKey.from_private_bytes(raw[1:]))
    if signer.key_id != int(hash16, 16):
        raise MalformedError("signer key", f"the key ID {hash16} does not match the key")
    return signer


# --- notes ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Signature:
    """One signature line: key name, key ID and the signature bytes after the ID."""

    name: str
    key_id: int
    signature: bytes

    @property
    def line(self) -> str:
        return f"{EM_DASH} {self.name} {b64(self.key_id.to_bytes(4, 'big') + self.signature)}\n"


@dataclass
class Note:
    text: str
    signatures: list[Signature] = field(default_factory=list)
    verified: list[Signature] = field(default_factory=list)

    def render(self) -> str:
        return self.text + "\n" + "".join(s.line for s in self.signatures)


def _check_text(text: str, what: str) -> None:
    if any(ord(ch) < 0x20 and ch != "\n" for ch in text):
        raise MalformedError(what, "holds a control character")


def check_note_text(text: str) -> None:
    if not text.endswith("\n"):
        raise MalformedError("note", "the text must end with a newline")
    _check_text(text, "note")


def parse_signature_line(line: str) -> Signature:
    """``— name base64`` (without its newline)."""
    if not line.startswith(EM_DASH + " "):
        raise MalformedError("note", f"'{line[:40]}' is not a signature line")
    name, sep, sig64 = line[2:].partition(" ")
    if not sep or not is_valid_key_name(name):
        raise MalformedError("note", f"bad key name in signature line '{line[:40]}'")
    raw = unb64(sig64, "note signature")
    if len(raw) < 5:
        raise MalformedError("note", "a signature is a 4-byte key ID and at least one byte more")
    return Signature(name, int.from_bytes(raw[:4], "big"), raw[4:])


def parse_note(message: str | bytes) -> Note:
    """Split a signed note into text and signature lines, checking the format strictly."""
    if isinstance(message, bytes):
        try:
            message = message.decode("utf-8")
        except UnicodeDecodeError:
            raise MalformedError("note", "not UTF-8") from None
    _check_text(message, "note")
    cut = message.rfind("\n\n")
    if cut < 0:
        raise MalformedError("note", "no blank line before the signatures")
    text, sigs = message[:cut + 1], message[cut + 2:]
    if not sigs or not sigs.endswith("\n"):
        raise MalformedError("note", "there must be at least one signature line, each ending in a newline")
    lines = sigs[:-1].split("\n")
    if len(lines) > MAX_SIGNATURES:
        raise MalformedError("note", f"more than {MAX_SIGNATURES} signatures")
    signatures: list[Signature] = []
    for line in lines:
        sig = parse_signature_line(line)
        if sig not in signatures:
            signatures.append(sig)
    return Note(text, signatures)


def sign_note(text: str, signers: list[Signer], keep: list[Signature] | None = None) -> str:
    """The signed note: ``text``, a blank line, the signature of each signer (plus ``keep``)."""
    check_note_text(text)
    data = text.encode("utf-8")
    sigs = [Signature(s.name, s.key_id, s.sign(data)) for s in signers]
    mine = {(s.name, s.key_id) for s in sigs}
    sigs += [s for s in (keep or []) if (s.name, s.key_id) not in mine]
    return Note(text, sigs).render()


def open_note(message: str | bytes, verifiers: list[Verifier]) -> Note:
    """Parse a note and check its signatures against the given keys (C2SP signed-note rules).

    Returns the note with ``verified`` filled; raises :class:`SignatureError` if a known key's
    signature fails or no known key signed.
    """
    note = parse_note(message)
    data = note.text.encode("utf-8")
    known = {(v.name, v.key_id): v for v in verifiers}
    for sig in note.signatures:
        verifier = known.get((sig.name, sig.key_id))
        if verifier is None:
            continue
        if not verifier.verify(data, sig.signature):
            raise SignatureError("invalid signature", key=f"{sig.name}+{sig.key_id:08x}")
        note.verified.append(sig)
    if not note.verified:
        names = ", ".join(f"{v.name}+{v.key_id:08x}" for v in verifiers) or "none given"
        raise SignatureError(f"the note has no valid signature by a trusted key (trusted: {names})")
    return note
