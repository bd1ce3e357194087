"""The standalone verifier catches every kind of tampering and names the first entry it touches."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ftigate.ledger.checkpoints import Checkpoint, sign_checkpoint
from ftigate.ledger.cosignatures import CosignatureSigner
from ftigate.ledger.errors import MalformedError, ProofError, TamperDetected
from ftigate.ledger.hashing import leaf_hash
from ftigate.ledger.notes import NoteSigner, parse_note
from ftigate.ledger.proofs import inclusion_proof
from ftigate.ledger.tiles import TileBuilder, tile_node_reader
from ftigate.ledger.tlog_proof import TlogProof, parse_tlog_proof, verify_tlog_proof
from ftigate.ledger.verify import verify_log

ORIGIN = "ftigate.irs.example/log"
SIZE = 1_000


class MemorySource:
    """A log held in memory, tiles as the builder made them; tests edit it like an attacker would."""

    def __init__(self, entries: list[bytes], note: str, tiles: dict) -> None:
        self.entries_list, self.note, self.tiles = list(entries), note, dict(tiles)
        self.problems = []

    def checkpoint(self) -> str:
        return self.note

    def entries(self, size: int):
        yield from self.entries_list

    def tile(self, level: int, index: int, width: int):
        content = self.tiles.get((level, index))
        return None if content is None else content[:width * 32]


def build(entries: list[bytes]):
    builder, tiles = TileBuilder(), {}
    for level, index, content in builder.add([leaf_hash(e) for e in entries]):
        tiles[(level, index)] = content
    for level, index, content in builder.partial_tiles():
        tiles[(level, index)] = content
    return builder.root(), tiles


@pytest.fixture
def log():
    signer = NoteSigner(ORIGIN, Ed25519PrivateKey.generate())
    entries = [b'{"at":"2025-06-27T10:00:00Z","kind":"event","n":%d}' % i for i in range(SIZE)]
    root, tiles = build(entries)
    note = sign_checkpoint(Checkpoint(ORIGIN, SIZE, root), signer)
    return signer, entries, tiles, note


def test_an_untouched_log_verifies(log):
    signer, entries, tiles, note = log
    report = verify_log(MemorySource(entries, note, tiles), signer.verifier)
    assert report.ok and report.size == SIZE and report.entries_read == SIZE
    report.raise_if_tampered()


@pytest.mark.parametrize("kind, edit, index", [
    ("altered", lambda e: e[:700] + [e[700].replace(b'"n"', b'"N"')] + e[701:], 700),
    ("removed", lambda e: e[:300] + e[301:], 300),
    ("removed", lambda e: e[:300] + e[303:], 300),
    ("inserted", lambda e: e[:512] + [b'{"kind":"forged"}'] + e[512:], 512),
    ("reordered", lambda e: e[:10] + [e[11], e[10]] + e[12:], 10),
    ("reordered", lambda e: e[:255] + [e[290]] + e[256:290] + [e[255]] + e[291:], 255),
    ("removed", lambda e: e[:-1], SIZE - 1),
    ("altered", lambda e: [b"x"] + e[1:], 0),
])
def test_each_kind_of_tampering_is_caught_at_its_first_entry(log, kind, edit, index):
    signer, entries, tiles, note = log
    report = verify_log(MemorySource(edit(entries), note, tiles), signer.verifier)
    first = report.first_tampered
    assert not report.ok and (first.kind, first.index) == (kind, index), report.problems
    with pytest.raises(TamperDetected) as info:
        report.raise_if_tampered()
    assert info.value.index == index and info.value.kind == kind


def test_altered_tiles_are_told_apart_from_altered_entries(log):
    signer, entries, tiles, note = log
    bad = dict(tiles)
    bad[(0, 1)] = bad[(0, 1)][:64] + bytes(32) + bad[(0, 1)][96:]
    report = verify_log(MemorySource(entries, note, bad), signer.verifier)
    assert not report.ok
    assert all(p.kind == "tile" for p in report.problems)
    assert any("tile/0/001" in p.message and "tile was altered" in p.message for p in report.problems)


def test_a_consistent_rewrite_is_caught_by_the_signed_root(log):
    signer, entries, _, note = log
    forged = entries[:400] + [b'{"kind":"forged"}'] + entries[401:]
    _, forged_tiles = build(forged)  # the attacker recomputes every tile, but cannot re-sign
    report = verify_log(MemorySource(forged, note, forged_tiles), signer.verifier)
    assert [p.kind for p in report.problems] == ["rewritten"]


def test_history_narrows_down_a_consistent_rewrite(log):
    signer, entries, _, note = log
    root_500, _ = build(entries[:500])
    history = [Checkpoint(ORIGIN, 500, root_500)]
    forged = entries[:400] + [b'{"kind":"forged"}'] + entries[401:]
    _, forged_tiles = build(forged)
    report = verify_log(MemorySource(forged, note, forged_tiles), signer.verifier, history=history)
    assert "before entry 500" in report.problems[0].message


def test_the_checkpoint_must_be_signed_by_the_log_and_cosigned_by_named_witnesses(log):
    signer, entries, tiles, note = log
    impostor = NoteSigner(ORIGIN, Ed25519PrivateKey.generate())
    report = verify_log(MemorySource(entries, note, tiles), impostor.verifier)
    assert [p.kind for p in report.problems] == ["checkpoint"]
    witness = CosignatureSigner("oversight.example/w", Ed25519PrivateKey.generate())
    report = verify_log(MemorySource(entries, note, tiles), signer.verifier, [witness.verifier])
    assert [p.kind for p in report.problems] == ["cosignature"]
    cosigned = note + witness.cosign(parse_note(note).text, 1_700_000_000).line
    report = verify_log(MemorySource(entries, cosigned, tiles), signer.verifier, [witness.verifier])
    assert report.ok and report.cosigned_by == ["oversight.example/w"]


def test_tlog_proof_file_roundtrip_and_tampering(log):
    signer, entries, tiles, note = log
    hashes = inclusion_proof(777, SIZE, tile_node_reader(lambda keys: tiles))
    text = TlogProof(777, tuple(hashes), note, extra=entries[777]).text
    assert text.startswith("c2sp.org/tlog-proof@v1\nextra ") and "\nindex 777\n" in text
    proof = parse_tlog_proof(text)
    cp, data = verify_tlog_proof(proof, signer.verifier)
    assert cp.size == SIZE and data == entries[777]
    with pytest.raises(ProofError):
        verify_tlog_proof(proof, signer.verifier, entry=entries[778])
    with pytest.raises(ProofError):
        verify_tlog_proof(TlogProof(777, tuple(hashes), note, extra=entries[778]), signer.verifier)
    with pytest.raises(ProofError):
        verify_tlog_proof(TlogProof(776, tuple(hashes), note, extra=entries[777]), signer.verifier)
    for bad in ["c2sp.org/tlog-proof@v2\nindex 0\n\n" + note, "c2sp.org/tlog-proof@v1\n\n" + note,
                "c2sp.org/tlog-proof@v1\nindex 01\n\n" + note, "c2sp.org/tlog-proof@v1\nindex 0\nAAAA\n\n" + note]:
        with pytest.raises(MalformedError):
            parse_tlog_proof(bad)
