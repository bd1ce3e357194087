"""``ftigate package open|certify|overdue``: the recipient's side, and oversight of deadlines."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import typer

from ftigate.cli.context import console, principal, remote, remote_as, settings
from ftigate.service.delivery import safeguard
from ftigate.service.delivery.packages import open_package_bytes, signature_path
from ftigate.tabular import PRIVATE, write_file_atomic

#: this module's commands, registered on the ``ftigate`` command by :mod:`ftigate.cli.main`
app = typer.Typer()

package_app = typer.Typer(help="Open disclosure packages, certify their destruction, flag overdue ones.",
                          no_args_is_help=True)
app.add_typer(package_app, name="package")


@package_app.command("open")
def open_(ctx: typer.Context, package_id: str = typer.Argument(...),
          officer: str = typer.Option(..., "--officer", help="Your officer id (a named recipient)."),
          key: Path = typer.Option(..., "--key", help="Your X25519 delivery private key (PEM)."),
          out: Path = typer.Option(..., "--out", help="Where to write the decrypted content (JSON)."),
          gateway_key: Path | None = typer.Option(None, "--gateway-key", help="With --server: the gateway's public "
                                                  "key (PEM) to check the package with; default: the one the "
                                                  "server names.")) -> None:
    """Decrypt a package addressed to you; the download is recorded in the ledger.

    With ``--server``, as the recipient officer whose agency token is given: the package is fetched,
    its gateway signature checked and it is decrypted here; your key never leaves this machine."""
    client = remote_as(ctx, officer)
    if client is not None:
        with client:
            data, signature = client.package(package_id)
            trusted = (safeguard.gateway_key_file(gateway_key) if gateway_key is not None
                       else safeguard.gateway_key_from(client.package_key(), f"{client.base_url} (gateway key)"))
        content = open_package_bytes(data, signature, officer, safeguard.delivery_key(key), trusted)
    else:
        content = safeguard.open_package(settings(ctx), package_id, officer, key)
    write_file_atomic(out, json.dumps(content, indent=1), mode=0o600)  # names taxpayers: the officer's eyes only
    console.print(f"opened package {package_id}: {len(content['disclosures'])} disclosure(s) written to {out}")


@package_app.command("certify")
def certify(ctx: typer.Context, package_id: str = typer.Argument(...),
            officer: str | None = typer.Option(None, "--officer", help="Your officer id (checked against your agency token)."),
            key: Path = typer.Option(..., "--key", help="Your X25519 delivery private key (PEM): it must open "
                                                        "the package, which proves the certification is yours."),
            how: str = typer.Option(..., "--how", help="destroyed | returned"),
            method: str = typer.Option(..., "--method", help="How it was destroyed or returned.")) -> None:
    """Certify that a package's information was destroyed or returned (6103(p)(4)(F)), as the recipient
    officer whose agency token is given ($FTIGATE_TOKEN or --token-file)."""
    client = remote_as(ctx, officer)
    if client is not None:  # the officer's agency token proves them to the gateway; the key stays here
        with client:
            client.certify(package_id, how, method)
    else:
        safeguard.certify(settings(ctx), package_id, principal(ctx, officer), how, method, key_path=key)
    console.print(f"package {package_id}: {how}; the request is closed")


@package_app.command("fetch")
def fetch(ctx: typer.Context, package_id: str = typer.Argument(...),
          officer: str = typer.Option(..., "--officer", help="Your officer id (a named recipient)."),
          out: Path = typer.Option(..., "--out", help="Where to write the package (an age file); its "
                                                      "signature goes beside it, with .sig appended.")) -> None:
    """Take a copy of a package, still encrypted, with the gateway's signature; the download is recorded.

    With ``--server``, as the recipient officer whose agency token is given (``--officer`` must be theirs)."""
    client = remote_as(ctx, officer)
    if client is not None:
        with client:
            data, signature = client.package(package_id)
        sha256 = hashlib.sha256(data).hexdigest()
    else:
        download = safeguard.download_package(settings(ctx), package_id, officer)
        data, signature, sha256 = download.data, download.signature, download.sha256
    write_file_atomic(out, data, mode=PRIVATE)
    if signature is not None:
        write_file_atomic(signature_path(out), signature + "\n", mode=PRIVATE)
    console.print(f"package {package_id} written to {out} (sha256 {sha256})"
                  + (f", signature {signature_path(out)}" if signature is not None else ""))


@package_app.command("verify")
def verify(ctx: typer.Context, package: Path = typer.Argument(..., help="The package file (.age)."),
           signature: Path | None = typer.Option(None, "--signature", help="Its signature (default: PACKAGE.sig)."),
           gateway_key: Path | None = typer.Option(None, "--gateway-key",
                                                   help="The gateway's public key (PEM); default: this "
                                                        "data directory's gateway.")) -> None:
    """Check that a package is exactly what the gateway signed (exit 0), else say why (exit 1).

    With ``--server`` and no --gateway-key, against the key the server names."""
    if gateway_key is None and (client := remote(ctx)) is not None:
        with client:
            trusted = safeguard.gateway_key_from(client.package_key(), f"{client.base_url} (gateway key)")
        sha = safeguard.verify_package(None, package, signature, trusted)
    else:
        sha = safeguard.verify_package(None if gateway_key else settings(ctx), package, signature, gateway_key)
    console.print(f"{package}: the gateway's signature verifies (sha256 {sha})")


@package_app.command("gateway-key")
def gateway_key(ctx: typer.Context) -> None:
    """Print the gateway's public package-signing key (PEM), for recipients to check packages with."""
    client = remote(ctx)
    if client is not None:
        with client:
            console.print(client.package_key(), end="", highlight=False)
        return
    console.print(safeguard.gateway_public_key(settings(ctx)), end="", highlight=False)


@package_app.command("overdue")
def overdue(ctx: typer.Context) -> None:
    """Flag every package past its destroy-by date to oversight."""
    flagged = safeguard.flag_overdue(settings(ctx))
    console.print(f"{len(flagged)} request(s) flagged overdue" + (": " + ", ".join(flagged) if flagged else ""))
