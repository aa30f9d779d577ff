"""An archive that grows: paginated listings whose older pages never shift, month archives, a
sitemap index, and a new article that touches few files."""
from __future__ import annotations

import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import REPO, make_project

from diglot.build.pipeline import Options, build
from diglot.errors import DiglotError
from diglot.render import pages as page_plans
from diglot.render import pagination
from diglot.render.pagination import paginate

SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
BASE = "https://example.org/"


def dated_seed(n: int, day: int, month: int = 5, year: int = 2024) -> bytes:
    """An English-only seed with its own numbers and names, published on the given day."""
    return (f"CHINA / SOCIETY\nQuarvel report number {n} counts {n * 7 + 3} new libraries in Dovrel{n}\n"
            f"Published: {['', 'Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][month]}"
            f" {day}, {year} 10:{n % 60:02d} AM\n"
            f"The Quarvel institute said on Monday that {n * 7 + 3} libraries opened in Dovrel{n} this year. "
            f"Officials expect {n * 11 + 5} more by 20{30 + n % 60}.\n\n"
            f"The programme cost {n * 13 + 1} million yuan, the report said.\n").encode()


def project_of(root: Path, count: int, page_size: int, months: int = 1) -> Path:
    """A project of `count` dated articles over `months` months, built with a small page size."""
    seeds = {f"s{n:04d}.txt": dated_seed(n, 1 + n % 28, 5 + n % months) for n in range(count)}
    project = make_project(root, seeds)
    with (project / "site.yaml").open("a", encoding="utf-8") as file:
        file.write(f"page_size: {page_size}\n")
    return project


def links(html: str) -> list[str]:
    """Every href of a page."""
    return re.findall(r'href="([^"]+)"', html)


def listed(page: Path) -> list[str]:
    """The article URLs a listing page lists, in order (resolved against the site root)."""
    html = page.read_text(encoding="utf-8")
    items = re.search(r'<ol class="article-list">(.*?)</ol>', html, re.S)
    return [re.sub(r"^(\.\./)+", "", href) for href in re.findall(r'<a href="([^"]+)"', items.group(1))] if items else []


@pytest.mark.parametrize("count", [0, 1, 4, 5, 14, 15, 16])
def test_paginate_puts_every_item_on_one_page_and_links_them_in_order(count):
    size = 5
    items = list(range(count, 0, -1))  # newest first
    pages = paginate(items, size, "en/")
    shown = [item for page in pages for item in page.items]
    assert shown == items  # every item once, newest first
    top, numbered = pages[0], pages[1:]
    assert top.number is None and (size <= len(top.items) < 2 * size or count < size)
    assert all(len(page.items) == size for page in numbered)
    assert [page.number for page in numbered] == list(range(count // size - 1, 0, -1))
    for newer, older in zip(pages, pages[1:]):  # the chain of older/newer links walks every page
        assert newer.older.path == older.path and older.newer.path == newer.path
    assert pages[-1].older is None and top.newer is None


def test_a_long_months_pages_are_each_linked_once_and_its_parts_never_change(monkeypatch):
    monkeypatch.setattr(pagination, "PART_PAGES", 3)
    parts_seen = {}
    for count in range(60):  # one article added at a time, the newest first in the list
        pages = paginate(list(range(count, 0, -1)), 2, "en/archive/2024/05/", link_all=True)
        top, parts = pages[0], [page for page in pages if page.part]
        numbered = sorted(page.number for page in pages if page.number is not None)
        assert sorted(link.number for page in [top, *parts] for link in page.links) == numbered
        assert len(top.links) < pagination.PART_PAGES and [part.path for part in parts] == \
            [top.path + part.folder for part in top.parts]
        for part in parts:  # a part, once whole, keeps its pages
            assert parts_seen.setdefault(part.path, part) == part


def test_older_pages_keep_their_articles_when_articles_are_added():
    size, before = 5, paginate(list(range(23, 0, -1)), 5, "en/")
    for added in range(1, 12):
        after = paginate(list(range(23 + added, 0, -1)), size, "en/")
        old = {page.number: page.items for page in before if page.number is not None}
        new = {page.number: page.items for page in after if page.number is not None}
        assert all(new[number] == items for number, items in old.items() if number in new)
        assert set(old) <= set(new)


@pytest.mark.parametrize("count", [0, 1, 3, 4])
def test_listing_boundaries_in_a_built_site(tmp_path, count):
    project = project_of(tmp_path / "p", count, page_size=3)
    build(Options(project=project))
    site = project / "site"
    top = site / "en" / "index.html"
    assert len(listed(top)) == count
    assert not (site / "en" / "page").exists()  # nothing to page through yet
    html = top.read_text(encoding="utf-8")
    assert ('class="pager"' in html) is False and 'rel="next"' not in html
    if count == 0:
        assert "No articles yet." in html


def test_pages_chain_with_rel_links_and_every_article_is_listed_once(tmp_path):
    project = project_of(tmp_path / "p", 17, page_size=3)  # 5 full pages: the top page shows 2 + 3
    build(Options(project=project))
    site = project / "site"
    chain, page, seen = [], site / "en" / "index.html", []
    while page:
        html = page.read_text(encoding="utf-8")
        chain.append(page.relative_to(site).as_posix())
        seen += listed(page)
        older = re.search(r'<link rel="next" href="([^"]+)"', html)
        page = site / older.group(1).removeprefix(BASE) / "index.html" if older else None
        if page:  # the older page points back at this one
            assert re.search(rf'<link rel="prev" href="{BASE}{re.escape(chain[-1].removesuffix("index.html"))}"',
                             page.read_text(encoding="utf-8"))
    assert chain == ["en/index.html", "en/page/4/index.html", "en/page/3/index.html", "en/page/2/index.html",
                     "en/page/1/index.html"]
    articles = sorted(p.parent.relative_to(site).as_posix() + "/" for p in site.glob("en/*/index.html")
                      if p.parent.name not in ("page", "archive", "section"))
    assert sorted(seen) == articles and len(seen) == 17 == len(set(seen))
    assert len(listed(site / "en" / "index.html")) == 5
    fr = (site / "fr" / "page" / "2" / "index.html").read_text(encoding="utf-8")
    assert 'hreflang="en" href="https://example.org/en/page/2/"' in fr and '<html lang="fr"' in fr


def test_month_archives_count_and_list_every_article_within_three_clicks(tmp_path):
    project = project_of(tmp_path / "p", 30, page_size=4, months=3)
    build(Options(project=project))
    site = project / "site"
    index = (site / "fr" / "archive" / "index.html").read_text(encoding="utf-8")
    counts = dict(re.findall(r'<a href="(2024/\d\d)/">[^<]+</a> <span class="count">(\d+) articles?</span>', index))
    assert counts == {"2024/05": "10", "2024/06": "10", "2024/07": "10"}
    assert ">mai 2024<" in index and ">juillet 2024<" in index
    month = site / "fr" / "archive" / "2024" / "06"
    in_month = listed(month / "index.html") + [a for p in sorted(month.glob("page/*/index.html")) for a in listed(p)]
    assert len(in_month) == 10 == len(set(in_month))
    # Every article within three clicks of the language's home page.
    reach = reachable(site / "en" / "index.html", clicks=3)
    articles = article_pages(site, "en")
    assert len(articles) == 30 and articles <= reach, sorted(p.parent.name for p in articles - reach)[:5]


def reachable(start: Path, clicks: int) -> set[Path]:
    """The site's pages a reader reaches from start in at most this many clicks."""
    reach, frontier = set(), {start}
    for _ in range(clicks):
        found = set()
        for page in frontier:
            for href in links(page.read_text(encoding="utf-8")):
                target = (page.parent / href).resolve()
                target = target / "index.html" if target.is_dir() else target
                if target.is_file() and target.suffix == ".html" and target not in reach:
                    found.add(target)
        reach |= found
        frontier = found
    return reach


def article_pages(site: Path, lang: str) -> set[Path]:
    """The page of every article in lang."""
    return {p.resolve() for p in site.glob(f"{lang}/*/index.html") if p.parent.name not in ("page", "archive", "section")}


def undated_seed(n: int) -> bytes:
    """An English-only seed like dated_seed's, with no date line."""
    return b"\n".join(line for line in dated_seed(n, 1).split(b"\n") if not line.startswith(b"Published"))


def test_a_long_month_comes_in_parts_so_pages_stay_small_and_every_article_three_clicks_away(tmp_path, monkeypatch):
    monkeypatch.setattr(pagination, "PART_PAGES", 3)  # as if a month held thousands of pages
    project = project_of(tmp_path / "p", 9, page_size=2)  # May 2024: pages 1 to 3, one part
    for n in range(23):
        (project / "seeds" / f"u{n:04d}.txt").write_bytes(undated_seed(100 + n))
    build(Options(project=project))
    site = project / "site"
    undated = site / "en" / "archive" / "undated"
    # 23 articles, 2 a page: pages 1 to 10 and the top page; parts of 3 pages: 1-3, 4-6, 7-9.
    page_links = re.compile(r'href="[^"]*undated/page/(\d+)/" aria-label')  # the numbered links
    assert page_links.findall((undated / "index.html").read_text(encoding="utf-8")) == ["10"]
    for part, pages in ((1, ["3", "2", "1"]), (2, ["6", "5", "4"]), (3, ["9", "8", "7"])):
        html = (undated / "part" / str(part) / "index.html").read_text(encoding="utf-8")
        assert page_links.findall(html) == pages
        assert f"<h1>Undated articles · Pages {pages[-1]}–{pages[0]}</h1>" in html
    for start in (site / "en" / "index.html", site / "en" / "archive" / "index.html", undated / "index.html"):
        assert re.findall(r'href="[^"]*undated/part/(\d+)/"', start.read_text(encoding="utf-8")) == ["3", "2", "1"]
    month_parts = re.compile(r'href="[^"]*2024/05/part/(\d+)/"')
    for start in (site / "en" / "index.html", site / "en" / "archive" / "index.html"):
        assert month_parts.findall(start.read_text(encoding="utf-8")) == ["1"]
    articles = article_pages(site, "en")
    assert len(articles) == 32 and articles <= reachable(site / "en" / "index.html", clicks=3)


def test_the_sitemap_is_an_index_of_files_within_the_protocols_limits(tmp_path, monkeypatch):
    monkeypatch.setattr(page_plans, "SITEMAP_URLS", 7)
    project = project_of(tmp_path / "p", 9, page_size=3)
    build(Options(project=project))
    site = project / "site"
    index = ET.parse(site / "sitemap.xml").getroot()
    assert index.tag == f"{SM}sitemapindex"
    files = [node.findtext(f"{SM}loc") for node in index.findall(f"{SM}sitemap")]
    assert len(files) >= 5 and all(f.startswith(BASE) and f.endswith(".xml") for f in files)
    locs = []
    for loc in files:
        data = (site / loc.removeprefix(BASE)).read_bytes()
        root = ET.fromstring(data)
        assert root.tag == f"{SM}urlset" and len(data) < 50 * 1024 * 1024
        urls = root.findall(f"{SM}url")
        assert 1 <= len(urls) <= 7
        locs += [url.findtext(f"{SM}loc") for url in urls]
    pages = {BASE + p.relative_to(site).as_posix().removesuffix("index.html")
             for p in site.rglob("*.html") if p.name != "404.html"}
    assert sorted(locs) == sorted(pages)
    assert "Sitemap: https://example.org/sitemap.xml" in (site / "robots.txt").read_text(encoding="utf-8")


def test_page_size_must_be_a_whole_number(tmp_path):
    project = project_of(tmp_path / "p", 1, page_size=3)
    (project / "site.yaml").write_text((project / "site.yaml").read_text().replace("page_size: 3", "page_size: many"))
    with pytest.raises(DiglotError, match="page_size must be a whole number"):
        build(Options(project=project))


def tree(root: Path) -> dict[str, bytes]:
    """Every file under root by relative path, with its bytes."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_a_new_article_touches_few_files_and_the_result_equals_a_clean_build(tmp_path):
    project = project_of(tmp_path / "p", 60, page_size=4, months=3)
    shutil.copytree(REPO / "layouts", project / "layouts")
    build(Options(project=project))
    before = tree(project / "site")
    (project / "seeds" / "s9999.txt").write_bytes(dated_seed(9999, 2, month=9))  # the newest article
    build(Options(project=project))
    after = tree(project / "site")
    touched = sorted(path for path in before.keys() | after.keys() if before.get(path) != after.get(path))
    assert len(touched) <= 25, touched
    assert not [path for path in touched if "/page/" in path]  # no older page moved
    clean = tmp_path / "clean"
    shutil.copytree(project, clean, ignore=shutil.ignore_patterns("site", ".cache"))
    build(Options(project=clean, use_cache=False))
    assert tree(clean / "site") == after


def test_listing_pages_stay_small_at_any_size(tmp_path):
    project = project_of(tmp_path / "p", 130, page_size=20)
    build(Options(project=project))
    listings = [p for p in (project / "site").rglob("index.html") if "/page/" in p.as_posix() or
                p.parent.name in ("en", "fr") or "/archive/" in p.as_posix() or "/section/" in p.as_posix()]
    assert max(p.stat().st_size for p in listings) <= 60_000


@pytest.mark.parametrize("lang, text, summary", [
    ("en", "Gov. Newsom signed the bill on Monday, aides said. It takes effect in May.",
     "Gov. Newsom signed the bill on Monday, aides said."),
    ("en", "The U.S. economy grew 2.5 percent, Mr. Li said. Analysts expected less.",
     "The U.S. economy grew 2.5 percent, Mr. Li said."),
    ("fr", "M. Dupont a signé le texte le 3 janv. à Paris. Il entre en vigueur en mai.",
     "M. Dupont a signé le texte le 3 janv. à Paris."),
    ("en", "One sentence with no end", "One sentence with no end"),
])
def test_a_listing_summary_is_the_first_sentence_as_the_splitter_finds_it(lang, text, summary):
    from diglot.model.site import first_sentence
    from diglot.model.text import render_blocks
    assert first_sentence(tuple(render_blocks(text, lang)), lang).replace("\u00a0", " ").replace("\u202f", " ") == summary
