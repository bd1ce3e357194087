"""The accounting of disclosures (6103(p)(3)(A)): one record per disclosure, exported, and opened.

Every disclosure of the history has an accounting record that names the taxpayer, while its ledger
entry carries only a keyed commitment; an overseer (and nobody else) can open the commitment
against the record, and a record altered in the store no longer opens it.
"""

from __future__ import annotations

import datetime as dt
import json
import stat

import pytest
from oversight_world import PERIOD
from sqlalchemy import update

import proven
from ftigate.errors import InputError, NotFoundError, PermissionDenied
from ftigate.ledger import commitments
from ftigate.service.log import ledger
from ftigate.service.oversight import accounting
from ftigate.service.store_access import transaction
from ftigate.store import accounting_store, ledger_store
from ftigate.store.tables import accounting as accounting_table
from ftigate.tabular import read_rows


def _records(gateway):
    with transaction(gateway) as conn:
        return list(accounting_store.iter_records(conn, batch=7))  # a small batch walks several pages


def test_every_disclosure_has_a_record_and_a_ledger_entry_that_names_nobody(history, gateway):
    records = _records(gateway)
    assert len(records) == sum(history.disclosures.values()) > 0
    assert [r["id"] for r in records] == sorted(r["id"] for r in records)
    for r in records:
        assert len(r["tin"]) == 9 and r["tin"].isdigit()
        assert r["recipients"] and r["fields"] and r["authority"] and r["statute"]
        entry = ledger.entry(gateway, r["ledger_index"]).to_json()
        # one entry per batch of disclosures: the digest of its records' commitments, in disclosure order
        batch = sorted((b for b in records if b["ledger_index"] == r["ledger_index"]), key=lambda b: b["disclosure"])
        assert entry["kind"] == "disclosures.made" and entry["disclosures"] == len(batch)
        assert entry["commitments_sha256"] == commitments.commitments_digest(b["commitment"] for b in batch)
        assert entry["request"] == r["request_ref"]
        assert r["tin"] not in json.dumps(entry)
        # The commitment is over exactly the record the accounting keeps.
        assert ledger.open_commitment(gateway, accounting.committed_record(r), r["commitment"])


def test_export_writes_every_record_of_the_period(history, gateway, tmp_path):
    out = tmp_path / "accounting.csv"
    count = accounting.export_accounting(gateway, out, *PERIOD)
    assert count == history.disclosures["R3"] + history.disclosures["R5"]
    assert stat.S_IMODE(out.stat().st_mode) == 0o600  # it names taxpayers
    assert out.read_text(encoding="utf-8").splitlines()[0] == ",".join(accounting.ACCOUNTING_COLUMNS)
    rows = read_rows(out, accounting.ACCOUNTING_COLUMNS)
    assert len(rows) == count
    assert {r["request"] for r in rows} == {history.refs["R3"], history.refs["R5"]}
    assert all(PERIOD[0] <= dt.date.fromisoformat(r["disclosed_on"]) <= PERIOD[1] for r in rows)
    ice = next(r for r in rows if r["agency"] == "DHS-ICE")
    assert ice["recipients"] == "ice-ero-0001;ice-ero-0002" and ice["authority"] == "8 U.S.C. 1357(a)"
    assert set(ice["fields"].split(";")) >= {"first_name", "last_name", "address_line1", "city", "state", "zip"}
    assert ice["statute"] == "8 U.S.C. 1253(a)(1)" and ice["ledger_index"].isdigit() and len(ice["commitment"]) == 64

    everything = accounting.export_accounting(gateway, tmp_path / "all.parquet")
    assert everything == sum(history.disclosures.values())
    assert len(read_rows(tmp_path / "all.parquet", accounting.ACCOUNTING_COLUMNS)) == everything
    assert accounting.export_accounting(gateway, tmp_path / "none.csv", dt.date(2024, 1, 1), dt.date(2024, 12, 31)) == 0
    assert not list(tmp_path.glob("*.partial"))
    with pytest.raises(InputError):
        accounting.export_accounting(gateway, tmp_path / "bad.csv", PERIOD[1], PERIOD[0])


def test_an_overseer_opens_a_commitment_and_the_opening_is_ledgered(history, gateway):
    record = _records(gateway)[0]
    size = ledger.tree_size(gateway)
    # a batch's entry names several records: one is opened by its own commitment
    with pytest.raises(InputError, match="batch"):
        accounting.open_commitment(gateway, str(record["ledger_index"]), proven.as_(gateway, "ig-1"))
    by_commitment = accounting.open_commitment(gateway, record["commitment"].upper(), proven.as_(gateway, "ig-1"))
    assert by_commitment.ok and by_commitment.ledger_index == record["ledger_index"]
    assert by_commitment.record["tin"] == record["tin"] and by_commitment.accounting_id == record["id"]
    assert ledger.tree_size(gateway) == size + 1
    opened = ledger.entry(gateway, size).to_json()
    assert opened["kind"] == "commitment.opened" and opened["actor"] == "ig-1"
    assert opened["commitment"] == record["commitment"] and opened["opens"] is True
    assert record["tin"] not in json.dumps(opened)


def test_only_an_overseer_may_open_and_only_what_exists(gateway):
    record = _records(gateway)[0]
    for who in ("do-1", "sup-1", "admin-1"):
        with pytest.raises(PermissionDenied):
            accounting.open_commitment(gateway, str(record["ledger_index"]), proven.as_(gateway, who))
    with pytest.raises(NotFoundError):
        accounting.open_commitment(gateway, "0", proven.as_(gateway, "ig-1"))          # entry 0 is not a disclosure
    with pytest.raises(NotFoundError):
        accounting.open_commitment(gateway, "ab" * 32, proven.as_(gateway, "ig-1"))
    with pytest.raises(InputError):
        accounting.open_commitment(gateway, "not-a-reference", proven.as_(gateway, "ig-1"))


def test_an_altered_record_no_longer_opens_its_commitment(gateway):
    record = _records(gateway)[1]
    altered = f"{(int(record['tin']) + 1) % 10**9:09d}"
    with transaction(gateway) as conn:
        conn.execute(update(accounting_table).where(accounting_table.c.id == record["id"]).values(tin=altered))
    opening = accounting.open_commitment(gateway, record["commitment"], proven.as_(gateway, "ig-1"))
    assert not opening.opens and opening.entry_agrees and not opening.ok
    assert ledger.entry(gateway, ledger.tree_size(gateway) - 1).to_json()["opens"] is False

    # A record pointed at another disclosure's entry: the entry does not carry its commitment.
    other = _records(gateway)[2]
    with transaction(gateway) as conn:
        conn.execute(update(accounting_table).where(accounting_table.c.id == other["id"])
                     .values(ledger_index=record["ledger_index"] + 10_000))
        ledger_size = ledger_store.tree_size(conn)
    assert record["ledger_index"] + 10_000 > ledger_size
    moved = accounting.open_commitment(gateway, other["commitment"], proven.as_(gateway, "ig-1"))
    assert moved.opens and not moved.entry_agrees and moved.entry is None

