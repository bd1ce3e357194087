"""``ftigate serve`` writes no line per call unless asked (``--access-log``): what a call did that
matters is in the ledger, and a line per call costs the server CPU at hundreds of calls a second."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

import httpx
import pytest


def _served_log(data_dir, tmp_path, *options: str) -> str:
    """What the server wrote (uvicorn writes its access log to standard output) while answering two calls."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if k != "FTIGATE_DATABASE_URL"}
    log_path = tmp_path / "serve.log"
    with log_path.open("wb") as log:
        server = subprocess.Popen([sys.executable, "-c", "from ftigate.cli.main import main; main()", "--data-dir",
                                   str(data_dir), "serve", "--port", str(port), *options],
                                  env=env, stdout=log, stderr=log)
    try:
        for _ in range(600):
            if "Application startup complete" in log_path.read_text(errors="replace"):
                break
            assert server.poll() is None, log_path.read_text(errors="replace")
            time.sleep(0.1)
        else:
            pytest.fail("the server did not start")
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as http:
            assert http.get("/health").status_code == 200
            assert http.get("/requests").status_code == 401
    finally:
        server.terminate()
        server.wait(timeout=60)
    return log_path.read_text(errors="replace")


@pytest.mark.parametrize("options, logged", [((), False), (("--no-access-log",), False), (("--access-log",), True)])
def test_a_line_per_call_only_with_access_log(data_dir, tmp_path, options, logged):
    text = _served_log(data_dir, tmp_path, *options)
    assert "Application startup complete" in text
    assert ('"GET /health HTTP/1.1" 200' in text) is logged
    assert ('"GET /requests HTTP/1.1" 401' in text) is logged
