"""The header search box as a reader uses it, in headless Chromium, on the real seeds.

The built site is served from a sub-path (/site/) of a localhost server, so every
page reaches search/ and assets/ through its relative data-root.
"""

from __future__ import annotations

import functools
import http.server
import threading
from pathlib import Path

import pytest

SLUG = "chinas-state-security-authorities-warn-overseas-personnel-of"
ARTICLE = {lang: f"site/{lang}/{SLUG}/" for lang in ("en", "fr")}
# Records each finished search, so a test can wait for the query it typed.
WATCH_RESULTS = """document.addEventListener('diglot-search-results',
    e => { window.lastSearch = e.detail; }, true);"""
BAD_QUERIES = ["titre:x", "~", "https://example.org/a?b=c", "*", "+", "-", "^2", "title:", "\\", "a:b:c", "sécu*",
               "espion~1", "*ionnage", "sécurité~2"]


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        """Keep test output clean."""


@pytest.fixture(scope="module")
def server(built_site: Path):
    """Serve the project folder on 127.0.0.1, so the site lives under /site/."""
    handler = functools.partial(QuietHandler, directory=str(built_site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()


class Reader:
    """A browser tab plus everything it logged and requested."""

    def __init__(self, page, base: str):
        self.page, self.base = page, base
        self.errors: list[str] = []
        self.requests: list[str] = []
        page.on("console", lambda m: self.errors.append(m.text) if m.type in ("error", "warning") else None)
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("request", lambda r: self.requests.append(r.url))

    def open(self, path: str) -> None:
        self.page.goto(self.base + path)
        self.page.wait_for_load_state("load")

    def search(self, query: str, delay: float = 20) -> dict:
        """Type a query into the box and wait for its results."""
        self.page.click(".search-input")
        self.page.fill(".search-input", "")
        self.page.keyboard.type(query, delay=delay)
        self.page.wait_for_function("q => window.lastSearch && window.lastSearch.query === q", arg=query.strip())
        return self.page.evaluate("window.lastSearch")

    def result_links(self) -> list[str]:
        return self.page.eval_on_selector_all(".search-results a", "els => els.map(a => a.href)")

    def marks(self) -> list[str]:
        return self.page.eval_on_selector_all(".search-results mark", "els => els.map(m => m.textContent)")


@pytest.fixture
def reader(browser, server):
    """A fresh tab that must finish without console errors or warnings."""
    context = browser.new_context()
    context.add_init_script(WATCH_RESULTS)
    tab = Reader(context.new_page(), server)
    yield tab
    context.close()
    assert tab.errors == []


@pytest.mark.parametrize("query", ["securite", "espionnage", "Sécurité", "l’espion"])
def test_french_page_finds_the_seed_article(reader, query):
    reader.open(ARTICLE["fr"])
    assert reader.search(query)["count"] == 1
    assert reader.result_links() == [reader.base + ARTICLE["fr"]]


@pytest.mark.parametrize("query", ["recruit", "counter-espionage", "China's", "espion"])
def test_english_page_finds_the_seed_article(reader, query):
    reader.open(ARTICLE["en"])
    assert reader.search(query)["count"] == 1
    assert reader.result_links() == [reader.base + ARTICLE["en"]]


@pytest.mark.parametrize("path", ["site/index.html", "site/en/", "site/en/section/china-society/",
                                  ARTICLE["en"], ARTICLE["en"] + "parallel.html"])
def test_search_works_from_every_page_depth(reader, path):
    reader.open(path)
    reader.search("spy")
    assert reader.result_links() == [reader.base + ARTICLE["en"]]


def test_matched_words_are_highlighted_in_title_and_snippet(reader):
    reader.open(ARTICLE["en"])
    reader.search("recruit security")
    assert sorted(reader.marks()) == ["Security", "recruitment", "security"]


def test_accentless_french_query_highlights_the_accented_word(reader):
    reader.open(ARTICLE["fr"])
    reader.search("securite")
    assert "Sécurité" in reader.marks()


def test_other_language_mode_finds_the_french_version_from_the_english_page(reader):
    reader.open(ARTICLE["en"])
    assert reader.search("sécurité")["count"] == 0
    # English alone needs no French stemmer: lunr.fr and its support load with the French index.
    assert not [url for url in reader.requests if "lunr.fr" in url or "stemmer.support" in url]
    reader.page.check("[data-search-other]")
    reader.page.wait_for_function("() => window.lastSearch.count === 1")  # a function: CSP forbids eval
    french = reader.page.locator('.search-results li[lang="fr"]')
    assert french.locator("a").get_attribute("href").endswith(f"fr/{SLUG}/")
    assert french.locator(".search-lang").inner_text() == "French"


def test_french_only_mode_does_not_load_the_english_index(reader):
    reader.open(ARTICLE["fr"])
    reader.search("espion")
    assert not [url for url in reader.requests if "/search/en/" in url]


def test_index_and_lunr_load_only_when_the_box_is_focused(reader):
    reader.open(ARTICLE["fr"])
    reader.page.wait_for_timeout(300)
    assert not [url for url in reader.requests if "/search/" in url or "/lunr/" in url]
    with reader.page.expect_request(lambda r: r.url.endswith("search/fr/manifest.json")):
        reader.page.focus(".search-input")


def test_a_search_fetches_the_manifest_a_few_shards_and_the_shown_results_blocks_only(reader):
    reader.open(ARTICLE["fr"])
    reader.search("espionnage")
    fetched = [url.split("/search/")[1] for url in reader.requests if "/search/" in url]
    assert fetched[0] == "fr/manifest.json"
    assert 1 <= len([path for path in fetched if "/t/" in path]) <= 3
    assert [path for path in fetched if "/m/" in path] == ["fr/m/0.json"]


def test_a_first_letter_searches_only_once_typing_pauses(reader):
    reader.open(ARTICLE["fr"])
    reader.page.focus(".search-input")
    reader.page.wait_for_function("() => window.diglotSearchShards")  # scripts loaded: only shards are left
    reader.page.keyboard.type("e")
    reader.page.wait_for_timeout(100)
    assert not [url for url in reader.requests if "/search/fr/t/" in url]  # its letter's shard is big
    reader.page.wait_for_function("() => window.lastSearch && window.lastSearch.query === 'e'")


def test_keyboard_moves_through_results_opens_one_and_escape_closes(reader):
    reader.open("site/fr/")
    reader.search("sécurité")
    box = reader.page.locator(".search-input")
    box.press("ArrowDown")
    assert box.get_attribute("aria-activedescendant") == "search-result-0"
    assert reader.page.get_attribute("#search-result-0", "aria-selected") == "true"
    box.press("Escape")
    assert box.get_attribute("aria-expanded") == "false"
    assert reader.page.locator(".search-panel").is_hidden()
    box.press("ArrowDown")
    assert box.get_attribute("aria-expanded") == "true"
    with reader.page.expect_navigation():
        box.press("Enter")
    assert reader.page.url == reader.base + ARTICLE["fr"]


def test_result_count_is_announced_in_the_readers_language(reader):
    reader.open(ARTICLE["fr"])
    reader.search("sécurité")
    assert reader.page.inner_text(".search-status") == "1 résultat"
    assert reader.page.get_attribute(".search-status", "role") == "status"
    assert reader.page.get_attribute("form.search", "role") == "search"


@pytest.mark.parametrize(("lang", "message"), [("fr", "Aucun résultat pour « zzxq »."),
                                               ("en", "No results for “zzxq”.")])
def test_no_results_says_so_in_the_readers_language(reader, lang, message):
    reader.open(ARTICLE[lang])
    assert reader.search("zzxq")["count"] == 0
    shown = reader.page.inner_text(".search-summary")
    assert shown.replace("\u00a0", " ").replace("\u202f", " ") == message  # French spaces are no-break
    assert reader.page.inner_text(".search-status") == reader.page.inner_text(".search-summary")


def test_queries_lunr_rejects_give_answers_not_console_errors(reader):
    reader.open(ARTICLE["fr"])
    for query in BAD_QUERIES:
        reader.search(query, delay=0)
        assert reader.page.inner_text(".search-summary")
    assert reader.search("titre:sécurité")["count"] == 1  # the fallback still searches the words


def test_without_javascript_the_page_says_search_needs_it(browser, server):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(server + ARTICLE["en"])
    assert page.locator(".search-nojs").inner_text() == "Search needs JavaScript."
    assert page.locator("form.search").is_hidden()
    context.close()


@pytest.fixture(scope="module")
def archive_server(tmp_path_factory):
    """The seed pair's site searching a 1,000-article benchmark corpus (bench/search_timing.py)."""
    import sys
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
    from search_timing import serve, synthetic_site

    site, _words = synthetic_site(1000, tmp_path_factory.mktemp("archive"))
    httpd, base = serve(site)
    yield base
    httpd.shutdown()
    httpd.server_close()


def test_a_word_in_most_articles_shows_five_from_its_head_and_says_there_are_more(browser, archive_server):
    context = browser.new_context()
    context.add_init_script(WATCH_RESULTS)
    tab = Reader(context.new_page(), archive_server)
    tab.open("en/")
    found = tab.search("security", delay=150)  # typed at reading speed: no prefix fetches a rest either
    assert found["count"] >= 900 and len(tab.result_links()) == 5
    assert tab.page.text_content(".search-status") == f"{found['count']:,} or more results"
    assert [url for url in tab.requests if "/search/en/r/" in url] == []
    context.close()
    assert tab.errors == []


def test_more_results_adds_ten_and_selects_the_first_of_them(browser, archive_server):
    context = browser.new_context()
    context.add_init_script(WATCH_RESULTS)
    tab = Reader(context.new_page(), archive_server)
    tab.open("en/")
    tab.search("security", delay=150)
    first = tab.result_links()
    box = tab.page.locator(".search-input")
    box.press("ArrowUp")  # from the box, up goes round to the last option: "More results"
    assert box.get_attribute("aria-activedescendant") == "search-more"
    assert tab.page.get_attribute("#search-more", "aria-selected") == "true"
    box.press("Enter")
    tab.page.wait_for_function("() => document.querySelectorAll('.search-results a').length === 15")
    assert tab.result_links()[:5] == first
    assert box.get_attribute("aria-activedescendant") == "search-result-5"
    assert box.evaluate("el => document.activeElement === el")
    # The live region says something new, or a screen reader would not read it again.
    assert tab.page.text_content(".search-status").endswith("· 15 shown")
    assert tab.page.locator("#search-more button").count() == 0  # no control nested in the option
    tab.page.click("#search-more")  # the mouse too, and the box keeps the focus
    tab.page.wait_for_function("() => document.querySelectorAll('.search-results a').length === 25")
    assert box.evaluate("el => document.activeElement === el")
    context.close()
    assert tab.errors == []


def test_search_files_of_another_format_give_the_error_message_not_wrong_results(browser, server):
    """search-shards.js refuses a manifest of a format it does not read (a project's own old copy
    of the script, or files from another diglot) instead of misreading its shards."""
    context = browser.new_context()
    tab = Reader(context.new_page(), server)

    def older(route):
        manifest = route.fetch().json()
        route.fulfill(json={**manifest, "format": manifest["format"] - 1})

    context.route("**/search/en/manifest.json", older)
    tab.open(ARTICLE["en"])
    tab.page.click(".search-input")
    tab.page.keyboard.type("recruit", delay=20)
    error = tab.page.get_attribute("[data-search]", "data-error")
    tab.page.wait_for_function("m => document.querySelector('.search-status').textContent === m", arg=error)
    assert tab.result_links() == []
    # A manifest request still being rewritten (the page may ask again) must not fail the test at close.
    context.unroute_all(behavior="ignoreErrors")
    context.close()
