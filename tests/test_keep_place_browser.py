"""README promises of reading, in Chromium: the toggle keeps the paragraph on a phone, the home page
remembers the reader's language, #sN lands near a segment this side lacks, a toggle from the very
top opens the top, and the peek says when its translation cannot be loaded."""
from __future__ import annotations

import pytest

from conftest import make_project
from diglot.build.pipeline import Options, build
from screenshots import serve_site
from test_reading_browser import (base, follow, open_page, scroll_to_segment,  # noqa: F401 (fixtures)
                                  segment_top)
from test_render import SLUG

# Segment 4 is English only (1-0), segment 5 French only (0-1): 8 paragraphs a side in 9 segments.
UNEVEN = "1-1 1-1 1-1 1-0 0-1 1-1 1-1 1-1 1-1"


@pytest.fixture(scope="module")
def uneven(tmp_path_factory):
    """The seed pair with an alignment override that leaves a segment without a counterpart on
    each side, served under /news/; yields its URL."""
    project = make_project(tmp_path_factory.mktemp("uneven") / "p", base_url="https://example.org/news/")
    build(Options(project=project))
    (french,) = (project / "content").glob("*.fr.md")
    french.write_text(french.read_text(encoding="utf-8").replace("---\n", f'---\nalignment: "{UNEVEN}"\n', 1),
                      encoding="utf-8")
    build(Options(project=project))
    with serve_site(project / "site", "/news/") as url:
        yield url


def bar_fits(page) -> bool:
    """The toggle bar's links all show whole inside the viewport, and nothing scrolls sideways."""
    return page.evaluate("""[...document.querySelectorAll('.language-toggle a')].every(a => {
        const box = a.getBoundingClientRect();
        return box.width > 0 && box.left >= 0 && box.right <= innerWidth; })
      && document.scrollingElement.scrollWidth <= innerWidth""")


@pytest.mark.parametrize("width", [320, 390])
@pytest.mark.parametrize("view", ["", "parallel.html"], ids=["article", "parallel"])
@pytest.mark.parametrize("lang,other", [("en", "fr"), ("fr", "en")])
def test_the_toggle_keeps_the_paragraph_on_a_phone(base, open_page, width, view, lang, other):
    page = open_page(f"{base}{lang}/{SLUG}/{view}", {"width": width, "height": 700})
    assert bar_fits(page)
    scroll_to_segment(page, 6)
    follow(page, "a.toggle")
    assert page.url == f"{base}{other}/{SLUG}/{view}#s6"
    assert 0 <= segment_top(page, 6) < 24  # the paragraph is right under the bar, not hidden by it
    assert bar_fits(page)


def test_a_toggle_from_the_very_top_opens_the_top_of_the_translation(base, open_page):
    page = open_page(f"{base}en/{SLUG}/")
    follow(page, "a.toggle")
    assert page.url == f"{base}fr/{SLUG}/" and page.evaluate("scrollY") == 0


def test_the_home_page_remembers_the_readers_choice(base, open_page):
    page = open_page(f"{base}fr/")  # an English browser that chose to read French
    page.goto(base)
    page.wait_for_url(f"{base}fr/")
    page.goto(f"{base}en/{SLUG}/")  # reading English later changes the choice
    page.goto(base)
    page.wait_for_url(f"{base}en/")


@pytest.mark.parametrize("lang,asked,landed", [("en", 5, 4), ("fr", 4, 3)])
def test_a_segment_this_side_lacks_lands_on_the_one_before(uneven, open_page, lang, asked, landed):
    page = open_page(f"{uneven}{lang}/{SLUG}/")
    assert page.locator(f"#s{asked}").count() == 0 and page.locator(f"#s{landed}").count() == 1
    page.goto(f"{uneven}{lang}/{SLUG}/#s{asked}")
    # Functions, not expressions: polling an expression evals it, which the pages' CSP forbids.
    page.wait_for_function(f"() => document.getElementById('s{landed}').getBoundingClientRect().top < innerHeight / 2")
    assert 0 <= segment_top(page, landed) < 24


def test_toggling_from_a_segment_the_translation_lacks_lands_beside_it(uneven, open_page):
    page = open_page(f"{uneven}en/{SLUG}/")
    scroll_to_segment(page, 4)  # English only
    follow(page, "a.toggle")
    assert page.url == f"{uneven}fr/{SLUG}/#s4"
    page.wait_for_function("() => document.getElementById('s3').getBoundingClientRect().top < innerHeight / 2")
    assert 0 <= segment_top(page, 3) < 24


def test_a_peek_that_cannot_load_says_so_and_a_later_peek_retries(browser, base):
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="en-US")
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{base}en/{SLUG}/")
    page.route(f"**/fr/{SLUG}/", lambda route: route.abort())  # the network drops
    page.locator("#s3 .peek-button").click()
    note = page.locator("#peek-3 .peek-note")
    note.wait_for()
    assert note.inner_text() == "The translation could not be loaded." and note.get_attribute("lang") == "en"
    page.unroute(f"**/fr/{SLUG}/")
    page.locator("#s4 .peek-button").click()
    page.locator("#peek-4 p").first.wait_for()
    assert page.locator("#peek-4").inner_text().startswith("Après avoir sauté dans les pièges")
    context.close()
    assert not errors, errors


def test_a_peek_says_it_is_loading_while_the_translation_comes(browser, base):
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="en-US")
    page = context.new_page()
    page.goto(f"{base}en/{SLUG}/")
    held = []
    page.route(f"**/fr/{SLUG}/", lambda route: held.append(route))  # the answer is on its way
    page.locator("#s3 .peek-button").click()
    page.wait_for_function("() => document.getElementById('peek-3') !== null")
    try:
        shown = page.evaluate("""(p => [p.getAttribute('aria-busy'), p.innerText.trim()])
            (document.getElementById('peek-3'))""")
        assert shown == ["true", "Loading the translation…"], shown
    finally:
        for route in held:
            route.continue_()
    page.locator("#peek-3 p").first.wait_for()  # once it has come: the translation, and no longer busy
    assert page.evaluate("document.getElementById('peek-3').getAttribute('aria-busy')") is None
    assert "Loading" not in page.locator("#peek-3").inner_text()
    context.close()
