"""Shared fixtures: run the real ``ftigate`` command in-process, and the two databases."""

from __future__ import annotations

import datetime as _dt
import json as _json
import os
import shutil
import sys
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

# The command line's consoles fix their width when made, from $COLUMNS and $LINES if both are set, as
# pytest-xdist sets them (80 by 24) in its worker processes. The ``cli`` fixture gives each command
# $COLUMNS itself, so neither may be fixed before the consoles are made (on import, just below).
os.environ.pop("COLUMNS", None)
os.environ.pop("LINES", None)

from ftigate.cli.main import main as cli_main
from ftigate.crypto import new_private_key, private_pem, public_pem, sha256_file, sign_request

sys.path.insert(0, str(Path(__file__).parent))  # tests/proven.py: proven people for every test

PG_ADMIN_URL = os.environ.get("FTIGATE_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


#: fixtures that train or apply the matcher, or stand for a gateway that did: a test using one is
#: marked ``slow`` (left out of the inner loop, ``scripts/test -m "not slow"``; always run in CI)
SLOW_FIXTURES = frozenset({"world_results", "history", "population", "shared_models", "disclosed", "audited"})


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        names = set(getattr(item, "fixturenames", ()))
        if SLOW_FIXTURES & names:
            item.add_marker(pytest.mark.slow)
        # each test on PostgreSQL makes and drops a database of its own: CI runs them all, the inner
        # loop (-m "not postgres") leaves them to it
        params = getattr(getattr(item, "callspec", None), "params", {})
        if "pg_url" in names or "postgresql" in params.values():
            item.add_marker(pytest.mark.postgres)


@dataclass
class Result:
    exit_code: int
    stdout: str
    stderr: str


@pytest.fixture(scope="session")
def trained_models(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The matcher's trained models, shared by the whole session: a model is cached by its master
    file's SHA-256 (``data_dir/match/model-<sha>.json``), so a test matching against a master file
    some earlier test already trained on reuses that model instead of training again, exactly as a
    gateway reuses its own cache. One training per master file per session."""
    return tmp_path_factory.mktemp("trained-models")


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def shared_models(data_dir: Path, trained_models: Path) -> Iterator[Path]:
    """``data_dir`` with the session's trained models in its matcher cache (and the models this
    test trains kept for the tests after it). For tests that match or disclose."""
    cache = data_dir / "match"
    cache.mkdir(parents=True, exist_ok=True)
    for model in trained_models.glob("model-*.json"):
        shutil.copy2(model, cache / model.name)
    yield data_dir
    for model in cache.glob("model-*.json"):
        if not (trained_models / model.name).exists():
            shutil.copy2(model, trained_models / model.name)


@pytest.fixture
def cli(capsys, data_dir, monkeypatch):
    """Run ``ftigate --data-dir <tmp> ARGS...`` in this process; returns exit code and output."""
    monkeypatch.delenv("FTIGATE_DATABASE_URL", raising=False)
    monkeypatch.delenv("FTIGATE_TOKEN", raising=False)
    monkeypatch.setenv("COLUMNS", "200")

    def run(*args: str, data: Path | None = None, token: str | None = None, as_: str | None = None,
            anonymous: bool = False) -> Result:
        """``token``: the acting person's token, given as $FTIGATE_TOKEN for this run only; ``as_``: act
        as this registered person, with a token issued to them by the data directory's first
        administrator (``proven.ADMIN``, registered on first use). ``check`` on a data directory with a
        store is a proven person's: unless a token, a person or ``anonymous`` is given, it runs as a
        disclosure officer registered for the purpose (``proven.CHECKER``), so the tests of its
        output need not say so each time; the tests of who may check say who checks."""
        import proven
        from ftigate.service.requests.checking import store_exists
        from ftigate.settings import Settings

        def where() -> Settings:  # made only when needed: a test of bad settings must see the command fail
            return Settings(data_dir=data or data_dir)
        if as_ is None and token is None and not anonymous and args and args[0] == "check" and store_exists(where()):
            as_ = proven.checker(where())
        if as_ is not None:
            token = proven.token_for(where(), as_)
        argv = ["ftigate", "--data-dir", str(data or data_dir), *map(str, args)]
        monkeypatch.setattr(sys, "argv", argv)
        if token is None:
            monkeypatch.delenv("FTIGATE_TOKEN", raising=False)
        else:
            monkeypatch.setenv("FTIGATE_TOKEN", token)
        capsys.readouterr()
        code = 0
        try:
            cli_main()
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        out, err = capsys.readouterr()
        return Result(code, out, err)

    return run


def _pg_available() -> bool:
    try:
        import psycopg

        with psycopg.connect("host=127.0.0.1 port=5432 dbname=test user=postgres", connect_timeout=10):
            return True
    except Exception:
        return False


@pytest.fixture
def pg_url():
    """A fresh PostgreSQL schema-isolated database URL on the real server; dropped afterwards."""
    import psycopg

    if not _pg_available():
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL is not reachable at 127.0.0.1:5432 (CI requires it)")
        pytest.skip("PostgreSQL is not reachable at 127.0.0.1:5432")
    name = f"ftigate_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect("host=127.0.0.1 port=5432 dbname=test user=postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    finally:
        with psycopg.connect("host=127.0.0.1 port=5432 dbname=test user=postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path):
    """Run a store test once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.sqlite3'}"
    else:
        yield request.getfixturevalue("pg_url")


# --- a small synthetic world: a registry with keys, and signed requests --------------------------

GOOD_SUBJECT = {
    "subject_id": "S-0001", "first_name": "Quentin", "middle_name": "", "last_name": "Synthetica",
    "suffix": "", "date_of_birth": "1980-04-02", "address_line1": "12 Example Road", "address_line2": "",
    "city": "Springfield", "state": "IL", "zip": "62701",
}


@dataclass
class World:
    dir: Path
    registry: dict
    registry_path: Path
    official_key: object
    officer_keys: dict

    def request(self, subjects=None, **overrides) -> dict:
        req = {
            "format": "ftigate-request/1", "request_id": "ICE-2025-000017", "agency": "DHS-ICE",
            "official": "ice-director", "signed_on": _dt.datetime.now(_dt.UTC).date().isoformat(),
            "investigation": {"reference": "ERO-CI-2025-0042", "statute": "8 U.S.C. 1253(a)(1)",
                              "authority": "8 U.S.C. 1357(a)", "kind": "criminal"},
            "taxable_periods": [2022, 2023, 2024],
            "reason": "The subject is under investigation for willful failure to depart; a last known "
                      "address is relevant to locating the subject for the criminal proceeding.",
            "information": ["taxpayer_identity"],
            "recipients": ["ice-ero-0001", "ice-ero-0002"],
            "subjects": subjects if subjects is not None else [dict(GOOD_SUBJECT)],
        }
        req.update(overrides)
        return req

    def write(self, request: dict, name: str = "request.json", sign: bool = True, key=None) -> Path:
        path = self.dir / name
        if isinstance(request.get("subjects_file"), str) and "subjects_sha256" not in request:
            request["subjects_sha256"] = sha256_file(self.dir / request["subjects_file"])
        if sign:
            request.pop("signature", None)
            request["signature"] = sign_request(request, key or self.official_key)
        path.write_text(_json.dumps(request, indent=1), encoding="utf-8")
        return path


@pytest.fixture
def world(tmp_path: Path) -> World:
    """Registry: DHS-ICE with current safeguards, its director (head), two officers, three statutes."""
    return make_world(tmp_path / "world")


@pytest.fixture(scope="session")
def new_world() -> Callable[[Path], World]:
    """Makes the ``world`` fixture's world in a given directory, for fixtures wider than one test."""
    return make_world


def make_world(d: Path) -> World:
    """The ``world`` fixture's world in directory ``d``, for fixtures wider than one test."""
    d.mkdir(parents=True)
    official = new_private_key("ed25519")
    staff_key = new_private_key("ed25519")
    officers = {f"ice-ero-000{i}": new_private_key("x25519") for i in (1, 2)}
    registry = {
        "agencies": [{"id": "DHS-ICE", "name": "U.S. Immigration and Customs Enforcement",
                      "safeguards": {"approved_on": "2025-03-31", "expires_on": "2027-03-31"},
                      "usual_subjects_per_request": 5000}],
        "officials": [
            {"id": "ice-director", "agency": "DHS-ICE", "name": "Synthetic Director", "role": "head",
             "valid_from": "2025-01-20", "valid_to": None, "public_key": public_pem(official)},
            {"id": "ice-staff-1", "agency": "DHS-ICE", "name": "Synthetic Analyst", "role": "staff",
             "valid_from": "2025-01-20", "valid_to": None, "public_key": public_pem(staff_key)},
        ],
        "officers": [{"id": oid, "agency": "DHS-ICE", "name": f"Synthetic Officer {oid[-1]}",
                      "public_key": public_pem(k)} for oid, k in officers.items()],
        "statutes": [
            {"citation": "8 U.S.C. 1253(a)(1)", "title": "Willful failure to depart", "criminal": True,
             "tax_administration": False},
            {"citation": "8 U.S.C. 1229a", "title": "Removal proceedings", "criminal": False,
             "tax_administration": False},
            {"citation": "26 U.S.C. 7201", "title": "Attempt to evade or defeat tax", "criminal": True,
             "tax_administration": True},
        ],
    }
    path = d / "registry.json"
    path.write_text(_json.dumps(registry, indent=1), encoding="utf-8")
    (d / "official.key").write_text(private_pem(official), encoding="ascii")
    for oid, k in officers.items():
        (d / f"{oid}.key").write_text(private_pem(k), encoding="ascii")
    return World(d, registry, path, official, officers)
