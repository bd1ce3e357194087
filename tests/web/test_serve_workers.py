"""``ftigate serve --workers 2``: two server processes on one port and one store, over real HTTP.
Duplicates sent at once are stored once, distinct requests each once, and the ledger holds one entry
per event, in one tree that its own checkpoint still proves."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time

import httpx
import pytest
from api_world import serve, signed

from ftigate.cli.commands.serve import _listening
from ftigate.service.log import ledger
from ftigate.service.requests import queries
from ftigate.settings import Settings


def test_the_shared_socket_is_tcp_without_nagle():
    sock = _listening("127.0.0.1", 0)
    try:
        assert sock.proto == socket.IPPROTO_TCP  # asyncio turns Nagle off on its connections only then
        assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
    finally:
        sock.close()


def _start(settings: Settings, port: int, log) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k != "FTIGATE_DATABASE_URL"}
    if settings.database_url:
        env["FTIGATE_DATABASE_URL"] = settings.database_url
    return subprocess.Popen([sys.executable, "-c", "from ftigate.cli.main import main; main()", "--data-dir",
                             str(settings.data_dir), "serve", "--port", str(port), "--workers", "2"],
                            env=env, stdout=subprocess.DEVNULL, stderr=log)


@pytest.mark.slow
def test_two_workers_store_each_request_once(store_url, data_dir, world, tmp_path):
    settings = Settings(data_dir=data_dir, database_url=None if store_url.startswith("sqlite") else store_url)
    served = serve(settings, world)
    headers = served.bearer("ice-director")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    log_path = tmp_path / "serve.log"
    with log_path.open("wb") as log:
        server = _start(settings, port, log)
    try:
        for _ in range(1200):
            if log_path.read_text(errors="replace").count("Application startup complete") >= 2:
                break
            assert server.poll() is None, log_path.read_text(errors="replace")
            time.sleep(0.1)
        else:
            pytest.fail("the two workers did not start")
        same = signed(world)
        distinct = [signed(world, world.request(request_id=f"ICE-2025-1{n:05d}")) for n in range(8)]
        start = threading.Barrier(14)
        answers: list[tuple[str, int, dict]] = []

        def send(document: dict, what: str) -> None:
            with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=120) as http:
                start.wait()
                response = http.post("/requests", json=document, headers=headers)
                answers.append((what, response.status_code, response.json()))

        threads = [threading.Thread(target=send, args=(same, "same")) for _ in range(6)]
        threads += [threading.Thread(target=send, args=(d, "distinct")) for d in distinct]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(status for what, status, _ in answers if what == "same") == [200] * 5 + [201], answers
        assert [status for what, status, _ in answers if what == "distinct"] == [201] * 8, answers
    finally:
        server.terminate()
        server.wait(timeout=60)
    assert len(queries.requests(settings)) == 9
    kinds = [ledger.entry(settings, i).to_json()["kind"] for i in range(ledger.tree_size(settings))]
    assert kinds.count("request.received") == 9 and kinds.count("request.awaiting_review") == 9
    ledger.publish_checkpoint(settings)  # refuses a tree its stored tiles do not produce
    assert not ledger.audit(settings).problems
