"""``ftigate submit REQUEST.json``: take a signed request into the gateway."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.markup import escape

from ftigate.cli.context import console, settings
from ftigate.cli.render import findings_table, progress_bar
from ftigate.service.requests.submit import submit_request_file

#: this module's commands, registered on the ``ftigate`` command by :mod:`ftigate.cli.main`
app = typer.Typer()


@app.command("submit")
def submit(ctx: typer.Context, request: Path = typer.Argument(..., help="The signed request (JSON).")) -> None:
    """Submit a signed request: judged by the same rules as `ftigate check`, stored in one transaction."""
    with progress_bar() as progress:
        result = submit_request_file(settings(ctx), request, progress=progress)
    d = result.decision
    ref = escape(result.ref)  # the requester's own agency and request id, shown as written
    if result.duplicate:
        console.print(f"{ref} was already submitted with the same content; it is {result.state}.")
    else:
        console.print(findings_table(d.findings, title=f"{result.ref}: {d.decision}"))
        console.print(f"{ref} is [bold]{result.state}[/] (policy {d.policy_version}; "
                      f"subjects {d.total}: {d.valid} valid, {d.invalid} invalid)")
    raise typer.Exit(1 if result.state == "rejected" else 0)
