"""Drawing people from a master file that does not fit in memory, in two streamed passes.

Every taxpayer gets a key: a keyed 64-bit mix of their TIN. Pass one keeps only the ``k`` smallest
keys (a bottom-k sample: uniform, without replacement, the same for the same seed, whatever the
row order of the file). Pass two collects every row of the chosen people, so each comes with its
whole address history. Only the chosen rows are ever held, never the file.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from ftigate.errors import InputError, data_free_reason
from ftigate.formats import MASTER_COLUMNS
from ftigate.tabular import is_parquet

_BATCH_ROWS = 1 << 20
_GOLDEN = 0x9E3779B97F4A7C15


def person_keys(tins: np.ndarray, seed: int) -> np.ndarray:
    """A bijective 64-bit mix (splitmix64's finaliser) of each TIN with the seed."""
    z = tins.astype(np.uint64) ^ np.uint64((seed * _GOLDEN) % (1 << 64))
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


def _columns_present(path: Path, names: list[str], wanted: tuple[str, ...]) -> None:
    missing = [c for c in wanted if c not in names]
    if missing:
        raise InputError(
            f"not a master file: missing column(s) {', '.join(missing)}", file=str(path), row=0, field=missing[0]
        )


def _csv_header(path: Path) -> list[str]:
    try:
        with path.open("r", encoding="utf-8", newline="") as handle:
            header = next(csv.reader(handle), [])
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text ({exc.reason})", file=str(path), row=0) from None
    return [name.strip().lstrip("\ufeff") for name in header]


def iter_batches(path: Path, columns: tuple[str, ...], *, encoded: tuple[str, ...] = ()) -> Iterator[pa.RecordBatch]:
    """The master file's rows in batches, as text columns.

    Columns named in ``encoded`` come dictionary-encoded from a Parquet file (twice as fast to read,
    and cheap to filter; decode them after filtering); the others come as plain text. Nulls of a
    Parquet file stay nulls here; :func:`as_text` makes them "".
    """
    if not path.is_file():
        raise InputError("no such master file", file=str(path))
    try:
        if is_parquet(path):
            source = pq.ParquetFile(path, read_dictionary=list(encoded))
            _columns_present(path, source.schema_arrow.names, columns)
            batches: Iterator[pa.RecordBatch] = source.iter_batches(batch_size=_BATCH_ROWS, columns=list(columns))
        else:
            _columns_present(path, _csv_header(path), columns)
            reader = pacsv.open_csv(
                path,
                read_options=pacsv.ReadOptions(block_size=64 << 20),
                convert_options=pacsv.ConvertOptions(
                    column_types={c: pa.string() for c in MASTER_COLUMNS}, include_columns=list(columns),
                ),
            )
            batches = iter(reader)
        for batch in batches:
            yield pa.RecordBatch.from_arrays(
                [batch.column(c) if c in encoded else batch.column(c).cast(pa.string()) for c in columns],
                names=list(columns),
            )
    except (pa.ArrowInvalid, OSError) as exc:
        raise InputError(f"cannot read the master file: {data_free_reason(exc)}", file=str(path)) from None


def as_text(table: pa.Table) -> pa.Table:
    """Every column as plain text, nulls as ""."""
    return pa.table({name: pc.fill_null(table.column(name).cast(pa.string()), "") for name in table.column_names})


def _as_numbers(path: Path, column: pa.Array, name: str, digits: int, first_row: int) -> np.ndarray:
    """The column as integers, if every value is exactly ``digits`` digits; else the first bad row."""
    column = pc.fill_null(column, "")
    try:
        if pc.all(pc.equal(pc.utf8_length(column), digits)).as_py():
            return column.cast(pa.int64()).to_numpy()
    except pa.ArrowInvalid:
        pass  # some value is not a number: find which below
    ok = pc.match_substring_regex(column, f"^[0-9]{{{digits}}}$").to_numpy(zero_copy_only=False)
    bad = int(np.flatnonzero(~ok)[0])
    raise InputError(
        f"{column[bad].as_py()!r} is not a valid {name.replace('_', ' ')}", file=str(path),
        row=first_row + bad + 1, field=name,
    )


def tin_numbers_of(path: Path, column: pa.Array, first_row: int) -> np.ndarray:
    return _as_numbers(path, column, "tin", 9, first_row)


def _member(values: np.ndarray, of: pa.Array) -> np.ndarray:
    """``values`` that are in ``of`` (a hash lookup: far faster than ``np.isin`` on millions)."""
    if len(of) == 0:
        return np.zeros(len(values), dtype=bool)
    return pc.is_in(pa.array(values), value_set=of).to_numpy(zero_copy_only=False)


class _BottomK:
    """The ``k`` smallest distinct keys seen so far, merged in bulk rather than batch by batch."""

    def __init__(self, k: int) -> None:
        self.k = k
        self.best = np.zeros(0, dtype=np.uint64)
        self.pending: list[np.ndarray] = []
        self.pending_size = 0

    def add(self, keys: np.ndarray) -> None:
        if len(self.best) >= self.k:
            keys = keys[keys < self.best[-1]]
        self.pending.append(keys)
        self.pending_size += len(keys)
        if self.pending_size > 2 * self.k:
            self._merge()

    def _merge(self) -> None:
        self.best = np.unique(np.concatenate((self.best, *self.pending)))[:self.k]
        self.pending, self.pending_size = [], 0

    def result(self) -> np.ndarray:
        self._merge()
        return self.best


@dataclass
class Selection:
    """The rows of the chosen people, with per-person offsets in (TIN, tax period) order.

    ``rows`` stay in the order they were read (sorting them would copy every string once more);
    ``order`` gives, for each position in sorted order, the row it stands for. ``tin``, ``period``
    and ``key`` are already in sorted order, and so are ``starts`` and ``ends``.
    """

    rows: pa.Table
    order: np.ndarray  # sorted position -> row of ``rows``
    tin: np.ndarray
    period: np.ndarray
    key: np.ndarray
    starts: np.ndarray  # first sorted position of each person
    ends: np.ndarray  # one past the last sorted position of each person

    @property
    def people(self) -> int:
        return len(self.starts)

    def take(self, positions: np.ndarray) -> pa.Table:
        """The rows at these sorted positions."""
        return self.rows.take(pa.array(self.order[positions]))

    def in_order(self, values: pa.Array | pa.ChunkedArray) -> pa.Array:
        """A per-row array of ``rows`` put in sorted order."""
        return pc.take(values, pa.array(self.order))

    def person_of_tin(self, tins: np.ndarray) -> np.ndarray:
        """Index of the person holding each TIN (all must be present)."""
        return np.searchsorted(self.tin[self.starts], tins)


def draw(path: Path, count: int, seed: int, *, exclude: np.ndarray, include: np.ndarray) -> tuple[Selection, int]:
    """The rows of ``count`` people chosen at random (none of ``exclude``) plus those of ``include``.

    Returns the selection and how many of its people were drawn at random (may be fewer than
    ``count`` if the file holds fewer eligible people).
    """
    excluded = pa.array(np.unique(exclude))
    included = pa.array(np.unique(include))
    best = np.zeros(0, dtype=np.uint64)
    offset = 0
    if count > 0:
        sample = _BottomK(count)
        for batch in iter_batches(path, ("tin",)):
            tins = tin_numbers_of(path, batch.column(0), offset)
            offset += batch.num_rows
            sample.add(person_keys(tins[~_member(tins, excluded)], seed))
        best = sample.result()
    threshold = best[-1] if len(best) else None
    encoded = tuple(c for c in MASTER_COLUMNS if c not in ("tin", "tax_period"))
    pieces: list[pa.Table] = []
    offset = 0
    for batch in iter_batches(path, MASTER_COLUMNS, encoded=encoded):
        tins = tin_numbers_of(path, batch.column("tin"), offset)
        _as_numbers(path, batch.column("tax_period"), "tax_period", 4, offset)
        offset += batch.num_rows
        keep = _member(tins, included)
        if threshold is not None:
            keep |= (person_keys(tins, seed) <= threshold) & ~_member(tins, excluded)
        if keep.any():
            pieces.append(as_text(pa.Table.from_batches([batch]).filter(pa.array(keep))))
    if offset == 0:
        raise InputError("the master file holds no rows", file=str(path), row=1)
    rows = pa.concat_tables(pieces) if pieces else pa.table({c: pa.array([], pa.string()) for c in MASTER_COLUMNS})
    tin = rows.column("tin").cast(pa.int64()).to_numpy()
    period = rows.column("tax_period").cast(pa.int64()).to_numpy()
    order = np.lexsort((period, tin))
    tin, period = tin[order], period[order]
    change = np.flatnonzero(np.diff(tin)) + 1
    starts = np.concatenate(([0], change)) if len(tin) else np.zeros(0, np.int64)
    ends = np.concatenate((change, [len(tin)])) if len(tin) else np.zeros(0, np.int64)
    pa.default_memory_pool().release_unused()  # the batches read are gone: give their memory back
    selection = Selection(rows=rows, order=order, tin=tin, period=period, key=person_keys(tin, seed), starts=starts, ends=ends)
    return selection, len(best)
