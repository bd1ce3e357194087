"""Importing this package registers every command on the ``ftigate`` app, one module per group."""

from ftigate.cli.commands import keys, registry, sign  # noqa: F401
