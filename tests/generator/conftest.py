"""A master file and a request batch made once for the generator's tests, and ways to read them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from ftigate.generator import MasterSummary, RequestSummary, generate_master, generate_request

MASTER_PEOPLE = 40_000
REQUEST_SUBJECTS = 4_000


@dataclass
class Generated:
    master: MasterSummary
    request: RequestSummary
    master_rows: list[dict[str, str]]
    cases: list[dict[str, str]]
    subjects: list[dict[str, str]]
    truth: dict[str, dict[str, str]]


def read_parquet(path: Path) -> list[dict[str, str]]:
    return pq.read_table(path).to_pylist()


@pytest.fixture(scope="session")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Generated:
    where = tmp_path_factory.mktemp("generated")
    master = generate_master(where / "master.parquet", MASTER_PEOPLE, seed=11)
    request = generate_request(master.path, where / "subjects.parquet", REQUEST_SUBJECTS, seed=5,
                               truth=where / "truth.parquet")
    assert request.truth_path is not None
    truth = {row["subject_id"]: row for row in read_parquet(request.truth_path)}
    return Generated(master, request, read_parquet(master.path), read_parquet(master.cases_path),
                     read_parquet(request.path), truth)
