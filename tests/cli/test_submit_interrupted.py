"""A submit killed half-way leaves nothing behind: one transaction per request."""

from __future__ import annotations

import csv
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ftigate.formats import SUBJECT_COLUMNS

pytestmark = pytest.mark.slow


def _big_subjects(path: Path, n: int) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(SUBJECT_COLUMNS)
        for i in range(n):
            writer.writerow([f"S-{i:07d}", f"Given{i % 997}", "", f"Family{i % 1009}", "", "1970-01-01",
                             f"{i % 9000 + 1} Synthetic Road", "", "Springfield", "IL", "62701"])


def test_killing_submit_half_way_leaves_no_partial_request(cli, world, data_dir):
    assert cli("registry", "load", world.registry_path, as_="admin-0").exit_code == 0
    _big_subjects(world.dir / "subjects.csv", 300_000)
    req = world.request()
    del req["subjects"]
    req["subjects_file"] = "subjects.csv"
    path = world.write(req)
    db = data_dir / "ftigate.sqlite3"
    wal = Path(str(db) + "-wal")
    ftigate = Path(sys.executable).parent / "ftigate"
    env = {**os.environ, "FTIGATE_HOME": str(data_dir)}
    env.pop("FTIGATE_DATABASE_URL", None)
    proc = subprocess.Popen([str(ftigate), "--data-dir", str(data_dir), "submit", str(path)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 240
    killed = False
    while time.monotonic() < deadline and proc.poll() is None:
        if wal.exists() and wal.stat().st_size > 16 * 1024 * 1024:  # rows are being written
            proc.send_signal(signal.SIGKILL)
            killed = True
            break
        time.sleep(0.05)
    proc.wait()
    assert killed, "submit finished before it could be interrupted; make the batch larger"
    with sqlite3.connect(db) as conn:
        assert conn.execute("select count(*) from requests").fetchone()[0] == 0
        assert conn.execute("select count(*) from subjects").fetchone()[0] == 0
        assert conn.execute("select count(*) from events where request is not null").fetchone()[0] == 0
    # and the gateway still works afterwards: the same request goes in whole
    again = cli("submit", path)
    assert again.exit_code in (0, 1), again.stderr
    with sqlite3.connect(db) as conn:
        assert conn.execute("select count(*) from subjects").fetchone()[0] == 300_000
