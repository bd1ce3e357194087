"""The model is trained from the master file alone: the same master file, the same model, every time.

Whatever request came first, however the database scheduled its threads, and whether the model
was trained now or read from the cache, a request against one master file is scored by the same
model and gets the same decisions.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest
import rfc8785

from ftigate import generator
from ftigate.identity import MatchingModel, resolve
from ftigate.identity import engine as job
from ftigate.identity.model import comparison_levels
from ftigate.identity.training import M_PROBABILITIES, m_probabilities


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A master file of 2,000 people, the same rows in another order, and two requests drawn from it."""
    d = tmp_path_factory.mktemp("training")
    master = d / "master.parquet"
    generator.generate_master(master, 2000, seed=5)
    table = pq.read_table(master)
    shuffled = d / "master-reversed.parquet"
    pq.write_table(table.take(list(reversed(range(table.num_rows)))), shuffled)
    out = {"master": master, "shuffled": shuffled}
    for name, seed in (("a", 6), ("b", 7)):
        out[name] = d / f"request-{name}.csv"
        generator.generate_request(master, out[name], 150, seed=seed)
    return out


def _train(master: Path, threads: int, cache: Path | None = None) -> MatchingModel:
    with job.work_database(None) as (con, _):
        con.execute(f"SET threads = {threads}")
        records = job.prepare_master(con, master)
        return job.trained_parameters(con, master, records, cache)


@pytest.mark.slow
def test_training_twice_on_one_master_file_gives_byte_identical_parameters(files, tmp_path):
    first, second = _train(files["master"], 1), _train(files["master"], 2)
    first.save(tmp_path / "first.json")
    second.save(tmp_path / "second.json")
    assert (tmp_path / "first.json").read_bytes() == (tmp_path / "second.json").read_bytes()
    assert first.sha256 == second.sha256
    # the digest is SHA-256 of the parameters' canonical JSON, and names the master file beside it
    assert first.sha256 == hashlib.sha256(rfc8785.dumps(first.document())).hexdigest()
    assert first.master_sha256 == hashlib.sha256(files["master"].read_bytes()).hexdigest()
    # u was counted (not left to defaults), m is the model's constants
    assert all(p is not None and 0 < p < 1 for p in first.parameters.u["date_of_birth"])
    assert first.parameters.m == m_probabilities()


@pytest.mark.slow
def test_the_order_of_the_master_files_rows_does_not_change_the_model(files):
    ordered, reversed_rows = _train(files["master"], 2), _train(files["shuffled"], 2)
    assert ordered.master_sha256 != reversed_rows.master_sha256   # another file ...
    assert ordered.document() == reversed_rows.document()           # ... the same records, the same model
    assert ordered.sha256 == reversed_rows.sha256


@pytest.mark.slow
def test_the_cache_holds_what_training_gives_and_a_changed_cache_is_not_believed(files, tmp_path):
    trained = _train(files["master"], 2, tmp_path)
    [cached] = tmp_path.glob("model-*.json")
    assert cached.name == f"model-{trained.master_sha256}.json"
    assert _train(files["master"], 2, tmp_path) == trained
    data = json.loads(cached.read_text())
    data["u"]["tin"][0] *= 10  # an edited cache no longer gives its digest: it is trained again
    cached.write_text(json.dumps(data))
    assert MatchingModel.load(cached, trained.master_sha256) is None
    assert _train(files["master"], 2, tmp_path) == trained
    assert MatchingModel.load(cached, "0" * 64) is None  # nor is a cache of another master file used


@pytest.mark.slow
def test_a_requests_decisions_do_not_depend_on_the_request_matched_before(files, tmp_path):
    """Gateway 1 matches A first; gateway 2 matches B first, then A from its cache."""
    def decisions(work: Path, request: Path) -> tuple[dict, list[str]]:
        models: list[MatchingModel] = []
        results = {r.subject_id: (r.outcome, r.tin, r.match_probability, r.evidence)
                   for r in resolve(files["master"], request, work_dir=work, on_model=models.append)}
        return results, [m.sha256 for m in models]

    a_first, [model_1] = decisions(tmp_path / "gateway-1", files["a"])
    decisions(tmp_path / "gateway-2", files["b"])
    a_second, [model_2] = decisions(tmp_path / "gateway-2", files["a"])
    assert a_first == a_second
    assert model_1 == model_2
    assert sum(d[0] == "match" for d in a_first.values()) > 0


def test_every_level_of_every_comparison_has_its_m_constant():
    levels = {name: [label for label, _ in levels[1:]] for name, levels in comparison_levels().items()}
    assert {name: list(constants) for name, constants in M_PROBABILITIES.items()} == levels
    assert all(sum(p for p in m if p is not None) > 0.9 for m in m_probabilities().values())


def test_the_settings_name_only_columns_the_normalised_tables_have(files: dict[str, Path], tmp_path: Path,
                                                                    caplog: pytest.LogCaptureFixture) -> None:
    """Splink's own check of the settings, which training skips (it only logs): no column is missing but
    ``source_dataset``, which Splink adds to the tables itself."""
    import logging
    import re

    from splink import DuckDBAPI, Linker

    from ftigate.identity.model import settings_dict

    def missing() -> set[str]:
        Linker(["m_norm", "m_norm"], settings_dict("duckdb", 0.001), DuckDBAPI(connection=con),
               input_table_aliases=["subjects", "master"], set_up_basic_logging=False, validate_settings=True)
        found = {column for r in caplog.records for line in r.getMessage().splitlines() if "Missing column" in line
                 for column in re.findall(r"`([^`]+)`", line.split(":", 1)[1])}
        caplog.clear()
        return found

    for name in ("splink", "splink.internals"):  # as quiet_splink silences them
        caplog.set_level(logging.WARNING, logger=name)
    with job.work_database(tmp_path) as (con, _):
        job.prepare_master(con, files["master"])
        assert missing() == {"source_dataset"}
        con.execute("ALTER TABLE m_norm DROP COLUMN street_spelled")  # the check can fail
        assert "street_spelled" in missing()
