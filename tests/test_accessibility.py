"""Accessibility in a real browser: axe-core finds nothing, the skip link works, focus is visible."""
from __future__ import annotations

import pytest

from conftest import REPO
from test_reading_browser import base  # noqa: F401 (fixture: the served site)
from test_render import ONLY, SLUG

AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
PAGES = ["", "en/", "fr/", f"en/{SLUG}/", f"fr/{SLUG}/", f"en/{SLUG}/parallel.html", f"fr/{SLUG}/parallel.html",
         "en/section/china-society/", "fr/section/world-europe/", f"en/{ONLY}/", "404.html"]


@pytest.fixture
def context(browser):
    """A fresh context; the CSP is bypassed only so axe can be injected."""
    contexts = []

    def make(**options):
        contexts.append(browser.new_context(bypass_csp=True, locale="en-US", **options))
        return contexts[-1]

    yield make
    for made in contexts:
        made.close()


def violations(page) -> list[str]:
    """axe-core's violations on the page as it is now: rule, impact and where."""
    page.add_script_tag(path=str(AXE))
    found = page.evaluate("axe.run().then(r => r.violations.map(v => [v.id, v.impact, v.nodes.map(n => n.target)]))")
    return [f"{rule} ({impact}): {targets}" for rule, impact, targets in found]


def open_without_redirect(context, url: str):
    """Open a page; the home page's language redirect is stubbed so the home page itself is scanned."""
    page = context.new_page()
    if url.endswith("/news/"):
        page.route("**/diglot.js", lambda route: route.fulfill(body="", content_type="text/javascript"))
    page.goto(url)
    return page


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", PAGES)
def test_axe_finds_no_violations(base, context, path, scheme):
    page = open_without_redirect(context(color_scheme=scheme, viewport={"width": 1280, "height": 800}), base + path)
    assert violations(page) == []


def test_axe_finds_no_violations_with_a_peek_open_on_a_phone(base, context):
    page = open_without_redirect(context(viewport={"width": 360, "height": 740}), f"{base}fr/{SLUG}/")
    page.locator("#s3 .peek-button").click()
    page.locator("#peek-3 p").first.wait_for()
    assert violations(page) == []


def test_skip_link_is_the_first_stop_and_jumps_to_the_content(base, context):
    page = open_without_redirect(context(viewport={"width": 1280, "height": 800}), f"{base}fr/{SLUG}/")
    page.keyboard.press("Tab")
    skip = page.evaluate("[document.activeElement.className, document.activeElement.textContent, "
                         "document.activeElement.getBoundingClientRect().top]")
    assert skip[:2] == ["skip-link", "Aller au contenu"] and skip[2] >= 0  # shown on screen when focused
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_keyboard_focus_is_visible(base, context):
    page = open_without_redirect(context(viewport={"width": 1280, "height": 800}), f"{base}en/{SLUG}/")
    page.locator("#s1 .peek-button").focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")  # focus by keyboard, so :focus-visible applies
    style = page.evaluate("(e => [getComputedStyle(e).outlineStyle, getComputedStyle(e).outlineWidth])"
                          "(document.activeElement)")
    assert style == ["solid", "3px"]
