"""Fixtures of the command-line tests: the service tests' gateway with a known history
(tests/service/oversight_world.py), for the overseers' commands. ``gateway`` is a copy of it in
the data directory the ``cli`` fixture runs on."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1] / "service"))

import pytest
from oversight_world import gateway, history  # noqa: F401

from ftigate import generator
from ftigate.service.admin import registry as registry_service
from ftigate.service.admin import staff
from ftigate.service.requests.review import review
from ftigate.service.requests.submit import submit_request_file
from ftigate.settings import Settings


@pytest.fixture
def approved(world, data_dir, shared_models, tmp_path):
    """An approved 60-subject request in the ``cli`` fixture's data directory, and its master file."""
    settings = Settings(data_dir=data_dir)
    master = tmp_path / "master.parquet"
    generator.generate_master(master, 1500, seed=21)
    generator.generate_request(master, world.dir / "subjects.csv", 60, seed=22)
    registry_service.load_registry_file(settings, world.registry_path)
    staff.add_staff(settings, "do-1", "Synthetic Officer One", "disclosure_officer")
    req = world.request()
    del req["subjects"]
    req["subjects_file"] = "subjects.csv"
    ref = submit_request_file(settings, world.write(req)).ref
    review(settings, ref, "do-1", "approve", "meets 6103(i)(2)")
    return settings, ref, master
