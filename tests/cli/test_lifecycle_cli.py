"""The lifecycle through the command line, as the people who use it would run it."""

from __future__ import annotations

import json

import pytest


@pytest.fixture
def loaded(cli, world):
    assert cli("registry", "load", world.registry_path).exit_code == 0
    for sid, role in (("do-1", "disclosure_officer"), ("sup-1", "supervisor"), ("admin-1", "administrator")):
        assert cli("staff", "add", sid, "--name", f"Synthetic {sid}", "--role", role).exit_code == 0
    return world


@pytest.mark.slow
def test_submit_review_disclose_open_certify(cli, loaded, tmp_path):
    world = loaded
    master, subjects = tmp_path / "master.parquet", world.dir / "subjects.csv"
    assert cli("generate", "master", "--people", "2000", "--out", master, "--seed", "3").exit_code == 0
    assert cli("generate", "request", "--master", master, "--subjects", "120", "--out", subjects,
               "--seed", "4").exit_code == 0
    req = world.request()
    del req["subjects"]
    req["subjects_file"] = "subjects.csv"
    path = world.write(req)

    r = cli("submit", path)
    assert r.exit_code == 0, r.stdout + r.stderr
    assert "DHS-ICE/ICE-2025-000017 is awaiting_review" in r.stdout.replace("\n", " ")
    assert "DHS-ICE/ICE-2025-000017" in cli("review", "list").stdout

    denied = cli("review", "approve", "DHS-ICE/ICE-2025-000017", "--as", "admin-1", "--reason", "x")
    assert denied.exit_code == 1 and "may not review" in denied.stderr
    no_reason = cli("review", "approve", "DHS-ICE/ICE-2025-000017", "--as", "do-1", "--reason", " ")
    assert no_reason.exit_code == 1 and "written reason" in no_reason.stderr
    ok = cli("review", "approve", "DHS-ICE/ICE-2025-000017", "--as", "do-1", "--reason", "meets 6103(i)(2)")
    assert ok.exit_code == 0 and "approved" in ok.stdout

    early = cli("package", "overdue")
    assert early.exit_code == 0 and "0 request(s)" in early.stdout

    d = cli("disclose", "DHS-ICE/ICE-2025-000017", "--master", master)
    assert d.exit_code == 0, d.stderr
    assert "delivered" in d.stdout
    package_id = d.stdout.split("package ")[1].split()[0]

    out = tmp_path / "content.json"
    opened = cli("package", "open", package_id, "--officer", "ice-ero-0001",
                 "--key", world.dir / "ice-ero-0001.key", "--out", out)
    assert opened.exit_code == 0, opened.stderr
    assert out.stat().st_mode & 0o077 == 0  # the decrypted identities are the officer's eyes only
    content = json.loads(out.read_text())
    assert len(content["answers"]) == 120
    wrong_key = cli("package", "open", package_id, "--officer", "ice-ero-0001",
                    "--key", world.dir / "ice-ero-0002.key", "--out", tmp_path / "x.json")
    assert wrong_key.exit_code == 1 and "cannot open" in wrong_key.stderr

    again = cli("disclose", "DHS-ICE/ICE-2025-000017", "--master", master)
    assert again.exit_code == 0 and package_id in again.stdout  # idempotent: same package, nothing twice

    impostor = cli("package", "certify", package_id, "--officer", "ice-ero-0001", "--key", world.dir / "ice-ero-0002.key",
                   "--how", "destroyed", "--method", "cross-cut shredder")
    assert impostor.exit_code == 1 and "cannot open the package" in impostor.stderr
    closed = cli("package", "certify", package_id, "--officer", "ice-ero-0001", "--key", world.dir / "ice-ero-0001.key",
                 "--how", "destroyed", "--method", "cross-cut shredder")
    assert closed.exit_code == 0
    shown = cli("review", "show", "DHS-ICE/ICE-2025-000017")
    assert "closed" in shown.stdout and "request.delivered" in shown.stdout


def test_cli_errors_are_clear(cli, loaded, tmp_path):
    missing = cli("review", "show", "DHS-ICE/NOPE")
    assert missing.exit_code == 1 and "no request DHS-ICE/NOPE" in missing.stderr
    bad_ref = cli("review", "show", "no-slash")
    assert bad_ref.exit_code == 2 and "AGENCY/REQUEST_ID" in bad_ref.stderr
    nofile = cli("submit", tmp_path / "absent.json")
    assert nofile.exit_code == 2 and "absent.json" in nofile.stderr
    p = tmp_path / "notjson.json"
    p.write_text("{not json")
    r = cli("submit", p)
    assert r.exit_code == 2 and "notjson.json" in r.stderr and "Traceback" not in r.stderr + r.stdout
    role = cli("staff", "add", "x", "--name", "X", "--role", "king")
    assert role.exit_code == 2 and "unknown role" in role.stderr


def test_a_rejected_submission_exits_1_and_names_the_rule(cli, loaded):
    world = loaded
    req = world.request(information=["taxpayer_identity", "tax_return"])
    r = cli("submit", world.write(req))
    assert r.exit_code == 1
    assert "rejected" in r.stdout and "6103(i)(2)" in r.stdout


def test_a_bad_option_value_is_a_usage_error_not_a_traceback(cli, tmp_path):
    r = cli("generate", "master", "--people", "many", "--out", tmp_path / "m.parquet")
    assert r.exit_code == 2
    assert "--people" in r.stderr and "Traceback" not in r.stderr + r.stdout


def test_withhold_load_from_the_command_line(cli, loaded, tmp_path):
    good = tmp_path / "withhold.csv"
    good.write_text("tin,ground\n900000001,informant\n900000002,tax_investigation\n", encoding="utf-8")
    result = cli("withhold", "load", good, "--as", "do-1")
    assert result.exit_code == 0, result.stderr
    assert "2 taxpayer(s) added (1 informant, 1 tax_investigation)" in result.stdout
    assert "0 taxpayer(s) added; 2 already on it" in cli("withhold", "load", good, "--as", "do-1").stdout
    bad = tmp_path / "bad.csv"
    bad.write_text("tin,ground\n1234,informant\n", encoding="utf-8")
    refused = cli("withhold", "load", bad, "--as", "do-1")
    assert refused.exit_code == 2 and "row 1" in refused.stderr and "1234" not in refused.stderr.replace(str(bad), "")
    assert "Traceback" not in refused.stderr
    assert cli("withhold", "load", good, "--as", "admin-1").exit_code == 1
