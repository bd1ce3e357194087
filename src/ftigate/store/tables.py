"""The gateway's tables (SQLAlchemy 2 Core + ORM-free): one definition for SQLite and PostgreSQL.

Changes to these tables go through an Alembic migration (``store/migrations``); the tests check that
the migrations and this metadata agree.

Personal data (names, addresses, TINs) lives only in ``subjects``, ``disclosures`` and
``accounting``: the gateway must hold it to do its job. The ledger tables never hold any: an event
refers to a person only through a keyed commitment (see ``ftigate.ledger``).
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata = MetaData(naming_convention=NAMING)

Id = BigInteger().with_variant(Integer(), "sqlite")  # SQLite autoincrements only INTEGER PRIMARY KEY

# --- registry: every version of every entry is kept, so past decisions stay explainable ---------
registry_entries = Table(
    "registry_entries", metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("kind", String(16), nullable=False),           # agencies | officials | officers | statutes
    Column("key", String(200), nullable=False),           # id, or citation for statutes
    Column("version", Integer, nullable=False),           # 1, 2, ... per (kind, key)
    Column("content", JSON, nullable=False),
    Column("content_sha256", String(64), nullable=False),
    Column("loaded_at", DateTime(timezone=True), nullable=False),
    Column("registry_version", Integer, nullable=False),  # the registry-wide version that introduced it
    UniqueConstraint("kind", "key", "version", name="uq_registry_entries_kind_key_version"),
)

registry_loads = Table(
    "registry_loads", metadata,
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("file_sha256", String(64), nullable=False),
    Column("loaded_at", DateTime(timezone=True), nullable=False),
    Column("changed", Integer, nullable=False),
)

# --- people who use the gateway on the tax agency's side ----------------------------------------
staff = Table(
    "staff", metadata,
    Column("id", String(100), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("role", String(32), nullable=False),  # disclosure_officer | supervisor | administrator | overseer
    Column("created_at", DateTime(timezone=True), nullable=False),
)

# The HTTP API's bearer tokens: only the SHA-256 of each is kept (see ``store.token_store``).
api_tokens = Table(
    "api_tokens", metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("staff", String(100), ForeignKey("staff.id"), nullable=False),
    Column("digest", String(64), nullable=False, unique=True),     # SHA-256 hex of the token
    Column("label", String(200), nullable=True),                   # what the holder uses it for
    Column("issued_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True), nullable=True),  # None while it may be used
    Column("expires_at", DateTime(timezone=True), nullable=True),  # not used from then on; None: never valid
    Index("ix_api_tokens_staff", "staff"),
)

# The requesting agency's people's tokens (registered officials and recipient officers), issued by an
# administrator: only the SHA-256 of each is kept, like the staff's (see ``store.token_store``).
agency_tokens = Table(
    "agency_tokens", metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("holder", String(100), nullable=False),                 # the registry id of the official or officer
    Column("kind", String(16), nullable=False),                    # officials | officers
    Column("agency", String(100), nullable=False),                 # the agency the holder acts for
    Column("digest", String(64), nullable=False, unique=True),     # SHA-256 hex of the token
    Column("label", String(200), nullable=True),
    Column("issued_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True), nullable=True),
    Index("ix_agency_tokens_holder", "holder"),
)

# Sign-in to the console: a password (its argon2 hash only) and a TOTP secret per member of staff,
# set by an administrator (see ``store.credential_store``).
staff_credentials = Table(
    "staff_credentials", metadata,
    Column("staff", String(100), ForeignKey("staff.id"), primary_key=True),
    Column("password_hash", Text, nullable=True),                      # argon2id, PHC string
    Column("password_set_at", DateTime(timezone=True), nullable=True),
    Column("totp_secret", String(64), nullable=True),                  # base32
    Column("totp_set_at", DateTime(timezone=True), nullable=True),
    Column("totp_last_step", BigInteger, nullable=True),               # the last 30-second step used: no replay
    Column("failed_attempts", Integer, nullable=False, default=0),     # since the last sign-in
    Column("locked_until", DateTime(timezone=True), nullable=True),
)

# The console's sessions: only the SHA-256 of each session cookie is kept.
console_sessions = Table(
    "console_sessions", metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("staff", String(100), ForeignKey("staff.id"), nullable=False),
    Column("digest", String(64), nullable=False, unique=True),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("ended_at", DateTime(timezone=True), nullable=True),         # signed out
    Index("ix_console_sessions_staff", "staff"),
)

withhold_list = Table(
    "withhold_list", metadata,
    Column("tin", String(9), primary_key=True),
    Column("ground", String(32), nullable=False),  # informant | tax_investigation
    Column("added_by", String(100), nullable=False),
    Column("added_at", DateTime(timezone=True), nullable=False),
)

# --- requests and their subjects -----------------------------------------------------------------
requests = Table(
    "requests", metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("agency", String(100), nullable=False),
    Column("request_id", String(200), nullable=False),
    Column("official", String(100), nullable=False),
    Column("signed_on", String(32), nullable=False),
    Column("statute", String(200), nullable=False),
    Column("state", String(32), nullable=False),
    Column("decision", String(16), nullable=False),        # proceed | review | rejected (from the rules)
    Column("policy_version", String(64), nullable=False),
    Column("registry_version", Integer, nullable=False),
    Column("document", JSON, nullable=False),              # the signed request, subjects kept apart
    Column("document_sha256", String(64), nullable=False), # of its canonical form
    Column("subjects_total", Integer, nullable=False),
    Column("subjects_valid", Integer, nullable=False),
    Column("subjects_invalid", Integer, nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("agency", "request_id", name="uq_requests_agency_request_id"),
    Index("ix_requests_agency_received", "agency", "received_at"),
)

subjects = Table(
    "subjects", metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("request", Id, ForeignKey("requests.id", ondelete="CASCADE"), nullable=False),
    Column("row_number", Integer, nullable=False),
    Column("subject_id", String(200), nullable=False),
    Column("first_name", Text, nullable=False),
    Column("middle_name", Text, nullable=False),
    Column("last_name", Text, nullable=False),
    Column("suffix", Text, nullable=False),
    Column("date_of_birth", Text, nullable=False),
    Column("address_line1", Text, nullable=False),
    Column("address_line2", Text, nullable=False),
    Column("city", Text, nullable=False),
    Column("state", Text, nullable=False),
    Column("zip", Text, nullable=False),
    Column("tin", Text, nullable=False),
    Column("reason", Text, nullable=False),
    Column("valid", Boolean, nullable=False),
    Column("outcome", String(16), nullable=True),          # match | no_match | ambiguous | invalid | withheld
    Column("matched_tin", String(9), nullable=True),
    Column("match_probability", Float, nullable=True),
    Column("evidence", JSON, nullable=True),
    # the ``match.decided`` ledger entry whose commitment covers this subject's decision
    Column("decision_ledger_index", BigInteger, nullable=True),
    # SHA-256 (hex) of the decision's line as that entry committed to it (decision-rows/1): which
    # subject's stored decision was rewritten, where the commitment alone says only that one was
    Column("decision_digest", String(64), nullable=True),
    # SHA-256 of the subject's ``ftigate.law.subject_key``: a new request's subjects are looked up by it
    # among the agency's recent ones (``store.recent_subjects``); a row without one is keyed when read
    Column("subject_key_sha256", String(64), nullable=True),
    Index("ix_subjects_request_row", "request", "row_number", unique=True),
    Index("ix_subjects_key", "subject_key_sha256"),
    Index("ix_subjects_request_subject_id", "request", "subject_id"),
    # a request's decisions batch by batch, as the ledger recorded them (decision_audit)
    Index("ix_subjects_request_decision", "request", "decision_ledger_index"),
    # a request's subjects in their order, a batch (keyset) at a time: the matcher's input and the
    # package's answers read a million of them without sorting them again for every batch
    Index("ix_subjects_request_id", "request", "id"),
)

findings = Table(
    "findings", metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("request", Id, ForeignKey("requests.id", ondelete="CASCADE"), nullable=False),
    Column("subject_id", String(200), nullable=True),      # None for a finding on the whole request
    Column("rule", String(100), nullable=False),
    Column("citation", String(200), nullable=False),
    Column("outcome", String(8), nullable=False),          # pass | fail | review
    Column("message", Text, nullable=False),
    Column("policy_version", String(64), nullable=False),
    Index("ix_findings_request", "request"),
)

reviews = Table(
    "reviews", metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("request", Id, ForeignKey("requests.id", ondelete="CASCADE"), nullable=False),
    Column("reviewer", String(100), nullable=False),
    Column("role", String(32), nullable=False),
    Column("decision", String(8), nullable=False),         # approve | deny
    Column("reason", Text, nullable=False),
    Column("policy_version", String(64), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
)

# --- disclosure and delivery ---------------------------------------------------------------------
packages = Table(
    "packages", metadata,
    Column("id", String(64), primary_key=True),
    Column("request", Id, ForeignKey("requests.id"), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("destroy_by", Date, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("path", Text, nullable=False),
    Column("state", String(16), nullable=False),           # delivered | destroyed | returned | overdue
    Column("certified_at", DateTime(timezone=True), nullable=True),
    Column("certified_by", String(100), nullable=True),
)

disclosures = Table(
    "disclosures", metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("request", Id, ForeignKey("requests.id"), nullable=False),
    Column("subject", Id, ForeignKey("subjects.id"), nullable=False, unique=True),
    Column("tin", String(9), nullable=False),
    Column("fields", JSON, nullable=False),                # exactly what was disclosed
    Column("tax_period", Integer, nullable=False),
    Column("disclosed_at", DateTime(timezone=True), nullable=False),
    Index("ix_disclosures_request", "request"),
)

accounting = Table(
    "accounting", metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("disclosure", Id, ForeignKey("disclosures.id"), nullable=False, unique=True),
    Column("tin", String(9), nullable=False),
    Column("disclosed_on", Date, nullable=False),
    Column("agency", String(100), nullable=False),
    Column("recipients", JSON, nullable=False),
    Column("authority", String(200), nullable=False),
    Column("statute", String(200), nullable=False),
    Column("request_ref", String(200), nullable=False),
    Column("fields", JSON, nullable=False),
    Column("ledger_index", BigInteger, nullable=True),
    Column("commitment", String(64), nullable=False),
    Column("incident", String(64), nullable=True),
    # a batch's records together, and under each batch its records by commitment: a record is found
    # by its commitment one batch at a time (``accounting_store.by_commitment``). An index led by the
    # commitment alone, a random hash, had every batch of 5,000 new records rewrite about as many
    # scattered pages of it; this one grows at its end, as the ledger does.
    Index("ix_accounting_ledger_commitment", "ledger_index", "commitment"),
)

# --- jobs: the work queue the workers take validation, matching and disclosure from ---------------
# A job is owned by one worker at a time: ``owner`` is that worker's token and ``lease_until`` how
# long its claim holds without renewal. Every write a job makes renews the lease in the same
# transaction, on the condition that the owner is still this worker (a fence): a worker whose claim
# lapsed and was taken over can no longer write anything. At most one job per request is queued or
# running (a unique partial index), so one request is processed by one worker at a time.
jobs = Table(
    "jobs", metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("kind", String(16), nullable=False),            # disclose
    Column("request", Id, ForeignKey("requests.id"), nullable=True),
    Column("params", JSON, nullable=False),
    Column("state", String(16), nullable=False),           # queued | running | done | failed | cancelled
    Column("owner", String(100), nullable=True),
    Column("lease_until", DateTime(timezone=True), nullable=True),
    Column("attempts", Integer, nullable=False),
    Column("stage", String(32), nullable=True),
    Column("fraction", Float, nullable=True),
    Column("error", Text, nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("started_at", DateTime(timezone=True), nullable=True),
    Column("finished_at", DateTime(timezone=True), nullable=True),
    Index("ix_jobs_state_id", "state", "id"),
    Index("uq_jobs_active_request", "request", unique=True,
          sqlite_where=text("state IN ('queued', 'running')"),
          postgresql_where=text("state IN ('queued', 'running')")),
)

# --- events: the append-only record of every state change -----------------------------------------
events = Table(
    "events", metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("kind", String(48), nullable=False),
    Column("request", Id, ForeignKey("requests.id"), nullable=True),
    Column("actor", String(100), nullable=False),
    Column("detail", JSON, nullable=False),                # never personal data
    Column("ledger_index", BigInteger, nullable=True),
    Index("ix_events_request", "request"),
)

# --- the tamper-evident log (RFC 6962 tree; C2SP tlog-tiles layout) -------------------------------
ledger_entries = Table(
    "ledger_entries", metadata,
    Column("idx", BigInteger, primary_key=True, autoincrement=False),  # 0, 1, 2, ...
    Column("data", LargeBinary, nullable=False),           # the entry's bytes (canonical JSON)
    Column("leaf_hash", LargeBinary(32), nullable=False),
)

ledger_tiles = Table(
    "ledger_tiles", metadata,
    Column("level", Integer, primary_key=True, autoincrement=False),
    Column("index", BigInteger, primary_key=True, autoincrement=False),
    Column("width", Integer, nullable=False),              # 1..256 hashes; 256 = full tile
    Column("hashes", LargeBinary, nullable=False),
)

checkpoints = Table(
    "checkpoints", metadata,
    Column("size", BigInteger, primary_key=True, autoincrement=False),
    Column("root_hash", LargeBinary(32), nullable=False),
    Column("note", Text, nullable=False),                  # the signed note, verbatim
    Column("at", DateTime(timezone=True), nullable=False),
)

cosignatures = Table(
    "cosignatures", metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("size", BigInteger, ForeignKey("checkpoints.size"), nullable=False),
    Column("witness", String(200), nullable=False),
    Column("line", Text, nullable=False),                  # the cosignature line, verbatim
    Column("at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("size", "witness", name="uq_cosignatures_size_witness"),
)

incidents = Table(
    "incidents", metadata,
    Column("id", String(64), primary_key=True),
    Column("disclosure", Id, ForeignKey("disclosures.id"), nullable=True),
    Column("kind", String(32), nullable=False),            # wrong_person | unauthorized | inspection | other
    Column("description", Text, nullable=False),
    Column("identified_at", DateTime(timezone=True), nullable=False),
    Column("reported_at", DateTime(timezone=True), nullable=True),
    Column("recorded_by", String(100), nullable=False),
    Column("taxpayer_notice", Boolean, nullable=False),
)
