"""Where the gateway keeps its state, and the settings that the law leaves to judgement.

The data directory is chosen by ``ftigate --data-dir DIR``, else ``$FTIGATE_HOME``, else
``./ftigate-data``. The database is SQLite inside it unless ``$FTIGATE_DATABASE_URL`` names another
(PostgreSQL in production).

Review thresholds are settings, not law: the statute says who may ask and what a request must set
forth, but "how many investigations can one officer be personally and directly engaged in" is a
judgement (26 U.S.C. 6103(i)(2)(A), and the court's doubt of Nov 21, 2025). The defaults below are documented in
docs/law.md and can be overridden by environment variables of the same name in upper case,
prefixed ``FTIGATE_``.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from ftigate.errors import ConfigurationError


@dataclass(frozen=True)
class Thresholds:
    """Numbers that send a request to human review (flags), never to an automatic rejection."""

    #: a batch larger than this multiple of the agency's usual request size is flagged
    batch_size_factor: float = 3.0
    #: usual size assumed when the agency's registry entry gives none
    default_usual_subjects: int = 5000
    #: more subjects than this per named recipient officer is flagged (personally and directly engaged)
    subjects_per_recipient: int = 1000
    #: a batch of at least this many subjects needs a second approval by a supervisor (dual control)
    dual_control_subjects: int = 1000
    #: the same reason for every subject is flagged as boilerplate from this many subjects up
    boilerplate_reason_min_subjects: int = 1000
    #: how far back (days) a subject repeated from the agency's earlier requests is flagged
    recent_days: int = 365
    #: a request dated (``signed_on``) more than this many days before the gateway receives it is refused
    signed_within_days: int = 30
    #: days a recipient has to certify destruction or return of a disclosure package
    destroy_within_days: int = 90

    def __post_init__(self) -> None:
        """Every threshold changes a verdict, so none is taken on trust: a whole number (a factor: a
        finite number) within its bounds, else a one-line error naming the setting."""
        for f in fields(self):
            value = getattr(self, f.name)
            low, high = _BOUNDS[f.name]
            kind = "a number" if isinstance(f.default, float) else "a whole number"
            ok = (isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
                  and (isinstance(f.default, float) or isinstance(value, int)) and low <= value <= high)
            if not ok:
                raise ConfigurationError(f"FTIGATE_{f.name.upper()} must be {kind} from {low:g} to {high:g} "
                                         f"({_UNITS[f.name]}), not {value!r}")

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Thresholds:
        env = os.environ if environ is None else environ
        values: dict[str, int | float] = {}
        for f in fields(cls):
            raw = env.get(f"FTIGATE_{f.name.upper()}")
            if raw is not None:
                values[f.name] = _number(f"FTIGATE_{f.name.upper()}", raw, type(f.default))
        return cls(**values)

    def values(self) -> dict[str, int | float]:
        """The thresholds in force, by name: what each decision's and review's ledger entry records."""
        return asdict(self)

    def fingerprint(self) -> str:
        """SHA-256 (hex) of the values, part of the policy version: a changed threshold is a new policy."""
        return hashlib.sha256(json.dumps(self.values(), sort_keys=True).encode("ascii")).hexdigest()


#: the bounds of each threshold (inclusive): none may be negative, none may switch its check off (0
#: makes a size limit flag every request: stricter, so allowed; 0 days of memory would forget everything)
_BOUNDS: dict[str, tuple[float, float]] = {
    "batch_size_factor": (0.0, 1000.0), "default_usual_subjects": (1, 10_000_000),
    "subjects_per_recipient": (0, 10_000_000), "dual_control_subjects": (0, 10_000_000),
    "boilerplate_reason_min_subjects": (0, 10_000_000), "recent_days": (1, 3660),
    "signed_within_days": (0, 366), "destroy_within_days": (1, 3660),
}
_UNITS = {"batch_size_factor": "times the agency's usual request", "default_usual_subjects": "subjects",
          "subjects_per_recipient": "subjects", "dual_control_subjects": "subjects",
          "boilerplate_reason_min_subjects": "subjects", "recent_days": "days", "signed_within_days": "days",
          "destroy_within_days": "days"}


@dataclass(frozen=True)
class ConsoleSettings:
    """How the staff console signs people in; each is overridden by ``FTIGATE_CONSOLE_<NAME>``."""

    #: a session ends this many minutes after sign-in, however active its holder
    session_minutes: int = 480
    #: send the session cookie only over HTTPS (turn off only for a console on loopback)
    secure_cookies: bool = True
    #: failed sign-ins in a row that lock an account, and for how many minutes
    max_failed_sign_ins: int = 5
    lock_minutes: int = 15

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> ConsoleSettings:
        env = os.environ if environ is None else environ
        values: dict[str, object] = {}
        for f in fields(cls):
            raw = env.get(f"FTIGATE_CONSOLE_{f.name.upper()}")
            if raw is not None:
                values[f.name] = raw.strip().lower() in ("1", "true", "yes", "on") if isinstance(f.default, bool) \
                    else _number(f"FTIGATE_CONSOLE_{f.name.upper()}", raw, type(f.default))
        return cls(**values)  # type: ignore[arg-type]


def _number(variable: str, raw: str, kind: type) -> Any:
    """The value of a numeric environment variable; anything else is one line saying what to set."""
    try:
        value = kind(raw.strip())
        if not math.isfinite(value):
            raise ValueError(raw)
        return value
    except ValueError:
        what = "a whole number" if kind is int else "a number"
        raise ConfigurationError(f"{variable} must be {what}, not {raw.strip()[:40]!r}: set it to {what} "
                                 "or unset it for the documented default") from None


def default_data_dir() -> Path:
    return Path(os.environ.get("FTIGATE_HOME") or "ftigate-data")


@dataclass(frozen=True)
class Settings:
    data_dir: Path = field(default_factory=default_data_dir)
    database_url: str | None = None
    thresholds: Thresholds = field(default_factory=Thresholds.from_env)
    console: ConsoleSettings = field(default_factory=ConsoleSettings.from_env)

    @property
    def url(self) -> str:
        """The SQLAlchemy URL of the store."""
        if self.database_url:
            return self.database_url
        env = os.environ.get("FTIGATE_DATABASE_URL")
        if env:
            return env
        return f"sqlite:///{(self.data_dir / 'ftigate.sqlite3').resolve()}"

    @property
    def keys_dir(self) -> Path:
        return self.data_dir / "keys"

    @property
    def reports_dir(self) -> Path:
        return self.data_dir / "reports"
