"""Who is acting, proven: a :class:`Principal`, and what each role may do (:data:`ACTIONS`).

Whoever acts must be proven, never merely named: a name typed after ``--as`` let one person approve a
large request as two, and dual control meant nothing. A :class:`Principal` is therefore made only by
:mod:`ftigate.service.admin.access` after it has verified a credential: a member of the tax agency's
staff by their API token, a person of a requesting agency (a registered official or recipient
officer) by the agency token an administrator issued them, and, once, the owner of a new data
directory registering its first administrator. Every use case that acts takes a Principal.

Separation of duties is :data:`ACTIONS`, here and nowhere else: each action names the roles that may
take it; the command line, the HTTP API and the service all ask :func:`authorise`. A refusal is
itself recorded in the ledger (``access.denied``: who, in which role, tried what), in a transaction
of its own, so an attempt leaves a trace even though the use case it tried stores nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NoReturn

from ftigate.errors import PermissionDenied
from ftigate.ledger import catalogue
from ftigate.service.log.events import Event, record
from ftigate.service.store_access import now, transaction
from ftigate.settings import Settings

#: the tax agency's own people
STAFF_ROLES = ("disclosure_officer", "supervisor", "administrator", "overseer")
#: the requesting agency's people, as registered in the registry: an official who signs requests
#: (agency head, inspector general, ...) and a recipient officer named to receive packages
AGENCY_ROLES = ("requesting_official", "recipient_officer")
ROLES = STAFF_ROLES + AGENCY_ROLES

#: how a principal proved who they are
METHODS = ("api_token", "agency_token", "console_session")

_DISCLOSURE_STAFF = ("disclosure_officer", "supervisor")

#: roles x actions: who may do what. Reading return information without authorisation is an
#: offence (26 U.S.C. 7213A); the disclosure staff decide, administrators manage people and the
#: registry but never decide or read taxpayers' information, overseers read and change nothing,
#: the requesting agency submits and follows its own requests and receives its packages.
ACTIONS: dict[str, tuple[str, ...]] = {
    # requests, their state, findings, reviews and events (a requesting agency: its own only)
    "requests.read": STAFF_ROLES + ("requesting_official",),
    # the law's verdict on a request: it says whether the agency asked about these people before,
    # which is return information, so it is for the roles that read evidence (each check recorded)
    "requests.check": _DISCLOSURE_STAFF + ("overseer",),
    # submit a signed request (the signature proves the official; the token, the connection)
    "requests.submit": ("requesting_official",),
    # a subject's outcome and match evidence: return information (6103(b)(2))
    "evidence.read": _DISCLOSURE_STAFF + ("overseer",),
    # approve or deny with a reason (dual control: law.duties); the review desk (queue, review sheet)
    "review.decide": _DISCLOSURE_STAFF,
    "review.desk": _DISCLOSURE_STAFF,
    # 6103(i)(6): what is never disclosed
    "withhold.load": _DISCLOSURE_STAFF,
    "withhold.read": _DISCLOSURE_STAFF,
    # start matching and disclosure of an approved request
    "disclose.start": _DISCLOSURE_STAFF,
    # a package, by a recipient officer it is sealed to; and certifying its destruction or return
    "package.fetch": ("recipient_officer",),
    "package.certify": ("recipient_officer",),
    # incidents: record, report within 24 hours, notify taxpayers (7431(e))
    "incident.record": _DISCLOSURE_STAFF,
    "incident.report": _DISCLOSURE_STAFF,
    "incident.notice": _DISCLOSURE_STAFF,
    "incident.read": _DISCLOSURE_STAFF + ("overseer",),
    # the registry of agencies, officials, officers, statutes
    "registry.load": ("administrator",),
    "registry.read": STAFF_ROLES,
    # the tax agency's staff, their API tokens, and the requesting agency's tokens
    "staff.manage": ("administrator",),
    "staff.read": ("administrator", "overseer"),
    "tokens.issue": ("administrator",),
    # the oversight dashboard and the period and annual reports
    "oversight.read": ("supervisor", "overseer"),
    # the record behind a ledger commitment (it names a taxpayer)
    "accounting.open": ("overseer",),
    # a validation queued over HTTP, cancelled before a worker takes it (by the official who queued it)
    "uploads.cancel": ("requesting_official",),
    # removing the stale uploads of the queue's folder (on the gateway's own machine)
    "uploads.purge": ("administrator",),
    # the accounting of disclosures itself (one row per disclosure, with the taxpayer's TIN)
    "accounting.read": ("overseer",),
    # the log as it is: entries, proofs, signed checkpoints, tiles, its verifier key (no personal data
    # in any of it), for the readers who check it with their own tools
    "ledger.read": STAFF_ROLES,
    # the gateway's own checks of its store against the log (reconcile, the decisions' commitments)
    "ledger.audit": ("administrator", "overseer"),
}

#: each action in plain words, for a refusal's message
DOING: dict[str, str] = {
    "requests.read": "read requests", "requests.check": "check requests", "requests.submit": "submit requests",
    "evidence.read": "read a subject's match evidence", "review.decide": "review requests",
    "withhold.load": "determine what is withheld", "withhold.read": "read the withhold list",
    "disclose.start": "start a disclosure", "package.fetch": "fetch a package",
    "package.certify": "certify a package's destruction or return", "incident.record": "record an incident",
    "incident.report": "report an incident", "incident.notice": "produce a taxpayer notice",
    "incident.read": "read incidents", "registry.load": "load the registry", "registry.read": "read the registry",
    "staff.manage": "register staff", "staff.read": "list staff", "tokens.issue": "issue or revoke tokens",
    "review.desk": "use the review desk", "oversight.read": "read the oversight dashboard and reports",
    "accounting.open": "open a commitment (the record behind it names a taxpayer)",
    "accounting.read": "read the accounting of disclosures (it names taxpayers)",
    "ledger.read": "read the ledger", "uploads.cancel": "cancel a queued upload",
    "uploads.purge": "remove the queue's stale uploads", "ledger.audit": "audit the store against the ledger",
}
_ROLE_WORDS = {"disclosure_officer": "a disclosure officer", "supervisor": "a supervisor",
               "administrator": "an administrator", "overseer": "an overseer",
               "requesting_official": "a requesting agency's official", "recipient_officer": "a recipient officer"}


def _who(roles: tuple[str, ...]) -> str:
    words = [_ROLE_WORDS[r] for r in roles]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


# made only by :func:`from_verified_credential`; a Principal built any other way refuses to exist
_VERIFIED = object()


@dataclass(frozen=True)
class Principal:
    """A person whose credential has just been verified: who, in which role, of which side.

    ``agency`` is the requesting agency's id for its people and None for the tax agency's staff.
    """

    id: str
    role: str
    agency: str | None
    method: str
    _proof: object = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self._proof is not _VERIFIED:
            raise TypeError("a Principal is made only by verifying a credential (service.admin.access)")

    @property
    def side(self) -> str:
        return "tax_agency" if self.agency is None else "requesting_agency"

    @property
    def is_staff(self) -> bool:
        return self.agency is None


def from_verified_credential(id: str, role: str, agency: str | None, method: str) -> Principal:
    """A Principal for a credential the caller has verified. Only :mod:`access` calls this."""
    if role not in ROLES or method not in METHODS:
        raise ValueError(f"unknown role {role!r} or method {method!r}")
    return Principal(id, role, agency, method, _VERIFIED)


def allowed(action: str) -> tuple[str, ...]:
    """The roles that may take ``action`` (:data:`ACTIONS`)."""
    return ACTIONS[action]


def may(principal: Principal, action: str, agency: str | None = None) -> bool:
    """Whether ``principal`` may take ``action`` (on something of ``agency``, if given)."""
    if principal.role not in ACTIONS[action]:
        return False
    return agency is None or principal.agency is None or principal.agency == agency


def authorise(settings: Settings, principal: Principal, action: str, *, agency: str | None = None,
              request_ref: str | None = None) -> None:
    """Refuse, and record the refusal in the ledger, unless ``principal``'s role may take ``action``.

    ``agency`` is the requesting agency that owns what is acted on: a requesting agency's people act
    only on their own agency's requests and packages. The ``access.denied`` entry names the person,
    their role and the action, never what they asked for beyond a request reference.
    """
    if may(principal, action, agency):
        return
    if principal.role not in ACTIONS[action]:
        role = _ROLE_WORDS[principal.role]
        refuse(settings, principal, action, f"'{principal.id}' is registered as {role}, and {role} may not "
                                            f"{DOING[action]}: only {_who(ACTIONS[action])} may ({action})",
               request_ref=request_ref)
    refuse(settings, principal, action, f"'{principal.id}' acts for {principal.agency}: a requesting agency's "
                                        f"people {DOING[action]} of their own agency only ({action})",
           request_ref=request_ref)


def refuse(settings: Settings, principal: Principal, action: str, message: str, *,
           request_ref: str | None = None) -> NoReturn:
    """Record an ``access.denied`` entry for ``principal`` trying ``action``, and raise
    :class:`PermissionDenied` with ``message``: for a refusal the roles table alone cannot decide
    (someone else's upload), recorded as every other refusal is."""
    denied = catalogue.AccessDenied(action=action, role=principal.role, method=principal.method,
                                    agency=principal.agency)
    with transaction(settings) as conn:
        record(conn, settings, [Event(denied, principal.id, request_ref=request_ref)], now())
    raise PermissionDenied(message)
