"""Signing in to the console: argon2 passwords, TOTP codes used once, sessions that end, CSRF on
every form, and each sign-in and refusal in the ledger without the secrets."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient
from tests.web.console.conftest import PASSWORD, make_console

from ftigate.service.log import ledger
from ftigate.service.store_access import transaction
from ftigate.store import credential_store
from ftigate.web.app import create_app


def _ledger(settings, kind=None):
    entries = [ledger.entry(settings, i).to_json() for i in range(ledger.tree_size(settings))]
    return [e for e in entries if kind is None or e["kind"] == kind]


def test_an_unauthenticated_visit_to_the_root_leads_to_the_sign_in_page(console):
    http = console.client()
    first = http.get("/")
    assert first.status_code == 303 and first.headers["location"] == "/console/"
    second = http.get("/console/")
    assert second.status_code == 303 and second.headers["location"] == "/console/sign-in"
    page = http.get("/console/sign-in")
    assert page.status_code == 200 and '<label for="password">' in page.text
    assert http.get("/console/requests").headers["location"].startswith("/console/sign-in?next=")


def test_signing_in_sets_a_strict_http_only_cookie_and_is_recorded_without_secrets(console):
    http = console.client()
    response = console.sign_in(http, "do-1")
    assert response.status_code == 303 and response.headers["location"] == "/console/queue"
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie.replace("Strict", "strict")
    assert http.get("/console/requests").status_code == 200
    signed = _ledger(console.settings, "console.signed_in")
    assert [e["actor"] for e in signed] == ["do-1"]
    text = json.dumps(_ledger(console.settings))
    assert PASSWORD not in text and console.secrets["do-1"] not in text


def test_cookies_are_secure_unless_configured_otherwise(data_dir, world):
    secure = make_console(data_dir, world, secure_cookies=True)
    assert "Secure" not in make_console(data_dir / "plain").client().get("/console/sign-in").headers["set-cookie"]
    http = secure.client("https://testserver")
    response = secure.sign_in(http, "ig-1")
    assert response.status_code == 303 and "Secure" in response.headers["set-cookie"]


def _attempt(http, **fields):
    """Post the sign-in form as a browser would: with the token of the form it was shown last."""
    form = http.get("/console/sign-in")
    csrf = form.text.split('name="csrf" value="')[1].split('"')[0]
    return http.post("/console/sign-in", data={**fields, "csrf": csrf})


def test_a_wrong_password_or_code_is_refused_and_recorded(console):
    http = console.client()
    wrong = _attempt(http, staff="do-1", password="not the password!", code=console.code("do-1"))
    assert wrong.status_code == 401 and "sign-in refused" in wrong.text
    assert _attempt(http, staff="do-1", password=PASSWORD, code="000000").status_code == 401
    assert _attempt(http, staff="Quentin Synthetica", password=PASSWORD, code="123456").status_code == 401
    failed = _ledger(console.settings, "console.sign_in_failed")
    assert [(e["actor"], e["why"]) for e in failed] == [("do-1", "password"), ("do-1", "code"), ("unknown", "unknown")]
    assert "Quentin" not in json.dumps(_ledger(console.settings))
    assert http.get("/console/requests").status_code == 303


def test_a_code_is_accepted_once(console):
    # the very code that was accepted, sent again: a code computed anew could fall in the next
    # 30-second step if the clock crossed into it between the two sign-ins, and be rightly accepted
    first, second = console.client(), console.client()
    code = console.code("sup-1")
    assert console.sign_in(first, "sup-1", code=code).status_code == 303
    replay = console.sign_in(second, "sup-1", code=code)
    assert replay.status_code == 401
    assert _ledger(console.settings, "console.sign_in_failed")[-1]["why"] == "replayed"


def test_repeated_failures_lock_the_account(data_dir, world):
    locked = make_console(data_dir, world, max_failed_sign_ins=3)
    http = locked.client()
    for _ in range(3):
        assert _attempt(http, staff="do-2", password="wrong password!!", code="1").status_code == 401
    assert locked.sign_in(http, "do-2").status_code == 401
    assert _ledger(locked.settings, "console.sign_in_failed")[-1]["why"] == "locked"


def test_guesses_of_unknown_ids_from_one_address_are_throttled(data_dir, world):
    throttling = make_console(data_dir, world, max_failed_per_client=2)
    guesser = throttling.client()
    for guess in ("nobody-1", "nobody-2"):
        assert _attempt(guesser, staff=guess, password="wrong password!!", code="1").status_code == 401
    slowed = throttling.sign_in(guesser, "do-2")  # even the right credentials: this address is not heard
    assert slowed.status_code == 429 and "too many failed sign-ins from this address" in slowed.text
    assert _ledger(throttling.settings, "console.sign_in_failed")[-1]["why"] == "throttled"
    elsewhere = TestClient(create_app(throttling.settings), follow_redirects=False, client=("198.51.100.4", 5000))
    assert throttling.sign_in(elsewhere, "do-2").status_code == 303


def test_the_sign_in_form_needs_its_csrf_token(console):
    http = console.client()
    http.get("/console/sign-in")
    response = http.post("/console/sign-in", data={"staff": "do-1", "password": PASSWORD,
                                                   "code": console.code("do-1"), "csrf": "forged"})
    assert response.status_code == 403
    assert not _ledger(console.settings, "console.signed_in")


def test_signing_out_ends_the_session_and_needs_the_form_token(console):
    http = console.client()
    console.sign_in(http, "ig-1")
    assert http.post("/console/sign-out", data={"csrf": "forged"}).status_code == 403
    page = http.get("/console/requests")
    csrf = page.text.split('name="csrf" value="')[1].split('"')[0]
    assert http.post("/console/sign-out", data={"csrf": csrf}).status_code == 303
    assert http.get("/console/requests").status_code == 303
    assert [e["actor"] for e in _ledger(console.settings, "console.signed_out")] == ["ig-1"]


def test_a_session_expires(data_dir, world):
    short = make_console(data_dir, world, session_minutes=0)
    http = short.client()
    assert short.sign_in(http, "do-1").status_code == 303
    assert http.get("/console/requests").status_code == 303


def test_a_new_password_ends_open_sessions_and_only_a_hash_is_kept(console):
    from ftigate.service.admin import local_accounts

    http = console.client()
    console.sign_in(http, "do-1")
    local_accounts.set_password(console.settings, "do-1", "another long password")
    assert http.get("/console/requests").status_code == 303
    with transaction(console.settings) as conn:
        row = credential_store.credentials(conn, "do-1")
    assert row["password_hash"].startswith("$argon2id$") and "another" not in row["password_hash"]


def test_staff_password_and_totp_commands(cli, world, monkeypatch):
    import io

    import pyotp

    assert cli("registry", "load", world.registry_path, as_="admin-0").exit_code == 0
    assert cli("staff", "add", "do-9", "--name", "Synthetic Officer", "--role", "disclosure_officer", as_="admin-0").exit_code == 0
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    refused = cli("staff", "password", "do-9", "--stdin")
    assert refused.exit_code != 0 and "password" in refused.stderr and "short" not in refused.stderr
    monkeypatch.setattr("sys.stdin", io.StringIO("a long enough password\n"))
    assert cli("staff", "password", "do-9", "--stdin").exit_code == 0
    shown = cli("staff", "totp", "do-9")
    assert shown.exit_code == 0 and shown.stdout.startswith("otpauth://totp/")
    assert pyotp.parse_uri(shown.stdout.strip()).secret in shown.stderr
    assert cli("staff", "totp", "nobody").exit_code != 0
