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

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from ftigate.errors import ConfigurationError

_TRUE, _FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off")


def parse_value(variable: str, raw: str, default: Any) -> Any:
    """``raw`` (the value of environment variable ``variable``) as the type of ``default``.

    A value that is not one is a :class:`ConfigurationError` naming the variable and what it must
    be, so a typo in a deployment's environment is one line, never a traceback.
    """
    text = raw.strip()
    if isinstance(default, bool):
        if text.lower() in _TRUE + _FALSE:
            return text.lower() in _TRUE
        raise ConfigurationError(f"{variable} must be true or false (1/0, yes/no, on/off), not {text[:40]!r}")
    if isinstance(default, int):
        try:
            value: int | float = int(text)
        except ValueError:
            raise ConfigurationError(f"{variable} must be a whole number, not {text[:40]!r}") from None
        if value < 0:
            raise ConfigurationError(f"{variable} must not be negative ({value})")
        return value
    if isinstance(default, float):
        try:
            value = float(text)
        except ValueError:
            raise ConfigurationError(f"{variable} must be a number, not {text[:40]!r}") from None
        if not value >= 0 or value == float("inf"):
            raise ConfigurationError(f"{variable} must be a finite number, not negative ({text[:40]!r})")
        return value
    if not text:
        raise ConfigurationError(f"{variable} is set but empty")
    return text


def _overrides(cls: type, prefix: str, environ: Mapping[str, str]) -> dict[str, Any]:
    """The fields of dataclass ``cls`` that ``<prefix><FIELD>`` variables override, parsed."""
    values: dict[str, Any] = {}
    for f in fields(cls):
        variable = f"{prefix}{f.name.upper()}"
        raw = environ.get(variable)
        if raw is not None:
            values[f.name] = parse_value(variable, raw, f.default)
    return values


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
    #: days a recipient has to certify destruction or return of a disclosure package
    destroy_within_days: int = 90

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Thresholds:
        return cls(**_overrides(cls, "FTIGATE_", os.environ if environ is None else environ))


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
    def from_env(cls, environ: Mapping[str, str] | None = None) -> ConsoleSettings:
        return cls(**_overrides(cls, "FTIGATE_CONSOLE_", os.environ if environ is None else environ))


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
