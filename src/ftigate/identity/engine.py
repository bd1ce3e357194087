"""The matching job: load, normalise, train (or reuse: :mod:`ftigate.identity.training`), score candidate pairs, decide.

Everything heavy runs in one DuckDB database file in the work directory, with a memory limit and
spilling to disk, so memory stays bounded whatever the size of the master file. Candidate scoring
runs on DuckDB (the default) or on Spark (:mod:`ftigate.identity.spark_engine`); loading,
normalisation and the decision are the same for both, so the two engines decide alike.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from ftigate.errors import InputError, data_free_reason
from ftigate.identity.decision import SCALE, DecisionRule, decision_sql
from ftigate.identity.model import gamma_labels, settings_dict
from ftigate.identity.normalise import install, normalised_select
from ftigate.identity.sources import check_master, file_sha256, load_subjects
from ftigate.identity.training import MatchingModel, quiet_splink, train
from ftigate.settings import MatchResources
from ftigate.tabular import PRIVATE_DIR, make_private


@contextmanager
def work_database(work_dir: Path | None,
                  resources: MatchResources | None = None) -> Iterator[tuple[duckdb.DuckDBPyConnection, Path]]:
    """A DuckDB database in a fresh folder inside ``work_dir`` (or the system's temp), removed after."""
    base = Path(work_dir) if work_dir is not None else None
    if base is not None:
        base.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="ftigate-match-", dir=base))
    con = duckdb.connect(str(folder / "match.duckdb"))
    try:
        con.execute(f"SET memory_limit = '{(resources or MatchResources()).memory_limit()}'")
        con.execute(f"SET temp_directory = '{folder / 'spill'}'")
        con.execute("SET preserve_insertion_order = false")
        con.execute("SET enable_progress_bar = false")
        install(con)
        yield con, folder
    finally:
        con.close()
        shutil.rmtree(folder, ignore_errors=True)


def prepare_master(con: duckdb.DuckDBPyConnection, master: Path) -> int:
    """Normalise the master file into ``m_norm``: one row per distinct identity and address.

    Rows that repeat a taxpayer's name, birth date and address over several tax periods are one
    record for matching; ``unique_id`` numbers the records.
    """
    source = check_master(con, master)
    try:
        con.execute(f"""
            CREATE OR REPLACE TABLE m_distinct AS
            SELECT row_number() OVER () AS unique_id, *
            FROM (SELECT DISTINCT CAST(tin AS VARCHAR) AS tin, CAST(first_name AS VARCHAR) AS first_name,
                         CAST(middle_name AS VARCHAR) AS middle_name, CAST(last_name AS VARCHAR) AS last_name,
                         CAST(suffix AS VARCHAR) AS suffix, CAST(date_of_birth AS VARCHAR) AS date_of_birth,
                         CAST(address_line1 AS VARCHAR) AS address_line1,
                         CAST(address_line2 AS VARCHAR) AS address_line2, CAST(city AS VARCHAR) AS city,
                         CAST(state AS VARCHAR) AS state, CAST(zip AS VARCHAR) AS zip
                  FROM {source})
        """)  # nosec B608  # the matcher's own tables and constants
        # records without a usable TIN can never be disclosed: left out
        con.execute(f"""
            CREATE OR REPLACE TABLE m_norm AS
            SELECT * FROM ({normalised_select('m_distinct', 'unique_id, CAST(NULL AS VARCHAR) AS subject_id, ftg_tin(tin) AS master_tin')})
            WHERE master_tin IS NOT NULL""")  # nosec B608  # the matcher's own tables and macros
        con.execute("DROP TABLE m_distinct")
    except duckdb.Error as exc:
        raise InputError(f"cannot read the master file: {data_free_reason(exc)}", file=str(master)) from None
    return int(con.execute("SELECT count(*) FROM m_norm").fetchall()[0][0])


def prepare_subjects(con: duckdb.DuckDBPyConnection, subjects: Path,
                     on_invalid: Callable[[int, dict[str, str], list[str], list[str]], None],
                     progress: Callable[[float], None] | None = None) -> int:
    loaded = load_subjects(con, subjects, "s_raw", on_invalid, progress)
    con.execute(f"CREATE OR REPLACE TABLE s_norm AS {normalised_select('s_raw', 'unique_id, subject_id, CAST(NULL AS VARCHAR) AS master_tin')}")
    con.execute("DROP TABLE s_raw")
    return loaded


def trained_parameters(con: duckdb.DuckDBPyConnection, master: Path, master_records: int,
                       cache_dir: Path | None, progress: Callable[[float], None] | None = None) -> MatchingModel:
    """The model for this master file (:mod:`ftigate.identity.training`): from the cache in ``cache_dir``
    if there, else trained now. Both give the same model: training depends on the master file alone."""
    master_sha256 = file_sha256(master)
    cache = cache_dir / f"model-{master_sha256}.json" if cache_dir is not None else None
    if cache is not None:
        make_private(cache)  # a cache left by an older run at another mode is narrowed before use
        loaded = MatchingModel.load(cache, master_sha256)
        if loaded is not None:
            return loaded
    trained = train(con, master_records, master_sha256, progress)
    if cache is not None:
        cache.parent.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
        trained.save(cache)
    return trained


def predict_duckdb(con: duckdb.DuckDBPyConnection, model: MatchingModel, rule: DecisionRule) -> str:
    """Score the candidate pairs with Splink on DuckDB; return the name of the pairs table."""
    from splink import DuckDBAPI, Linker

    quiet_splink()
    settings = settings_dict("duckdb", model.prior, model.parameters)
    linker = Linker(["s_norm", "m_norm"], settings, DuckDBAPI(connection=con),
                    input_table_aliases=["subjects", "master"], set_up_basic_logging=False)
    predictions = linker.inference.predict(threshold_match_weight=rule.prediction_floor)
    make_pairs_table(con, predictions.physical_name)
    return "pairs"


#: the columns of Splink's predictions that :func:`make_pairs_table` reads besides the scores: the
#: names on each side (for the letters by which they differ) and the master record's TIN. Splink
#: keeps them because the comparisons use them (``retain_matching_columns``).
PAIR_COLUMNS: tuple[str, ...] = ("given_l", "given_r", "last_l", "last_r", "tin_n_l", "tin_n_r")


def make_pairs_table(con: duckdb.DuckDBPyConnection, predictions: str) -> None:
    """Orient Splink's predictions (subject, master record) and attach the record's TIN.

    Everything comes from the predictions' own columns, without joining the pairs back to the
    normalised tables: a master record's ``tin_n`` is its ``master_tin`` (both are ``ftg_tin`` of its
    TIN, and records without one are not in ``m_norm``).
    """
    gammas = ", ".join(f"gamma_{c}" for c in gamma_labels())

    def side(column: str, subject: bool) -> str:
        mine, other = ("l", "r") if subject else ("r", "l")
        return f"CASE WHEN p.source_dataset_l = 'subjects' THEN p.{column}_{mine} ELSE p.{column}_{other} END"

    def letters(comparison: str) -> str:
        # the rule counts letters only at the levels its scale weighs by letters (a name similar,
        # not exact nor different): for any other pair the count is never read, and is not worked out
        levels = sorted(g for g, label in gamma_labels()[comparison].items() if SCALE[comparison].get(label) == "letters")
        return f"gamma_{comparison} IN ({', '.join(str(g) for g in levels)})" if levels else "false"

    def slips(a: str, b: str) -> str:
        # names alike need no distance worked out (most pairs are the right taxpayer's, rightly named)
        return f"CASE WHEN {a} = {b} THEN 0 ELSE ftg_name_slips({a}, {b}) END"

    # the letters by which the request's names differ from the record's (a name that sounds the same
    # counting as one), the names read either way round: how many slips each name needs, for the
    # uniqueness rule
    con.execute(f"""
        CREATE OR REPLACE TABLE pairs AS
        SELECT s_id, m_id, match_weight, match_probability, {gammas}, tin,
               CASE WHEN {letters('first_name')} THEN least({slips('s_given', 'm_given')}, {slips('s_given', 'm_last')})
               END AS given_slips,
               CASE WHEN {letters('last_name')} THEN least({slips('s_last', 'm_last')}, {slips('s_last', 'm_given')})
               END AS last_slips
        FROM (SELECT {side('unique_id', True)} AS s_id, {side('unique_id', False)} AS m_id,
                     p.match_weight, p.match_probability, {", ".join(f"p.gamma_{c}" for c in gamma_labels())},
                     {side('tin_n', False)} AS tin,
                     {side('given', True)} AS s_given, {side('given', False)} AS m_given,
                     {side('last', True)} AS s_last, {side('last', False)} AS m_last
              FROM {predictions} AS p)""")  # nosec B608  # column names from the model's own comparisons


def decide(con: duckdb.DuckDBPyConnection, rule: DecisionRule, pairs: str) -> duckdb.DuckDBPyConnection:
    """Run the decision rule; the returned cursor yields one row per valid subject."""
    return con.execute(decision_sql(rule, pairs, "s_norm", "m_norm"))
