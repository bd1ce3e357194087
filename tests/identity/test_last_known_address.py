"""The last known address (26 U.S.C. 6103(i)(2)(C), (b)(6)): which of a taxpayer's rows is disclosed.

:func:`~ftigate.identity.disclosable_identities` picks, per taxpayer, the row with the least key
(one grouping pass). The reference here is the rule as first written: every row ranked by tax period,
then by each disclosed value, with a window function, and the first taken. The two must choose the
same row for any master file: periods that are no whole number, blank street lines, ties, TINs
written with dashes, text that sorts oddly.
"""

from __future__ import annotations

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ftigate.formats import MASTER_COLUMNS
from ftigate.identity import IDENTITY_COLUMNS, disclosable_identities
from ftigate.identity.normalise import install

_FIELDS = IDENTITY_COLUMNS[1:]

#: the rule as first written: rank every row of a wanted taxpayer, keep the first
_REFERENCE = """
    SELECT tin, {fields} FROM (
        SELECT ftg_tin(CAST(m.tin AS VARCHAR)) AS tin, {columns},
               row_number() OVER (PARTITION BY ftg_tin(CAST(m.tin AS VARCHAR))
                   ORDER BY TRY_CAST(m.tax_period AS INTEGER) DESC NULLS LAST, {order}) AS recency
        FROM read_parquet('{path}') AS m
        WHERE ftg_tin(CAST(m.tin AS VARCHAR)) IN (SELECT * FROM (VALUES {wanted}))
          AND trim(coalesce(CAST(m.address_line1 AS VARCHAR), '')) <> ''
    ) WHERE recency = 1
"""


def _reference(path: str, wanted: list[str]) -> set[tuple[str, ...]]:
    con = duckdb.connect()
    install(con)
    columns = ", ".join(f"coalesce(CAST({c} AS VARCHAR), '') AS {c}" for c in _FIELDS)
    order = ", ".join(f"coalesce(CAST(m.{c} AS VARCHAR), '')" for c in ("address_line1", *_FIELDS))
    values = ", ".join(f"('{tin}')" for tin in wanted)  # nine digits each: nothing to quote
    sql = _REFERENCE.format(fields=", ".join(_FIELDS), columns=columns, order=order, path=path, wanted=values)
    return set(con.sql(sql).fetchall())


_text = st.sampled_from(["", " ", "A", "a", "B", "Zoë", "z", "Ω", "\u00a0", "A ", " A", "12 Elm St", None])
_period = st.sampled_from(["2024", "2023", "2024 ", "0", "-5", "2147483648", "99999999999", "x", "", "2024.5", None])
_tin = st.sampled_from(["900000001", "900-00-0001", "900000002", "900000003", "12345"])


@st.composite
def _masters(draw) -> list[dict[str, str | None]]:
    rows = []
    for _ in range(draw(st.integers(1, 12))):
        row: dict[str, str | None] = {name: draw(_text) for name in MASTER_COLUMNS}
        row["tin"], row["tax_period"] = draw(_tin), draw(_period)
        row["date_of_birth"] = "1970-01-01"
        rows.append(row)
    return rows


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=_masters())
def test_the_row_disclosed_is_the_one_the_rule_ranks_first(tmp_path, rows) -> None:
    path = tmp_path / "master.parquet"
    pq.write_table(pa.table({name: pa.array([r[name] for r in rows], type=pa.string()) for name in MASTER_COLUMNS}),
                   path)
    wanted = ["900000001", "900000002", "900000003"]
    found = disclosable_identities(path, wanted)
    assert found.column_names == list(IDENTITY_COLUMNS)
    assert found.num_rows == len(set(found.column("tin").to_pylist()))  # one row per taxpayer
    assert set(zip(*(found.column(c).to_pylist() for c in IDENTITY_COLUMNS), strict=True)) == _reference(str(path), wanted)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(tins=st.lists(st.one_of(st.none(), st.sampled_from(["900000001", "900-00-0002", "", "9000000O3", "٩00000001",
                                                           " 900000003", "900000001"]),
                               st.text(max_size=11)), max_size=8))
def test_tins_asked_about_as_arrow_text_are_the_same_tins_as_python_text(tmp_path, tins) -> None:
    """A large request's matched TINs arrive as Arrow text: what is found for them is what is found for
    the same TINs as Python text (a missing one is asked about as no TIN)."""
    path = tmp_path / "master.parquet"
    rows = {name: ["1970-01-01" if name == "date_of_birth" else "12 Elm St" if name == "address_line1" else "A"] * 3
            for name in MASTER_COLUMNS}
    rows["tin"] = ["900000001", "900000002", "900-00-0003"]
    pq.write_table(pa.table({name: pa.array(values, type=pa.string()) for name, values in rows.items()}), path)
    as_arrow = disclosable_identities(path, pa.array(tins, type=pa.string()))
    as_python = disclosable_identities(path, [t for t in tins if t is not None])
    assert as_arrow.sort_by("tin").equals(as_python.sort_by("tin"))
