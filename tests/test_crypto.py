"""Canonical JSON: the fast path for values without floats is byte-for-byte RFC 8785."""

from __future__ import annotations

import random

import pytest
import rfc8785

from ftigate.crypto import canonical_json, whole_numbers
from ftigate.errors import InputError

#: characters that exercise every escape rule: controls, quote, backslash, DEL, HTML's specials,
#: Latin-1, the line and paragraph separators, the private use area and characters beyond the BMP
_ALPHABET = ([chr(c) for c in range(0x00, 0x20)]
             + ['"', "\\", "/", "\x7f", "<", ">", "&", "'", "a", "Z", "0", " ", "é", "ß", "\u20ac", "\u2028", "\u2029",
                "\ue000", "\uffff", "\U0001f600", "\U0010ffff"])


def _text(rng: random.Random) -> str:
    return "".join(rng.choice(_ALPHABET) for _ in range(rng.randint(0, 12)))


def _value(rng: random.Random, depth: int = 0) -> object:
    choice = rng.randint(0, 7 if depth < 4 else 4)
    if choice == 0:
        return None
    if choice == 1:
        return rng.choice([True, False])
    if choice == 2:
        return rng.choice([0, -1, 1, 2**53 - 1, -(2**53) + 1, rng.randint(-10**9, 10**9)])
    if choice in (3, 4):
        return _text(rng)
    if choice == 5:
        return [_value(rng, depth + 1) for _ in range(rng.randint(0, 4))]
    # mostly ASCII keys (the fast path), now and then one beyond ASCII or beyond the BMP (the reference)
    keys = ["".join(rng.choice("abcXYZ_-09 ") for _ in range(rng.randint(0, 5))) for _ in range(rng.randint(0, 5))]
    if rng.random() < 0.1:
        keys.append(rng.choice(["é", "\U0001f600", "\uff5e", "\ue000"]))
    return {key: _value(rng, depth + 1) for key in keys}


def test_values_without_floats_are_exactly_rfc8785() -> None:
    rng = random.Random(8785)
    for _ in range(3000):
        value = _value(rng)
        assert canonical_json(value) == rfc8785.dumps(value), value
        # and so is a ledger entry holding it, which takes the same path
        entry = {"kind": "x", "at": "2025-01-01T00:00:00Z", "v": value}
        assert canonical_json(entry) == rfc8785.dumps(entry)


@pytest.mark.parametrize("value", [
    {"p": 1e-06, "q": 1e21, "r": 0.1 + 0.2, "s": -0.0, "n": [1.5, 100.0]},  # ECMAScript number formatting
    {"\U0001f600": 1, "\ufb01": 2, "a": 3},  # UTF-16 order differs from code-point order here
    {"big": 2**53},  # beyond a double's exact integers: refused as RFC 8785 refuses it
])
def test_everything_else_goes_through_rfc8785(value: object) -> None:
    _assert_as_rfc8785(value)


def _assert_as_rfc8785(value: object) -> None:
    """canonical_json gives rfc8785's bytes, or refuses (InputError) what rfc8785 refuses."""
    try:
        expected = rfc8785.dumps(value)
    except rfc8785.CanonicalizationError:
        with pytest.raises(InputError):
            canonical_json(value)
        return
    assert canonical_json(value) == expected


def test_floats_take_ecmascript_form_not_python_s() -> None:
    assert canonical_json({"p": 1e-06}) == b'{"p":0.000001}'


def test_a_lone_surrogate_is_refused_on_either_path() -> None:
    for value in ({"text": "\ud800"}, {"text": "\ud800", "p": 0.5}):
        with pytest.raises(InputError, match="canonical JSON"):
            canonical_json(value)


@pytest.mark.parametrize("value", [
    {"factor": 3.0}, {"n": [100.0, -0.0, 0.0, 2.0**53 - 1, -(2.0**53) + 1]}, {"t": (1.0, {"u": 7.0})},
    {"mixed": [3.0, 1.5]}, {"big": 2.0**53}, {"huge": 1e21}, {"nan": float("nan")},
])
def test_whole_number_floats_are_written_as_rfc8785_writes_them(value: object) -> None:
    """3.0 is "3" in RFC 8785, as the integer 3 is: such floats take the plain way, with the same bytes."""
    _assert_as_rfc8785(value)


def test_whole_numbers_only_for_whole_floats_a_double_holds_exactly() -> None:
    assert whole_numbers({"a": [3.0, (2.0,)], "b": "x", "c": None, "d": True, "e": 4}) == \
        {"a": [3, [2]], "b": "x", "c": None, "d": True, "e": 4}
    assert type(whole_numbers({"a": 3.0})["a"]) is int  # type: ignore[index]
    for value in ({"a": 1.5}, {"a": [2.0**53]}, {"a": float("inf")}, {"a": float("nan")}):
        assert whole_numbers(value) is None
