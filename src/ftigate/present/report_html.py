"""The reports as one self-contained HTML page each: inline CSS, inline SVG charts, no scripts.

An overseer may open the page on a machine with no network, attach it to a filing, or print it:
nothing is fetched when it is viewed. The charts are drawn here as SVG (horizontal bars for
categories, columns for days) rather than by a charting library, which would either load
JavaScript from the network or embed megabytes of it. Every figure a chart shows is also in a
table beside it, so the page reads without the pictures.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from html import escape
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from ftigate.law.after_disclosure import ACCOUNTING_CITATION, ANNUAL_CITATION
from ftigate.service.oversight.reports import AnnualReport, PeriodReport
from ftigate.tabular import write_file_atomic

PALETTE = ("#1f5f8b", "#c8553d", "#588157", "#8d6a9f", "#d4a017", "#4a4e69")
_FONT = "font-family:system-ui,-apple-system,'Segoe UI',sans-serif;font-size:12px"


def _environment() -> Environment:
    env = Environment(loader=PackageLoader("ftigate.present", "templates"),
                      autoescape=select_autoescape(["html", "j2"]), trim_blocks=True, lstrip_blocks=True)
    env.filters["n"] = lambda value: f"{value:,}"
    return env


def bar_chart(title: str, items: Sequence[tuple[str, int]], colour: str = PALETTE[0], width: int = 540) -> Markup:
    """Horizontal bars, one per (label, value), largest first; an empty chart says so."""
    items = [(label, value) for label, value in items if value]
    row, label_w, top = 22, 200, 28
    height = top + max(1, len(items)) * row + 8
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" style="{_FONT}"><title>{escape(title)}</title>',
             f'<text x="0" y="16" font-weight="600">{escape(title)}</text>']
    if not items:
        parts.append(f'<text x="0" y="{top + 14}" fill="#666">none in this period</text>')
    peak = max((v for _, v in items), default=1)
    bar_space = width - label_w - 70
    for i, (label, value) in enumerate(items):
        y = top + i * row
        length = max(2.0, bar_space * value / peak)
        shown = label if len(label) <= 30 else label[:29] + "\u2026"
        parts.append(f'<text x="{label_w - 6}" y="{y + 14}" text-anchor="end"><title>{escape(label)}</title>'
                     f'{escape(shown)}</text>')
        parts.append(f'<rect x="{label_w}" y="{y + 3}" width="{length:.1f}" height="{row - 8}" fill="{colour}" rx="2"/>')
        parts.append(f'<text x="{label_w + length + 5:.1f}" y="{y + 14}">{value:,}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))  # nosec B704  # labels and titles are escaped above; numbers are formatted here


def day_chart(title: str, days: Sequence[tuple[dt.date, int]], first: dt.date, last: dt.date,
              colour: str = PALETTE[0], width: int = 540, height: int = 170) -> Markup:
    """One column per day of the period (at most 120 columns; longer periods are drawn by week)."""
    counts = dict(days)
    span = (last - first).days + 1
    step = 1 if span <= 120 else 7
    buckets: list[tuple[dt.date, int]] = []
    day = first
    while day <= last:
        buckets.append((day, sum(counts.get(day + dt.timedelta(days=k), 0) for k in range(step)
                                 if day + dt.timedelta(days=k) <= last)))
        day += dt.timedelta(days=step)
    left, top, bottom = 44, 28, 22
    plot_w, plot_h = width - left - 8, height - top - bottom
    peak = max((v for _, v in buckets), default=0) or 1
    col = plot_w / max(1, len(buckets))
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" style="{_FONT}"><title>{escape(title)}</title>',
             f'<text x="0" y="16" font-weight="600">{escape(title)}{" (by week)" if step > 1 else ""}</text>',
             f'<line x1="{left}" y1="{top + plot_h}" x2="{width - 8}" y2="{top + plot_h}" stroke="#999"/>',
             f'<text x="{left - 4}" y="{top + 8}" text-anchor="end" fill="#666">{peak:,}</text>',
             f'<text x="{left - 4}" y="{top + plot_h}" text-anchor="end" fill="#666">0</text>']
    for i, (d, value) in enumerate(buckets):
        if value:
            h = max(1.5, plot_h * value / peak)
            parts.append(f'<rect x="{left + i * col + 1:.1f}" y="{top + plot_h - h:.1f}" width="{max(1.0, col - 2):.1f}" '
                         f'height="{h:.1f}" fill="{colour}"><title>{d.isoformat()}: {value:,}</title></rect>')
    parts.append(f'<text x="{left}" y="{height - 6}" fill="#666">{first.isoformat()}</text>')
    parts.append(f'<text x="{width - 8}" y="{height - 6}" text-anchor="end" fill="#666">{last.isoformat()}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))  # nosec B704  # titles are escaped above; the rest are numbers and dates


def period_html(report: PeriodReport) -> str:
    """The period report as a self-contained page."""
    charts = {
        "requests_by_agency": bar_chart("Requests received, by agency",
                                        [(g.key, g.requests) for g in report.agencies], PALETTE[0]),
        "disclosures_by_agency": bar_chart("Disclosures made, by agency",
                                           [(g.key, g.disclosures) for g in report.agencies], PALETTE[2]),
        "requests_by_statute": bar_chart("Requests received, by statute under investigation",
                                         [(g.key, g.requests) for g in report.statutes], PALETTE[3]),
        "rejections": bar_chart("Requests rejected, by rule failed",
                                [(r.rule, r.count) for r in report.rejection_reasons], PALETTE[1]),
        "subject_rejections": bar_chart("Subjects rejected one by one, by rule failed",
                                        [(r.rule, r.count) for r in report.subject_reasons],
                                        PALETTE[1]),
        "received_days": day_chart("Requests received per day", [(d.day, d.received) for d in report.days],
                                   report.first, report.last, PALETTE[0]),
        "disclosure_days": day_chart("Disclosures made per day", [(d.day, d.disclosures) for d in report.days],
                                     report.first, report.last, PALETTE[2]),
    }
    template = _environment().get_template("period_report.html.j2")
    return template.render(r=report, charts=charts, accounting_citation=ACCOUNTING_CITATION,
                           generated=report.generated_at.isoformat(timespec="seconds").replace("+00:00", "Z"))


def annual_html(report: AnnualReport) -> str:
    """The 6103(p)(3)(C) annual report as a self-contained page."""
    charts = {
        "requests": bar_chart("Requests, by agency", [(a.agency, a.requests) for a in report.agencies], PALETTE[0]),
        "disclosures": bar_chart("Instances of disclosure, by agency",
                                 [(a.agency, a.disclosures) for a in report.agencies], PALETTE[2]),
        "taxpayers": bar_chart("Taxpayers whose information was disclosed, by agency",
                               [(a.agency, a.taxpayers) for a in report.agencies], PALETTE[3]),
    }
    template = _environment().get_template("annual_report.html.j2")
    return template.render(r=report, charts=charts, citation=ANNUAL_CITATION,
                           generated=report.generated_at.isoformat(timespec="seconds").replace("+00:00", "Z"))


def write_page(html: str, path: Path) -> None:
    """Write a page atomically (a crash leaves the previous file or none, never half a page)."""
    write_file_atomic(path, html)
