"""Reading a file that must hold one JSON object in UTF-8 (requests, registries, decisions).

Anything else is an :class:`~ftigate.errors.InputError` naming the file and, for a syntax error, the
line and column: the contract's "exit 2: the file itself cannot be read". That includes what Python's
parser would let through but JSON (RFC 8259) and the signature's canonical form (RFC 8785, I-JSON)
do not: ``NaN`` and ``Infinity``, and a ``\\u`` escape for half a surrogate pair, which no UTF-8 text
can hold (it could be neither signed, stored nor printed).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from ftigate.errors import InputError

#: a \u escape in the surrogate range: the only way a lone surrogate gets into a parsed UTF-8 text
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON value")


def read_json_object(path: Path) -> dict[str, Any]:
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", file=str(path)) from None
    try:
        text = raw.decode("utf-8")
        data = json.loads(text, parse_constant=_no_constant)
        if _SURROGATE_ESCAPE.search(text):
            json.dumps(data, ensure_ascii=False).encode("utf-8")  # raises on a lone surrogate
    except UnicodeDecodeError:
        raise InputError("not UTF-8 text", file=str(path)) from None
    except UnicodeEncodeError:
        raise InputError("not UTF-8 text: a \\u escape stands for half a surrogate pair", file=str(path)) from None
    except json.JSONDecodeError as exc:
        raise InputError(f"not JSON: {exc.msg} at line {exc.lineno} column {exc.colno}", file=str(path)) from None
    except ValueError as exc:
        raise InputError(f"not JSON: {exc}", file=str(path)) from None
    except RecursionError:
        raise InputError("not readable JSON: nested too deeply", file=str(path)) from None
    if not isinstance(data, dict):
        raise InputError("must be a JSON object", file=str(path))
    return data
