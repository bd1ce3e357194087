"""What a rule may look at besides the request itself: the :class:`Context` and the :class:`Facts`.

The law package does no I/O. Whatever a rule needs from the outside world (today's date, the
thresholds, the hash of the subjects file as actually read, the keys of the agency's recent subjects,
problems found while reading the file) is gathered by the service layer and handed in here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from ftigate.law.findings import Finding
from ftigate.law.registry import Agency, Registry
from ftigate.progress import Progress
from ftigate.settings import Thresholds


@dataclass(frozen=True)
class Context:
    """Everything a rule may need besides the request, its subjects and the registry."""

    #: the day the request is judged: officials' terms and safeguards are judged against it
    today: dt.date
    thresholds: Thresholds = field(default_factory=Thresholds)
    #: SHA-256 (lowercase hex) of the subjects file's bytes as read; None if there is no file or it
    #: could not be read
    subjects_sha256_actual: str | None = None
    #: :func:`ftigate.law.subject_key` of every subject in the agency's earlier requests received within
    #: ``thresholds.recent_days``
    recent_subject_keys: frozenset[str] = frozenset()
    #: request-level problems found while reading the request (subjects file missing, a column missing)
    intake_findings: tuple[Finding, ...] = ()
    #: per subject (by 0-based index): problems found while reading its row (a malformed row or field)
    row_problems: Mapping[int, tuple[Finding, ...]] = field(default_factory=dict)
    #: the data-row number of each subject in its file (1-based), for messages; default index + 1
    row_numbers: Sequence[int] | None = None
    #: told now and then ("judging subjects", judged, in all) on large batches
    progress: Progress | None = None


@dataclass
class Facts:
    """The request under judgement, as the request-level rules see it (after the subjects were judged)."""

    request: Mapping[str, Any]
    registry: Registry
    ctx: Context
    subjects: Sequence[Mapping[str, str]]
    invalid_indices: frozenset[int]
    #: invalid subjects whose only fault is a subject_id repeating an earlier one (a copied row, say)
    repeated_id_only: frozenset[int] = frozenset()
    #: the request exactly as the official signed it (``request`` is its canonical form); None: the same
    signed: Mapping[str, Any] | None = None

    @property
    def total(self) -> int:
        return len(self.subjects)

    @property
    def valid(self) -> int:
        return self.total - len(self.invalid_indices)

    def text(self, name: str) -> str:
        """A top-level member as stripped text; "" when absent or not a string."""
        return text(self.request.get(name))

    @cached_property
    def investigation(self) -> Mapping[str, Any]:
        value = self.request.get("investigation")
        return value if isinstance(value, Mapping) else {}

    @cached_property
    def agency(self) -> Agency | None:
        agency_id = self.text("agency")
        return self.registry.agency(agency_id) if agency_id else None

    @cached_property
    def recipients(self) -> list[str]:
        """The recipient ids named in the request (strings only, in the order given, without repeats)."""
        value = self.request.get("recipients")
        if not isinstance(value, list):
            return []
        seen: dict[str, None] = {}
        for item in value:
            if isinstance(item, str) and item.strip():
                seen.setdefault(item.strip(), None)
        return list(seen)

    def row_number(self, index: int) -> int:
        numbers = self.ctx.row_numbers
        return numbers[index] if numbers is not None and index < len(numbers) else index + 1


def text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def parse_date(value: object) -> dt.date | None:
    """A date written YYYY-MM-DD, else None."""
    if not isinstance(value, str) or len(value) != 10 or value[4] != "-" or value[7] != "-":
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def quote(value: object, limit: int = 60) -> str:
    """A requester-supplied identifier (never personal data) quoted for a message, shortened."""
    shown = value if isinstance(value, str) else repr(value)
    return "'" + (shown if len(shown) <= limit else shown[: limit - 1] + "…") + "'"
