"""What every command shares: the settings chosen by ``ftigate --data-dir`` and a Rich console."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console

from ftigate.settings import Settings

console = Console()
err_console = Console(stderr=True)


def settings(ctx: typer.Context) -> Settings:
    """The settings of this invocation, stored on the root context by the main callback."""
    root = ctx.find_root()
    value = root.obj if isinstance(root.obj, Settings) else None
    return value or Settings()


def make_settings(data_dir: Path | None) -> Settings:
    return Settings(data_dir=data_dir) if data_dir is not None else Settings()
