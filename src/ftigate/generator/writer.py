"""Writing a large table chunk by chunk, to Parquet or CSV by the file's suffix, atomically.

``ftigate.tabular.write_rows`` takes rows as Python dicts, which is right for a request but far
too slow for tens of millions of master-file rows; this writer takes Arrow tables instead. Like
``write_rows`` it writes to ``NAME.partial`` and renames at the end, so an interrupted run never
leaves a half file under the real name.
"""

from __future__ import annotations

import os
from pathlib import Path
from types import TracebackType

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from ftigate.tabular import PRIVATE, is_parquet


def string_schema(columns: tuple[str, ...] | list[str]) -> pa.Schema:
    """Every column of the contract's files is text: a ZIP code or a TIN keeps its leading zeros."""
    return pa.schema([(name, pa.string()) for name in columns])


class TableWriter:
    """Append Arrow tables to one file; :meth:`close` makes it appear under its real name."""

    def __init__(self, path: Path, schema: pa.Schema) -> None:
        self.path = Path(path)
        self.partial = self.path.with_name(self.path.name + ".partial")
        self.schema = schema
        self.rows = 0
        self._parquet = is_parquet(self.path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # synthetic, but shaped like return information: private from the first byte, as the real thing would be
        os.close(os.open(self.partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE))
        os.chmod(self.partial, PRIVATE)
        if self._parquet:
            self._writer: pq.ParquetWriter | pacsv.CSVWriter = pq.ParquetWriter(
                self.partial, schema, compression="zstd"
            )
        else:
            self._writer = pacsv.CSVWriter(self.partial, schema)

    def write(self, table: pa.Table) -> None:
        table = table.select(self.schema.names).cast(self.schema)
        if self._parquet:
            self._writer.write_table(table, row_group_size=max(table.num_rows, 1))
        else:
            self._writer.write_table(table)
        self.rows += table.num_rows

    def close(self) -> None:
        self._writer.close()
        self.partial.replace(self.path)

    def abort(self) -> None:
        self._writer.close()
        self.partial.unlink(missing_ok=True)

    def __enter__(self) -> TableWriter:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if exc_type is None:
            self.close()
        else:
            self.abort()


def write_table(path: Path, table: pa.Table, columns: tuple[str, ...] | list[str]) -> int:
    """Write one whole table (a request, a truth file) atomically; returns the number of rows."""
    with TableWriter(path, string_schema(columns)) as writer:
        writer.write(table)
    return writer.rows
