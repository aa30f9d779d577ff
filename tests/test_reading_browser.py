"""Reading in a real browser: keep-place toggles, the side-by-side view, peek, sub-path deployment,
weight, measure, phone, zoom, dark mode and print."""
from __future__ import annotations


import pytest

from screenshots import serve_site
from test_render import ONLY, SLUG, site_with_english_only

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 360, "height": 740}


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    """The two-article site served under /news/ on 127.0.0.1; yields its URL."""
    site = site_with_english_only(tmp_path_factory.mktemp("reading") / "project") / "site"
    with serve_site(site, "/news/") as url:
        yield url


@pytest.fixture
def open_page(browser):
    """Open pages in a fresh context; fails the test on any console error or page error."""
    contexts, errors = [], []

    def opener(url: str, viewport=DESKTOP, **options):
        context = browser.new_context(viewport=viewport, locale="en-US", **options)
        contexts.append(context)
        page = context.new_page()
        page.on("console", lambda message: message.type == "error" and errors.append(message.text))
        page.on("pageerror", lambda error: errors.append(str(error)))
        if url:
            page.goto(url)
        return page

    yield opener
    for context in contexts:
        context.close()
    assert not errors, errors


def segment_top(page, n: int) -> float:
    """Where segment n's first block is, relative to the top of what the reader sees: the bottom
    of the sticky toggle bar (0 when the block starts right there)."""
    return page.evaluate(f"""document.getElementById('s{n}').getBoundingClientRect().top
        - document.querySelector('.language-toggle').getBoundingClientRect().bottom""")


def scroll_to_segment(page, n: int) -> None:
    """Scroll as a reader would until segment n is the first paragraph below the toggle bar."""
    page.evaluate(f"document.getElementById('s{n}').scrollIntoView()")  # honours the bar's scroll margin


def follow(page, selector: str) -> None:
    """Click a link and wait for the page it opens."""
    with page.expect_navigation():
        page.click(selector)
    page.wait_for_load_state("load")


def test_toggle_opens_the_translation_at_the_same_paragraph(base, open_page):
    page = open_page(f"{base}en/{SLUG}/")
    scroll_to_segment(page, 5)
    follow(page, "a.toggle")
    assert page.url == f"{base}fr/{SLUG}/#s5"
    assert 0 <= segment_top(page, 5) < 24
    assert page.inner_text("#s5").startswith("Les autorités de sécurité nationale rappellent")


def test_parallel_view_keeps_the_place_both_ways(base, open_page):
    page = open_page(f"{base}en/{SLUG}/")
    scroll_to_segment(page, 5)
    follow(page, "a.view-link")
    assert page.url == f"{base}en/{SLUG}/parallel.html#s5" and 0 <= segment_top(page, 5) < 24
    scroll_to_segment(page, 6)
    follow(page, "a.toggle")
    assert page.url == f"{base}fr/{SLUG}/parallel.html#s6" and 0 <= segment_top(page, 6) < 24
    scroll_to_segment(page, 3)  # the last rows cannot reach the top of a tall window: go back up
    follow(page, "a.view-link")
    assert page.url == f"{base}fr/{SLUG}/#s3" and 0 <= segment_top(page, 3) < 24


def test_parallel_segments_sit_level_on_desktop_and_interleave_on_a_phone(base, open_page):
    url = f"{base}fr/{SLUG}/parallel.html"
    rows = """[...document.querySelectorAll('.pair')].map(p => {
        const [a, b] = [p.querySelector('.mine'), p.querySelector('.theirs')].map(h => h.getBoundingClientRect());
        return [a.top, a.bottom, a.left, b.top, b.left];
      })"""
    for mine_top, _, mine_left, their_top, their_left in open_page(url).evaluate(rows):
        assert abs(mine_top - their_top) < 1 and mine_left < their_left  # French first, level with English
    phone = open_page(url, PHONE)
    for mine_top, mine_bottom, mine_left, their_top, their_left in phone.evaluate(rows):
        assert their_top >= mine_bottom and abs(mine_left - their_left) < 20
    backgrounds = phone.evaluate("""[...document.querySelectorAll('#s2 .half')]
        .map(h => getComputedStyle(h).backgroundColor)""")
    assert backgrounds[0] != backgrounds[1]  # the translation is set apart


def test_peek_shows_one_paragraph_translation_on_demand(base, open_page):
    page = open_page("")
    fetched = []
    page.on("request", lambda request: fetched.append(request.url))
    page.goto(f"{base}en/{SLUG}/")
    assert "Les autorités" not in page.content()  # the translation is not embedded
    assert not [u for u in fetched if "/fr/" in u]
    button = page.locator("#s5 .peek-button")
    button.focus()
    page.keyboard.press("Enter")
    peek = page.locator("#peek-5")
    peek.locator("p").first.wait_for()
    assert peek.get_attribute("lang") == "fr" and button.get_attribute("aria-expanded") == "true"
    assert peek.inner_text().startswith("Les autorités de sécurité nationale rappellent")
    assert page.evaluate("document.getElementById('s5').nextElementSibling.id") == "peek-5"
    page.keyboard.press("Enter")
    assert not peek.is_visible() and button.get_attribute("aria-expanded") == "false"
    page.locator("#s2 .peek-button").click()
    page.locator("#peek-2 p").first.wait_for()
    assert len([u for u in fetched if u.endswith(f"/fr/{SLUG}/")]) == 1  # fetched once, then cached


def test_click_through_a_site_deployed_under_a_sub_path(base, open_page):
    page = open_page(base)
    page.wait_for_url(f"{base}en/")  # the home page sends an English browser to English
    follow(page, f"a[href='../en/{SLUG}/']")
    assert page.url == f"{base}en/{SLUG}/"
    follow(page, "a.toggle")
    assert page.url == f"{base}fr/{SLUG}/" and page.locator("html").get_attribute("lang") == "fr"
    follow(page, "a.view-link")
    assert page.url == f"{base}fr/{SLUG}/parallel.html"
    assert page.locator(".pair").count() == 8
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") != "rgba(0, 0, 0, 0)"  # CSS loaded
    page.focus(".search-input")  # search from two levels down the sub-path: scripts and index load from /news/
    page.keyboard.type("espionnage")
    page.wait_for_selector(".search-results a")
    follow(page, ".search-results a")
    assert page.url == f"{base}fr/{SLUG}/"


def test_article_page_weighs_at_most_30_kb_with_what_it_loads(base, open_page):
    page = open_page("")
    sizes = {}
    page.on("response", lambda r: r.request.resource_type in ("document", "stylesheet", "script")
            and sizes.__setitem__(r.url, len(r.body())))
    page.goto(f"{base}en/{SLUG}/")
    page.wait_for_load_state("networkidle")
    assert any(u.endswith(".css") for u in sizes) and any(u.endswith(".js") for u in sizes), sizes
    assert sum(sizes.values()) <= 30 * 1024, sizes
    blocking = page.evaluate("[...document.scripts].filter(s => !s.defer && !s.async).length")
    assert blocking == 0


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_body_text_runs_60_to_75_characters_a_line(base, open_page, lang):
    page = open_page(f"{base}{lang}/{SLUG}/")
    per_line = page.evaluate("""() => {
      // every character of the paragraph's text, whatever element holds it (its sentences' spans),
      // but not the peek button's label
      const walk = document.createTreeWalker(document.querySelector('#s2'), NodeFilter.SHOW_TEXT,
        { acceptNode: n => n.parentElement.closest('button') ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT });
      const range = document.createRange(), lines = new Map();
      for (let text = walk.nextNode(); text; text = walk.nextNode()) {
        for (let i = 0; i < text.length; i++) {
          range.setStart(text, i); range.setEnd(text, i + 1);
          const box = range.getBoundingClientRect();
          if (!box.width) { continue; }  // a space where a line wraps takes no room on either line
          const top = Math.round(box.top);
          lines.set(top, (lines.get(top) || 0) + 1);
        }
      }
      if (lines.size < 3) { return NaN; }  // two lines or fewer: no full line to measure
      const full = [...lines.values()].slice(0, -1);  // the last line is short by nature
      return full.reduce((a, b) => a + b, 0) / full.length;
    }""")
    assert 60 <= per_line <= 75, per_line


@pytest.mark.parametrize("path", ["en/", f"fr/{SLUG}/", f"en/{SLUG}/parallel.html", f"fr/{SLUG}/parallel.html"])
@pytest.mark.parametrize("viewport", [PHONE, {"width": 640, "height": 400}], ids=["phone-360", "zoom-200"])
def test_no_horizontal_scroll_on_a_phone_or_at_200_percent(base, open_page, path, viewport):
    page = open_page(f"{base}{path}", viewport)
    assert page.evaluate("document.scrollingElement.scrollWidth <= innerWidth")


def test_dark_mode_follows_the_system(base, open_page):
    from test_accessibility import CONTRAST
    # Mean of the background's R, G and B: dark is dark, light is light, whatever the exact shade.
    level = "getComputedStyle(document.body).backgroundColor.match(/\\d+/g).slice(0, 3).reduce((a, b) => a + +b, 0) / 3"
    light = open_page(f"{base}en/{SLUG}/", color_scheme="light")
    dark = open_page(f"{base}en/{SLUG}/", color_scheme="dark")
    assert dark.evaluate(level) < 64 < 192 < light.evaluate(level)
    colours = "[getComputedStyle(document.querySelector('#s2')).color, getComputedStyle(document.body).backgroundColor]"
    text, background = dark.evaluate(colours)
    assert dark.evaluate(f"({CONTRAST})('{text}', '{background}')") >= 7  # and the text still reads


def test_print_shows_the_article_alone_and_the_parallel_view_in_two_columns(base, open_page):
    page = open_page(f"{base}fr/{SLUG}/", {"width": 640, "height": 900})
    page.emulate_media(media="print")
    # [how many match, how many of them print]: an empty match would prove nothing.
    printed = "s => [...document.querySelectorAll(s)].map(e => getComputedStyle(e).display !== 'none')"
    for selector in (".site-header", ".site-footer", ".language-toggle", ".peek-button", ".skip-link"):
        shown = page.evaluate(f"({printed})('{selector}')")
        assert shown and not any(shown), (selector, shown)
    assert page.locator("#s5").is_visible()
    parallel = open_page(f"{base}fr/{SLUG}/parallel.html", {"width": 640, "height": 900})
    parallel.emulate_media(media="print")
    mine, theirs = (parallel.locator(f"#s3 .{side}").bounding_box() for side in ("mine", "theirs"))
    assert abs(mine["y"] - theirs["y"]) < 1 and mine["x"] < theirs["x"]


def test_missing_translation_toggle_explains_itself(base, open_page):
    page = open_page(f"{base}en/{ONLY}/")
    toggle = page.locator(".toggle")
    assert toggle.get_attribute("aria-disabled") == "true"
    assert page.locator("#toggle-note").inner_text() == "This article has no French translation yet."
    assert page.locator(".peek-button").count() == 0
