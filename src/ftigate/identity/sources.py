"""Getting the two inputs into the matching database without holding the master file in Python.

* The master file (CSV or Parquet, possibly ten million rows) is read by DuckDB itself, as text,
  and never passes through Python.
* The subjects are streamed through :func:`ftigate.tabular.iter_rows` (so a malformed row is
  reported by number and field) and judged one by one by :func:`ftigate.law.subject_findings`, the
  same rules the request lifecycle applies: a subject that fails them is ``invalid`` before any
  matching. Valid subjects go to DuckDB in Arrow batches. (A large file is read, judged and
  normalised in a process of its own while the master file is prepared:
  :class:`ftigate.identity.engine.SubjectsApart`.)
* Subjects the caller has already judged by those same rules, under the law's current version
  (the request lifecycle judged them at intake), are loaded without being judged again
  (:func:`load_judged_subjects`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from ftigate.errors import InputError, data_free_reason
from ftigate.formats import MASTER_COLUMNS, SUBJECT_COLUMNS
from ftigate.law import POLICY_VERSION, subject_findings
from ftigate.tabular import is_parquet, iter_rows, open_parquet

_SUBJECT_FIELDS = SUBJECT_COLUMNS + ("tin",)
_BATCH = 50_000
#: the columns of the table the subjects are loaded into: the row number, then the contract's fields
_LOADED_COLUMNS = ("unique_id",) + _SUBJECT_FIELDS
_LOADED_SCHEMA = pa.schema([(c, pa.int64() if c == "unique_id" else pa.string()) for c in _LOADED_COLUMNS])
#: a subjects file this large (bytes) or larger is read in a process of its own (about 40,000 rows),
#: beside the master file's preparation: below it, starting the process (importing the matcher, about a
#: second) costs more than it saves
APART_FROM_BYTES = 4 << 20

OnInvalid = Callable[[int, dict[str, str], list[str], list[str]], None]


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
    return _insert_batches(con, table, (_arrow(batch) for batch in _batches(path, on_invalid)),
                           count_rows(path) if progress else 0, progress)


def _create_table(con: duckdb.DuckDBPyConnection, table: str) -> None:
    con.execute(f"CREATE OR REPLACE TABLE {table} ({', '.join(f'{c} BIGINT' if c == 'unique_id' else f'{c} VARCHAR' for c in _LOADED_COLUMNS)})")


def _insert_batches(con: duckdb.DuckDBPyConnection, table: str, batches: Iterator[pa.Table], total: int,
                    progress: Callable[[float], None] | None) -> int:
    """Insert Arrow tables of :data:`_LOADED_SCHEMA` into a fresh ``table``; return the rows inserted."""
    _create_table(con, table)
    loaded = 0
    for arrow in batches:
        con.register("ftg_subject_batch", arrow)
        con.execute(f"INSERT INTO {table} SELECT * FROM ftg_subject_batch")  # nosec B608  # a table name of the matcher's own; rows come in as a registered Arrow table
        con.unregister("ftg_subject_batch")
        loaded += arrow.num_rows
        if progress and total:
            progress(min(1.0, loaded / total))
    return loaded


def _arrow(batch: list[list[object]]) -> pa.Table:
    return pa.table({c: pa.array(values, type=_LOADED_SCHEMA.field(c).type)
                     for c, values in zip(_LOADED_COLUMNS, batch, strict=True)})


def judged_under_current_law(judged_under: str | None) -> bool:
    """Whether subjects judged under the policy version ``judged_under`` (``2026.12-2``, or with its
    thresholds' fingerprint, ``2026.12-2+1a2b3c4d5e6f``) were judged by the per-subject rules in
    force now. Anything else (no version, an older or unknown one) is not: such subjects are judged
    again, since the rules of another version may refuse a subject these accept, or the reverse."""
    return isinstance(judged_under, str) and judged_under.split("+", 1)[0] == POLICY_VERSION


def load_judged_subjects(con: duckdb.DuckDBPyConnection, path: Path, table: str,
                         progress: Callable[[float], None] | None = None) -> int:
    """Load subjects already judged valid by :func:`ftigate.law.subject_findings` into ``table``,
    without judging them again: the same rows, row numbers and values (stripped, empty as null) as
    :func:`load_subjects` loads for valid subjects. Only for a caller that has judged every row under
    the law's current version (:func:`judged_under_current_law`). Returns the number of rows."""
    if not is_parquet(path):  # a CSV file is read as any other, only not judged
        def unjudged() -> Iterator[pa.Table]:
            batch: list[list[object]] = [[] for _ in _LOADED_COLUMNS]
            for number, row in iter_rows(path, SUBJECT_COLUMNS, ("tin",)):
                batch[0].append(number)
                for i, name in enumerate(_SUBJECT_FIELDS, start=1):
                    batch[i].append(row.get(name) or None)
                if len(batch[0]) >= _BATCH:
                    yield _arrow(batch)
                    batch = [[] for _ in _LOADED_COLUMNS]
            if batch[0]:
                yield _arrow(batch)

        return _insert_batches(con, table, unjudged(), count_rows(path) if progress else 0, progress)
    if not path.exists():
        raise InputError("no such file", file=str(path))
    source, header = open_parquet(path, SUBJECT_COLUMNS)
    present = [c for c in _SUBJECT_FIELDS if c in header]

    def batches() -> Iterator[pa.Table]:
        # the values as ftigate.tabular.iter_rows reads them (text, stripped; "" then null), a column at a time
        first = 1
        for batch in source.iter_batches(batch_size=65536, columns=present):
            columns: dict[str, Any] = {"unique_id": pa.array(range(first, first + batch.num_rows), type=pa.int64())}
            for name in _SUBJECT_FIELDS:
                if name in present:
                    values = batch.column(name).cast(pa.string()).to_pylist()
                    columns[name] = pa.array([(v.strip() or None) if v else None for v in values], type=pa.string())
                else:
                    columns[name] = pa.nulls(batch.num_rows, type=pa.string())
            first += batch.num_rows
            yield pa.table(columns, schema=_LOADED_SCHEMA)

    return _insert_batches(con, table, batches(), source.metadata.num_rows if progress else 0, progress)


def _batches(path: Path, on_invalid: OnInvalid) -> Iterator[list[list[object]]]:
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

