"""API tokens in the store, on SQLite and PostgreSQL: found by digest while live, never after revocation."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.exc import IntegrityError

from ftigate.store import requests_store, token_store
from ftigate.store.db import open_store
from ftigate.store.tables import api_tokens

NOW = dt.datetime(2025, 6, 1, tzinfo=dt.UTC)
LATER = NOW + dt.timedelta(hours=1)
EXPIRES = NOW + dt.timedelta(days=90)


def _aware(at: dt.datetime) -> dt.datetime:
    """SQLite gives back naive UTC times, PostgreSQL aware ones."""
    return at if at.tzinfo else at.replace(tzinfo=dt.UTC)


@pytest.fixture
def engine(store_url):
    engine = open_store(store_url)
    with engine.begin() as conn:
        requests_store.upsert_staff(conn, "do-1", "Synthetic Officer", "disclosure_officer", NOW)
        requests_store.upsert_staff(conn, "ig-1", "Synthetic Overseer", "overseer", NOW)
    yield engine
    engine.dispose()


def test_a_live_token_names_its_holder_and_a_revoked_one_nobody(engine):
    with engine.begin() as conn:
        token_store.insert_token(conn, "do-1", "a" * 64, "laptop", NOW, EXPIRES)
        token_store.insert_token(conn, "do-1", "b" * 64, None, NOW, EXPIRES)
        token_store.insert_token(conn, "ig-1", "c" * 64, None, NOW, EXPIRES)
    with engine.begin() as conn:
        assert token_store.live_holder(conn, "a" * 64, LATER)["role"] == "disclosure_officer"
        assert token_store.live_holder(conn, "c" * 64, LATER)["id"] == "ig-1"
        assert token_store.live_holder(conn, "d" * 64, LATER) is None
        assert token_store.revoke_all(conn, "do-1", LATER) == 2
    with engine.begin() as conn:
        assert token_store.live_holder(conn, "a" * 64, LATER) is None
        assert token_store.live_holder(conn, "b" * 64, LATER) is None
        assert token_store.live_holder(conn, "c" * 64, LATER)["id"] == "ig-1"  # someone else's is untouched
        assert token_store.revoke_all(conn, "do-1", LATER + dt.timedelta(hours=1)) == 0
        kept = token_store.tokens_of(conn, "do-1")
    assert [(t["digest"], t["label"]) for t in kept] == [("a" * 64, "laptop"), ("b" * 64, None)]
    assert all(t["revoked_at"] is not None for t in kept)  # revoked rows stay, with the first revocation's time
    assert {_aware(t["revoked_at"]) for t in kept} == {LATER}


def test_a_digest_is_stored_once_and_only_for_registered_staff(engine):
    with engine.begin() as conn:
        token_store.insert_token(conn, "do-1", "a" * 64, None, NOW, EXPIRES)
    with pytest.raises(IntegrityError), engine.begin() as conn:
        token_store.insert_token(conn, "ig-1", "a" * 64, None, NOW, EXPIRES)
    with pytest.raises(IntegrityError), engine.begin() as conn:
        token_store.insert_token(conn, "nobody", "e" * 64, None, NOW, EXPIRES)


def test_a_token_stops_working_when_it_expires_and_one_without_expiry_never_works(engine):
    with engine.begin() as conn:
        token_store.insert_token(conn, "do-1", "f" * 64, None, NOW, LATER)
        conn.execute(api_tokens.insert().values(staff="ig-1", digest="9" * 64, issued_at=NOW))  # no expiry
    with engine.begin() as conn:
        assert token_store.live_holder(conn, "f" * 64, NOW)["id"] == "do-1"
        assert token_store.live_holder(conn, "f" * 64, LATER) is None  # expiry is the first moment it fails
        assert token_store.live_holder(conn, "9" * 64, NOW) is None
