"""``ftigate serve``: the read-only HTTP API (FastAPI, served by uvicorn)."""

from __future__ import annotations

import typer

from ftigate.cli.context import settings

#: this module's commands, registered on the ``ftigate`` command by :mod:`ftigate.cli.main`
app = typer.Typer()


@app.command("serve")
def serve(ctx: typer.Context, host: str = typer.Option("127.0.0.1", "--host"),
          port: int = typer.Option(8000, "--port", min=1, max=65535, help="A TCP port, 1 to 65535.")) -> None:
    """Serve the read-only HTTP API of this data directory to staff with a token (`ftigate staff token`;
    OpenAPI docs at /docs), and the staff console at / for people who sign in (`ftigate staff password`,
    `ftigate staff totp`)."""
    import uvicorn

    from ftigate.web.app import create_app

    uvicorn.run(create_app(settings(ctx)), host=host, port=port)
