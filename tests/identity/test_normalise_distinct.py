"""Normalising each distinct value once and joining it back gives exactly what normalising row by row gives.

The master file is normalised through tables of each field's distinct values
(:func:`~ftigate.identity.normalise.normalised_select`); the definition is the row-by-row SELECT
(:func:`~ftigate.identity.normalise.row_by_row_select`) that :func:`normalise_name` and
:func:`normalise_address` run. Any difference would change who a subject is matched to, so the two
are compared on generated rows, hostile text included: look-alike letters from other scripts,
invisible and direction-changing characters, combining accents, NUL bytes, empty and missing values,
and values repeated across rows (the case the distinct tables are for).
"""

from __future__ import annotations

import duckdb
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from ftigate.identity import normalise_address, normalise_name, normalise_records
from ftigate.identity.normalise import NORMALISED_COLUMNS, install, normalised_select, row_by_row_select

_RAW_FIELDS = ("first_name", "middle_name", "last_name", "suffix", "date_of_birth", "address_line1", "address_line2",
               "city", "state", "zip", "tin")

#: words the rules act on (titles, suffixes, particles, street types, units, directionals, states)
_WORDS = ["Jr", "jr.", "III", "2nd", "Sr", "Dr.", "Mrs", "de", "la", "Van", "Mc", "O'Brien", "García-López",
          "J.R.", "Bill", "William", "Liz", "Street", "St", "Saint", "Str", "TSREET", "Avenue", "Ave", "North",
          "N", "SW", "Apt", "Apartment", "#", "Unit", "No.", "Lot", "Rd", "Front", "PO", "P O", "Post Office",
          "Box", "Ste", "Fl", "Bldg", "Mount", "Fort", "New York", "Calif", "CA", "Texas", "12345", "12345-6789",
          "4B", "0", "007", "1st", "Tenth", "Bridge", "BRIDGEDTREET", "Hall", "Crescent", "Lane", "Pl"]
#: characters that look alike, vanish, reorder or break things
_HOSTILE = ["\u0410", "\u039f", "\uff21", "\u200b", "\u200d", "\u00ad", "\ufeff", "\u202e", "\u0301", "\x00",
            "\t", "\n", "\u00a0", "\u3000", "\u00df", "\u0141", "\u00d8", "\u00e9", "\u0131", "\u2163", "\u00bd",
            "\ufb01", "'", "`", ".", "-", ",", "/", "  "]
_piece = st.one_of(st.sampled_from(_WORDS), st.sampled_from(_HOSTILE), st.text(max_size=4),
                   st.text(alphabet="ABCXYZ0189 .-#'", max_size=6))
_value = st.one_of(st.just(""), st.lists(_piece, max_size=5).map(" ".join), st.lists(_piece, max_size=4).map("".join))
_row = st.fixed_dictionaries({f: _value for f in _RAW_FIELDS})


def _pool_rows(draw: st.DrawFn) -> list[dict[str, str | None]]:
    """Rows drawn from a small pool of values per field, so that values repeat across rows."""
    pools = {f: draw(st.lists(st.one_of(st.none(), _value), min_size=1, max_size=4)) for f in _RAW_FIELDS}
    count = draw(st.integers(min_value=1, max_value=25))
    return [{f: draw(st.sampled_from(pools[f])) for f in _RAW_FIELDS} for _ in range(count)]


_CON = duckdb.connect()
install(_CON)


def _both_ways(rows: list[dict[str, str | None]]) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    table = pa.table({"i": pa.array(range(len(rows)), type=pa.int64()),
                      **{f: pa.array([r[f] for r in rows], type=pa.string()) for f in _RAW_FIELDS}})
    _CON.register("rows_in", table)
    try:
        _CON.execute("CREATE OR REPLACE TEMP TABLE rows_t AS SELECT * FROM rows_in")
    finally:
        _CON.unregister("rows_in")
    ids = "i, ftg_tin(tin) AS master_tin"
    plain = _CON.execute(f"SELECT * FROM ({row_by_row_select('rows_t', ids)}) ORDER BY i").fetchall()  # nosec B608
    fast = _CON.execute(f"SELECT * FROM ({normalised_select('rows_t', ids)}) ORDER BY i").fetchall()  # nosec B608
    return plain, fast


@settings(max_examples=80, deadline=None)
@given(st.composite(_pool_rows)())
def test_distinct_values_normalise_as_rows_do(rows: list[dict[str, str | None]]) -> None:
    """Every column of every row, NULLs included, the same both ways, in the same column order."""
    plain, fast = _both_ways(rows)
    assert fast == plain


@settings(max_examples=25, deadline=None)
@given(st.lists(_row, min_size=1, max_size=12))
def test_many_records_normalise_as_each_name_and_address_alone(rows: list[dict[str, str]]) -> None:
    """The public many-at-once form (distinct values) agrees with the one-value forms (row by row)."""
    many = normalise_records(rows)
    for row, got in zip(rows, many, strict=True):
        name = normalise_name(row["first_name"], row["last_name"], row["middle_name"], row["suffix"])
        address = normalise_address(row["address_line1"], row["address_line2"], row["city"], row["state"], row["zip"])
        assert (got["given"], got["given1"], tuple(got["given_group"] or ()), got["middle"], got["last"],  # type: ignore[arg-type]
                tuple(got["last_tokens"] or ()), got["suffix"]) == (  # type: ignore[arg-type]
            name.given, name.given1, name.given_group, name.middle, name.last, name.last_tokens, name.suffix)
        assert (got["house"], got["street"], got["unit"], got["city"], got["state"], got["zip5"], got["street_compact"],
                got["line2"], got["street_spelled"]) == (
            address.house, address.street, address.unit, address.city, address.state, address.zip5,
            address.street_compact, address.line2, address.street_spelled)
        assert set(NORMALISED_COLUMNS) <= set(got)


def test_the_same_columns_in_the_same_order() -> None:
    """Names and types, in order: the training sample's digest reads a record's columns in order."""
    _both_ways([{f: "" for f in _RAW_FIELDS}])
    ids = "i, ftg_tin(tin) AS master_tin"
    plain = _CON.execute(f"DESCRIBE {row_by_row_select('rows_t', ids)}").fetchall()  # nosec B608
    assert _CON.execute(f"DESCRIBE {normalised_select('rows_t', ids)}").fetchall() == plain  # nosec B608


def test_a_difference_in_one_row_would_show() -> None:
    """The comparison can fail: rows sharing a value get that value's normalisation, and rows that
    differ only by an invisible character or a look-alike letter are normalised each in its own right."""
    rows: list[dict[str, str | None]] = [
        {f: "" for f in _RAW_FIELDS} | {"first_name": "Bill", "address_line1": "12 Hall Tsreet Apt 4"},
        {f: "" for f in _RAW_FIELDS} | {"first_name": "Bi\u200bll", "address_line1": "12 Hall Tsreet Apt 4"},
        {f: None for f in _RAW_FIELDS} | {"first_name": "\u0412ill", "address_line1": "12 Hall Street"},
    ]
    plain, fast = _both_ways(rows)
    assert fast == plain
    assert [r[0] for r in fast] == [0, 1, 2]
    given = {r[0]: r[7] for r in fast}  # i, master_tin, dob, city, state, zip5, tin_n, given
    assert given[0] == given[1] == "BILL"
    assert given[2] == "VILL"
