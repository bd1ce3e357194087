"""Rich renderings shared by several commands.

Text that comes from a request (its agency, request id, statute, the values its findings quote) or
from staff (a review's reason) is the requester's or the author's, not ours: it is shown as written
(:func:`rich.markup.escape`), never read as Rich markup, so "[/]" in a request can neither restyle
the output nor end a command in a traceback.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from rich.console import RenderableType
from rich.markup import escape
from rich.progress import BarColumn, ProgressColumn, Task, TaskID, TextColumn, TimeElapsedColumn
from rich.progress import Progress as RichProgress
from rich.table import Table
from rich.text import Text

from ftigate.cli.context import err_console
from ftigate.progress import Progress
from ftigate.wording import counted

#: the outcomes, worst first, and the Rich style each is shown in
OUTCOMES = ("fail", "review", "pass")
STYLE = dict(zip(OUTCOMES, ("bold red", "yellow", "green"), strict=True))


def findings_table(findings: Iterable[Any], title: str = "Findings", limit: int = 60) -> Table:
    """Non-pass findings first; per-subject passes are summarised, not listed."""
    table = Table(title=escape(title), show_lines=False)
    for col in ("outcome", "rule", "citation", "subject", "message"):
        table.add_column(col, overflow="fold")
    rows = [f if isinstance(f, Mapping) else f.to_json() for f in findings]
    rows = [r for r in rows if not (r["outcome"] == "pass" and r.get("subject_id"))]
    rows.sort(key=lambda r: OUTCOMES.index(r["outcome"]))
    for r in rows[:limit]:
        table.add_row(f"[{STYLE[r['outcome']]}]{r['outcome']}[/]", escape(r["rule"]), escape(r["citation"]),
                      escape(r.get("subject_id") or ""), escape(r["message"]))
    if len(rows) > limit:
        table.caption = f"{len(rows) - limit} more not shown"
    return table


def _line(r: Mapping[str, Any]) -> Text:
    """One finding as a line that wraps between words, never inside a rule id or a reference."""
    line = Text()
    line.append(f"{r['outcome']:<6} ", style=STYLE[r["outcome"]])
    line.append(f"{r['rule']} ({r['citation']})")
    if r.get("subject_id"):
        line.append(f" [subject {r['subject_id']}]")
    line.append(f": {r['message']}")
    return line


def findings_overview(findings: Iterable[Any], *, show_all: bool = False) -> list[RenderableType]:
    """What a reviewer reads first: the review flags with the figures behind them, then the request's
    own findings, then the subjects' findings summarised by rule (every one of them with ``show_all``).

    Text is Rich ``Text`` (never markup), so whatever a request says is shown as written."""
    rows = [f if isinstance(f, Mapping) else f.to_json() for f in findings]
    request_level = [r for r in rows if not r.get("subject_id")]
    subject_level = [r for r in rows if r.get("subject_id") and r["outcome"] != "pass"]
    flags = [r for r in request_level if r["outcome"] == "review"]
    out: list[RenderableType] = [Text("Review flags", style="bold")]
    out += [_line(r) for r in flags] or [Text("none: nothing the law leaves to judgement was flagged")]
    failed = [r for r in request_level if r["outcome"] == "fail"]
    met = [r for r in request_level if r["outcome"] == "pass"]
    out.append(Text(f"Request: {counted(len(failed), 'requirement')} failed, {len(met):,} met", style="bold"))
    out += [_line(r) for r in failed + (met if show_all else [])]
    if subject_level:
        by_rule = Counter((r["rule"], r["citation"], r["outcome"]) for r in subject_level)
        subjects = len({r["subject_id"] for r in subject_level})
        out.append(Text(f"Subjects: {counted(subjects, 'subject')} with findings, by rule", style="bold"))
        table = Table(show_edge=False, box=None, pad_edge=False)
        table.add_column("rule", no_wrap=True)
        table.add_column("outcome", no_wrap=True)
        table.add_column("subjects", justify="right", no_wrap=True)
        table.add_column("citation")
        for (rule, citation, outcome), count in sorted(by_rule.items(), key=lambda kv: (-kv[1], kv[0])):
            table.add_row(Text(rule), Text(outcome, style=STYLE[outcome]), f"{count:,}", Text(citation))
        out.append(table)
        if show_all:
            out += [_line(r) for r in subject_level]
        else:
            out.append(Text("each subject's findings: --all (or --json for everything)", style="dim"))
    return out


def counts_table(title: str, counts: Mapping[str, int], key: str = "outcome") -> Table:
    table = Table(title=title)
    table.add_column(key)
    table.add_column("count", justify="right")
    for name, count in sorted(counts.items()):
        table.add_row(name, f"{count:,}")
    return table


class _Done(ProgressColumn):
    """``done/total`` for counted work (subjects, entries), a percentage for a fraction."""

    def render(self, task: Task) -> Text:
        if task.total is None:
            return Text("")
        if task.total == 1.0:
            return Text(f"{task.percentage:>3.0f}%")
        return Text(f"{task.completed:,.0f}/{task.total:,.0f}")


@contextmanager
def progress_bar() -> Iterator[Progress]:
    """The one rendering of progress: a bar per stage on stderr (standard output stays the
    command's answer, ``--json`` one object), gone when the work is done. Yields the
    :class:`~ftigate.progress.Progress` the long use cases take."""
    columns = (TextColumn("{task.description:<24}"), BarColumn(), _Done(), TimeElapsedColumn())
    with RichProgress(*columns, console=err_console, transient=True) as bar:
        tasks: dict[str, TaskID] = {}

        def update(stage: str, done: float, total: float, /) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=max(total, done, 1e-9))
            bar.update(tasks[stage], completed=done, total=max(total, done, 1e-9))

        yield update
