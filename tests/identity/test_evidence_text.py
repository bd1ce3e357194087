"""identity.evidence_text: a batch's evidence written by DuckDB, which must be, byte for byte, what the
row encoder writes of the evidence Python builds for the same row, or nothing (``None``).

The decision's columns are drawn at random, odd values included: doubles that are not finite, negative
zero, the smallest and largest; text with quotes, backslashes, control characters and other scripts;
reasons and levels the matcher does not know; nulls anywhere. A row DuckDB writes must read as Python
writes it; a row it leaves out must be one Python can still write or refuse, as before.
"""

from __future__ import annotations

import json
import struct

import duckdb
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ftigate import identity
from ftigate.identity.decision import REASONS, SCALE
from ftigate.identity.model import gamma_labels

#: the form a stored decision's evidence takes (the ledger's decision lines)
_ENCODER = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False)
_LABELS = gamma_labels()
_DOUBLES = ("best_probability", "best_weight", "runner_up_probability", "runner_up_weight", "rival_bits",
            *(f"by_field_{name}" for name in SCALE))


def _schema() -> pa.Schema:
    return pa.schema([("subject_id", pa.string()), ("outcome", pa.string()), ("reason", pa.string()),
                      ("best_tin", pa.string()), ("address_confirmed", pa.bool_()),
                      *((f"gamma_{name}", pa.int32()) for name in _LABELS),
                      ("runner_up_tin", pa.string()), ("rival_tin", pa.string()),
                      *((name, pa.float64()) for name in _DOUBLES)])


_doubles = st.one_of(st.none(), st.floats(), st.floats(-100, 100), st.sampled_from([-0.0, 5e-324, 1e-05, 1e16]))
_tins = st.one_of(st.none(), st.from_regex(r"[0-9]{9}", fullmatch=True),
                  st.text(st.characters(codec="utf-8", exclude_categories=()), max_size=10))  # Arrow text holds no lone surrogate


@st.composite
def _rows(draw) -> dict:
    row = {"subject_id": str(draw(st.integers(1, 10**6))), "outcome": draw(st.sampled_from(["match", "no_match"])),
           "reason": draw(st.one_of(st.sampled_from(sorted(REASONS)), st.none(), st.text(max_size=4))),
           "best_tin": draw(_tins), "address_confirmed": draw(st.one_of(st.none(), st.booleans())),
           "runner_up_tin": draw(_tins), "rival_tin": draw(_tins)}
    for name, mapping in _LABELS.items():
        row[f"gamma_{name}"] = draw(st.one_of(st.sampled_from(sorted(mapping)), st.none(), st.integers(-3, 12)))
    for name in _DOUBLES:
        row[name] = draw(_doubles)
    return row


def _python_text(table: pa.Table, rule: identity.DecisionRule) -> str | None:
    """What Python writes of a one-row table's evidence; None where it refuses to."""
    try:
        [result] = identity.decided_results(table, rule)
        return _ENCODER.encode(result.evidence)
    except (KeyError, TypeError, ValueError):
        return None


@settings(max_examples=400, deadline=None)
@given(rows=st.lists(_rows(), min_size=1, max_size=12))
def test_each_row_is_written_as_python_writes_it_or_left_to_python(rows):
    rule = identity.DecisionRule()
    table = pa.Table.from_pylist(rows, schema=_schema())
    texts = identity.evidence_texts(table, rule)
    assert len(texts) == len(rows)
    for n, text in enumerate(texts):
        if text is not None:
            assert text == _python_text(table.slice(n, 1), rule)


def test_the_usual_rows_are_written_here():
    """A confident match, a row without a candidate, and one with a rival: every one written by DuckDB."""
    rule = identity.DecisionRule()
    levels = {f"gamma_{name}": max(mapping) for name, mapping in _LABELS.items()}
    base = {"subject_id": "1", "address_confirmed": True, "runner_up_tin": None, "rival_tin": None, **levels,
            **dict.fromkeys(_DOUBLES, None)}
    rows = [{**base, "outcome": "match", "reason": "confident_unique_match", "best_tin": "123456789",
             "best_probability": 0.9999999999999124, "best_weight": 43.37653671324138},
            {**base, "outcome": "no_match", "reason": "no_candidate", "best_tin": None},
            {**base, "outcome": "ambiguous", "reason": "another_taxpayer_fits", "best_tin": "123456789",
             "best_probability": 0.999, "best_weight": 9.96, "runner_up_tin": "987654321",
             "runner_up_probability": 6.035709990117852e-05, "runner_up_weight": -14.0, "rival_tin": "987654321",
             "rival_bits": 0.0, **{f"by_field_{name}": 0.0 for name in SCALE}}]
    table = pa.Table.from_pylist(rows, schema=_schema())
    texts = identity.evidence_texts(table, rule)
    assert None not in texts
    assert texts == [_python_text(table.slice(n, 1), rule) for n in range(len(rows))]
    assert json.loads(texts[2])["rival"]["tie"] is True


@pytest.mark.parametrize("column", ["best_probability", "rival_bits", "best_tin", "reason", "gamma_address"])
def test_a_value_python_would_write_otherwise_is_left_to_python(column):
    """Infinity, text with a quote, an unknown reason or level: not written here (None)."""
    rule = identity.DecisionRule()
    levels = {f"gamma_{name}": max(mapping) for name, mapping in _LABELS.items()}
    row = {"subject_id": "1", "outcome": "match", "reason": "confident_unique_match", "best_tin": "123456789",
           "address_confirmed": True, "runner_up_tin": None, "rival_tin": "987654321", **levels,
           **dict.fromkeys(_DOUBLES, 1.0)}
    row[column] = {"best_probability": float("inf"), "rival_bits": float("nan"), "best_tin": 'a"b',
                   "reason": "unheard_of", "gamma_address": 99}[column]
    table = pa.Table.from_pylist([row], schema=_schema())
    assert identity.evidence_texts(table, rule) == [None]


def test_columns_of_another_type_are_all_left_to_python():
    rule = identity.DecisionRule()
    table = pa.Table.from_pylist([{"subject_id": "1", "best_probability": 0.5}])
    assert identity.evidence_texts(table, rule) == [None]


@settings(max_examples=50, deadline=None)
@given(bits=st.lists(st.integers(0, 2**64 - 1), min_size=1, max_size=2000))
def test_duckdb_writes_a_double_as_python_does(bits):
    """The ground the bulk writer stands on: DuckDB's text of a double is Python's ``repr`` of it."""
    values = [v for v in (struct.unpack("<d", struct.pack("<Q", b))[0] for b in bits) if v == v and abs(v) != float("inf")]
    if not values:
        return
    con = duckdb.connect()
    try:
        con.register("t", pa.table({"x": pa.array(values, pa.float64())}))
        written = con.sql("SELECT CAST(x AS VARCHAR) FROM t").to_arrow_table().column(0).to_pylist()
    finally:
        con.close()
    assert written == [repr(v) for v in values]
