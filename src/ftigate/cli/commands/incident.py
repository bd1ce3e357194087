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

from ftigate.cli.context import console, err_console, parse_date, principal, remote, remote_as, settings
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


def _clock_line(view: incidents.IncidentView | dict) -> str:
    shown = view.to_json() if isinstance(view, incidents.IncidentView) else view
    style = STATUS_STYLE[shown["status"]]
    return f"identified {shown['identified_at']}, deadline {shown['deadline']}: [{style}]{shown['clock']}[/]"


@incident_app.command("record")
def record(ctx: typer.Context,
           kind: str = typer.Option(..., "--kind", help=f"One of: {', '.join(incidents.KINDS)}."),
           description: str = typer.Option(..., "--description", help="What happened (kept in the store; the ledger "
                                            "holds only a commitment to it)."),
           as_: str | None = typer.Option(None, "--as", help="Your staff id (checked against your token)."),
           entry: list[int] = typer.Option([], "--entry", help="Ledger index of disclosures concerned (a batch's entry: "
                                           "all its disclosures); repeat for several."),
           record_: list[str] = typer.Option([], "--record", help="Commitment of an accounting record concerned (the "
                                             "accounting export lists them); repeat for several."),
           request: list[str] = typer.Option([], "--request", help="AGENCY/REQUEST_ID: every disclosure of that request."),
           identified_at: str | None = typer.Option(None, "--identified-at", help="When the incident was identified "
                                                      "(ISO 8601; UTC if no offset). Default: now. Starts the 24-hour clock.")) -> None:
    """Record a wrong or unauthorized disclosure: mark its accounting records, append it to the ledger."""
    when = _datetime(identified_at, "--identified-at") if identified_at else None
    client = remote_as(ctx, as_)
    if client is not None:
        with client:
            shown = client.record_incident(kind=kind, description=description, entries=entry, requests=request,
                                           records=record_,
                                           identified_at=when.isoformat() if when else None)
        already = 0
    else:
        view = incidents.record_incident(settings(ctx), kind=kind, description=description, by=principal(ctx, as_),
                                         entries=entry, requests=request, records=record_, identified_at=when)
        shown, already = view.to_json(), view.already_marked
    records = shown["records"]
    console.print(f"recorded incident [bold]{shown['id']}[/] ({shown['kind']}) covering {records:,} disclosure"
                  f"{'s' if records != 1 else ''}", highlight=False)
    if already:
        console.print(f"{already:,} of them already carried an earlier incident's mark; this incident's "
                      "ledger entries cover them too", highlight=False)
    console.print(_clock_line(shown), highlight=False, soft_wrap=True)
    console.print(f"next: ftigate incident report {shown['id']}", highlight=False)


@incident_app.command("report")
def report(ctx: typer.Context,
           incident_id: str = typer.Argument(..., help="The incident, e.g. INC-2025-0001."),
           as_: str | None = typer.Option(None, "--as", help="Your staff id (checked against your token)."),
           show: bool = typer.Option(False, "--print", help="Also print the whole report.")) -> None:
    """Produce the report to the IRS Office of Safeguards and the inspector general (due within 24 hours)."""
    client = remote_as(ctx, as_)
    if client is not None:
        with client:
            answer = client.report_incident(incident_id)
        text, first, where, shown = answer["report"], answer["first"], "kept on the gateway", answer
    else:
        result = incidents.report_incident(settings(ctx), incident_id, principal(ctx, as_))
        text, first, where = result.text, result.first, f"written to {result.path}"
        shown = result.incident.to_json()
    if show:
        console.out(text, highlight=False)
    console.print(f"incident [bold]{shown['id']}[/]: report to the IRS Office of Safeguards and the inspector general "
                  f"{where}", highlight=False, soft_wrap=True)
    console.print(_clock_line(shown), highlight=False, soft_wrap=True)
    if not first:
        err_console.print("it had been reported before; the report was produced again, the clock unchanged",
                          highlight=False)


@incident_app.command("notice")
def notice(ctx: typer.Context,
           incident_id: str = typer.Argument(..., help="The incident, e.g. INC-2025-0001."),
           as_: str | None = typer.Option(None, "--as", help="Your staff id (checked against your token)."),
           charge: str = typer.Option(..., "--charge", help="The criminal charge: " + "; ".join(incidents.NOTICE_CHARGES)),
           charged_on: str = typer.Option(..., "--charged-on", help="The day the person was charged (YYYY-MM-DD).")) -> None:
    """Produce the taxpayer notices 26 U.S.C. 7431(e) requires once a person is criminally charged."""
    day = parse_date(charged_on, "--charged-on")
    client = remote_as(ctx, as_)
    if client is not None:
        with client:
            notices = int(client.incident_notice(incident_id, charge, day.isoformat())["notices"])
        where = "written on the gateway, in its data directory's notices/" + incident_id
    else:
        result = incidents.notify_taxpayers(settings(ctx), incident_id, principal(ctx, as_), charge, day)
        notices, where = result.notices, f"written to {result.directory}"
    console.print(f"incident [bold]{incident_id}[/]: {notices:,} taxpayer notice"
                  f"{'s' if notices != 1 else ''} under {incidents.NOTICE_CITATION} {where} "
                  "(they name the taxpayers: send them, do not copy them elsewhere)", highlight=False, soft_wrap=True)


@incident_app.command("list")
def list_(ctx: typer.Context, as_json: bool = typer.Option(False, "--json", help="Print as JSON.")) -> None:
    """Every incident, with its 24-hour clock."""
    client = remote(ctx)
    if client is not None:
        with client:
            views = client.incidents()
    else:
        views = [v.to_json() for v in incidents.list_incidents(settings(ctx))]
    if as_json:
        console.print_json(json.dumps(views))
        return
    table = Table(title="Incidents", title_justify="left")
    for name in ("incident", "kind", "identified", "deadline", "clock", "disclosures", "notice"):
        table.add_column(name, justify="right" if name == "disclosures" else "left", overflow="fold")
    for v in views:
        style = STATUS_STYLE[v["status"]]
        table.add_row(v["id"], v["kind"], v["identified_at"], v["deadline"], f"[{style}]{v['clock']}[/]",
                      f"{v['records']:,}", "produced" if v["taxpayer_notice"] else "")
    if not views:
        table.caption = "no incident recorded"
    console.print(table)
