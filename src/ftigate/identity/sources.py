"""Getting the two inputs into the matching database without holding the master file in Python.

* The master file (CSV or Parquet, possibly ten million rows) is read by DuckDB itself, as text,
  and never passes through Python.
* The subjects are streamed through :func:`ftigate.tabular.iter_rows` (so a malformed row is
  reported by number and field) and judged one by one by :func:`ftigate.law.subject_findings`, the
  same rules the request lifecycle applies: a subject that fails them is ``invalid`` before any
  matching. Valid subjects go to DuckDB in Arrow batches.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from pathlib import Path

import duckdb
import pyarrow as pa

from ftigate.errors import InputError, data_free_reason
from ftigate.formats import MASTER_COLUMNS, SUBJECT_COLUMNS
from ftigate.law import subject_findings
from ftigate.tabular import is_parquet, iter_rows

_SUBJECT_FIELDS = SUBJECT_COLUMNS + ("tin",)
_BATCH = 50_000


def _sql_path(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def master_relation_sql(path: Path) -> str:
    """A SQL expression reading the master file as text columns (DuckDB reads it, streaming)."""
    if is_parquet(path):
        return f"read_parquet({_sql_path(path)})"
    return (f"read_csv({_sql_path(path)}, header = true, all_varchar = true, delim = ',', quote = '\"', "
            f"escape = '\"', auto_detect = false, columns = "
            "{" + ", ".join(f"'{c}': 'VARCHAR'" for c in _csv_header(path)) + "})")


def _csv_header(path: Path) -> list[str]:
    import csv

    try:
        with path.open("r", encoding="utf-8", newline="") as handle:
            header = next(csv.reader(handle))
    except StopIteration:
        raise InputError("the file is empty: a header row is required", file=str(path), row=0) from None
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise InputError(f"cannot read the header: {data_free_reason(exc)}", file=str(path), row=0) from None
    return [h.strip().lstrip("\ufeff") for h in header]


def check_master(con: duckdb.DuckDBPyConnection, path: Path) -> str:
    """Check the master file's header; return the SQL that reads it. Raises InputError."""
    if not path.exists():
        raise InputError("no such file", file=str(path))
    try:
        columns = [row[0] for row in con.execute(f"DESCRIBE SELECT * FROM {master_relation_sql(path)}").fetchall()]  # nosec B608  # a relation over the operator's own master file, quoted by master_relation_sql
    except duckdb.Error as exc:
        raise InputError(f"not a readable master file: {data_free_reason(exc)}", file=str(path)) from None
    missing = [c for c in MASTER_COLUMNS if c not in columns]
    if missing:
        raise InputError(f"missing column(s) {', '.join(missing)}; the header must include {', '.join(MASTER_COLUMNS)}",
                         file=str(path), row=0, field=missing[0])
    return master_relation_sql(path)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def count_rows(path: Path) -> int:
    """Data rows in a subjects file (for progress): Parquet metadata, or newlines for CSV."""
    if is_parquet(path):
        import pyarrow.parquet as pq

        return int(pq.ParquetFile(path).metadata.num_rows)
    lines = 0
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            lines += block.count(b"\n")
    return max(lines - 1, 0)


def load_subjects(
    con: duckdb.DuckDBPyConnection, path: Path, table: str,
    on_invalid: Callable[[int, dict[str, str], list[str], list[str]], None],
    progress: Callable[[float], None] | None = None,
) -> int:
    """Stream the subjects into ``table`` (unique_id, subject_id and the contract's columns).

    Each subject failing the law's per-subject rules is passed to ``on_invalid(row_number, row,
    messages, rules)`` instead. Returns the number of valid subjects loaded.
    """
    total = count_rows(path) if progress else 0
    columns = ("unique_id",) + _SUBJECT_FIELDS
    con.execute(f"CREATE OR REPLACE TABLE {table} ({', '.join(f'{c} BIGINT' if c == 'unique_id' else f'{c} VARCHAR' for c in columns)})")
    loaded = 0
    for batch in _batches(path, on_invalid):
        arrow = pa.table({c: pa.array(values, type=pa.int64() if c == "unique_id" else pa.string())
                          for c, values in zip(columns, batch, strict=True)})
        con.register("ftg_subject_batch", arrow)
        con.execute(f"INSERT INTO {table} SELECT * FROM ftg_subject_batch")  # nosec B608  # a table name of the matcher's own; rows come in as a registered Arrow table
        con.unregister("ftg_subject_batch")
        loaded += len(batch[0])
        if progress and total:
            progress(min(1.0, loaded / total))
    return loaded


def _batches(path: Path, on_invalid: Callable[[int, dict[str, str], list[str], list[str]], None]
             ) -> Iterator[list[list[object]]]:
    width = 1 + len(_SUBJECT_FIELDS)
    batch: list[list[object]] = [[] for _ in range(width)]
    for number, row in iter_rows(path, SUBJECT_COLUMNS, ("tin",)):
        findings = subject_findings(row)
        if findings:
            on_invalid(number, row, [f.message for f in findings], [f.rule for f in findings])
            continue
        batch[0].append(number)
        for i, name in enumerate(_SUBJECT_FIELDS, start=1):
            batch[i].append(row.get(name) or None)
        if len(batch[0]) >= _BATCH:
            yield batch
            batch = [[] for _ in range(width)]
    if batch[0]:
        yield batch
