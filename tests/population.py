"""A synthetic population for tests that run the matcher: a master file and a batch of subjects drawn
from it, both from the project's own generator (no real person anywhere)."""

from __future__ import annotations

from pathlib import Path

from ftigate import generator


def synthetic_population(folder: Path, people: int, subjects: int, seed: int,
                         truth: bool = False) -> tuple[Path, Path, Path | None]:
    """``folder``/master.parquet of ``people`` people (``seed``) and ``folder``/subjects.csv, ``subjects``
    drawn from it (``seed + 1``), with the generator's truth.csv beside them if ``truth``: the same
    arguments give the same files."""
    master, batch = folder / "master.parquet", folder / "subjects.csv"
    answers = folder / "truth.csv" if truth else None
    generator.generate_master(master, people, seed=seed)
    generator.generate_request(master, batch, subjects, seed=seed + 1, truth=answers)
    return master, batch, answers
