"""Rich renderings shared by several commands."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from rich.table import Table

STYLE = {"pass": "green", "fail": "bold red", "review": "yellow"}


def findings_table(findings: Iterable[Any], title: str = "Findings", limit: int = 60) -> Table:
    """Non-pass findings first; per-subject passes are summarised, not listed."""
    table = Table(title=title, show_lines=False)
    for col in ("outcome", "rule", "citation", "subject", "message"):
        table.add_column(col, overflow="fold")
    rows = [f if isinstance(f, Mapping) else f.to_json() for f in findings]
    rows = [r for r in rows if not (r["outcome"] == "pass" and r.get("subject_id"))]
    rows.sort(key=lambda r: {"fail": 0, "review": 1, "pass": 2}[r["outcome"]])
    for r in rows[:limit]:
        table.add_row(f"[{STYLE[r['outcome']]}]{r['outcome']}[/]", r["rule"], r["citation"],
                      r.get("subject_id") or "", r["message"])
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
