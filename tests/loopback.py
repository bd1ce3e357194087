"""``ftigate serve``'s app run on a free loopback port in a thread, for tests that talk to a real HTTP server."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn

from ftigate.settings import Settings
from ftigate.web.app import create_app


@contextmanager
def serving(settings: Settings) -> Iterator[str]:
    """The server's base URL while it runs; it is stopped when the block ends. The socket is bound here
    and handed to the server, so no other process can take the port in between; the URL is given only
    once the server has started."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    running = uvicorn.Server(uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=running.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 120
        while not running.started:
            if time.monotonic() > deadline or not thread.is_alive():
                raise RuntimeError("the server did not start")
            time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        running.should_exit = True
        thread.join(timeout=30)
        sock.close()
