"""Reading a file that must hold one JSON object in UTF-8 (requests, registries, decisions).

Anything else is an :class:`~ftigate.errors.InputError` naming the file and, for a syntax error, the
line and column: the contract's "exit 2: the file itself cannot be read". That includes what Python's
parser would let through but JSON (RFC 8259) and the signature's canonical form (RFC 8785, I-JSON)
do not: ``NaN`` and ``Infinity``, a member name given twice in one object, and a ``\\u`` escape for half a surrogate pair, which no UTF-8 text
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


class DuplicateName(ValueError):
    """An object names one member twice: not I-JSON (RFC 7493), no canonical form (RFC 8785)."""


def _unique_members(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """Build an object, refusing a member name given twice: which of the two values would count is
    anyone's guess (Python keeps the last, others the first), and the signature's canonical form has
    no way to say it."""
    out: dict[str, Any] = {}
    for name, value in pairs:
        if name in out:
            raise DuplicateName(f"the member name {name!r} appears twice in one object (not I-JSON: a request "
                                "with a duplicated member has no canonical form and is judged on neither value)")
        out[name] = value
    return out


def loads_object(text: str) -> Any:
    """Parse JSON text as this gateway reads every JSON document: no NaN or Infinity, no duplicated
    member names. Raises ``ValueError`` (``json.JSONDecodeError`` for a syntax error)."""
    return json.loads(text, parse_constant=_no_constant, object_pairs_hook=_unique_members)


def read_json_object(path: Path) -> dict[str, Any]:
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", file=str(path)) from None
    try:
        text = raw.decode("utf-8")
        data = loads_object(text)
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
