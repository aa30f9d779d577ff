"""Atom feeds per language, the sitemap with hreflang alternates, robots.txt: valid and deterministic."""
from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import feedparser
import pytest

from test_render import ONLY, SLUG, site_with_english_only

ATOM = "{http://www.w3.org/2005/Atom}"
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"
BASE = "https://example.org/news/"


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """The real pair plus an English-only article, built under base URL /news/."""
    return site_with_english_only(tmp_path_factory.mktemp("feeds") / "project") / "site"


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_feed_has_every_required_atom_element(site, lang):
    feed = feedparser.parse((site / lang / "feed.xml").read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.feed.id == f"{BASE}{lang}/feed.xml" and feed.feed.title and feed.feed.updated
    assert feed.feed.author  # feed-level author covers entries without one
    assert len(feed.entries) == 2
    for entry in feed.entries:
        assert entry.id.startswith(BASE) and entry.title and entry.updated
        alternates = [link.href for link in entry.links if link.rel == "alternate"]
        assert entry.link in alternates and entry.link == entry.id


def test_feed_updated_is_the_newest_entry_in_utc(site):
    feed = ET.parse(site / "fr" / "feed.xml").getroot()
    updated = [e.findtext(f"{ATOM}updated") for e in feed.findall(f"{ATOM}entry")]
    assert updated == ["2024-06-01T09:30:00Z", "2024-05-10T15:00:00Z"]  # newest first, written as UTC
    assert feed.findtext(f"{ATOM}updated") == updated[0]


def test_feed_carries_full_content_in_its_language(site):
    feed = ET.parse(site / "fr" / "feed.xml").getroot()
    lang = "{http://www.w3.org/XML/1998/namespace}lang"
    assert feed.get(lang) == "fr"
    entries = {e.findtext(f"{ATOM}id"): e for e in feed.findall(f"{ATOM}entry")}
    pair, only = entries[f"{BASE}fr/{SLUG}/"], entries[f"{BASE}en/{ONLY}/"]
    assert pair.get(lang) == "fr" and only.get(lang) == "en"
    content = pair.find(f"{ATOM}content")
    assert content.get("type") == "html" and content.text.count("<p>") == 8
    assert "En avril, le ministère a dévoilé 10 cas" in content.text
    assert pair.findtext(f"{ATOM}author/{ATOM}name") == "Global Times"


def test_rebuilding_gives_identical_feeds_and_sitemap(tmp_path, site):
    again = site_with_english_only(tmp_path / "again") / "site"
    for path in ("en/feed.xml", "fr/feed.xml", "sitemap.xml", "sitemap-articles-1.xml", "sitemap-pages-1.xml",
                 "robots.txt"):
        assert (again / path).read_bytes() == (site / path).read_bytes(), path


def sitemap(site: Path) -> dict[str, dict[str, str]]:
    """loc → {hreflang: href} from every sitemap file that sitemap.xml, an index, names."""
    index = ET.parse(site / "sitemap.xml").getroot()
    assert index.tag == f"{SM}sitemapindex"
    urls = {}
    for loc in (node.findtext(f"{SM}loc") for node in index.findall(f"{SM}sitemap")):
        assert loc.startswith(BASE)
        root = ET.parse(site / loc.removeprefix(BASE)).getroot()
        assert root.tag == f"{SM}urlset"
        for url in root.findall(f"{SM}url"):
            assert url.findtext(f"{SM}loc") not in urls  # each page in one file only
            urls[url.findtext(f"{SM}loc")] = {link.get("hreflang"): link.get("href")
                                              for link in url.findall(f"{XHTML}link")}
    return urls


def test_sitemap_lists_every_page_with_its_language_versions(site):
    urls = sitemap(site)
    pages = {BASE + p.relative_to(site).as_posix().removesuffix("index.html")
             for p in site.rglob("*.html") if p.name != "404.html"}
    assert set(urls) == pages
    for loc in (f"{BASE}fr/{SLUG}/", f"{BASE}en/{SLUG}/parallel.html", f"{BASE}fr/section/china-society/"):
        assert set(urls[loc]) == {"en", "fr", "x-default"} and loc in urls[loc].values()
    assert urls[f"{BASE}fr/{SLUG}/"]["x-default"] == f"{BASE}en/{SLUG}/"
    assert urls[f"{BASE}en/{ONLY}/"] == {"en": f"{BASE}en/{ONLY}/", "x-default": f"{BASE}en/{ONLY}/"}


def test_robots_points_at_the_absolute_sitemap(site):
    lines = (site / "robots.txt").read_text(encoding="utf-8").splitlines()
    assert f"Sitemap: {BASE}sitemap.xml" in lines and "User-agent: *" in lines


def test_not_found_page_is_bilingual(site):
    html = (site / "404.html").read_text(encoding="utf-8")
    assert "Page not found" in html and "Page introuvable" in html
    assert 'href="/news/fr/"' in html and 'href="/news/assets/site.css"' in html


def test_feed_holds_the_newest_articles_only():
    from types import SimpleNamespace

    from diglot.render.feeds import FEED_SIZE, feed_entries
    articles = [SimpleNamespace(n=i, version=lambda lang, i=i: f"v{i}-{lang}") for i in range(FEED_SIZE + 10)]
    entries = feed_entries(SimpleNamespace(articles=articles), "fr")
    assert [e.article.n for e in entries] == list(range(FEED_SIZE))  # the site lists newest first
    assert entries[0].version == "v0-fr"
