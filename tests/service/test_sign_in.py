"""Signing people in, on SQLite and on PostgreSQL: the local method's verdicts (password, code, one
use per code, lock-out), sessions that end, and the ledger's record of each attempt."""

from __future__ import annotations

import datetime as dt

import pyotp
import pytest
from hypothesis import given
from hypothesis import strategies as st

import proven
from ftigate.errors import InputError, NotAuthenticated, NotFoundError, SignInRefused
from ftigate.service.admin import local_accounts, sign_in
from ftigate.service.admin.local_accounts import LocalAccounts, _code_step
from ftigate.service.log import ledger
from ftigate.settings import ConsoleSettings, Settings

PASSWORD = "a long synthetic password"


@pytest.fixture
def people(store_url, tmp_path):
    settings = Settings(data_dir=tmp_path / "data", database_url=store_url,
                        console=ConsoleSettings(max_failed_sign_ins=2))
    proven.add_staff(settings, "do-1", "Synthetic Officer", "disclosure_officer")
    local_accounts.set_password(settings, "do-1", PASSWORD)
    secret = local_accounts.set_up_totp(settings, "do-1").secret
    return settings, secret


def _kinds(settings):
    return [ledger.entry(settings, i).to_json() for i in range(ledger.tree_size(settings))]


def test_a_session_stands_for_its_holder_until_it_ends(people):
    settings, secret = people
    session = sign_in.sign_in(settings, LocalAccounts(), {"staff": "do-1", "password": PASSWORD,
                                                          "code": pyotp.TOTP(secret).now()})
    assert session.role == "disclosure_officer"
    assert sign_in.session_holder(settings, session.token)["id"] == "do-1"
    assert sign_in.sign_out(settings, session.token) is True
    assert sign_in.sign_out(settings, session.token) is False
    with pytest.raises(NotAuthenticated):
        sign_in.session_holder(settings, session.token)
    kinds = [e["kind"] for e in _kinds(settings)]
    assert kinds[-2:] == ["console.signed_in", "console.signed_out"]


def test_refusals_count_and_lock(people):
    settings, secret = people
    for _ in range(2):
        with pytest.raises(SignInRefused):
            sign_in.sign_in(settings, LocalAccounts(), {"staff": "do-1", "password": "wrong", "code": "000000"})
    with pytest.raises(SignInRefused):
        sign_in.sign_in(settings, LocalAccounts(), {"staff": "do-1", "password": PASSWORD,
                                                    "code": pyotp.TOTP(secret).now()})
    whys = [e["why"] for e in _kinds(settings) if e["kind"] == "console.sign_in_failed"]
    assert whys == ["password", "password", "locked"]


def test_a_person_without_credentials_cannot_sign_in(people):
    settings, _ = people
    proven.add_staff(settings, "ig-1", "Synthetic Overseer", "overseer")
    with pytest.raises(SignInRefused):
        sign_in.sign_in(settings, LocalAccounts(), {"staff": "ig-1", "password": "", "code": ""})
    assert [e["why"] for e in _kinds(settings) if e["kind"] == "console.sign_in_failed"] == ["not_set_up"]
    with pytest.raises(NotFoundError):
        local_accounts.set_password(settings, "nobody", PASSWORD)
    with pytest.raises(InputError):
        local_accounts.set_password(settings, "ig-1", "short")


def test_a_code_of_the_next_or_last_step_is_accepted_and_no_other():
    secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"   # fixed, so a code three steps away cannot collide by chance in some run
    at = dt.datetime(2026, 3, 17, 12, 0, 10, tzinfo=dt.UTC)
    totp = pyotp.TOTP(secret)
    step = int(at.timestamp()) // 30
    for offset in (-1, 0, 1):
        assert _code_step(secret, totp.at((step + offset) * 30), at) == step + offset
    assert _code_step(secret, totp.at((step + 3) * 30), at) is None
    assert _code_step(secret, " " + totp.at(step * 30), at) is None


@given(st.text(max_size=12) | st.from_regex(r"\A[0-9]{6}\Z"))
def test_anything_typed_as_a_code_is_refused_or_names_a_nearby_step(code):
    at = dt.datetime(2026, 3, 17, 12, 0, 10, tzinfo=dt.UTC)
    step = _code_step("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", code, at)
    assert step is None or abs(step - int(at.timestamp()) // 30) <= 1
    if step is not None:
        assert len(code) == 6 and code.isdigit()


def test_failures_from_one_address_are_throttled_whatever_id_they_name(store_url, tmp_path, monkeypatch):
    """Guesses that name unknown staff ids lock no account, so the address that sends them is slowed:
    after ``max_failed_per_client`` failures within ``lock_minutes`` it is refused without a look at
    what it sends, even the right credentials; other addresses are not, and the ledger holds only a
    keyed commitment to the address."""
    from ftigate.errors import SignInThrottled

    settings = Settings(data_dir=tmp_path / "data", database_url=store_url,
                        console=ConsoleSettings(max_failed_per_client=3, lock_minutes=15))
    proven.add_staff(settings, "do-1", "Synthetic Officer", "disclosure_officer")
    local_accounts.set_password(settings, "do-1", PASSWORD)
    secret = local_accounts.set_up_totp(settings, "do-1").secret
    right = {"staff": "do-1", "password": PASSWORD}
    for guess in ("nobody-1", "nobody-2", "nobody-3"):
        with pytest.raises(SignInRefused) as refused:
            sign_in.sign_in(settings, LocalAccounts(), {"staff": guess, "password": "x", "code": "1"}, "192.0.2.7")
        assert not isinstance(refused.value, SignInThrottled)
    with pytest.raises(SignInThrottled):
        sign_in.sign_in(settings, LocalAccounts(), {**right, "code": pyotp.TOTP(secret).now()}, "192.0.2.7")
    failed = [e for e in _kinds(settings) if e["kind"] == "console.sign_in_failed"]
    assert [e["why"] for e in failed] == ["unknown", "unknown", "unknown", "throttled"]
    assert len({e["client"] for e in failed}) == 1 and all("192.0.2.7" not in str(e) for e in failed)
    # the account itself was not locked: from elsewhere its holder signs in
    session = sign_in.sign_in(settings, LocalAccounts(), {**right, "code": pyotp.TOTP(secret).now()}, "198.51.100.4")
    assert session.staff == "do-1"
    # the window passes, and the address is heard again
    later = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=16)
    monkeypatch.setattr(sign_in, "now", lambda: later)
    with pytest.raises(SignInRefused) as heard:
        sign_in.sign_in(settings, LocalAccounts(), {"staff": "nobody-4", "password": "x", "code": "1"}, "192.0.2.7")
    assert not isinstance(heard.value, SignInThrottled)
    assert _kinds(settings)[-1]["why"] == "unknown"
