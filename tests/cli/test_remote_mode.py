"""``ftigate --server URL …``: the command line acts through the HTTP API with the person's own token
(``$FTIGATE_TOKEN`` or a private ``--token-file``), against ``ftigate serve``'s app on loopback; a
command the API does not offer is refused rather than done locally."""

from __future__ import annotations

import socket
import sys
import threading
import time
from pathlib import Path

import pytest
import uvicorn

import proven

sys.path.insert(0, str(Path(__file__).parents[1] / "web"))
from api_world import serve

from ftigate.service.requests import queries
from ftigate.settings import Settings
from ftigate.web.app import create_app


@pytest.fixture
def server(data_dir, world):
    settings = Settings(data_dir=data_dir)
    served = serve(settings, world)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    config = uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning")
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    for _ in range(100):
        if running.started:
            break
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", served
    running.should_exit = True
    thread.join(timeout=10)


def test_submit_and_dual_control_through_the_api(cli, server, world, tmp_path):
    url, served = server
    path = world.write(world.request(), name="remote.json")
    sent = cli("--server", url, "submit", path, token=served.tokens["ice-director"])
    assert sent.exit_code == 0, sent.stderr
    ref = "DHS-ICE/ICE-2025-000017"
    assert ref in sent.stdout and "awaiting_review" in sent.stdout
    again = cli("--server", url, "submit", path, token=served.tokens["ice-director"])
    assert again.exit_code == 0 and "already submitted" in again.stdout

    # no token: nothing is sent; the official's token cannot review
    assert "--as alone proves nothing" in cli("--server", url, "review", "approve", ref, "--reason", "x").stderr
    refused = cli("--server", url, "review", "approve", ref, "--reason", "x", token=served.tokens["ice-director"])
    assert refused.exit_code == 1 and "HTTP 403" in refused.stderr

    token_file = tmp_path / "do-1.token"
    token_file.write_text(served.tokens["do-1"], encoding="utf-8")
    token_file.chmod(0o644)
    loose = cli("--server", url, "--token-file", token_file, "review", "approve", ref, "--reason", "ok")
    assert loose.exit_code == 2 and "chmod 600" in loose.stderr
    token_file.chmod(0o600)
    approved = cli("--server", url, "--token-file", token_file, "review", "approve", ref, "--reason", "meets it")
    assert approved.exit_code == 0, approved.stderr
    assert "approved" in approved.stdout
    assert queries.requests(served.settings)[0]["state"] == "approved"


def test_what_the_api_does_not_offer_is_refused_not_done_locally(cli, server):
    url, served = server
    refused = cli("--server", url, "staff", "token", "do-1", token=served.tokens[proven.ADMIN])
    assert refused.exit_code == 2 and "not offered by the HTTP API" in refused.stderr
    unreachable = cli("--server", "http://127.0.0.1:9", "review", "approve", "A/B", "--reason", "x",
                      token=served.tokens["do-1"])
    assert unreachable.exit_code == 1 and "no answer" in unreachable.stderr and "Traceback" not in unreachable.stderr
