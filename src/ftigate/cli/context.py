"""What every command shares: the settings chosen by ``ftigate --data-dir``, a Rich console, and the
small readers and writers of command-line values and files that several command groups use."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import typer
from rich.console import Console

from ftigate.errors import ConfigurationError, InputError
from ftigate.service.log import ledger
from ftigate.settings import Settings
from ftigate.tabular import write_file_atomic

console = Console()
err_console = Console(stderr=True)


def settings(ctx: typer.Context) -> Settings:
    """The settings of this invocation, stored on the root context by the main callback."""
    root = ctx.find_root()
    value = root.obj if isinstance(root.obj, Settings) else None
    return value or Settings()


def make_settings(data_dir: Path | None) -> Settings:
    return Settings(data_dir=data_dir) if data_dir is not None else Settings()


def parse_date(text: str | None, option: str) -> dt.date:
    """A ``YYYY-MM-DD`` option value; anything else is an input error naming the option."""
    if not text:
        raise InputError("a date (YYYY-MM-DD) is required", field=option)
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise InputError(f"'{text}' is not a date of the form YYYY-MM-DD", field=option) from None


def log_vkey(ctx: typer.Context, vkey: str | None) -> str:
    """The log verifier key given with ``--vkey``, else this data directory's own (said on stderr, so an
    overseer knows which key the answer rests on); never creates a log key."""
    if vkey:
        return vkey
    own = ledger.existing_verifier_key(settings(ctx))
    if own is None:
        raise ConfigurationError("give the log's verifier key with --vkey (this data directory has no log key)")
    err_console.print(f"checking against this data directory's own log key {own}", highlight=False)
    return own


def read_text(path: Path) -> str:
    """A UTF-8 text file named on the command line; unreadable, it is an input error naming the file."""
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read: {exc}", file=str(path)) from None


def write_or_print(text: str, out: Path | None, what: str) -> None:
    """Print ``text`` as it is, or write it atomically to ``out`` and say so on stderr."""
    if out is None:
        console.out(text, end="", highlight=False)
        return
    write_file_atomic(out, text)
    err_console.print(f"wrote {what} to {out}")
