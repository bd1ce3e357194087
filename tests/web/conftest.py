"""Fixtures of the HTTP API's tests: ``api_world`` (a gateway served over HTTP, with everyone's token)
is importable by the tests beside this file."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
