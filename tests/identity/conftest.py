"""Fixtures of the identity tests: the synthetic world, resolved once per test session."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from identity_world import World, build_world

from ftigate.identity import MatchResult, resolve


@pytest.fixture(scope="session")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    return build_world(tmp_path_factory.mktemp("world"))


@pytest.fixture(scope="session")
def world_results(world: World, tmp_path_factory: pytest.TempPathFactory) -> dict[str, MatchResult]:
    """Every subject of the world resolved on DuckDB, by subject_id."""
    work = tmp_path_factory.mktemp("match-work")
    return {r.subject_id: r for r in resolve(world.master, world.subjects, work_dir=work)}
