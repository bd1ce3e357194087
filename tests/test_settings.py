"""Configuration is read once, in ``ftigate.settings``: a bad value is one line naming the variable."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ftigate.errors import ConfigurationError
from ftigate.settings import ConsoleSettings, MatchResources, Settings, Thresholds, matching_from_env, parse_value


def test_values_are_parsed_as_their_defaults_type():
    assert Thresholds.from_env({"FTIGATE_RECENT_DAYS": " 30 ", "FTIGATE_BATCH_SIZE_FACTOR": "2.5"}).recent_days == 30
    assert ConsoleSettings.from_env({"FTIGATE_CONSOLE_SECURE_COOKIES": "off"}).secure_cookies is False
    assert matching_from_env({"FTIGATE_MATCH_MEMORY": "512MB", "FTIGATE_SPARK_PARTITIONS": "8"}) == \
        MatchResources(memory="512MB", spark_partitions=8)
    assert matching_from_env({}) == MatchResources()


def test_duckdb_s_default_memory_limit_is_at_most_4_gb_and_a_configured_one_is_kept() -> None:
    limit = MatchResources().memory_limit()
    assert limit.endswith("GB") and 1 <= int(limit[:-2]) <= 4
    assert MatchResources(memory="12GB").memory_limit() == "12GB"


@pytest.mark.parametrize(("environ", "variable"), [
    ({"FTIGATE_RECENT_DAYS": "a year"}, "FTIGATE_RECENT_DAYS"),
    ({"FTIGATE_DUAL_CONTROL_SUBJECTS": "-5"}, "FTIGATE_DUAL_CONTROL_SUBJECTS"),
    ({"FTIGATE_BATCH_SIZE_FACTOR": "nan"}, "FTIGATE_BATCH_SIZE_FACTOR"),
    ({"FTIGATE_CONSOLE_SECURE_COOKIES": "maybe"}, "FTIGATE_CONSOLE_SECURE_COOKIES"),
    ({"FTIGATE_CONSOLE_SESSION_MINUTES": "8h"}, "FTIGATE_CONSOLE_SESSION_MINUTES"),
    ({"FTIGATE_MATCH_MEMORY": "lots'; DROP"}, "FTIGATE_MATCH_MEMORY"),
    ({"FTIGATE_SPARK_PARTITIONS": "0"}, "FTIGATE_SPARK_PARTITIONS"),
    ({"FTIGATE_SPARK_DRIVER_MEMORY": "4 gigs"}, "FTIGATE_SPARK_DRIVER_MEMORY"),
])
def test_a_bad_value_is_a_configuration_error_naming_the_variable(environ, variable, monkeypatch):
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ConfigurationError, match=variable):
        Settings()


def test_the_command_line_says_it_in_one_line(cli, monkeypatch):
    monkeypatch.setenv("FTIGATE_SPARK_PARTITIONS", "many")
    result = cli("review", "list")
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == ["error: FTIGATE_SPARK_PARTITIONS must be a whole number, not 'many'"]
    assert "Traceback" not in result.stderr


def test_each_setting_comes_from_its_variable(monkeypatch, tmp_path):
    monkeypatch.setenv("FTIGATE_LEDGER_ORIGIN", "log.example/ftigate")
    monkeypatch.setenv("FTIGATE_WITNESS_HOME", str(tmp_path / "w"))
    monkeypatch.setenv("FTIGATE_SPARK_MASTER", "spark://cluster:7077")
    settings = Settings(data_dir=tmp_path)
    assert settings.ledger_origin == "log.example/ftigate"
    assert settings.witness_home == tmp_path / "w"
    assert settings.matching.spark_master == "spark://cluster:7077"


@given(st.text(max_size=12), st.sampled_from([True, 3, 2.5, "text"]))
def test_any_text_is_a_value_of_the_defaults_type_or_a_configuration_error(raw, default):
    try:
        value = parse_value("FTIGATE_X", raw, default)
    except ConfigurationError as exc:
        assert "FTIGATE_X" in exc.diagnostics() and "\n" not in exc.diagnostics()
        return
    assert type(value) is type(default)
