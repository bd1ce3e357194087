"""``ftigate ledger``: keys, checkpoints, proofs, export and verification, and tampering caught."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from sqlalchemy import delete, insert, select, update

from ftigate.ledger import catalogue
from ftigate.ledger.hashing import leaf_hash
from ftigate.ledger.notes import parse_vkey
from ftigate.ledger.tiles import decode_bundle, encode_bundle, entries_path
from ftigate.service.log import ledger
from ftigate.service.store_access import transaction
from ftigate.settings import Settings
from ftigate.store.tables import ledger_entries

SIZE = 600


def populate(data_dir: Path, n: int = SIZE, start: int = 0) -> Settings:
    settings = Settings(data_dir=data_dir)
    with transaction(settings) as conn:
        ledger.append(conn, settings, [
            catalogue.Entry(event=catalogue.EvidenceViewed(row=1), at=dt.datetime(2025, 6, 27, 10, tzinfo=dt.UTC), actor="do-1",
                            request=f"DHS-ICE/ICE-2025-{i:06d}")
            for i in range(start, start + n)])
    return settings


def test_vkey_is_a_signed_note_verifier_key_of_the_origin(cli, data_dir):
    result = cli("ledger", "vkey")
    assert result.exit_code == 0
    vkey = result.stdout.strip()
    assert re.fullmatch(r"ftigate\.irs\.example/log\+[0-9a-f]{8}\+[A-Za-z0-9+/]{44}", vkey)
    key = parse_vkey(vkey)  # checks that the key ID is the hash of name, 0x01 and the key
    assert key.alg == 1 and len(key.public_key) == 32
    assert cli("ledger", "vkey").stdout.strip() == vkey  # created once, then kept
    assert cli("ledger", "init", "--origin", "other.example/log").exit_code != 0  # identity is fixed


def test_checkpoint_is_a_c2sp_checkpoint(cli, data_dir):
    populate(data_dir, 5)
    out = cli("ledger", "checkpoint").stdout
    lines = out.split("\n")
    assert lines[:2] == ["ftigate.irs.example/log", "5"] and lines[3] == ""
    assert lines[4].startswith("— ftigate.irs.example/log ")
    assert cli("ledger", "checkpoint", "--latest").stdout == out
    entry = json.loads(cli("ledger", "entry", "4").stdout)
    assert entry["request"] == "DHS-ICE/ICE-2025-000004"
    assert cli("ledger", "entry", "5").exit_code == 1


def test_export_verifies_with_nothing_but_the_public_key(cli, data_dir, tmp_path):
    populate(data_dir)
    vkey = cli("ledger", "vkey").stdout.strip()
    assert cli("ledger", "export", str(tmp_path / "log")).exit_code == 0
    files = {p.relative_to(tmp_path / "log").as_posix() for p in (tmp_path / "log").rglob("*") if p.is_file()}
    assert {"checkpoint", "tile/0/000", "tile/0/001", "tile/0/002.p/88", "tile/1/000.p/2",
            "tile/entries/000", "tile/entries/001", "tile/entries/002.p/88"} == files
    result = cli("ledger", "verify", str(tmp_path / "log"), "--vkey", vkey, "--json", data=tmp_path / "elsewhere")
    assert result.exit_code == 0, result.stdout + result.stderr
    report = json.loads(result.stdout)
    assert report["ok"] and report["size"] == SIZE and report["entries_read"] == SIZE


def _rewrite_bundles(root: Path, edit) -> None:
    entries = []
    for i, width in enumerate([256, 256, 88]):
        entries += decode_bundle((root / entries_path(i, width)).read_bytes())
    entries = edit(entries)
    for i, width in enumerate([256, 256, 88]):  # keep the file names: only the contents change
        (root / entries_path(i, width)).write_bytes(encode_bundle(entries[i * 256:(i + 1) * 256]))


FORGED = b'{"at":"2025-06-28T00:00:00Z","kind":"disclosure.made","request":"DHS-ICE/ICE-2025-999999"}'

EDITS = {
    "altered": (lambda e: e[:300] + [e[300].replace(b"000300", b"000999")] + e[301:], 300),
    "removed": (lambda e: e[:300] + e[301:], 300),
    "reordered": (lambda e: e[:300] + [e[301], e[300]] + e[302:], 300),
    "inserted": (lambda e: e[:300] + [FORGED] + e[300:], 300),
}


@pytest.mark.parametrize("kind", list(EDITS))
def test_tampering_with_an_export_is_caught_at_the_first_entry(cli, data_dir, tmp_path, kind):
    populate(data_dir)
    vkey = cli("ledger", "vkey").stdout.strip()
    cli("ledger", "export", str(tmp_path / "log"))
    edit, index = EDITS[kind]
    _rewrite_bundles(tmp_path / "log", edit)
    result = cli("ledger", "verify", str(tmp_path / "log"), "--vkey", vkey, "--json")
    assert result.exit_code == 1
    first = json.loads(result.stdout)["first"]
    assert (first["kind"], first["index"]) == (kind, index)
    plain = cli("ledger", "verify", str(tmp_path / "log"), "--vkey", vkey)
    assert plain.exit_code == 1 and f"entry {index} ({kind})" in " ".join(plain.stderr.split())


def _tamper_rows(settings: Settings, kind: str) -> None:
    with transaction(settings) as conn:
        rows = {r.idx: bytes(r.data) for r in conn.execute(select(ledger_entries).where(ledger_entries.c.idx.in_([300, 301])))}
        if kind == "altered":
            data = rows[300].replace(b"000300", b"000777")
            conn.execute(update(ledger_entries).where(ledger_entries.c.idx == 300).values(data=data, leaf_hash=leaf_hash(data)))
        elif kind == "removed":
            conn.execute(delete(ledger_entries).where(ledger_entries.c.idx == 300))
            conn.execute(update(ledger_entries).where(ledger_entries.c.idx > 300).values(idx=ledger_entries.c.idx - 1))
        elif kind == "reordered":
            for idx, other in ((300, 301), (301, 300)):
                conn.execute(update(ledger_entries).where(ledger_entries.c.idx == idx)
                             .values(data=rows[other], leaf_hash=leaf_hash(rows[other])))
        elif kind == "inserted":
            conn.execute(update(ledger_entries).where(ledger_entries.c.idx >= 300).values(idx=ledger_entries.c.idx + 10**6))
            conn.execute(update(ledger_entries).where(ledger_entries.c.idx >= 10**6).values(idx=ledger_entries.c.idx - 10**6 + 1))
            conn.execute(insert(ledger_entries).values(idx=300, data=FORGED, leaf_hash=leaf_hash(FORGED)))


@pytest.mark.parametrize("kind", list(EDITS))
def test_tampering_with_the_stored_rows_is_caught(cli, data_dir, tmp_path, kind):
    settings = populate(data_dir)
    vkey = cli("ledger", "vkey").stdout.strip()
    assert cli("ledger", "checkpoint").exit_code == 0
    assert cli("ledger", "audit").exit_code == 0
    _tamper_rows(settings, kind)
    result = cli("ledger", "audit", "--json")
    assert result.exit_code == 1
    first = json.loads(result.stdout)["first"]
    assert (first["kind"], first["index"]) == (kind, 300)
    # and an export of the tampered rows fails standalone verification at the same entry
    assert cli("ledger", "export", str(tmp_path / "log"), "--latest").exit_code == 0
    result = cli("ledger", "verify", str(tmp_path / "log"), "--vkey", vkey, "--json")
    assert result.exit_code == 1
    first = json.loads(result.stdout)["first"]
    assert (first["kind"], first["index"]) == (kind, 300)


def test_a_tampered_store_is_never_signed_again(cli, data_dir):
    settings = populate(data_dir)
    cli("ledger", "checkpoint")
    _tamper_rows(settings, "inserted")
    result = cli("ledger", "checkpoint")
    assert result.exit_code == 1
    assert "refusing to sign" in result.stderr or "cannot produce" in result.stderr


def test_proof_file_verifies_offline_and_tampering_fails(cli, data_dir, tmp_path):
    populate(data_dir)
    vkey = cli("ledger", "vkey").stdout.strip()
    proof = tmp_path / "entry-257.tlog-proof"
    assert cli("ledger", "proof", "257", "--out", str(proof)).exit_code == 0
    assert proof.read_text().startswith("c2sp.org/tlog-proof@v1\nextra ")
    result = cli("ledger", "verify-proof", str(proof), "--vkey", vkey, "--json", data=tmp_path / "overseer")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["entry"]["request"] == "DHS-ICE/ICE-2025-000257"
    text = proof.read_text().replace("index 257", "index 258")
    proof.write_text(text)
    result = cli("ledger", "verify-proof", str(proof), "--vkey", vkey)
    assert result.exit_code == 1 and "not in the tree" in result.stderr
    assert cli("ledger", "verify-proof", str(proof), data=tmp_path / "no-key").exit_code == 2


def test_verify_without_a_key_or_a_directory_is_a_clear_error(cli, tmp_path):
    result = cli("ledger", "verify", str(tmp_path / "missing"), "--vkey", "a+00000000+AA==")
    assert result.exit_code == 2 and "Traceback" not in result.stderr
    result = cli("ledger", "verify", str(tmp_path))
    assert result.exit_code == 2 and "--vkey" in result.stderr


def test_open_commitment_answers_only_for_the_committed_record(cli, data_dir, tmp_path):
    settings = Settings(data_dir=data_dir)
    record = {"tin": "900000001", "disclosed_on": "2025-08-07", "agency": "DHS-ICE", "fields": ["name", "address"]}
    value = ledger.commitment(settings, record)
    path = tmp_path / "record.json"
    path.write_text(json.dumps(record))
    assert cli("ledger", "open-commitment", str(path), value).exit_code == 0
    path.write_text(json.dumps({**record, "disclosed_on": "2025-08-08"}))
    result = cli("ledger", "open-commitment", str(path), value)
    assert result.exit_code == 1 and "does not open" in result.stderr
    path.write_text("[1, 2]")
    assert cli("ledger", "open-commitment", str(path), value).exit_code == 2


def test_verify_decisions_finds_a_quiet_rewrite_by_ledger_index(cli, gateway, history):
    """An overseer's check of a disclosed request (R3 of the oversight world): every batch's commitment
    opens; after one subject's matched TIN is rewritten in the store, the command exits 1 naming the
    batch's ledger index, and never shows a TIN."""
    from ftigate.store import requests_store
    from ftigate.store.tables import subjects

    ref = history.refs["R3"]
    result = cli("ledger", "verify-decisions", ref)
    assert result.exit_code == 0, result.stderr
    assert "all commitments open" in result.stdout and "1 batch(es)" in result.stdout

    agency, request_id = ref.split("/")
    with transaction(gateway) as conn:
        pk = requests_store.find_request(conn, agency, request_id)["id"]
        rows = list(requests_store.iter_subjects(conn, pk, valid=True))
        target = next(r for r in rows if r["outcome"] == "match")
        other = next(r["matched_tin"] for r in rows if r["matched_tin"] not in (None, target["matched_tin"]))
        conn.execute(update(subjects).where(subjects.c.id == target["id"]).values(matched_tin=other))
    result = cli("ledger", "verify-decisions", ref)
    assert result.exit_code == 1
    index = str(target["decision_ledger_index"])
    assert f"entry {index}" in result.stderr and any(line.split("│")[1].strip() == index
                                                      for line in result.stdout.splitlines() if line.count("│") > 2)
    assert "commitment" in result.stdout and "all commitments open" not in result.stdout
    assert not any(r["matched_tin"] in result.stdout + result.stderr for r in rows if r["matched_tin"])
    assert cli("ledger", "verify-decisions", "DOL-OIG/NO-SUCH-REQUEST").exit_code == 1
    assert cli("ledger", "verify-decisions", "not-a-reference").exit_code == 2
