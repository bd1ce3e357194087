"""``ftigate report``: the seed's question from the command line, the HTML page, the annual report,
the recount from an exported log, and bad input answered without a traceback."""

from __future__ import annotations

import json

import pytest


def test_the_period_report_in_the_terminal_states_its_checkpoint(cli, gateway, history):
    result = cli("report", "--from", "2025-03-17", "--to", "2025-04-07")
    assert result.exit_code == 0, result.stderr
    disclosures = history.disclosures["R3"] + history.disclosures["R5"]
    assert (f"Between 2025-03-17 and 2025-04-07 the gateway received 5 requests (115 subjects) and made "
            f"{disclosures} disclosures about {history.taxpayers_a} taxpayers.") in result.stdout
    checkpoint = cli("ledger", "checkpoint", "--latest").stdout.split("\n")
    assert f"origin {checkpoint[0]}, size {checkpoint[1]}, root hash {checkpoint[2]}" in result.stdout
    for words in ("By agency", "DOL-OIG", "By statute", "18 U.S.C. 1001", "L7-designated-statute",
                  "26 U.S.C. 6103(i)(2)(A)", "oig-agent-0001", "ice-ero-0002"):
        assert words in result.stdout


def test_json_and_a_self_contained_html_page(cli, gateway, tmp_path):
    page = tmp_path / "out" / "report.html"
    result = cli("report", "--from", "2025-03-17", "--to", "2025-04-07", "--json", "--html", page)
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert (data["requests"], data["rejected"], data["denied"], data["approved"]) == (5, 1, 1, 2)
    assert data["first"] == "2025-03-17" and data["tree_head"]["size"] > 0
    html = page.read_text(encoding="utf-8")
    assert data["tree_head"]["root"] in html and "<svg" in html and "<script" not in html
    assert f"wrote the HTML report to {page}" in result.stderr


def test_the_annual_report(cli, gateway, history, tmp_path):
    result = cli("report", "annual", "--year", "2025", "--json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["due_on"] == "2026-03-31" and data["citation"] == "26 U.S.C. 6103(p)(3)(C)"
    assert {a["agency"]: a["requests"] for a in data["agencies"]} == {"DHS-ICE": 6, "DOL-OIG": 1}
    text = cli("report", "annual", "--year", "2025", "--html", tmp_path / "annual.html")
    assert text.exit_code == 0 and "Annual report for 2025" in text.stdout and "due 2026-03-31" in text.stdout
    assert "Willful failure to depart" in text.stdout
    ice = next(a for a in data["agencies"] if a["agency"] == "DHS-ICE")
    assert {p["statute"]: p["requests"] for p in ice["purposes"]} == {
        "8 U.S.C. 1253(a)(1)": 3, "8 U.S.C. 1229a": 1, "26 U.S.C. 7201": 2}
    assert (tmp_path / "annual.html").exists()


def test_the_recount_from_an_exported_log_needs_no_database(cli, gateway, tmp_path):
    assert cli("ledger", "export", tmp_path / "log").exit_code == 0
    vkey = cli("ledger", "vkey").stdout.strip()
    ours = json.loads(cli("report", "--from", "2025-03-17", "--to", "2025-04-07", "--json").stdout)
    # An empty data directory: the recount reads nothing but the export and the public key.
    result = cli("report", "--from", "2025-03-17", "--to", "2025-04-07", "--log", tmp_path / "log",
                 "--vkey", vkey, "--json", data=tmp_path / "empty")
    assert result.exit_code == 0, result.stderr
    recount = json.loads(result.stdout)
    assert not (tmp_path / "empty").exists()
    assert recount["tree_head"] == ours["tree_head"]
    for figure in ("requests", "subjects", "rejected", "denied", "approved", "disclosures"):
        assert recount[figure] == ours[figure], figure
    shown = cli("report", "--from", "2025-03-17", "--to", "2025-04-07", "--log", tmp_path / "log")
    assert shown.exit_code == 0 and "Recounted from the exported log alone" in shown.stdout


@pytest.mark.parametrize("args, words", [
    (("--from", "2025-04-07", "--to", "2025-03-17"), "ends (2025-03-17) before it begins"),
    (("--from", "17 March", "--to", "2025-04-07"), "'17 March' is not a date"),
    (("--to", "2025-04-07"), "field '--from'"),
    (("annual", "--year", "12"), "not a calendar year"),
])
def test_bad_dates_are_reported_without_a_traceback(cli, data_dir, args, words):
    result = cli("report", *args)
    assert result.exit_code == 2
    assert words in result.stderr and "Traceback" not in result.stderr + result.stdout
