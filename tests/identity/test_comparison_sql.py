"""The comparison levels' SQL written for speed says the same as the plain definition it stands for."""

from __future__ import annotations

import functools

import duckdb
from hypothesis import given, settings
from hypothesis import strategies as st
from splink.internals.dialects import SplinkDialect

from ftigate.identity.model import OneEditLevel

_DUCKDB = SplinkDialect.from_string("duckdb")
_text = st.text(alphabet="ABC0-", max_size=8)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.one_of(st.none(), _text), st.one_of(st.none(), _text)), min_size=1, max_size=40))
def test_one_edit_level_is_damerau_levenshtein_at_most_one(pairs: list[tuple[str | None, str | None]]) -> None:
    """The halves tested first never turn away a pair one edit apart, nor let through one that is not."""
    con = duckdb.connect()
    con.execute("CREATE TABLE p (v_l VARCHAR, v_r VARCHAR)")
    con.executemany("INSERT INTO p VALUES (?, ?)", pairs)
    level = OneEditLevel("v").create_sql(_DUCKDB)
    rows = con.execute(f"SELECT coalesce({level}, false), coalesce(damerau_levenshtein(v_l, v_r) <= 1, false) FROM p").fetchall()  # nosec B608  # the level's own SQL
    assert [fast for fast, _ in rows] == [plain for _, plain in rows]


def test_one_edit_level_keeps_typos_and_turns_away_others() -> None:
    con = duckdb.connect()
    level = OneEditLevel("v").create_sql(_DUCKDB)
    cases = {("1980-03-12", "1980-03-21"): True, ("1980-03-12", "1908-03-12"): True, ("1980-03-12", "1980-03-1"): True,
             ("123456789", "123456798"): True, ("123456789", "213456789"): True, ("1980-03-12", "1981-04-12"): False,
             ("", "A"): True, ("AB", "BA"): True, ("ABCD", "ACBD"): True, ("ABCD", "BADC"): False}
    for (left, right), expected in cases.items():
        got = con.execute(f"SELECT {level} FROM (SELECT ? AS v_l, ? AS v_r)", [left, right]).fetchall()[0][0]  # nosec B608
        assert got is expected, (left, right)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.one_of(st.none(), st.text(alphabet="ABCEGHIKPQSTVYZ ", max_size=10)), min_size=1, max_size=30))
def test_sound_in_sql_is_the_python_sound(names: list[str | None]) -> None:
    """``ftg_sound``, a vector at a time with each distinct name worked out once, says what :func:`sound` says."""
    from ftigate.identity.normalise import install, sound

    con = duckdb.connect()
    install(con)
    con.execute("CREATE TABLE n (i INTEGER, name VARCHAR)")
    con.executemany("INSERT INTO n VALUES (?, ?)", list(enumerate(names)))
    got = [row[0] for row in con.execute("SELECT ftg_sound(name) FROM n ORDER BY i").fetchall()]
    assert got == [sound(name) for name in names]


@functools.cache
def _normalising() -> duckdb.DuckDBPyConnection:
    """One connection with the matcher's normalising macros, made once (installing them takes a while)."""
    from ftigate.identity.normalise import install

    con = duckdb.connect()
    install(con)
    return con


#: the TIN's normal form as first defined: its digits, when there are exactly nine of them
_PLAIN_TIN = ("CASE WHEN length(regexp_replace(coalesce(s, ''), '[^0-9]', '', 'g')) = 9 "
              "THEN regexp_replace(s, '[^0-9]', '', 'g') END")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.none(), st.text(alphabet="0123456789-  \x00٣９O", max_size=14),
                          st.from_regex(r"[0-9]{9}", fullmatch=True)), min_size=1, max_size=40))
def test_tin_in_sql_takes_nine_written_digits_as_they_are_and_is_its_plain_definition(values: list[str | None]) -> None:
    """``ftg_tin`` takes nine ASCII digits as written without rewriting them: for any text (dashes,
    spaces, NUL, other scripts' digits, a letter O), it gives what its plain definition gives."""
    with _normalising().cursor() as con:  # a temporary table of its own
        con.execute("CREATE TEMP TABLE t (s VARCHAR)")
        con.executemany("INSERT INTO t VALUES (?)", [(v,) for v in values])
        rows = con.execute(f"SELECT ftg_tin(s), {_PLAIN_TIN} FROM t").fetchall()  # nosec B608  # constant SQL
    assert [fast for fast, _ in rows] == [plain for _, plain in rows]
    assert _normalising().execute("SELECT ftg_tin('123456789'), ftg_tin('123-45-6789'), ftg_tin('12345678'), "
                       "ftg_tin('１２３４５６７８９')").fetchall() == [("123456789", "123456789", None, None)]
