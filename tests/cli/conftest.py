"""Fixtures of the command-line tests: the service tests' gateway with a known history
(tests/service/oversight_world.py), for the overseers' commands. ``gateway`` is a copy of it in
the data directory the ``cli`` fixture runs on."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1] / "service"))

from oversight_world import gateway, history  # noqa: F401
