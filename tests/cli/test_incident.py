"""``ftigate incident``: record, report with the 24-hour clock, notice, list, from the command line."""

from __future__ import annotations

import csv
import io
import json


def test_record_report_notice_and_list(cli, gateway, history):
    rows = list(csv.DictReader(io.StringIO(cli("accounting", "export").stdout)))
    record = rows[0]["commitment"]
    recorded = cli("incident", "record", "--kind", "unauthorized", "--description", "a recipient shared the list",
                   "--as", "do-1", "--record", record, "--identified-at", "2025-08-07T09:00:00Z", as_="do-1")
    assert recorded.exit_code == 0, recorded.stderr
    assert "recorded incident INC-2025-0001 (unauthorized) covering 1 disclosure" in recorded.stdout
    assert "deadline 2025-08-08T09:00:00Z" in recorded.stdout and "overdue by" in recorded.stdout

    listed = json.loads(cli("incident", "list", "--json").stdout)
    assert [(i["id"], i["status"], i["records"]) for i in listed] == [("INC-2025-0001", "overdue", 1)]

    reported = cli("incident", "report", "INC-2025-0001", "--as", "sup-1", "--print", as_="sup-1")
    assert reported.exit_code == 0, reported.stderr
    assert "# Incident report INC-2025-0001" in reported.stdout and "reported late" in reported.stdout
    assert rows[0]["tin"] not in reported.stdout
    assert (gateway.reports_dir / "incidents" / "INC-2025-0001-report.md").exists()

    bad = cli("incident", "notice", "INC-2025-0001", "--as", "do-1", "--charge", "26 U.S.C. 7201",
              "--charged-on", "2025-09-01", as_="do-1")
    assert bad.exit_code == 2 and "7431(e)" in bad.stderr
    notice = cli("incident", "notice", "INC-2025-0001", "--as", "do-1", "--charge", "26 U.S.C. 7213(a)(1)",
                 "--charged-on", "2025-09-01", as_="do-1")
    assert notice.exit_code == 0, notice.stderr
    assert "1 taxpayer notice under 26 U.S.C. 7431(e)" in notice.stdout
    assert rows[0]["tin"] not in notice.stdout
    table = cli("incident", "list")
    assert "INC-2025-0001" in table.stdout and "produced" in table.stdout and "reported" in table.stdout


def test_mistakes_are_reported_without_a_traceback(cli, gateway, history):
    for args, code, words in [
        (("record", "--kind", "oops", "--description", "x", "--as", "do-1", "--request", history.refs["R3"]), 2,
         "unknown kind"),
        (("record", "--kind", "other", "--description", "x", "--as", "ig-1", "--request", history.refs["R3"]), 1,
         "only a disclosure officer or a supervisor"),
        (("record", "--kind", "other", "--description", "x", "--as", "do-1", "--request", "NOPE/1"), 1, "no request"),
        (("record", "--kind", "other", "--description", "x", "--as", "do-1", "--identified-at", "yesterday",
          "--request", history.refs["R3"]), 2, "not a date and time"),
        (("report", "INC-2030-0001", "--as", "do-1"), 1, "no incident"),
    ]:
        result = cli("incident", *args, as_=args[args.index("--as") + 1])
        assert result.exit_code == code, (args, result.stderr)
        assert words in result.stderr and "Traceback" not in result.stderr
    assert "no incident recorded" in cli("incident", "list").stdout
    alone = cli("incident", "report", "INC-2030-0001", "--as", "do-1")  # a name is not a proof
    assert alone.exit_code == 1 and "--as alone proves nothing" in alone.stderr
    other = cli("incident", "report", "INC-2030-0001", "--as", "sup-1", as_="do-1")
    assert other.exit_code == 1 and "not 'sup-1''s" in other.stderr
