"""The packages folder: one writer at a time, and no package file without its record.

A package is written to ``DATA/packages/`` and then recorded (its row, the request's move to
``delivered`` and the ledger entry) in one transaction. A process killed between the two leaves a
signed package file that nothing refers to: never delivered, never in the ledger. Whoever next
writes a package, holding the folder's lock, removes every such file first, and any temporary file
a killed writer left behind. The rule is about files and rows only ("a file whose name starts with
an id no package row has"), so it holds whatever the package's format and however many files one
package has (``ID.json``, or ``ID.age`` with ``ID.sig``).

The lock (``flock`` on ``packages/.lock``) is held from before the file is written until after its
row is committed, so a file without a row seen under the lock can only be an orphan, never a
package another process is about to record.
"""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Connection

from ftigate.settings import Settings
from ftigate.store import disclosure_store
from ftigate.tabular import PRIVATE_DIR

LOCK_NAME = ".lock"


def packages_dir(settings: Settings) -> Path:
    return settings.data_dir / "packages"


@contextmanager
def packages_locked(settings: Settings) -> Iterator[Path]:
    """The packages folder (created private), held exclusively until the block ends."""
    folder = packages_dir(settings)
    folder.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
    with (folder / LOCK_NAME).open("a") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield folder
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def package_id_of(path: Path) -> str:
    """The package id a file belongs to: its name up to the first dot."""
    return path.name.split(".", 1)[0]


def remove_orphans(conn: Connection, folder: Path) -> list[str]:
    """Remove package files with no package row, and writes cut short; returns the orphans' ids.

    Call it holding :func:`packages_locked`, inside the transaction that is about to write a package."""
    files = [p for p in folder.iterdir() if p.is_file() and p.name != LOCK_NAME]
    for partial in (p for p in files if p.name.startswith(".") and p.name.endswith(".partial")):
        partial.unlink(missing_ok=True)  # a write cut short: never a package
    candidates = [p for p in files if not p.name.startswith(".")]
    known = disclosure_store.known_package_ids(conn, sorted({package_id_of(p) for p in candidates}))
    orphans = sorted({package_id_of(p) for p in candidates} - known)
    for path in candidates:
        if package_id_of(path) in orphans:
            path.unlink(missing_ok=True)
    return orphans
