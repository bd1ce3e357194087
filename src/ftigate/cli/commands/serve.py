"""``ftigate serve``: the HTTP API (FastAPI, served by uvicorn), in one process or several."""

from __future__ import annotations

import os

import typer

from ftigate.cli.context import settings

#: this module's commands, registered on the ``ftigate`` command by :mod:`ftigate.cli.main`
app = typer.Typer()


@app.command("serve")
def serve(ctx: typer.Context, host: str = typer.Option("127.0.0.1", "--host"),
          port: int = typer.Option(8000, "--port", min=1, max=65535, help="A TCP port, 1 to 65535."),
          workers: int = typer.Option(1, "--workers", min=1, max=64,
                                      help="Server processes sharing the port (1 to 64; about one per core).")) -> None:
    """Serve the HTTP API of this data directory to both agencies and the staff, each with their own
    token (`ftigate staff token`, `ftigate registry token`; OpenAPI docs at /docs), and the staff console at / for people who sign in (`ftigate staff password`,
    `ftigate staff totp`)."""
    import uvicorn

    from ftigate.service.store_access import engine
    from ftigate.web.app import create_app

    cfg = settings(ctx)
    if workers == 1:
        uvicorn.run(create_app(cfg), host=host, port=port)
        return
    # the schema is brought up to date here, once, before any worker opens the store; each worker then
    # reads the same settings from the environment (the data directory is the only one given on the line)
    engine(cfg)
    os.environ["FTIGATE_HOME"] = str(cfg.data_dir.resolve())
    uvicorn.run("ftigate.web.app:app_from_environment", factory=True, host=host, port=port, workers=workers)
