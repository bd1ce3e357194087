"""``ftigate generate master|request``: synthetic master files and request batches with their truth."""

from __future__ import annotations

import time
from pathlib import Path

import typer
from rich.table import Table

from ftigate.cli.context import console
from ftigate.cli.render import progress_bar
from ftigate.errors import InputError
from ftigate.generator import DEFAULT_PERIODS, generate_master, generate_request

#: this module's commands, registered on the ``ftigate`` command by :mod:`ftigate.cli.main`
app = typer.Typer()

generate_app = typer.Typer(
    help="Make synthetic data: a taxpayer master file, and request batches drawn from it.", no_args_is_help=True
)
app.add_typer(generate_app, name="generate")



def _positive(value: int, option: str) -> None:
    if value <= 0:
        raise InputError(f"must be a positive whole number, got {value}", field=option)


def _seed(value: int) -> None:
    if value < 0:
        raise InputError(f"must be a whole number >= 0, got {value}", field="--seed")


def _periods(text: str) -> tuple[int, ...]:
    parts = [p.strip() for p in text.split(",") if p.strip()]
    if not parts or not all(p.isdigit() and len(p) == 4 for p in parts):
        raise InputError(f"must be a comma-separated list of years such as 2021,2022, got '{text}'", field="--periods")
    return tuple(int(p) for p in parts)


@generate_app.command("master")
def master(
    people: int = typer.Option(..., "--people", help="How many taxpayers."),
    out: Path = typer.Option(..., "--out", help="Where to write it (.parquet, or .csv)."),
    seed: int = typer.Option(0, "--seed", help="Same seed and size, same file."),
    periods: str = typer.Option(",".join(map(str, DEFAULT_PERIODS)), "--periods", help="Tax periods, comma-separated."),
) -> None:
    """Write a taxpayer master file of synthetic people, with address histories and hard cases."""
    _positive(people, "--people")
    _seed(seed)
    years = _periods(periods)
    started = time.perf_counter()
    with progress_bar() as progress:
        summary = generate_master(out, people, seed=seed, periods=years, progress=progress)
    seconds = time.perf_counter() - started
    table = Table(title=f"master file {summary.path}", show_header=True)
    table.add_column("what")
    table.add_column("count", justify="right")
    table.add_row("people", f"{summary.people:,}")
    table.add_row("rows (person x tax period)", f"{summary.rows:,}")
    table.add_row("tax periods", ", ".join(map(str, summary.periods)))
    for kind, count in summary.hard_cases.items():
        table.add_row(f"hard case pairs: {kind}", f"{count:,}")
    console.print(table)
    console.print(f"hard cases listed in {summary.cases_path}; took {seconds:.1f} s", highlight=False)


@generate_app.command("request")
def request(
    master_file: Path = typer.Option(..., "--master", help="The master file to draw from."),
    subjects: int = typer.Option(..., "--subjects", help="How many subjects."),
    out: Path = typer.Option(..., "--out", help="Where to write the subjects file (.csv or .parquet)."),
    truth: Path | None = typer.Option(None, "--truth", help="Where to write the truth for each subject."),
    seed: int = typer.Option(0, "--seed", help="Same seed, master and size, same file."),
) -> None:
    """Draw a request batch: clean and noisy taxpayers, people who are not taxpayers, bad rows, hard cases."""
    _positive(subjects, "--subjects")
    _seed(seed)
    if not master_file.is_file():
        raise InputError("no such master file", file=str(master_file), field="--master")
    started = time.perf_counter()
    with progress_bar() as progress:
        summary = generate_request(master_file, out, subjects, seed=seed, truth=truth, progress=progress)
    seconds = time.perf_counter() - started
    table = Table(title=f"request batch {summary.path}", show_header=True)
    table.add_column("kind of row")
    table.add_column("rows", justify="right")
    for kind, count in summary.kinds.items():
        if count:
            table.add_row(kind, f"{count:,}")
    table.add_section()
    for outcome, count in summary.expected.items():
        table.add_row(f"expected {outcome}", f"{count:,}")
    console.print(table)
    for kind, count in summary.shortfall.items():
        console.print(f"note: the master file had too few for {count:,} '{kind}' rows; they are 'clean' instead",
                      highlight=False)
    where = f"; truth in {summary.truth_path}" if summary.truth_path else ""
    console.print(f"wrote {summary.subjects:,} subjects to {summary.path}{where}; took {seconds:.1f} s", highlight=False)
