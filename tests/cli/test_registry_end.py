"""Registry entries end: an entry left out of a loaded registry, or ended with ``ftigate registry end``,
counts for nothing from that moment, and the ending is a ledger event. Before, a registry that left an
official out printed "registry unchanged" and the official went on signing."""

from __future__ import annotations

import json

from ftigate.service.log import ledger
from ftigate.settings import Settings


def _decision(cli, path) -> tuple[str, set[str]]:
    result = cli("check", path, "--json")
    data = json.loads(result.stdout)
    return data["decision"], {f["rule"] for f in data["findings"] if f["outcome"] == "fail"}


def _kinds(data_dir) -> list[dict]:
    settings = Settings(data_dir=data_dir)
    return [ledger.entry(settings, i).to_json() for i in range(ledger.tree_size(settings))]


def test_an_official_ended_by_an_administrator_signs_nothing_from_then(cli, world, data_dir):
    assert cli("registry", "load", world.registry_path).exit_code == 0
    request = world.write(world.request())
    assert _decision(cli, request) == ("proceed", set())
    ended = cli("registry", "end", "official", "ice-director")
    assert ended.exit_code == 0, ended.stderr
    decision, failed = _decision(cli, request)
    assert decision == "rejected" and "L1-signing-official" in failed
    events = [e for e in _kinds(data_dir) if e["kind"] == "registry.ended"]
    assert [(e["entry_kind"], e["key"], e["how"]) for e in events] == [
        ("officials", "ice-director", "ended by an administrator")]
    again = cli("registry", "end", "official", "ice-director")
    assert again.exit_code != 0 and "Traceback" not in again.stderr
    assert cli("registry", "end", "wizard", "x").exit_code == 2


def test_an_entry_left_out_of_a_loaded_registry_is_ended_and_loading_stays_idempotent(cli, world, data_dir):
    assert cli("registry", "load", world.registry_path).exit_code == 0
    request = world.write(world.request(recipients=["ice-ero-0002"]))
    assert _decision(cli, request)[0] == "proceed"
    smaller = dict(world.registry, officers=[o for o in world.registry["officers"] if o["id"] != "ice-ero-0002"])
    path = world.dir / "registry-2.json"
    path.write_text(json.dumps(smaller), encoding="utf-8")
    loaded = cli("registry", "load", path)
    assert loaded.exit_code == 0 and "ice-ero-0002" in loaded.stdout, loaded.stdout
    decision, failed = _decision(cli, request)
    assert decision == "rejected" and "L8-recipients" in failed
    size = len(_kinds(data_dir))
    unchanged = cli("registry", "load", path)
    assert "unchanged" in unchanged.stdout and len(_kinds(data_dir)) == size
    ended = [e for e in _kinds(data_dir) if e["kind"] == "registry.ended"]
    assert [(e["entry_kind"], e["key"], e["how"]) for e in ended] == [
        ("officers", "ice-ero-0002", "left out of a loaded registry")]
    assert cli("registry", "load", world.registry_path).exit_code == 0  # loaded again: counts again
    assert _decision(cli, request)[0] == "proceed"
