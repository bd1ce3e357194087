"""Fixtures of the service tests: ``history``, a gateway with a known history, and ``gateway``, the
test's own copy of it (tests/service/oversight_world.py). The folder is put on the import path so
the tests can also import the world's dates and clock from ``oversight_world``."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from oversight_world import gateway, history  # noqa: F401
