"""The matching job: load, normalise, train (or reuse), score candidate pairs, decide.

Everything heavy runs in one DuckDB database file in the work directory, with a memory limit and
spilling to disk, so memory stays bounded whatever the size of the master file. Candidate scoring
runs on DuckDB (the default) or on Spark (:mod:`ftigate.identity.spark_engine`); loading,
normalisation and the decision are the same for both, so the two engines decide alike.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from ftigate.errors import InputError, data_free_reason
from ftigate.identity.decision import DecisionRule, decision_sql
from ftigate.identity.model import TrainedParameters, gamma_labels, settings_dict, training_blocking_rules
from ftigate.identity.normalise import install, normalised_select
from ftigate.identity.sources import check_master, file_sha256, load_subjects
from ftigate.settings import MatchResources
from ftigate.tabular import PRIVATE_DIR, make_private

#: subjects used to train the model (a random sample; training is label-free)
TRAINING_SUBJECTS = 20_000
#: random master records added to the training set so that u is estimated on random pairs
TRAINING_MASTER_SAMPLE = 100_000
#: random pairs sampled to estimate u
U_SAMPLE_PAIRS = 2_000_000

def quiet_splink() -> None:
    for name in ("splink", "splink.internals"):
        logging.getLogger(name).setLevel(logging.ERROR)


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
        con.execute(f"CREATE OR REPLACE TABLE m_norm AS {normalised_select('m_distinct', 'unique_id, CAST(NULL AS VARCHAR) AS subject_id, ftg_tin(tin) AS master_tin')}")
        con.execute("DROP TABLE m_distinct")
    except duckdb.Error as exc:
        raise InputError(f"cannot read the master file: {data_free_reason(exc)}", file=str(master)) from None
    con.execute("DELETE FROM m_norm WHERE master_tin IS NULL")
    return int(con.execute("SELECT count(*) FROM m_norm").fetchall()[0][0])


def prepare_subjects(con: duckdb.DuckDBPyConnection, subjects: Path,
                     on_invalid: Callable[[int, dict[str, str], list[str], list[str]], None],
                     progress: Callable[[float], None] | None = None) -> int:
    loaded = load_subjects(con, subjects, "s_raw", on_invalid, progress)
    con.execute(f"CREATE OR REPLACE TABLE s_norm AS {normalised_select('s_raw', 'unique_id, subject_id, CAST(NULL AS VARCHAR) AS master_tin')}")
    con.execute("DROP TABLE s_raw")
    return loaded


def prior(master_records: int) -> float:
    """The prior that a random (subject, master record) pair is a match: one record in the master file."""
    return 1.0 / max(master_records, 2)


def train(con: duckdb.DuckDBPyConnection, master_records: int,
          progress: Callable[[float], None] | None = None) -> TrainedParameters:
    """Estimate m and u without labels, as Splink does, on a sample of the job's own data.

    u comes from random pairs (subjects sample x master sample); m from expectation maximisation
    over the training blocking rules, each run on the pairs that rule finds.
    """
    from splink import DuckDBAPI, Linker

    quiet_splink()
    con.execute(f"""CREATE OR REPLACE TABLE s_train AS
                    SELECT * FROM s_norm USING SAMPLE reservoir({TRAINING_SUBJECTS} ROWS) REPEATABLE (7)""")  # nosec B608  # a sample size constant
    con.execute(f"""CREATE OR REPLACE TABLE m_train AS
        SELECT * FROM m_norm USING SAMPLE reservoir({TRAINING_MASTER_SAMPLE} ROWS) REPEATABLE (7)
        UNION
        SELECT m.* FROM m_norm AS m JOIN s_train AS s ON m.zip5 = s.zip5 AND m.house = s.house
        UNION
        SELECT m.* FROM m_norm AS m JOIN s_train AS s ON m.last = s.last AND m.dob = s.dob""")  # nosec B608  # a sample size constant
    settings = settings_dict("duckdb", prior(master_records))
    linker = Linker(["s_train", "m_train"], settings, DuckDBAPI(connection=con),
                    input_table_aliases=["subjects", "master"], set_up_basic_logging=False)
    report = progress or (lambda fraction: None)
    report(0.1)
    linker.training.estimate_u_using_random_sampling(max_pairs=U_SAMPLE_PAIRS, seed=7)
    rules = training_blocking_rules()
    for done, rule in enumerate(rules, start=1):
        report(0.1 + 0.9 * (done - 0.5) / len(rules))
        linker.training.estimate_parameters_using_expectation_maximisation(rule, fix_u_probabilities=True)
    trained = TrainedParameters.from_settings_dict(linker.misc.save_model_to_json())
    con.execute("DROP TABLE s_train")
    con.execute("DROP TABLE m_train")
    return trained


def trained_parameters(con: duckdb.DuckDBPyConnection, master: Path, master_records: int,
                       cache_dir: Path | None, progress: Callable[[float], None] | None = None) -> TrainedParameters:
    """The model for this master file: from the cache in ``cache_dir`` if there, else trained now."""
    cache = cache_dir / f"model-{file_sha256(master)}.json" if cache_dir is not None else None
    if cache is not None:
        make_private(cache)  # a cache left by an older run at another mode is narrowed before use
        loaded = TrainedParameters.load(cache)
        if loaded is not None:
            return loaded
    trained = train(con, master_records, progress)
    if cache is not None:
        cache.parent.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
        trained.save(cache)
    return trained


def predict_duckdb(con: duckdb.DuckDBPyConnection, trained: TrainedParameters, master_records: int,
                   rule: DecisionRule) -> str:
    """Score the candidate pairs with Splink on DuckDB; return the name of the pairs table."""
    from splink import DuckDBAPI, Linker

    quiet_splink()
    settings = settings_dict("duckdb", prior(master_records), trained)
    linker = Linker(["s_norm", "m_norm"], settings, DuckDBAPI(connection=con),
                    input_table_aliases=["subjects", "master"], set_up_basic_logging=False)
    predictions = linker.inference.predict(threshold_match_weight=rule.prediction_floor)
    make_pairs_table(con, predictions.physical_name)
    return "pairs"


def make_pairs_table(con: duckdb.DuckDBPyConnection, predictions: str) -> None:
    """Orient Splink's predictions (subject, master record) and attach the record's TIN."""
    gammas = ", ".join(f"p.gamma_{c}" for c in gamma_labels())
    con.execute(f"""
        CREATE OR REPLACE TABLE pairs AS
        SELECT CASE WHEN p.source_dataset_l = 'subjects' THEN p.unique_id_l ELSE p.unique_id_r END AS s_id,
               CASE WHEN p.source_dataset_l = 'subjects' THEN p.unique_id_r ELSE p.unique_id_l END AS m_id,
               p.match_weight, p.match_probability, {gammas}
        FROM {predictions} AS p""")  # nosec B608  # column names from the model's own comparisons
    # the letters by which the request's names differ from the record's (a name that sounds the same
    # counting as one), the names read either way round: how many slips each name needs, for the
    # uniqueness rule
    con.execute("""CREATE OR REPLACE TABLE pairs AS
                   SELECT p.*, m.master_tin AS tin,
                          least(ftg_name_slips(s.given, m.given), ftg_name_slips(s.given, m.last)) AS given_slips,
                          least(ftg_name_slips(s.last, m.last), ftg_name_slips(s.last, m.given)) AS last_slips
                   FROM pairs AS p JOIN m_norm AS m ON m.unique_id = p.m_id JOIN s_norm AS s ON s.unique_id = p.s_id""")


def decide(con: duckdb.DuckDBPyConnection, rule: DecisionRule, pairs: str) -> duckdb.DuckDBPyConnection:
    """Run the decision rule; the returned cursor yields one row per valid subject."""
    return con.execute(decision_sql(rule, pairs, "s_norm", "m_norm"))
