"""The ``ftigate`` command's groups, one module each.

Each module exports a Typer ``app`` holding its commands; :mod:`ftigate.cli.main` registers them,
explicitly, by name. Nothing here is imported for its side effects.
"""
