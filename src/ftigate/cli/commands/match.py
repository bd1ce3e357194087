"""``ftigate match``: resolve a subjects file against the taxpayer master file.

The engine the request lifecycle uses, as a command: CSV or Parquet in, the contract's
match-results format out (``subject_id,outcome,tin,match_probability``). The trained model is
cached in the data directory (``DATA_DIR/match``), keyed by the master file's hash.
"""

from __future__ import annotations

from pathlib import Path

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from ftigate.cli.context import console, err_console, settings
from ftigate.cli.main import app
from ftigate.errors import InputError
from ftigate.identity import ENGINES, resolve, write_results


@app.command("match")
def match(
    ctx: typer.Context,
    master: Path = typer.Option(..., "--master", help="Taxpayer master file (CSV or Parquet)."),
    subjects: Path = typer.Option(..., "--subjects", help="Subjects of a request (CSV or Parquet)."),
    out: Path = typer.Option(..., "--out", help="Where to write the match results (.csv or .parquet)."),
    engine: str = typer.Option("duckdb", "--engine", help="duckdb (one machine) or spark."),
) -> None:
    """Match each subject: a confident, unique match with its address confirmed, or no disclosure."""
    if engine not in ENGINES:
        raise InputError(f"unknown engine '{engine}': use one of {', '.join(ENGINES)}", field="--engine")
    for path in (master, subjects):
        if not path.exists():
            raise InputError("no such file", file=str(path))
    work_dir = settings(ctx).data_dir / "match"
    with Progress(TextColumn("{task.description:<22}"), BarColumn(), TextColumn("{task.percentage:>3.0f}%"),
                  TimeElapsedColumn(), console=err_console, transient=True) as bar:
        tasks: dict[str, object] = {}

        def progress(stage: str, fraction: float) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=1.0)
            bar.update(tasks[stage], completed=fraction)  # type: ignore[arg-type]

        counts = write_results(resolve(master, subjects, engine=engine, work_dir=work_dir, progress=progress,
                                       resources=settings(ctx).matching), out)
    total = sum(counts.values())
    summary = ", ".join(f"{outcome} {counts.get(outcome, 0)}" for outcome in ("match", "no_match", "ambiguous", "invalid"))
    console.print(f"wrote {total} results to {out}: {summary}", highlight=False)
