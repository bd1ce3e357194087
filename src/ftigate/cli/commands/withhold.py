"""``ftigate withhold load FILE``: the disclosure officers' withhold list (26 U.S.C. 6103(i)(6)).

The file is CSV or Parquet with the columns ``tin,ground`` (ground ``informant`` or
``tax_investigation``). A matched taxpayer on the list is never disclosed; the requester is told
only "no record". TINs are read from a file, never typed on the command line, so they stay out of
shell histories and process lists.
"""

from __future__ import annotations

from pathlib import Path

import typer

from ftigate.cli.context import console, principal, remote_as, settings
from ftigate.service.admin import withholding

#: this module's commands, registered on the ``ftigate`` command by :mod:`ftigate.cli.main`
app = typer.Typer()

withhold_app = typer.Typer(help="The withhold list: taxpayers never disclosed (26 U.S.C. 6103(i)(6)).",
                           no_args_is_help=True)
app.add_typer(withhold_app, name="withhold")


@withhold_app.command("load")
def load(ctx: typer.Context,
         file: Path = typer.Argument(..., help="CSV or Parquet with the columns tin,ground "
                                               f"(ground: {' or '.join(withholding.GROUNDS)})."),
         as_: str | None = typer.Option(None, "--as", help="Your staff id (checked against your token).")) -> None:
    """Add the file's taxpayers to the withhold list; all of them or, on any bad row, none."""
    client = remote_as(ctx, as_)
    if client is not None:
        with client:
            answer = client.withhold_load(file)
        added, already, by_ground = answer["added"], answer["already"], answer["grounds"]
    else:
        result = withholding.load_withhold_list(settings(ctx), file, principal(ctx, as_))
        added, already, by_ground = result.added, result.already, result.grounds
    grounds = ", ".join(f"{n:,} {ground}" for ground, n in sorted(by_ground.items()))
    console.print(f"withhold list: {added:,} taxpayer(s) added" + (f" ({grounds})" if grounds else "")
                  + (f"; {already:,} already on it" if already else ""), highlight=False)
