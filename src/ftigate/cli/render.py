"""Rich renderings shared by several commands.

Text that comes from a request (its agency, request id, statute, the values its findings quote) or
from staff (a review's reason) is the requester's or the author's, not ours: it is shown as written
(:func:`rich.markup.escape`), never read as Rich markup, so "[/]" in a request can neither restyle
the output nor end a command in a traceback.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from ftigate.cli.context import err_console

STYLE = {"pass": "green", "fail": "bold red", "review": "yellow"}


def findings_table(findings: Iterable[Any], title: str = "Findings", limit: int = 60) -> Table:
    """Non-pass findings first; per-subject passes are summarised, not listed."""
    table = Table(title=escape(title), show_lines=False)
    for col in ("outcome", "rule", "citation", "subject", "message"):
        table.add_column(col, overflow="fold")
    rows = [f if isinstance(f, Mapping) else f.to_json() for f in findings]
    rows = [r for r in rows if not (r["outcome"] == "pass" and r.get("subject_id"))]
    rows.sort(key=lambda r: {"fail": 0, "review": 1, "pass": 2}[r["outcome"]])
    for r in rows[:limit]:
        table.add_row(f"[{STYLE[r['outcome']]}]{r['outcome']}[/]", escape(r["rule"]), escape(r["citation"]),
                      escape(r.get("subject_id") or ""), escape(r["message"]))
    if len(rows) > limit:
        table.caption = f"{len(rows) - limit} more not shown"
    return table


def counts_table(title: str, counts: Mapping[str, int], key: str = "outcome") -> Table:
    table = Table(title=title)
    table.add_column(key)
    table.add_column("count", justify="right")
    for name, count in sorted(counts.items()):
        table.add_row(name, f"{count:,}")
    return table


@contextmanager
def progress_bar(description: str) -> Iterator[Callable[[int, int], None]]:
    """A progress bar on stderr (standard output stays the command's answer); yields the
    ``progress(done, total)`` callback the service's long use cases take."""
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=err_console, transient=True) as progress:
        task = progress.add_task(description, total=None)

        def update(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        yield update
