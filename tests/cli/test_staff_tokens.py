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
    assert cli("staff", "add", "ig-1", "--name", "Synthetic Overseer", "--role", "overseer").exit_code == 0
    issued = cli("staff", "token", "ig-1", "--label", "oversight desk")
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

    revoked = cli("staff", "revoke-tokens", "ig-1")
    assert revoked.exit_code == 0 and "1 token(s) revoked" in revoked.stdout
    assert http.get("/requests", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    again = cli("staff", "revoke-tokens", "ig-1")
    assert again.exit_code == 0 and "no live tokens" in again.stdout


def test_no_token_for_someone_not_registered(cli):
    result = cli("staff", "token", "nobody")
    assert result.exit_code == 1 and "no staff member 'nobody'" in result.stderr
    assert result.stdout.strip() == ""
