"""Loading the registry: every change is a ledger event committing to the whole registry as it then
stands, so who may sign or receive can never be changed in the store unseen; no entry's content
(an official's name, a key) goes into the log."""

from __future__ import annotations

import json

from ftigate.service.admin import registry as registry_service
from ftigate.service.log import ledger
from ftigate.settings import Settings


def _loads(settings: Settings) -> list[dict]:
    entries = [ledger.entry(settings, i).to_json() for i in range(ledger.tree_size(settings))]
    return [e for e in entries if e["kind"] == "registry.loaded"]


def test_each_change_is_recorded_once_with_a_digest_of_the_registry(world, data_dir):
    settings = Settings(data_dir=data_dir)
    first = registry_service.load_registry_file(settings, world.registry_path)
    assert registry_service.load_registry_file(settings, world.registry_path).changed == 0
    [loaded] = _loads(settings)
    current, version = registry_service.current_registry(settings)
    assert (loaded["version"], loaded["changed"], loaded["actor"]) == (first.version, first.changed, "administrator")
    assert loaded["registry_sha256"] == registry_service.registry_digest(current) and version == first.version
    assert "Synthetic Director" not in json.dumps(loaded) and "PUBLIC KEY" not in json.dumps(loaded)

    changed = json.loads(world.registry_path.read_text())
    changed["agencies"][0]["safeguards"]["expires_on"] = "2025-04-01"
    world.registry_path.write_text(json.dumps(changed))
    second = registry_service.load_registry_file(settings, world.registry_path)
    assert [e["version"] for e in _loads(settings)] == [first.version, second.version]
    assert _loads(settings)[-1]["registry_sha256"] != loaded["registry_sha256"]
