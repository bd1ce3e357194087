"""Ledger benchmark: appending, verifying a large exported log, producing inclusion proofs.

Each figure is printed beside its floor, measured in the same run on the same machine: the bare
SHA-256 work that the RFC 6962 tree needs for the same data (one leaf hash per entry, one node hash
per interior node), done in a tight loop with nothing else. The ratio to the floor is what to
compare across machines; the absolute numbers are this machine's.

Targets (issue 5): append >= 20,000 entries/s in batches, durably committed; verify a
10-million-entry exported log in under a minute; an inclusion proof in under a millisecond.

    python benchmarks/ledger.py                   # the full run: 10M-entry log (needs ~2 GB of disk)
    python benchmarks/ledger.py --entries 1000000 --append 100000   # quicker
    python benchmarks/ledger.py --pg postgresql+psycopg://postgres@127.0.0.1:5432/test   # append on PostgreSQL too

Synthetic entries only: event-shaped JSON with a request reference and a commitment, no personal data.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ftigate.crypto import canonical_json
from ftigate.ledger.checkpoints import Checkpoint, sign_checkpoint
from ftigate.ledger.hashing import perfect_root
from ftigate.ledger.notes import NoteSigner
from ftigate.ledger.proofs import verify_inclusion
from ftigate.ledger.tiles import TILE_WIDTH, TileBuilder, encode_bundle, entries_path, tile_path
from ftigate.service.log import ledger
from ftigate.service.log.ledger_files import verify_directory
from ftigate.service.store_access import transaction
from ftigate.settings import Settings
from ftigate.store import ledger_store
from ftigate.store.db import open_store

ORIGIN = "bench.ftigate.example/log"
KINDS = ("request.received", "finding.recorded", "review.approved", "match.made", "disclosure.made",
         "package.delivered", "package.downloaded", "destruction.certified")


def event(i: int) -> dict:
    """A synthetic ledger entry shaped like the gateway's events (no personal data)."""
    return {"kind": KINDS[i % len(KINDS)], "at": f"2025-06-{1 + i % 28:02d}T{i % 24:02d}:{i % 60:02d}:{i * 7 % 60:02d}Z",
            "actor": "gateway", "request": f"DHS-ICE/ICE-2025-{i // 1000:06d}",
            "commitment": hashlib.sha256(b"bench %d" % i).hexdigest()}


def event_bytes(i: int) -> bytes:
    return canonical_json(event(i))


def floor_seconds(datas: list[bytes]) -> float:
    """Bare SHA-256 for the tree over ``datas``: n leaf hashes and n - 1 node hashes."""
    sha = hashlib.sha256
    t = time.perf_counter()
    level = [sha(b"\x00" + d).digest() for d in datas]
    while len(level) > 1:
        nxt = [sha(b"\x01" + level[i] + level[i + 1]).digest() for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            nxt.append(level[-1])
        level = nxt
    return time.perf_counter() - t


def line(name: str, value: str, floor: str = "", ratio: str = "") -> None:
    print(f"  {name:<44} {value:>22} {floor:>22} {ratio:>8}")


# --- append ---------------------------------------------------------------------------------------
def bench_append(url: str | None, total: int, batch: int, workdir: Path, label: str) -> dict:
    data_dir = workdir / f"append-{label}"
    settings = Settings(data_dir=data_dir, database_url=url)
    events = [event(i) for i in range(total)]
    with transaction(settings) as conn:  # open and migrate the store before timing
        ledger_store.tree_size(conn)
    t = time.perf_counter()
    for start in range(0, total, batch):
        with transaction(settings) as conn:          # one committed transaction per batch
            ledger.append(conn, settings, events[start:start + batch])
    elapsed = time.perf_counter() - t
    datas = [canonical_json(e) for e in events]
    floor = floor_seconds(datas)
    rate, floor_rate = total / elapsed, total / floor
    line(f"append on {label} (batches of {batch:,})", f"{rate:,.0f} entries/s", f"{floor_rate:,.0f} entries/s",
         f"{elapsed / floor:.1f}x")
    return {"store": label, "entries": total, "batch": batch, "seconds": elapsed, "entries_per_s": rate,
            "floor_seconds": floor, "ratio_to_floor": elapsed / floor}


# --- a large log, exported and in a store ---------------------------------------------------------
def build_log(n: int, export: Path, store_url: str, signer: NoteSigner) -> dict:
    """Write an n-entry log as tlog-tiles, and its tiles into a store; time the bare hashing in passing."""
    engine = open_store(store_url)
    builder, hash_time, pending = TileBuilder(), 0.0, []
    sha = hashlib.sha256

    def write(relative: str, data: bytes) -> None:
        path = export / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)

    t = time.perf_counter()
    for start in range(0, n, TILE_WIDTH):
        datas = [event_bytes(i) for i in range(start, min(n, start + TILE_WIDTH))]
        write(entries_path(start // TILE_WIDTH, len(datas)), encode_bundle(datas))
        h0 = time.perf_counter()
        hashes = [sha(b"\x00" + d).digest() for d in datas]
        if len(hashes) == TILE_WIDTH:
            perfect_root(hashes)                    # the node hashes of this tile, as a verifier does them
        hash_time += time.perf_counter() - h0
        for level, index, content in builder.add(hashes):
            write(tile_path(level, index), content)
            pending.append((level, index, content))
        if len(pending) >= 2000:
            with engine.begin() as conn:
                ledger_store.write_tiles(conn, pending)
            pending = []
        if start % 1_000_000 == 0 and start:
            print(f"    built {start:,} entries", file=sys.stderr)
    partial = builder.partial_tiles()
    for level, index, content in partial:
        write(tile_path(level, index, len(content) // 32), content)
    with engine.begin() as conn:
        ledger_store.write_tiles(conn, pending + partial)
    root = builder.root()
    write("checkpoint", sign_checkpoint(Checkpoint(ORIGIN, n, root), signer).encode())
    engine.dispose()
    return {"root": root, "build_seconds": time.perf_counter() - t, "floor_seconds": hash_time}


def bench_verify(n: int, export: Path, signer: NoteSigner, floor: float) -> dict:
    t = time.perf_counter()
    report = verify_directory(export, signer.verifier.vkey)
    elapsed = time.perf_counter() - t
    if not report.ok:
        raise SystemExit(f"the benchmark log did not verify: {report.problems[:3]}")
    line(f"verify {n:,}-entry export ({os.cpu_count()} processes)", f"{elapsed:,.1f} s", f"{floor:,.1f} s (1 core)",
         f"{elapsed / floor:.1f}x")
    return {"entries": n, "seconds": elapsed, "entries_per_s": n / elapsed, "floor_seconds": floor,
            "ratio_to_floor": elapsed / floor, "processes": os.cpu_count()}


def bench_proofs(n: int, store_url: str, root: bytes, count: int) -> dict:
    """Proofs read from the store as the service makes them; the floor is the bare SHA-256 a proof
    needs from tiles (2**r - 1 node hashes for each subtree of height 8t + r), with nothing cached."""
    engine = open_store(store_url)
    rng = random.Random(6962)
    indices = [rng.randrange(n) for _ in range(count)]
    timings, floors = [], []
    sha, a, b = hashlib.sha256, b"\x01" * 32, b"\x02" * 32
    with engine.connect() as conn:
        ledger.inclusion_hashes(conn, 0, n)  # open the connection and the top of the tree
        for index in indices:
            t = time.perf_counter()
            proof = ledger.inclusion_hashes(conn, index, n)
            timings.append(time.perf_counter() - t)
            hashes_needed = sum((1 << (h & 7)) - 1 for h, _ in _nodes(index, n))
            t = time.perf_counter()
            for _ in range(hashes_needed):
                sha(b"\x01" + a + b).digest()
            floors.append(time.perf_counter() - t)
            leaf = ledger_store.read_tiles(conn, [(0, index // 256)])[(0, index // 256)]
            verify_inclusion(index, n, leaf[(index % 256) * 32:(index % 256 + 1) * 32], proof, root)
    engine.dispose()
    timings.sort()
    median, p99, floor = statistics.median(timings), timings[int(len(timings) * 0.99) - 1], statistics.median(floors)
    line(f"inclusion proof in a {n:,}-entry log (median)", f"{median * 1e3:.3f} ms", f"{floor * 1e3:.3f} ms",
         f"{median / floor:.1f}x")
    line("  p99 / max", f"{p99 * 1e3:.3f} / {timings[-1] * 1e3:.3f} ms")
    return {"entries": n, "proofs": count, "median_ms": median * 1e3, "p99_ms": p99 * 1e3,
            "max_ms": timings[-1] * 1e3, "floor_median_ms": floor * 1e3, "ratio_to_floor": median / floor}


def _nodes(index: int, size: int):
    from ftigate.ledger.proofs import inclusion_ranges, range_nodes

    return [node for lo, hi in inclusion_ranges(index, size) for node in range_nodes(lo, hi)]


def _pg_database(url: str) -> tuple[str, callable]:
    """A fresh database on the given PostgreSQL server, dropped afterwards."""
    import psycopg

    base = url.replace("postgresql+psycopg://", "postgresql://")
    name = f"ftigate_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with psycopg.connect(base, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return url.rsplit("/", 1)[0] + "/" + name, drop


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--entries", type=int, default=10_000_000, help="size of the log to verify and prove in")
    parser.add_argument("--append", type=int, default=200_000, help="entries to append")
    parser.add_argument("--batch", type=int, default=10_000, help="entries per committed append transaction")
    parser.add_argument("--proofs", type=int, default=1_000, help="inclusion proofs to time")
    parser.add_argument("--pg", default=None, help="also append on this PostgreSQL server (SQLAlchemy URL)")
    parser.add_argument("--workdir", type=Path, default=None, help="where to build the log (default: a temp dir)")
    parser.add_argument("--json", type=Path, default=None, help="write the figures here as JSON")
    args = parser.parse_args()

    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="ftigate-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    results: dict = {"cpu_count": os.cpu_count(), "python": sys.version.split()[0]}
    print(f"ftigate ledger benchmark ({os.cpu_count()} CPUs, Python {results['python']}), in {workdir}")
    line("", "measured", "floor (bare SHA-256)", "ratio")
    try:
        results["append"] = [bench_append(None, args.append, args.batch, workdir, "SQLite")]
        if args.pg:
            url, drop = _pg_database(args.pg)
            try:
                results["append"].append(bench_append(url, args.append, args.batch, workdir, "PostgreSQL"))
            finally:
                drop()
        signer = NoteSigner(ORIGIN, Ed25519PrivateKey.generate())
        store_url = f"sqlite:///{workdir / 'tiles.sqlite3'}"
        print(f"    building a {args.entries:,}-entry log (not timed against a target) ...", file=sys.stderr)
        built = build_log(args.entries, workdir / "export", store_url, signer)
        results["build_seconds"] = built["build_seconds"]
        results["verify"] = bench_verify(args.entries, workdir / "export", signer, built["floor_seconds"])
        results["proof"] = bench_proofs(args.entries, store_url, built["root"], args.proofs)
    finally:
        if args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
