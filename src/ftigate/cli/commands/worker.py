"""``ftigate worker``: run queued jobs; ``ftigate jobs``: where they stand."""

from __future__ import annotations

import typer
from rich.markup import escape
from rich.table import Table

from ftigate.cli.context import console, err_console, settings
from ftigate.service.requests import jobs
from ftigate.service.requests.worker import work

#: this module's commands, registered on the ``ftigate`` command by :mod:`ftigate.cli.main`
app = typer.Typer()


@app.command("worker")
def worker(ctx: typer.Context,
           once: bool = typer.Option(False, "--once", help="Run one job (if any is queued), then stop."),
           idle_exit: float | None = typer.Option(None, "--idle-exit", min=0,
                                                  help="Stop after this many seconds with no job to run."),
           poll: float = typer.Option(1.0, "--poll", min=0.05, help="Seconds between looks at an empty queue."),
           lease: float = typer.Option(jobs.LEASE_SECONDS, "--lease", min=1,
                                       help="Seconds a claim holds without renewal (a dead worker's job "
                                            "is taken over after this long).")) -> None:
    """Take validation, matching and disclosure jobs from the queue and run them, one at a time."""
    summary = work(settings(ctx), once=once, idle_exit=idle_exit, poll=poll, lease_seconds=lease,
                   started=lambda job: err_console.print(f"job {job}: started"))
    for job in summary.done:
        console.print(f"job {job}: done")
    for job, error in summary.failed.items():
        console.print(f"job {job}: failed: {escape(error)}")
    if not summary.done and not summary.failed:
        console.print("no job to run")
    if summary.failed:
        raise typer.Exit(1)


@app.command("jobs")
def jobs_(ctx: typer.Context, request: str | None = typer.Argument(None, help="AGENCY/REQUEST_ID: its latest job"),
          active: bool = typer.Option(False, "--active", help="Only queued and running jobs.")) -> None:
    """Where the queue's jobs stand: state, stage, progress, subjects decided."""
    if request is not None:
        one = jobs.request_progress(settings(ctx), request)
        rows = [one] if one is not None else []
    else:
        rows = jobs.list_progress(settings(ctx), ("queued", "running") if active else None)
    table = Table(title="jobs")
    for column in ("job", "kind", "request", "state", "stage", "progress", "decided", "attempts", "error"):
        table.add_column(column)
    for p in rows:
        table.add_row(str(p.job), p.kind, escape(p.request or ""), p.state, p.stage or "",
                      f"{p.fraction:.0%}" if p.fraction is not None else "",
                      f"{p.subjects_decided:,}/{p.subjects_valid:,}" if p.subjects_valid is not None else "",
                      str(p.attempts), escape(p.error or ""))
    console.print(table)
