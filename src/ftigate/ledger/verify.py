"""The standalone verifier: re-derive the whole log from its entries and hold it to the signed root.

What an overseer needs is the answer to "has anything been altered, removed, reordered or inserted
since the log signed this checkpoint, and if so where?", without trusting the gateway's database or
its code beyond this module. The check, given a :class:`LogSource` (an exported directory of
tlog-tiles, or the store's own rows):

1. the checkpoint must carry a valid signature by the log's key (and a cosignature by each witness
   the overseer names);
2. every entry is hashed (RFC 6962 leaf hash) and the tree is rebuilt tile by tile; each rebuilt
   tile is compared with the stored one, and every stored tile above level 0 is compared with the
   roots of the stored tiles below it;
3. the root rebuilt from the entries, and the root computed from the stored tiles, are each compared
   with the signed root.

The signed root decides which side is authentic. If the entries reproduce it, any disagreeing tile
was altered. If the stored tiles reproduce it (and are consistent among themselves), they stand for
the signed log, and the first entry that disagrees with them is where the log was tampered with;
comparing the hashes that follow tells a removal (the rest shifted left), an insertion (shifted
right), a reordering (an entry found elsewhere) and an alteration (found nowhere) apart.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from itertools import islice
from typing import Any, Protocol

from ftigate.ledger.checkpoints import Checkpoint, open_checkpoint
from ftigate.ledger.errors import LedgerError, MalformedError, TamperDetected
from ftigate.ledger.hashing import HASH_SIZE, perfect_root, split_hashes
from ftigate.ledger.notes import Verifier, open_note
from ftigate.ledger.proofs import tree_root
from ftigate.ledger.tiles import (
    FULL_TILE_BYTES,
    TILE_WIDTH,
    TileBuilder,
    level_counts,
    partial_tiles,
    tile_node_reader,
    tile_path,
)
from ftigate.progress import Progress

WINDOW = 64          # hashes compared after the first mismatch to tell the kind of tampering
MAX_PROBLEMS = 50    # enough to act on; the first is what matters

ENTRY_KINDS = ("altered", "removed", "inserted", "reordered")


@dataclass(frozen=True)
class Problem:
    kind: str               # altered | removed | inserted | reordered | rewritten | tile | bundle | checkpoint | cosignature
    message: str
    index: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "index": self.index, "message": self.message}


@dataclass
class Report:
    origin: str = ""
    size: int = 0
    root: bytes = b""
    entries_read: int = 0
    tiles_checked: int = 0
    cosigned_by: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def first_tampered(self) -> Problem | None:
        """The entry finding with the lowest index (the first place the log differs)."""
        located = [p for p in self.problems if p.kind in ENTRY_KINDS and p.index is not None]
        if located:
            return min(located, key=lambda p: p.index if p.index is not None else -1)
        return self.problems[0] if self.problems else None

    def raise_if_tampered(self) -> None:
        first = self.first_tampered
        if first is not None:
            where = f"entry {first.index} ({first.kind}): " if first.index is not None else f"({first.kind}) "
            raise TamperDetected(f"the log does not match its signed checkpoint: {where}{first.message}",
                                 first.index, first.kind, list(self.problems))

    def to_json(self) -> dict[str, Any]:
        first = self.first_tampered
        return {
            "ok": self.ok, "origin": self.origin, "size": self.size,
            "root": base64.b64encode(self.root).decode("ascii"), "entries_read": self.entries_read,
            "tiles_checked": self.tiles_checked, "cosigned_by": self.cosigned_by,
            "first": first.to_json() if first else None,
            "problems": [p.to_json() for p in self.problems],
        }


class LogSource(Protocol):
    """Where a log is read from. ``problems`` collects what the source itself noticed."""

    problems: list[Problem]

    def checkpoint(self) -> str: ...

    def entries(self, size: int) -> Iterator[bytes]: ...

    def tile(self, level: int, index: int, width: int) -> bytes | None: ...




class _Verifier:
    def __init__(self, source: LogSource, checkpoint: Checkpoint, report: Report,
                 history: Sequence[Checkpoint], progress: Progress | None) -> None:
        self.source, self.cp, self.report, self.progress = source, checkpoint, report, progress
        self.size = checkpoint.size
        self.history = sorted((h for h in history if 0 < h.size <= checkpoint.size), key=lambda h: h.size)
        self.builder = TileBuilder()
        self.checked = [0] * (len(level_counts(self.size)) + 1)   # tiles checked so far, per level
        self.stored_up: dict[int, bytearray] = {}                    # roots of stored full tiles, per level above
        self.stored_chain_ok = True
        self.first_bad: int | None = None
        self.derived_window: list[bytes] = []
        self.history_failures: list[Checkpoint] = []
        self.count = 0
        self.extra = 0
        self.checked_history: list[Checkpoint] = []
        self.consumed: dict[int, int] = {}                           # bytes already dropped from stored_up
        self.tile_disagreements: list[tuple[int, int]] = []          # (level-0 tile, first differing entry)

    # -- problems --------------------------------------------------------------------------------
    def problem(self, kind: str, message: str, index: int | None = None) -> None:
        if len(self.report.problems) < MAX_PROBLEMS:
            self.report.problems.append(Problem(kind, message, index))

    # -- the stream ------------------------------------------------------------------------------
    def _hashed_stream(self) -> Iterator[tuple[bytes, bytes | None]]:
        """Leaf hashes of the source's entries, a tile's worth at a time (no roots precomputed)."""
        sha = hashlib.sha256
        stream = iter(self.source.entries(self.size))
        while True:
            chunk = list(islice(stream, TILE_WIDTH))
            if not chunk:
                return
            yield b"".join([sha(b"\x00" + data).digest() for data in chunk]), None

    def run(self) -> None:
        produce = getattr(self.source, "hashed_bundles", None)
        chunks = produce(self.size) if produce is not None else self._hashed_stream()
        bounds = [h.size for h in self.history]
        next_history = 0
        for content, root in chunks:
            n = len(content) // HASH_SIZE
            if self.count + n > self.size:
                keep = max(0, self.size - self.count)
                self.extra += n - keep
                content, root, n = content[:keep * HASH_SIZE], None, keep
            # cut where the tree reaches a tile boundary or the size of an earlier checkpoint
            while n:
                limit = (self.count // TILE_WIDTH + 1) * TILE_WIDTH
                while next_history < len(bounds) and bounds[next_history] <= self.count:
                    next_history += 1
                if next_history < len(bounds):
                    limit = min(limit, bounds[next_history])
                take = min(n, limit - self.count)
                piece, content = content[:take * HASH_SIZE], content[take * HASH_SIZE:]
                self._feed(piece, root if take == n else None)
                n -= take
                self._check_history()
            if self.progress and self.count % 65536 < TILE_WIDTH:
                self.progress("verifying entries", self.count, self.size)
        self.report.entries_read = self.count + self.extra
        self._finish_tiles()
        if self.progress:
            self.progress("verifying entries", self.count, self.size)

    def _check_history(self) -> None:
        for h in self.history:
            if h.size == self.count and h not in self.checked_history:
                self.checked_history.append(h)
                if self.builder.root() != h.root:
                    self.history_failures.append(h)

    def _feed(self, content: bytes, root: bytes | None) -> None:
        if self.first_bad is not None and len(self.derived_window) < WINDOW:
            self.derived_window.extend(split_hashes(content[:(WINDOW - len(self.derived_window)) * HASH_SIZE]))
        self.count += len(content) // HASH_SIZE
        if root is not None and len(content) == FULL_TILE_BYTES and self.builder.size % TILE_WIDTH == 0:
            done = self.builder.add_full_tile(content, root)
        else:
            done = self.builder.add(split_hashes(content))
        for level, index, tile in done:
            self._check_tile(level, index, tile, self.builder.roots.get((level, index)))

    def _stored(self, level: int, index: int, width: int) -> bytes | None:
        data = self.source.tile(level, index, width)
        self.report.tiles_checked += 1
        if data is None:
            self.stored_chain_ok = False
            self.problem("tile", f"{tile_path(level, index, width)} is missing")
            return None
        if len(data) != width * HASH_SIZE:
            self.stored_chain_ok = False
            self.problem("tile", f"{tile_path(level, index, width)} holds {len(data)} bytes, not {width * HASH_SIZE}")
            return None
        return data

    def _check_tile(self, level: int, index: int, derived: bytes | None, derived_root: bytes | None = None) -> None:
        """Compare one tile of the tree of the checkpoint's size with what was rebuilt and stored."""
        width = self._width(level, index)
        stored = self._stored(level, index, width)
        self.checked[level] = max(self.checked[level], index + 1)
        if level > 0 and stored is not None:
            self._check_against_below(level, index, stored)
        if level == 0 and derived is not None and stored is not None and derived != stored:
            self._entries_differ(index, derived, stored)
        if width == TILE_WIDTH:
            if stored is None:
                root = b"\x00" * HASH_SIZE  # stands for the missing tile, so the level above disagrees
            elif derived == stored:
                root = derived_root or perfect_root(split_hashes(derived))
            else:
                root = perfect_root(split_hashes(stored))
            self.stored_up.setdefault(level + 1, bytearray()).extend(root)

    def _width(self, level: int, index: int) -> int:
        c = self.size // int(TILE_WIDTH ** level)
        return max(0, min(TILE_WIDTH, c - index * TILE_WIDTH))

    def _check_against_below(self, level: int, index: int, stored: bytes) -> None:
        below = self.stored_up.get(level, bytearray())
        start = index * TILE_WIDTH * HASH_SIZE - self.consumed.get(level, 0)
        expected = bytes(below[start:start + len(stored)])
        if expected != stored:
            self.stored_chain_ok = False
            at = next((i for i in range(0, min(len(expected), len(stored)), HASH_SIZE)
                       if expected[i:i + HASH_SIZE] != stored[i:i + HASH_SIZE]), min(len(expected), len(stored)))
            position = index * TILE_WIDTH + at // HASH_SIZE
            self.problem("tile", f"{tile_path(level, index, len(stored) // HASH_SIZE)} hash {at // HASH_SIZE} is not "
                                 f"the root of {tile_path(level - 1, position)}: the tiles disagree with each other")
        if len(stored) == FULL_TILE_BYTES:
            # a full tile at this level is checked once; drop the hashes below it to bound memory
            drop = start + FULL_TILE_BYTES
            del below[:drop]
            self.consumed[level] = self.consumed.get(level, 0) + drop

    def _entries_differ(self, index: int, derived: bytes, stored: bytes) -> None:
        n = min(len(derived), len(stored))
        at = next((i for i in range(0, n, HASH_SIZE) if derived[i:i + HASH_SIZE] != stored[i:i + HASH_SIZE]), n)
        position = index * TILE_WIDTH + at // HASH_SIZE
        if self.first_bad is None:
            self.first_bad = position
            self.derived_window = split_hashes(derived[at:])[:WINDOW]
        self.tile_disagreements.append((index, position))

    def _finish_tiles(self) -> None:
        """Check the stored tiles the entries did not reach (partial tiles, or all after a removal)."""
        derived_partials = {(lvl, idx): content for lvl, idx, content in self.builder.partial_tiles()}
        for level, c in enumerate(level_counts(self.size)):
            last = c // TILE_WIDTH + (1 if c % TILE_WIDTH else 0)
            for index in range(self.checked[level], last):
                derived = derived_partials.get((level, index)) if level == 0 else None
                self._check_tile(level, index, derived)

    # -- the verdict -----------------------------------------------------------------------------
    def stored_root(self) -> bytes | None:
        tiles = {}
        for level, index, width in partial_tiles(self.size):
            data = self.source.tile(level, index, width)
            if data is None or len(data) != width * HASH_SIZE:
                return None
            tiles[(level, index)] = data
        try:
            return tree_root(self.size, tile_node_reader(lambda keys: tiles))
        except MalformedError:
            return None

    def verdict(self) -> None:
        cp = self.cp
        derived_root = self.builder.root() if self.count == self.size else None
        entries_ok = derived_root == cp.root
        stored_root = self.stored_root()
        tiles_ok = self.stored_chain_ok and stored_root == cp.root
        if entries_ok:
            for index, position in self.tile_disagreements:
                self.problem("tile", f"{tile_path(0, index, self._width(0, index))} hash {position % TILE_WIDTH} does "
                                     f"not match entry {position}, which matches the signed checkpoint: the tile was altered",
                             position)
        elif self.first_bad is not None or self.count < self.size:
            index = self.first_bad if self.first_bad is not None else self.count
            kind, message = self._classify(index)
            if not tiles_ok:
                message += " (the stored tiles are not consistent with the checkpoint either, so later entries may differ too)"
            self.problem(kind, message, index)
        else:
            where = ""
            if self.history_failures:
                h = self.history_failures[0]
                where = f"; the entries already disagree with the log's own checkpoint of size {h.size}, so the change lies before entry {h.size}"
            self.problem("rewritten", "the entries and the tiles agree with each other but not with the signed "
                                      f"root: the log was rewritten after it was signed{where}")
        if self.extra:
            self.problem("inserted", f"{self.extra} entr{'y' if self.extra == 1 else 'ies'} beyond the "
                                     f"{self.size} the checkpoint covers", self.size)
        for h in self.history_failures:
            self.problem("rewritten", f"the entries no longer reproduce the log's signed checkpoint of size {h.size}")

    def _stored_hashes(self, start: int, count: int) -> list[bytes]:
        out: list[bytes] = []
        index = start // TILE_WIDTH
        while len(out) < count and index * TILE_WIDTH < self.size:
            width = self._width(0, index)
            data = self.source.tile(0, index, width)
            if data is None or len(data) != width * HASH_SIZE:
                break
            hashes = split_hashes(data)
            if index == start // TILE_WIDTH:
                hashes = hashes[start % TILE_WIDTH:]
            out += hashes
            index += 1
        return out[:count]

    def _classify(self, i: int) -> tuple[str, str]:
        derived = self.derived_window
        stored = self._stored_hashes(i, WINDOW)
        if i >= self.count:
            missing = self.size - self.count
            return "removed", (f"the last {missing} entr{'y is' if missing == 1 else 'ies are'} missing "
                               f"(found {self.count} of {self.size})")
        if not stored:
            return "altered", "the entry differs from the signed log"
        d, s = derived, stored

        def follows(a: list[bytes], b: list[bytes], k: int) -> bool:
            return k + 1 >= len(b) or len(a) < 2 or a[1] == b[k + 1]

        for k in range(1, len(s)):
            if d and d[0] == s[k] and follows(d, s, k):
                return "removed", (f"{k} entr{'y' if k == 1 else 'ies'} of the signed log "
                                   f"{'is' if k == 1 else 'are'} missing here (entry {i + k} of the signed log comes next)")
        for k in range(1, len(d)):
            if s[0] == d[k] and (k + 1 >= len(d) or len(s) < 2 or d[k + 1] == s[1]):
                return "inserted", f"{k} entr{'y' if k == 1 else 'ies'} not in the signed log {'was' if k == 1 else 'were'} inserted here"
        if d and d[0] in s[1:]:
            return "reordered", f"this position holds entry {i + s.index(d[0])} of the signed log: entries were reordered"
        if s[0] in d[1:]:
            return "reordered", f"entry {i} of the signed log appears {d.index(s[0])} positions later: entries were reordered"
        return "altered", "the entry's bytes differ from the signed log's"


def verify_log(source: LogSource, log: Verifier, witnesses: Sequence[Verifier] = (),
               history: Sequence[Checkpoint] = (), progress: Progress | None = None) -> Report:
    """Check a log against its signed checkpoint; never raises for what it finds, reports it.

    ``history`` are earlier checkpoints of the same log already verified by the caller; each must be
    reproduced by the entries as they stream past, which narrows down where a rewrite happened.
    """
    report = Report()
    try:
        note_text = source.checkpoint()
    except LedgerError as exc:
        report.problems.append(Problem("checkpoint", exc.diagnostics()))
        return report
    try:
        checkpoint, _ = open_checkpoint(note_text, log)
    except LedgerError as exc:
        report.problems.append(Problem("checkpoint", f"the checkpoint cannot be trusted: {exc.diagnostics()}"))
        return report
    report.origin, report.size, report.root = checkpoint.origin, checkpoint.size, checkpoint.root
    for witness in witnesses:
        try:
            open_note(note_text, [witness])
            report.cosigned_by.append(witness.name)
        except LedgerError as exc:
            report.problems.append(Problem("cosignature", f"witness {witness.name}: {exc.diagnostics()}"))
    v = _Verifier(source, checkpoint, report, history, progress)
    v.run()
    report.problems.extend(p for p in source.problems if len(report.problems) < MAX_PROBLEMS)
    v.verdict()
    return report
