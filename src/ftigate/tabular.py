"""Reading and writing the contract's tabular files (CSV or Parquet, UTF-8, header row).

Every value comes back as a ``str`` ("" for empty or null), so the law's rules judge exactly what
the requester sent, and every problem is reported with the file, the row and the field.
Rows are streamed: a 1.5-million-row subjects file is never held whole unless the caller wants it.
Whatever the gateway writes (tables, packages, reports, keys) is written atomically; a file that
holds return information or a private key is written with mode ``PRIVATE`` (0600) from the moment
it exists, and every CSV cell goes through :func:`spreadsheet_safe` (see its rule).
"""

from __future__ import annotations

import csv
import os
import re
import secrets
import stat
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO

import pyarrow as pa
import pyarrow.parquet as pq

from ftigate.errors import InputError, data_free_reason

csv.field_size_limit(1 << 20)

#: the mode of every file that holds return information or a private key: its owner's eyes only
PRIVATE = 0o600
#: the mode of a folder the gateway creates for such files
PRIVATE_DIR = 0o700
#: the process umask of the command line and the server: whatever they create is private by default
PRIVATE_UMASK = 0o077

#: what a spreadsheet takes for the start of a formula (or, for tab and carriage return, of a new cell)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: a plain number stays as written, sign and all ("-12.5", "+1", "1e-3"): nothing a spreadsheet runs
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def spreadsheet_safe(value: object) -> str:
    """One CSV cell as the gateway writes it: text a spreadsheet shows, never a formula it runs.

    The rule, for every CSV the gateway writes: a cell that begins with ``=``, ``+``, ``-``, ``@``, a
    tab or a carriage return is written with an apostrophe in front (``=HYPERLINK(...)`` becomes
    ``'=HYPERLINK(...)``), unless it is a plain number such as ``-12.5``, which is written as is. An
    empty or None value is an empty cell. Parquet files hold typed values and are written unchanged.
    """
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def write_csv(handle, columns: Sequence[str], rows: Iterable[dict[str, object]]) -> int:
    """The one CSV writer: a header, then each row's cells through :func:`spreadsheet_safe`; returns
    the number of data rows. ``handle`` is a text file opened with ``newline=""`` (or standard output)."""
    writer = csv.writer(handle, lineterminator="\n")
    writer.writerow([spreadsheet_safe(c) for c in columns])
    count = 0
    for row in rows:
        writer.writerow([spreadsheet_safe(row.get(c)) for c in columns])
        count += 1
    return count


#: files of a data directory meant to be shared: public keys, the log's verifier key
SHAREABLE_SUFFIXES = (".pub", ".vkey")


def make_tree_private(folder: Path | str) -> int:
    """Narrow a data directory left open by an older version or by hand: every folder in it to
    ``PRIVATE_DIR`` and every file to ``PRIVATE`` (public keys aside); returns how many were narrowed.
    Symbolic links are not followed."""
    narrowed = 0
    for root, dirs, files in os.walk(folder):
        for name, wanted in [(d, PRIVATE_DIR) for d in dirs] + [(f, PRIVATE) for f in files]:
            path = os.path.join(root, name)
            try:
                st = os.lstat(path)
            except FileNotFoundError:
                continue
            if stat.S_ISLNK(st.st_mode) or not st.st_mode & 0o077 or name.endswith(SHAREABLE_SUFFIXES):
                continue
            os.chmod(path, wanted)
            narrowed += 1
    if os.stat(folder).st_mode & 0o077:
        os.chmod(folder, PRIVATE_DIR)
        narrowed += 1
    return narrowed


def make_private(*paths: Path | str) -> None:
    """Take every existing one of ``paths`` to mode ``PRIVATE``, whatever mode it had before."""
    for path in paths:
        try:
            os.chmod(path, PRIVATE)
        except FileNotFoundError:
            continue


def is_parquet(path: Path | str) -> bool:
    return str(path).lower().endswith((".parquet", ".pq"))


def check_header(header: Sequence[str], required: Sequence[str], path: Path | str | None = None) -> None:
    """A header names each column once and names every required one; else an error at row 0."""
    file = None if path is None else str(path)
    seen = set()
    for name in header:
        if name in seen:
            raise InputError(f"column '{name}' appears twice in the header", file=file, row=0, field=name)
        seen.add(name)
    missing = [c for c in required if c not in seen]
    if missing:
        raise InputError(
            f"missing column(s) {', '.join(missing)}; the header must include {', '.join(required)}",
            file=file, row=0, field=missing[0],
        )


def iter_rows(
    path: Path | str, required: Sequence[str], optional: Sequence[str] = ()
) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield ``(row_number, row)`` for each data row; only the required and optional columns are kept."""
    path = Path(path)
    wanted = list(required) + [c for c in optional]
    if not path.exists():
        raise InputError("no such file", file=str(path))
    if is_parquet(path):
        yield from _iter_parquet(path, required, wanted)
        return
    records = csv_records(path, required)
    _, header = next(records)
    positions = [(name, header.index(name)) for name in wanted if name in header]
    width = len(header)
    for number, record in records:
        if len(record) != width:
            raise InputError(f"has {len(record)} fields where the header has {width}", file=str(path), row=number)
        yield number, {name: record[i].strip() for name, i in positions}


def csv_records(path: Path | str, required: Sequence[str]) -> Iterator[tuple[int, list[str]]]:
    """``(0, header)``, then ``(row_number, fields)`` for every non-blank record of a UTF-8 CSV file.

    The header's names come stripped (and without a byte-order mark) and checked against
    ``required``; data rows are numbered from 1, blank lines counted. Text that is not UTF-8 or not
    CSV is an :class:`InputError` naming the row. Each record is left as it is, however many fields
    it has: :func:`iter_rows` refuses a ragged row, intake keeps it as a finding.
    """
    path = Path(path)
    file = str(path)
    try:
        handle = path.open("r", encoding="utf-8", newline="")
    except OSError as exc:
        raise InputError(f"cannot open: {exc.strerror}", file=file) from exc
    with handle:
        reader = csv.reader(handle)
        number = -1  # the header is row 0
        while True:
            try:
                record = next(reader)
            except StopIteration:
                if number < 0:
                    raise InputError("the file is empty: a header row is required", file=file, row=0) from None
                return
            except UnicodeDecodeError as exc:
                raise InputError(f"not UTF-8 text ({exc.reason})", file=file, row=number + 1) from None
            except csv.Error as exc:
                raise InputError(f"malformed CSV: {data_free_reason(exc)}", file=file, row=number + 1) from None
            number += 1
            if number == 0:
                record = [name.strip().lstrip("\ufeff") for name in record]
                check_header(record, required, path)
            elif not record:
                continue
            yield number, record


def open_parquet(path: Path, required: Sequence[str]) -> tuple[pq.ParquetFile, list[str]]:
    """A Parquet file opened for reading in batches, and its column names, the ``required`` ones
    checked: an unreadable file or a missing column is an :class:`InputError` naming the file."""
    try:
        pf = pq.ParquetFile(path)
    except (pa.ArrowInvalid, OSError) as exc:
        raise InputError(f"not a readable Parquet file: {data_free_reason(exc)}", file=str(path)) from None
    header = pf.schema_arrow.names
    check_header(header, required, path)
    return pf, header


def _iter_parquet(path: Path, required: Sequence[str], wanted: Sequence[str]) -> Iterator[tuple[int, dict[str, str]]]:
    pf, header = open_parquet(path, required)
    columns = [c for c in wanted if c in header]
    number = 0
    for batch in pf.iter_batches(batch_size=65536, columns=columns):
        cols = {name: batch.column(name).cast(pa.string()).to_pylist() for name in columns}
        for i in range(batch.num_rows):
            number += 1
            yield number, {name: (cols[name][i] or "").strip() for name in columns}


def read_rows(path: Path | str, required: Sequence[str], optional: Sequence[str] = ()) -> list[dict[str, str]]:
    return [row for _, row in iter_rows(path, required, optional)]


def write_rows(path: Path | str, columns: Sequence[str], rows: Iterable[dict[str, object]], *,
               mode: int | None = None) -> int:
    """Write rows to CSV or Parquet (by the file's suffix), atomically: a crash leaves no half file.

    ``mode`` (``0o600`` for a file that names taxpayers) is the file's mode from its first byte on.
    """
    path = Path(path)
    count = 0
    if is_parquet(path):
        data = {c: [] for c in columns}  # type: dict[str, list[object]]
        for row in rows:
            for c in columns:
                v = row.get(c)
                data[c].append(None if v is None else str(v))
            count += 1
        table = pa.table({c: pa.array(v, type=pa.string()) for c, v in data.items()})
        _write_table(path, table, mode)
        return count
    tmp, fd = _new_temporary(path, mode)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            count = write_csv(handle, columns, rows)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return count


def write_columns(path: Path | str, columns: Mapping[str, Sequence[str | None]], *, mode: int | None = None) -> int:
    """Write text columns (each a list of its values, all of one length) to Parquet or CSV, as
    :func:`write_rows` would write the same rows: a million-row file built a column at a time, without
    a dict per row."""
    path = Path(path)
    names = list(columns)
    count = len(columns[names[0]]) if names else 0
    if not is_parquet(path):
        return write_rows(path, names, (dict(zip(names, values, strict=True))
                                        for values in zip(*(columns[n] for n in names), strict=True)), mode=mode)
    table = pa.table({name: _text_array(values) for name, values in columns.items()})
    _write_table(path, table, mode)
    return count


def _write_table(path: Path, table: pa.Table, mode: int | None) -> None:
    """Write a Parquet file atomically (a temporary file renamed into place), at ``mode`` from its first byte."""
    tmp, fd = _new_temporary(path, mode)
    try:
        with os.fdopen(fd, "wb") as handle:
            pq.write_table(table, handle)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _text_array(values: Sequence[object]) -> pa.Array:
    """A column as Parquet text, each value as :func:`write_rows` writes it (``str``, None kept)."""
    try:
        return pa.array(values, type=pa.string())
    except (pa.ArrowTypeError, pa.ArrowInvalid):
        return pa.array([None if v is None else str(v) for v in values], type=pa.string())


def write_file_atomic(path: Path | str, data: str | bytes, *, mode: int | None = None,
                      durable: bool = False) -> None:
    """Write a whole file so that a reader, or a crash, finds the old file or the new one, never half.

    ``mode`` (``0o600`` for a key or a taxpayer notice) is the file's mode from the moment it exists,
    so it is never readable by others, even briefly; ``durable`` flushes it to the disk before it
    takes the name (state that must survive a power cut).
    """
    path = Path(path)
    tmp = _temporary_copy(path, data, mode, durable)
    try:
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


@contextmanager
def file_atomic(path: Path | str, *, mode: int | None = None) -> Iterator[IO[bytes]]:
    """A binary handle to write a file through, as it arrives (a download), that takes ``path``'s name
    only when the block ends without an exception: a failed or interrupted write leaves no half file."""
    path = Path(path)
    tmp, fd = _new_temporary(path, mode)
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def create_file_once(path: Path | str, data: str | bytes, *, mode: int = 0o600) -> bool:
    """Create ``path`` holding ``data`` unless it exists; True if this call created it.

    For what must never change once made (a signing key, a log's origin): of two processes that
    create it at the same moment exactly one wins, and both then read the winner's file.
    """
    path = Path(path)
    tmp = _temporary_copy(path, data, mode, durable=True)
    try:
        os.link(tmp, path)
    except FileExistsError:
        return False
    finally:
        tmp.unlink(missing_ok=True)
    return True


def _new_temporary(path: Path, mode: int | None) -> tuple[Path, int]:
    """A new hidden file beside ``path`` (named for this process, so two writers never share one),
    open for writing, with ``mode`` exactly (whatever the umask) from the moment it exists."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.partial")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666 if mode is None else mode)
    if mode is not None:
        os.fchmod(fd, mode)
    return tmp, fd


def _temporary_copy(path: Path, data: str | bytes, mode: int | None, durable: bool) -> Path:
    """``data`` in a new hidden file beside ``path`` (see :func:`_new_temporary`)."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    tmp, fd = _new_temporary(path, mode)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp

