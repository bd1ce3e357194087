"""Every command module exports its own Typer app and is registered by name in ``cli.main``."""

from __future__ import annotations

import ast
import pkgutil
from pathlib import Path

import typer

from ftigate.cli import commands, main

COMMANDS = Path(commands.__file__).parent


def test_every_command_module_is_registered_explicitly():
    modules = {m.name for m in pkgutil.iter_modules(commands.__path__)}
    registered = {m.__name__.rsplit(".", 1)[1] for m in main.COMMAND_MODULES}
    assert registered == modules
    for module in main.COMMAND_MODULES:
        assert isinstance(module.app, typer.Typer), module.__name__


def test_no_command_module_reaches_up_into_main_and_nothing_is_imported_for_its_side_effects():
    for path in COMMANDS.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                assert node.module != "ftigate.cli.main", f"{path.name} imports ftigate.cli.main"
            if isinstance(node, ast.Import | ast.ImportFrom):
                names = [a.name for a in node.names] + [node.module or ""] if isinstance(node, ast.ImportFrom) \
                    else [a.name for a in node.names]
                assert "importlib" not in names, f"{path.name} imports modules by name"


def test_each_group_answers_help(cli):
    for name in ("accounting", "generate", "incident", "keys", "ledger", "package", "registry", "report", "review",
                 "staff", "withhold", "witness"):
        result = cli(name, "--help")
        assert result.exit_code == 0 and "Usage" in result.stdout, name
