"""Every page carries a strict Content-Security-Policy and satisfies it in Chromium, while reading,
peeking and searching; hostile seed text never becomes markup."""
from __future__ import annotations

import pytest

from conftest import SEEDS, make_project
from diglot.build.pipeline import Options, build
from pages import read_page
from screenshots import serve_site

HOSTILE = ("Hostile <b>headline</b> \" onload=\"alert(1)\n\n"
           "<script>alert(1)</script> <iframe src=//evil.example></iframe> <style>body{display:none}</style> "
           "[click](javascript:alert(1)) [data](data:text/html,<script>alert(1)</script>) "
           "<a href=\"javascript:alert(1)\">x</a> and \"quoted\" text about 12 cases in Geneva.\n\n"
           "Second paragraph with onerror=alert(1) and 5 < 6 & 7 > 3 in Geneva.")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The real seeds plus a hostile one, built once."""
    seeds = {p.name: p.read_bytes() for p in SEEDS.glob("*.txt")}
    seeds["hostile.txt"] = HOSTILE.encode()
    project = make_project(tmp_path_factory.mktemp("security") / "p", seeds)
    build(Options(project=project))
    return project / "site"

QUERY = {"en": "security", "fr": "sécurité"}


def html_pages(site):
    """Every HTML file of the built site."""
    return sorted(site.rglob("*.html"))


# The whole policy, directive by directive: a directive added, dropped or loosened shows up here.
POLICY = {
    "default-src": ["'self'"], "script-src": ["'self'"], "style-src": ["'self'"], "img-src": ["'self'", "data:"],
    "connect-src": ["'self'"], "font-src": ["'self'"], "object-src": ["'none'"], "base-uri": ["'none'"],
    "form-action": ["'self'"],
}


def directives(policy: str) -> dict[str, list[str]]:
    """A Content-Security-Policy as directive -> sources; a directive named twice is an error."""
    parsed = {}
    for directive in filter(None, (part.strip() for part in policy.split(";"))):
        name, *sources = directive.split()
        assert name not in parsed, f"{name} twice"
        parsed[name] = sources
    return parsed


def test_every_page_declares_a_strict_csp(site):
    for path in html_pages(site):
        policy = read_page(path).one("meta", http_equiv="Content-Security-Policy").attrs["content"]
        assert directives(policy) == POLICY, path


def test_no_inline_script_style_or_handler_in_any_page(site):
    for path in html_pages(site):
        page = read_page(path)
        assert all(t.attrs.get("src") for t in page.find("script")), path
        assert not page.find("style") and not [t for t in page.tags if "style" in t.attrs], path
        assert not [t for t in page.tags for k in t.attrs if k.startswith("on")], path
        assert not [t for t in page.tags for k in ("href", "src", "action")
                    if t.attrs.get(k, "").strip().lower().startswith(("javascript:", "data:", "vbscript:"))], path


def test_hostile_seed_text_is_shown_not_run(site):
    article = next(p for p in (site / "en").glob("hostile-*/index.html"))
    page = read_page(article)
    body = [t for t in page.find("p", data_seg=True)]
    assert "<script>alert(1)</script>" in body[0].text and "<iframe" in body[0].text
    assert not page.find("iframe") and not page.find("b") and len(page.find("script")) == len(
        [t for t in page.find("script") if t.attrs.get("src", "").endswith(".js")])


def test_pages_raise_no_csp_violation_while_reading_and_searching(browser, site):
    with serve_site(site, "/") as base:
        context = browser.new_context()
        context.add_init_script(
            "window.__csp = []; document.addEventListener('securitypolicyviolation',"
            " e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));")
        page = context.new_page()
        errors = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        searched, peeked = [], []
        for path in html_pages(site):
            url = base + path.relative_to(site).as_posix().removesuffix("index.html")
            page.goto(url)
            page.wait_for_load_state("load")
            if page.locator(".search-input").is_visible():
                page.focus(".search-input")
                page.keyboard.type(QUERY[page.locator("html").get_attribute("lang")])
                page.locator(".search-results a").first.wait_for()  # the index loaded and answered
                searched.append(url)
            if page.locator(".peek-button").count():
                page.locator(".peek-button").first.click()
                page.locator(".peek p").first.wait_for()  # the translation was fetched and shown
                peeked.append(url)
            assert page.evaluate("window.__csp") == [], url
        context.close()
        assert not errors, errors
    # The walk searched from every page but the language router and peeked on both articles
    # that have a translation: had a step not run, it would have proven nothing.
    assert len(searched) >= len(html_pages(site)) - 2, searched
    assert sorted(url.split("/")[-3] for url in peeked if url.endswith("/")) == ["en", "fr"], peeked
