"""How long work says how far it has come: one shape for every layer, rendered by the command line.

A use case that takes minutes (matching a million subjects, verifying a ten-million-entry log,
exporting the accounting) takes a :class:`Progress` and calls it as it goes:
``progress(stage, done, total)``, ``done`` of ``total`` units of the named stage (a fraction is
``done`` of ``1.0``). It never prints: only the command line renders progress (``ftigate.cli.render``);
the HTTP API and the tests pass nothing, or a list's ``append``.
"""

from __future__ import annotations

from typing import Protocol


class Progress(Protocol):
    """``progress(stage, done, total)``: ``done`` of ``total`` units of ``stage`` are finished."""

    def __call__(self, stage: str, done: float, total: float, /) -> None: ...

