"""``ftigate staff add|list``: the tax agency's reviewers, supervisors, administrators, overseers."""

from __future__ import annotations

import typer
from rich.table import Table

from ftigate.cli.context import console, settings
from ftigate.cli.main import app
from ftigate.service import staff as staff_service

staff_app = typer.Typer(help="The tax agency's own people and their roles.", no_args_is_help=True)
app.add_typer(staff_app, name="staff")


@staff_app.command("add")
def add(ctx: typer.Context, staff_id: str = typer.Argument(...), name: str = typer.Option(..., "--name"),
        role: str = typer.Option(..., "--role", help="disclosure_officer | supervisor | administrator | overseer")) -> None:
    """Register (or update) a member of staff."""
    changed = staff_service.add_staff(settings(ctx), staff_id, name, role)
    console.print(f"{staff_id}: {role}" + ("" if changed else " (unchanged)"))


@staff_app.command("list")
def list_(ctx: typer.Context) -> None:
    """List staff and roles."""
    table = Table(title="Staff")
    for col in ("id", "name", "role"):
        table.add_column(col)
    for row in staff_service.list_staff(settings(ctx)):
        table.add_row(row["id"], row["name"], row["role"])
    console.print(table)
