"""Headless Chromium for browser tests: skip without it, or fail when it is required.

conftest.py imports the `browser` fixture, so every test module shares one Chromium.
Set DIGLOT_REQUIRE_BROWSER=1 (CI) to turn a missing Chromium into a failure.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def require_browser() -> None:
    """Skip the calling test when Chromium is missing, unless DIGLOT_REQUIRE_BROWSER=1."""
    if CHROMIUM.exists():
        return
    message = f"headless Chromium not found at {CHROMIUM}"
    if os.environ.get("DIGLOT_REQUIRE_BROWSER") == "1":
        pytest.fail(message + " and DIGLOT_REQUIRE_BROWSER=1: install the chromium package")
    pytest.skip(message)


def launch_chromium(playwright):
    """Launch the system's headless Chromium (never a downloaded one) through Playwright."""
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium per test module, stopped at its end.

    Playwright's sync API runs an event loop on the main thread while it is open; closing it
    after each module leaves other modules (the dev-server tests use asyncio) a free loop.
    """
    require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()
