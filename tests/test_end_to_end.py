"""What the README promises of the command line, checked end to end through `python build.py`:
check writes nothing, --no-cache changes nothing, --base-url reaches every absolute link, an
alignment override and a translation_key change the built pages, a feed keeps the newest 50."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from conftest import REPO, make_project
from pages import read_page
from test_bad_input import tree


def run_build(project: Path, *args: str) -> subprocess.CompletedProcess:
    """Run build.py on project as a user would; fail the test if it fails."""
    result = subprocess.run([sys.executable, str(REPO / "build.py"), *args, "--project", str(project), "--quiet"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return result


def edit(path: Path, old: str, new: str) -> None:
    """Replace old by new in a file (it must be there)."""
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def segments(page: Path) -> list[str]:
    """The data-seg numbers of a page's body paragraphs, in reading order."""
    return [tag.attrs["data-seg"] for tag in read_page(page).find("p", data_seg=True)]


def test_check_writes_nothing_to_site(tmp_path):
    fresh = make_project(tmp_path / "fresh")
    run_build(fresh, "check")
    assert not (fresh / "site").exists() and len(list((fresh / "content").glob("*.md"))) == 2  # imported
    built = make_project(tmp_path / "built")
    run_build(built)
    before = {path: (digest, (built / "site" / path).stat().st_mtime_ns) for path, digest in tree(built / "site").items()}
    edit(next((built / "content").glob("*.en.md")), "according to", "as reported by")
    run_build(built, "check")
    assert {path: (digest, (built / "site" / path).stat().st_mtime_ns)
            for path, digest in tree(built / "site").items()} == before
    assert sorted(p.name for p in built.iterdir() if p.name.startswith(".site")) == []


def test_no_cache_builds_the_same_site_and_writes_no_cache(tmp_path):
    cached, uncached = make_project(tmp_path / "cached"), make_project(tmp_path / "uncached")
    for project, flags in ((cached, ()), (uncached, ("--no-cache",))):
        run_build(project, *flags)
        edit(next((project / "content").glob("*.fr.md")), "section: CHINA / SOCIETY", "section: WORLD / EUROPE")
        edit(next((project / "content").glob("*.en.md")), "according to", "as reported by")
        run_build(project, *flags)
    assert (cached / ".cache").is_dir() and not (uncached / ".cache").exists()
    assert tree(cached / "site") == tree(uncached / "site")
    assert tree(cached / "content") == tree(uncached / "content")


def test_base_url_reaches_canonical_links_feeds_and_sitemap(tmp_path):
    project = make_project(tmp_path / "p")  # site.yaml says https://example.org/
    run_build(project, "--base-url", "https://news.example.net/lire/")
    site = project / "site"
    slug = next((project / "content").glob("*.en.md")).name[:-len(".en.md")]
    for lang in ("en", "fr"):
        page = read_page(site / lang / slug / "index.html")
        assert page.one("link", rel="canonical").attrs["href"] == f"https://news.example.net/lire/{lang}/{slug}/"
        hreflangs = {t.attrs["hreflang"]: t.attrs["href"] for t in page.find("link", rel="alternate", hreflang=True)}
        assert hreflangs["fr"] == f"https://news.example.net/lire/fr/{slug}/", hreflangs
        feed = (site / lang / "feed.xml").read_text(encoding="utf-8")
        assert f'href="https://news.example.net/lire/{lang}/{slug}/"' in feed
    locations = re.findall(r"<loc>([^<]*)</loc>", (site / "sitemap.xml").read_text(encoding="utf-8"))
    assert locations and all(url.startswith("https://news.example.net/lire/") for url in locations)
    assert "https://news.example.net/lire/sitemap.xml" in (site / "robots.txt").read_text(encoding="utf-8")
    leaked = [path for path in site.rglob("*") if path.is_file() and b"example.org" in path.read_bytes()]
    assert leaked == []  # site.yaml's URL is overridden everywhere


def test_an_alignment_override_changes_the_built_pages(tmp_path):
    project = make_project(tmp_path / "p")
    run_build(project)
    (french,) = (project / "content").glob("*.fr.md")
    slug = french.name[:-len(".fr.md")]
    assert segments(project / "site" / "en" / slug / "index.html") == [str(n) for n in range(1, 9)]
    # The first two English paragraphs as one segment with the first French one, the last French
    # paragraph on its own: 8 and 8 paragraphs in 8 segments, none of them the aligner's 1-1.
    edit(french, "---\n", '---\nalignment: "2-1 1-1 1-1 1-1 1-1 1-1 1-1 0-1"\n')
    result = run_build(project)
    assert "alignment is ignored" not in result.stderr
    site = project / "site"
    assert segments(site / "en" / slug / "index.html") == ["1", "1", "2", "3", "4", "5", "6", "7"]
    assert segments(site / "fr" / slug / "index.html") == ["1", "2", "3", "4", "5", "6", "7", "8"]
    parallel = read_page(site / "en" / slug / "parallel.html")
    assert len([tag for tag in parallel.tags if "pair" in tag.attrs.get("class", "").split()]) == 8


def test_two_hand_written_files_with_one_translation_key_make_one_article(tmp_path):
    project = make_project(tmp_path / "p", {})
    content = project / "content"
    content.mkdir()
    (content / "harbour-opens.en.md").write_text(
        "---\ntitle: The harbour opens\ndate: 2024-06-01\n---\nThe harbour opens on Monday with 12 new berths.\n\n"
        "Fishermen in Brest welcomed the news.\n", encoding="utf-8")
    (content / "le-port-ouvre.fr.md").write_text(
        "---\ntitle: Le port ouvre\ndate: 2024-06-01\ntranslation_key: harbour-opens\n---\n"
        "Le port ouvre lundi avec 12 nouveaux postes d’amarrage.\n\nLes pêcheurs de Brest ont salué la nouvelle.\n",
        encoding="utf-8")
    run_build(project)
    site = project / "site"
    articles = sorted(path.parent.relative_to(site).as_posix() for path in site.glob("*/*/parallel.html"))
    assert len(articles) == 2, articles  # one article, in two languages: each has a side-by-side view
    english, french = (read_page(site / path / "index.html") for path in articles)  # en/…, then fr/…
    toggle = english.one("a", **{"class": "toggle"}).attrs["href"]
    assert (site / articles[0] / toggle).resolve() == (site / articles[1]).resolve(), toggle
    assert "Le port ouvre" in french.one("h1").text and segments(site / articles[1] / "index.html") == ["1", "2"]
    listing = (site / "en" / "index.html").read_text(encoding="utf-8")
    assert listing.count(">The harbour opens</a>") == 1  # listed once (its summary starts the same way)


def test_a_feed_keeps_the_newest_50_of_60_articles(tmp_path):
    project = make_project(tmp_path / "p", {})
    content = project / "content"
    content.mkdir()
    for n in range(60):
        (content / f"story-{n:02d}.en.md").write_text(
            f"---\ntitle: Story number {n}\ndate: 2024-03-{1 + n // 2:02d}T{10 + n % 2}:00:00\n---\n"
            f"Paragraph of story {n} about {n * 7} boats.\n", encoding="utf-8")
    run_build(project)
    feed = (project / "site" / "en" / "feed.xml").read_text(encoding="utf-8")
    titles = re.findall(r"<entry[^>]*>.*?<title[^>]*>Story number (\d+)</title>", feed, re.S)
    assert [int(n) for n in titles] == list(range(59, 9, -1))  # the newest 50, newest first
    pages = sorted((project / "site" / "en").glob("page/*/index.html")) + [project / "site" / "en" / "index.html"]
    listing = "".join(page.read_text(encoding="utf-8") for page in pages)
    assert all(listing.count(f"Story number {n}<") == 1 for n in range(60))  # the listing's pages keep them all
