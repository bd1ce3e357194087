"""The baseline: Splink as its own FEBRL4 tutorial sets it up, on the contract's files.

This is the "detailed model" of Splink's FEBRL4 example (docs/demos/examples/duckdb/febrl4):
NameComparison on given and family names with term-frequency adjustments, DateOfBirthComparison,
Damerau-Levenshtein on the social security number (here the TIN) and the postcode, exact street
number; the tutorial's blocking rules; the prior from its deterministic rules at recall 0.8; u from
a million random pairs; m by expectation maximisation blocked on date of birth, then on postcode.
Its decision, as the issue states it: the best candidate above probability 0.9 is the match.

The contract's columns are mapped onto the tutorial's without any cleaning (that is the point of
a baseline): first_name -> given_name, last_name -> surname, tin -> soc_sec_id, the leading
number of address_line1 -> street_number and the rest -> address_1, city -> suburb, zip -> postcode.
"""

from __future__ import annotations

import time
from pathlib import Path

import duckdb

THRESHOLD = 0.9


def _tutorial_columns(source: str, id_column: str) -> str:
    return f"""
        SELECT CAST({id_column} AS VARCHAR) AS rec_id, nullif(trim(first_name), '') AS given_name,
               nullif(trim(last_name), '') AS surname,
               nullif(regexp_extract(trim(address_line1), '^([0-9]+)', 1), '') AS street_number,
               nullif(trim(regexp_replace(trim(address_line1), '^[0-9]+', '')), '') AS address_1,
               nullif(trim(city), '') AS suburb, nullif(trim(zip), '') AS postcode,
               nullif(trim(state), '') AS state, nullif(trim(date_of_birth), '') AS date_of_birth,
               nullif(trim(coalesce(tin, '')), '') AS soc_sec_id
        FROM {source}"""


def _relation(path: Path) -> str:
    quoted = str(path).replace("'", "''")
    if str(path).endswith(".parquet"):
        return f"read_parquet('{quoted}')"
    return f"read_csv('{quoted}', header = true, all_varchar = true)"


def run_baseline(master: Path, subjects: Path) -> tuple[dict[str, str], float]:
    """Link subjects to the master file the tutorial's way; return ({subject_id: tin}, seconds)."""
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    started = time.perf_counter()
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    con.execute(f"CREATE TABLE df_a AS {_tutorial_columns(_relation(subjects), 'subject_id')}")
    con.execute(f"CREATE TABLE df_b AS {_tutorial_columns(f'(SELECT *, row_number() OVER () AS rid FROM {_relation(master)})', 'rid')}")
    con.execute(f"CREATE TABLE master_tins AS SELECT row_number() OVER () AS rid, CAST(tin AS VARCHAR) AS tin FROM {_relation(master)}")
    blocking_rules = [
        block_on("given_name", "surname"),
        "l.given_name = r.surname and l.surname = r.given_name",
        block_on("date_of_birth"),
        block_on("soc_sec_id"),
        block_on("state", "address_1"),
        block_on("street_number", "address_1"),
        block_on("postcode"),
    ]
    settings = SettingsCreator(
        unique_id_column_name="rec_id",
        link_type="link_only",
        blocking_rules_to_generate_predictions=blocking_rules,
        comparisons=[
            cl.NameComparison("given_name").configure(term_frequency_adjustments=True),
            cl.NameComparison("surname").configure(term_frequency_adjustments=True),
            cl.DateOfBirthComparison("date_of_birth", input_is_string=True, datetime_format="%Y-%m-%d",
                                     invalid_dates_as_null=True),
            cl.DamerauLevenshteinAtThresholds("soc_sec_id", [1, 2]),
            cl.ExactMatch("street_number").configure(term_frequency_adjustments=True),
            cl.DamerauLevenshteinAtThresholds("postcode", [1, 2]).configure(term_frequency_adjustments=True),
        ],
        retain_intermediate_calculation_columns=True,
    )
    linker = Linker(["df_a", "df_b"], settings, DuckDBAPI(connection=con), input_table_aliases=["subjects", "master"],
                    set_up_basic_logging=False)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("soc_sec_id"), block_on("given_name", "surname", "date_of_birth")], recall=0.8)
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=1)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("date_of_birth"),
                                                                       estimate_without_term_frequencies=True)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("postcode"),
                                                                       estimate_without_term_frequencies=True)
    predictions = linker.inference.predict(threshold_match_probability=0.2)
    rows = con.execute(f"""
        SELECT subject, tin FROM (
            SELECT CASE WHEN p.source_dataset_l = 'subjects' THEN p.rec_id_l ELSE p.rec_id_r END AS subject,
                   t.tin, p.match_probability,
                   row_number() OVER (PARTITION BY CASE WHEN p.source_dataset_l = 'subjects' THEN p.rec_id_l
                                                        ELSE p.rec_id_r END
                                      ORDER BY p.match_probability DESC) AS rank
            FROM {predictions.physical_name} AS p
            JOIN master_tins AS t ON CAST(t.rid AS VARCHAR) =
                 CASE WHEN p.source_dataset_l = 'subjects' THEN p.rec_id_r ELSE p.rec_id_l END
        ) WHERE rank = 1 AND match_probability > {THRESHOLD}""").fetchall()
    con.close()
    return {subject: tin for subject, tin in rows}, time.perf_counter() - started
