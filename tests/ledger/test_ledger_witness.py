"""A witness cosigns only checkpoints that extend the one it holds, and refuses a forked log."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ftigate.ledger.checkpoints import Checkpoint, sign_checkpoint
from ftigate.ledger.cosignatures import CosignatureSigner
from ftigate.ledger.errors import MalformedError
from ftigate.ledger.hashing import leaf_hash, merkle_root
from ftigate.ledger.notes import NoteSigner, open_note, parse_note
from ftigate.ledger.proofs import consistency_proof, memory_reader
from ftigate.ledger.witness import (
    AddCheckpoint,
    ForkDetected,
    WitnessRefused,
    add_checkpoint,
    format_add_checkpoint,
    parse_add_checkpoint,
)

ORIGIN = "ftigate.irs.example/log"


class Log:
    def __init__(self, signer: NoteSigner, entries: list[bytes]) -> None:
        self.signer, self.hashes = signer, [leaf_hash(e) for e in entries]

    def note(self, size: int) -> str:
        return sign_checkpoint(Checkpoint(ORIGIN, size, merkle_root(self.hashes[:size])), self.signer)

    def request(self, old: int, size: int) -> AddCheckpoint:
        proof = consistency_proof(old, size, memory_reader(self.hashes[:size])) if old else []
        return parse_add_checkpoint(format_add_checkpoint(old, proof, self.note(size)))


@pytest.fixture
def parties():
    key = NoteSigner(ORIGIN, Ed25519PrivateKey.generate())
    witness = CosignatureSigner("oversight.example/w", Ed25519PrivateKey.generate())
    honest = Log(key, [f"event {i}".encode() for i in range(20)])
    # the same key signs a history that differs from entry 3 on: a fork (or a rewrite by an insider)
    forked = Log(key, [f"event {i}".encode() for i in range(3)] + [f"forged {i}".encode() for i in range(3, 20)])
    return {ORIGIN: key.verifier}, witness, honest, forked


def test_cosigns_a_log_that_grows_consistently(parties):
    logs, witness, honest, _ = parties
    held, sig = add_checkpoint(None, honest.request(0, 5), logs, witness, 1_700_000_000)
    assert open_note(held + sig.line, [witness.verifier]).verified
    held, sig = add_checkpoint(held, honest.request(5, 12), logs, witness, 1_700_000_100)
    held, sig = add_checkpoint(held, honest.request(12, 12), logs, witness, 1_700_000_200)  # same tree again
    assert parse_note(held).text == parse_note(honest.note(12)).text


def test_refuses_a_forked_log_and_says_so(parties):
    logs, witness, honest, forked = parties
    held, _ = add_checkpoint(None, honest.request(0, 5), logs, witness, 1)
    with pytest.raises(ForkDetected) as info:
        add_checkpoint(held, forked.request(5, 12), logs, witness, 2)
    assert info.value.status == 422 and "forked" in info.value.diagnostics()
    assert (info.value.held.size, info.value.offered.size) == (5, 12)
    with pytest.raises(ForkDetected) as info:  # same size, other root
        add_checkpoint(held, forked.request(5, 5), logs, witness, 3)
    assert info.value.status == 409
    with pytest.raises(ForkDetected):  # a forged proof that borrows the honest log's hashes
        request = forked.request(5, 12)
        add_checkpoint(held, AddCheckpoint(5, honest.request(5, 12).proof, request.checkpoint), logs, witness, 4)


def test_refuses_rollback_stale_size_unknown_log_and_bad_signature(parties):
    logs, witness, honest, _ = parties
    held, _ = add_checkpoint(None, honest.request(0, 12), logs, witness, 1)
    with pytest.raises(ForkDetected):
        add_checkpoint(held, honest.request(0, 5), logs, witness, 2)
    with pytest.raises(WitnessRefused) as info:
        add_checkpoint(held, honest.request(5, 15), logs, witness, 2)
    assert info.value.status == 409 and info.value.latest_size == 12
    with pytest.raises(WitnessRefused) as info:
        add_checkpoint(held, honest.request(12, 15), {}, witness, 2)
    assert info.value.status == 404
    impostor = Log(NoteSigner(ORIGIN, Ed25519PrivateKey.generate()), [f"event {i}".encode() for i in range(20)])
    with pytest.raises(WitnessRefused) as info:
        add_checkpoint(held, impostor.request(12, 15), logs, witness, 2)
    assert info.value.status == 403


def test_request_format_is_tlog_witness_add_checkpoint(parties):
    _, _, honest, _ = parties
    proof = consistency_proof(5, 12, memory_reader(honest.hashes[:12]))
    body = format_add_checkpoint(5, proof, honest.note(12))
    lines = body.split("\n")
    assert lines[0] == "old 5" and lines[1 + len(proof)] == "" and lines[2 + len(proof)] == ORIGIN
    parsed = parse_add_checkpoint(body)
    assert parsed.old_size == 5 and list(parsed.proof) == proof
    for bad in ["old 05\n\n" + honest.note(12), "new 5\n\n" + honest.note(12), "old 5\nnot-base64\n\n" + honest.note(12),
                "old 5\n" + honest.note(12).replace("\n\n", "\n")]:
        with pytest.raises(MalformedError):
            parse_add_checkpoint(bad)
