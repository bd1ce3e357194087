"""``ftigate package fetch | verify | open | certify`` and ``ftigate keys age`` on an age package: the
recipient checks the gateway's signature, opens it with the standard age tool, every download is in
the ledger, and once destruction is certified the package is served to nobody."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from ftigate.crypto import new_private_key, public_pem
from ftigate.service.requests.disclose import disclose
from ftigate.service.store_access import transaction
from ftigate.store import requests_store


def _delivered(cli, approved) -> tuple[str, str]:
    settings, ref, master = approved
    summary = disclose(settings, ref, master)
    assert summary.state == "delivered" and summary.package_path.suffix == ".age"
    return ref, summary.package_id


def test_fetch_verify_open_with_age_then_certify(cli, approved, world, tmp_path):
    settings, _, _ = approved
    ref, package_id = _delivered(cli, approved)
    out = tmp_path / "fetched.age"
    fetched = cli("package", "fetch", package_id, "--officer", "ice-ero-0001", "--out", out)
    assert fetched.exit_code == 0, fetched.stderr
    assert out.stat().st_mode & 0o077 == 0

    key_file = tmp_path / "gateway.pub"
    key_file.write_text(cli("package", "gateway-key").stdout)
    ok = cli("package", "verify", out, "--gateway-key", key_file)
    assert ok.exit_code == 0 and "verifies" in ok.stdout
    forged = tmp_path / "forged.age"
    forged.write_bytes(out.read_bytes()[:-1] + bytes([out.read_bytes()[-1] ^ 1]))
    bad = cli("package", "verify", forged, "--signature", str(out) + ".sig", "--gateway-key", key_file)
    assert bad.exit_code == 1 and "does not verify" in bad.stderr
    other = tmp_path / "other.pub"
    other.write_text(public_pem(new_private_key("ed25519")))
    assert cli("package", "verify", out, "--gateway-key", other).exit_code == 1

    identity = tmp_path / "ice-ero-0001.age-identity"
    made = cli("keys", "age", world.dir / "ice-ero-0001.key", "--out", identity)
    assert made.exit_code == 0 and identity.stat().st_mode & 0o077 == 0
    if shutil.which("age"):
        opened = subprocess.run(["age", "-d", "-i", str(identity), str(out)], capture_output=True, check=True,
                                timeout=60)
        document = json.loads(opened.stdout)
        assert document["terms"]["package"] == package_id and len(document["answers"]) == 60

    stranger = cli("package", "fetch", package_id, "--officer", "someone-else", "--out", tmp_path / "x.age")
    assert stranger.exit_code == 1 and "not a recipient" in stranger.stderr
    content = tmp_path / "content.json"
    assert cli("package", "open", package_id, "--officer", "ice-ero-0002", "--key", world.dir / "ice-ero-0002.key",
               "--out", content).exit_code == 0
    assert len(json.loads(content.read_text())["answers"]) == 60

    with transaction(settings) as conn:
        row = requests_store.find_request(conn, *ref.split("/"))
        downloads = [e for e in requests_store.request_events(conn, row["id"]) if e["kind"] == "package.downloaded"]
    assert [(e["actor"], e["detail"]["package"]) for e in downloads] == [("ice-ero-0001", package_id),
                                                                       ("ice-ero-0002", package_id)]
    assert all(e["ledger_index"] is not None for e in downloads)

    assert cli("package", "certify", package_id, "--officer", "ice-ero-0001", "--key",
               world.dir / "ice-ero-0001.key", "--how", "destroyed", "--method", "cross-cut shredder").exit_code == 0
    gone = cli("package", "fetch", package_id, "--officer", "ice-ero-0002", "--out", tmp_path / "late.age")
    assert gone.exit_code == 1 and "no longer served" in gone.stderr
    late = cli("package", "open", package_id, "--officer", "ice-ero-0002", "--key", world.dir / "ice-ero-0002.key",
               "--out", tmp_path / "late.json")
    assert late.exit_code == 1 and "no longer served" in late.stderr


@pytest.mark.parametrize("args", [("keys", "age", "missing.key", "--out", "x.txt")])
def test_age_identity_of_a_missing_key_is_a_clear_error(cli, tmp_path, args):
    result = cli(*args)
    assert result.exit_code != 0 and "missing.key" in result.stderr and "Traceback" not in result.stderr
