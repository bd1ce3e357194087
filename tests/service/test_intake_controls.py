"""Control characters at intake, for any text: what is stored and shown holds none, a clean request is
left exactly as it was, and every member that held one is named."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from ftigate.service.requests.intake import _controls_in, without_controls

CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
texts = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=30)
values = st.recursive(st.none() | st.booleans() | st.integers() | texts,
                      lambda inner: st.lists(inner, max_size=4) | st.dictionaries(texts, inner, max_size=4),
                      max_leaves=20)


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


@given(st.dictionaries(texts, values, max_size=6))
def test_what_is_stored_holds_no_control_character(request):
    stored = without_controls(request)
    assert not any(CONTROL.search(s) for s in _strings(stored))
    assert without_controls(stored) == stored
    if not any(CONTROL.search(s) for s in _strings(request)):
        assert stored == request


@given(texts, st.sampled_from(["\x00", "\x1b", "\x7f", "\x85", "\x08", "\x0c"]))
def test_a_member_holding_one_is_named(text, control):
    request = {"reason": text + control, "investigation": {"authority": "8 U.S.C. 1357(a)"}}
    assert ("reason", ord(control)) in _controls_in(request) or any(m == "reason" for m, _ in _controls_in(request))
    assert _controls_in({"reason": "line one\nline two\ttabbed"}) == []
