"""``ftigate sign REQUEST.json --key KEY.pem``: the requesting official signs a request."""

from __future__ import annotations

from pathlib import Path

import typer

from ftigate.cli.context import console
from ftigate.service.requests import signing

#: this module's commands, registered on the ``ftigate`` command by :mod:`ftigate.cli.main`
app = typer.Typer()


@app.command("sign")
def sign(
    request: Path = typer.Argument(..., help="The request (JSON). The signature is written into it."),
    key: Path = typer.Option(..., "--key", help="The official's Ed25519 private key (PKCS#8 PEM)."),
    fill_hash: bool = typer.Option(
        True, "--fill-hash/--no-fill-hash", help="Set subjects_sha256 from subjects_file before signing."
    ),
    inline: bool = typer.Option(False, "--inline", help="Write the subjects_file's rows into the request "
                                "(subjects) before signing, for POST /check, which reads no files."),
) -> None:
    """Sign REQUEST.json in place over its RFC 8785 canonical form (without 'signature')."""
    signing.sign_request_file(request, key, fill_hash=fill_hash, inline=inline)
    console.print(f"signed {request}")
