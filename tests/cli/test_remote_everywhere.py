"""Every command of ``ftigate``, given ``--server`` (a server that does not answer), either goes to the
server (and says it had no answer) or refuses ``--server`` by name; none of them falls back to a local
data directory: the one named by ``$FTIGATE_HOME`` stays empty, and none is made where it runs."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer

from ftigate.cli import main as cli_main

#: commands that work on the files they are given and on no data directory: ``--server`` does not
#: concern them (signing a request, making keys, generating synthetic data, checking a proof)
NO_DATA_DIRECTORY = {
    "rules", "explain", "sign", "generate master", "generate request", "keys new", "keys age",
    "ledger verify-proof",
}
NOWHERE = "http://127.0.0.1:9"


def _commands(group: Any, prefix: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    for name, command in sorted(group.commands.items()):
        if hasattr(command, "commands"):
            yield from _commands(command, (*prefix, name))
        else:
            yield (*prefix, name), command


COMMANDS = dict(_commands(typer.main.get_command(cli_main.app)))  # type: ignore[arg-type]


def _filler(param: Any, a_file: Path) -> str:
    """A value Click accepts for a required parameter, so the command itself runs."""
    kind = param.type_descriptor.annotation
    if kind is int:
        return "1"
    if kind is Path:
        return str(a_file)
    if "charged" in (param.name or ""):
        return "2025-01-02"
    return "DHS-ICE/ICE-2025-000001" if "request" in (param.name or "") else "x"


def _argv(path: tuple[str, ...], command: Any, a_file: Path) -> list[str]:
    argv = list(path)
    for param in command.params:
        if not param.required:
            continue
        value = _filler(param, a_file)
        if param.param_type_name == "option":
            argv += [param.opts[0], value]
        else:
            argv += [value] * (1 if param.nargs in (1, -1) else param.nargs)
    return argv


def test_the_sweep_finds_the_command_groups():
    assert {"submit", "worker", "disclose"} <= {p[0] for p in COMMANDS}
    assert ("registry", "show") in COMMANDS and ("review", "list") in COMMANDS
    assert {tuple(n.split()) for n in NO_DATA_DIRECTORY} <= set(COMMANDS)  # none listed that is gone


@pytest.mark.parametrize("path", sorted(COMMANDS), ids=" ".join)
def test_with_a_server_a_command_goes_there_or_refuses(path, tmp_path, monkeypatch, capsys):
    home = tmp_path / "home"
    home.mkdir()
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    a_file = tmp_path / "given.json"
    a_file.write_text("{}", encoding="utf-8")
    monkeypatch.chdir(cwd)
    monkeypatch.setenv("FTIGATE_HOME", str(home))
    monkeypatch.delenv("FTIGATE_DATABASE_URL", raising=False)
    monkeypatch.delenv("FTIGATE_SERVER", raising=False)
    monkeypatch.setenv("FTIGATE_TOKEN", "ftg_not-a-real-token")
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.setattr(sys, "argv", ["ftigate", "--server", NOWHERE, *_argv(path, COMMANDS[path], a_file)])
    capsys.readouterr()
    with pytest.raises(SystemExit) as ended:
        cli_main.main()
    code = ended.value.code
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert list(home.iterdir()) == [] and list(cwd.iterdir()) == []  # no local data directory read or made
    if " ".join(path) in NO_DATA_DIRECTORY:
        assert "not offered by the HTTP API" not in err, err  # listed as needing no data directory: it runs
        return
    went = f"no answer from {NOWHERE}" in err and code == 1
    refused = "is not offered by the HTTP API: run it on the gateway's own machine" in err and code == 2
    assert went or refused, (code, err)
