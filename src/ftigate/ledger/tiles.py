"""The log's storage shape: C2SP tlog-tiles (https://c2sp.org/tlog-tiles).

Interior hashes are kept as *tiles*: at level 0 a tile is 256 consecutive leaf hashes; at level
``l`` each hash is the root of a full tile of level ``l - 1``. A tile holds at most 256 hashes
(8,192 bytes); the rightmost tile of each level is *partial* (1 to 255 hashes). With the tiles kept,
any subtree hash is at most 127 hashes away, so a proof in a ten-million-entry log needs three or
four tiles and a few hundred SHA-256 operations, not a rehash of the log.

Entries travel in *entry bundles*: each entry as a big-endian uint16 length and its bytes, 256 to a
bundle. Paths follow the spec exactly: ``tile/<L>/<N>[.p/<W>]`` and ``tile/entries/<N>[.p/<W>]``,
where ``<N>`` is written in zero-padded groups of three digits, all but the last prefixed ``x``.
"""

from __future__ import annotations

import re
import struct
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import lru_cache

from ftigate.ledger.errors import MalformedError
from ftigate.ledger.hashing import HASH_SIZE, perfect_root, split_hashes
from ftigate.ledger.proofs import Node, NodeReader, tree_root

TILE_HEIGHT = 8
TILE_WIDTH = 1 << TILE_HEIGHT          # 256 hashes
FULL_TILE_BYTES = TILE_WIDTH * HASH_SIZE  # 8,192 bytes
MAX_ENTRY_BYTES = 0xFFFF               # an entry bundle length prefix is a uint16

TileKey = tuple[int, int]              # (level, index)


# --- paths ------------------------------------------------------------------------------------------
def encode_index(n: int) -> str:
    """``1234067`` -> ``x001/x234/067``."""
    if n < 0:
        raise ValueError("a tile index is never negative")
    groups = []
    while True:
        groups.append(f"{n % 1000:03d}")
        n //= 1000
        if n == 0:
            break
    groups.reverse()
    return "/".join(["x" + g for g in groups[:-1]] + [groups[-1]])


def _suffix(width: int) -> str:
    if not 1 <= width <= TILE_WIDTH:
        raise ValueError(f"a tile holds 1 to {TILE_WIDTH} hashes, not {width}")
    return "" if width == TILE_WIDTH else f".p/{width}"


def tile_path(level: int, index: int, width: int = TILE_WIDTH) -> str:
    if not 0 <= level <= 63:
        raise ValueError("a tile level is 0 to 63")
    return f"tile/{level}/{encode_index(index)}{_suffix(width)}"


def entries_path(index: int, width: int = TILE_WIDTH) -> str:
    return f"tile/entries/{encode_index(index)}{_suffix(width)}"


_PATH = re.compile(r"^tile/(entries|0|[1-9][0-9]?)/((?:x[0-9]{3}/)*[0-9]{3})(?:\.p/([1-9][0-9]{0,2}))?$")


def parse_tile_path(path: str) -> tuple[int | None, int, int]:
    """``(level, index, width)`` of a tile path; ``level`` is None for an entry bundle."""
    m = _PATH.match(path)
    if not m:
        raise MalformedError("tile path", f"'{path}' is not a tlog-tiles path")
    level = None if m.group(1) == "entries" else int(m.group(1))
    if level is not None and level > 63:
        raise MalformedError("tile path", f"level {level} is above 63")
    groups = m.group(2).split("/")
    if len(groups) > 1 and groups[0] == "x000":
        raise MalformedError("tile path", f"'{path}' has a leading zero group")
    index = int("".join(g.lstrip("x") for g in groups))
    width = int(m.group(3)) if m.group(3) else TILE_WIDTH
    if m.group(3) and width >= TILE_WIDTH:
        raise MalformedError("tile path", f"a partial tile is 1 to 255 wide, not {width}")
    return level, index, width


# --- which tiles a tree of a given size has ---------------------------------------------------------
def level_counts(size: int) -> list[int]:
    """Number of complete hashes at each tile level: ``size // 256**level`` while positive."""
    counts = []
    c = size
    while c:
        counts.append(c)
        c //= TILE_WIDTH
    return counts


def partial_tiles(size: int) -> list[tuple[int, int, int]]:
    """``(level, index, width)`` of every partial tile of a tree of ``size`` entries."""
    return [(level, c // TILE_WIDTH, c % TILE_WIDTH) for level, c in enumerate(level_counts(size)) if c % TILE_WIDTH]


def all_tiles(size: int) -> Iterable[tuple[int, int, int]]:
    """``(level, index, width)`` of every tile a tree of ``size`` entries has, level by level."""
    for level, c in enumerate(level_counts(size)):
        for index in range(c // TILE_WIDTH):
            yield level, index, TILE_WIDTH
        if c % TILE_WIDTH:
            yield level, c // TILE_WIDTH, c % TILE_WIDTH


def tile_width(size: int, level: int, index: int) -> int:
    """How many hashes tile ``(level, index)`` has in a tree of ``size`` (0 if it has none)."""
    c = size // int(TILE_WIDTH ** level)
    return max(0, min(TILE_WIDTH, c - index * TILE_WIDTH))


# --- entry bundles ----------------------------------------------------------------------------------
def encode_bundle(entries: Iterable[bytes]) -> bytes:
    out = bytearray()
    for e in entries:
        if len(e) > MAX_ENTRY_BYTES:
            raise ValueError(f"an entry of {len(e)} bytes does not fit a uint16 length prefix")
        out += len(e).to_bytes(2, "big")
        out += e
    return bytes(out)


_U16 = struct.Struct(">H").unpack_from


def decode_bundle(buf: bytes, source: str | None = None) -> list[bytes]:
    out: list[bytes] = []
    append = out.append
    pos, n = 0, len(buf)
    try:
        while pos < n:
            (length,) = _U16(buf, pos)
            pos += 2
            append(buf[pos:pos + length])
            pos += length
    except struct.error:
        raise MalformedError("entry bundle", f"truncated length prefix at byte {pos}", source) from None
    if pos != n:
        raise MalformedError("entry bundle", f"entry {len(out) - 1} runs past the end of the bundle", source)
    return out


# --- growing the tiles as entries are appended ------------------------------------------------------
class TileBuilder:
    """Extends a tree's tiles with new leaf hashes, carrying full tiles up into the level above.

    Start it from the partial tiles of the tree as it stands (``{level: hashes}``); it returns each
    tile that becomes full and keeps the new partial tiles, so an append touches only the tiles it
    changes. The verifier uses the same class to re-derive a log from its entries.
    """

    def __init__(self, size: int = 0, partials: Mapping[int, bytes] | None = None) -> None:
        partials = partials or {}
        self.size = size
        #: roots of the tiles that the last :meth:`add` completed, by ``(level, index)``
        self.roots: dict[TileKey, bytes] = {}
        self.counts = level_counts(size)
        self.pending: list[bytearray] = []
        for level, count in enumerate(self.counts):
            content = bytearray(partials.get(level, b""))
            expected = (count % TILE_WIDTH) * HASH_SIZE
            if len(content) != expected:
                raise MalformedError(
                    "tile", f"the partial tile at level {level} of a tree of size {size} holds "
                            f"{len(content) // HASH_SIZE} hashes where it needs {count % TILE_WIDTH}")
            self.pending.append(content)

    def add(self, leaf_hashes: Sequence[bytes]) -> list[tuple[int, int, bytes]]:
        """Append leaf hashes; returns the tiles that became full, as ``(level, index, hashes)``."""
        self.roots = {}
        done: list[tuple[int, int, bytes]] = []
        self._push(0, list(leaf_hashes), done)
        self.size += len(leaf_hashes)
        return done

    def add_full_tile(self, content: bytes, root: bytes) -> list[tuple[int, int, bytes]]:
        """Append a whole level-0 tile whose root is already known (hashed elsewhere, e.g. in parallel).

        Only valid when the tree size is a multiple of 256; the caller vouches for ``root``, which
        the verifier does by comparing the tile itself with the stored one.
        """
        if len(content) != FULL_TILE_BYTES or (self.pending and self.pending[0]):
            raise ValueError("a full tile can only be appended at a tile boundary")
        if not self.counts:
            self.counts.append(0)
            self.pending.append(bytearray())
        self.roots = {}
        index = self.counts[0] // TILE_WIDTH
        self.counts[0] += TILE_WIDTH
        self.roots[(0, index)] = root
        done = [(0, index, content)]
        self._push(1, [root], done)
        self.size += TILE_WIDTH
        return done

    def _push(self, level: int, hashes: list[bytes], done: list[tuple[int, int, bytes]]) -> None:
        while hashes:
            if level == len(self.counts):
                self.counts.append(0)
                self.pending.append(bytearray())
            buf, count, up = self.pending[level], self.counts[level], []
            i, n = 0, len(hashes)
            while i < n:
                take = hashes[i:i + TILE_WIDTH - len(buf) // HASH_SIZE]
                buf += b"".join(take)
                i += len(take)
                count += len(take)
                if len(buf) == FULL_TILE_BYTES:
                    full = bytes(buf)
                    index = count // TILE_WIDTH - 1
                    root = perfect_root(split_hashes(full))
                    done.append((level, index, full))
                    self.roots[(level, index)] = root
                    up.append(root)
                    buf.clear()
            self.counts[level] = count
            hashes, level = up, level + 1

    def partial_tiles(self) -> list[tuple[int, int, bytes]]:
        """The current partial tiles, ``(level, index, hashes)``."""
        return [(level, self.counts[level] // TILE_WIDTH, bytes(buf))
                for level, buf in enumerate(self.pending) if buf]

    def root(self) -> bytes:
        partials = {(level, index): content for level, index, content in self.partial_tiles()}
        return tree_root(self.size, tile_node_reader(lambda keys: partials))


# --- reading subtree hashes from tiles --------------------------------------------------------------
TileFetcher = Callable[[set[TileKey]], Mapping[TileKey, bytes]]


def tile_node_reader(fetch: TileFetcher) -> NodeReader:
    """A :data:`NodeReader` that computes subtree hashes from tiles, fetching all it needs at once.

    Subtree ``(h, k)`` lies inside one tile at level ``h // 8``: it is the root of ``2**(h % 8)``
    consecutive hashes of that tile (at most 128, so at most 127 SHA-256 operations).
    """

    def read(nodes: Sequence[Node]) -> list[bytes]:
        keys = {(h >> 3, (k << (h & 7)) >> 8) for h, k in nodes}
        tiles = fetch(keys) if keys else {}
        out = []
        for h, k in nodes:
            level, r = h >> 3, h & 7
            first = k << r
            tile = tiles.get((level, first >> 8))
            start = (first & 0xFF) * HASH_SIZE
            end = start + (HASH_SIZE << r)
            if tile is None or len(tile) < end:
                raise MalformedError("tile", f"tile {tile_path(level, first >> 8)} is missing or too short "
                                             f"for subtree ({h}, {k})")
            chunk = bytes(tile[start:end])
            out.append(chunk if r == 0 else _chunk_root(chunk))
        return out

    return read


@lru_cache(maxsize=4096)
def _chunk_root(chunk: bytes) -> bytes:
    """Root of the perfect subtree over a run of tile hashes, remembered by the hashes themselves.

    Proofs share the subtrees high in the tree (every proof in a ten-million-entry log passes
    through the same top tile), so remembering them saves most of the hashing. The key is the
    content, not a position, so a remembered root can never be stale.
    """
    return perfect_root(split_hashes(chunk))
