"""Files that hold return information or a private key are their owner's alone from the moment they
exist, whatever modes a data directory, a database or a cache had before."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

#: files of a data directory meant for sharing (a public key, the log's verifier key) and the lock file
SHAREABLE_SUFFIXES = (".pub", ".vkey", ".lock")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def readable_by_others(folder: Path) -> list[str]:
    return sorted(f"{p.relative_to(folder)} {mode(p):o}" for p in folder.rglob("*")
                  if p.is_file() and mode(p) & 0o077 and not p.name.endswith(SHAREABLE_SUFFIXES))


@pytest.fixture
def lax_umask():
    """A permissive umask for the test's own files, as an operator's shell may have; restored after."""
    old = os.umask(0o022)
    yield
    os.umask(old)


def test_keys_new_writes_the_private_key_0600_even_over_a_lax_umask(cli, tmp_path, lax_umask):
    os.umask(0o000)
    result = cli("keys", "new", tmp_path / "k" / "director", "--for", "official")
    assert result.exit_code == 0, result.stderr
    assert mode(tmp_path / "k" / "director.key") == 0o600
    assert mode(tmp_path / "k" / "director.pub") == 0o644
    # overwriting an old key that was left world-readable leaves a private one
    (tmp_path / "k" / "director.key").chmod(0o644)
    assert cli("keys", "new", tmp_path / "k" / "director", "--for", "officer", "--force").exit_code == 0
    assert mode(tmp_path / "k" / "director.key") == 0o600


@pytest.mark.slow
def test_the_whole_flow_leaves_nothing_readable_by_others(cli, world, data_dir, tmp_path, lax_umask):
    # a data directory that already exists, open to all, with a database left world-readable
    data_dir.mkdir(mode=0o755)
    os.chmod(data_dir, 0o755)
    assert cli("registry", "load", world.registry_path).exit_code == 0
    database = data_dir / "ftigate.sqlite3"
    for path in (database, database.with_name(database.name + "-wal")):
        if path.exists():
            path.chmod(0o644)
    os.umask(0o022)
    for sid, role in (("do-1", "disclosure_officer"), ("sup-1", "supervisor")):
        assert cli("staff", "add", sid, "--name", f"Synthetic {sid}", "--role", role).exit_code == 0
    assert mode(database) == 0o600

    master, subjects = tmp_path / "master.parquet", world.dir / "subjects.csv"
    assert cli("generate", "master", "--people", "1500", "--out", master, "--seed", "5").exit_code == 0
    assert cli("generate", "request", "--master", master, "--subjects", "60", "--out", subjects,
               "--seed", "6").exit_code == 0
    assert mode(master) == 0o600 and mode(subjects) == 0o600
    req = world.request()
    del req["subjects"]
    req["subjects_file"] = "subjects.csv"
    path = world.write(req, sign=False)
    path.chmod(0o644)
    assert cli("sign", path, "--key", world.dir / "official.key").exit_code == 0
    assert mode(path) == 0o600  # it may carry subjects inline
    assert cli("submit", path).exit_code == 0
    assert cli("review", "approve", "DHS-ICE/ICE-2025-000017", "--as", "do-1", "--reason", "meets 6103(i)(2)").exit_code == 0
    disclosed = cli("disclose", "DHS-ICE/ICE-2025-000017", "--master", master)
    assert disclosed.exit_code == 0, disclosed.stderr
    export = tmp_path / "accounting.csv"
    assert cli("accounting", "export", "--out", export).exit_code == 0
    results = tmp_path / "results.csv"
    assert cli("match", "--master", master, "--subjects", subjects, "--out", results).exit_code == 0

    assert mode(export) == 0o600 and mode(results) == 0o600
    assert list((data_dir / "packages").glob("*.age")) and list((data_dir / "match").rglob("model-*.json"))
    assert readable_by_others(data_dir) == []
    assert mode(data_dir / "packages") & 0o077 == 0


@pytest.mark.slow
def test_a_model_cache_left_readable_is_narrowed_when_used(cli, world, data_dir, tmp_path, lax_umask):
    master, subjects = tmp_path / "master.parquet", tmp_path / "subjects.csv"
    assert cli("generate", "master", "--people", "1500", "--out", master, "--seed", "5").exit_code == 0
    assert cli("generate", "request", "--master", master, "--subjects", "30", "--out", subjects).exit_code == 0
    work = tmp_path / "work"
    # the matcher keeps its trained model in the work folder it is given
    from ftigate import identity

    list(identity.resolve(master, subjects, work_dir=work))
    (cache,) = list(work.rglob("model-*.json"))
    assert mode(cache) == 0o600
    cache.chmod(0o644)
    list(identity.resolve(master, subjects, work_dir=work))
    assert mode(cache) == 0o600


def test_files_an_older_version_left_open_are_narrowed_by_the_next_command(cli, world, data_dir, lax_umask):
    assert cli("registry", "load", world.registry_path).exit_code == 0
    leftover = data_dir / "work" / "request-1" / "pending-subjects.parquet"
    leftover.parent.mkdir(parents=True)
    leftover.write_bytes(b"PAR1 synthetic leftover")
    public = data_dir / "keys" / "someone.pub"
    public.parent.mkdir(exist_ok=True)
    public.write_text("-----BEGIN PUBLIC KEY-----\n")
    for path in (leftover, public, data_dir / "ftigate.sqlite3"):
        path.chmod(0o644)
    for folder in (data_dir, leftover.parent):
        folder.chmod(0o755)
    from ftigate.service import store_access

    store_access._narrowed.cache_clear()  # a new process: the command line runs once per invocation
    assert cli("review", "list").exit_code == 0
    assert mode(leftover) == 0o600 and mode(leftover.parent) == 0o700 and mode(data_dir) == 0o700
    assert mode(public) == 0o644  # a public key stays shareable
    assert readable_by_others(data_dir) == []
