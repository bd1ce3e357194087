"""``ftigate staff token`` and ``staff revoke-tokens``: a token printed once works against the HTTP
API until revoked, and the data directory holds its digest, never the token itself."""

from __future__ import annotations

import hashlib

from fastapi.testclient import TestClient

from ftigate.settings import Settings
from ftigate.web.app import create_app


def _bytes_in(data_dir) -> bytes:
    """Every file of the data directory (the database, its write-ahead log, keys), concatenated."""
    return b"".join(p.read_bytes() for p in sorted(data_dir.rglob("*")) if p.is_file())


def test_a_printed_token_reads_the_api_until_revoked_and_is_stored_only_as_its_digest(cli, data_dir):
    assert cli("staff", "add", "ig-1", "--name", "Synthetic Overseer", "--role", "overseer", as_="admin-0").exit_code == 0
    issued = cli("staff", "token", "ig-1", "--label", "oversight desk", as_="admin-0")
    assert issued.exit_code == 0, issued.stderr
    token = issued.stdout.strip()
    assert token.startswith("ftg_") and "\n" not in token
    assert "shown only now" in issued.stderr
    digest = hashlib.sha256(token.encode()).hexdigest()
    assert digest[:4] in issued.stderr  # the fingerprint, to tell this token apart later

    http = TestClient(create_app(Settings(data_dir=data_dir)))
    assert http.get("/requests").status_code == 401
    assert http.get("/requests", headers={"Authorization": f"Bearer {token}"}).status_code == 200

    stored = _bytes_in(data_dir)
    assert digest.encode() in stored
    assert token.encode() not in stored and token[len("ftg_"):].encode() not in stored

    revoked = cli("staff", "revoke-tokens", "ig-1", as_="admin-0")
    assert revoked.exit_code == 0 and "1 token(s) revoked" in revoked.stdout
    assert http.get("/requests", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    again = cli("staff", "revoke-tokens", "ig-1", as_="admin-0")
    assert again.exit_code == 0 and "no live tokens" in again.stdout


def test_no_token_for_someone_not_registered(cli):
    result = cli("staff", "token", "nobody", as_="admin-0")
    assert result.exit_code == 1 and "no staff member 'nobody'" in result.stderr
    assert result.stdout.strip() == ""


def test_the_first_administrator_is_registered_by_the_data_directory_s_owner_and_only_once(cli, tmp_path):
    first = cli("staff", "add", "root-1", "--name", "Synthetic Root", "--role", "administrator")
    assert first.exit_code == 0, first.stderr
    token = first.stdout.strip()
    assert token.startswith("ftg_") and "the first administrator" in first.stderr
    second = cli("staff", "add", "root-2", "--name", "Synthetic Other", "--role", "administrator")
    assert second.exit_code == 1 and "already" in second.stderr and second.stdout.strip() == ""
    nameless = cli("staff", "add", "do-1", "--name", "Synthetic Officer", "--role", "disclosure_officer")
    assert nameless.exit_code == 1 and "--as alone proves nothing" in nameless.stderr
    added = cli("staff", "add", "do-1", "--name", "Synthetic Officer", "--role", "disclosure_officer", token=token)
    assert added.exit_code == 0, added.stderr


def test_a_token_file_must_be_its_owner_s_alone(cli, tmp_path):
    token = cli("staff", "add", "root-1", "--name", "Synthetic Root", "--role", "administrator").stdout.strip()
    path = tmp_path / "root.token"
    path.write_text(token + "\n", encoding="utf-8")
    path.chmod(0o644)
    args = ("staff", "add", "ig-1", "--name", "Synthetic Overseer", "--role", "overseer")
    refused = cli("--token-file", path, *args)
    assert refused.exit_code == 2 and "chmod 600" in refused.stderr and token not in refused.stderr
    path.chmod(0o600)
    assert cli("--token-file", path, *args).exit_code == 0
    assert cli("--token-file", tmp_path / "missing", *args).exit_code == 2


def test_one_person_s_token_never_acts_as_another(cli):
    cli("staff", "add", "do-1", "--name", "Synthetic Officer", "--role", "disclosure_officer", as_="admin-0")
    cli("staff", "add", "sup-1", "--name", "Synthetic Supervisor", "--role", "supervisor", as_="admin-0")
    first = cli("review", "approve", "DHS-ICE/ICE-2025-000017", "--as", "do-1", "--reason", "ok", as_="do-1")
    assert "not 'do-1''s" not in first.stderr  # this one fails only because there is no such request
    second = cli("review", "approve", "DHS-ICE/ICE-2025-000017", "--as", "sup-1", "--reason", "ok", as_="do-1")
    assert second.exit_code == 1 and "not 'sup-1''s" in second.stderr
    alone = cli("review", "approve", "DHS-ICE/ICE-2025-000017", "--as", "sup-1", "--reason", "ok")
    assert alone.exit_code == 1 and "--as alone proves nothing" in alone.stderr
