"""``ftigate accounting ...``: the accounting of disclosures (26 U.S.C. 6103(p)(3)(A)).

``export`` writes one row per disclosure (it holds TINs: it is the IRS's own record, not the log);
``open`` lets an authorised overseer see the accounting record behind a ledger commitment and
confirms the two agree. The opening itself is recorded in the ledger.
"""

from __future__ import annotations

import codecs
import json
import sys
from pathlib import Path

import typer
from rich.markup import escape
from rich.table import Table

from ftigate.cli.context import console, err_console, parse_date, principal, remote, remote_as, settings
from ftigate.cli.render import progress_bar
from ftigate.client import Client
from ftigate.errors import InputError
from ftigate.service.oversight import accounting
from ftigate.tabular import PRIVATE, file_atomic, write_csv

#: this module's commands, registered on the ``ftigate`` command by :mod:`ftigate.cli.main`
app = typer.Typer()

accounting_app = typer.Typer(help="The accounting of disclosures (26 U.S.C. 6103(p)(3)(A)): export it, open a "
                                  "ledger commitment against it.", no_args_is_help=True)
app.add_typer(accounting_app, name="accounting")


@accounting_app.command("export")
def export(ctx: typer.Context,
           out: Path | None = typer.Option(None, "--out", help="Write here (CSV, or Parquet for .parquet); "
                                              "default: CSV on standard output."),
           first: str | None = typer.Option(None, "--from", help="Only disclosures made on or after this day (YYYY-MM-DD)."),
           last: str | None = typer.Option(None, "--to", help="Only disclosures made on or before this day (YYYY-MM-DD).")) -> None:
    """Write the accounting of disclosures: date, taxpayer, agency and officers, authority, request, fields, ledger entry.

    With ``--server``, as an overseer: the gateway sends it as CSV and records the reading in its ledger."""
    client = remote(ctx)
    if client is not None:
        _export_remote(client, out, first, last)
        return
    s = settings(ctx)
    start = parse_date(first, "--from") if first else None
    end = parse_date(last, "--to") if last else None
    accounting.check_period(start, end)
    if out is None:
        write_csv(sys.stdout, accounting.ACCOUNTING_COLUMNS, accounting.iter_accounting(s, start, end))
        sys.stdout.flush()
        return
    with progress_bar() as update:
        count = accounting.export_accounting(s, out, start, end, progress=update)
    err_console.print(f"wrote {count:,} accounting records to {out}", highlight=False)


class _Stdout:
    """Standard output as a byte sink: its binary buffer when it has one, else its text (a test's capture).
    A chunk may end inside a character, so the text side decodes incrementally."""

    def __init__(self) -> None:
        self.decoder = codecs.getincrementaldecoder("utf-8")()

    def write(self, data: bytes, /) -> int:
        binary = getattr(sys.stdout, "buffer", None)
        if binary is not None:
            binary.write(data)
        else:
            sys.stdout.write(self.decoder.decode(data))
        return len(data)


def _export_remote(client: Client, out: Path | None, first: str | None, last: str | None) -> None:
    start = parse_date(first, "--from") if first else None
    end = parse_date(last, "--to") if last else None
    accounting.check_period(start, end)  # refused here, before the gateway records a reading
    begin, finish = (d.isoformat() if d else None for d in (start, end))
    with client:
        if out is None:
            sys.stdout.flush()
            client.accounting(_Stdout(), begin, finish)
            sys.stdout.flush()
            return
        if out.suffix.lower() != ".csv":
            raise InputError("with --server the accounting comes as CSV: name a .csv file", field="--out")
        with file_atomic(out, mode=PRIVATE) as sink:  # it names every taxpayer disclosed about
            client.accounting(sink, begin, finish)
    err_console.print(f"wrote the accounting to {out}", highlight=False)


@accounting_app.command("open")
def open_(ctx: typer.Context,
          reference: str = typer.Argument(..., help="A ledger index (of a disclosure.made entry, or a disclosures.made entry of one record) or a commitment (64 hex digits)."),
          as_: str | None = typer.Option(None, "--as", help="Your staff id (checked against your token); an overseer's."),
          as_json: bool = typer.Option(False, "--json", help="Print the result as JSON.")) -> None:
    """For an authorised overseer: show the accounting record behind a ledger commitment, and check they agree."""
    client = remote_as(ctx, as_)
    if client is not None:
        with client:
            opened = client.open_commitment(reference)
    else:
        opening = accounting.open_commitment(settings(ctx), reference, principal(ctx, as_))
        opened = {"ok": opening.ok, "opens": opening.opens, "entry_agrees": opening.entry_agrees,
                  "commitment": opening.commitment, "ledger_index": opening.ledger_index,
                  "accounting_id": opening.accounting_id, "incident": opening.incident,
                  "record": opening.record, "entry": opening.entry.to_json() if opening.entry else None}
    if as_json:
        console.print_json(json.dumps(opened, default=str))
    else:
        table = Table(title=f"Accounting record {opened['accounting_id']}", title_justify="left", show_header=False)
        table.add_column("field")
        table.add_column("value", overflow="fold")
        for key, value in opened["record"].items():
            table.add_row(key, escape(", ".join(value) if isinstance(value, list) else str(value)))
        table.add_row("ledger entry", str(opened["ledger_index"]))
        table.add_row("commitment", opened["commitment"])
        table.add_row("incident", opened["incident"] or "")
        console.print(table)
        console.print("[green]the record opens the commitment[/]" if opened["opens"] else
                      "[bold red]the record does NOT open the commitment: the accounting record was altered[/]")
        console.print("[green]the ledger entry carries this commitment[/]" if opened["entry_agrees"] else
                      "[bold red]the ledger entry does NOT carry this commitment[/]")
    if not opened["ok"]:
        raise typer.Exit(1)
