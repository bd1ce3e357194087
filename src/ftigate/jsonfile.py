"""Reading a file that must hold one JSON object in UTF-8 (requests, registries, decisions).

Anything else is an :class:`~ftigate.errors.InputError` naming the file and, for a syntax error, the
line and column: the contract's "exit 2: the file itself cannot be read".
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ftigate.errors import InputError


def read_json_object(path: Path) -> dict[str, Any]:
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", file=str(path)) from None
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise InputError("not UTF-8 text", file=str(path)) from None
    except json.JSONDecodeError as exc:
        raise InputError(f"not JSON: {exc.msg} at line {exc.lineno} column {exc.colno}", file=str(path)) from None
    if not isinstance(data, dict):
        raise InputError("must be a JSON object", file=str(path))
    return data
