"""The ``ftigate`` command: one Typer app, each command group in a module of its own.

Every module in :mod:`ftigate.cli.commands` exports its own Typer ``app``; they are registered here,
by name, in one list: adding a command group is adding its module to :data:`COMMAND_MODULES`.

Errors are caught here and only here: an :class:`~ftigate.errors.FtigateError` prints its
diagnostics and exits with its code; nothing else is swallowed.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import typer
from rich.markup import escape
from typer.core import TyperOption

from ftigate import __version__
from ftigate.cli import context
from ftigate.cli.commands import (
    accounting,
    check,
    demo,
    disclose,
    generate,
    incident,
    keys,
    ledger,
    match,
    package,
    registry,
    report,
    review,
    serve,
    sign,
    staff,
    submit,
    withhold,
    witness,
    worker,
)
from ftigate.errors import FtigateError
from ftigate.tabular import PRIVATE_UMASK

_value_type = TyperOption.display_type_rich


def _flag_has_no_value(self: TyperOption, ctx) -> str | None:
    """An on/off flag (``--json``, ``--help``) is shown in --help as its name alone: Typer would print
    ``<bool>`` after it, as if it took a value."""
    return None if self.is_flag and self.metavar is None else _value_type(self, ctx)


TyperOption.display_type_rich = _flag_has_no_value  # type: ignore[method-assign]

app = typer.Typer(
    name="ftigate",
    help="A compliance-first gateway for requests for confidential tax information (26 U.S.C. 6103(i)(2)).",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"ftigate {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    data_dir: Path | None = typer.Option(
        None, "--data-dir", help="Where the gateway keeps its state (else $FTIGATE_HOME, else ./ftigate-data)."
    ),
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Print the version."),
) -> None:
    os.umask(PRIVATE_UMASK)  # whatever a command or the server creates is its owner's alone unless said otherwise
    ctx.obj = context.make_settings(data_dir)


#: the command modules, in the order ``ftigate --help`` lists them: single commands, then groups
COMMAND_MODULES = (check, demo, disclose, match, serve, sign, submit, worker,
                   accounting, generate, incident, keys, ledger, package, registry, report, review, staff, withhold, witness)
for _module in COMMAND_MODULES:
    app.add_typer(_module.app)




def main() -> None:
    """Run the app; usage errors are Typer's (exit 2), deliberate errors ours (their diagnostics)."""
    os.umask(PRIVATE_UMASK)
    try:
        app()  # standalone: prints usage errors and exits with the command's code
    except SystemExit:
        # Rich (a quiet console) or Click (a wrapped stdout) saw the reader close the pipe, as in
        # ``ftigate report ... | head -1``: what it read is what it wanted, and everything else (an
        # --html page) was written before printing began, so the command ends quietly and well
        if context.console.quiet or type(sys.stdout).__name__ == "PacifyFlushWrapper":
            os.dup2(os.open(os.devnull, os.O_WRONLY), 1)
            sys.exit(0)
        raise
    except FtigateError as exc:
        # diagnostics quote what the user gave (a file name, a request reference): shown as written, never as markup
        context.err_console.print(f"[bold red]error:[/] {escape(exc.diagnostics())}", highlight=False, soft_wrap=True)
        sys.exit(exc.exit_code)
