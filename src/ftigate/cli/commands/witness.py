"""``ftigate witness ...``: what an overseer runs on their own machine, with their own key.

The witness keeps the last checkpoint it cosigned for each log it follows. It cosigns a new one
only after checking a consistency proof from the old; shown a rewritten or forked log it refuses,
says so, and keeps the evidence. Its state lives in ``--state`` (default ``$FTIGATE_WITNESS_HOME``,
else ``./ftigate-witness``), never in the gateway's data directory.
"""

from __future__ import annotations

import sys
from pathlib import Path

import typer
from rich.table import Table

from ftigate.cli.context import console, read_text, settings, write_or_print
from ftigate.service.log import witness as witness_service

#: this module's commands, registered on the ``ftigate`` command by :mod:`ftigate.cli.main`
app = typer.Typer()

witness_app = typer.Typer(help="Witness a log: cosign checkpoints that extend the last one seen, refuse forks.",
                          no_args_is_help=True)
app.add_typer(witness_app, name="witness")


def _state(ctx: typer.Context, value: Path | None) -> Path:
    """``--state``, else the configured witness home (``$FTIGATE_WITNESS_HOME``, else ./ftigate-witness)."""
    return value or settings(ctx).witness_home


STATE = typer.Option(None, "--state", help="The witness's own state directory (default $FTIGATE_WITNESS_HOME, "
                                           "else ./ftigate-witness).")


@witness_app.command("init")
def init(ctx: typer.Context, name: str = typer.Option(..., "--name", help="The witness's name, e.g. oversight.tigta.example/witness."),
         log: list[str] = typer.Option(..., "--log", help="Verifier key of a log to follow. Repeat for several."),
         state: Path | None = STATE) -> None:
    """Create the witness's key (first time) and follow the given logs; prints the witness's verifier key."""
    console.print(witness_service.init(_state(ctx, state), name, log), highlight=False, soft_wrap=True)


@witness_app.command("vkey")
def vkey(ctx: typer.Context, state: Path | None = STATE) -> None:
    """Print the witness's cosignature verifier key (give it to the gateway and to other overseers)."""
    console.print(witness_service.vkey_of(_state(ctx, state)), highlight=False, soft_wrap=True)


@witness_app.command("add-checkpoint")
def add_checkpoint(ctx: typer.Context, request: Path = typer.Argument(..., help="A tlog-witness add-checkpoint request ('-' for stdin)."),
                   out: Path | None = typer.Option(None, "--out", help="Write the cosignature here."),
                   state: Path | None = STATE) -> None:
    """Check the request's consistency proof against the checkpoint last cosigned; cosign or refuse."""
    body = sys.stdin.read() if str(request) == "-" else read_text(request)
    write_or_print(witness_service.submit(_state(ctx, state), body), out, "the cosignature")


@witness_app.command("cosign")
def cosign(ctx: typer.Context, directory: Path = typer.Argument(..., help="An exported tlog-tiles directory of a log this witness follows."),
           out: Path | None = typer.Option(None, "--out", help="Write the cosignature here."),
           state: Path | None = STATE) -> None:
    """Cosign an exported log's checkpoint if it extends the one last cosigned (proof from its own tiles)."""
    write_or_print(witness_service.cosign_directory(_state(ctx, state), directory), out, "the cosignature")


@witness_app.command("show")
def show(ctx: typer.Context, state: Path | None = STATE) -> None:
    """The logs this witness follows and the last checkpoint it cosigned for each."""
    table = Table(title="Witnessed logs")
    for col in ("origin", "size", "root"):
        table.add_column(col, overflow="fold")
    for held in witness_service.held(_state(ctx, state)):
        table.add_row(held.origin, f"{held.size:,}", held.root or "(nothing cosigned yet)")
    console.print(table)
