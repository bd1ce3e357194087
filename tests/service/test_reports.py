"""The overseers' reports, on a gateway with a known history (tests/service/oversight_world.py).

The period of the seed (March 17 to April 7, 2025) is asked of a history with requests just before,
on the first instant, on the last instant and just after it, so the figures show that the dates are
the events' dates, inclusive, in UTC; that a report counts exactly what its signed checkpoint
covers; and that what the log carries can be recounted from the exported log alone.
"""

from __future__ import annotations

import base64
import datetime as dt
import re

import pytest
from oversight_world import PERIOD, at, clock_at

import proven
from ftigate.crypto import new_private_key
from ftigate.errors import InputError
from ftigate.ledger.checkpoints import open_checkpoint
from ftigate.ledger.errors import LedgerError, TamperDetected
from ftigate.ledger.notes import NoteSigner
from ftigate.present import report_html
from ftigate.service.admin import registry
from ftigate.service.log import ledger, ledger_files
from ftigate.service.oversight import reports
from ftigate.service.requests import submit


def test_the_seed_question_is_answered_for_the_period(history, gateway):
    r = reports.period_report(gateway, *PERIOD)
    assert r.requests == 5                      # R2..R6; R1 is before, R7 after
    assert r.subjects == 4 * 25 + 15
    assert r.subjects_valid + r.subjects_invalid == r.subjects
    assert (r.rejected, r.denied, r.approved) == (1, 1, 2)
    assert r.disclosures == history.disclosures["R3"] + history.disclosures["R5"] > 0
    # R5 asked about the same people as R3: every taxpayer was disclosed about twice.
    assert r.taxpayers == history.taxpayers_a < r.disclosures
    assert r.answer == (f"Between 2025-03-17 and 2025-04-07 the gateway received 5 requests (115 subjects) and made "
                        f"{r.disclosures} disclosures about {r.taxpayers} taxpayers.")

    agencies = {g.key: g for g in r.agencies}
    assert agencies["DHS-ICE"].requests == 4 and agencies["DOL-OIG"].requests == 1
    assert agencies["DHS-ICE"].title.startswith("U.S. Immigration")
    assert agencies["DOL-OIG"].disclosures == history.disclosures["R3"]
    assert agencies["DHS-ICE"].disclosures == history.disclosures["R5"]
    assert (agencies["DHS-ICE"].rejected, agencies["DHS-ICE"].denied) == (1, 1)
    statutes = {g.key: g for g in r.statutes}
    assert statutes["26 U.S.C. 7201"].rejected == 1 and statutes["26 U.S.C. 7201"].disclosures == 0
    assert statutes["8 U.S.C. 1253(a)(1)"].requests == 3 and statutes["8 U.S.C. 1253(a)(1)"].denied == 1
    assert statutes["18 U.S.C. 1001"].title == "False statements"

    # Rejected, and why: the tax statute fails L7 with its citation.
    assert [(x.rule, x.citation, x.count) for x in r.rejection_reasons] == [
        ("L7-designated-statute", "26 U.S.C. 6103(i)(2)(A), 6103(i)(1)(A)(i)", 1)]
    assert r.subject_reasons and all(x.citation.startswith("26 U.S.C. 6103(i)(2)(B)") for x in r.subject_reasons)
    assert sum(x.count for x in r.subject_reasons) >= r.subjects_invalid > 0

    # To whom: every named recipient officer, with the disclosures addressed to them.
    to_whom = {(x.agency, x.officer): x.disclosures for x in r.recipients}
    assert to_whom == {("DHS-ICE", "ice-ero-0001"): history.disclosures["R5"],
                       ("DHS-ICE", "ice-ero-0002"): history.disclosures["R5"],
                       ("DOL-OIG", "oig-agent-0001"): history.disclosures["R3"]}
    days = {d.day: d for d in r.days}
    assert days[dt.date(2025, 3, 17)].received == 1 and days[dt.date(2025, 3, 24)].disclosures == history.disclosures["R3"]


def test_dates_are_the_events_utc_dates_both_included(history, gateway):
    last_day = reports.period_report(gateway, dt.date(2025, 4, 7), dt.date(2025, 4, 7))
    assert (last_day.requests, last_day.disclosures) == (1, 0)   # R6 at 23:59:59, disclosed the next day
    after = reports.period_report(gateway, dt.date(2025, 4, 8), dt.date(2025, 4, 8))
    assert (after.requests, after.rejected, after.approved) == (1, 1, 1)
    assert after.disclosures == history.disclosures["R6"]
    assert {g.key: g.taxpayers for g in after.agencies} == {"DHS-ICE": after.taxpayers} and after.taxpayers > 0
    assert {g.key: g.taxpayers for g in after.statutes} == {"8 U.S.C. 1253(a)(1)": after.taxpayers, "26 U.S.C. 7201": 0}
    first_day = reports.period_report(gateway, dt.date(2025, 3, 17), dt.date(2025, 3, 17))
    assert (first_day.requests, first_day.rejected) == (1, 1)
    empty = reports.period_report(gateway, dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    assert (empty.requests, empty.disclosures, empty.taxpayers, empty.agencies) == (0, 0, 0, [])
    with pytest.raises(InputError):
        reports.period_report(gateway, dt.date(2025, 4, 7), dt.date(2025, 3, 17))


def test_a_report_states_and_counts_exactly_its_signed_checkpoint(history, gateway):
    before = reports.period_report(gateway, *PERIOD)
    head = before.tree_head
    checkpoint, _ = open_checkpoint(head.note, ledger.log_verifier(gateway))
    assert (checkpoint.origin, checkpoint.size) == (head.origin, head.size) == (ledger.origin(gateway), ledger.tree_size(gateway))
    assert checkpoint.root == base64.b64decode(head.root)

    # A request dated inside the period arrives after the checkpoint: the next report counts it,
    # a report from the old checkpoint still gives exactly the old figures.
    document = (history.files / "request-4.json").read_text(encoding="utf-8")
    again = history.files.parent / "late-request.json"
    again.write_text(document.replace("ICE-2025-000004", "ICE-2025-000099"), encoding="utf-8")
    with clock_at(at("2025-03-25T12:00:00")):
        submit.submit_request_file(gateway, again)
    later = reports.period_report(gateway, *PERIOD)
    assert later.tree_head.size > head.size
    assert later.requests == before.requests + 1
    replay = reports.period_report(gateway, *PERIOD, size=head.size)
    assert replay.tree_head == head
    assert replay.to_json() | {"generated_at": ""} == before.to_json() | {"generated_at": ""}


def test_the_log_alone_recounts_the_same_figures(history, gateway, tmp_path):
    exported = ledger_files.export(gateway, tmp_path / "log")
    vkey = ledger.verifier_key(gateway)
    figures = reports.recount_from_log(tmp_path / "log", vkey, *PERIOD)
    report = reports.period_report(gateway, *PERIOD, size=exported.size)
    assert figures.tree_head == report.tree_head
    assert reports.log_disagreements(report, figures) == []
    assert (figures.requests, figures.rejected, figures.denied, figures.disclosures) == (5, 1, 1, report.disclosures)
    assert figures.rejection_reasons == {"L7-designated-statute (26 U.S.C. 6103(i)(2)(A), 6103(i)(1)(A)(i))": 1}
    assert figures.recipients["DOL-OIG oig-agent-0001"] == history.disclosures["R3"]

    # A log altered after export proves nothing: the recount refuses it.
    bundle = next(p for p in sorted((tmp_path / "log" / "tile" / "entries").rglob("*")) if p.is_file())
    data = bytearray(bundle.read_bytes())
    data[40] ^= 0x01
    bundle.write_bytes(bytes(data))
    with pytest.raises(TamperDetected):
        reports.recount_from_log(tmp_path / "log", vkey, *PERIOD)


def test_disagreement_between_report_and_log_is_named(history, gateway, tmp_path):
    ledger_files.export(gateway, tmp_path / "log")
    figures = reports.recount_from_log(tmp_path / "log", ledger.verifier_key(gateway), *PERIOD)
    report = reports.period_report(gateway, *PERIOD, size=figures.tree_head.size)
    report.disclosures += 1
    assert ("disclosures", report.disclosures, figures.disclosures) in reports.log_disagreements(report, figures)
    other = reports.period_report(gateway, *PERIOD)  # same size (nothing appended), so comparable
    assert reports.log_disagreements(other, figures) == []


def test_the_annual_report_of_6103_p_3_C(history, gateway):
    r = reports.annual_report(gateway, 2025)
    assert r.due_on == dt.date(2026, 3, 31)
    agencies = {a.agency: a for a in r.agencies}
    ice, oig = agencies["DHS-ICE"], agencies["DOL-OIG"]
    assert (ice.requests, oig.requests) == (6, 1)
    assert ice.disclosures == history.disclosures["R5"] + history.disclosures["R6"]
    assert oig.disclosures == history.disclosures["R3"] and oig.taxpayers == history.taxpayers_a
    assert ice.taxpayers <= ice.disclosures
    assert r.disclosures == ice.disclosures + oig.disclosures
    # A taxpayer disclosed about to both agencies counts once in the total.
    assert max(ice.taxpayers, oig.taxpayers) <= r.taxpayers < ice.taxpayers + oig.taxpayers
    purposes = {p.statute: p for p in ice.purposes}
    assert purposes["8 U.S.C. 1253(a)(1)"].title == "Willful failure to depart"
    assert purposes["8 U.S.C. 1253(a)(1)"].disclosures == ice.disclosures
    assert [p.statute for p in oig.purposes] == ["18 U.S.C. 1001"]
    assert reports.annual_report(gateway, 2024).agencies == []
    with pytest.raises(InputError):
        reports.annual_report(gateway, 12)


def test_the_html_pages_are_self_contained_and_escaped(history, gateway, tmp_path):
    content = (history.files / "registry.json").read_text(encoding="utf-8")
    (tmp_path / "registry.json").write_text(content.replace('"False statements"', '"False <statements> & lies"'),
                                            encoding="utf-8")
    registry.load_registry_file(gateway, proven.admin(gateway), tmp_path / "registry.json")
    r = reports.period_report(gateway, *PERIOD)
    page = report_html.period_html(r)
    assert page.startswith("<!doctype html>") and page.count("<svg") >= 5
    assert "False &lt;statements&gt; &amp; lies" in page and "<statements>" not in page
    assert r.tree_head.root in page and r.tree_head.origin in page and r.answer in page
    assert re.search(r"<script|<link|<img|@import|url\(", page) is None
    assert set(re.findall(r"https?://[^\s\"'<]+", page)) <= {"http://www.w3.org/2000/svg"}
    annual = report_html.annual_html(reports.annual_report(gateway, 2025))
    assert "26 U.S.C. 6103(p)(3)(C)" in annual and "2026-03-31" in annual and annual.count("<svg") == 3
    assert re.search(r"<script|<link|<img", annual) is None


def test_charts_draw_what_the_tables_say():
    svg = str(report_html.bar_chart("t", [("a", 10), ("b", 5), ("zero", 0)]))
    widths = [float(w) for w in re.findall(r'<rect x="\d+" y="[\d.]+" width="([\d.]+)"', svg)]
    assert len(widths) == 2 and widths[0] == pytest.approx(2 * widths[1])
    assert "none in this period" in str(report_html.bar_chart("t", []))
    days = str(report_html.day_chart("d", [(dt.date(2025, 1, 2), 3)], dt.date(2025, 1, 1), dt.date(2025, 1, 3)))
    assert days.count("<rect") == 1 and "2025-01-02: 3" in days
    year = str(report_html.day_chart("d", [(dt.date(2025, 1, 2), 3), (dt.date(2025, 1, 3), 4)],
                                     dt.date(2025, 1, 1), dt.date(2025, 12, 31)))
    assert "(by week)" in year and "2025-01-01: 7" in year


def test_a_log_checked_against_another_key_is_not_recounted(gateway, tmp_path):
    ledger_files.export(gateway, tmp_path / "log")
    other = NoteSigner(ledger.origin(gateway), new_private_key("ed25519")).verifier.vkey
    with pytest.raises(LedgerError):
        reports.recount_from_log(tmp_path / "log", other, *PERIOD)
