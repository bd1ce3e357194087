"""The catalogue of ledger events: every kind of entry the log may hold, with its fields.

The ledger is the permanent public record, read by overseers years later with their own tools.
Its vocabulary therefore lives in one place: one frozen model per event kind, extra fields
forbidden, the kind names as :class:`Kind`. Writers build one of these models and nothing else
can be appended (``service.log.events.record`` takes only catalogued events); readers (the period
report's recount from an exported log, the decision audit, the report queries) parse an entry
into its model with :func:`parse_entry` and read typed attributes, so renaming a field in a
writer fails loudly at the reader instead of quietly counting 0.

An entry is flat JSON: the envelope (``kind``, ``at``, ``actor`` and, for an event of one
request, ``request``) beside the event's own fields. :class:`Entry` holds the envelope and the
event; :meth:`Entry.to_json` and :func:`parse_entry` are the only two directions, in one place,
as a typed checkpoint is both marshalled and parsed by one module.

To add an event: declare its model here (a docstring saying when it is recorded, its fields), add
it to :data:`Event` and :class:`Kind`, and run ``scripts/ledger-events`` to regenerate the table in
docs/ledger.md (a test fails while the two differ).

Fields never carry personal data: where an event concerns a taxpayer it carries a keyed
commitment (:mod:`ftigate.ledger.commitments`) and :mod:`ftigate.ledger.privacy` checks every
entry again before it is encoded.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from enum import StrEnum
from typing import Annotated, Any, Final, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ftigate.ledger.errors import LedgerError

#: the members of an entry that are not the event's own fields
ENVELOPE: Final = ("kind", "at", "actor", "request")


class Kind(StrEnum):
    """Every kind of ledger entry, by the name the log carries."""

    REQUEST_RECEIVED = "request.received"
    REQUEST_REJECTED = "request.rejected"
    REQUEST_AWAITING_REVIEW = "request.awaiting_review"
    REQUEST_AWAITING_SECOND_APPROVAL = "request.awaiting_second_approval"
    REQUEST_APPROVED = "request.approved"
    REQUEST_DENIED = "request.denied"
    REQUEST_MATCHING = "request.matching"
    REQUEST_DISCLOSED = "request.disclosed"
    REQUEST_DELIVERED = "request.delivered"
    REQUEST_OVERDUE = "request.overdue"
    REQUEST_CLOSED = "request.closed"
    MATCH_DECIDED = "match.decided"
    DISCLOSURE_MADE = "disclosure.made"
    DISCLOSURES_MADE = "disclosures.made"
    PACKAGE_DOWNLOADED = "package.downloaded"
    EVIDENCE_VIEWED = "evidence.viewed"
    COMMITMENT_OPENED = "commitment.opened"
    ACCOUNTING_EXPORTED = "accounting.exported"
    INCIDENT_RECORDED = "incident.recorded"
    ACCOUNTING_MARKED = "accounting.marked"
    INCIDENT_REPORTED = "incident.reported"
    INCIDENT_TAXPAYER_NOTICE = "incident.taxpayer_notice"
    TAXPAYER_NOTIFIED = "taxpayer.notified"
    WITHHOLD_LIST_ADDED = "withhold_list.added"
    REGISTRY_LOADED = "registry.loaded"
    REGISTRY_ENDED = "registry.ended"
    POLICY_ADOPTED = "policy.adopted"
    CHECK_MADE = "check.made"
    STAFF_REGISTERED = "staff.registered"
    STAFF_TOKEN_ISSUED = "staff.token_issued"  # nosec B105  # an event kind's name, not a secret
    STAFF_TOKENS_REVOKED = "staff.tokens_revoked"
    AGENCY_TOKEN_ISSUED = "agency.token_issued"  # nosec B105  # an event kind's name, not a secret
    AGENCY_TOKENS_REVOKED = "agency.tokens_revoked"  # nosec B105  # an event kind's name, not a secret
    ACCESS_DENIED = "access.denied"
    STAFF_PASSWORD_SET = "staff.password_set"  # nosec B105  # an event kind's name, not a secret
    STAFF_TOTP_SET = "staff.totp_set"
    CONSOLE_SIGNED_IN = "console.signed_in"
    CONSOLE_SIGN_IN_FAILED = "console.sign_in_failed"
    CONSOLE_SIGNED_OUT = "console.signed_out"
    JOB_CLAIMED = "job.claimed"
    UPLOAD_CANCELLED = "upload.cancelled"
    UPLOADS_PURGED = "uploads.purged"


class _Event(BaseModel):
    """Base of every catalogued event: immutable, and nothing beyond its declared fields."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    def fields_json(self) -> dict[str, Any]:
        """The event's own fields as the entry carries them (JSON values, ``kind`` excluded)."""
        return self.model_dump(mode="json", by_alias=True, exclude={"kind"})


Sha256 = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$", description="SHA-256, hex")]
Commitment = Annotated[str, Field(min_length=1, description="keyed commitment (HMAC-SHA256)")]
Counts = dict[str, int]
Thresholds = Annotated[dict[str, int | float], Field(description="the thresholds in force, by name")]


# --- the request's lifecycle ----------------------------------------------------------------------
class RequestReceived(_Event):
    """A signed request arrived and was stored with the law's verdict on it."""

    kind: Literal[Kind.REQUEST_RECEIVED] = Kind.REQUEST_RECEIVED
    document_sha256: Sha256
    subjects: int = Field(ge=0, description="rows of the subjects file")
    agency: str
    statute: str
    policy_version: str
    registry_version: int


class _Moved(_Event):
    """A step of the request's lifecycle: ``from`` the state it left (``to`` is the kind's)."""

    from_: str = Field(alias="from", description="the state the request left")


class _Checked(_Moved):
    decision: str
    policy_version: str
    thresholds: Thresholds
    findings: Counts = Field(description="findings by outcome (pass, fail, review)")
    valid: int = Field(ge=0)
    invalid: int = Field(ge=0)
    rules_failed: tuple[str, ...]
    rules_review: tuple[str, ...]


class RequestRejected(_Checked):
    """The rules refused the request: it failed a hard requirement of the law."""

    kind: Literal[Kind.REQUEST_REJECTED] = Kind.REQUEST_REJECTED
    to: Literal["rejected"] = "rejected"


class RequestAwaitingReview(_Checked):
    """The rules passed the request (its valid subjects) on to a disclosure officer."""

    kind: Literal[Kind.REQUEST_AWAITING_REVIEW] = Kind.REQUEST_AWAITING_REVIEW
    to: Literal["awaiting_review"] = "awaiting_review"


class _Reviewed(_Moved):
    reviewer: str
    role: str
    policy_version: str
    thresholds: Thresholds
    approvals_needed: int = Field(ge=1, description="approvals the request needs under the stricter of the "
                                                    "thresholds it was judged under and those in force")
    reason_sha256: Sha256 = Field(description="SHA-256 of the written reason (kept in the store)")


class RequestAwaitingSecondApproval(_Reviewed):
    """One approval of a large batch; dual control waits for a second reviewer."""

    kind: Literal[Kind.REQUEST_AWAITING_SECOND_APPROVAL] = Kind.REQUEST_AWAITING_SECOND_APPROVAL
    to: Literal["awaiting_second_approval"] = "awaiting_second_approval"


class RequestApproved(_Reviewed):
    """The review approved the request."""

    kind: Literal[Kind.REQUEST_APPROVED] = Kind.REQUEST_APPROVED
    to: Literal["approved"] = "approved"


class RequestDenied(_Reviewed):
    """A reviewer denied the request."""

    kind: Literal[Kind.REQUEST_DENIED] = Kind.REQUEST_DENIED
    to: Literal["denied"] = "denied"


class RequestMatching(_Moved):
    """Identity resolution began."""

    kind: Literal[Kind.REQUEST_MATCHING] = Kind.REQUEST_MATCHING
    to: Literal["matching"] = "matching"
    engine: str


class RequestDisclosed(_Moved):
    """Matching finished and every disclosure is recorded."""

    kind: Literal[Kind.REQUEST_DISCLOSED] = Kind.REQUEST_DISCLOSED
    to: Literal["disclosed"] = "disclosed"
    outcomes: Counts = Field(description="subjects by match outcome")


class RequestDelivered(_Moved):
    """The encrypted package for the recipients was sealed."""

    kind: Literal[Kind.REQUEST_DELIVERED] = Kind.REQUEST_DELIVERED
    to: Literal["delivered"] = "delivered"
    package: str
    package_sha256: Sha256
    recipients: tuple[str, ...]
    destroy_by: dt.date
    disclosures: int = Field(ge=0)


class RequestOverdue(_Moved):
    """A package passed its destroy-by date without a certificate."""

    kind: Literal[Kind.REQUEST_OVERDUE] = Kind.REQUEST_OVERDUE
    to: Literal["overdue"] = "overdue"
    package: str
    destroy_by: dt.date


class RequestClosed(_Moved):
    """A recipient certified destruction or return (6103(p)(4)(F))."""

    kind: Literal[Kind.REQUEST_CLOSED] = Kind.REQUEST_CLOSED
    to: Literal["closed"] = "closed"
    package: str
    certified: Literal["destroyed", "returned"]
    method_sha256: Sha256
    late: bool


# --- matching and disclosure ----------------------------------------------------------------------
class MatchDecided(_Event):
    """A batch of match decisions, committed to (`ftigate ledger verify-decisions` opens it)."""

    kind: Literal[Kind.MATCH_DECIDED] = Kind.MATCH_DECIDED
    subjects: int = Field(ge=0)
    outcomes: Counts
    matcher: str
    policy_version: str
    commitment: Commitment
    # absent from entries written before the model was recorded: those still read, without them
    model_sha256: Sha256 | None = Field(default=None, description="SHA-256 of the trained model that scored "
                                                                  "the batch (canonical JSON of its parameters)")
    master_sha256: Sha256 | None = Field(default=None, description="SHA-256 of the master file it was matched "
                                                                   "against and the model trained on")
    # how the decisions were put into bytes for the commitment (docs/ledger.md); entries recorded
    # before the field existed carry none and committed to the first encoding
    encoding: Literal["decisions-json/1", "decision-rows/1"] = Field(
        default="decisions-json/1", description="the bytes the commitment covers: decision-rows/1 (or decisions-json/1)")


class DisclosureMade(_Event):
    """One taxpayer's return information disclosed; the commitment stands for the accounting record."""

    kind: Literal[Kind.DISCLOSURE_MADE] = Kind.DISCLOSURE_MADE
    commitment: Commitment
    fields: tuple[str, ...] = Field(description="the names of the fields disclosed")
    recipients: tuple[str, ...]
    citation: str


class DisclosuresMade(_Event):
    """A batch of disclosures, each with its accounting record; one digest stands for the records' commitments.

    Each accounting record keeps its own keyed commitment (as a ``disclosure.made`` entry carried
    it); the entry carries the SHA-256 of the batch's commitments, in the encoding it names
    (docs/ledger.md), so every record of the batch, and no other, is bound to the log. Disclosures
    made before batches were recorded have one ``disclosure.made`` entry each, and still read."""

    kind: Literal[Kind.DISCLOSURES_MADE] = Kind.DISCLOSURES_MADE
    disclosures: int = Field(ge=1, description="how many disclosures (and accounting records) the batch holds")
    fields: tuple[str, ...] = Field(description="the names of the fields disclosed")
    recipients: tuple[str, ...]
    citation: str
    commitments_sha256: Sha256 = Field(description="SHA-256 of the batch's accounting commitments, in `encoding`")
    encoding: Literal["accounting-commitments/1"] = Field(
        default="accounting-commitments/1", description="the bytes `commitments_sha256` covers")


class PackageDownloaded(_Event):
    """A recipient officer opened the package sealed to them."""

    kind: Literal[Kind.PACKAGE_DOWNLOADED] = Kind.PACKAGE_DOWNLOADED
    package: str
    officer: str


class EvidenceViewed(_Event):
    """A member of staff read a subject's match evidence over the HTTP API."""

    kind: Literal[Kind.EVIDENCE_VIEWED] = Kind.EVIDENCE_VIEWED
    row: int = Field(ge=1, description="the subject's row in the request")


# --- oversight ------------------------------------------------------------------------------------
class CommitmentOpened(_Event):
    """The gateway opened a commitment for an overseer."""

    kind: Literal[Kind.COMMITMENT_OPENED] = Kind.COMMITMENT_OPENED
    commitment: Commitment
    opens: bool
    entry_agrees: bool


class AccountingExported(_Event):
    """An overseer took the accounting of disclosures over the HTTP API (it names the taxpayers).

    The period asked for and how many records it held then; never a record."""

    kind: Literal[Kind.ACCOUNTING_EXPORTED] = Kind.ACCOUNTING_EXPORTED
    first: dt.date | None = Field(default=None, description="the first day asked for, if any")
    last: dt.date | None = Field(default=None, description="the last day asked for, if any")
    records: int = Field(ge=0)


class IncidentRecorded(_Event):
    """A wrong or unauthorised disclosure was recorded; the 24-hour clock runs."""

    kind: Literal[Kind.INCIDENT_RECORDED] = Kind.INCIDENT_RECORDED
    incident: str
    incident_kind: str
    identified_at: str
    deadline: str
    disclosures: int = Field(ge=0)
    requests: int = Field(ge=0)
    description_commitment: Commitment
    citation: str


class AccountingMarked(_Event):
    """An accounting record was marked as concerned by an incident."""

    kind: Literal[Kind.ACCOUNTING_MARKED] = Kind.ACCOUNTING_MARKED
    incident: str
    commitment: Commitment


class IncidentReported(_Event):
    """An incident was reported to the Office of Safeguards and the Inspector General."""

    kind: Literal[Kind.INCIDENT_REPORTED] = Kind.INCIDENT_REPORTED
    incident: str
    identified_at: str
    deadline: str
    within_24_hours: bool
    minutes_after_identification: int
    disclosures: int = Field(ge=0)
    to: tuple[str, ...]
    citation: str


class IncidentTaxpayerNotice(_Event):
    """Notices to the taxpayers of an incident were written after a charge (7431(e))."""

    kind: Literal[Kind.INCIDENT_TAXPAYER_NOTICE] = Kind.INCIDENT_TAXPAYER_NOTICE
    incident: str
    charge: str
    charged_on: dt.date
    notices: int = Field(ge=0)
    citation: str


class TaxpayerNotified(_Event):
    """One taxpayer's notice; commitments stand for the accounting record and the letter."""

    kind: Literal[Kind.TAXPAYER_NOTIFIED] = Kind.TAXPAYER_NOTIFIED
    incident: str
    commitment: Commitment
    notice_commitment: Commitment


# --- administration -------------------------------------------------------------------------------
class WithholdListAdded(_Event):
    """Taxpayers were added to the withhold list (6103(i)(6))."""

    kind: Literal[Kind.WITHHOLD_LIST_ADDED] = Kind.WITHHOLD_LIST_ADDED
    added: int = Field(ge=0)
    grounds: Counts
    citation: str
    commitment: Commitment


class RegistryLoaded(_Event):
    """A registry file changed the registry: a new version."""

    kind: Literal[Kind.REGISTRY_LOADED] = Kind.REGISTRY_LOADED
    version: int
    changed: int = Field(ge=0, description="entries new or changed")
    file_sha256: Sha256
    registry_sha256: Sha256


class RegistryEnded(_Event):
    """A registry entry ended (left out of a loaded registry, or ended by an administrator): from this
    moment it counts for nothing, and requests signed by or addressed to it fail."""

    kind: Literal[Kind.REGISTRY_ENDED] = Kind.REGISTRY_ENDED
    version: int = Field(description="the registry version from which the entry no longer counts")
    entry_kind: Literal["agencies", "officials", "officers", "statutes"]
    key: str = Field(min_length=1, description="the entry's id (a statute's citation)")
    how: Literal["left out of a loaded registry", "ended by an administrator"]


class PolicyAdopted(_Event):
    """A policy version (the rules' version and the thresholds' values) was first used for a decision."""

    kind: Literal[Kind.POLICY_ADOPTED] = Kind.POLICY_ADOPTED
    version: str = Field(description="the rules' version and the thresholds' fingerprint")
    rules_version: str
    rules_sha256: Sha256 = Field(description="fingerprint of the rules' source")
    thresholds: Thresholds


class CheckMade(_Event):
    """A request was checked against the law without being submitted (``ftigate check``, ``POST /check``):
    the check compares its subjects with the agency's earlier ones, which is return information, so
    who asked is recorded (the actor) with a commitment to the subjects asked about, never their names."""

    kind: Literal[Kind.CHECK_MADE] = Kind.CHECK_MADE
    via: Literal["http", "command line"]
    decision: str
    policy_version: str
    subjects: int = Field(ge=0)
    document_sha256: Sha256 = Field(description="SHA-256 of the request file's bytes as checked")
    commitment: Commitment = Field(description="keyed commitment to the subjects' keys, for an overseer to open")


class StaffRegistered(_Event):
    """A member of staff was registered or their role changed."""

    kind: Literal[Kind.STAFF_REGISTERED] = Kind.STAFF_REGISTERED
    staff: str
    role: str


class StaffTokenIssued(_Event):
    """An API token was issued (its fingerprint, never the token)."""

    kind: Literal[Kind.STAFF_TOKEN_ISSUED] = Kind.STAFF_TOKEN_ISSUED
    staff: str
    fingerprint: str
    expires: dt.date


class StaffTokensRevoked(_Event):
    """Every live API token of a member of staff was revoked."""

    kind: Literal[Kind.STAFF_TOKENS_REVOKED] = Kind.STAFF_TOKENS_REVOKED
    staff: str
    tokens: int = Field(ge=1)


class AgencyTokenIssued(_Event):
    """An administrator issued a token to a requesting agency's registered official or recipient
    officer (its fingerprint, never the token)."""

    kind: Literal[Kind.AGENCY_TOKEN_ISSUED] = Kind.AGENCY_TOKEN_ISSUED
    holder: str = Field(description="the official's or officer's registry id")
    holder_kind: Literal["officials", "officers"]
    agency: str
    fingerprint: str
    expires: dt.date


class AgencyTokensRevoked(_Event):
    """Every live token of a requesting agency's official or officer was revoked."""

    kind: Literal[Kind.AGENCY_TOKENS_REVOKED] = Kind.AGENCY_TOKENS_REVOKED
    holder: str
    tokens: int = Field(ge=1)


class AccessDenied(_Event):
    """A proven person asked for something their role may not do (separation of duties); nothing
    else was done. The actor is the person; never what they sent."""

    kind: Literal[Kind.ACCESS_DENIED] = Kind.ACCESS_DENIED
    action: str = Field(description="the action refused, as named in the roles table")
    role: str
    method: str = Field(description="how the person was proven (api_token, agency_token, ...)")
    agency: str | None = Field(default=None, description="the requesting agency the person acts for, if any")


class StaffPasswordSet(_Event):
    """An administrator set a person's console password; their open sessions ended."""

    kind: Literal[Kind.STAFF_PASSWORD_SET] = Kind.STAFF_PASSWORD_SET
    staff: str
    sessions_ended: int = Field(ge=0)


class StaffTotpSet(_Event):
    """A new TOTP secret for a person's console sign-in (the old one stops working); their sessions ended."""

    kind: Literal[Kind.STAFF_TOTP_SET] = Kind.STAFF_TOTP_SET
    staff: str
    sessions_ended: int = Field(ge=0)


# --- the staff console ----------------------------------------------------------------------------
class ConsoleSignedIn(_Event):
    """A member of staff signed in to the console (never the password or the code)."""

    kind: Literal[Kind.CONSOLE_SIGNED_IN] = Kind.CONSOLE_SIGNED_IN
    method: str
    expires: str = Field(description="when the session ends (ISO 8601)")


class ConsoleSignInFailed(_Event):
    """A sign-in to the console was refused (the actor is the staff id only if it exists).

    ``why`` is ``throttled`` when the client's address had failed too often to be heard at all."""

    kind: Literal[Kind.CONSOLE_SIGN_IN_FAILED] = Kind.CONSOLE_SIGN_IN_FAILED
    method: str
    why: str
    client: Commitment | None = Field(default=None, description="keyed commitment to the client's address, so "
                                                                "one address's failures can be counted, never shown")


class ConsoleSignedOut(_Event):
    """A member of staff signed out of the console."""

    kind: Literal[Kind.CONSOLE_SIGNED_OUT] = Kind.CONSOLE_SIGNED_OUT


# --- the work queue -------------------------------------------------------------------------------
class JobClaimed(_Event):
    """A worker claimed a queued job (validation, or matching and disclosure); attempt 2 on: resumed.

    The job, its attempt (above 1: a stopped or dead worker's job taken up again) and the worker's
    name in the queue. The actor is ``gateway``; the job's request, if it has one yet, is the entry's."""

    kind: Literal[Kind.JOB_CLAIMED] = Kind.JOB_CLAIMED
    job: int = Field(ge=1)
    job_kind: Literal["validate", "disclose"]
    attempt: int = Field(ge=1, description="1 the first time; more when the job is taken up again")
    worker: str = Field(description="the worker's name in the queue (host:process:random), or its fingerprint")


class UploadCancelled(_Event):
    """The official who queued a validation over HTTP cancelled it before a worker took it up.

    Its uploaded files were removed and nothing of it was stored. The actor is that official."""

    kind: Literal[Kind.UPLOAD_CANCELLED] = Kind.UPLOAD_CANCELLED
    job: int = Field(ge=1)
    agency: str


class UploadsPurged(_Event):
    """An administrator removed stale uploads from the queue's folder on the gateway's machine.

    Stale: their job is closed, or no job named them for a day. The actor is the administrator."""

    kind: Literal[Kind.UPLOADS_PURGED] = Kind.UPLOADS_PURGED
    folders: int = Field(ge=1)
    jobs: tuple[int, ...] = Field(description="the closed jobs whose uploads they were (none for an orphan)")
    bytes: int = Field(ge=0)


Event = Annotated[
    RequestReceived | RequestRejected | RequestAwaitingReview | RequestAwaitingSecondApproval | RequestApproved
    | RequestDenied | RequestMatching | RequestDisclosed | RequestDelivered | RequestOverdue | RequestClosed
    | MatchDecided | DisclosureMade | DisclosuresMade | PackageDownloaded | EvidenceViewed | CommitmentOpened | AccountingExported
    | IncidentRecorded
    | AccountingMarked | IncidentReported | IncidentTaxpayerNotice | TaxpayerNotified | WithholdListAdded
    | RegistryLoaded | RegistryEnded | PolicyAdopted | CheckMade | StaffRegistered | StaffTokenIssued
    | StaffTokensRevoked | AgencyTokenIssued | AgencyTokensRevoked | AccessDenied | StaffPasswordSet | StaffTotpSet
    | ConsoleSignedIn | ConsoleSignInFailed | ConsoleSignedOut | JobClaimed | UploadCancelled | UploadsPurged,
    Field(discriminator="kind"),
]
"""Any catalogued event (the discriminated union, by ``kind``)."""

#: a request's lifecycle events, the ones :func:`ftigate.service.requests.lifecycle.move` writes
Moved = (RequestRejected | RequestAwaitingReview | RequestAwaitingSecondApproval | RequestApproved | RequestDenied
         | RequestMatching | RequestDisclosed | RequestDelivered | RequestOverdue | RequestClosed)

#: the lifecycle events that decide a request (rejected by the rules, denied or approved by review)
DECISIONS: Final = (Kind.REQUEST_REJECTED, Kind.REQUEST_DENIED, Kind.REQUEST_APPROVED)


def models() -> dict[Kind, type[_Event]]:
    """Every catalogued model, by its kind (the catalogue's table of contents)."""
    union, _ = get_args(Event)
    return {model.model_fields["kind"].default: model for model in get_args(union)}


def field_name(model: type[_Event], name: str) -> str:
    """``name``, if ``model`` declares it (as the entry spells it): for queries that select an event's
    field from the events table, so a renamed field fails where the query is built, not in a report."""
    for attribute, info in model.model_fields.items():
        if (info.alias or attribute) == name:
            return name
    raise KeyError(f"{model.__name__} has no field {name!r}")


def target_state(kind: str) -> str:
    """The state a lifecycle event moves its request to (``request.approved`` -> ``approved``)."""
    model = models().get(Kind(kind))
    if model is None or not issubclass(model, _Moved):
        raise ValueError(f"{kind} is not a step of a request's lifecycle")
    return str(model.model_fields["to"].default)


class UncataloguedEntry(LedgerError):
    """An entry is not one of the catalogue's events, or its fields are not the catalogue's.

    The message names the entry's index and the field, never a value: an entry refused here may
    be an edited one, and what was written into it is nobody's business in an error message.
    """

    exit_code = 1

    def __init__(self, message: str, index: int | None = None) -> None:
        self.message, self.index = message, index
        super().__init__(self.diagnostics())

    def diagnostics(self) -> str:
        where = f"ledger entry {self.index}" if self.index is not None else "ledger entry"
        return f"{where} is not a catalogued event: {self.message}"


def _utc(value: object) -> dt.datetime:
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, str):
        try:
            moment = dt.datetime.fromisoformat(value[:-1] + "+00:00" if value.endswith("Z") else value)
        except ValueError:
            raise ValueError("'at' is not an ISO 8601 date and time") from None
    else:
        raise ValueError("'at' is an ISO 8601 date and time")
    if moment.tzinfo is None:
        raise ValueError("'at' needs a time zone (UTC)")
    return moment.astimezone(dt.UTC)


def stamp(moment: dt.datetime) -> str:
    """How an entry writes its ``at``: ISO 8601 in UTC with ``Z``."""
    return moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


class Entry(BaseModel):
    """One ledger entry: the envelope and the catalogued event it records."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    event: Event
    at: dt.datetime
    actor: str = Field(min_length=1, description="the registry or staff id of who caused it, or 'gateway'")
    request: str | None = Field(default=None, description="'AGENCY/REQUEST_ID' for an event of one request")

    @field_validator("at", mode="before")
    @classmethod
    def _at(cls, value: object) -> dt.datetime:
        return _utc(value)

    @property
    def kind(self) -> Kind:
        return Kind(self.event.kind)

    def to_json(self) -> dict[str, Any]:
        """The entry as the log carries it (flat JSON; encoded as RFC 8785 by ``ledger.entries``)."""
        out: dict[str, Any] = {"kind": self.event.kind.value, "at": stamp(self.at), "actor": self.actor}
        if self.request is not None:
            out["request"] = self.request
        out.update(self.event.fields_json())
        return out


def _where(error: Mapping[str, Any]) -> str:
    loc = [str(part) for part in error.get("loc", ()) if not isinstance(part, int) or part]
    # the union's tag (the kind's name) is not a field of the entry
    loc = [part for part in loc if part not in {k.value for k in Kind} and part != "event"]
    return ".".join(loc) or "(entry)"


def parse_entry(entry: Mapping[str, Any], index: int | None = None) -> Entry:
    """The catalogued event an entry (decoded JSON) records, or :class:`UncataloguedEntry`."""
    if not isinstance(entry, Mapping):
        raise UncataloguedEntry("an entry is a JSON object", index)
    kind = entry.get("kind")
    if not isinstance(kind, str) or kind not in Kind._value2member_map_:
        raise UncataloguedEntry("its kind is not in the catalogue" if isinstance(kind, str) else "it has no kind",
                                index)
    envelope = {name: entry[name] for name in ("at", "actor", "request") if name in entry}
    fields = {name: value for name, value in entry.items() if name not in ("at", "actor", "request")}
    try:
        # strict, from JSON: a count must be a number and a flag true or false, as they were written
        return Entry.model_validate_json(json.dumps({**envelope, "event": fields}), strict=True)
    except (ValidationError, TypeError, ValueError) as exc:
        if not isinstance(exc, ValidationError):
            raise UncataloguedEntry(f"{kind}: holds a value that is not JSON", index) from None
        problems = "; ".join(f"'{_where(e)}': {e['msg']}" for e in exc.errors(include_input=False, include_url=False))
        raise UncataloguedEntry(f"{kind}: {problems}", index) from None


def parse_bytes(data: bytes, index: int | None = None) -> Entry:
    """Parse an entry's stored bytes (RFC 8785 JSON) into its catalogued event."""
    try:
        value = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise UncataloguedEntry("its bytes are not JSON", index) from None
    return parse_entry(value, index)


def events_markdown() -> str:
    """The table of events for docs/ledger.md, generated from the models (a test keeps them equal)."""
    lines = ["| kind | recorded when | fields (beside `kind`, `at`, `actor`, `request`) |", "| --- | --- | --- |"]
    for kind, model in models().items():
        doc = (model.__doc__ or "").strip().splitlines()[0]
        names = [f"`{info.alias or name}`" for name, info in model.model_fields.items()
                 if name != "kind" and not (name == "to" and issubclass(model, _Moved))]
        if issubclass(model, _Moved):
            names.insert(1, f"`to` (= `{model.model_fields['to'].default}`)")
        lines.append(f"| `{kind.value}` | {doc} | {', '.join(names) or '(none)'} |")
    return "\n".join(lines) + "\n"
