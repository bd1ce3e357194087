"""RFC 6962 hashing and proofs against published vectors, a real CT log, and the RFC itself."""

from __future__ import annotations

import base64

import pytest

from ftigate.ledger.errors import ProofError
from ftigate.ledger.hashing import EMPTY_ROOT, leaf_hash, merkle_root, node_hash, split_point
from ftigate.ledger.proofs import (
    consistency_proof,
    inclusion_proof,
    memory_reader,
    root_from_inclusion,
    tree_root,
    verify_consistency,
    verify_inclusion,
)

from .conftest import FIXTURES, load, ref_mth, ref_path, ref_proof

SOME_HASH = bytes.fromhex("abacaba000000000000000000000000000000000000000000060061e00123456")


def test_roots_match_the_published_rfc6962_tree(rfc6962):
    hashes = [leaf_hash(x) for x in rfc6962["leaves"]]
    for size, want in enumerate(rfc6962["roots"]):
        assert merkle_root(hashes[:size]) == want
        assert tree_root(size, memory_reader(hashes[:size])) == want
    assert rfc6962["roots"][0] == EMPTY_ROOT


def test_prefixes_and_split_are_rfc6962s():
    assert leaf_hash(b"") == bytes.fromhex(load("rfc6962_vectors.json")["roots_hex"][1])
    assert [split_point(n) for n in (2, 3, 4, 5, 8, 9, 1000)] == [1, 2, 2, 4, 4, 8, 512]
    with pytest.raises(ValueError):
        split_point(1)


def test_go_sumdb_record_hash_golden():
    # golang.org/x/mod/sumdb/tlog note_test.go: RecordHash("hello world") in a tree note
    assert base64.b64encode(leaf_hash(b"hello world")).decode() == "TszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0="


def test_published_inclusion_proofs_are_produced_and_verify(rfc6962):
    hashes = [leaf_hash(x) for x in rfc6962["leaves"]]
    for case in rfc6962["inclusion"]:
        want = [bytes.fromhex(h) for h in case["proof"]]
        size, index = case["size"], case["index"]
        assert inclusion_proof(index, size, memory_reader(hashes[:size])) == want
        verify_inclusion(index, size, hashes[index], want, rfc6962["roots"][size])


def test_published_consistency_proofs_are_produced_and_verify(rfc6962):
    hashes = [leaf_hash(x) for x in rfc6962["leaves"]]
    for case in rfc6962["consistency"]:
        want = [bytes.fromhex(h) for h in case["proof"]]
        old, new = case["old"], case["new"]
        assert consistency_proof(old, new, memory_reader(hashes[:new])) == want
        verify_consistency(old, new, rfc6962["roots"][old], rfc6962["roots"][new], want)


def _inclusion_probes(index, size, proof, root, leaf):
    """The corruptions transparency-dev/merkle's verify_test.go tries; every one must fail."""
    yield index - 1, size, leaf, proof, root
    yield index + 1, size, leaf, proof, root
    yield index ^ 2, size, leaf, proof, root
    yield index, size * 2, leaf, proof, root
    yield index, size // 2, leaf, proof, root
    yield index, size, b"WrongLeaf", proof, root
    yield index, size, leaf, proof, EMPTY_ROOT
    yield index, size, leaf, proof, SOME_HASH
    yield index, size, leaf, proof + [b""], root
    yield index, size, leaf, proof + [root], root
    yield index, size, leaf, [b""] + proof, root
    yield index, size, leaf, [root] + proof, root
    for i in range(len(proof)):
        bad = list(proof)
        bad[i] = bytes([bad[i][0] ^ 8]) + bad[i][1:]
        yield index, size, leaf, bad, root
    if proof:
        yield index, size, leaf, proof[:-1], root
    if len(proof) > 1:
        yield index, size, leaf, [proof[0], SOME_HASH] + proof[1:], root


def test_corrupted_inclusion_proofs_fail(rfc6962):
    hashes = [leaf_hash(x) for x in rfc6962["leaves"]]
    for case in rfc6962["inclusion"][:4]:
        proof = [bytes.fromhex(h) for h in case["proof"]]
        root = rfc6962["roots"][case["size"]]
        for index, size, leaf, bad, r in _inclusion_probes(case["index"], case["size"], proof, root,
                                                            hashes[case["index"]]):
            with pytest.raises(ProofError):
                verify_inclusion(index, size, leaf, bad, r)


def test_corrupted_consistency_proofs_fail(rfc6962):
    roots = rfc6962["roots"]
    for case in rfc6962["consistency"][1:]:
        old, new = case["old"], case["new"]
        proof = [bytes.fromhex(h) for h in case["proof"]]
        r1, r2 = roots[old], roots[new]
        probes = [
            (old - 1, new, r1, r2, proof), (old + 1, new, r1, r2, proof), (old ^ 2, new, r1, r2, proof),
            (old, new * 2, r1, r2, proof), (old, new // 2, r1, r2, proof),
            (old, new, b"WrongRoot", r2, proof), (old, new, r1, b"WrongRoot", proof), (old, new, r2, r1, proof),
            (old, new, r1, r2, []), (old, new, r1, r2, proof + [b""]), (old, new, r1, r2, proof + [r1]),
            (old, new, r1, r2, proof + [r2]), (old, new, r1, r2, [b""] + proof), (old, new, r1, r2, [r1] + proof),
            (old, new, r1, r2, [r2] + proof), (old, new, r1, r2, [proof[0]] + proof), (old, new, r1, r2, proof[:-1]),
        ]
        for i in range(len(proof)):
            bad = list(proof)
            bad[i] = bytes([bad[i][0] ^ 16]) + bad[i][1:]
            probes.append((old, new, r1, r2, bad))
        for o, n, a, b, p in probes:
            if (o, n, a, b, p) == (old, new, r1, r2, proof):
                continue
            with pytest.raises(ProofError):
                verify_consistency(o, n, a, b, p)


def test_consistency_edge_cases_follow_the_reference_implementation():
    verify_consistency(0, 0, b"x" * 32, b"x" * 32, [])
    verify_consistency(0, 1, b"x" * 32, b"y" * 32, [])
    verify_consistency(1, 1, b"y" * 32, b"y" * 32, [])
    for args in [(0, 0, b"x" * 32, b"y" * 32, []), (1, 1, b"x" * 32, b"y" * 32, []), (1, 0, b"x" * 32, b"y" * 32, []),
                 (2, 1, b"x" * 32, b"y" * 32, []), (1, 2, b"x" * 32, b"y" * 32, []),
                 (0, 1, EMPTY_ROOT, EMPTY_ROOT, [EMPTY_ROOT]), (1, 1, EMPTY_ROOT, EMPTY_ROOT, [EMPTY_ROOT])]:
        with pytest.raises(ProofError):
            verify_consistency(*args)


def test_real_certificate_transparency_log_proofs_verify():
    """Google's Argon 2020 CT log: entry 10000 in a tree of 961,984,013, and consistency from 3,654,490."""
    import json

    base = FIXTURES / "argon2020"
    sth = json.loads((base / "sth.json").read_text())
    entry = base64.b64decode(json.loads((base / "entries.json").read_text())["entries"][0]["leaf_input"])
    proof = json.loads((base / "proof.json").read_text())
    root = base64.b64decode(sth["sha256_root_hash"])
    path = [base64.b64decode(h) for h in proof["audit_path"]]
    verify_inclusion(proof["leaf_index"], sth["tree_size"], leaf_hash(entry), path, root)
    with pytest.raises(ProofError):
        verify_inclusion(proof["leaf_index"] + 1, sth["tree_size"], leaf_hash(entry), path, root)
    consistency = [base64.b64decode(h) for h in json.loads((base / "consistency.json").read_text())["consistency"]]
    old_root = base64.b64decode("AuIZ5V6sDUj1vn3Y1K85oOaQ7y+FJJKtyRTl1edIKBQ=")
    verify_consistency(3654490, sth["tree_size"], old_root, root, consistency)
    with pytest.raises(ProofError):
        verify_consistency(3654490, sth["tree_size"], root, old_root, consistency)


def test_every_proof_matches_the_rfc_definition_for_small_trees():
    data = [bytes([i, i * 7 % 256]) for i in range(41)]
    hashes = [leaf_hash(d) for d in data]
    for n in range(1, len(data) + 1):
        reader = memory_reader(hashes[:n])
        root = ref_mth(data[:n])
        assert tree_root(n, reader) == root
        for m in range(n):
            proof = inclusion_proof(m, n, reader)
            assert proof == ref_path(m, data[:n])
            assert root_from_inclusion(m, n, hashes[m], proof) == root
        for m in range(1, n + 1):
            proof = consistency_proof(m, n, reader)
            assert proof == ref_proof(m, data[:n])
            verify_consistency(m, n, ref_mth(data[:m]), root, proof)


def test_node_hash_is_not_a_leaf_hash():
    a, b = leaf_hash(b"a"), leaf_hash(b"b")
    assert node_hash(a, b) != leaf_hash(a + b)
