"""``ftigate disclose REQUEST --master FILE``: match, disclose and deliver an approved request."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.markup import escape

from ftigate.cli.context import console, settings
from ftigate.cli.render import counts_table, progress_bar
from ftigate.service.requests.disclose import disclose as run_disclose

#: this module's commands, registered on the ``ftigate`` command by :mod:`ftigate.cli.main`
app = typer.Typer()


@app.command("disclose")
def disclose(ctx: typer.Context, request: str = typer.Argument(..., help="AGENCY/REQUEST_ID (approved)"),
             master: Path = typer.Option(..., "--master", help="The taxpayer master file (CSV or Parquet)."),
             engine: str = typer.Option("duckdb", "--engine", help="duckdb | spark")) -> None:
    """Resolve identity, disclose only confident unique matches, seal the package. Resumable."""
    with progress_bar() as progress:
        # the request's disclosure job, run here; if a worker has it already, wait for that worker
        summary = run_disclose(settings(ctx), request, master, engine=engine, wait=True, progress=progress)
    console.print(counts_table(f"{escape(request)}: outcomes", summary.outcomes))
    console.print(f"{escape(request)} is [bold]{summary.state}[/]: {summary.disclosures:,} disclosure(s)"
                  + (f"; package {summary.package_id} at {summary.package_path}" if summary.package_id else ""))
