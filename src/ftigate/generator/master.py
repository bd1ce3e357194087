"""The taxpayer master file: N synthetic people over several tax periods, streamed to disk.

People are made in chunks of :data:`CHUNK_PEOPLE` (see ``households``) and each chunk is written
as it is made, so memory stays flat however large the file. Beside the master file goes its list
of hard cases (``cases_path``): the father-and-son, twin and namesake pairs, which request batches
draw on and which the master format itself has no column for.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow.compute as pc

from ftigate.errors import InputError
from ftigate.formats import MASTER_COLUMNS
from ftigate.generator.households import CASE_COLUMNS, build_chunk
from ftigate.generator.names import pools
from ftigate.generator.tins import CAPACITY
from ftigate.generator.writer import TableWriter, string_schema
from ftigate.progress import Progress

#: people per chunk: the unit of memory, of the random streams, and of Parquet row groups
CHUNK_PEOPLE = 200_000
DEFAULT_PERIODS: tuple[int, ...] = (2021, 2022, 2023, 2024)


@dataclass(frozen=True)
class MasterSummary:
    """What :func:`generate_master` wrote."""

    path: Path
    cases_path: Path
    people: int
    rows: int
    periods: tuple[int, ...]
    seed: int
    #: hard-case pairs by kind: father_son, twin, twin_near, namesake
    hard_cases: dict[str, int] = field(default_factory=dict)


def cases_path(master: Path | str) -> Path:
    """Where the hard cases of a master file are kept: ``master.parquet`` -> ``master.cases.parquet``."""
    master = Path(master)
    return master.with_name(f"{master.stem}.cases{master.suffix}")


def check_periods(periods: Sequence[int]) -> tuple[int, ...]:
    """Tax periods as a sorted tuple of distinct years; refuses anything else."""
    try:
        years = tuple(sorted({int(p) for p in periods}))
    except (TypeError, ValueError):
        raise InputError(f"tax periods must be years, got {list(periods)!r}", field="periods") from None
    if not years:
        raise InputError("at least one tax period is needed", field="periods")
    bad = [y for y in years if not 1900 <= y <= 2100]
    if bad:
        raise InputError(f"{bad[0]} is not a plausible tax year (1900-2100)", field="periods")
    return years


def generate_master(
    out: Path, people: int, *, seed: int = 0, periods: Sequence[int] = DEFAULT_PERIODS,
    progress: Progress | None = None,
) -> MasterSummary:
    """Write a master file of ``people`` synthetic taxpayers to ``out`` (Parquet, or CSV by suffix).

    Same ``seed``, ``people`` and ``periods`` give a byte-identical file. ``progress`` is told
    ("people", written so far, ``people``) after each chunk.
    """
    out = Path(out)
    if isinstance(people, bool) or not isinstance(people, int) or people <= 0:
        raise InputError(f"the number of people must be a positive whole number, got {people!r}", field="people")
    if people > CAPACITY:
        raise InputError(f"at most {CAPACITY:,} people fit the synthetic TIN range", field="people")
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise InputError(f"the seed must be a whole number >= 0, got {seed!r}", field="seed")
    years = check_periods(periods)
    name_pools = pools()
    kinds: Counter[str] = Counter()
    case_file = cases_path(out)
    master = TableWriter(out, string_schema(MASTER_COLUMNS))
    cases = TableWriter(case_file, string_schema(CASE_COLUMNS))
    try:
        done = 0
        for number, start in enumerate(range(0, people, CHUNK_PEOPLE)):
            size = min(CHUNK_PEOPLE, people - start)
            chunk = build_chunk(name_pools, seed=seed, chunk=number, start=start, people=size, periods=years)
            master.write(chunk.rows)
            cases.write(chunk.cases)
            counts = pc.value_counts(chunk.cases.column("kind")).to_pylist()
            kinds.update({c["values"]: c["counts"] for c in counts})
            done += size
            if progress is not None:
                progress("people", done, people)
    except BaseException:
        master.abort()
        cases.abort()
        raise
    master.close()
    cases.close()
    return MasterSummary(
        path=out, cases_path=case_file, people=people, rows=master.rows, periods=years, seed=seed,
        hard_cases={kind: kinds.get(kind, 0) for kind in ("father_son", "twin", "twin_near", "namesake")},
    )
