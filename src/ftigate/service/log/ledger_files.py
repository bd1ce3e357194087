"""The log as files: export to a C2SP tlog-tiles directory, and verify one without the database.

An export is what an overseer takes away: ``checkpoint`` (the signed tree head with its
cosignatures), ``tile/<L>/<N>`` (the hash tiles) and ``tile/entries/<N>`` (the entries, 256 to a
bundle). Served as static files over HTTP it is a tlog-tiles log any client of that specification
can read; on disk, :func:`verify_directory` checks it with nothing but the log's public key.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from ftigate.errors import InputError, NotFoundError
from ftigate.ledger.checkpoints import Checkpoint, open_checkpoint
from ftigate.ledger.cosignatures import CosignatureVerifier
from ftigate.ledger.errors import InconsistentLog, LedgerError
from ftigate.ledger.hashing import perfect_root
from ftigate.ledger.notes import NoteVerifier
from ftigate.ledger.tiles import (
    FULL_TILE_BYTES,
    TILE_WIDTH,
    TileKey,
    decode_bundle,
    encode_bundle,
    entries_path,
    level_counts,
    parse_tile_path,
    tile_node_reader,
    tile_path,
    tile_width,
)
from ftigate.ledger.verify import Problem, Report, verify_log
from ftigate.progress import Progress
from ftigate.service.log import ledger
from ftigate.service.store_access import transaction
from ftigate.settings import Settings
from ftigate.store import ledger_store
from ftigate.tabular import write_file_atomic


@dataclass(frozen=True)
class ExportSummary:
    directory: Path
    size: int
    bundles: int
    tiles: int


def _write(root: Path, relative: str, data: bytes) -> None:
    write_file_atomic(root / relative, data)


def export(settings: Settings, directory: Path, publish: bool = True, progress: Progress | None = None) -> ExportSummary:
    """Write the log up to its latest checkpoint (signed now, if ``publish``) as tlog-tiles.

    Entries go into bundles by their stored index, exactly as stored: an export of rows that were
    tampered with shows the tampering to the verifier rather than hiding it. The ``checkpoint``
    file is written last, so a directory without one is an interrupted export.
    """
    note = ledger.publish_checkpoint(settings) if publish else ledger.latest_checkpoint(settings)
    if note is None:
        raise NotFoundError("no checkpoint has been published yet (run 'ftigate ledger checkpoint')")
    checkpoint, _ = open_checkpoint(note, ledger.log_verifier(settings))
    size = checkpoint.size
    directory.mkdir(parents=True, exist_ok=True)
    stale = directory / "checkpoint"
    if stale.exists():
        stale.unlink()
    bundles = tiles = 0
    with transaction(settings) as conn:
        current, bundle = 0, list[bytes]()
        for idx, data, _ in ledger_store.iter_entries(conn, 0, size):
            while idx // TILE_WIDTH > current:
                _write(directory, entries_path(current, tile_width(size, 0, current)), encode_bundle(bundle))
                bundles += 1
                current, bundle = current + 1, []
                if progress and current % 64 == 0:
                    progress("exporting entries", current * TILE_WIDTH, size)
            bundle.append(data)
        if size:
            _write(directory, entries_path(current, tile_width(size, 0, current)), encode_bundle(bundle))
            bundles += 1
        for level, count in enumerate(level_counts(size)):
            full = count // TILE_WIDTH
            for index, content in ledger_store.iter_tiles(conn, level, full):
                _write(directory, tile_path(level, index), content[:FULL_TILE_BYTES])
                tiles += 1
            if count % TILE_WIDTH:
                width = count % TILE_WIDTH
                content = ledger_store.read_tiles(conn, [(level, full)]).get((level, full), b"")
                _write(directory, tile_path(level, full, width), content[:width * 32])
                tiles += 1
    _write(directory, "checkpoint", note.encode("utf-8"))
    if progress:
        progress("exporting entries", size, size)
    return ExportSummary(directory, size, bundles, tiles)


def served_tile(settings: Settings, path: str) -> bytes:
    """One file of the log as a tlog-tiles client asks for it (``tile/<L>/<N>[.p/<W>]`` or
    ``tile/entries/<N>[.p/<W>]``), read from the store exactly as stored, as :func:`export` writes it:
    a reader who checks it against a signed checkpoint needs nothing else from the gateway.

    A tile the log does not (yet) hold at that width is :class:`NotFoundError`; a path that is not a
    tlog-tiles path is :class:`InputError`."""
    try:
        level, index, width = parse_tile_path(path)
    except LedgerError as exc:
        raise InputError(exc.diagnostics(), field="path") from None
    if index >= 2**54:  # beyond any log (and any 64-bit index): not looked up
        raise NotFoundError(f"the log holds no tile {path}")
    with transaction(settings) as conn:
        if level is None:
            first = index * TILE_WIDTH
            rows = [data for _, data, _ in ledger_store.iter_entries(conn, first, first + width)]
            if len(rows) < width:
                raise NotFoundError(f"the log holds no bundle {path}")
            return encode_bundle(rows)
        content = ledger_store.read_tiles(conn, [(level, index)]).get((level, index), b"")
    if len(content) < width * 32:
        raise NotFoundError(f"the log holds no tile {path}")
    return content[:width * 32]


class DirectorySource:
    """An exported directory, read the way any tlog-tiles client would, noting what looks wrong."""

    def __init__(self, root: Path, workers: int = 2) -> None:
        self.root = root
        self.workers = workers
        self.problems: list[Problem] = []

    def checkpoint(self) -> str:
        path = self.root / "checkpoint"
        try:
            return path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"cannot read the checkpoint: {exc}", file=str(path)) from None

    def tile(self, level: int, index: int, width: int) -> bytes | None:
        path = self.root / tile_path(level, index, width)
        if not path.exists() and width < TILE_WIDTH:
            full = self.root / tile_path(level, index)
            if full.exists():  # a partial tile may be served as the prefix of the full one
                return full.read_bytes()[:width * 32]
        try:
            return path.read_bytes()
        except OSError:
            return None

    def _other_bundle(self, index: int) -> Path | None:
        base = self.root / entries_path(index)
        partial = base.parent / (base.name + ".p")
        candidates = [base] if base.exists() else []
        if partial.is_dir():
            candidates += sorted(partial.iterdir(), key=lambda p: p.name)
        return candidates[0] if candidates else None

    def _bundles(self, size: int) -> Iterator[tuple[str, Path, int]]:
        """``(expected path, path found, width)`` of each bundle the checkpoint needs, in order."""
        full, rest = divmod(size, TILE_WIDTH)
        for index in range(full + (1 if rest else 0)):
            width = TILE_WIDTH if index < full else rest
            relative = entries_path(index, width)
            path = self.root / relative
            if not path.exists():
                other = self._other_bundle(index)
                if other is None:
                    self.problems.append(Problem("bundle", f"{relative} is missing"))
                    continue
                self.problems.append(Problem("bundle", f"{relative} is missing; "
                                                       f"{other.relative_to(self.root).as_posix()} is there instead"))
                path = other
            yield relative, path, width

    def _check_count(self, relative: str, count: int, width: int) -> None:
        if count != width:
            self.problems.append(Problem("bundle", f"{relative} holds {count} entries where the checkpoint needs {width}"))

    def entries(self, size: int) -> Iterator[bytes]:
        for relative, path, width in self._bundles(size):
            try:
                items = decode_bundle(path.read_bytes(), source=relative)
            except (OSError, LedgerError) as exc:
                self.problems.append(Problem("bundle", str(exc)))
                continue
            self._check_count(relative, len(items), width)
            yield from items

    def hashed_bundles(self, size: int) -> Iterator[tuple[bytes, bytes | None]]:
        """Each bundle's leaf hashes (and root, when full), hashed by several processes for large logs."""
        bundles = list(self._bundles(size))
        jobs = [(str(path), relative) for relative, path, _ in bundles]
        workers = min(self.workers, os.cpu_count() or 1)
        if size < PARALLEL_FROM or workers < 2:
            results: Iterator = map(_hash_bundle, jobs)
            yield from self._collect(bundles, results)
            return
        with ProcessPoolExecutor(max_workers=workers) as pool:
            yield from self._collect(bundles, pool.map(_hash_bundle, jobs, chunksize=32))

    def _collect(self, bundles, results) -> Iterator[tuple[bytes, bytes | None]]:
        for (relative, _, width), (content, root, count, error) in zip(bundles, results, strict=True):
            if error is not None:
                self.problems.append(Problem("bundle", error))
                continue
            self._check_count(relative, count, width)
            yield content, root


#: logs at least this large are hashed by a pool of processes (below it, starting them costs more)
PARALLEL_FROM = 200_000


def _hash_bundle(job: tuple[str, str]) -> tuple[bytes, bytes | None, int, str | None]:
    """Decode one bundle and hash its entries (run in a worker process; module level to be picklable)."""
    path, relative = job
    try:
        items = decode_bundle(Path(path).read_bytes(), source=relative)
    except (OSError, LedgerError) as exc:
        return b"", None, 0, str(exc)
    sha = hashlib.sha256
    hashes = [sha(b"\x00" + item).digest() for item in items]
    root = perfect_root(hashes) if len(hashes) == TILE_WIDTH else None
    return b"".join(hashes), root, len(items), None


def verify_directory(directory: Path, log_vkey: str, witness_vkeys: list[str] | None = None,
                     progress: Progress | None = None, workers: int | None = None) -> Report:
    """Verify an exported directory with nothing but the log's (and witnesses') public keys."""
    if not directory.is_dir():
        raise InputError("not a directory", file=str(directory))
    log = NoteVerifier.from_vkey(log_vkey)
    witnesses = [CosignatureVerifier.from_vkey(v) for v in (witness_vkeys or [])]
    source = DirectorySource(directory, workers or os.cpu_count() or 1)
    return verify_log(source, log, witnesses, progress=progress)


def extends_held(directory: Path, report: Report, held: list[tuple[str, Checkpoint]]) -> list[Problem]:
    """Prove the verified tree of an exported directory (``report``: its verification) consistent with
    each checkpoint kept elsewhere (an overseer's copy, a witness's cosigned one), RFC 6962, from the
    directory's own tiles; a log cut back or rewritten since is a ``rollback`` problem."""
    reader = tile_node_reader(directory_tiles(directory, report.size))
    problems = []
    for what, checkpoint in held:
        try:
            ledger.extends_or_refuse(checkpoint, report.size, report.root, reader, what)
        except InconsistentLog as exc:
            index = report.size if checkpoint.size > report.size else None
            problems.append(Problem("rollback", exc.diagnostics().replace("; refusing to sign", ""), index))
    return problems


def directory_tiles(directory: Path, size: int):
    """A tile fetcher over an exported directory for a tree of ``size`` (for witnesses computing proofs)."""
    source = DirectorySource(directory)

    def fetch(keys: set[TileKey]) -> dict[TileKey, bytes]:
        out = {}
        for level, index in keys:
            width = tile_width(size, level, index)
            data = source.tile(level, index, width) if width else None
            if data is not None:
                out[(level, index)] = data
        return out

    return fetch
