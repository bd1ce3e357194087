"""The ledger's rows: entries, tiles, checkpoints and cosignatures (tables in ``store.tables``).

Appends run inside the caller's transaction, so a decision and the entry that records it commit
together or not at all. Appends are serialised: on PostgreSQL by a transaction-scoped advisory lock,
on SQLite by taking the database's write lock before reading the tree size; either way two
transactions can never both claim the same index.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager

from sqlalchemy import Connection, and_, func, insert, or_, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import DBAPIError

from ftigate.ledger.hashing import leaf_hash
from ftigate.ledger.tiles import TILE_WIDTH, TileBuilder, TileKey, level_counts
from ftigate.ledger.verify import Problem
from ftigate.store.tables import checkpoints, cosignatures, ledger_entries, ledger_tiles

#: the PostgreSQL advisory lock key that serialises appends (any fixed 64-bit number)
APPEND_LOCK_KEY = 0x6674_6967_6c65_6467  # "ftigledg"

_tile_index = ledger_tiles.c["index"]


def lock_for_append(conn: Connection) -> None:
    """Hold the log's append lock until the caller's transaction ends."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": APPEND_LOCK_KEY})
    else:
        # any write takes SQLite's database lock for the rest of the transaction; this one changes nothing
        conn.execute(update(ledger_tiles).where(ledger_tiles.c.level < 0).values(width=ledger_tiles.c.width))


def tree_size(conn: Connection) -> int:
    """Number of entries: the highest index plus one (indices are dense from 0)."""
    return conn.execute(select(func.coalesce(func.max(ledger_entries.c.idx), -1) + 1)).scalar_one()


def read_tiles(conn: Connection, keys: Iterable[TileKey]) -> dict[TileKey, bytes]:
    """The stored hashes of the given tiles (as long as they are now; callers cut to the width they need)."""
    keys = list(set(keys))
    out: dict[TileKey, bytes] = {}
    for start in range(0, len(keys), 200):
        batch = keys[start:start + 200]
        cond = or_(*[and_(ledger_tiles.c.level == level, _tile_index == index) for level, index in batch])
        for row in conn.execute(select(ledger_tiles.c.level, _tile_index, ledger_tiles.c.hashes).where(cond)):
            out[(row[0], row[1])] = bytes(row[2])
    return out


def partial_tile_keys(size: int) -> dict[int, TileKey]:
    return {level: (level, c // TILE_WIDTH) for level, c in enumerate(level_counts(size)) if c % TILE_WIDTH}


#: the tree's size and each level's last tile, one statement (PostgreSQL reads it in the lock's pipeline)
_HEAD_SQL = (f"SELECT -1, COALESCE(MAX(idx), -1) + 1, NULL FROM {ledger_entries.name} UNION ALL "  # nosec B608  # the tables' own names, no value
             f'SELECT t.level, t."index", t.hashes FROM {ledger_tiles.name} t WHERE t."index" = '
             f'(SELECT MAX(l."index") FROM {ledger_tiles.name} l WHERE l.level = t.level)')


@contextmanager
def _driver_errors(conn: Connection) -> Iterator[None]:
    """Statements sent to the driver directly fail as SQLAlchemy's do, so callers catch one kind."""
    dbapi = conn.dialect.loaded_dbapi
    try:
        yield
    except dbapi.Error as exc:
        raise DBAPIError.instance("ledger append (pipelined)", None, exc, dbapi.Error, dialect=conn.dialect) from None


def _locked_head(conn: Connection) -> tuple[int, dict[int, tuple[int, bytes]]]:
    """Take the append lock, then read the tree size and the last stored tile of each level,
    ``{level: (index, hashes)}``: what an append builds on. On PostgreSQL both go in one round trip
    (a pipeline: the server runs the read after the lock is granted, with a snapshot taken then)."""
    if conn.dialect.name == "postgresql":
        driver = conn.connection.driver_connection
        with _driver_errors(conn), driver.pipeline() as pipeline:  # type: ignore[union-attr]
            driver.execute("SELECT pg_advisory_xact_lock(%s)", (APPEND_LOCK_KEY,))  # type: ignore[union-attr]
            cursor = driver.execute(_HEAD_SQL)  # type: ignore[union-attr]
            pipeline.sync()
            rows = cursor.fetchall()
    else:
        lock_for_append(conn)
        rows = conn.exec_driver_sql(_HEAD_SQL).all()
    found, last_tiles = 0, {}
    for level, index, hashes in rows:
        if level < 0:
            found = int(index)
        else:
            last_tiles[int(level)] = (int(index), bytes(hashes))
    return found, last_tiles


def append_leaves(conn: Connection, datas: Sequence[bytes], hashes: Sequence[bytes],
                  beside: Callable[[list[int]], None] | None = None, commit: bool = False) -> list[int]:
    """Append entries (bytes and leaf hashes) and update the tiles; returns the new indices.

    The append lock is held from here to the end of the caller's transaction, so callers append
    last, just before they commit. The lock and the tree's head are one round trip, the writes
    (the entries; the tiles, each partial tile replaced in place; and ``beside(indices)``, the
    caller's rows that name the new indices) another, then the caller commits: on PostgreSQL the
    writes go as one pipeline. ``commit``: the caller's transaction ends here, and on PostgreSQL its
    commit goes in that pipeline too (the lock is then held for two round trips, not three); the
    caller's own commit afterwards finds nothing left to do.
    """
    if len(datas) != len(hashes):
        raise ValueError("one leaf hash per entry")
    if not datas:
        return []
    size, last_tiles = _locked_head(conn)
    old_keys = partial_tile_keys(size)
    partials = {level: last_tiles[level][1] for level, key in old_keys.items()
                if level in last_tiles and last_tiles[level][0] == key[1]}
    if len(partials) != len(old_keys):  # a level whose last tile is not its partial one: read exactly those
        stored = read_tiles(conn, old_keys.values())
        partials = {level: stored.get(key, b"") for level, key in old_keys.items()}
    builder = TileBuilder(size, partials)
    full = builder.add(list(hashes))
    tiles = {(level, index): content for level, index, content in full}
    for level, index, content in builder.partial_tiles():
        tiles[(level, index)] = content
    indices = list(range(size, size + len(datas)))
    with pipelined(conn):
        _insert_entries(conn, size, datas, hashes)
        _put_tiles(conn, tiles)
        if beside is not None:
            beside(indices)
        if commit and conn.dialect.name == "postgresql":
            conn.connection.driver_connection.commit()  # type: ignore[union-attr]
    return indices


@contextmanager
def pipelined(conn: Connection) -> Iterator[None]:
    """Writes that return nothing, sent together (PostgreSQL's pipeline mode); elsewhere one by one."""
    if conn.dialect.name != "postgresql":
        yield
        return
    with _driver_errors(conn), conn.connection.driver_connection.pipeline():  # type: ignore[union-attr]
        yield


def _put_tiles(conn: Connection, tiles: Mapping[TileKey, bytes]) -> None:
    """Insert the tiles, replacing a stored tile of the same key (a partial tile that grew)."""
    rows = [{"level": level, "index": index, "width": len(content) // 32, "hashes": content}
            for (level, index), content in tiles.items()]
    upsert = pg_insert(ledger_tiles) if conn.dialect.name == "postgresql" else sqlite_insert(ledger_tiles)
    conn.execute(upsert.on_conflict_do_update(index_elements=[ledger_tiles.c.level, _tile_index],
                                              set_={"width": upsert.excluded.width,
                                                    "hashes": upsert.excluded.hashes}), rows)


def _insert_entries(conn: Connection, start: int, datas: Sequence[bytes], hashes: Sequence[bytes]) -> None:
    """One driver-level ``executemany``: appends are the hot path, and tens of thousands of rows a
    second leave no room for building a parameter dict per row."""
    marks = "?, ?, ?" if conn.dialect.paramstyle == "qmark" else "%s, %s, %s"
    conn.exec_driver_sql(f"INSERT INTO {ledger_entries.name} (idx, data, leaf_hash) VALUES ({marks})",  # nosec B608  # the table's own name and placeholders; the values are bound parameters
                         [(start + i, data, h) for i, (data, h) in enumerate(zip(datas, hashes, strict=True))])


def entry(conn: Connection, index: int) -> tuple[bytes, bytes] | None:
    row = conn.execute(select(ledger_entries.c.data, ledger_entries.c.leaf_hash)
                       .where(ledger_entries.c.idx == index)).first()
    return (bytes(row[0]), bytes(row[1])) if row else None


def iter_entries(conn: Connection, start: int, stop: int, batch: int = 10_000) -> Iterator[tuple[int, bytes, bytes]]:
    """``(idx, data, leaf_hash)`` for ``start <= idx < stop`` in index order, fetched in batches."""
    at = start
    while at < stop:
        rows = conn.execute(
            select(ledger_entries.c.idx, ledger_entries.c.data, ledger_entries.c.leaf_hash)
            .where(ledger_entries.c.idx >= at, ledger_entries.c.idx < stop)
            .order_by(ledger_entries.c.idx).limit(batch)).all()
        if not rows:
            return
        for row in rows:
            yield row[0], bytes(row[1]), bytes(row[2])
        at = rows[-1][0] + 1


def iter_tiles(conn: Connection, level: int, below_index: int, batch: int = 2_000) -> Iterator[tuple[int, bytes]]:
    """``(index, hashes)`` of the stored tiles of one level with index below ``below_index``."""
    at = 0
    while at < below_index:
        rows = conn.execute(
            select(_tile_index, ledger_tiles.c.hashes).where(ledger_tiles.c.level == level, at <= _tile_index, below_index > _tile_index)
            .order_by(_tile_index).limit(batch)).all()
        if not rows:
            return
        for row in rows:
            yield row[0], bytes(row[1])
        at = rows[-1][0] + 1


def write_tiles(conn: Connection, tiles: Iterable[tuple[int, int, bytes]]) -> int:
    """Insert tiles ``(level, index, hashes)`` as they are (bulk loading a log that was built elsewhere)."""
    rows = [{"level": level, "index": index, "width": len(content) // 32, "hashes": content}
            for level, index, content in tiles]
    if rows:
        conn.execute(insert(ledger_tiles), rows)
    return len(rows)


# --- checkpoints and cosignatures -----------------------------------------------------------------
def insert_checkpoint(conn: Connection, size: int, root: bytes, note: str, at: dt.datetime) -> None:
    conn.execute(insert(checkpoints).values(size=size, root_hash=root, note=note, at=at))


def checkpoint(conn: Connection, size: int) -> Mapping | None:
    return conn.execute(select(checkpoints).where(checkpoints.c.size == size)).mappings().first()


def latest_checkpoint(conn: Connection) -> Mapping | None:
    return conn.execute(select(checkpoints).order_by(checkpoints.c.size.desc()).limit(1)).mappings().first()


def all_checkpoints(conn: Connection) -> list[Mapping]:
    return list(conn.execute(select(checkpoints).order_by(checkpoints.c.size)).mappings())


def add_cosignature(conn: Connection, size: int, witness: str, line: str, at: dt.datetime) -> bool:
    """Store a witness's cosignature line for a checkpoint; False if that witness's is already kept."""
    existing = conn.execute(select(cosignatures.c.line).where(
        cosignatures.c.size == size, cosignatures.c.witness == witness)).first()
    if existing is not None:
        if existing[0] == line:
            return False
        conn.execute(update(cosignatures).where(cosignatures.c.size == size, cosignatures.c.witness == witness)
                     .values(line=line, at=at))
        return True
    conn.execute(insert(cosignatures).values(size=size, witness=witness, line=line, at=at))
    return True


def cosignature_lines(conn: Connection, size: int) -> list[str]:
    return [row[0] for row in conn.execute(
        select(cosignatures.c.line).where(cosignatures.c.size == size).order_by(cosignatures.c.witness))]


# --- the stored rows as a source for the verifier -------------------------------------------------
class StoreSource:
    """The store's rows seen the way the standalone verifier sees an exported directory.

    Besides feeding the verifier, it notes what only the rows can show: an index with no row, and
    a stored leaf hash that no longer matches the entry's bytes.
    """

    PREFETCH = 256

    def __init__(self, conn: Connection, checkpoint_note: str) -> None:
        self.conn, self.note = conn, checkpoint_note
        self.problems: list[Problem] = []
        self._cache: dict[int, dict[int, bytes]] = {}
        self._windows: dict[int, tuple[int, int]] = {}

    def checkpoint(self) -> str:
        return self.note

    def entries(self, size: int) -> Iterator[bytes]:
        expected = 0
        for idx, data, stored_hash in iter_entries(self.conn, 0, size):
            if idx != expected:
                self.problems.append(Problem("gap", f"no entry is stored at index {expected}"
                                                    + (f" to {idx - 1}" if idx - 1 > expected else ""), expected))
            if leaf_hash(data) != stored_hash:
                self.problems.append(Problem("leaf-hash", f"the stored leaf hash of entry {idx} does not match "
                                                          "its bytes", idx))
            expected = idx + 1
            yield data

    def tile(self, level: int, index: int, width: int) -> bytes | None:
        window = self._windows.get(level)
        if window is None or not window[0] <= index < window[1]:
            # read this level's tiles a window at a time: the verifier walks each level in order
            window = (index, index + self.PREFETCH)
            self._windows[level] = window
            self._cache[level] = dict(_tile_range(self.conn, level, *window))
        content = self._cache[level].get(index)
        if content is None:
            return None
        return content[:width * 32] if len(content) >= width * 32 else content


def _tile_range(conn: Connection, level: int, start: int, stop: int) -> list[tuple[int, bytes]]:
    return [(row[0], bytes(row[1])) for row in conn.execute(
        select(_tile_index, ledger_tiles.c.hashes).where(ledger_tiles.c.level == level, start <= _tile_index, stop > _tile_index))]
