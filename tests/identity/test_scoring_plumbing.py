"""The matcher's own plumbing around Splink's scoring says what Splink's says, and its decisions read alike.

:func:`~ftigate.identity.engine.predict_duckdb` finds the candidate pairs by integer ids and runs
Splink's comparison and scoring SQL on them without Splink's ``predict``; the street levels test
cheap things before their distances. Neither may change a pair, a level or a weight.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
from hypothesis import given, settings
from hypothesis import strategies as st
from splink.internals.dialects import SplinkDialect

from ftigate.identity import engine as job
from ftigate.identity.decision import DecisionRule
from ftigate.identity.model import StreetSlipsLevel, edits_at_most, settings_dict
from ftigate.identity.training import quiet_splink

_DUCKDB = SplinkDialect.from_string("duckdb")
_SPARK = SplinkDialect.from_string("spark")  # the plain definitions: the distance alone
_text = st.text(alphabet="ABC -", max_size=12)
_value = st.one_of(st.none(), _text)


def _pairs(con: duckdb.DuckDBPyConnection) -> list[tuple[object, ...]]:
    return sorted(con.execute("SELECT * FROM pairs").fetchall(), key=repr)


def test_predict_gives_the_pairs_weights_and_levels_of_splink_s_own_predict(world, tmp_path: Path) -> None:
    from splink import DuckDBAPI, Linker

    rule = DecisionRule()
    with job.work_database(tmp_path / "work") as (con, _folder):
        job.prepare_subjects(con, world.subjects, lambda *_: None)
        records = job.prepare_master(con, world.master)
        model = job.trained_parameters(con, world.master, records, None)
        assert job.predict_duckdb(con, model, rule) == "pairs"
        ours = _pairs(con)
        quiet_splink()
        linker = Linker(["s_norm", "m_norm"], settings_dict("duckdb", model.prior, model.parameters),
                        DuckDBAPI(connection=con), input_table_aliases=["subjects", "master"],
                        set_up_basic_logging=False)
        predictions = linker.inference.predict(threshold_match_weight=rule.prediction_floor)
        job.make_pairs_table(con, predictions.physical_name)
        splink_s = _pairs(con)
    assert len(ours) > 100
    assert ours == splink_s


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(_value, _value), min_size=1, max_size=40), st.sampled_from([1, 2]))
def test_edits_at_most_is_damerau_levenshtein_at_most(pairs: list[tuple[str | None, str | None]], edits: int) -> None:
    """The cheap tests first never turn away two values so many edits apart, nor let through others."""
    con = duckdb.connect()
    con.execute("CREATE TABLE p (a VARCHAR, b VARCHAR)")
    con.executemany("INSERT INTO p VALUES (?, ?)", pairs)
    fast = edits_at_most("a", "b", edits, _DUCKDB)
    plain = edits_at_most("a", "b", edits, _SPARK)
    assert plain == f"damerau_levenshtein(a, b) <= {edits}"
    rows = con.execute(f"SELECT coalesce({fast}, false), coalesce({plain}, false) FROM p").fetchall()  # nosec B608  # the tests' own SQL
    assert [f for f, _ in rows] == [p for _, p in rows]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(_value, _value, _value, _value), min_size=1, max_size=30), st.sampled_from([1, 2]))
def test_street_slips_level_on_duckdb_is_its_plain_definition(rows: list[tuple[str | None, ...]], slips: int) -> None:
    con = duckdb.connect()
    con.execute("CREATE TABLE p (street_compact_l VARCHAR, street_compact_r VARCHAR, "
                "street_spelled_l VARCHAR, street_spelled_r VARCHAR)")
    con.executemany("INSERT INTO p VALUES (?, ?, ?, ?)", rows)
    level = StreetSlipsLevel(slips)
    fast, plain = level.create_sql(_DUCKDB), level.create_sql(_SPARK)
    got = con.execute(f"SELECT coalesce({fast}, false), coalesce({plain}, false) FROM p").fetchall()  # nosec B608  # the level's own SQL
    assert [f for f, _ in got] == [p for _, p in got]


def test_street_slips_levels_keep_their_examples() -> None:
    con = duckdb.connect()
    cases = {(1, "ELMST", "ELMST", "ELMSTREET", "ELMSTREET"): True,
             (1, "MAPLEST", "MARBLEST", "MAPLESTREET", "MARBLESTREET"): False,  # two slips: two streets
             (1, "BUSSELLCRES", "BUSSELLCRESC", "BUSSELLCRESCENT", "BUSSELLCRESCENT"): True,
             (2, "BRIDGEDTREET", "BRIDGEST", "BRIDGEDTREET", "BRIDGESTREET"): True,
             (2, "MOOREOLACE", "MOOREPL", "MOOREOLACE", "MOOREPLACE"): True,
             (2, "MAPLEST", "MARBLEST", "MAPLESTREET", "MARBLESTREET"): False,  # the first three letters differ
             (2, "ELMST", None, "ELMSTREET", None): False}
    for (slips, *values), expected in cases.items():
        sql = StreetSlipsLevel(slips).create_sql(_DUCKDB)
        got = con.execute(f"SELECT coalesce({sql}, false) FROM (SELECT ? AS street_compact_l, ? AS street_compact_r, "  # nosec B608
                          "? AS street_spelled_l, ? AS street_spelled_r)", values).fetchall()[0][0]
        assert got is expected, (slips, values)


def test_a_rival_s_bits_are_plain_floats(world_results) -> None:
    """The decision's bits are decimals in SQL; the evidence holds them as floats (it is stored as JSON)."""
    rivals = [r.evidence["rival"] for r in world_results.values() if r.evidence.get("rival")]
    assert rivals
    for rival in rivals:
        assert type(rival["likelihood_ratio_bits"]) is float
        assert {type(v) for v in rival["by_field"].values()} == {float}
        assert isinstance(rival["tie"], bool)
