"""The overseers' reads through the HTTP API, from the command line with ``--server``: the period and
annual reports, the accounting of disclosures, the log (entries, proofs, checkpoints, its tiles, an
audit checked here against the verifier key), the gateway's own audits, and a recipient opening and
checking a package. Each shows what the same command shows on the gateway's own machine, from a
client-side data directory that stays untouched; the wrong role gets 403 and an ``access.denied``."""

from __future__ import annotations

import json
import stat

import pytest
from sqlalchemy import select, update

import proven
from ftigate.ledger.hashing import leaf_hash
from ftigate.service.log import ledger
from ftigate.service.store_access import transaction
from ftigate.settings import Settings
from ftigate.store.tables import ledger_entries
from loopback import serving


@pytest.fixture
def served(gateway: Settings):
    """``ftigate serve``'s app on loopback over the oversight world's gateway (a copy of it)."""
    with serving(gateway) as url:
        yield url, gateway


def _kinds(settings: Settings) -> list[dict]:
    return [ledger.entry(settings, i).to_json() for i in range(ledger.tree_size(settings))]


def _without(data: dict, *keys: str) -> dict:
    return {k: v for k, v in data.items() if k not in keys}


def test_reports_through_the_api_are_the_gateways_own(cli, served, history, tmp_path):
    url, settings = served
    elsewhere = tmp_path / "client-side"
    ig = proven.token_for(settings, "ig-1")
    local = cli("report", "--from", "2025-03-17", "--to", "2025-04-07", "--json", token=ig)
    remote = cli("--server", url, "report", "--from", "2025-03-17", "--to", "2025-04-07", "--json", token=ig,
                 data=elsewhere)
    assert local.exit_code == 0 and remote.exit_code == 0, remote.stderr
    assert _without(json.loads(remote.stdout), "generated_at") == _without(json.loads(local.stdout), "generated_at")
    shown = cli("--server", url, "report", "--from", "2025-03-17", "--to", "2025-04-07", "--html",
                tmp_path / "period.html", token=ig, data=elsewhere)
    assert shown.exit_code == 0 and "Between 2025-03-17 and 2025-04-07" in shown.stdout
    assert (tmp_path / "period.html").read_text(encoding="utf-8").lower().startswith("<!doctype html>")

    annual_here = cli("report", "annual", "--year", "2025", "--json", token=ig)
    annual_there = cli("--server", url, "report", "annual", "--year", "2025", "--json", token=ig, data=elsewhere)
    assert annual_there.exit_code == 0, annual_there.stderr
    assert _without(json.loads(annual_there.stdout), "generated_at") == \
        _without(json.loads(annual_here.stdout), "generated_at")

    refused = cli("--server", url, "report", "annual", "--year", "2025", token=proven.token_for(settings, "do-1"),
                  data=elsewhere)
    assert refused.exit_code == 1 and "HTTP 403" in refused.stderr
    assert _kinds(settings)[-1]["kind"] == "access.denied" and _kinds(settings)[-1]["action"] == "oversight.read"
    bad = cli("--server", url, "report", "--from", "2025-04-07", "--to", "2025-03-17", token=ig, data=elsewhere)
    assert bad.exit_code == 2 and "HTTP 4" in bad.stderr
    for args in (["report", "annual", "--year", "9999"], ["report", "--from", "9999-12-31", "--to", "9999-12-31"]):
        beyond = cli("--server", url, *args, token=ig, data=elsewhere)  # the calendar's end: refused, not a crash
        assert beyond.exit_code == 2 and "HTTP 4" in beyond.stderr, beyond.stderr
    assert not elsewhere.exists()


def test_the_accounting_through_the_api_is_recorded(cli, served, tmp_path):
    url, settings = served
    elsewhere = tmp_path / "client-side"
    ig = proven.token_for(settings, "ig-1")
    local = cli("accounting", "export", "--from", "2025-03-17", "--to", "2025-04-07")
    before = len(_kinds(settings))
    remote = cli("--server", url, "accounting", "export", "--from", "2025-03-17", "--to", "2025-04-07", token=ig,
                 data=elsewhere)
    assert remote.exit_code == 0, remote.stderr
    assert remote.stdout == local.stdout and local.stdout.count("\n") > 10
    exported = _kinds(settings)[before:]
    assert [(e["kind"], e["actor"], e["first"], e["last"], e["records"]) for e in exported] == \
        [("accounting.exported", "ig-1", "2025-03-17", "2025-04-07", local.stdout.count("\n") - 1)]

    out = tmp_path / "accounting.csv"
    written = cli("--server", url, "accounting", "export", "--out", out, token=ig, data=elsewhere)
    assert written.exit_code == 0 and out.read_text(encoding="utf-8").startswith("accounting_id,")
    assert stat.S_IMODE(out.stat().st_mode) == 0o600  # it names taxpayers
    parquet = cli("--server", url, "accounting", "export", "--out", tmp_path / "a.parquet", token=ig, data=elsewhere)
    assert parquet.exit_code == 2 and ".csv" in parquet.stderr

    for person in ("sup-1", "admin-1", "do-1"):  # the accounting is the overseers' alone
        refused = cli("--server", url, "accounting", "export", token=proven.token_for(settings, person), data=elsewhere)
        assert refused.exit_code == 1 and "HTTP 403" in refused.stderr
        last = _kinds(settings)[-1]
        assert (last["kind"], last["actor"], last["action"]) == ("access.denied", person, "accounting.read")
    assert not elsewhere.exists()


def test_the_log_read_through_the_api_is_checked_here(cli, served, tmp_path):
    url, settings = served
    elsewhere = tmp_path / "client-side"
    ig = proven.token_for(settings, "ig-1")
    vkey = cli("ledger", "vkey").stdout.strip()
    assert cli("--server", url, "ledger", "vkey", token=ig, data=elsewhere).stdout.strip() == vkey
    assert cli("--server", url, "ledger", "entry", "3", token=ig, data=elsewhere).stdout == cli("ledger", "entry", "3").stdout
    proof = tmp_path / "3.tlog-proof"
    assert cli("--server", url, "ledger", "proof", "3", "--out", proof, token=ig, data=elsewhere).exit_code == 0
    checked = cli("ledger", "verify-proof", proof, "--vkey", vkey, data=elsewhere)
    assert checked.exit_code == 0 and "verified" in checked.stdout, checked.stderr
    assert cli("--server", url, "ledger", "checkpoint", "--latest", token=ig, data=elsewhere).stdout == \
        cli("ledger", "checkpoint", "--latest").stdout

    copy = tmp_path / "log-copy"
    exported = cli("--server", url, "ledger", "export", copy, token=ig, data=elsewhere)
    assert exported.exit_code == 0, exported.stderr
    verified = cli("ledger", "verify", copy, "--vkey", vkey, data=elsewhere)
    assert verified.exit_code == 0 and "verified" in verified.stdout, verified.stdout + verified.stderr

    held = tmp_path / "held.checkpoint"
    held.write_text((copy / "checkpoint").read_text(encoding="utf-8"), encoding="utf-8")
    audited = cli("--server", url, "ledger", "audit", "--vkey", vkey, "--checkpoint", held, "--json", token=ig,
                  data=elsewhere)
    assert audited.exit_code == 0, audited.stdout + audited.stderr
    assert json.loads(audited.stdout)["size"] == ledger.tree_size(settings)

    # the gateway's word is not taken: a key that is not the log's fails, and so does a stored entry
    # altered behind the log's back
    other = cli("ledger", "vkey", data=tmp_path / "another-gateway").stdout.strip()
    assert cli("--server", url, "ledger", "audit", "--vkey", other, token=ig, data=elsewhere).exit_code == 1
    with transaction(settings) as conn:  # altered, its leaf hash made to match: only the signed root tells
        data = bytes(conn.execute(select(ledger_entries.c.data).where(ledger_entries.c.idx == 20)).scalar_one()) + b" "
        conn.execute(update(ledger_entries).where(ledger_entries.c.idx == 20).values(data=data, leaf_hash=leaf_hash(data)))
    tampered = cli("--server", url, "ledger", "audit", "--vkey", vkey, "--json", token=ig, data=elsewhere)
    assert tampered.exit_code == 1
    assert [p["index"] for p in json.loads(tampered.stdout)["problems"] if p["kind"] == "altered"] == [20]

    refused = cli("--server", url, "ledger", "entry", "3", token=proven.token_for(settings, "ice-director"),
                  data=elsewhere)
    assert refused.exit_code == 1 and "HTTP 403" in refused.stderr
    assert not elsewhere.exists()


def test_the_gateways_own_audits_through_the_api(cli, served, history, tmp_path):
    url, settings = served
    elsewhere = tmp_path / "client-side"
    ig = proven.token_for(settings, "ig-1")
    for args in (["ledger", "reconcile", "--json"], ["ledger", "verify-decisions", history.refs["R3"]]):
        here, there = cli(*args), cli("--server", url, *args, token=ig, data=elsewhere)
        assert there.exit_code == here.exit_code == 0, there.stderr
        assert there.stdout == here.stdout
    refused = cli("--server", url, "ledger", "reconcile", token=proven.token_for(settings, "do-1"), data=elsewhere)
    assert refused.exit_code == 1 and "HTTP 403" in refused.stderr
    assert not elsewhere.exists()


def test_a_recipient_opens_and_checks_a_package_through_the_api(cli, served, history, tmp_path):
    url, settings = served
    elsewhere = tmp_path / "client-side"
    delivered = [e for e in _kinds(settings) if e["kind"] == "request.delivered" and e["request"] == history.refs["R5"]]
    package = delivered[0]["package"]
    officer = proven.token_for(settings, "ice-ero-0001")
    key = cli("--server", url, "package", "gateway-key", token=officer, data=elsewhere)
    assert key.exit_code == 0 and key.stdout == cli("package", "gateway-key").stdout
    out = tmp_path / "opened.json"
    opened = cli("--server", url, "package", "open", package, "--officer", "ice-ero-0001", "--key",
                 history.files / "ice-ero-0001.key", "--out", out, token=officer, data=elsewhere)
    assert opened.exit_code == 0, opened.stderr
    assert len(json.loads(out.read_text(encoding="utf-8"))["disclosures"]) == history.disclosures["R5"]
    last = _kinds(settings)[-1]
    assert (last["kind"], last["actor"]) == ("package.downloaded", "ice-ero-0001")

    fetched = tmp_path / "p.age"
    assert cli("--server", url, "package", "fetch", package, "--officer", "ice-ero-0001", "--out", fetched,
               token=officer, data=elsewhere).exit_code == 0
    verified = cli("--server", url, "package", "verify", fetched, token=officer, data=elsewhere)
    assert verified.exit_code == 0 and "verifies" in verified.stdout, verified.stderr
    fetched.write_bytes(fetched.read_bytes()[:-1] + b"\0")
    assert cli("--server", url, "package", "verify", fetched, token=officer, data=elsewhere).exit_code == 1

    wrong = cli("--server", url, "package", "open", package, "--officer", "ice-ero-0002", "--key",
                history.files / "ice-ero-0002.key", "--out", tmp_path / "x.json", token=officer, data=elsewhere)
    assert wrong.exit_code != 0 and not (tmp_path / "x.json").exists()
    assert not elsewhere.exists()
