"""``ftigate demo``: the whole flow end to end on synthetic data (SQLite and DuckDB)."""

from __future__ import annotations

import time

import typer
from rich.markup import escape
from rich.table import Table

from ftigate.cli.context import console, settings
from ftigate.demo import run_demo

#: this module's commands, registered on the ``ftigate`` command by :mod:`ftigate.cli.main`
app = typer.Typer()


@app.command("demo")
def demo(ctx: typer.Context,
         people: int = typer.Option(100_000, "--people", min=1000, help="People in the synthetic master file."),
         subjects: int = typer.Option(10_000, "--subjects", min=10, help="Subjects in the demo request."),
         seed: int = typer.Option(2025, "--seed")) -> None:
    """Generate, register, sign, submit, validate, review, match, disclose, deliver; print a summary."""
    started = time.perf_counter()
    def step(message: str) -> None:
        console.print(f"[dim]{time.perf_counter() - started:6.1f}s[/] {message}")
        status.update(message)

    with console.status("starting") as status:
        result = run_demo(settings(ctx), people=people, subjects=subjects, seed=seed, step=step)
    elapsed = time.perf_counter() - started
    if result.state == "rejected":
        console.print(f"[bold red]{result.ref} was rejected[/]: " + "; ".join(result.problems))
        raise typer.Exit(1)
    # the reference is a line of its own, never folded into a narrow table's title
    console.print(f"[bold]{escape(result.ref)}[/]: {result.state}", soft_wrap=True)
    table = Table()
    table.add_column("outcome")
    table.add_column("subjects", justify="right")
    for name, count in sorted(result.outcomes.items()):
        table.add_row(name, f"{count:,}")
    console.print(table)
    times = Table(title="Time", title_justify="left")
    times.add_column("step")
    times.add_column("seconds", justify="right")
    for name, secs in result.timings.items():
        times.add_row(name, f"{secs:.1f}")
    times.add_row("[bold]total[/]", f"[bold]{elapsed:.1f}[/]")
    console.print(times)
    console.print(f"disclosures: {result.disclosures:,}; false disclosures against the generator's truth: "
                  f"[bold]{result.false_disclosures}[/]")
    if result.package:
        console.print(f"sealed package: {result.package}", soft_wrap=True)
    if result.report:
        console.print(f"full report: {result.report}", soft_wrap=True)
    if result.oversight:
        console.print(f"overseers' report (HTML, from a signed tree head): {result.oversight}", soft_wrap=True)
