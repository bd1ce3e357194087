"""``ftigate report``: what overseers ask, for any period, and the annual report of 6103(p)(3)(C).

``ftigate report --from DATE --to DATE [--html FILE] [--json]`` answers "how many requests were
received, how many subjects, how many were rejected and why, how many disclosures were made, to
whom", by agency and by statute, from a checkpoint it signs first and states. With ``--log DIR``
it recounts what the log carries from an exported log instead, without the database.
``ftigate report annual --year YYYY`` is the report to the Joint Committee on Taxation.
With ``--server``, both are asked of the gateway's API (as a supervisor or an overseer) and shown here
as the gateway's own machine shows them.
"""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.markup import escape
from rich.table import Table

from ftigate.cli.context import console, err_console, log_vkey, parse_date, remote, settings
from ftigate.cli.render import progress_bar
from ftigate.errors import InputError
from ftigate.law import after_disclosure
from ftigate.present import report_html
from ftigate.service.oversight import reports
from ftigate.wording import counted

#: this module's commands, registered on the ``ftigate`` command by :mod:`ftigate.cli.main`
app = typer.Typer()

report_app = typer.Typer(help="Reports for overseers: any period (--from/--to), or the annual report (annual).",
                         invoke_without_command=True)
app.add_typer(report_app, name="report")


def _tree_head_lines(head: reports.TreeHead) -> None:
    console.print(f"Computed from the signed tree head: origin [bold]{head.origin}[/], size [bold]{head.size:,}[/], "
                  f"root hash [bold]{head.root}[/]", highlight=False, soft_wrap=True)


def _table(title: str, columns: list[str], rows: list[list[object]]) -> Table:
    """A table whose columns of counts are right-aligned and printed with thousands separators."""
    table = Table(title=title, title_justify="left")
    for i, name in enumerate(columns):
        numeric = bool(rows) and all(isinstance(row[i], int) for row in rows)
        table.add_column(name, justify="right" if numeric else "left", overflow="fold")
    for row in rows:
        table.add_row(*[f"{v:,}" if isinstance(v, int) else escape(str(v)) for v in row])  # requester text as written
    if not rows:
        table.caption = "none in this period"
    return table


def _show_period(r: reports.PeriodReport) -> None:
    console.print(f"[bold]{r.answer}[/]", highlight=False, soft_wrap=True)
    _tree_head_lines(r.tree_head)
    console.print(_table("Totals", ["figure", "count"], [
        ["requests received", r.requests], ["subjects named", r.subjects],
        ["subjects rejected one by one", r.subjects_invalid], ["requests rejected by the rules", r.rejected],
        ["requests denied by a reviewer", r.denied], ["requests approved", r.approved],
        ["disclosures made", r.disclosures], ["taxpayers disclosed about", r.taxpayers],
        ["incidents identified", r.incidents.identified]]))
    group_columns = ["requests", "subjects", "rejected", "denied", "approved", "disclosures", "taxpayers"]
    console.print(_table("By agency", ["agency", *group_columns],
                         [[g.key, *[getattr(g, c) for c in group_columns]] for g in r.agencies]))
    console.print(_table("By statute under investigation", ["statute", *group_columns],
                         [[g.key or "(none given)", *[getattr(g, c) for c in group_columns]] for g in r.statutes]))
    console.print(_table("Requests rejected, and why", ["rule", "citation", "requests"],
                         [[x.rule, x.citation, x.count] for x in r.rejection_reasons]))
    console.print(_table("Subjects rejected one by one, and why", ["rule", "citation", "subjects"],
                         [[x.rule, x.citation, x.count] for x in r.subject_reasons]))
    console.print(_table("To whom", ["agency", "recipient officer", "disclosures", "requests"],
                         [[x.agency, x.officer, x.disclosures, x.requests] for x in r.recipients]))
    i = r.incidents
    console.print(_table("Incidents (24-hour reporting, IRS Publication 1075)",
                         ["identified", "reported within 24 hours", "reported late", "not reported"],
                         [[i.identified, i.reported_on_time, i.reported_late, i.not_reported]]))


def _show_log_figures(f: reports.LogFigures) -> None:
    console.print(f"[bold]Recounted from the exported log alone[/] (verified against its signed checkpoint), "
                  f"{f.first.isoformat()} to {f.last.isoformat()}:", highlight=False, soft_wrap=True)
    _tree_head_lines(f.tree_head)
    console.print(_table("Totals", ["figure", "count"], [[name.replace("_", " "), getattr(f, name)]
                                                          for name in reports.LOG_FIGURES]))
    console.print(_table("By agency", ["agency", *reports.LOG_FIGURES],
                         [[agency, *[counts[c] for c in reports.LOG_FIGURES]] for agency, counts in sorted(f.agencies.items())]))
    console.print(_table("Requests rejected, and why", ["rule (citation)", "requests"],
                         [[k, v] for k, v in sorted(f.rejection_reasons.items(), key=lambda kv: (-kv[1], kv[0]))]))
    console.print(_table("To whom", ["agency and recipient officer", "disclosures"],
                         [[k, v] for k, v in sorted(f.recipients.items())]))


@report_app.callback()
def report(ctx: typer.Context,
           first: str | None = typer.Option(None, "--from", help="First day of the period (YYYY-MM-DD, UTC), included."),
           last: str | None = typer.Option(None, "--to", help="Last day of the period (YYYY-MM-DD, UTC), included."),
           html: Path | None = typer.Option(None, "--html", help="Also write the report as one self-contained HTML page."),
           as_json: bool = typer.Option(False, "--json", help="Print the figures as JSON."),
           log: Path | None = typer.Option(None, "--log", help="Recount from an exported log directory "
                                              "(ftigate ledger export) instead of the database."),
           vkey: str | None = typer.Option(None, "--vkey", help="With --log: the log's verifier key "
                                              "(default: this data directory's own)."),
           witness: list[str] = typer.Option([], "--witness", help="With --log: a witness whose cosignature is required.")) -> None:
    """Requests received, subjects, rejected and why, denied, disclosures made and to whom, for a period."""
    if ctx.invoked_subcommand is not None:
        return
    start, end = parse_date(first, "--from"), parse_date(last, "--to")
    if log is not None:
        if html is not None:
            raise InputError("--html is for the gateway's own report; --log prints the recount", field="--html")
        client = None if vkey else remote(ctx)
        if client is not None:
            with client:
                vkey = log_vkey(ctx, None, client)
        with progress_bar() as update:
            figures = reports.recount_from_log(log, log_vkey(ctx, vkey), start, end, witness, progress=update)
        if as_json:
            console.print_json(json.dumps(figures.to_json()))
        else:
            _show_log_figures(figures)
        return
    client = remote(ctx)
    if client is not None:
        with client:
            result = reports.period_from_json(client.period_report(start.isoformat(), end.isoformat()))
    else:
        result = reports.period_report(settings(ctx), start, end)
    if html is not None:  # first: a reader that stops reading (``| head``) must not cost the page
        report_html.write_page(report_html.period_html(result), html)
        err_console.print(f"wrote the HTML report to {html}", highlight=False)
    if as_json:
        console.print_json(json.dumps(result.to_json(), default=str))
    else:
        _show_period(result)


@report_app.command("annual")
def annual(ctx: typer.Context,
           year: int = typer.Option(..., "--year", help="The calendar year reported on."),
           html: Path | None = typer.Option(None, "--html", help="Also write the report as one self-contained HTML page."),
           as_json: bool = typer.Option(False, "--json", help="Print the figures as JSON.")) -> None:
    """The annual report of 26 U.S.C. 6103(p)(3)(C): per agency, requests, instances of disclosure, taxpayers."""
    client = remote(ctx)
    if client is not None:
        with client:
            result = reports.annual_from_json(client.annual_report(year))
    else:
        result = reports.annual_report(settings(ctx), year)
    if html is not None:
        report_html.write_page(report_html.annual_html(result), html)
        err_console.print(f"wrote the HTML report to {html}", highlight=False)
    if as_json:
        console.print_json(json.dumps(result.to_json(), default=str))
    else:
        console.print(f"[bold]Annual report for {year}[/] ({after_disclosure.ANNUAL_CITATION}; due {result.due_on.isoformat()}): "
                      f"{counted(result.requests, 'request')}, {counted(result.disclosures, 'instance')} of disclosure, "
                      f"{counted(result.taxpayers, 'taxpayer')} disclosed about.", highlight=False, soft_wrap=True)
        _tree_head_lines(result.tree_head)
        console.print(_table("Per agency", ["agency", "requests", "instances of disclosure", "taxpayers", "general purposes"],
                             [[a.agency, a.requests, a.disclosures, a.taxpayers,
                               "; ".join(f"{p.title or p.statute} ({p.statute}): {counted(p.requests, 'request')}, "
                                         f"{counted(p.disclosures, 'disclosure')}" for p in a.purposes)]
                              for a in result.agencies]))
