"""The Spark engine gives the same outcomes as DuckDB on the same sample."""

from __future__ import annotations

import pytest

from ftigate.identity import resolve

pytest.importorskip("pyspark")


@pytest.mark.spark
@pytest.mark.slow
def test_spark_and_duckdb_decide_alike(world, world_results, tmp_path) -> None:
    spark = {r.subject_id: r for r in resolve(world.master, world.subjects, engine="spark", work_dir=tmp_path)}
    assert sorted(spark) == sorted(world_results)
    differing = {sid: (world_results[sid].outcome, world_results[sid].tin, r.outcome, r.tin)
                 for sid, r in spark.items()
                 if (r.outcome, r.tin) != (world_results[sid].outcome, world_results[sid].tin)}
    assert differing == {}
    # and the probabilities they rest on agree
    for sid, r in spark.items():
        if r.match_probability is not None and world_results[sid].match_probability is not None:
            assert r.match_probability == pytest.approx(world_results[sid].match_probability, abs=1e-6)
