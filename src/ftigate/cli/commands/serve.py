"""``ftigate serve``: the HTTP API (FastAPI, served by uvicorn), in one process or several."""

from __future__ import annotations

import os
import socket

import typer

from ftigate.cli.context import settings
from ftigate.errors import ConfigurationError

#: this module's commands, registered on the ``ftigate`` command by :mod:`ftigate.cli.main`
app = typer.Typer()


@app.command("serve")
def serve(ctx: typer.Context, host: str = typer.Option("127.0.0.1", "--host"),
          port: int = typer.Option(8000, "--port", min=1, max=65535, help="A TCP port, 1 to 65535."),
          workers: int = typer.Option(1, "--workers", min=1, max=64,
                                      help="Server processes sharing the port (1 to 64; about one per core)."),
          access_log: bool = typer.Option(False, "--access-log/--no-access-log",
                                          help="A line on standard output for every call (off by default).")) -> None:
    """Serve the HTTP API of this data directory to both agencies and the staff, each with their own
    token (`ftigate staff token`, `ftigate registry token`; OpenAPI docs at /docs), and the staff console at / for people who sign in (`ftigate staff password`,
    `ftigate staff totp`).

    Without ``--access-log`` uvicorn writes no line per call: what a call did that matters is in the
    ledger (who submitted, read evidence, was refused), and formatting and writing a line for each of
    hundreds of calls a second costs the server as much CPU as a tenth of a submission."""
    import uvicorn

    from ftigate.service.store_access import engine
    from ftigate.web.app import create_app

    cfg = settings(ctx)
    if workers == 1:
        uvicorn.run(create_app(cfg), host=host, port=port, access_log=access_log)
        return
    # the schema is brought up to date here, once, before any worker opens the store; each worker then
    # reads the same settings from the environment (the data directory is the only one given on the line)
    engine(cfg)
    os.environ["FTIGATE_HOME"] = str(cfg.data_dir.resolve())
    from uvicorn.supervisors import Multiprocess

    # a worker has 30 s to start and to answer the supervisor's checks (5 s by default): on a busy
    # machine importing the app takes longer, and a slow worker would be killed and started again
    config = uvicorn.Config("ftigate.web.app:app_from_environment", factory=True, host=host, port=port,
                            workers=workers, timeout_worker_healthcheck=30, access_log=access_log)
    Multiprocess(config, sockets=[_listening(host, port)]).run()


def _listening(host: str, port: int) -> socket.socket:
    """The socket the workers share, opened as TCP by name: on the one uvicorn opens for its workers
    asyncio does not turn Nagle's algorithm off, and every small response then waits for the client's
    delayed acknowledgement (about 40 ms)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise ConfigurationError(f"cannot listen on {host}:{port}: {exc.strerror}") from None
    sock.set_inheritable(True)
    return sock
