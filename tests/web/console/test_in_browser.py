"""The console in a real browser (Debian's Chromium): each role signs in with a TOTP code computed
here, a flagged request is approved under dual control by two people, a batch is watched to the end,
a match's evidence is opened, each role sees only what it may, and axe-core finds no serious or
critical violation on any page."""

from __future__ import annotations

import re
import threading

import pytest
from playwright.sync_api import expect
from tests.web.console.browser import VIEWPORT, serious_violations, serving
from tests.web.console.conftest import PASSWORD, subjects

import proven
from ftigate import generator
from ftigate.service.log import ledger
from ftigate.service.requests import disclose as disclose_module
from ftigate.service.requests import review as review_service
from ftigate.service.requests.disclose import disclose
from ftigate.service.requests.submit import submit_request_file

pytestmark = pytest.mark.browser

LANDING = {"do-1": "Review queue", "sup-1": "Review queue", "admin-1": "Requests", "ig-1": "Oversight"}
REF = "DHS-ICE/ICE-2025-000017"


def sign_in(browser, base, console, staff_id, offset=0):
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    page.goto(base + "/")
    expect(page).to_have_url(re.compile(r"/console/sign-in$"))
    page.get_by_label("Staff id").fill(staff_id)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Code from your authenticator app").fill(console.code(staff_id, offset))
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(LANDING[staff_id])
    return page


@pytest.fixture
def flagged(console, world):
    return submit_request_file(console.settings, world.write(world.request(subjects=subjects(3)))).ref


def test_each_role_signs_in_and_sees_only_what_it_may(browser, console, flagged):
    with serving(console.settings) as base:
        for staff_id, forbidden in (("do-1", ["/console/oversight"]),
                                    ("sup-1", []),
                                    ("admin-1", [f"/console/requests/{flagged}/subjects/S-0001",
                                                 f"/console/requests/{flagged}/review", "/console/queue",
                                                 "/console/oversight"]),
                                    ("ig-1", [f"/console/requests/{flagged}/review", "/console/queue"])):
            page = sign_in(browser, base, console, staff_id)
            menu = page.get_by_role("navigation", name="Console")
            expect(menu.get_by_role("link", name="Oversight")).to_have_count(0 if "/console/oversight" in forbidden else 1)
            expect(menu.get_by_role("link", name="Review queue")).to_have_count(0 if "/console/queue" in forbidden else 1)
            for path in forbidden:
                response = page.goto(base + path)
                assert response.status == 403, (staff_id, path)
                expect(page.get_by_role("heading", level=1)).to_have_text("Not for your role")
            page.goto(f"{base}/console/requests/{flagged}")
            expect(page.get_by_role("heading", level=1)).to_contain_text(flagged)
            expect(page.get_by_role("link", name="S-0002")).to_have_count(0 if staff_id == "admin-1" else 1)
            page.context.close()


def test_a_flagged_request_is_approved_under_dual_control_by_two_people(browser, console, flagged):
    with serving(console.settings) as base:
        officer = sign_in(browser, base, console, "do-1")
        officer.get_by_role("link", name=flagged).click()
        expect(officer.get_by_role("heading", level=1)).to_contain_text(f"Review {flagged}")
        flag = officer.get_by_role("region", name="L6-same-reason")
        expect(flag).to_contain_text("26 U.S.C. 6103(i)(2)(B)(iv)")
        officer.get_by_label("Your reason").fill("Each subject is named in the case file; the flag is answered.")
        officer.get_by_role("button", name="Approve").click()
        expect(officer.get_by_role("status").first).to_contain_text("Your decision is recorded: approve")
        expect(officer.get_by_role("status").last).to_contain_text("must come from someone else")
        expect(officer.locator(".cards")).to_contain_text("awaiting second approval")

        supervisor = sign_in(browser, base, console, "sup-1")
        supervisor.get_by_role("link", name=flagged).click()
        expect(supervisor.get_by_role("table", name="Decisions so far")).to_contain_text("do-1")
        supervisor.get_by_label("Your reason").fill("Second approval: reviewed the flag and the figures.")
        supervisor.get_by_role("button", name="Approve").click()
        expect(supervisor.locator(".cards")).to_contain_text("approved")
        expect(supervisor.get_by_role("table", name="Decisions so far")).to_contain_text("sup-1")
        supervisor.get_by_role("link", name="The request's page").click()
        expect(supervisor.get_by_role("table", name=re.compile("Every event"))).to_contain_text("request.approved")


def test_a_batch_is_watched_to_the_end_and_a_match_s_evidence_opened(browser, console, world, monkeypatch):
    master = world.dir / "master.parquet"
    generator.generate_master(master, 1500, seed=7)
    generator.generate_request(master, world.dir / "subjects.csv", 120, seed=8)
    ref = submit_request_file(console.settings, world.write(_with_file(world))).ref
    reason = "The flags are answered by the case file."
    review_service.review(console.settings, ref, proven.as_(console.settings, "do-1"), "approve", reason)
    review_service.review(console.settings, ref, proven.as_(console.settings, "sup-1"), "approve", reason)
    with serving(console.settings) as base:
        page = sign_in(browser, base, console, "ig-1")
        page.goto(f"{base}/console/requests/{ref}")
        expect(page.locator("#progress-state")).to_have_text("approved")
        # the job is held before matching until the page has shown it running: a job that ran
        # between two of the page's polls would never be seen running
        seen_running = threading.Event()
        real_resolve = disclose_module.identity.resolve_columns

        def resolve_once_seen(*args, **kwargs):
            seen_running.wait(timeout=300)
            return real_resolve(*args, **kwargs)

        monkeypatch.setattr(disclose_module.identity, "resolve_columns", resolve_once_seen)
        worker = threading.Thread(target=disclose, args=(console.settings, ref, master),
                                  kwargs={"by": proven.discloser(console.settings)})
        worker.start()
        try:
            expect(page.locator("#progress-job")).to_contain_text("Job 1: running", timeout=60_000)
        finally:
            seen_running.set()
        expect(page.locator("#progress-text")).to_contain_text("finished", timeout=180_000)
        expect(page.locator("#progress-job")).to_contain_text("Job 1: done")
        worker.join()
        expect(page.locator("#progress-outcomes")).to_contain_text("match")
        page.reload()
        page.get_by_label("Outcome").select_option("match")
        page.get_by_role("button", name="Show").click()
        # the filtered page, not the one the button was on: its first subject may be no match
        expect(page).to_have_url(re.compile(r"[?&]outcome=match(&|#|$)"))
        page.locator("#subjects ~ table tbody a").first.click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Subject")
        expect(page.locator("main")).to_contain_text("a confident, unique match")
        expect(page.get_by_role("table").first).to_contain_text("Date of birth")
    views = [ledger.entry(console.settings, i).to_json() for i in range(ledger.tree_size(console.settings))]
    assert [e["actor"] for e in views if e["kind"] == "evidence.viewed"] == ["ig-1"]


def _with_file(world):
    request = world.request()
    del request["subjects"]
    request["subjects_file"] = "subjects.csv"
    return request


def test_no_page_has_a_serious_or_critical_accessibility_violation(browser, console, flagged):
    with serving(console.settings) as base:
        context = browser.new_context(viewport=VIEWPORT)
        page = context.new_page()
        page.goto(base + "/console/sign-in")
        found = {"sign-in": serious_violations(page)}
        page.close()
        page = sign_in(browser, base, console, "sup-1")
        for path in ("/console/queue", "/console/requests", f"/console/requests/{flagged}",
                     f"/console/requests/{flagged}/review", f"/console/requests/{flagged}/review?outcome=invalid",
                     f"/console/requests/{flagged}/subjects/S-0001", "/console/oversight",
                     "/console/oversight/report", "/console/oversight/annual?year=2025", "/console/requests/X/Y"):
            page.goto(base + path)
            found[path] = serious_violations(page)
        officer = sign_in(browser, base, console, "do-1")
        officer.goto(base + "/console/oversight")
        found["403"] = serious_violations(officer)
    assert {where: v for where, v in found.items() if v} == {}


def test_keyboard_alone_signs_in_and_skips_to_content_and_pages_print_without_menus(browser, console, flagged):
    with serving(console.settings) as base:
        page = browser.new_context(viewport=VIEWPORT).new_page()
        page.goto(base + "/")
        # the staff id field takes the focus by itself once the page is drawn: wait for it, then type
        expect(page.get_by_label("Staff id")).to_be_focused()
        page.keyboard.type("do-1")
        page.keyboard.press("Tab")
        page.keyboard.type(PASSWORD)
        page.keyboard.press("Tab")
        page.keyboard.type(console.code("do-1"))
        page.keyboard.press("Enter")
        expect(page.get_by_role("heading", level=1)).to_have_text("Review queue")
        page.keyboard.press("Tab")
        expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
        page.keyboard.press("Enter")
        expect(page).to_have_url(re.compile(r"#main$"))
        page.goto(f"{base}/console/requests/{flagged}/review")
        page.emulate_media(media="print")
        expect(page.get_by_role("navigation", name="Console")).to_be_hidden()
        expect(page.get_by_role("button", name="Approve")).to_be_hidden()
        expect(page.get_by_role("region", name="L6-same-reason")).to_be_visible()
