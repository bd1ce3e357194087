"""Screenshots of the staff console's main pages, on the demo's synthetic data, at 1280x800.

    .venv/bin/python scripts/console_screenshots.py [OUT_DIR]     # default docs/screenshots

Builds a throw-away data directory: runs the demo (a disclosed and delivered request), submits a
second synthetic request that waits for review (flagged, under dual control) and gives it a first
approval, records an incident, has a witness cosign the log, sets up sign-in for three people, then
serves the console on loopback and photographs it with Debian's Chromium (no browser is downloaded).
"""

from __future__ import annotations

import json
import socket
import sys
import tempfile
import threading
import time
from pathlib import Path

import pyotp
import uvicorn
from playwright.sync_api import sync_playwright

from ftigate import generator
from ftigate.demo import OFFICERS, run_demo
from ftigate.formats import REQUEST_FORMAT
from ftigate.service.admin import local_accounts, staff
from ftigate.service.log import ledger, witness
from ftigate.service.oversight import incidents
from ftigate.service.requests import review
from ftigate.service.requests.signing import sign_request_file
from ftigate.service.requests.submit import submit_request_file
from ftigate.service.store_access import now
from ftigate.settings import ConsoleSettings, Settings
from ftigate.web.app import create_app

PASSWORD = "synthetic demo password"
VIEWPORT = {"width": 1280, "height": 800}
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def _second_request(settings: Settings, master: Path, subjects: int) -> str:
    demo = settings.data_dir / "demo"
    folder = demo / "awaiting"
    folder.mkdir(exist_ok=True)
    generator.generate_request(master, folder / "subjects.csv", subjects, seed=99)
    today = now().date()
    request = {
        "format": REQUEST_FORMAT, "request_id": f"DEMO-{today:%Y}-000777", "agency": "DEMO-ENF",
        "official": "demo-director", "signed_on": today.isoformat(),
        "investigation": {"reference": "DEMO-CI-0777", "statute": "8 U.S.C. 1253(a)(1)",
                          "authority": "8 U.S.C. 1357(a)", "kind": "criminal"},
        "taxable_periods": [today.year - 2, today.year - 1],
        "reason": "Each subject is under criminal investigation for willful failure to depart after a final "
                  "order of removal; the last known address is relevant to locating the subject.",
        "information": ["taxpayer_identity"], "recipients": list(OFFICERS[:2]), "subjects_file": "subjects.csv",
    }
    path = folder / "request.json"
    path.write_text(json.dumps(request, indent=1), encoding="utf-8")
    sign_request_file(path, demo / "keys" / "demo-director.key")
    return submit_request_file(settings, path).ref


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=Path(tmp) / "data", console=ConsoleSettings(secure_cookies=False))
        print("running the demo (synthetic data)")
        done = run_demo(settings, people=20_000, subjects=1_500, seed=2025)
        waiting = _second_request(settings, settings.data_dir / "demo" / "master-20000-2025.parquet", 2_400)
        review.review(settings, waiting, "demo-disclosure-officer", "approve",
                      "Flags reviewed against the case file; each subject is named in the investigation.")
        staff.add_staff(settings, "oig-1", "Demo Overseer (synthetic)", "overseer")
        first_entry = next(i for i in range(ledger.tree_size(settings)) if ledger.entry(settings, i).to_json()["kind"] == "disclosures.made")
        incidents.record_incident(settings, kind="wrong_person", description="Synthetic: a recipient reported a mismatch.",
                                  recorded_by="demo-supervisor", entries=[first_entry])
        codes = {}
        for who in ("demo-disclosure-officer", "demo-supervisor", "oig-1"):
            local_accounts.set_password(settings, who, PASSWORD)
            codes[who] = local_accounts.set_up_totp(settings, who).secret

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        server = uvicorn.Server(uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning"))
        threading.Thread(target=server.run, daemon=True).start()
        while not server.started:
            time.sleep(0.05)
        base = f"http://127.0.0.1:{port}"
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)

            def signed_in(who: str):
                page = browser.new_context(viewport=VIEWPORT).new_page()
                page.goto(base + "/console/sign-in")
                page.get_by_label("Staff id").fill(who)
                page.get_by_label("Password").fill(PASSWORD)
                page.get_by_label("Code from your authenticator app").fill(pyotp.TOTP(codes[who]).now())
                page.get_by_role("button", name="Sign in").click()
                page.wait_for_load_state()
                return page

            page = browser.new_context(viewport=VIEWPORT).new_page()
            page.goto(base + "/console/sign-in")
            page.screenshot(path=out / "sign-in.png")
            supervisor = signed_in("demo-supervisor")
            supervisor.screenshot(path=out / "queue.png")
            supervisor.goto(f"{base}/console/requests/{waiting}/review")
            supervisor.screenshot(path=out / "review.png")
            supervisor.goto(f"{base}/console/requests/{waiting}/review?outcome=invalid#subjects")
            supervisor.screenshot(path=out / "review-subjects.png")
            supervisor.goto(f"{base}/console/requests/{done.ref}")
            supervisor.screenshot(path=out / "request.png")
            supervisor.goto(f"{base}/console/requests/{done.ref}?outcome=match#subjects")
            supervisor.locator("#subjects ~ table tbody a").first.click()
            supervisor.screenshot(path=out / "evidence.png")

            overseer = signed_in("oig-1")
            # an overseer's witness cosigns the log as it is now, on their own machine
            state = Path(tmp) / "witness"
            witness_vkey = witness.init(state, "oversight.example/witness", [ledger.verifier_key(settings)])
            cosignature = witness.submit(state, ledger.witness_request(settings, 0))
            ledger.add_cosignatures(settings, cosignature, [witness_vkey])
            overseer.goto(base + "/console/oversight")
            overseer.screenshot(path=out / "oversight.png", full_page=True)
            browser.close()
        server.should_exit = True
    print(f"screenshots in {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("docs/screenshots"))
