"""``ftigate staff add|list|token|revoke-tokens``: the tax agency's reviewers, supervisors,
administrators, overseers, and the tokens with which they read through the HTTP API."""

from __future__ import annotations

import datetime as dt

import typer
from rich.table import Table

from ftigate.cli import context
from ftigate.cli.context import console, err_console, principal, remote, settings
from ftigate.service.admin import access
from ftigate.service.admin import staff as staff_service

#: this module's commands, registered on the ``ftigate`` command by :mod:`ftigate.cli.main`
app = typer.Typer()

staff_app = typer.Typer(help="The tax agency's own people and their roles.", no_args_is_help=True)
app.add_typer(staff_app, name="staff")


@staff_app.command("add")
def add(ctx: typer.Context, staff_id: str = typer.Argument(...), name: str = typer.Option(..., "--name"),
        role: str = typer.Option(..., "--role", help="disclosure_officer | supervisor | administrator | overseer")) -> None:
    """Register (or update) a member of staff, as an administrator (your token: $FTIGATE_TOKEN or --token-file).

    On a new data directory, with no token, its owner registers the first administrator and is
    given their first API token (printed once). With ``--server``, through the API as your token's holder.
    """
    client = remote(ctx)
    if client is not None:
        with client:
            answer = client.staff_add(staff_id, name, role)
        console.print(f"{staff_id}: {role}" + ("" if answer["changed"] else " (unchanged)"), highlight=False)
        return
    if context.token(ctx) is None and role == "administrator":
        issued = access.bootstrap_administrator(settings(ctx), staff_id, name)
        _print_token(issued, "the first administrator; ")
        return
    changed = staff_service.add_staff(settings(ctx), principal(ctx), staff_id, name, role)
    console.print(f"{staff_id}: {role}" + ("" if changed else " (unchanged)"))


def _print_token(issued: access.IssuedToken, what: str = "") -> None:
    print_token(issued.token, issued.fingerprint, issued.staff, issued.expires_at, what)


def print_token(token: str, fingerprint: str, holder: str, expires_at: dt.datetime, what: str = "") -> None:
    console.out(token, highlight=False)
    err_console.print(f"API token {fingerprint} for {holder} ({what}valid until "
                      f"{expires_at:%Y-%m-%d %H:%M} UTC): shown only now, it cannot be shown again. "
                      "Keep it in a file only you can read (chmod 600) for --token-file, or in $FTIGATE_TOKEN; "
                      "over HTTP send it as 'Authorization: Bearer <token>'.", highlight=False)


@staff_app.command("list")
def list_(ctx: typer.Context) -> None:
    """List staff and roles."""
    table = Table(title="Staff")
    for col in ("id", "name", "role"):
        table.add_column(col)
    client = remote(ctx)
    if client is not None:
        with client:
            rows = client.staff()
    else:
        rows = [dict(row) for row in staff_service.list_staff(settings(ctx))]
    for row in rows:
        table.add_row(row["id"], row["name"], row["role"])
    console.print(table)


@staff_app.command("token")
def token(ctx: typer.Context, staff_id: str = typer.Argument(...),
          label: str | None = typer.Option(None, "--label",
                                              help="What the token is for (a machine, a tool)."),
          days: int = typer.Option(access.TOKEN_DAYS, "--days",
                                   help=f"How many days it may be used (1 to {access.MAX_TOKEN_DAYS}).")) -> None:
    """Issue a new API token for a member of staff (printed once; only its digest is kept); an administrator's act."""
    client = remote(ctx)
    if client is not None:
        with client:
            answer = client.staff_token(staff_id, label, days)
        print_token(answer["token"], answer["fingerprint"], answer["holder"],
                    dt.datetime.fromisoformat(answer["expires_at"]))
        return
    _print_token(access.issue_token(settings(ctx), principal(ctx), staff_id, label, days=days))


@staff_app.command("revoke-tokens")
def revoke_tokens(ctx: typer.Context, staff_id: str = typer.Argument(...)) -> None:
    """Revoke every live API token of a member of staff."""
    client = remote(ctx)
    if client is not None:
        with client:
            count = int(client.staff_revoke(staff_id)["revoked"])
    else:
        count = access.revoke_tokens(settings(ctx), principal(ctx), staff_id)
    console.print(f"{staff_id}: {count} token(s) revoked" if count else f"{staff_id}: no live tokens",
                  highlight=False)


@staff_app.command("password")
def password(ctx: typer.Context, staff_id: str = typer.Argument(...),
             from_stdin: bool = typer.Option(False, "--stdin",
                                             help="Read the password from the first line of standard input.")) -> None:
    """Set a member of staff's console password (asked twice, never shown; only its argon2 hash is kept)."""
    import sys

    from ftigate.service.admin import local_accounts

    context.local_only(ctx, "setting a console password")
    if from_stdin:
        secret = sys.stdin.readline().rstrip("\r\n")
    else:
        secret = typer.prompt(f"New password for {staff_id}", hide_input=True, confirmation_prompt=True)
    local_accounts.set_password(settings(ctx), staff_id, secret)
    console.print(f"{staff_id}: password set; their console sessions have ended", highlight=False)


@staff_app.command("totp")
def totp(ctx: typer.Context, staff_id: str = typer.Argument(...)) -> None:
    """Set up a member of staff's second factor: prints an otpauth:// URI for their authenticator app, once."""
    from ftigate.service.admin import local_accounts

    context.local_only(ctx, "setting up a console second factor")
    set_up = local_accounts.set_up_totp(settings(ctx), staff_id)
    console.out(set_up.uri, highlight=False)
    err_console.print(f"TOTP secret for {staff_id} (enter it, or the URI above, in their authenticator app): "
                      f"{set_up.secret}; shown only now. Any earlier secret no longer works.", highlight=False)
