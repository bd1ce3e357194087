"""A console with one member of staff of each role, each with a password and a TOTP secret."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pyotp
import pytest
from fastapi.testclient import TestClient

import proven
from ftigate.service.admin import local_accounts
from ftigate.service.admin import registry as registry_service
from ftigate.settings import ConsoleSettings, Settings, Thresholds
from ftigate.web.app import create_app

PEOPLE = {"do-1": "disclosure_officer", "do-2": "disclosure_officer", "sup-1": "supervisor",
          "admin-1": "administrator", "ig-1": "overseer"}
PASSWORD = "correct horse battery staple"


@dataclass
class Console:
    settings: Settings
    secrets: dict[str, str]

    def client(self, base_url: str = "http://testserver") -> TestClient:
        return TestClient(create_app(self.settings), follow_redirects=False, base_url=base_url)

    def code(self, staff_id: str, offset: int = 0) -> str:
        totp = pyotp.TOTP(self.secrets[staff_id])
        return totp.at(int(__import__("time").time()) + offset * 30)

    def sign_in(self, client: TestClient, staff_id: str, offset: int = 0, code: str | None = None):
        """Sign in with the code of now (``offset`` steps on), or with ``code`` if given."""
        form = client.get("/console/sign-in")
        csrf = re.search(r'name="csrf" value="([^"]+)"', form.text).group(1)
        return client.post("/console/sign-in", data={"staff": staff_id, "password": PASSWORD,
                                                     "code": code or self.code(staff_id, offset), "csrf": csrf})


#: small enough that a request of a few subjects is flagged (one reason for all) and needs dual control
SMALL = Thresholds(dual_control_subjects=2, boilerplate_reason_min_subjects=2)


def make_console(data_dir, world=None, thresholds: Thresholds = SMALL, **console_settings) -> Console:
    settings = Settings(data_dir=data_dir, thresholds=thresholds,
                        console=ConsoleSettings(**{"secure_cookies": False, **console_settings}))
    if world is not None:
        registry_service.load_registry_file(settings, proven.admin(settings), world.registry_path)
    secrets = {}
    for staff_id, role in PEOPLE.items():
        proven.add_staff(settings, staff_id, f"Synthetic {role.replace('_', ' ')} {staff_id[-1]}", role)
        local_accounts.set_password(settings, staff_id, PASSWORD)
        secrets[staff_id] = local_accounts.set_up_totp(settings, staff_id).secret
    return Console(settings, secrets)


@pytest.fixture
def console(data_dir, world) -> Console:
    return make_console(data_dir, world)


def subjects(n: int) -> list[dict]:
    """``n`` synthetic subjects, S-0001 on, each a different person at a different address."""
    from tests.conftest import GOOD_SUBJECT

    return [{**GOOD_SUBJECT, "subject_id": f"S-{i:04d}", "first_name": ["Quentin", "Marisol", "Tobias", "Imogen"][i % 4],
             "address_line1": f"{10 + i} Example Road"} for i in range(1, n + 1)]


def form_token(page_text: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', page_text).group(1)


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, headless, for the whole session."""
    from playwright.sync_api import expect, sync_playwright
    from tests.web.console.browser import CHROMIUM_ARGS, chromium_or_skip

    path = chromium_or_skip()
    # an expectation waits until it holds; Playwright's five seconds by default can run out on a
    # loaded machine (a sign-in verifies an argon2 hash and writes the ledger) before it does
    expect.set_options(timeout=30_000)
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=path, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()
