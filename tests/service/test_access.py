"""Proving who acts: API tokens kept as digests only, refused alike when unknown, malformed, expired or
revoked; agency tokens for the requesting agency's people; the first administrator registered by the
data directory's owner; a Principal only from a verified credential; every refusal in the ledger."""

from __future__ import annotations

import datetime as dt
import hashlib
import os

import pytest

import proven
from ftigate.errors import InputError, NotAuthenticated, NotFoundError, PermissionDenied
from ftigate.service.admin import access, principal, staff
from ftigate.service.admin.principal import ACTIONS, Principal, authorise
from ftigate.service.log import ledger
from ftigate.service.store_access import transaction
from ftigate.settings import Settings
from ftigate.store import token_store


@pytest.fixture
def gateway(data_dir, world) -> Settings:
    s = Settings(data_dir=data_dir)
    from ftigate.service.admin import registry as registry_service
    registry_service.load_registry_file(s, proven.admin(s), world.registry_path)
    proven.add_staff(s, "do-1", "Synthetic Officer", "disclosure_officer")
    proven.add_staff(s, "admin-1", "Synthetic Admin", "administrator")
    return s


def _entries(gateway: Settings, kind: str) -> list[dict]:
    return [e for e in (ledger.entry(gateway, i).to_json() for i in range(ledger.tree_size(gateway))) if e["kind"] == kind]


def test_a_token_is_issued_once_and_kept_only_as_its_digest(gateway):
    before = len(_entries(gateway, "staff.token_issued"))
    issued = access.issue_token(gateway, proven.admin(gateway), "admin-1", label="desk")
    assert issued.token.startswith(access.TOKEN_PREFIX) and len(issued.token) > 40
    digest = hashlib.sha256(issued.token.encode()).hexdigest()
    with transaction(gateway) as conn:
        row = token_store.tokens_of(conn, "admin-1")[-1]
    assert row["digest"] == digest and row["label"] == "desk" and row["revoked_at"] is None
    assert issued.token not in str(dict(row))
    person = access.authenticate(gateway, issued.token)
    assert (person.id, person.role, person.agency, person.method) == ("admin-1", "administrator", None, "api_token")
    events = _entries(gateway, "staff.token_issued")
    assert len(events) == before + 1
    event = events[-1]
    assert event["staff"] == "admin-1" and event["actor"] == proven.ADMIN
    assert event["fingerprint"] == issued.fingerprint == f"{digest[:4]}:{digest[4:8]}:{digest[8:12]}"
    assert issued.token not in str(event) and digest not in str(event) and "desk" not in str(event)
    assert access.issue_token(gateway, proven.admin(gateway), "admin-1").token != issued.token


def test_a_principal_is_made_only_by_verifying_a_credential():
    with pytest.raises(TypeError):
        Principal("do-1", "disclosure_officer", None, "api_token")
    with pytest.raises(TypeError):
        Principal("do-1", "disclosure_officer", None, "api_token", object())


def test_a_fingerprint_never_looks_like_a_tin_to_the_ledger():
    # twelve hex digits in a row can be nine decimal digits in a row: grouped, they never are
    assert access.fingerprint("123456789012" + "a" * 52) == "1234:5678:9012"


@pytest.mark.parametrize("presented", [None, "", "ftg_not-a-token-anyone-was-given", "Bearer x",
                                       "ftg_" + "A" * 500, "fta_not-a-token-either"])
def test_unknown_and_malformed_tokens_are_refused_alike(gateway, presented):
    access.issue_token(gateway, proven.admin(gateway), "do-1")
    with pytest.raises(NotAuthenticated) as caught:
        access.authenticate(gateway, presented)
    assert caught.value.diagnostics() == NotAuthenticated().diagnostics()


def test_revoking_ends_every_live_token_of_the_person_and_only_theirs(gateway):
    access.revoke_tokens(gateway, proven.admin(gateway), "do-1")
    first = access.issue_token(gateway, proven.admin(gateway), "do-1").token
    second = access.issue_token(gateway, proven.admin(gateway), "do-1").token
    admin = access.issue_token(gateway, proven.admin(gateway), "admin-1").token
    assert access.revoke_tokens(gateway, proven.admin(gateway), "do-1") == 2
    for token in (first, second):
        with pytest.raises(NotAuthenticated):
            access.authenticate(gateway, token)
    assert access.authenticate(gateway, admin).id == "admin-1"
    assert access.revoke_tokens(gateway, proven.admin(gateway), "do-1") == 0  # nothing left, nothing recorded
    assert [(e["staff"], e["tokens"]) for e in _entries(gateway, "staff.tokens_revoked")][-1] == ("do-1", 2)
    fresh = access.issue_token(gateway, proven.admin(gateway), "do-1").token  # a revoked person may get a new one
    assert access.authenticate(gateway, fresh).id == "do-1"


def test_only_registered_staff_get_tokens(gateway):
    before = len(_entries(gateway, "staff.token_issued"))
    with pytest.raises(NotFoundError, match="nobody"):
        access.issue_token(gateway, proven.admin(gateway), "nobody")
    with pytest.raises(NotFoundError, match="nobody"):
        access.revoke_tokens(gateway, proven.admin(gateway), "nobody")
    assert len(_entries(gateway, "staff.token_issued")) == before


def test_only_an_administrator_issues_tokens_or_registers_staff_and_a_refusal_is_recorded(gateway):
    officer = proven.as_(gateway, "do-1")
    with pytest.raises(PermissionDenied, match="a disclosure officer may not issue or revoke tokens"):
        access.issue_token(gateway, officer, "do-1")
    with pytest.raises(PermissionDenied):
        staff.add_staff(gateway, officer, "do-2", "Someone", "supervisor")
    with pytest.raises(PermissionDenied):
        access.issue_agency_token(gateway, officer, "ice-director")
    denied = _entries(gateway, "access.denied")
    assert [(e["actor"], e["action"], e["role"]) for e in denied] == [
        ("do-1", "tokens.issue", "disclosure_officer"), ("do-1", "staff.manage", "disclosure_officer"),
        ("do-1", "tokens.issue", "disclosure_officer")]
    assert {row["id"] for row in staff.list_staff(gateway)} == {proven.ADMIN, "do-1", "admin-1"}


def test_a_role_change_applies_to_tokens_already_issued(gateway):
    token = access.issue_token(gateway, proven.admin(gateway), "do-1").token
    staff.add_staff(gateway, proven.admin(gateway), "do-1", "Synthetic Officer", "administrator")
    with pytest.raises(PermissionDenied):
        authorise(gateway, access.authenticate(gateway, token), "evidence.read")


def test_a_token_works_for_the_days_it_was_issued_for_and_not_after(gateway, monkeypatch):
    issued = access.issue_token(gateway, proven.admin(gateway), "do-1", days=1)
    assert issued.expires_at - issued.issued_at == dt.timedelta(days=1)
    assert _entries(gateway, "staff.token_issued")[-1]["expires"] == issued.expires_at.date().isoformat()
    assert access.authenticate(gateway, issued.token).id == "do-1"
    monkeypatch.setattr(access, "now", lambda: issued.expires_at + dt.timedelta(seconds=1))
    with pytest.raises(NotAuthenticated):
        access.authenticate(gateway, issued.token)


@pytest.mark.parametrize("days", [0, -5, access.MAX_TOKEN_DAYS + 1])
def test_a_token_is_issued_for_one_day_to_a_year(gateway, days):
    with pytest.raises(InputError, match="days"):
        access.issue_token(gateway, proven.admin(gateway), "do-1", days=days)


def test_agency_tokens_prove_the_requesting_agency_s_people(gateway):
    issued = access.issue_agency_token(gateway, proven.admin(gateway), "ice-director", label="intake desk")
    assert issued.token.startswith(access.AGENCY_TOKEN_PREFIX)
    official = access.authenticate(gateway, issued.token)
    assert (official.id, official.role, official.agency, official.side) == (
        "ice-director", "requesting_official", "DHS-ICE", "requesting_agency")
    officer = proven.as_(gateway, "ice-ero-0001")
    assert (officer.role, officer.agency) == ("recipient_officer", "DHS-ICE")
    [event] = [e for e in _entries(gateway, "agency.token_issued") if e["holder"] == "ice-director"]
    assert (event["holder_kind"], event["agency"], event["actor"]) == ("officials", "DHS-ICE", proven.ADMIN)
    assert issued.token not in str(event) and "intake desk" not in str(event)
    with pytest.raises(NotFoundError):
        access.issue_agency_token(gateway, proven.admin(gateway), "do-1")  # staff are not agency people
    assert access.revoke_agency_tokens(gateway, proven.admin(gateway), "ice-director") == 1
    with pytest.raises(NotAuthenticated):
        access.authenticate(gateway, issued.token)


def test_the_requesting_agency_acts_only_on_its_own_things(gateway):
    officer = proven.as_(gateway, "ice-ero-0001")
    authorise(gateway, officer, "package.fetch", agency="DHS-ICE")
    with pytest.raises(PermissionDenied, match="DHS-ICE"):
        authorise(gateway, officer, "package.fetch", agency="DOL-OIG")
    with pytest.raises(PermissionDenied):
        authorise(gateway, officer, "review.decide")
    assert [e["action"] for e in _entries(gateway, "access.denied")] == ["package.fetch", "review.decide"]


@pytest.mark.parametrize("action", sorted(ACTIONS))
@pytest.mark.parametrize("role", principal.ROLES)
def test_the_table_decides_and_every_refusal_is_recorded(gateway, role, action):
    holder = {"requesting_official": "ice-director", "recipient_officer": "ice-ero-0001"}.get(role)
    if holder is None:
        holder = f"p-{role}"
        staff.add_staff(gateway, proven.admin(gateway), holder, "Synthetic Person", role)
    person = proven.as_(gateway, holder)
    before = len(_entries(gateway, "access.denied"))
    if role in ACTIONS[action]:
        authorise(gateway, person, action)
        assert len(_entries(gateway, "access.denied")) == before
    else:
        with pytest.raises(PermissionDenied):
            authorise(gateway, person, action)
        assert _entries(gateway, "access.denied")[-1]["action"] == action


def test_administrators_and_overseers_never_decide_nor_administrators_read_evidence():
    for action in ("review.decide", "withhold.load", "disclose.start", "evidence.read"):
        assert "administrator" not in ACTIONS[action]
    for action in ("review.decide", "withhold.load", "disclose.start", "registry.load", "staff.manage"):
        assert "overseer" not in ACTIONS[action]
    assert ACTIONS["requests.submit"] == ("requesting_official",)


def test_the_first_administrator_is_registered_once_by_the_data_directory_s_owner(data_dir, monkeypatch):
    s = Settings(data_dir=data_dir)
    monkeypatch.setattr(os, "getuid", lambda: os.stat(data_dir.parent).st_uid + 1)
    with pytest.raises(PermissionDenied, match="owner"):
        access.bootstrap_administrator(s, "root-1", "Synthetic Root")
    monkeypatch.undo()
    issued = access.bootstrap_administrator(s, "root-1", "Synthetic Root")
    assert access.authenticate(s, issued.token).role == "administrator"
    [registered] = _entries(s, "staff.registered")
    assert registered["actor"] == access.BOOTSTRAP_ACTOR and registered["staff"] == "root-1"
    with pytest.raises(PermissionDenied, match="already"):
        access.bootstrap_administrator(s, "root-2", "Synthetic Second")
