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
    """A fresh context; the CSP is bypassed only so axe can be injected. Fails the test on any
    console error or uncaught exception in its pages: a page that breaks is not accessible."""
    contexts, errors = [], []

    def make(**options):
        contexts.append(browser.new_context(bypass_csp=True, locale="en-US", **options))
        contexts[-1].on("console", lambda message: message.type == "error" and errors.append(message.text))
        contexts[-1].on("weberror", lambda error: errors.append(str(error.error)))
        return contexts[-1]

    yield make
    for made in contexts:
        made.close()
    assert not errors, errors


# The relative luminance and contrast ratio of WCAG 2, of CSS colours as getComputedStyle gives them.
CONTRAST = """(a, b) => {
  const luminance = css => {
    const [r, g, b] = css.match(/[\\d.]+/g).slice(0, 3).map(v => {
      const c = Number(v) / 255;
      return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}"""


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
    assert page.evaluate("document.activeElement.matches('.peek-button')")
    style, width, colour, background = page.evaluate("""(e => {
        const s = getComputedStyle(e);
        return [s.outlineStyle, parseFloat(s.outlineWidth), s.outlineColor, getComputedStyle(document.body).backgroundColor];
      })(document.activeElement)""")
    # WCAG 2.4.13-like: a solid-enough ring at least 2 px thick, 3:1 against the page.
    assert style not in ("none", "hidden") and width >= 2, (style, width)
    assert page.evaluate(f"({CONTRAST})('{colour}', '{background}')") >= 3, (colour, background)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_body_text_contrast_is_high_in_both_schemes(base, context, scheme):
    page = open_without_redirect(context(color_scheme=scheme), f"{base}en/{SLUG}/")
    colours = page.evaluate("""[getComputedStyle(document.querySelector('#s2')).color,
                                getComputedStyle(document.body).backgroundColor]""")
    assert page.evaluate(f"({CONTRAST})('{colours[0]}', '{colours[1]}')") >= 7, colours  # WCAG AAA
