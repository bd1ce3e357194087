"""The console served on loopback and driven by Debian's Chromium through Playwright.

No browser is downloaded: Playwright launches ``/usr/bin/chromium`` (``apt-get install chromium``).
Every test here is marked ``browser``; ``-m 'not browser'`` leaves them out of a fast loop.
"""

from __future__ import annotations

import os
import shutil

import pytest
from tests.loopback import serving

__all__ = ["CHROMIUM_ARGS", "VIEWPORT", "chromium_or_skip", "serious_violations", "serving"]

CHROMIUM = os.environ.get("FTIGATE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
VIEWPORT = {"width": 1280, "height": 800}


def chromium_or_skip() -> str:
    if shutil.which(CHROMIUM) is None:
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is not installed (apt-get install -y chromium); CI needs it")
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install -y chromium)")
    return CHROMIUM


def serious_violations(page) -> list[str]:
    """axe-core's serious and critical violations on the page as it is now (axe bundled offline)."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
            for v in results.response["violations"] if v.get("impact") in ("serious", "critical")]
