"""``ftigate keys new``: a key pair for an official (Ed25519, signing) or an officer (X25519, delivery)."""

from __future__ import annotations

from pathlib import Path

import typer

from ftigate.cli.context import console
from ftigate.crypto import (
    age_identity_text,
    age_recipient_text,
    load_private_key,
    new_private_key,
    private_pem,
    public_pem,
)
from ftigate.errors import InputError
from ftigate.tabular import PRIVATE, write_file_atomic

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
    # the private key is 0600 from its first byte (never written and then narrowed); the public one is for sharing
    write_file_atomic(private, private_pem(key), mode=PRIVATE)
    write_file_atomic(public, public_pem(key), mode=0o644)
    console.print(f"wrote {private} (private, keep it secret) and {public} (public: put it in the registry)")


@keys_app.command("age")
def age(
    key: Path = typer.Argument(..., help="An officer's X25519 delivery private key (PKCS#8 PEM)."),
    out: Path = typer.Option(..., "--out", help="Where to write it as an age identity file (mode 0600)."),
    force: bool = typer.Option(False, "--force", help="Overwrite an existing file."),
) -> None:
    """Write an officer's delivery key as an age identity, so the standard age tool opens packages:
    age -d -i OUT PACKAGE.age"""
    if out.exists() and not force:
        raise InputError("already exists (use --force to overwrite)", file=str(out))
    try:
        private = load_private_key(key.read_bytes(), "x25519", source=str(key))
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", file=str(key)) from None
    write_file_atomic(out, f"# public key: {age_recipient_text(private)}\n{age_identity_text(private)}\n", mode=PRIVATE)
    console.print(f"wrote {out} (an age identity: keep it as secret as {key}); "
                  f"its recipient is {age_recipient_text(private)}")
