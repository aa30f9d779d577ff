"""Sentence-level reading in Chromium, on a desktop and a phone: pointing at a sentence of the
side-by-side view highlights its translation (hover, tap, keyboard focus; announced; nothing moves),
the peek emphasises the matching sentence, the toggle lands on the sentence at the top."""
from __future__ import annotations

import pytest

from test_reading_browser import base, follow, open_page  # noqa: F401 (fixtures)
from test_render import SLUG

DESKTOP, PHONE = {"width": 1280, "height": 800}, {"width": 390, "height": 700}
HIGHLIGHTED = "[...document.querySelectorAll('.sent-hi')].map(e => [e.closest('.half, .peek').className, e.dataset.sent])"


def boxes(page):
    """Where every row of the side-by-side view is."""
    return page.evaluate("[...document.querySelectorAll('.pair')].map(p => JSON.stringify(p.getBoundingClientRect()))")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_pointing_at_a_sentence_highlights_its_translation_without_moving_anything(base, open_page, viewport):
    page = open_page(f"{base}en/{SLUG}/parallel.html", viewport)
    before = boxes(page)
    sentence = page.locator('.half.mine [data-sent="4"]')
    sentence.scroll_into_view_if_needed()
    if viewport is PHONE:
        sentence.click()  # a tap
    else:
        sentence.hover()
    highlighted = page.evaluate(HIGHLIGHTED)
    assert sorted(highlighted) == [["half mine", "4"], ["half theirs", "4"]]
    assert page.evaluate("""(() => { const b = document.querySelector('.half.theirs [data-sent="4"]')
        .getBoundingClientRect(); return b.bottom > 0 && b.top < innerHeight; })()""")  # in view
    page.evaluate("scrollTo(0, 0)")
    assert boxes(page) == before  # colour only: no layout shift


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_keyboard_focus_highlights_and_announces_the_translation(base, open_page, viewport):
    page = open_page(f"{base}en/{SLUG}/parallel.html", viewport)
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.dataset.sent === '2'"):
            break
    assert page.evaluate("document.activeElement.closest('.half').classList.contains('mine')")
    french = page.evaluate("""[...document.querySelectorAll('.half.theirs [data-sent="2"]')]
        .map(e => e.textContent).join(' ')""")
    assert page.locator(".parallel + [aria-live=polite], .parallel-body + [aria-live=polite]").text_content() == french and french.startswith("La coopération")
    assert sorted(page.evaluate(HIGHLIGHTED)) == [["half mine", "2"], ["half theirs", "2"]]
    page.keyboard.press("Tab")  # no trap: focus moves on
    assert page.evaluate("document.activeElement.dataset.sent") == "3"


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_peek_emphasises_the_matching_sentence(base, open_page, viewport):
    page = open_page(f"{base}en/{SLUG}/", viewport)
    page.locator('.article-body [data-sent="3"]').hover()
    page.locator('button[data-peek-seg="2"]').click()
    page.wait_for_selector("#peek-2 .sent-hi")
    assert page.evaluate("""[...document.querySelectorAll('#peek-2 strong > .sent-hi')].map(e => e.dataset.sent)""") == ["3"]


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
@pytest.mark.parametrize("view", ["", "parallel.html"], ids=["article", "parallel"])
def test_the_toggle_lands_on_the_sentence_at_the_top(base, open_page, viewport, view):
    page = open_page(f"{base}en/{SLUG}/{view}", viewport)
    for _ in range(5):  # until it holds: the sticky bar sits lower until the page has scrolled past it
        gap = page.evaluate("""(() => { const s = document.querySelector('.article-body [data-sent="3"], .half.mine [data-sent="3"]');
            const gap = s.getBoundingClientRect().top - document.querySelector('.language-toggle').getBoundingClientRect().bottom;
            window.scrollTo(0, scrollY + gap - 2); return gap; })()""")
        if abs(gap + 2) < 1:
            break
    # sentence 3 starts on the line where sentence 2 ends: that line is at the top, sentence 2 is read
    follow(page, "a.toggle")
    assert page.url.endswith(f"fr/{SLUG}/{view}#s2")
    top = page.evaluate("""(() => { const s = document.querySelector('.article-body [data-sent="3"], .half.mine [data-sent="3"]');
        return s.getBoundingClientRect().top - document.querySelector('.language-toggle').getBoundingClientRect().bottom; })()""")
    assert -30 < top < 60, top  # the sentence, not only its paragraph, is at the top


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_highlighted_sentence_pair_has_no_accessibility_violation(base, browser, viewport):
    from test_accessibility import violations
    context = browser.new_context(bypass_csp=True, viewport=viewport, locale="en-US")  # for axe's script only
    page = context.new_page()
    page.goto(f"{base}fr/{SLUG}/parallel.html")
    page.locator('.half.mine [data-sent="2"]').focus()
    assert len(page.evaluate(HIGHLIGHTED)) >= 2
    assert violations(page) == []
    context.close()


def test_without_javascript_sentences_are_plain_text(base, browser):
    context = browser.new_context(java_script_enabled=False, viewport=DESKTOP)
    page = context.new_page()
    for view in ("", "parallel.html"):
        page.goto(f"{base}en/{SLUG}/{view}")
        looks = page.evaluate("""[...document.querySelectorAll('[data-sent]')].map(s => {
            const c = getComputedStyle(s), p = getComputedStyle(s.parentElement);
            return [s.tabIndex, c.backgroundColor, c.display, c.color === p.color, c.fontWeight === p.fontWeight];
        })""")
        assert len(looks) > 10
        # not a tab stop, no highlight, inline, set as the text around it
        assert {tuple(x) for x in looks} == {(-1, "rgba(0, 0, 0, 0)", "inline", True, True)}, view
    context.close()
