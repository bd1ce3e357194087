"""``ftigate keys new``: a key pair for an official (Ed25519, signing) or an officer (X25519, delivery)."""

from __future__ import annotations

from pathlib import Path

import typer

from ftigate.cli.context import console
from ftigate.crypto import new_private_key, private_pem, public_pem
from ftigate.errors import InputError

#: this module's commands, registered on the ``ftigate`` command by :mod:`ftigate.cli.main`
app = typer.Typer()

keys_app = typer.Typer(help="Make key pairs for officials (signing) and officers (delivery).", no_args_is_help=True)
app.add_typer(keys_app, name="keys")


@keys_app.command("new")
def new(
    out: Path = typer.Argument(..., help="Path prefix: writes OUT.key (private, PKCS#8 PEM) and OUT.pub (public PEM)."),
    kind: str = typer.Option("official", "--for", help="official (Ed25519, signs requests) or officer (X25519, receives packages)."),
    force: bool = typer.Option(False, "--force", help="Overwrite existing files."),
) -> None:
    """Make a key pair. The private key never leaves the holder's machine; register the public one."""
    if kind not in ("official", "officer"):
        raise InputError("must be 'official' or 'officer'", field="--for")
    private = Path(str(out) + ".key")
    public = Path(str(out) + ".pub")
    for path in (private, public):
        if path.exists() and not force:
            raise InputError("already exists (use --force to overwrite)", file=str(path))
    key = new_private_key("ed25519" if kind == "official" else "x25519")
    private.parent.mkdir(parents=True, exist_ok=True)
    private.write_text(private_pem(key), encoding="ascii")
    private.chmod(0o600)
    public.write_text(public_pem(key), encoding="ascii")
    console.print(f"wrote {private} (private, keep it secret) and {public} (public: put it in the registry)")
