"""``ftigate incident ...``: a disclosure found wrong or unauthorized, recorded, reported, notified.

``record`` marks the accounting records and appends the incident to the ledger; ``report`` produces
the report to the IRS Office of Safeguards and the inspector general and shows the 24-hour clock
(26 U.S.C. 6103(p)(4); IRS Publication 1075); ``notice`` produces the taxpayer notices 26 U.S.C. 7431(e) requires once a person is
criminally charged (written to files in the data directory: they name the taxpayers); ``list``
shows every incident with its clock.
"""

from __future__ import annotations

import datetime as dt
import json

import typer
from rich.table import Table

from ftigate.cli.context import console, err_console, parse_date, settings
from ftigate.errors import InputError
from ftigate.service.oversight import incidents

#: this module's commands, registered on the ``ftigate`` command by :mod:`ftigate.cli.main`
app = typer.Typer()

incident_app = typer.Typer(help="Incidents: wrong or unauthorized disclosures, their 24-hour report, taxpayer notices.",
                           no_args_is_help=True)
app.add_typer(incident_app, name="incident")

STATUS_STYLE = {"reported on time": "green", "reported late": "bold red", "due": "yellow", "overdue": "bold red"}


def _datetime(text: str, option: str) -> dt.datetime:
    try:
        value = dt.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise InputError(f"'{text}' is not a date and time (ISO 8601, e.g. 2025-08-07T14:30Z)", field=option) from None
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _clock_line(view: incidents.IncidentView) -> str:
    style = STATUS_STYLE[view.clock.status]
    return (f"identified {incidents.stamp(view.identified_at)}, deadline {incidents.stamp(view.clock.deadline)}: "
            f"[{style}]{view.clock.describe()}[/]")


@incident_app.command("record")
def record(ctx: typer.Context,
           kind: str = typer.Option(..., "--kind", help=f"One of: {', '.join(incidents.KINDS)}."),
           description: str = typer.Option(..., "--description", help="What happened (kept in the store; the ledger "
                                            "holds only a commitment to it)."),
           as_: str = typer.Option(..., "--as", help="Your staff id (a disclosure officer or supervisor)."),
           entry: list[int] = typer.Option([], "--entry", help="Ledger index of a disclosure concerned; repeat for several."),
           request: list[str] = typer.Option([], "--request", help="AGENCY/REQUEST_ID: every disclosure of that request."),
           identified_at: str | None = typer.Option(None, "--identified-at", help="When the incident was identified "
                                                      "(ISO 8601; UTC if no offset). Default: now. Starts the 24-hour clock.")) -> None:
    """Record a wrong or unauthorized disclosure: mark its accounting records, append it to the ledger."""
    when = _datetime(identified_at, "--identified-at") if identified_at else None
    view = incidents.record_incident(settings(ctx), kind=kind, description=description, recorded_by=as_,
                                     entries=entry, requests=request, identified_at=when)
    console.print(f"recorded incident [bold]{view.id}[/] ({view.kind}) covering {view.records:,} disclosure"
                  f"{'s' if view.records != 1 else ''}", highlight=False)
    if view.already_marked:
        console.print(f"{view.already_marked:,} of them already carried an earlier incident's mark; this incident's "
                      "ledger entries cover them too", highlight=False)
    console.print(_clock_line(view), highlight=False, soft_wrap=True)
    console.print(f"next: ftigate incident report {view.id} --as {as_}", highlight=False)


@incident_app.command("report")
def report(ctx: typer.Context,
           incident_id: str = typer.Argument(..., help="The incident, e.g. INC-2025-0001."),
           as_: str = typer.Option(..., "--as", help="Your staff id (a disclosure officer or supervisor)."),
           show: bool = typer.Option(False, "--print", help="Also print the whole report.")) -> None:
    """Produce the report to the IRS Office of Safeguards and the inspector general (due within 24 hours)."""
    result = incidents.report_incident(settings(ctx), incident_id, as_)
    view = result.incident
    if show:
        console.out(result.text, highlight=False)
    console.print(f"incident [bold]{view.id}[/]: report to the IRS Office of Safeguards and the inspector general "
                  f"written to {result.path}", highlight=False, soft_wrap=True)
    console.print(_clock_line(view), highlight=False, soft_wrap=True)
    if not result.first:
        err_console.print("it had been reported before; the report was produced again, the clock unchanged",
                          highlight=False)


@incident_app.command("notice")
def notice(ctx: typer.Context,
           incident_id: str = typer.Argument(..., help="The incident, e.g. INC-2025-0001."),
           as_: str = typer.Option(..., "--as", help="Your staff id (a disclosure officer or supervisor)."),
           charge: str = typer.Option(..., "--charge", help="The criminal charge: " + "; ".join(incidents.NOTICE_CHARGES)),
           charged_on: str = typer.Option(..., "--charged-on", help="The day the person was charged (YYYY-MM-DD).")) -> None:
    """Produce the taxpayer notices 26 U.S.C. 7431(e) requires once a person is criminally charged."""
    result = incidents.notify_taxpayers(settings(ctx), incident_id, as_, charge, parse_date(charged_on, "--charged-on"))
    console.print(f"incident [bold]{result.incident}[/]: {result.notices:,} taxpayer notice"
                  f"{'s' if result.notices != 1 else ''} under {incidents.NOTICE_CITATION} written to {result.directory} "
                  "(they name the taxpayers: send them, do not copy them elsewhere)", highlight=False, soft_wrap=True)


@incident_app.command("list")
def list_(ctx: typer.Context, as_json: bool = typer.Option(False, "--json", help="Print as JSON.")) -> None:
    """Every incident, with its 24-hour clock."""
    views = incidents.list_incidents(settings(ctx))
    if as_json:
        console.print_json(json.dumps([v.to_json() for v in views]))
        return
    table = Table(title="Incidents", title_justify="left")
    for name in ("incident", "kind", "identified", "deadline", "clock", "disclosures", "notice"):
        table.add_column(name, justify="right" if name == "disclosures" else "left", overflow="fold")
    for v in views:
        style = STATUS_STYLE[v.clock.status]
        table.add_row(v.id, v.kind, incidents.stamp(v.identified_at), incidents.stamp(v.clock.deadline),
                      f"[{style}]{v.clock.describe()}[/]", f"{v.records:,}", "produced" if v.taxpayer_notice else "")
    if not views:
        table.caption = "no incident recorded"
    console.print(table)
