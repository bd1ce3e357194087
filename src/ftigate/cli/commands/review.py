"""``ftigate review list|show|approve|deny``: the disclosure officer's review."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from typing import Any

import typer
from rich.markup import escape
from rich.text import Text

from ftigate.cli.context import console, principal, remote, remote_as, settings
from ftigate.cli.render import findings_overview
from ftigate.service.requests import queries
from ftigate.service.requests.lifecycle import ref_of
from ftigate.service.requests.review import review
from ftigate.wording import counted

#: this module's commands, registered on the ``ftigate`` command by :mod:`ftigate.cli.main`
app = typer.Typer()

review_app = typer.Typer(help="Review validated requests: approve or deny, with a written reason.",
                         no_args_is_help=True)
app.add_typer(review_app, name="review")


@review_app.command("list")
def list_(ctx: typer.Context, all_: bool = typer.Option(False, "--all", help="Every request, not only those awaiting review.")) -> None:
    """Requests awaiting review (or all of them)."""
    client = remote(ctx)
    if client is not None:
        with client:
            rows: Sequence[Mapping[str, Any]] = [_summary_row(r) for r in (client.requests() if all_ else client.queue())]
    else:
        rows = queries.requests(settings(ctx), None if all_ else ("awaiting_review", "awaiting_second_approval"))
    console.print(Text(f"{counted(len(rows), 'request')}" + ("" if all_ else " awaiting review"), style="bold"))
    for r in rows:
        # one line each, wrapped between words: a reference is never cut, whatever the terminal's width
        console.print(Text(f"{ref_of(r)}  {r['state']}  (rules said {r['decision']})  {r['subjects_valid']:,} of "
                           f"{counted(r['subjects_total'], 'subject')} valid  received {r['received_at']:%Y-%m-%d %H:%M}"))


@review_app.command("show")
def show(ctx: typer.Context, request: str = typer.Argument(..., help="AGENCY/REQUEST_ID"),
         show_all: bool = typer.Option(False, "--all", help="List every finding, each subject's included."),
         as_json: bool = typer.Option(False, "--json", help="Print the request, findings, reviews and events as JSON.")) -> None:
    """A request's review flags and findings (subjects summarised by rule), reviews and events."""
    client = remote(ctx)
    if client is not None:
        with client:
            detail = _detail(client.request(request))
    else:
        detail = queries.request_detail(settings(ctx), request)
    if as_json:
        typer.echo(json.dumps(detail, default=str, ensure_ascii=False))
        return
    r = detail["request"]
    console.print(f"[bold]{escape(request)}[/]: {r['state']} (rules said {r['decision']}, policy {r['policy_version']}, "
                  f"registry v{r['registry_version']})")
    for part in findings_overview(detail["findings"], show_all=show_all):
        console.print(part)
    for rv in detail["reviews"]:
        console.print(f"review: {rv['decision']} by {escape(rv['reviewer'])} ({rv['role']}) at {rv['at']:%Y-%m-%d %H:%M}: "
                      f"{escape(rv['reason'])}")
    for e in detail["events"]:
        console.print(f"event #{e['ledger_index']}: {e['kind']} by {escape(e['actor'])} at {e['at']:%Y-%m-%d %H:%M:%S}")


def _summary_row(r: Mapping[str, Any]) -> dict[str, Any]:
    """A request summary of the API (``GET /requests``, ``/review/queue``) as the store's row reads."""
    agency, _, request_id = str(r["request"]).partition("/")
    return {**r, "agency": agency, "request_id": request_id,
            "received_at": dt.datetime.fromisoformat(str(r["received_at"]))}


def _detail(answer: dict[str, Any]) -> dict[str, Any]:
    """The API's request detail (``GET /requests/AGENCY/ID``) in the shape the store's detail has."""
    reviews = [{**rv, "at": dt.datetime.fromisoformat(rv["at"])} for rv in answer.pop("reviews", [])]
    events = [{**e, "at": dt.datetime.fromisoformat(e["at"])} for e in answer.pop("events", [])]
    findings = answer.pop("findings", [])
    outcomes, package = answer.pop("outcomes", None), answer.pop("package", None)
    return {"request": _summary_row(answer), "findings": findings, "reviews": reviews, "events": events,
            "outcomes": outcomes, "package": package}


def _decide(ctx: typer.Context, request: str, reviewer: str | None, reason: str, decision: str) -> None:
    client = remote_as(ctx, reviewer)
    if client is not None:  # through the API, as the token's holder (the server checks --as is not needed)
        with client:
            answer = client.review(request, decision, reason)
        state, approvals, needed = answer["state"], answer["approvals"], answer["approvals_needed"]
    else:
        out = review(settings(ctx), request, principal(ctx, reviewer), decision, reason)
        state, approvals, needed = out.state, out.approvals, out.approvals_needed
    more = f" ({approvals} of {needed} approvals)" if decision == "approve" else ""
    console.print(f"{escape(request)} is now [bold]{state}[/]{more}")


@review_app.command("approve")
def approve(ctx: typer.Context, request: str = typer.Argument(..., help="AGENCY/REQUEST_ID"),
            reviewer: str | None = typer.Option(None, "--as", help="Your staff id (checked against your token)."),
            reason: str = typer.Option(..., "--reason", help="The written reason (required).")) -> None:
    """Approve a request awaiting review, as the person whose token is given ($FTIGATE_TOKEN or --token-file)."""
    _decide(ctx, request, reviewer, reason, "approve")


@review_app.command("deny")
def deny(ctx: typer.Context, request: str = typer.Argument(..., help="AGENCY/REQUEST_ID"),
         reviewer: str | None = typer.Option(None, "--as", help="Your staff id (checked against your token)."),
         reason: str = typer.Option(..., "--reason", help="The written reason (required).")) -> None:
    """Deny a request awaiting review, as the person whose token is given ($FTIGATE_TOKEN or --token-file)."""
    _decide(ctx, request, reviewer, reason, "deny")
