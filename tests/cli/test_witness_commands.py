"""``ftigate witness``: an overseer cosigns the gateway's log on their own machine and refuses a fork."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

from ftigate.ledger import catalogue
from ftigate.service.log import ledger
from ftigate.service.store_access import transaction
from ftigate.settings import Settings


def populate(data_dir: Path, n: int, start: int = 0, role: str = "overseer") -> None:
    settings = Settings(data_dir=data_dir)
    with transaction(settings) as conn:
        ledger.append(conn, settings, [
            catalogue.Entry(event=catalogue.StaffRegistered(staff=f"s-{i}", role=role), at=dt.datetime(2025, 6, 27, 10, tzinfo=dt.UTC), actor="administrator")
            for i in range(start, start + n)])


def setup_witness(cli, tmp_path) -> tuple[Path, str, str]:
    state = tmp_path / "overseer"
    log_vkey = cli("ledger", "vkey").stdout.strip()
    result = cli("witness", "init", "--state", str(state), "--name", "oversight.tigta.example/witness",
                 "--log", log_vkey)
    assert result.exit_code == 0, result.stderr
    witness_vkey = result.stdout.strip()
    assert witness_vkey.startswith("oversight.tigta.example/witness+")
    assert cli("witness", "vkey", "--state", str(state)).stdout.strip() == witness_vkey
    return state, log_vkey, witness_vkey


def test_witness_cosigns_a_growing_log_and_the_gateway_keeps_the_cosignature(cli, data_dir, tmp_path):
    populate(data_dir, 40)
    state, log_vkey, witness_vkey = setup_witness(cli, tmp_path)
    request, cosig = tmp_path / "request.txt", tmp_path / "cosig.txt"
    assert cli("ledger", "witness-request", "--old", "0", "--out", str(request)).exit_code == 0
    assert request.read_text().startswith("old 0\n\nftigate.irs.example/log\n40\n")
    result = cli("witness", "add-checkpoint", str(request), "--out", str(cosig), "--state", str(state))
    assert result.exit_code == 0, result.stderr
    assert cosig.read_text().startswith("— oversight.tigta.example/witness ")
    assert cli("ledger", "add-cosignatures", str(cosig), "--witness", witness_vkey).exit_code == 0
    assert "— oversight.tigta.example/witness " in cli("ledger", "checkpoint", "--latest").stdout

    # the log grows; the witness checks consistency from 40 using the proof in the request
    populate(data_dir, 300, 40)
    cli("ledger", "witness-request", "--old", "40", "--out", str(request))
    assert cli("witness", "add-checkpoint", str(request), "--out", str(cosig), "--state", str(state)).exit_code == 0
    assert cli("ledger", "add-cosignatures", str(cosig), "--witness", witness_vkey).exit_code == 0
    export = tmp_path / "export"
    assert cli("ledger", "export", str(export)).exit_code == 0
    result = cli("ledger", "verify", str(export), "--vkey", log_vkey, "--witness", witness_vkey, "--json",
                 data=tmp_path / "overseer-data")
    assert result.exit_code == 0, result.stdout
    assert json.loads(result.stdout)["cosigned_by"] == ["oversight.tigta.example/witness"]
    show = cli("witness", "show", "--state", str(state)).stdout
    assert "ftigate.irs.example/log" in show and "340" in show

    # and from an exported directory, proving consistency from the directory's own tiles
    populate(data_dir, 10, 340)
    cli("ledger", "export", str(export))
    result = cli("witness", "cosign", str(export), "--state", str(state))
    assert result.exit_code == 0 and result.stdout.startswith("— oversight.tigta.example/witness ")


def test_witness_refuses_a_forked_log_and_keeps_the_evidence(cli, data_dir, tmp_path):
    populate(data_dir, 50)
    state, _, _ = setup_witness(cli, tmp_path)
    export = tmp_path / "export"
    cli("ledger", "export", str(export))
    assert cli("witness", "cosign", str(export), "--state", str(state)).exit_code == 0

    # an insider copies the log's key to a second store and writes a different history from entry 20
    fork_dir = tmp_path / "fork"
    (fork_dir / "keys").mkdir(parents=True)
    for name in ("keys/ledger-log.key", "ledger.json"):
        shutil.copy(data_dir / name, fork_dir / name)
    populate(fork_dir, 20)
    populate(fork_dir, 60, 20, role="forged")
    fork_export = tmp_path / "fork-export"
    assert cli("ledger", "export", str(fork_export), data=fork_dir).exit_code == 0
    # the forked log's checkpoint is validly signed by the log's key...
    vkey = cli("ledger", "vkey").stdout.strip()
    assert cli("ledger", "verify", str(fork_export), "--vkey", vkey).exit_code == 0
    # ...but the witness that saw the honest log refuses it, and says why
    result = cli("witness", "cosign", str(fork_export), "--state", str(state))
    assert result.exit_code == 1
    message = " ".join(result.stderr.split())
    assert "REFUSED" in message and "rewritten or forked" in message
    assert result.stdout == ""
    evidence = list((state / "evidence").iterdir())
    assert len(evidence) == 1 and "forged" not in evidence[0].read_text() and "old 50" in evidence[0].read_text()
    request = tmp_path / "fork-request.txt"
    cli("ledger", "witness-request", "--old", "50", "--out", str(request), data=fork_dir)
    result = cli("witness", "add-checkpoint", str(request), "--state", str(state))
    assert result.exit_code == 1 and "REFUSED" in result.stderr
    # the honest log still gets its cosignature
    populate(data_dir, 5, 50)
    cli("ledger", "export", str(export))
    assert cli("witness", "cosign", str(export), "--state", str(state)).exit_code == 0


def test_witness_refuses_an_unknown_log_and_a_stale_request(cli, data_dir, tmp_path):
    populate(data_dir, 10)
    state, _, _ = setup_witness(cli, tmp_path)
    request = tmp_path / "request.txt"
    cli("ledger", "witness-request", "--old", "0", "--out", str(request))
    assert cli("witness", "add-checkpoint", str(request), "--state", str(state)).exit_code == 0
    result = cli("witness", "add-checkpoint", str(request), "--state", str(state))
    assert result.exit_code == 1 and "last cosigned size 10" in result.stderr
    other = tmp_path / "other-log"
    populate(other, 3)
    cli("ledger", "init", data=other)
    cli("ledger", "witness-request", "--out", str(request), data=other)
    result = cli("witness", "add-checkpoint", str(request), "--state", str(state))
    assert result.exit_code == 1 and "403" in result.stderr  # same origin name, another key: not the log
    assert cli("witness", "show", "--state", str(tmp_path / "nowhere")).exit_code == 2
