"""Candidate scoring on Spark, for master files beyond one machine.

The job is the same as on DuckDB: the normalised subjects and master records (written as Parquet
by the streaming DuckDB pass) are scored by Splink with the same comparisons, the same blocking
rules and the same trained model (the same :class:`~ftigate.identity.training.MatchingModel`), here built for Spark's SQL dialect and run with Splink's
Spark UDFs (Jaro-Winkler, Damerau-Levenshtein). The scored pairs come back as Parquet and the
decision rule runs on them exactly as for DuckDB, so both engines decide alike.

By default Spark runs in local mode (``local[*]``); ``$FTIGATE_SPARK_MASTER`` names a cluster.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from ftigate.identity.decision import DecisionRule
from ftigate.identity.engine import PAIR_COLUMNS, make_pairs_table
from ftigate.identity.model import gamma_labels, settings_dict
from ftigate.identity.training import MatchingModel, quiet_splink
from ftigate.settings import MatchResources


def spark_session(scratch: Path, resources: MatchResources):  # type: ignore[no-untyped-def]
    """A Spark session with Splink's similarity functions on the class path."""
    from pyspark.sql import SparkSession
    from splink.backends.spark import similarity_jar_location

    builder = (
        SparkSession.builder.appName("ftigate-match")
        .master(resources.spark_master)
        .config("spark.jars", similarity_jar_location())
        .config("spark.sql.shuffle.partitions", str(resources.spark_partitions))
        .config("spark.driver.memory", resources.spark_driver_memory)
        .config("spark.local.dir", str(scratch / "spark-local"))
        .config("spark.sql.warehouse.dir", str(scratch / "spark-warehouse"))
        .config("spark.ui.enabled", "false")
        .config("spark.sql.ansi.enabled", "false")
    )
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    session.sparkContext.setCheckpointDir(str(scratch / "spark-checkpoints"))
    return session


def predict_spark(con: duckdb.DuckDBPyConnection, folder: Path, model: MatchingModel, rule: DecisionRule,
                  resources: MatchResources) -> str:
    """Score the candidate pairs with Splink on Spark; return the name of the pairs table in ``con``."""
    from splink import Linker
    from splink.backends.spark import SparkAPI

    quiet_splink()
    paths = {}
    for table in ("s_norm", "m_norm"):
        paths[table] = folder / f"{table}.parquet"
        con.execute(f"COPY {table} TO '{paths[table]}' (FORMAT parquet)").fetchall()
    spark = spark_session(folder, resources)
    frames = [spark.read.parquet(str(paths["s_norm"])), spark.read.parquet(str(paths["m_norm"]))]
    settings = settings_dict("spark", model.prior, model.parameters)
    linker = Linker(frames, settings, SparkAPI(spark_session=spark, break_lineage_method="parquet"),  # type: ignore[no-untyped-call]
                    input_table_aliases=["subjects", "master"], set_up_basic_logging=False)
    predictions = linker.inference.predict(threshold_match_weight=rule.prediction_floor)
    columns = ["source_dataset_l", "unique_id_l", "source_dataset_r", "unique_id_r", "match_weight",
               "match_probability"] + [f"gamma_{c}" for c in gamma_labels()] + list(PAIR_COLUMNS)
    out = folder / "spark-pairs.parquet"
    predictions.as_spark_dataframe().select(*columns).write.mode("overwrite").parquet(str(out))
    make_pairs_table(con, f"read_parquet('{out}/*.parquet')")
    return "pairs"
