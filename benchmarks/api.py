"""The HTTP API against ``ftigate serve`` on loopback, with a real HTTP client (httpx).

Measures, on PostgreSQL (``--pg``, a fresh database on the server at 127.0.0.1:5432) or SQLite:

- single-subject submissions per second (signed requests, one subject each, from several client
  threads), beside bare ``GET /health`` calls per second in the same run (the HTTP floor);
- the latency of status reads (``GET /requests/{agency}/{id}``): p50 and p99, beside ``/health``'s;
- a large subject upload (``--rows``, default 1,300,000): time to receive and validate it (the
  request stored), and the server's peak memory (VmHWM), beside reading the same file with pyarrow.

``--upload-only`` skips the throughput and latency parts. ``--before SRC`` (a ``src`` directory of an
earlier version, e.g. ``git archive main src | tar -x -C /tmp/before``) measures first against a server
running those sources, then against this tree's, in the same run: the throughput and latency on the
same store (``--rounds N`` alternates the two N times), the upload on the same file.

The submissions are signed before their phase starts (signing is the requesting agency's work, not
the gateway's, and the client shares the machine's cores with the server), each sent as its JSON bytes
by one keep-alive connection per client thread. Beside each rate it prints the CPU time each call
cost the server (all its processes) and the client (sending), so the floor on a machine that runs
both is plain. The PostgreSQL database it creates (``ftigate_bench_*``) is dropped at the end.

Usage: python benchmarks/api.py [--pg] [--seconds 20] [--threads 8] [--workers 1] [--rows 1300000]
       [--upload-only] [--before SRC] [--rounds 1]
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import httpx

import proven_people
from ftigate import generator
from ftigate.crypto import new_private_key, public_pem, sha256_file, sign_request
from ftigate.service.admin import access
from ftigate.service.admin import registry as registry_service
from ftigate.settings import Settings, Thresholds

SUBJECT = {"first_name": "Quentin", "middle_name": "", "last_name": "Synthetica", "suffix": "",
           "date_of_birth": "1980-04-02", "address_line1": "12 Example Road", "address_line2": "",
           "city": "Springfield", "state": "IL", "zip": "62701"}


def _pg_database() -> str:
    import psycopg

    name = f"ftigate_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect("host=127.0.0.1 port=5432 dbname=test user=postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"


def _drop_pg_database(url: str) -> None:
    """Drop the benchmark's database (its engine in this process is let go of first)."""
    import psycopg

    from ftigate.service import store_access

    store_access._engine(url).dispose()
    store_access._opened.cache_clear()
    name = url.rsplit("/", 1)[1]
    with psycopg.connect("host=127.0.0.1 port=5432 dbname=test user=postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _world(base: Path, settings: Settings):
    official = new_private_key("ed25519")
    officer = new_private_key("x25519")
    registry = {
        "agencies": [{"id": "DHS-ICE", "name": "Synthetic Enforcement Agency",
                      "safeguards": {"approved_on": "2025-01-01", "expires_on": "2030-12-31"},
                      "usual_subjects_per_request": 5000}],
        "officials": [{"id": "ice-director", "agency": "DHS-ICE", "name": "Synthetic Director", "role": "head",
                       "valid_from": "2025-01-01", "valid_to": None, "public_key": public_pem(official)}],
        "officers": [{"id": "ice-ero-0001", "agency": "DHS-ICE", "name": "Synthetic Officer",
                      "public_key": public_pem(officer)}],
        "statutes": [{"citation": "8 U.S.C. 1253(a)(1)", "title": "Willful failure to depart", "criminal": True,
                      "tax_administration": False}],
    }
    path = base / "registry.json"
    path.write_text(json.dumps(registry), encoding="utf-8")
    admin = proven_people.administrator(settings)
    registry_service.load_registry_file(settings, admin, path)
    token = access.issue_agency_token(settings, admin, "ice-director", days=2).token
    return official, token


def _request(number: int, key, subjects=None, subjects_file: Path | None = None) -> dict:
    request = {
        "format": "ftigate-request/1", "request_id": f"BENCH-{number:07d}", "agency": "DHS-ICE",
        "official": "ice-director", "signed_on": time.strftime("%Y-%m-%d"),
        "investigation": {"reference": f"CI-{number}", "statute": "8 U.S.C. 1253(a)(1)",
                          "authority": "8 U.S.C. 1357(a)", "kind": "criminal"},
        "taxable_periods": [2022, 2023, 2024],
        "reason": "The subject is under investigation for willful failure to depart; a last known address is "
                  "relevant to locating the subject for the criminal proceeding.",
        "information": ["taxpayer_identity"], "recipients": ["ice-ero-0001"],
    }
    if subjects_file is not None:
        request["subjects_file"] = subjects_file.name
        request["subjects_sha256"] = sha256_file(subjects_file)
    else:
        request["subjects"] = subjects or [dict(SUBJECT, subject_id="S-0001")]
    request["signature"] = sign_request(request, key)
    return request


def _serve(settings: Settings, port: int, sources: str | None = None, workers: int = 1) -> subprocess.Popen:
    """``ftigate serve`` (of ``sources``, if given) on ``port``, once every worker answers."""
    env = dict(os.environ, FTIGATE_DATABASE_URL=settings.url)
    if sources is not None:
        env["PYTHONPATH"] = sources
    command = [sys.executable, "-c", "from ftigate.cli.main import main; main()", "--data-dir", str(settings.data_dir),
               "serve", "--host", "127.0.0.1", "--port", str(port)]
    if workers != 1:
        command += ["--workers", str(workers)]
    log = settings.data_dir.parent / f"serve-{port}.log"
    with log.open("wb") as sink:
        server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=sink)
    for _ in range(600):  # every worker started (each says so), not just the first to answer
        if log.read_text(errors="replace").count("Application startup complete") >= workers:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                    return server
            except httpx.HTTPError:
                pass
        time.sleep(0.1)
    server.kill()
    raise SystemExit("ftigate serve did not start")


def _cpu_seconds(pid: int) -> float:
    """User and system CPU time of a process and every live process under it (the server's workers)."""
    tick = os.sysconf("SC_CLK_TCK")
    parents: dict[int, int] = {}
    times: dict[int, float] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(stat.parent.name)] = int(fields[1])
        times[int(stat.parent.name)] = (int(fields[11]) + int(fields[12])) / tick
    tree = {pid}
    while grown := {p for p, parent in parents.items() if parent in tree} - tree:
        tree |= grown
    return sum(times.get(p, 0.0) for p in tree)


class Phase:
    """A load phase's calls and the CPU they cost the server and this client."""

    def __init__(self, server_pid: int) -> None:
        self.pid = server_pid
        self.server_ms = self.client_ms = float("nan")

    def run(self, call, seconds: float, threads: int) -> tuple[float, list[float]]:
        server, client = _cpu_seconds(self.pid), time.process_time()
        rate, latencies = _rate(call, seconds, threads)
        self.server_ms = (_cpu_seconds(self.pid) - server) * 1000 / max(1, len(latencies))
        self.client_ms = (time.process_time() - client) * 1000 / max(1, len(latencies))
        return rate, latencies


def _rate(call, seconds: float, threads: int) -> tuple[float, list[float]]:
    stop = time.perf_counter() + seconds
    latencies: list[float] = []
    lock = threading.Lock()

    def run() -> None:
        with httpx.Client(timeout=60) as http:
            mine = []
            while time.perf_counter() < stop:
                t = time.perf_counter()
                call(http)
                mine.append(time.perf_counter() - t)
            with lock:
                latencies.extend(mine)

    started = time.perf_counter()
    workers = [threading.Thread(target=run) for _ in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return len(latencies) / (time.perf_counter() - started), latencies


def _p(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[q - 1] * 1000 if len(values) > 2 else float("nan")


def _vmhwm(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024 / 1024
    return float("nan")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _upload(settings: Settings, key, headers: dict[str, str], subjects: Path, number: int,
            sources: str | None = None) -> tuple[float, float]:
    """One large upload against a server of its own: (seconds, the server's peak memory in GiB)."""
    port = _free_port()
    server = _serve(settings, port, sources)
    try:
        request = _request(number, key, subjects_file=subjects)
        t = time.perf_counter()
        with subjects.open("rb") as stream, httpx.Client(timeout=httpx.Timeout(1800)) as http:
            response = http.post(f"http://127.0.0.1:{port}/requests", headers=headers,
                                 files={"request": ("request.json", json.dumps(request).encode()),
                                        "subjects": (subjects.name, stream)})
        took = time.perf_counter() - t
        assert response.status_code == 201, response.text[:300]
        return took, _vmhwm(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pg", action="store_true", help="PostgreSQL at 127.0.0.1:5432 (else SQLite)")
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--workers", type=int, default=1, help="ftigate serve --workers")
    parser.add_argument("--rows", type=int, default=1_300_000, help="rows of the large upload (0: skip it)")
    parser.add_argument("--upload-only", action="store_true", help="skip the throughput and latency parts")
    parser.add_argument("--before", metavar="SRC", help="also measure a server running these sources, first")
    parser.add_argument("--rounds", type=int, default=1, help="with --before: alternate the two this many times")
    args = parser.parse_args()

    base = Path(tempfile.mkdtemp(prefix="ftigate-api-bench-"))
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stopped: its database is dropped all the same
    url = _pg_database() if args.pg else None
    try:
        _run(args, base, Settings(data_dir=base / "data", database_url=url, thresholds=Thresholds()))
    finally:
        if url is not None:
            _drop_pg_database(url)


def _run(args: argparse.Namespace, base: Path, settings: Settings) -> None:
    key, token = _world(base, settings)
    headers = {"Authorization": f"Bearer {token}"}
    print(f"| store | {'PostgreSQL' if args.pg else 'SQLite'} | {args.threads} client threads | "
          f"{args.workers} server worker(s) | {os.cpu_count()} cores |")
    print("| measure | ftigate | baseline | ratio |")
    print("|---|---|---|---|")
    if not args.upload_only:
        numbers = iter(range(1, 9_000_000))
        versions = [("before", args.before), ("this tree", None)] if args.before else [("this tree", None)]
        for _ in range(args.rounds if args.before else 1):
            for label, sources in versions:
                _throughput(settings, key, headers, args, numbers, label, sources)
    if args.rows:
        master = base / "master.parquet"
        generator.generate_master(master, args.rows + args.rows // 10, seed=7)
        subjects = base / "subjects.csv"
        generator.generate_request(master, subjects, args.rows, seed=8)
        t = time.perf_counter()
        import pyarrow.csv as pacsv

        rows_read = pacsv.read_csv(subjects).num_rows
        baseline = time.perf_counter() - t
        runs = ([("before", args.before, 9_999_998)] if args.before else []) + [("this tree", None, 9_999_999)]
        for label, sources, number in runs:
            took, peak = _upload(settings, key, headers, subjects, number, sources)
            print(f"| {rows_read:,}-row upload received and validated (s), {label} | {took:.1f} | pyarrow reads "
                  f"it in {baseline:.1f} s | {took / baseline:.1f} |")
            print(f"| server peak memory (GiB), {label} | {peak:.2f} | | |")


def _signed(key, numbers, count: int) -> list[bytes]:
    """``count`` single-subject requests, signed and serialised, numbered on from ``numbers``."""
    bodies = [json.dumps(_request(next(numbers), key)).encode() for _ in range(count)]
    bodies.reverse()  # taken from the end: the lowest numbers first
    return bodies


def _throughput(settings: Settings, key, headers: dict[str, str], args: argparse.Namespace, numbers,
                label: str, sources: str | None) -> None:
    # more than the fastest rate this machine could reach; past it, requests are signed as they go
    bodies = _signed(key, numbers, int(args.seconds * 400))
    port = _free_port()
    server = _serve(settings, port, sources=sources, workers=args.workers)
    api = f"http://127.0.0.1:{port}"
    try:
        health, submitting, reading = Phase(server.pid), Phase(server.pid), Phase(server.pid)
        health_rate, health_lat = health.run(lambda http: http.get(f"{api}/health"), args.seconds / 2, args.threads)
        lock = threading.Lock()
        sending = dict(headers, **{"Content-Type": "application/json"})

        def submit(http: httpx.Client) -> None:
            with lock:
                body = bodies.pop() if bodies else None
                n = None if body is not None else next(numbers)
            if body is None:
                body = json.dumps(_request(n, key)).encode()
            response = http.post(f"{api}/requests", content=body, headers=sending)
            assert response.status_code == 201, response.text
        submit_rate, _ = submitting.run(submit, args.seconds, args.threads)

        def status(http: httpx.Client) -> None:
            assert http.get(f"{api}/requests/DHS-ICE/BENCH-0000001", headers=headers).status_code == 200
        _, status_lat = reading.run(status, args.seconds / 2, args.threads)

        print(f"| single-subject submissions/s, {label} | {submit_rate:,.0f} | {health_rate:,.0f} calls/s "
              f"(GET /health) | {submit_rate / health_rate:.2f} |")
        print(f"| status read p50 / p99 (ms), {label} | {_p(status_lat, 50):.1f} / {_p(status_lat, 99):.1f} | "
              f"{_p(health_lat, 50):.1f} / {_p(health_lat, 99):.1f} | {_p(status_lat, 99) / _p(health_lat, 99):.1f} |")
        for name, phase in (("a submission", submitting), ("a status read", reading)):
            print(f"| CPU per call, {name}: server / client (ms), {label} | {phase.server_ms:.1f} / "
                  f"{phase.client_ms:.1f} | {health.server_ms:.1f} / {health.client_ms:.1f} (GET /health) | "
                  f"{phase.server_ms / health.server_ms:.1f} |", flush=True)
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
