"""``ftigate review list|show|approve|deny``: the disclosure officer's review."""

from __future__ import annotations

import typer
from rich.markup import escape
from rich.table import Table

from ftigate.cli.context import console, settings
from ftigate.cli.render import findings_table
from ftigate.service.requests import queries
from ftigate.service.requests.lifecycle import ref_of
from ftigate.service.requests.review import review

#: this module's commands, registered on the ``ftigate`` command by :mod:`ftigate.cli.main`
app = typer.Typer()

review_app = typer.Typer(help="Review validated requests: approve or deny, with a written reason.",
                         no_args_is_help=True)
app.add_typer(review_app, name="review")


@review_app.command("list")
def list_(ctx: typer.Context, all_: bool = typer.Option(False, "--all", help="Every request, not only those awaiting review.")) -> None:
    """Requests awaiting review (or all of them)."""
    table = Table(title="Requests")
    for col in ("request", "state", "decision", "subjects", "valid", "received"):
        table.add_column(col)
    for r in queries.requests(settings(ctx), None if all_ else ("awaiting_review", "awaiting_second_approval")):
        table.add_row(escape(ref_of(r)), r["state"], r["decision"], str(r["subjects_total"]),
                      str(r["subjects_valid"]), r["received_at"].strftime("%Y-%m-%d %H:%M"))
    console.print(table)


@review_app.command("show")
def show(ctx: typer.Context, request: str = typer.Argument(..., help="AGENCY/REQUEST_ID")) -> None:
    """A request's findings, reviews and events."""
    detail = queries.request_detail(settings(ctx), request)
    r = detail["request"]
    console.print(f"[bold]{escape(request)}[/]: {r['state']} (rules said {r['decision']}, policy {r['policy_version']}, "
                  f"registry v{r['registry_version']})")
    console.print(findings_table(detail["findings"]))
    for rv in detail["reviews"]:
        console.print(f"review: {rv['decision']} by {escape(rv['reviewer'])} ({rv['role']}) at {rv['at']:%Y-%m-%d %H:%M}: "
                      f"{escape(rv['reason'])}")
    for e in detail["events"]:
        console.print(f"event #{e['ledger_index']}: {e['kind']} by {escape(e['actor'])} at {e['at']:%Y-%m-%d %H:%M:%S}")


def _decide(ctx: typer.Context, request: str, reviewer: str, reason: str, decision: str) -> None:
    out = review(settings(ctx), request, reviewer, decision, reason)
    more = f" ({out.approvals} of {out.approvals_needed} approvals)" if decision == "approve" else ""
    console.print(f"{escape(request)} is now [bold]{out.state}[/]{more}")


@review_app.command("approve")
def approve(ctx: typer.Context, request: str = typer.Argument(..., help="AGENCY/REQUEST_ID"),
            reviewer: str = typer.Option(..., "--as", help="Your staff id."),
            reason: str = typer.Option(..., "--reason", help="The written reason (required).")) -> None:
    """Approve a request awaiting review."""
    _decide(ctx, request, reviewer, reason, "approve")


@review_app.command("deny")
def deny(ctx: typer.Context, request: str = typer.Argument(..., help="AGENCY/REQUEST_ID"),
         reviewer: str = typer.Option(..., "--as", help="Your staff id."),
         reason: str = typer.Option(..., "--reason", help="The written reason (required).")) -> None:
    """Deny a request awaiting review."""
    _decide(ctx, request, reviewer, reason, "deny")
