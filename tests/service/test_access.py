"""API tokens and the roles of the HTTP API's reads: tokens kept as digests only, refused alike when
unknown, malformed or revoked, and every issue and revocation in the ledger without the token."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest

from ftigate.errors import InputError, NotAuthenticated, NotFoundError, PermissionDenied
from ftigate.service.admin import access, staff
from ftigate.service.log import ledger
from ftigate.service.store_access import transaction
from ftigate.settings import Settings
from ftigate.store import token_store


@pytest.fixture
def gateway(data_dir) -> Settings:
    s = Settings(data_dir=data_dir)
    staff.add_staff(s, "do-1", "Synthetic Officer", "disclosure_officer")
    staff.add_staff(s, "admin-1", "Synthetic Admin", "administrator")
    return s


def _entries(gateway: Settings, kind: str) -> list[dict]:
    return [e for e in (ledger.entry(gateway, i).to_json() for i in range(ledger.tree_size(gateway))) if e["kind"] == kind]


def test_a_token_is_issued_once_and_kept_only_as_its_digest(gateway):
    issued = access.issue_token(gateway, "do-1", label="desk")
    assert issued.token.startswith(access.TOKEN_PREFIX) and len(issued.token) > 40
    digest = hashlib.sha256(issued.token.encode()).hexdigest()
    with transaction(gateway) as conn:
        [row] = token_store.tokens_of(conn, "do-1")
    assert row["digest"] == digest and row["label"] == "desk" and row["revoked_at"] is None
    assert issued.token not in str(dict(row))
    assert access.authenticate(gateway, issued.token)["id"] == "do-1"
    [event] = _entries(gateway, "staff.token_issued")
    assert event["staff"] == "do-1" and event["actor"] == "administrator"
    assert event["fingerprint"] == issued.fingerprint == f"{digest[:4]}:{digest[4:8]}:{digest[8:12]}"
    assert issued.token not in str(event) and digest not in str(event) and "desk" not in str(event)
    assert access.issue_token(gateway, "do-1").token != issued.token


def test_a_fingerprint_never_looks_like_a_tin_to_the_ledger():
    # twelve hex digits in a row can be nine decimal digits in a row: grouped, they never are
    assert access.fingerprint("123456789012" + "a" * 52) == "1234:5678:9012"


@pytest.mark.parametrize("presented", [None, "", "ftg_not-a-token-anyone-was-given", "Bearer x",
                                       "ftg_" + "A" * 500])
def test_unknown_and_malformed_tokens_are_refused_alike(gateway, presented):
    access.issue_token(gateway, "do-1")
    with pytest.raises(NotAuthenticated) as caught:
        access.authenticate(gateway, presented)
    assert caught.value.diagnostics() == NotAuthenticated().diagnostics()


def test_revoking_ends_every_live_token_of_the_person_and_only_theirs(gateway):
    first = access.issue_token(gateway, "do-1").token
    second = access.issue_token(gateway, "do-1").token
    admin = access.issue_token(gateway, "admin-1").token
    assert access.revoke_tokens(gateway, "do-1") == 2
    for token in (first, second):
        with pytest.raises(NotAuthenticated):
            access.authenticate(gateway, token)
    assert access.authenticate(gateway, admin)["id"] == "admin-1"
    assert access.revoke_tokens(gateway, "do-1") == 0  # idempotent: nothing left, nothing recorded
    [event] = _entries(gateway, "staff.tokens_revoked")
    assert (event["staff"], event["tokens"]) == ("do-1", 2)
    fresh = access.issue_token(gateway, "do-1").token  # a revoked person may be given a new one
    assert access.authenticate(gateway, fresh)["id"] == "do-1"


def test_only_registered_staff_get_tokens(gateway):
    with pytest.raises(NotFoundError, match="nobody"):
        access.issue_token(gateway, "nobody")
    with pytest.raises(NotFoundError, match="nobody"):
        access.revoke_tokens(gateway, "nobody")
    assert _entries(gateway, "staff.token_issued") == []


@pytest.mark.parametrize("role", staff.ROLES)
def test_every_role_reads_requests_but_administrators_no_evidence(role):
    person = {"id": "p-1", "role": role}
    access.authorise(person, "requests")
    if role == "administrator":
        with pytest.raises(PermissionDenied, match="administrator"):
            access.authorise(person, "evidence")
    else:
        access.authorise(person, "evidence")


def test_a_role_change_applies_to_tokens_already_issued(gateway):
    token = access.issue_token(gateway, "do-1").token
    staff.add_staff(gateway, "do-1", "Synthetic Officer", "administrator")
    with pytest.raises(PermissionDenied):
        access.authorise(access.authenticate(gateway, token), "evidence")


def test_a_token_works_for_the_days_it_was_issued_for_and_not_after(gateway, monkeypatch):
    issued = access.issue_token(gateway, "do-1", days=1)
    assert issued.expires_at - issued.issued_at == dt.timedelta(days=1)
    assert _entries(gateway, "staff.token_issued")[-1]["expires"] == issued.expires_at.date().isoformat()
    assert access.authenticate(gateway, issued.token)["id"] == "do-1"
    monkeypatch.setattr(access, "now", lambda: issued.expires_at + dt.timedelta(seconds=1))
    with pytest.raises(NotAuthenticated):
        access.authenticate(gateway, issued.token)


@pytest.mark.parametrize("days", [0, -5, access.MAX_TOKEN_DAYS + 1])
def test_a_token_is_issued_for_one_day_to_a_year(gateway, days):
    with pytest.raises(InputError, match="days"):
        access.issue_token(gateway, "do-1", days=days)
