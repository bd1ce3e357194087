"""What every command shares: the settings chosen by ``ftigate --data-dir``, the person acting (proven
by their own token), a Rich console, and the small readers and writers of command-line values and files
that several command groups use."""

from __future__ import annotations

import datetime as dt
import os
import stat
from pathlib import Path

import typer
from rich.console import Console

from ftigate.client import Client
from ftigate.errors import ConfigurationError, FtigateError, InputError, PermissionDenied
from ftigate.service.admin import access
from ftigate.service.admin.principal import Principal
from ftigate.service.log import ledger
from ftigate.settings import Settings
from ftigate.tabular import write_file_atomic

console = Console()
err_console = Console(stderr=True)


def settings(ctx: typer.Context) -> Settings:
    """The settings of this invocation, stored on the root context by the main callback.

    Every command reaches its data directory through here, so with ``--server`` this is where a
    command the API does not offer is refused: nothing is read from or written to a local data
    directory when the person asked to act on a server."""
    local_only(ctx, f"`{command_name(ctx)}`")
    root = ctx.find_root()
    value = root.obj if isinstance(root.obj, Settings) else None
    return value or Settings()


#: where a token is read from when no --token-file is given
TOKEN_ENV = "FTIGATE_TOKEN"  # nosec B105: the name of a variable, not a token
#: where the root callback leaves ``--token-file`` and ``--server`` for the commands
TOKEN_FILE_KEY = "ftigate.token_file"  # nosec B105: a key of the command context, not a token
SERVER_KEY = "ftigate.server"


class NoToken(FtigateError):
    """A command that acts in someone's name was given no token."""

    exit_code = 1

    def __init__(self) -> None:
        super().__init__(f"this acts in your name: give your own API token in ${TOKEN_ENV} or with --token-file FILE "
                         "(issued by an administrator with `ftigate staff token` or `ftigate registry token`); "
                         "--as alone proves nothing")


def read_token_file(path: Path) -> str:
    """A token kept in a file that only its owner can read; a file others could read is refused (a
    token read by someone else lets them act as its holder)."""
    try:
        info = path.stat()
        if info.st_uid != os.getuid():
            raise ConfigurationError(f"{path}: the token file must be your own (it belongs to another user)")
        if info.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
            raise ConfigurationError(f"{path}: the token file is open to others (mode {stat.S_IMODE(info.st_mode):o}); "
                                     f"make it yours alone: chmod 600 {path}")
        text = path.read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise InputError(f"cannot read the token file: {exc.strerror}", file=str(path)) from None
    except UnicodeDecodeError:
        raise InputError("the token file is not text", file=str(path)) from None
    if not text:
        raise InputError("the token file is empty", file=str(path))
    return text


def token(ctx: typer.Context) -> str | None:
    """The token given with ``--token-file`` (checked to be private), else ``$FTIGATE_TOKEN``, else None."""
    path = ctx.meta.get(TOKEN_FILE_KEY)
    if path is not None:
        return read_token_file(Path(path))
    return os.environ.get(TOKEN_ENV, "").strip() or None


def principal(ctx: typer.Context, as_: str | None = None) -> Principal:
    """The person acting, proven by their token; ``--as``, if also given, must name that same person."""
    local_only(ctx, f"`{command_name(ctx)}`")  # with --server, only what the API offers is done, never locally
    presented = token(ctx)
    if presented is None:
        raise NoToken()
    person = access.authenticate(settings(ctx), presented)
    if as_ is not None and as_ != person.id:
        raise PermissionDenied(f"the token given is '{person.id}''s, not '{as_}''s: each person acts with their "
                               "own token")
    return person


def remote(ctx: typer.Context) -> Client | None:
    """The API client of ``ftigate --server URL``, as the holder of the given token; None when the
    command works on a local data directory."""
    url = ctx.meta.get(SERVER_KEY)
    if not url:
        return None
    presented = token(ctx)
    if presented is None:
        raise NoToken()
    return Client(url, presented)


def remote_as(ctx: typer.Context, as_: str | None = None) -> Client | None:
    """:func:`remote`, and ``--as``, if also given, checked against the server's word on whose token it
    is before anything is sent that acts: with ``--server`` too, a name alone never acts."""
    client = remote(ctx)
    if client is not None and as_ is not None:
        holder = str(client.me().get("id"))
        if holder != as_:
            client.close()
            raise PermissionDenied(f"the token given is '{holder}''s, not '{as_}''s: each person acts with their "
                                   "own token")
    return client


def command_name(ctx: typer.Context) -> str:
    """``ftigate GROUP COMMAND`` as typed, whatever the program was started as."""
    root = ctx.find_root().command_path
    return " ".join(("ftigate", ctx.command_path[len(root):].strip())).strip()


def local_only(ctx: typer.Context, what: str) -> None:
    """Refuse ``--server`` for a command the API does not offer."""
    if ctx.meta.get(SERVER_KEY):
        raise ConfigurationError(f"{what} is not offered by the HTTP API: run it on the gateway's own machine, "
                                 "without --server (nor $FTIGATE_SERVER)")


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


def log_vkey(ctx: typer.Context, vkey: str | None, client: Client | None = None) -> str:
    """The log verifier key given with ``--vkey``, else (with ``--server``) the one the server names, else
    this data directory's own; either of the last two is said on stderr, so an overseer knows which key
    the answer rests on (a key taken from the server checks only that the server agrees with itself).
    Never creates a log key."""
    if vkey:
        return vkey
    if client is not None:
        named = client.ledger_vkey()
        err_console.print(f"checking against the log key the server names, {named}: give --vkey (obtained "
                          "out of band) to check without trusting the server", highlight=False)
        return named
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
