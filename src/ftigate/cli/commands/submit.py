"""``ftigate submit REQUEST.json``: take a signed request into the gateway."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.markup import escape

from ftigate.cli.context import console, err_console, settings
from ftigate.cli.render import findings_overview, progress_bar
from ftigate.service.requests.submit import submit_request_file
from ftigate.wording import counted

#: this module's commands, registered on the ``ftigate`` command by :mod:`ftigate.cli.main`
app = typer.Typer()


@app.command("submit")
def submit(ctx: typer.Context, request: Path = typer.Argument(..., help="The signed request (JSON)."),
           show_all: bool = typer.Option(False, "--all", help="List every subject's findings, not a summary by rule."),
           as_json: bool = typer.Option(False, "--json", help="Print the reference, state and decision as one JSON object.")) -> None:
    """Submit a signed request: judged by the same rules as `ftigate check`, stored in one transaction."""
    with progress_bar() as progress:
        result = submit_request_file(settings(ctx), request, progress=progress)
    d = result.decision
    ref = escape(result.ref)  # the requester's own agency and request id, shown as written
    if as_json:
        typer.echo(json.dumps({"ref": result.ref, "state": result.state, "duplicate": result.duplicate,
                               **d.to_json()}, ensure_ascii=False))
    elif result.duplicate:
        console.print(f"{ref} was already submitted with the same content; it is {result.state}.")
    else:
        for part in findings_overview(d.findings, show_all=show_all):
            console.print(part)
        console.print(f"{ref} is [bold]{result.state}[/] (policy {d.policy_version}; "
                      f"{counted(d.total, 'subject')}: {d.valid:,} valid, {d.invalid:,} invalid)")
    if result.state == "rejected" and not result.duplicate:
        if result.registry_empty:
            err_console.print(f"the registry was empty when {ref} arrived, so nothing in it could be vouched for. "
                              "Load it (`ftigate registry load FILE`), then sign the request again under a new "
                              "request_id: this one is spent.", highlight=False)
        else:
            err_console.print(f"{ref} is rejected and its request_id is spent: correct the request and sign it "
                              "again under a new request_id.", highlight=False)
    raise typer.Exit(1 if result.state == "rejected" else 0)
