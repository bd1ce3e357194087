"""The subjects of a large request, kept on disk in batches while it is judged and stored.

A subjects file may hold 1,500,000 rows; as Python dicts they would take well over a gigabyte. Intake
reads the file row by row and appends each subject here: the first :data:`BATCH` stay in memory (a
small request never touches the disk), after that every full batch is written to an anonymous file
beside the subjects file (private to the process, gone when it is closed or the process dies, so
nothing but this process ever writes it; a batch is pickled, the fastest form to read back) and
only its offset kept. The rules and the store read the subjects back a batch at a time, as often as
they need, so at most a batch or two is ever held as dicts.

The spool is a :class:`~collections.abc.Sequence` of subjects: the law judges it as it judges a list.
"""

from __future__ import annotations

import pickle  # nosec B403  # only ever loads what this process wrote to its own unnamed file
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, overload

from ftigate.formats import SUBJECT_FIELDS

#: subjects held in memory at a time (and written to the spool file together)
BATCH = 20_000
#: values repeated across many rows, interned by intake so that a batch holds each once; a batch
#: written and read back keeps that sharing (the pickle refers to a repeated object once), so a rule
#: keeping one of them for every subject (the reasons) keeps each text once per batch
INTERNED = ("city", "state", "zip", "reason", "date_of_birth")


class SubjectSpool(Sequence[dict[str, str]]):
    """Subjects (each a dict of :data:`~ftigate.formats.SUBJECT_FIELDS`) appended in order, read back
    by index or in order. ``is_canonical``: every field already in canonical text (intake made it so),
    which the law then need not do again."""

    is_canonical = True

    def __init__(self, directory: Path | None = None, batch: int | None = None) -> None:
        self._directory = directory
        self._batch = batch or BATCH
        self._offsets: list[int] = []   # where each written batch starts in the file
        self._pending: list[dict[str, str]] = []
        self._file: IO[bytes] | None = None
        self._count = 0
        self._cached: tuple[int, list[dict[str, str]]] | None = None

    # --- writing --------------------------------------------------------------------------------------
    def append(self, subject: dict[str, str]) -> None:
        self._pending.append(subject)
        self._count += 1
        if len(self._pending) >= self._batch:
            self._flush()

    def _open(self) -> IO[bytes]:
        if self._file is None:
            try:
                self._file = tempfile.TemporaryFile(dir=self._directory)  # noqa: SIM115  # closed by close()
            except OSError:  # the subjects' directory is not writable: the system's temporary directory
                self._file = tempfile.TemporaryFile()  # noqa: SIM115
        return self._file

    def _flush(self) -> None:
        handle = self._open()
        handle.seek(0, 2)
        self._offsets.append(handle.tell())
        rows = [{name: row[name] for name in SUBJECT_FIELDS} for row in self._pending]
        pickle.dump(rows, handle, protocol=pickle.HIGHEST_PROTOCOL)
        self._pending = []

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
        self._offsets, self._pending, self._cached, self._count = [], [], None, 0

    # --- reading --------------------------------------------------------------------------------------
    def _read(self, number: int) -> list[dict[str, str]]:
        """Batch ``number`` as dicts (the last batch read is kept)."""
        if self._cached is not None and self._cached[0] == number:
            return self._cached[1]
        if number == len(self._offsets):
            return self._pending
        if self._file is None:
            raise RuntimeError("a spooled batch without its file")
        self._file.seek(self._offsets[number])
        # the process's own unnamed file, written by _flush above: nobody else can write to it
        rows: list[dict[str, str]] = pickle.load(self._file)  # nosec B301  # see above
        self._cached = (number, rows)
        return rows

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[dict[str, str]]:
        for number in range(len(self._offsets) + 1):
            yield from self._read(number)

    @overload
    def __getitem__(self, index: int) -> dict[str, str]: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[dict[str, str]]: ...

    def __getitem__(self, index: int | slice) -> dict[str, str] | Sequence[dict[str, str]]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(self._count))]
        if index < 0:
            index += self._count
        if not 0 <= index < self._count:
            raise IndexError("subject index out of range")
        number, within = divmod(index, self._batch)
        return self._read(number)[within]
