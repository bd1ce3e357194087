"""Receiving a signed request over HTTP: as JSON (subjects inline) or as a multipart upload of the
request and its subjects file (CSV or Parquet, up to :data:`MAX_ROWS` rows).

The upload is copied to a private folder of the data directory in chunks and checked as it goes
(the header first, then the rows counted): it is never held whole in memory, and a file over the
row limit is refused before anything is stored. The folder goes away when the submission is done,
stored or refused: the subjects then live in the store only, in the transaction that stored the
request, so nothing is kept half-way. Errors name the file by the name the client gave it, never a
path on the gateway.
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
from starlette.datastructures import UploadFile

from ftigate.errors import InputError
from ftigate.formats import SUBJECT_FIELDS
from ftigate.jsonfile import loads_object
from ftigate.settings import Settings

#: the most subjects one request may carry
MAX_ROWS = 1_500_000
#: bytes copied at a time
CHUNK = 1024 * 1024


def private_folder(settings: Settings) -> Path:
    """A new private folder of the data directory's ``uploads/`` (files that name taxpayers stay on
    the gateway's own disk, readable by it alone); the caller removes it (:func:`remove_folder`)."""
    base = settings.data_dir / "uploads"
    base.mkdir(mode=0o700, parents=True, exist_ok=True)
    folder = base / uuid.uuid4().hex
    folder.mkdir(mode=0o700)
    return folder


def remove_folder(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def upload_folder(settings: Settings) -> Iterator[Path]:
    """A private folder for one submission's files, removed afterwards whatever happens."""
    folder = private_folder(settings)
    try:
        yield folder
    finally:
        remove_folder(folder)


def parse_request(raw: bytes | str) -> dict[str, Any]:
    """The signed request as a JSON object (a member name given twice is refused)."""
    try:
        text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
        request = loads_object(text)
    except UnicodeDecodeError:
        raise InputError("the request is not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise InputError(f"not JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from None
    except (ValueError, RecursionError) as exc:
        raise InputError(f"not JSON: {exc}") from None
    if not isinstance(request, dict):
        raise InputError("the request must be a JSON object")
    return request


async def read_part(part: UploadFile | str, limit: int) -> bytes | str:
    """A multipart part that holds the signed request (a JSON document), read in chunks and refused
    past ``limit`` bytes before more is read: a part sent as a file is not bounded by the form's
    field limit, and an endless one must not end up whole in memory."""
    if isinstance(part, str):
        return part
    kept = bytearray()
    while chunk := await part.read(CHUNK):
        kept += chunk
        if len(kept) > limit:
            raise InputError(f"the request part is over {limit // 2**20} MiB: a signed request is a small document "
                             "and its subjects go in the 'subjects' part", field="request")
    return bytes(kept)


def subjects_name(request: dict[str, Any]) -> str:
    """The file name the request's ``subjects_file`` gives: a plain name (no folder), CSV or Parquet."""
    name = request.get("subjects_file")
    if not isinstance(name, str) or not name or name != Path(name).name or name.startswith("."):
        raise InputError("an uploaded subjects file needs 'subjects_file' to be a plain file name "
                         "(no folder), the name of the uploaded part", field="subjects_file")
    if Path(name).suffix.lower() not in (".csv", ".parquet"):
        raise InputError("the subjects file must be .csv or .parquet", field="subjects_file")
    return name


def _check_csv_header(first: bytes, name: str) -> None:
    line = first.split(b"\n", 1)[0].decode("utf-8-sig", errors="replace").strip().strip("\r")
    columns = {c.strip().strip('"') for c in line.split(",")}
    missing = [f for f in ("subject_id", "first_name", "last_name") if f not in columns]
    if missing:
        raise InputError(f"the header lacks {', '.join(missing)} (columns: {', '.join(SUBJECT_FIELDS)})",
                         file=name, row=0)


async def save_subjects(upload: UploadFile, folder: Path, name: str) -> Path:
    """Copy the uploaded subjects file into ``folder`` chunk by chunk, checking the header and
    counting rows on the way; refused (and nothing kept) past :data:`MAX_ROWS`."""
    target = folder / name
    rows = -1  # the header line is not a row
    first = True
    tail = b""
    is_csv = name.lower().endswith(".csv")
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        while chunk := await upload.read(CHUNK):
            if is_csv:
                if first:
                    _check_csv_header(chunk, name)
                    first = False
                rows += chunk.count(b"\n")
                tail = chunk[-1:]
                if rows > MAX_ROWS:
                    raise InputError(f"more than {MAX_ROWS:,} subjects: split the request", file=name)
            out.write(chunk)
    if is_csv:
        if first:
            raise InputError("the subjects file is empty", file=name)
        rows += 0 if tail == b"\n" else 1
        if rows > MAX_ROWS:
            raise InputError(f"more than {MAX_ROWS:,} subjects: split the request", file=name)
    else:
        try:
            count = pq.ParquetFile(target).metadata.num_rows  # the footer only: no row is read
        except Exception:  # pyarrow raises several kinds for a file that is not Parquet
            raise InputError("not a Parquet file", file=name) from None
        if count > MAX_ROWS:
            raise InputError(f"more than {MAX_ROWS:,} subjects: split the request", file=name)
    return target


def write_request(folder: Path, request: dict[str, Any]) -> Path:
    path = folder / "request.json"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump(request, out, ensure_ascii=False)
    return path


def client_named(exc: InputError, folder: Path) -> InputError:
    """The error with any file in ``folder`` named as the client named it."""
    if exc.file and str(exc.file).startswith(str(folder)):
        exc.file = Path(exc.file).name
        exc.args = (exc.diagnostics(),)
    return exc
