"""The matching job: load, normalise, train (or reuse: :mod:`ftigate.identity.training`), score candidate pairs, decide.

Everything heavy runs in one DuckDB database file in the work directory, with a memory limit and
spilling to disk, so memory stays bounded whatever the size of the master file. Candidate scoring
runs on DuckDB (the default) or on Spark (:mod:`ftigate.identity.spark_engine`); loading,
normalisation and the decision are the same for both, so the two engines decide alike.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb

from ftigate.errors import FtigateError, InputError, data_free_reason
from ftigate.identity.decision import SCALE, DecisionRule, decision_sql
from ftigate.identity.model import gamma_labels, settings_dict
from ftigate.identity.normalise import install, normalised_select
from ftigate.identity.sources import (
    OnInvalid,
    check_master,
    file_sha256,
    load_judged_subjects,
    load_subjects,
)
from ftigate.identity.training import MatchingModel, quiet_splink, train
from ftigate.processes import POLL_SECONDS, as_child_of, may_start_processes
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


def prepare_subjects(con: duckdb.DuckDBPyConnection, subjects: Path, on_invalid: OnInvalid,
                     progress: Callable[[float], None] | None = None) -> int:
    """Judge the subjects here, as they are read, and normalise the valid ones into ``s_norm``."""
    loaded = load_subjects(con, subjects, "s_raw", on_invalid, progress)
    _normalise_subjects(con)
    return loaded


def prepare_judged_subjects(con: duckdb.DuckDBPyConnection, subjects: Path,
                            progress: Callable[[float], None] | None = None) -> int:
    """Normalise subjects the caller has already judged valid under the law's current version into
    ``s_norm``, without judging them again (:func:`~ftigate.identity.sources.load_judged_subjects`)."""
    loaded = load_judged_subjects(con, subjects, "s_raw", progress)
    _normalise_subjects(con)
    return loaded


def _normalise_subjects(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(f"CREATE OR REPLACE TABLE s_norm AS {normalised_select('s_raw', 'unique_id, subject_id, CAST(NULL AS VARCHAR) AS master_tin')}")
    con.execute("DROP TABLE s_raw")


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
    """Score the candidate pairs with Splink's SQL on DuckDB; return the name of the pairs table.

    The comparison vectors, Bayes factors, match weights and probabilities are Splink's own SQL for
    the model (the same that ``linker.inference.predict`` runs); only the plumbing around them is
    the matcher's: :func:`candidate_pairs_sql` finds the pairs by the records' integer ids in the
    normalised tables, and the scored pairs go straight into :func:`make_pairs_table`. Splink's own
    ``predict`` first copies both tables whole into one (every master record, every column) and
    joins the pairs back to it on text keys built row by row, which cost more than the scoring.
    """
    from splink import DuckDBAPI, Linker
    from splink.internals.comparison_vector_values import compute_comparison_vector_values_from_id_pairs_sqls
    from splink.internals.predict import predict_from_comparison_vectors_sqls_using_settings

    quiet_splink()
    settings = settings_dict("duckdb", model.prior, model.parameters)
    linker = Linker(["s_norm", "m_norm"], settings, DuckDBAPI(connection=con),
                    input_table_aliases=["subjects", "master"], set_up_basic_logging=False)
    obj = linker._settings_obj
    con.execute(f"CREATE OR REPLACE TEMP TABLE candidate_ids AS {candidate_pairs_sql(obj)}")
    # Splink's blocked pairs as its two-table link makes them: the master record on the left, the
    # subject on the right (the orientation the comparisons were trained in)
    blocked = compute_comparison_vector_values_from_id_pairs_sqls(
        obj._columns_to_select_for_blocking, obj._columns_to_select_for_comparison_vector_values,
        input_tablename_l="__splink__candidates_l", input_tablename_r="__splink__candidates_r",
        source_dataset_input_column=None, unique_id_input_column=obj.column_info_settings.unique_id_input_column,
        link_type="two_dataset_link_only", sql_dialect_str="duckdb")
    ctes = {
        "__splink__candidates_l": "SELECT 'master' AS source_dataset, * FROM m_norm",
        "__splink__candidates_r": "SELECT 'subjects' AS source_dataset, * FROM s_norm",
        "__splink__blocked_id_pairs": "SELECT match_key, m_id AS join_key_l, s_id AS join_key_r FROM candidate_ids",
    }
    steps = blocked + predict_from_comparison_vectors_sqls_using_settings(
        obj, threshold_match_weight=rule.prediction_floor, sql_infinity_expression=linker._infinity_expression)
    for step in steps[:-1]:
        ctes[step["output_table_name"]] = step["sql"]
    predictions = "(WITH " + ", ".join(f"{name} AS ({sql})" for name, sql in ctes.items()) + f" {steps[-1]['sql']})"
    make_pairs_table(con, predictions)
    con.execute("DROP TABLE candidate_ids")
    return "pairs"


def candidate_pairs_sql(settings: Any) -> str:
    """SQL for the candidate pairs of the prediction blocking rules: ``match_key, m_id, s_id``.

    The same pairs as Splink's blocking makes (each once, under the first rule that finds it: a
    later rule leaves out the pairs of those before it), found by the records' integer ids in
    ``m_norm`` (``l``) and ``s_norm`` (``r``) and reading only the columns the rules compare.
    """
    rules = settings._blocking_rules_to_generate_predictions
    return " UNION ALL ".join(
        f"SELECT {number} AS match_key, l.unique_id AS m_id, r.unique_id AS s_id "  # nosec B608  # the model's own blocking rules over the matcher's own tables
        f"FROM m_norm AS l JOIN s_norm AS r ON ({br.blocking_rule_sql}) WHERE 1=1 "
        f"{br.exclude_pairs_generated_by_all_preceding_rules_sql(None, None)}"
        for number, br in enumerate(rules))


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


#: rows per batch of the decision read into Python
DECISION_BATCH = 20_000


def decide(con: duckdb.DuckDBPyConnection, rule: DecisionRule, pairs: str) -> Any:
    """Run the decision rule; the returned Arrow record batches hold one row per valid subject.

    Only the columns a result's evidence shows are read, the rival's bits as floating point (as
    Python's ``float`` would make them of the rule's decimals) and field by field already taken
    less the best candidate's (``by_field_<comparison>``).
    """
    columns = ["subject_id", "outcome", "reason", "best_tin", "best_probability", "best_weight", "address_confirmed",
               *(f"gamma_{c}" for c in gamma_labels()), "runner_up_tin", "runner_up_probability", "runner_up_weight",
               "rival_tin", "CAST(rival_bits AS DOUBLE) AS rival_bits",
               *(f"CAST(rival_bits_{c} AS DOUBLE) - CAST(best_bits_{c} AS DOUBLE) AS by_field_{c}" for c in SCALE)]
    sql = f"SELECT {', '.join(columns)} FROM ({decision_sql(rule, pairs, 's_norm', 'm_norm')})"  # nosec B608  # the rule's own columns
    return con.sql(sql).to_arrow_reader(DECISION_BATCH)


# --- the subjects prepared in a process of their own ----------------------------------------------------

#: the memory limit of the subjects' own database: it holds only the subjects, streamed through
_APART_MEMORY = "1GB"


def can_read_apart() -> bool:
    """Whether this process may start the subjects' process (a daemonic process may have none)."""
    return may_start_processes()


def _subjects_in_child(subjects: str, folder: str, out: str, judged: bool, messages: Any, parent: int) -> None:
    """The subjects' process: :func:`prepare_subjects` (or :func:`prepare_judged_subjects`) in a
    database of its own, then ``s_norm`` written to the Parquet file ``out``.

    Every message is a tuple on ``messages``: ``("invalid", [...])`` chunks in row order and
    ``("progress", fraction)`` as it goes, and last one of ``("done", valid)``, ``("error", the
    InputError's fields)`` or ``("failed", what went wrong, without the data)``. An invalid subject
    goes back as its row number, its ``subject_id`` (the only field its result names), the messages
    and the rules: nothing else of the subject leaves this process but the normalised valid ones.
    """
    chunk: list[tuple[int, str, list[str], list[str]]] = []

    def on_invalid(number: int, row: dict[str, str], reasons: list[str], rules: list[str]) -> None:
        chunk.append((number, row.get("subject_id") or "", reasons, rules))

    def flush() -> None:
        if chunk:
            messages.put(("invalid", list(chunk)))
            chunk.clear()

    def progress(fraction: float) -> None:
        flush()
        messages.put(("progress", fraction))

    as_child_of(parent)  # an interrupted job ends this process through stop()
    try:
        with work_database(Path(folder), MatchResources(memory=_APART_MEMORY)) as (con, _):
            if judged:
                valid = prepare_judged_subjects(con, Path(subjects), progress)
            else:
                valid = prepare_subjects(con, Path(subjects), on_invalid, progress)
            con.execute(f"COPY s_norm TO '{_quoted(out)}' (FORMAT parquet)")
    except InputError as exc:
        flush()
        messages.put(("error", (exc.message, exc.file, exc.row, exc.field)))
        return
    except Exception as exc:  # not the file's fault: named, without the data, and the job fails
        messages.put(("failed", f"{type(exc).__name__}: {data_free_reason(exc)}"))
        return
    flush()
    messages.put(("done", valid))


def _quoted(path: str) -> str:
    return path.replace("'", "''")


class SubjectsApart:
    """The subjects read, judged and normalised in a process of their own, started at once, while this
    process prepares the master file and the model; :meth:`load` waits for them.

    Why: reading and judging the subjects is Python, one row at a time, and their normalisation calls
    Python functions (transliteration, sounds) from DuckDB: in one process these hold its one
    interpreter lock, and the master file's preparation needs it too. Two processes keep both cores
    busy. The subjects' process runs the very same code as the sequential path
    (:func:`prepare_subjects`, or :func:`prepare_judged_subjects` for subjects judged already): the
    same rows, row numbers, verdicts, errors and normalised values; only the normalised valid subjects
    travel, through a Parquet file in the matcher's private work folder. The process is started with
    ``spawn`` (never ``fork``: this process holds DuckDB's threads) and ended by :meth:`stop`.
    """

    def __init__(self, subjects: Path, folder: Path, *, judged: bool = False) -> None:
        context = multiprocessing.get_context("spawn")
        self._out = folder / "subjects-normalised.parquet"
        self._messages = context.Queue()
        self._process = context.Process(
            target=_subjects_in_child, args=(str(subjects), str(folder), str(self._out), judged, self._messages, os.getpid()),
            name="ftigate-subjects", daemon=True)
        self._process.start()

    def load(self, con: duckdb.DuckDBPyConnection, on_invalid: OnInvalid,
             progress: Callable[[float], None] | None = None) -> int:
        """Wait for the subjects' process; give every invalid subject to ``on_invalid`` in row order (as
        :func:`prepare_subjects` does), load the normalised valid ones into ``s_norm`` and return their
        number. The subjects file's :class:`~ftigate.errors.InputError`, if any, is raised here."""
        while True:
            try:
                kind, value = self._messages.get(timeout=POLL_SECONDS)
            except queue.Empty:
                if self._process.is_alive():
                    continue
                try:  # it may have put its last message just before it ended
                    kind, value = self._messages.get(timeout=POLL_SECONDS)
                except queue.Empty:
                    raise FtigateError(f"the subjects' process ended without an answer (exit code "
                                       f"{self._process.exitcode}): nothing is matched") from None
            if kind == "invalid":
                for number, subject_id, reasons, rules in value:
                    on_invalid(number, {"subject_id": subject_id}, reasons, rules)
            elif kind == "progress":
                if progress:
                    progress(value)
            elif kind == "error":
                message, file, row, field = value
                raise InputError(message, file=file, row=row, field=field)
            elif kind == "failed":
                raise FtigateError(f"reading the subjects failed ({value}): nothing is matched")
            else:
                break
        self._process.join()
        con.execute(f"CREATE OR REPLACE TABLE s_norm AS SELECT * FROM read_parquet('{_quoted(str(self._out))}')")  # nosec B608  # the matcher's own table and file
        self._out.unlink(missing_ok=True)
        return int(value)

    def stop(self) -> None:
        """End the process if it is still running (the job failed or was abandoned); remove its file."""
        if self._process.is_alive():
            self._process.terminate()
        self._process.join()
        self._messages.close()
        self._out.unlink(missing_ok=True)
