"""Errors of the ledger, each carrying the evidence an overseer needs to act on it.

A verifier that only says "invalid" is of little use to an inspector general: these errors say
*where* (the first entry index, the tile, the signature line) and *what* (altered, removed,
reordered, inserted, forked), so a finding can be checked by hand and cited.
"""

from __future__ import annotations

from typing import Any

from ftigate.errors import FtigateError


class LedgerError(FtigateError):
    """Base of the ledger's errors."""

    exit_code = 1


class EntryRejected(LedgerError):
    """An entry may not go into the permanent log (personal data, not JSON, too large, ...).

    This is a programming error of the caller, never of a requester: the log refuses rather than
    record something it could never take back.
    """

    exit_code = 2

    def __init__(self, message: str, position: int | None = None, path: str | None = None) -> None:
        self.message, self.position, self.path = message, position, path
        super().__init__(self.diagnostics())

    def diagnostics(self) -> str:
        where = []
        if self.position is not None:
            where.append(f"entry {self.position} of the batch")
        if self.path:
            where.append(f"at '{self.path}'")
        prefix = ", ".join(where)
        return f"ledger entry rejected ({prefix}): {self.message}" if prefix else f"ledger entry rejected: {self.message}"


class MalformedError(LedgerError):
    """Text that should be a note, checkpoint, proof, key or tile is not well formed."""

    exit_code = 2

    def __init__(self, what: str, message: str, source: str | None = None) -> None:
        self.what, self.message, self.source = what, message, source
        super().__init__(self.diagnostics())

    def diagnostics(self) -> str:
        prefix = f"{self.source}: " if self.source else ""
        return f"{prefix}malformed {self.what}: {self.message}"


class SignatureError(LedgerError):
    """A signed note does not carry a valid signature by the key it is checked against."""

    def __init__(self, message: str, key: str | None = None) -> None:
        self.message, self.key = message, key
        super().__init__(self.diagnostics())

    def diagnostics(self) -> str:
        return f"{self.message}" + (f" (key {self.key})" if self.key else "")


class ProofError(LedgerError):
    """An inclusion or consistency proof does not verify."""

    def __init__(self, message: str, **evidence: Any) -> None:
        self.message, self.evidence = message, evidence
        super().__init__(self.diagnostics())

    def diagnostics(self) -> str:
        return self.message


class InconsistentLog(LedgerError):
    """Two views of the log cannot both be true: a rewritten history or a fork.

    Carries both tree heads so the contradiction can be shown to anyone: two signed statements
    by the same log that no append-only history can reconcile.
    """

    def __init__(self, message: str, old_size: int, old_root: bytes, new_size: int, new_root: bytes) -> None:
        self.message = message
        self.old_size, self.old_root, self.new_size, self.new_root = old_size, old_root, new_size, new_root
        super().__init__(self.diagnostics())

    def diagnostics(self) -> str:
        import base64

        return (f"{self.message} (trusted tree size {self.old_size}, root {base64.b64encode(self.old_root).decode()}; "
                f"offered tree size {self.new_size}, root {base64.b64encode(self.new_root).decode()})")


class TamperDetected(LedgerError):
    """The log differs from what its signed checkpoint commits to.

    ``index`` is the first entry found altered, removed, reordered or inserted (None where the
    evidence cannot locate it), ``kind`` says which, and ``problems`` lists every finding.
    """

    def __init__(self, message: str, index: int | None, kind: str, problems: list[Any] | None = None) -> None:
        self.message, self.index, self.kind = message, index, kind
        self.problems = problems or []
        super().__init__(self.diagnostics())

    def diagnostics(self) -> str:
        return self.message


class CommitmentMismatch(LedgerError):
    """A record shown to open a commitment does not: it is not the record the log committed to."""
