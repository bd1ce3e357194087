"""What a witness decides (C2SP tlog-witness add-checkpoint), without any I/O.

A witness keeps, for each log it follows, the last checkpoint it cosigned. Shown a new checkpoint
with a consistency proof from that size, it cosigns only if

* the checkpoint is signed by the log's key it was configured with (else 403; unknown origin 404);
* the proof starts from the size it holds (else 409 with its size: the log is out of date with it);
* the new tree contains the old one: the RFC 6962 consistency proof verifies from the root the
  witness holds to the new root (else 422), and at equal size the roots are equal (else 409).

A checkpoint that fails the last test is proof of a rewritten or forked log: two signed statements
by the same key that no append-only history can join. The witness refuses it, says so, and keeps it.

The request body is the spec's: ``old <size>``, the proof hashes one per line, a blank line, then
the signed checkpoint. The response is the witness's cosignature line.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ftigate.ledger.checkpoints import Checkpoint, parse_checkpoint
from ftigate.ledger.cosignatures import CosignatureSigner
from ftigate.ledger.errors import LedgerError, MalformedError, ProofError, SignatureError
from ftigate.ledger.hashing import HASH_SIZE
from ftigate.ledger.notes import NoteVerifier, Signature, b64, open_note, parse_note, unb64
from ftigate.ledger.proofs import verify_consistency

MAX_PROOF_LINES = 63
_OLD = re.compile(r"old (0|[1-9][0-9]*)")


class WitnessRefused(LedgerError):
    """The witness will not cosign; ``status`` is the tlog-witness HTTP status it stands for."""

    def __init__(self, status: int, message: str, latest_size: int | None = None) -> None:
        self.status, self.message, self.latest_size = status, message, latest_size
        super().__init__(self.diagnostics())

    def diagnostics(self) -> str:
        return f"refused ({self.status}): {self.message}"


class ForkDetected(WitnessRefused):
    """The offered checkpoint contradicts one the witness already cosigned: a rewritten or forked log."""

    def __init__(self, status: int, message: str, held: Checkpoint, offered: Checkpoint) -> None:
        self.held, self.offered = held, offered
        super().__init__(status, message, held.size)

    def diagnostics(self) -> str:
        return (f"REFUSED: {self.message}. Held: size {self.held.size}, root {b64(self.held.root)}; "
                f"offered: size {self.offered.size}, root {b64(self.offered.root)}")


@dataclass(frozen=True)
class AddCheckpoint:
    old_size: int
    proof: tuple[bytes, ...]
    checkpoint: str


def format_add_checkpoint(old_size: int, proof: Sequence[bytes], checkpoint_note: str) -> str:
    return f"old {old_size}\n" + "".join(b64(h) + "\n" for h in proof) + "\n" + checkpoint_note


def parse_add_checkpoint(body: str) -> AddCheckpoint:
    head, sep, note = body.partition("\n\n")
    if not sep:
        # no proof lines: "old N\n" directly followed by the blank line
        raise MalformedError("add-checkpoint request", "no blank line before the checkpoint")
    lines = head.split("\n")
    if not _OLD.fullmatch(lines[0]):
        raise MalformedError("add-checkpoint request", "the first line must be 'old <size>'")
    if len(lines) - 1 > MAX_PROOF_LINES:
        raise MalformedError("add-checkpoint request", f"more than {MAX_PROOF_LINES} proof lines")
    proof = []
    for line in lines[1:]:
        h = unb64(line, "consistency proof hash")
        if len(h) != HASH_SIZE:
            raise MalformedError("add-checkpoint request", f"a proof hash is {len(h)} bytes, not {HASH_SIZE}")
        proof.append(h)
    return AddCheckpoint(int(lines[0][4:]), tuple(proof), note)


def add_checkpoint(held: str | None, request: AddCheckpoint, logs: Mapping[str, NoteVerifier],
                   signer: CosignatureSigner, now: int) -> tuple[str, Signature]:
    """Decide on one request. ``held`` is the checkpoint note last cosigned for that log, if any.

    Returns the note to hold from now on and the cosignature; raises :class:`WitnessRefused`
    (or :class:`ForkDetected`) otherwise.
    """
    try:
        body = parse_checkpoint(parse_note(request.checkpoint).text)
    except MalformedError as exc:
        raise WitnessRefused(400, exc.diagnostics()) from None
    log = logs.get(body.origin)
    if log is None:
        raise WitnessRefused(404, f"this witness does not follow the log '{body.origin}'")
    try:
        open_note(request.checkpoint, [log])
    except (SignatureError, MalformedError) as exc:
        raise WitnessRefused(403, f"the checkpoint is not signed by the log's key: {exc.diagnostics()}") from None
    held_cp = parse_checkpoint(parse_note(held).text) if held else None
    held_size = held_cp.size if held_cp else 0
    if held_cp is not None and body.size < held_cp.size:
        raise ForkDetected(409, f"the log offers a tree of size {body.size}, smaller than the size "
                                f"{held_cp.size} this witness already cosigned: a log never shrinks", held_cp, body)
    if request.old_size > body.size:
        raise WitnessRefused(400, f"old size {request.old_size} is larger than the checkpoint's {body.size}")
    if request.old_size != held_size:
        raise WitnessRefused(409, f"this witness last cosigned size {held_size}, not {request.old_size}", held_size)
    if held_cp is not None:
        try:
            verify_consistency(held_cp.size, body.size, held_cp.root, body.root, list(request.proof))
        except ProofError as exc:
            status = 409 if held_cp.size == body.size else 422
            raise ForkDetected(status, f"the log was rewritten or forked: the checkpoint of size {body.size} does "
                                       f"not extend the one of size {held_cp.size} this witness cosigned "
                                       f"({exc.diagnostics()})", held_cp, body) from None
    elif request.proof:
        raise WitnessRefused(422, "a consistency proof from size 0 must be empty")
    signature = signer.cosign(body.text, now)
    return request.checkpoint, signature

