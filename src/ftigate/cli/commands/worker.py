"""``ftigate worker``: run queued jobs; ``ftigate jobs``: where they stand; ``ftigate queue``: queue one."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
from rich.markup import escape
from rich.table import Table

from ftigate.cli.context import console, err_console, local_only, principal, remote, settings
from ftigate.errors import ConfigurationError
from ftigate.service.requests import jobs, queued
from ftigate.service.requests.disclose import start_disclosure
from ftigate.service.requests.worker import QUEUED_FOLDER, queue_validation, work

#: this module's commands, registered on the ``ftigate`` command by :mod:`ftigate.cli.main`
app = typer.Typer()

queue_app = typer.Typer(help="Queue a job for `ftigate worker`: validating a signed request, or matching and "
                             "disclosing an approved one; see the uploads waiting for a worker.", no_args_is_help=True)
app.add_typer(queue_app, name="queue")


@app.command("worker")
def worker(ctx: typer.Context,
           once: bool = typer.Option(False, "--once", help="Run one job (if any is queued), then stop."),
           idle_exit: float | None = typer.Option(None, "--idle-exit", min=0,
                                                  help="Stop after this many seconds with no job to run."),
           poll: float = typer.Option(1.0, "--poll", min=0.05, help="Seconds between looks at an empty queue."),
           lease: float = typer.Option(jobs.LEASE_SECONDS, "--lease", min=1,
                                       help="Seconds a claim holds without renewal (a dead worker's job "
                                            "is taken over after this long).")) -> None:
    """Take validation, matching and disclosure jobs from the queue and run them, one at a time.

    A worker works on the gateway's own store, on its own machine: it takes no --server."""
    local_only(ctx, "a worker")
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
    client = remote(ctx)
    rows: list[dict[str, Any]]
    if client is not None:
        with client:
            rows = [client.progress(request)] if request is not None else client.jobs(active)
    elif request is not None:
        one = jobs.request_progress(settings(ctx), request)
        rows = [one.to_json()] if one is not None else []
    else:
        rows = [p.to_json() for p in jobs.list_progress(settings(ctx), ("queued", "running") if active else None)]
    table = Table(title="jobs")
    for column in ("job", "kind", "request", "state", "stage", "progress", "decided", "attempts", "error"):
        table.add_column(column)
    for p in rows:
        fraction, valid = p.get("fraction"), p.get("subjects_valid")
        table.add_row(str(p["job"]), p["kind"], escape(p.get("request") or ""), p["state"], p.get("stage") or "",
                      f"{fraction:.0%}" if fraction is not None else "",
                      f"{p.get('subjects_decided') or 0:,}/{valid:,}" if valid is not None else "",
                      str(p["attempts"]), escape(p.get("error") or ""))
    console.print(table)


def _queued(job: dict[str, Any], what: str) -> None:
    console.print(f"job {job['job']} ({job['kind']}{', ' + escape(job['request']) if job.get('request') else ''}): "
                  f"{job['state']}; {what}. Follow it with `ftigate jobs`.", highlight=False)


@queue_app.command("validate")
def queue_validate(ctx: typer.Context,
                   request: Path = typer.Argument(..., help="The signed request file (its subjects file beside it).")) -> None:
    """Queue a signed request to be validated and stored by a worker, as `ftigate submit` stores it.

    Locally the worker reads the file where it is (leave it there until the job is done); with
    ``--server`` the request and its subjects file are uploaded and wait on the gateway, as the
    requesting official whose agency token is given."""
    client = remote(ctx)
    if client is not None:
        with client:
            job = client.queue_validation(request)
    else:
        job = jobs.job_progress(settings(ctx), queue_validation(settings(ctx), request)).to_json()
    _queued(job, "a worker validates and stores it")


@queue_app.command("disclose")
def queue_disclose(ctx: typer.Context, request: str = typer.Argument(..., help="AGENCY/REQUEST_ID (approved)"),
                   master: Path = typer.Option(..., "--master", help="The taxpayer master file (CSV or Parquet; "
                                                                     "with --server, a path on the gateway)."),
                   engine: str = typer.Option("duckdb", "--engine", help="duckdb | spark")) -> None:
    """Queue the matching and disclosure of an approved request for a worker, as a proven officer.

    As the disclosure officer or supervisor whose token is given; the job already queued, if any, is
    shown instead. Unlike `ftigate disclose`, it does not run the job here."""
    client = remote(ctx)
    if client is not None:
        with client:
            job = client.disclose(request, str(master), engine)
    else:
        number = start_disclosure(settings(ctx), request, master, by=principal(ctx), engine=engine)
        if number is None:
            console.print(f"{escape(request)} is already disclosed: there is nothing to queue", highlight=False)
            return
        job = jobs.job_progress(settings(ctx), number).to_json()
    _queued(job, "a worker matches and discloses it")


@queue_app.command("cancel")
def queue_cancel(ctx: typer.Context, job: int = typer.Argument(..., help="The job number `ftigate queue validate` gave.")) -> None:
    """Cancel a validation you queued over HTTP, before a worker takes it up: its files go and nothing
    of it is stored. As the requesting official who queued it (their agency token), with --server."""
    client = remote(ctx)
    if client is None:
        raise ConfigurationError("a validation queued over HTTP is cancelled through the API, as the official "
                                 "who queued it: give --server URL and your agency token")
    with client:
        cancelled = client.cancel_job(job)
    console.print(f"job {cancelled['job']}: {cancelled['state']}; its uploaded files are removed", highlight=False)


@queue_app.command("uploads")
def queue_uploads(ctx: typer.Context,
                  purge: bool = typer.Option(False, "--purge", help="Remove the stale ones (never one whose job is "
                                                                    "queued or running).")) -> None:
    """The validations uploaded over HTTP that wait in the data directory's queued/ folder, and the stale ones.

    An upload waits there as long as its job is queued: until a worker takes it. Stale: its job is
    closed, or no job names it and it is over a day old. On the gateway's own machine only; --purge
    as an administrator, with their own token, and recorded in the ledger (``uploads.purged``)."""
    s = settings(ctx)
    by = principal(ctx) if purge else None  # removing files is an administrator's act, in the ledger
    uploads = queued.queued_uploads(s)
    removed = {u.folder for u in queued.purge_stale(s, by)} if by is not None else set()
    table = Table(title=f"{len(uploads)} upload(s) in {QUEUED_FOLDER}/")
    for col in ("folder", "job", "state", "last written (UTC)", "bytes", ""):
        table.add_column(col)
    for u in uploads:
        note = "removed" if u.folder in removed else ("stale" if u.stale else "waits for a worker")
        table.add_row(u.folder, str(u.job or "-"), u.state or "no job", f"{u.modified:%Y-%m-%d %H:%M}",
                      f"{u.size:,}", note)
    console.print(table)
    stale = sum(u.stale for u in uploads)
    if purge:
        console.print(f"{len(removed)} stale upload(s) removed", highlight=False)
    elif stale:
        err_console.print(f"{stale} stale upload(s): remove them with `ftigate queue uploads --purge`", highlight=False)
