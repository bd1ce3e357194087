"""C2SP tlog-cosignature v1 with Ed25519 (https://c2sp.org/tlog-cosignature): a witness's word.

A cosignature is a note signature line by the witness's key, type 0x04, whose signature is
``timestamp (uint64, big-endian) || Ed25519 signature`` over

    cosignature/v1\\n
    time <timestamp>\\n
    <the checkpoint body>

It states that, at that time, this was the largest tree the witness had seen for the origin and
that it was consistent with everything the witness had seen before. A log cannot forge it, so a
checkpoint carrying cosignatures from witnesses an overseer trusts cannot be a private fork.
"""

from __future__ import annotations

from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from ftigate.ledger.errors import MalformedError
from ftigate.ledger.notes import (
    ALG_COSIGNATURE_V1,
    ALG_ED25519,
    NoteVerifier,
    Signature,
    format_vkey,
    key_id,
    named_public_key,
    parse_vkey,
)

HEADER = b"cosignature/v1\n"


def cosigned_message(checkpoint_text: bytes, timestamp: int) -> bytes:
    if not 0 <= timestamp < 1 << 63:
        raise MalformedError("cosignature", f"timestamp {timestamp} is out of range")
    return HEADER + b"time " + str(timestamp).encode("ascii") + b"\n" + checkpoint_text


def cosignature_timestamp(signature: bytes) -> int:
    """The POSIX time a cosignature was made, from its first eight bytes."""
    if len(signature) != 72:
        raise MalformedError("cosignature", f"{len(signature)} bytes is not timestamp (8) and signature (64)")
    return int.from_bytes(signature[:8], "big")


@dataclass(frozen=True)
class CosignatureVerifier:
    name: str
    key_id: int
    public_key: bytes

    @classmethod
    def from_vkey(cls, vkey: str) -> CosignatureVerifier:
        """Accepts the witness's type 0x04 vkey, or a plain Ed25519 (0x01) vkey of the same key."""
        key = parse_vkey(vkey)
        return cls(key.name, key_id(key.name, ALG_COSIGNATURE_V1, key.public_key), key.public_key)

    @property
    def vkey(self) -> str:
        return format_vkey(self.name, ALG_COSIGNATURE_V1, self.public_key)

    def verify(self, text: bytes, signature: bytes) -> bool:
        if len(signature) != 72:
            return False
        try:
            Ed25519PublicKey.from_public_bytes(self.public_key).verify(
                signature[8:], cosigned_message(text, cosignature_timestamp(signature)))
        except (InvalidSignature, ValueError, MalformedError):
            return False
        return True


class CosignatureSigner:
    """A witness's signing key. ``timestamp`` is set before each :meth:`sign`."""

    def __init__(self, name: str, private_key: Ed25519PrivateKey) -> None:
        self.name = name
        self._key = private_key
        self.public_key, self.key_id = named_public_key(name, private_key, ALG_COSIGNATURE_V1)
        self.timestamp = 0

    @property
    def verifier(self) -> CosignatureVerifier:
        return CosignatureVerifier(self.name, self.key_id, self.public_key)

    def sign(self, text: bytes) -> bytes:
        stamp = self.timestamp.to_bytes(8, "big")
        return stamp + self._key.sign(cosigned_message(text, self.timestamp))

    def cosign(self, checkpoint_text: str, timestamp: int) -> Signature:
        self.timestamp = timestamp
        return Signature(self.name, self.key_id, self.sign(checkpoint_text.encode("utf-8")))


def verifier_for(vkey: str) -> NoteVerifier | CosignatureVerifier:
    """The right verifier for a vkey of either type (0x01 note key, 0x04 witness key)."""
    key = parse_vkey(vkey)
    if key.alg == ALG_ED25519:
        return NoteVerifier(key.name, key.key_id, key.public_key)
    return CosignatureVerifier(key.name, key.key_id, key.public_key)
