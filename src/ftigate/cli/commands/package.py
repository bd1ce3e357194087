"""``ftigate package open|certify|overdue``: the recipient's side, and oversight of deadlines."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from ftigate.cli.context import console, settings
from ftigate.service.delivery import safeguard
from ftigate.tabular import write_file_atomic

#: this module's commands, registered on the ``ftigate`` command by :mod:`ftigate.cli.main`
app = typer.Typer()

package_app = typer.Typer(help="Open disclosure packages, certify their destruction, flag overdue ones.",
                          no_args_is_help=True)
app.add_typer(package_app, name="package")


@package_app.command("open")
def open_(ctx: typer.Context, package_id: str = typer.Argument(...),
          officer: str = typer.Option(..., "--officer", help="Your officer id (a named recipient)."),
          key: Path = typer.Option(..., "--key", help="Your X25519 delivery private key (PEM)."),
          out: Path = typer.Option(..., "--out", help="Where to write the decrypted content (JSON).")) -> None:
    """Decrypt a package addressed to you; the download is recorded in the ledger."""
    content = safeguard.open_package(settings(ctx), package_id, officer, key)
    write_file_atomic(out, json.dumps(content, indent=1), mode=0o600)  # names taxpayers: the officer's eyes only
    console.print(f"opened package {package_id}: {len(content['disclosures'])} disclosure(s) written to {out}")


@package_app.command("certify")
def certify(ctx: typer.Context, package_id: str = typer.Argument(...),
            officer: str = typer.Option(..., "--officer", help="Your officer id (a named recipient)."),
            key: Path = typer.Option(..., "--key", help="Your X25519 delivery private key (PEM): it must open "
                                                        "the package, which proves the certification is yours."),
            how: str = typer.Option(..., "--how", help="destroyed | returned"),
            method: str = typer.Option(..., "--method", help="How it was destroyed or returned.")) -> None:
    """Certify that a package's information was destroyed or returned (6103(p)(4)(F))."""
    safeguard.certify(settings(ctx), package_id, officer, key, how, method)
    console.print(f"package {package_id}: {how}; the request is closed")


@package_app.command("overdue")
def overdue(ctx: typer.Context) -> None:
    """Flag every package past its destroy-by date to oversight."""
    flagged = safeguard.flag_overdue(settings(ctx))
    console.print(f"{len(flagged)} request(s) flagged overdue" + (": " + ", ".join(flagged) if flagged else ""))
