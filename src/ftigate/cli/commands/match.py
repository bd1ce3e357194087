"""``ftigate match``: resolve a subjects file against the taxpayer master file.

The engine the request lifecycle uses, as a command: CSV or Parquet in, the contract's
match-results format out (``subject_id,outcome,tin,match_probability``). The trained model is
cached in the data directory (``DATA_DIR/match``), keyed by the master file's hash; it is trained
from the master file alone, and the command prints its digest and the master file's.
"""

from __future__ import annotations

from pathlib import Path

import typer

from ftigate.cli.context import console, settings
from ftigate.cli.render import progress_bar
from ftigate.errors import InputError
from ftigate.identity import ENGINES, MatchingModel, resolve, write_results

#: this module's commands, registered on the ``ftigate`` command by :mod:`ftigate.cli.main`
app = typer.Typer()


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
    models: list[MatchingModel] = []
    with progress_bar() as progress:
        counts = write_results(resolve(master, subjects, engine=engine, work_dir=work_dir, progress=progress,
                                       resources=settings(ctx).matching, on_model=models.append), out)
    total = sum(counts.values())
    summary = ", ".join(f"{outcome} {counts.get(outcome, 0)}" for outcome in ("match", "no_match", "ambiguous", "invalid"))
    console.print(f"wrote {total} results to {out}: {summary}", highlight=False)
    for model in models:  # none when no subject was valid: nothing was scored
        console.print(f"model {model.parameters.version} sha256 {model.sha256}", highlight=False)
        console.print(f"master file sha256 {model.master_sha256}", highlight=False)
