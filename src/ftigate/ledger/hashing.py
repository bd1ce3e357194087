"""The Merkle tree hash of RFC 6962 §2.1 (RFC 9162 §2.1.1), and nothing else.

Every hash in the log is one of two kinds, told apart by a one-byte prefix so that a leaf can never
pass for an interior node (the second-preimage defence of RFC 6962):

* leaf:  SHA-256(0x00 || entry bytes)
* node:  SHA-256(0x01 || left child || right child)

The hash of the empty tree is SHA-256 of the empty string. A tree of ``n`` leaves splits at ``k``,
the largest power of two smaller than ``n``; this split (not the midpoint) is what makes our roots
equal to every other RFC 6962 implementation's.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()

_sha256 = hashlib.sha256


def leaf_hash(data: bytes) -> bytes:
    """The hash of one log entry."""
    return _sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """The hash of an interior node from its two children."""
    return _sha256(b"\x01" + left + right).digest()


def split_point(n: int) -> int:
    """The largest power of two strictly smaller than ``n`` (``n`` >= 2), where RFC 6962 splits."""
    if n < 2:
        raise ValueError("a tree of fewer than two leaves does not split")
    return 1 << ((n - 1).bit_length() - 1)


def perfect_root(hashes: Sequence[bytes]) -> bytes:
    """Root of a perfect subtree whose ``2**h`` bottom hashes are given, left to right."""
    level = list(hashes)
    if not level or len(level) & (len(level) - 1):
        raise ValueError(f"a perfect subtree has a power-of-two number of hashes, not {len(level)}")
    sha = _sha256
    while len(level) > 1:
        level = [sha(b"\x01" + level[i] + level[i + 1]).digest() for i in range(0, len(level), 2)]
    return level[0]


def split_hashes(buf: bytes) -> list[bytes]:
    """Cut a concatenation of hashes (a tile) into its 32-byte hashes."""
    if len(buf) % HASH_SIZE:
        raise ValueError(f"{len(buf)} bytes is not a whole number of {HASH_SIZE}-byte hashes")
    return [buf[i:i + HASH_SIZE] for i in range(0, len(buf), HASH_SIZE)]


def fold_right(hashes: Sequence[bytes]) -> bytes:
    """Combine the perfect subtrees of a range, largest (leftmost) first, as RFC 6962's MTH does."""
    if not hashes:
        return EMPTY_ROOT
    acc = hashes[-1]
    for h in reversed(hashes[:-1]):
        acc = node_hash(h, acc)
    return acc


def merkle_root(leaf_hashes: Sequence[bytes]) -> bytes:
    """MTH(D[0:n]) over leaf hashes held in memory; for tests and small trees.

    Uses the decomposition of ``n`` into perfect subtrees (the binary digits of ``n``), which is
    exactly the RFC's recursive definition evaluated bottom-up.
    """
    n = len(leaf_hashes)
    if n == 0:
        return EMPTY_ROOT
    parts = []
    start = 0
    for height in range(n.bit_length() - 1, -1, -1):
        width = 1 << height
        if n & width:
            parts.append(perfect_root(leaf_hashes[start:start + width]))
            start += width
    return fold_right(parts)
