"""Inclusion and consistency proofs of RFC 6962 §2.1.1–2.1.2, produced and checked (RFC 9162 §2.1.3–2.1.4).

Producing a proof is split in two so the same code serves an in-memory tree, the database and an
exported directory of tiles:

1. *which* subtrees the proof needs: a list of leaf ranges, from the RFC's recursive definitions
   of PATH and SUBPROOF; each range breaks into perfect subtrees (:func:`range_nodes`);
2. *what* those subtrees hash to: asked of a :data:`NodeReader`, which looks them up wherever the
   tree is kept (tiles in the store, tiles on disk, a list in memory).

A node ``(height, index)`` is the perfect subtree over leaves ``[index * 2**height, (index+1) * 2**height)``.
Checking a proof follows RFC 9162's algorithms step by step and needs nothing but hashes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ftigate.ledger.errors import ProofError
from ftigate.ledger.hashing import EMPTY_ROOT, HASH_SIZE, fold_right, node_hash, perfect_root, split_point

Node = tuple[int, int]
NodeReader = Callable[[Sequence[Node]], list[bytes]]


def range_nodes(lo: int, hi: int) -> list[Node]:
    """The perfect subtrees that make up leaves ``[lo, hi)``, left to right, largest first.

    Valid for the ranges that RFC 6962's recursion produces, whose start is aligned to a power of
    two at least as large as the range; for those, folding the subtree hashes right to left gives
    MTH(D[lo:hi]).
    """
    nodes: list[Node] = []
    while lo < hi:
        height = (hi - lo).bit_length() - 1
        if lo:
            height = min(height, (lo & -lo).bit_length() - 1)
        nodes.append((height, lo >> height))
        lo += 1 << height
    return nodes


def inclusion_ranges(index: int, size: int) -> list[tuple[int, int]]:
    """The leaf ranges whose hashes form PATH(index, D[0:size]), from the leaf's sibling up."""
    if not 0 <= index < size:
        raise ProofError(f"entry {index} is not in a tree of size {size}", index=index, size=size)
    ranges = []
    lo, hi = 0, size
    while hi - lo > 1:
        k = split_point(hi - lo)
        if index < lo + k:
            ranges.append((lo + k, hi))
            hi = lo + k
        else:
            ranges.append((lo, lo + k))
            lo += k
    ranges.reverse()
    return ranges


def consistency_ranges(old: int, new: int) -> list[tuple[int, int]]:
    """The leaf ranges whose hashes form PROOF(old, D[0:new]) (RFC 6962 §2.1.2)."""
    if not 0 <= old <= new:
        raise ProofError(f"no consistency proof from size {old} to size {new}", old=old, new=new)
    if old in (0, new):
        return []
    ranges = []
    lo, hi, m, whole = 0, new, old, True
    while True:
        size = hi - lo
        if m == size:
            if not whole:
                ranges.append((lo, hi))
            break
        k = split_point(size)
        if m <= k:
            ranges.append((lo + k, hi))
            hi = lo + k
        else:
            ranges.append((lo, lo + k))
            lo += k
            m -= k
            whole = False
    ranges.reverse()
    return ranges


def range_hashes(ranges: Sequence[tuple[int, int]], read_nodes: NodeReader) -> list[bytes]:
    """MTH of each range, asking ``read_nodes`` once for every perfect subtree needed."""
    groups = [range_nodes(lo, hi) for lo, hi in ranges]
    values = read_nodes([node for group in groups for node in group])
    out, at = [], 0
    for group in groups:
        out.append(fold_right(values[at:at + len(group)]))
        at += len(group)
    return out


def inclusion_proof(index: int, size: int, read_nodes: NodeReader) -> list[bytes]:
    return range_hashes(inclusion_ranges(index, size), read_nodes)


def consistency_proof(old: int, new: int, read_nodes: NodeReader) -> list[bytes]:
    return range_hashes(consistency_ranges(old, new), read_nodes)


def tree_root(size: int, read_nodes: NodeReader) -> bytes:
    """MTH(D[0:size])."""
    if size == 0:
        return EMPTY_ROOT
    return range_hashes([(0, size)], read_nodes)[0]


def memory_reader(leaf_hashes: Sequence[bytes]) -> NodeReader:
    """A :data:`NodeReader` over leaf hashes held in a list (tests, small trees, witnesses)."""

    def read(nodes: Sequence[Node]) -> list[bytes]:
        out = []
        for height, index in nodes:
            start = index << height
            end = start + (1 << height)
            if end > len(leaf_hashes):
                raise ProofError(f"subtree ({height}, {index}) is beyond a tree of size {len(leaf_hashes)}")
            out.append(perfect_root(leaf_hashes[start:end]))
        return out

    return read


def _check_hashes(proof: Sequence[bytes], what: str) -> None:
    for i, h in enumerate(proof):
        if len(h) != HASH_SIZE:
            raise ProofError(f"{what} proof element {i} is {len(h)} bytes, not {HASH_SIZE}")


def root_from_inclusion(index: int, size: int, leaf: bytes, proof: Sequence[bytes]) -> bytes:
    """The root an inclusion proof leads to (RFC 9162 §2.1.3.2, steps 1–5)."""
    if not 0 <= index < size:
        raise ProofError(f"entry {index} is not in a tree of size {size}", index=index, size=size)
    if len(leaf) != HASH_SIZE:
        raise ProofError(f"leaf hash is {len(leaf)} bytes, not {HASH_SIZE}")
    _check_hashes(proof, "inclusion")
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            raise ProofError(f"inclusion proof for entry {index} in size {size} has too many hashes")
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError(f"inclusion proof for entry {index} in size {size} has too few hashes")
    return r


def verify_inclusion(index: int, size: int, leaf: bytes, proof: Sequence[bytes], root: bytes) -> None:
    """Raise :class:`ProofError` unless ``proof`` shows the leaf at ``index`` in the tree with ``root``."""
    if root_from_inclusion(index, size, leaf, proof) != root:
        raise ProofError(f"entry {index} is not in the tree of size {size} with that root", index=index, size=size)


def verify_consistency(old: int, new: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]) -> None:
    """Raise :class:`ProofError` unless the tree of size ``old`` is a prefix of the one of size ``new``.

    RFC 9162 §2.1.4.2, with the edge cases it leaves to the caller: equal sizes need equal roots and
    an empty proof; the empty tree is a prefix of every tree.
    """
    if old > new:
        raise ProofError(f"a tree cannot shrink from size {old} to size {new}", old=old, new=new)
    _check_hashes(proof, "consistency")
    if old == new:
        if proof:
            raise ProofError("a consistency proof between equal sizes must be empty")
        if old_root != new_root:
            raise ProofError(f"two different trees of the same size {old}", old=old, new=new)
        return
    if old == 0:
        if proof:
            raise ProofError("a consistency proof from the empty tree must be empty")
        return
    if not proof:
        raise ProofError(f"empty consistency proof from size {old} to size {new}")
    path = list(proof)
    if old & (old - 1) == 0:
        path.insert(0, old_root)
    fn, sn = old - 1, new - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            raise ProofError(f"consistency proof from {old} to {new} has too many hashes")
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError(f"consistency proof from {old} to {new} has too few hashes")
    if fr != old_root:
        raise ProofError(f"the proof does not lead to the trusted root of size {old}", old=old, new=new)
    if sr != new_root:
        raise ProofError(f"the proof does not lead to the offered root of size {new}", old=old, new=new)
