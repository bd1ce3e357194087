"""``ftigate accounting``: the export (a file, or CSV on standard output) and the overseer's opening."""

from __future__ import annotations

import csv
import io
import json

from ftigate.service.oversight.accounting import ACCOUNTING_COLUMNS


def test_export_to_a_file_and_to_standard_output(cli, gateway, history, tmp_path):
    out = tmp_path / "accounting.csv"
    result = cli("accounting", "export", "--out", out, "--from", "2025-03-17", "--to", "2025-04-07")
    assert result.exit_code == 0, result.stderr
    expected = history.disclosures["R3"] + history.disclosures["R5"]
    assert f"wrote {expected} accounting records to {out}" in result.stderr
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert len(rows) == expected and list(rows[0]) == list(ACCOUNTING_COLUMNS)

    piped = cli("accounting", "export")
    assert piped.exit_code == 0
    everything = list(csv.DictReader(io.StringIO(piped.stdout)))
    assert len(everything) == sum(history.disclosures.values())
    assert {r["request"] for r in everything} == {history.refs[k] for k in ("R3", "R5", "R6")}
    after = list(csv.DictReader(io.StringIO(cli("accounting", "export", "--from", "2025-04-08").stdout)))
    assert len(after) == history.disclosures["R6"]
    assert cli("accounting", "export", "--from", "2025-04-08", "--to", "2025-04-01").exit_code == 2


def test_an_overseer_opens_a_commitment(cli, gateway):
    rows = list(csv.DictReader(io.StringIO(cli("accounting", "export").stdout)))
    row = rows[0]
    batch = cli("accounting", "open", row["ledger_index"], "--as", "ig-1", as_="ig-1")
    assert batch.exit_code == 2 and "batch" in batch.stderr  # a batch's entry: one record is opened by its commitment
    result = cli("accounting", "open", row["commitment"], "--as", "ig-1", as_="ig-1")
    assert result.exit_code == 0, result.stderr
    assert row["tin"] in result.stdout and "the record opens the commitment" in result.stdout
    data = json.loads(cli("accounting", "open", row["commitment"], "--as", "ig-1", "--json", as_="ig-1").stdout)
    assert data["ok"] and data["record"]["tin"] == row["tin"] and data["ledger_index"] == int(row["ledger_index"])
    assert data["entry"]["kind"] == "disclosures.made"

    refused = cli("accounting", "open", row["ledger_index"], "--as", "do-1", as_="do-1")
    assert refused.exit_code == 1 and "may not open a commitment" in refused.stderr and "only an overseer may" in refused.stderr
    assert row["tin"] not in refused.stdout + refused.stderr
    missing = cli("accounting", "open", "0", "--as", "ig-1", as_="ig-1")
    assert missing.exit_code == 1 and "not a disclosure" in missing.stderr
