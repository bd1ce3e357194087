"""C2SP tlog-checkpoint (https://c2sp.org/tlog-checkpoint): the body of a signed tree head.

    <origin>\\n
    <tree size, decimal, no leading zeros>\\n
    <root hash, base64>\\n
    [extension lines]

signed as a :mod:`signed note <ftigate.ledger.notes>` by the log's key, whose name is the origin.
A log must never sign two checkpoints that no append-only history could join; the gateway checks
that before it signs (see :func:`ftigate.service.log.ledger.publish_checkpoint`), and witnesses check it
again on their own machines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ftigate.ledger.errors import MalformedError
from ftigate.ledger.hashing import HASH_SIZE
from ftigate.ledger.notes import Note, NoteSigner, Verifier, b64, open_note, sign_note, unb64

_SIZE = re.compile(r"0|[1-9][0-9]*")


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    size: int
    root: bytes
    extensions: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        lines = [self.origin, str(self.size), b64(self.root), *self.extensions]
        return "".join(line + "\n" for line in lines)


def parse_checkpoint(text: str) -> Checkpoint:
    if not text.endswith("\n"):
        raise MalformedError("checkpoint", "the body must end with a newline")
    lines = text[:-1].split("\n")
    if len(lines) < 3:
        raise MalformedError("checkpoint", "needs an origin, a tree size and a root hash, one per line")
    origin, size, root, *extensions = lines
    if not origin:
        raise MalformedError("checkpoint", "the origin line is empty")
    if not _SIZE.fullmatch(size) or int(size) >= 1 << 63:
        raise MalformedError("checkpoint", f"'{size}' is not a tree size")
    raw = unb64(root, "checkpoint root hash")
    if len(raw) != HASH_SIZE:
        raise MalformedError("checkpoint", f"the root hash is {len(raw)} bytes, not {HASH_SIZE}")
    if any(not line for line in extensions):
        raise MalformedError("checkpoint", "extension lines must not be empty")
    return Checkpoint(origin, int(size), raw, tuple(extensions))


def sign_checkpoint(checkpoint: Checkpoint, signer: NoteSigner) -> str:
    return sign_note(checkpoint.text, [signer])


def open_checkpoint(note_text: str, log: Verifier, origin: str | None = None) -> tuple[Checkpoint, Note]:
    """Verify the log's signature, then parse the body; the origin must be the log's own."""
    note = open_note(note_text, [log])
    checkpoint = parse_checkpoint(note.text)
    expected = origin or log.name
    if checkpoint.origin != expected:
        raise MalformedError("checkpoint", f"origin '{checkpoint.origin}' is not the log's origin '{expected}'")
    return checkpoint, note
