"""``ftigate registry load FILE`` and ``ftigate registry show``: the administrator's registry."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import typer
from rich.table import Table

from ftigate.cli.context import console, err_console, principal, remote, settings
from ftigate.law.registry import Registry
from ftigate.service.admin import access
from ftigate.service.admin import registry as registry_service
from ftigate.service.store_access import today

#: this module's commands, registered on the ``ftigate`` command by :mod:`ftigate.cli.main`
app = typer.Typer()

registry_app = typer.Typer(help="The registry of agencies, officials, officers and statutes.", no_args_is_help=True)
app.add_typer(registry_app, name="registry")


@registry_app.command("load")
def load(ctx: typer.Context, file: Path = typer.Argument(..., help="Registry JSON (docs/formats.md).")) -> None:
    """Load a registry file, as an administrator. Idempotent; a changed entry becomes a new version, the old one kept."""
    client = remote(ctx)
    if client is not None:
        with client:
            answer = client.registry_load(file)
        console.print(f"registry version {answer['version']}: {answer['changed']} entries new or changed",
                      highlight=False)
        return
    s = settings(ctx)
    result = registry_service.load_registry_file(s, principal(ctx), file)
    if result.changed or result.ended:
        console.print(f"registry version {result.version}: {result.changed} entr{'y' if result.changed == 1 else 'ies'} new or changed"
                      + (f"; {len(result.ended)} left out, ended from now: "
                         + ", ".join(f"{kind} {key}" for kind, key in result.ended) if result.ended else ""),
                      highlight=False, markup=False)
    else:
        console.print(f"registry unchanged (version {result.version})")
    _warn(registry_service.current_registry(s)[0])


def _warn(registry) -> None:
    """Approvals and terms of office that have ended or end within 30 days, on stderr."""
    for note in registry_service.registry_notes(registry, today()):
        err_console.print(f"warning: {note}", highlight=False, markup=False)


@registry_app.command("end")
def end(ctx: typer.Context,
        kind: str = typer.Argument(..., help="agency, official, officer or statute."),
        key: str = typer.Argument(..., help="The entry's id (a statute's citation).")) -> None:
    """As an administrator, end an entry from now (an official who left office, an officer off the case): requests signed by
    or addressed to it fail from this moment. Recorded in the ledger; loading it again restores it."""
    client = remote(ctx)
    if client is not None:
        with client:
            version = int(client.registry_end(kind, key)["version"])
    else:
        version = registry_service.end_entry(settings(ctx), principal(ctx), kind, key)
    console.print(f"registry version {version}: {kind} {key} ended from now", highlight=False, markup=False)


@registry_app.command("show")
def show(ctx: typer.Context) -> None:
    """Show the current registry."""
    client = remote(ctx)
    if client is not None:
        with client:
            answer = client.registry()
        version = int(answer.pop("version"))
        reg = Registry.model_validate(answer)
    else:
        reg, version = registry_service.current_registry(settings(ctx))
    table = Table(title=f"Registry version {version}")
    for col in ("kind", "key", "details"):
        table.add_column(col)
    for a in reg.agencies:
        sg = a.safeguards
        table.add_row("agency", a.id, f"{a.name}; safeguards {sg.approved_on}..{sg.expires_on}" if sg else f"{a.name}; no safeguards approval")
    for o in reg.officials:
        table.add_row("official", o.id, f"{o.agency} {o.role} {o.valid_from}..{o.valid_to or 'now'}")
    for officer in reg.officers:
        table.add_row("officer", officer.id, officer.agency)
    for s in reg.statutes:
        table.add_row("statute", s.citation, f"{s.title} criminal={s.criminal} tax_administration={s.tax_administration}")
    console.print(table)
    _warn(reg)


@registry_app.command("token")
def token(ctx: typer.Context, holder: str = typer.Argument(..., help="A registered official's or recipient officer's id."),
          label: str | None = typer.Option(None, "--label", help="What the token is for (a machine, a tool)."),
          days: int = typer.Option(access.TOKEN_DAYS, "--days",
                                   help=f"How many days it may be used (1 to {access.MAX_TOKEN_DAYS}).")) -> None:
    """Issue an agency token to a requesting agency's official or recipient officer (printed once); an administrator's act."""
    client = remote(ctx)
    if client is not None:
        with client:
            answer = client.agency_token(holder, label, days)
        token_text, fingerprint = answer["token"], answer["fingerprint"]
        expires_at = dt.datetime.fromisoformat(answer["expires_at"])
    else:
        issued = access.issue_agency_token(settings(ctx), principal(ctx), holder, label, days=days)
        token_text, fingerprint, expires_at = issued.token, issued.fingerprint, issued.expires_at
    console.out(token_text, highlight=False)
    err_console.print(f"agency token {fingerprint} for {holder}, valid until {expires_at:%Y-%m-%d %H:%M} "
                      "UTC: shown only now; hand it to its holder, who sends it as 'Authorization: Bearer <token>'.",
                      highlight=False)


@registry_app.command("revoke-tokens")
def revoke_tokens(ctx: typer.Context, holder: str = typer.Argument(...)) -> None:
    """Revoke every live agency token of an official or recipient officer."""
    client = remote(ctx)
    if client is not None:
        with client:
            count = int(client.agency_revoke(holder)["revoked"])
    else:
        count = access.revoke_agency_tokens(settings(ctx), principal(ctx), holder)
    console.print(f"{holder}: {count} token(s) revoked" if count else f"{holder}: no live tokens", highlight=False)
