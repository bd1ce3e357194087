"""C2SP tlog-proof (https://c2sp.org/tlog-proof): one entry's proof that verifies offline.

    c2sp.org/tlog-proof@v1
    extra <base64 of the entry's bytes>
    index <n>
    <inclusion proof, one base64 hash per line, from the leaf's sibling up>

    <the signed checkpoint, verbatim, with any cosignatures>

The ``extra`` line carries the entry itself, so the file alone answers "what was logged at this
index". The spec calls ``extra`` unauthenticated, and on its own it is; but the verifier hashes it
as the leaf and checks the inclusion proof against the signed root, so a changed ``extra`` fails.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ftigate.ledger.checkpoints import Checkpoint, open_checkpoint
from ftigate.ledger.errors import MalformedError, ProofError
from ftigate.ledger.hashing import HASH_SIZE, leaf_hash
from ftigate.ledger.notes import Note, Verifier, b64, open_note, unb64
from ftigate.ledger.proofs import verify_inclusion

HEADER = "c2sp.org/tlog-proof@v1"
_INDEX = re.compile(r"index (0|[1-9][0-9]*)")


@dataclass(frozen=True)
class TlogProof:
    index: int
    hashes: tuple[bytes, ...]
    checkpoint: str
    extra: bytes | None = None

    @property
    def text(self) -> str:
        lines = [HEADER]
        if self.extra is not None:
            lines.append(f"extra {b64(self.extra)}")
        lines.append(f"index {self.index}")
        lines += [b64(h) for h in self.hashes]
        return "\n".join(lines) + "\n\n" + self.checkpoint


def parse_tlog_proof(text: str) -> TlogProof:
    head, sep, checkpoint = text.partition("\n\n")
    if not sep:
        raise MalformedError("tlog-proof", "no blank line before the checkpoint")
    lines = head.split("\n")
    if lines[0] != HEADER:
        raise MalformedError("tlog-proof", f"the first line must be '{HEADER}'")
    at, extra = 1, None
    if at < len(lines) and lines[at].startswith("extra "):
        extra = unb64(lines[at][6:], "tlog-proof extra data")
        at += 1
    if at >= len(lines) or not _INDEX.fullmatch(lines[at]):
        raise MalformedError("tlog-proof", "missing the 'index <n>' line")
    index = int(lines[at][6:])
    hashes = []
    for line in lines[at + 1:]:
        h = unb64(line, "tlog-proof hash")
        if len(h) != HASH_SIZE:
            raise MalformedError("tlog-proof", f"a proof hash is {len(h)} bytes, not {HASH_SIZE}")
        hashes.append(h)
    return TlogProof(index, tuple(hashes), checkpoint, extra)


def verify_tlog_proof(proof: TlogProof, log: Verifier, entry: bytes | None = None,
                      witnesses: Sequence[Verifier] = ()) -> tuple[Checkpoint, bytes]:
    """Check the checkpoint's signature (and each witness's cosignature), then the inclusion.

    ``entry`` is the logged bytes if the caller has them; otherwise the proof's ``extra``.
    Returns the checkpoint and the entry's bytes.
    """
    checkpoint, _ = open_checkpoint(proof.checkpoint, log)
    for witness in witnesses:
        note: Note = open_note(proof.checkpoint, [witness])
        if not note.verified:
            raise ProofError(f"no cosignature by witness {witness.name}")
    data = entry if entry is not None else proof.extra
    if data is None:
        raise ProofError("the proof carries no entry and none was given")
    if entry is not None and proof.extra is not None and proof.extra != entry:
        raise ProofError("the entry given differs from the one the proof carries")
    verify_inclusion(proof.index, checkpoint.size, leaf_hash(data), list(proof.hashes), checkpoint.root)
    return checkpoint, data
