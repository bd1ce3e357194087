"""Where the gateway keeps its state, and the settings that the law leaves to judgement.

The environment is read here and nowhere else; everything below is passed down from
:class:`Settings`. A value that cannot be what its variable says is a :class:`ConfigurationError`
naming the variable (one line, never a traceback).

The data directory is chosen by ``ftigate --data-dir DIR``, else ``$FTIGATE_HOME``, else
``./ftigate-data``. The database is SQLite inside it unless ``$FTIGATE_DATABASE_URL`` names another
(PostgreSQL in production). A new ledger takes its origin from ``$FTIGATE_LEDGER_ORIGIN``; an
overseer's witness keeps its state in ``$FTIGATE_WITNESS_HOME`` (else ``./ftigate-witness``);
matching takes at most ``$FTIGATE_MATCH_MEMORY`` (DuckDB, e.g. ``8GB``) and sets up the Spark engine
from ``$FTIGATE_SPARK_MASTER``, ``$FTIGATE_SPARK_PARTITIONS`` and ``$FTIGATE_SPARK_DRIVER_MEMORY``.

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
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields
from functools import cached_property
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
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Thresholds:
        return cls(**_overrides(cls, "FTIGATE_", os.environ if environ is None else environ))

    def values(self) -> dict[str, int | float]:
        """The thresholds in force, by name: what each decision's and review's ledger entry records.
        A new dict each time (the caller may change it), copied from the one made once: the thresholds
        never change (frozen), and every submission asks twice."""
        return dict(self._values)

    @cached_property
    def _values(self) -> dict[str, int | float]:
        return asdict(self)

    @cached_property
    def _fingerprint(self) -> str:
        return hashlib.sha256(json.dumps(self._values, sort_keys=True).encode("ascii")).hexdigest()

    def fingerprint(self) -> str:
        """SHA-256 (hex) of the values, part of the policy version: a changed threshold is a new policy."""
        return self._fingerprint


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
    #: failed sign-ins from one client address within ``lock_minutes`` after which that address is
    #: refused without a look at what it sends, whatever staff id it names (known or not)
    max_failed_per_client: int = 20

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> ConsoleSettings:
        return cls(**_overrides(cls, "FTIGATE_CONSOLE_", os.environ if environ is None else environ))


@dataclass(frozen=True)
class MatchResources:
    """How much of the machine one matching job may use (passed to :func:`ftigate.identity.resolve`)."""

    #: DuckDB's memory limit (``8GB``, ``512MB``); None: 60% of the machine, at most 4 GB
    memory: str | None = None
    #: the Spark master of the Spark engine (``local[*]``: every core of this machine)
    spark_master: str = "local[*]"
    #: Spark's shuffle partitions
    spark_partitions: int = 4
    #: the Spark driver's memory (``4g``)
    spark_driver_memory: str = "4g"

    def memory_limit(self) -> str:
        """DuckDB's memory limit: the one configured, else 60% of the machine, at most 4 GB.

        DuckDB keeps what fits under its limit in memory and spills the rest to the work folder, so a
        larger limit buys little speed: at 1.3 million subjects against 10 million master rows, 4 GB
        took 273 s where 12 GB took 269 s (two runs on one machine), with a process peak of 4.3 GiB
        instead of 6.8 GiB, which leaves room for the gateway's own work beside the matching.
        """
        if self.memory:
            return self.memory
        try:
            total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
        except (ValueError, OSError):
            total = 8 << 30
        return f"{max(1, min(4, int(total * 0.6 / (1 << 30))))}GB"


_DUCKDB_MEMORY = re.compile(r"\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)", re.IGNORECASE)
_JVM_MEMORY = re.compile(r"\d+[kmgt]?", re.IGNORECASE)


def _text(environ: Mapping[str, str], variable: str) -> str | None:
    """A variable's value, stripped; unset and empty are the same (the default)."""
    value = environ.get(variable, "").strip()
    return value or None


def _shaped(environ: Mapping[str, str], variable: str, pattern: re.Pattern[str], example: str) -> str | None:
    value = _text(environ, variable)
    if value is not None and not pattern.fullmatch(value):
        raise ConfigurationError(f"{variable} must be an amount of memory like {example}, not {value[:40]!r}")
    return value


def matching_from_env(environ: Mapping[str, str] | None = None) -> MatchResources:
    """What matching may use of the machine: ``FTIGATE_MATCH_MEMORY`` and ``FTIGATE_SPARK_*``."""
    env = os.environ if environ is None else environ
    default = MatchResources()
    partitions = _text(env, "FTIGATE_SPARK_PARTITIONS")
    count = parse_value("FTIGATE_SPARK_PARTITIONS", partitions, 0) if partitions else default.spark_partitions
    if count < 1:
        raise ConfigurationError("FTIGATE_SPARK_PARTITIONS must be at least 1")
    return MatchResources(
        memory=_shaped(env, "FTIGATE_MATCH_MEMORY", _DUCKDB_MEMORY, "8GB"),
        spark_master=_text(env, "FTIGATE_SPARK_MASTER") or default.spark_master,
        spark_partitions=count,
        spark_driver_memory=_shaped(env, "FTIGATE_SPARK_DRIVER_MEMORY", _JVM_MEMORY, "4g") or default.spark_driver_memory,
    )


def default_data_dir() -> Path:
    return Path(os.environ.get("FTIGATE_HOME") or "ftigate-data")


def default_witness_home() -> Path:
    """An overseer's witness state: ``$FTIGATE_WITNESS_HOME``, else ``./ftigate-witness`` (never the gateway's)."""
    return Path(os.environ.get("FTIGATE_WITNESS_HOME") or "ftigate-witness")


def _database_url() -> str | None:
    return _text(os.environ, "FTIGATE_DATABASE_URL")


def _ledger_origin() -> str | None:
    return _text(os.environ, "FTIGATE_LEDGER_ORIGIN")


@dataclass(frozen=True)
class Settings:
    """Everything configurable, read once; commands and use cases take it as an argument."""

    data_dir: Path = field(default_factory=default_data_dir)
    database_url: str | None = field(default_factory=_database_url)
    thresholds: Thresholds = field(default_factory=Thresholds.from_env)
    console: ConsoleSettings = field(default_factory=ConsoleSettings.from_env)
    #: the origin a new ledger is created with (the log's name; fixed once the log exists)
    ledger_origin: str | None = field(default_factory=_ledger_origin)
    #: what one matching job may use of the machine
    matching: MatchResources = field(default_factory=matching_from_env)
    #: an overseer's witness state (the witness's own, never the gateway's data directory)
    witness_home: Path = field(default_factory=default_witness_home)

    @property
    def url(self) -> str:
        """The SQLAlchemy URL of the store."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'ftigate.sqlite3').resolve()}"

    @property
    def keys_dir(self) -> Path:
        return self.data_dir / "keys"

    @property
    def reports_dir(self) -> Path:
        return self.data_dir / "reports"
