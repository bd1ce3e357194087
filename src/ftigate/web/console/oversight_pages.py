"""The oversight dashboard and the period and annual reports, as pages and as downloads."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import HTMLResponse

from ftigate.errors import InputError
from ftigate.present import report_html
from ftigate.service.oversight import dashboard as dashboard_service
from ftigate.service.oversight import reports
from ftigate.service.store_access import now
from ftigate.settings import Settings
from ftigate.web.console.rendering import page
from ftigate.web.console.session import Viewer, allowed


def _date(value: str | None, name: str, default: dt.date) -> dt.date:
    if not value:
        return default
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InputError(f"'{value[:20]}' is not a date (YYYY-MM-DD)", field=name) from None


def _window(first: str | None, last: str | None) -> tuple[dt.date, dt.date]:
    default_first, default_last = dashboard_service.default_window()
    return _date(first, "first", default_first), _date(last, "last", default_last)


def _document(html: str, download: str | None, filename: str) -> Response:
    headers = {"Content-Disposition": f'attachment; filename="{filename}"'} if download else {}
    return HTMLResponse(html, headers=headers)


def add_routes(router: APIRouter, settings: Settings) -> None:
    oversee = Depends(allowed(settings, "oversight"))

    @router.get("/oversight")
    def dashboard_page(request: Request, first: str | None = None, last: str | None = None,
                       viewer: Viewer = oversee) -> Response:
        start, end = _window(first, last)
        board = dashboard_service.dashboard(settings, start, end)
        r = board.report
        charts = {
            "received_days": report_html.day_chart("Requests received per day", [(d.day, d.received) for d in r.days],
                                                   r.first, r.last, report_html.PALETTE[0], width=600),
            "disclosure_days": report_html.day_chart("Disclosures made per day",
                                                     [(d.day, d.disclosures) for d in r.days], r.first, r.last,
                                                     report_html.PALETTE[2], width=600),
            "requests_by_agency": report_html.bar_chart("Requests, by agency", [(g.key, g.requests) for g in r.agencies],
                                                        report_html.PALETTE[0], width=600),
            "disclosures_by_agency": report_html.bar_chart("Disclosures, by agency",
                                                           [(g.key, g.disclosures) for g in r.agencies],
                                                           report_html.PALETTE[2], width=600),
            "requests_by_statute": report_html.bar_chart("Requests, by statute under investigation",
                                                         [(g.key, g.requests) for g in r.statutes],
                                                         report_html.PALETTE[3], width=600),
            "disclosures_by_statute": report_html.bar_chart("Disclosures, by statute under investigation",
                                                            [(g.key, g.disclosures) for g in r.statutes],
                                                            report_html.PALETTE[5], width=600),
        }
        return page(request, "oversight.html", viewer=viewer, nav="oversight", board=board, r=r, charts=charts,
                    year=now().year - 1)

    @router.get("/oversight/report")
    def period_page(first: str | None = None, last: str | None = None, download: str | None = None,
                    _viewer: Viewer = oversee) -> Response:
        start, end = _window(first, last)
        html = report_html.period_html(reports.period_report(settings, start, end))
        return _document(html, download, f"ftigate-report-{start.isoformat()}-{end.isoformat()}.html")

    @router.get("/oversight/annual")
    def annual_page(year: int | None = None, download: str | None = None, _viewer: Viewer = oversee) -> Response:
        chosen = year or now().year - 1
        html = report_html.annual_html(reports.annual_report(settings, chosen))
        return _document(html, download, f"ftigate-annual-report-{chosen}.html")
