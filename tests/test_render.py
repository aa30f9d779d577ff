"""Rendered pages: parallel view, sections, single-language articles, strings and French typography."""
from __future__ import annotations

import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from conftest import REPO, SEEDS, make_project
from diglot.build.pipeline import Options, build
from pages import read_page

SLUG = "chinas-state-security-authorities-warn-overseas-personnel-of"
ONLY = "harbour-city-opens-a-floating-library-for-summer-readers"
ENGLISH_ONLY_SEED = (
    "WORLD\u00a0/\u00a0EUROPE\n"
    "Harbour city opens a floating library for summer readers\n"
    "Published: June 1, 2024 09:30 AM\n\n"
    "A floating library opened on Saturday in the harbour of a small coastal city, offering 2,400 books "
    "to summer visitors who want to read by the water.\n\n"
    "The project cost 180,000 euros and was funded by the city council and local businesses, officials said.\n\n"
    "Organizers expect 15,000 visitors before the library closes at the end of September.\n\n"
    "Coastal Herald").encode("utf-8")


def site_with_english_only(root: Path) -> Path:
    """The real pair plus an English-only article; site.yaml translates one of the two sections."""
    seeds = {p.name: p.read_bytes() for p in SEEDS.glob("*.txt")}
    seeds["zz_only.txt"] = ENGLISH_ONLY_SEED
    project = make_project(root, seeds, base_url="https://example.org/news/")
    with (project / "site.yaml").open("a", encoding="utf-8") as f:
        f.write("sections:\n  CHINA / SOCIETY: {en: China / Society, fr: Chine / Société}\n")
    build(Options(project=project))
    return project


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """The built site/ folder of the two-article project."""
    return site_with_english_only(tmp_path_factory.mktemp("render") / "project") / "site"


class LangText(HTMLParser):
    """Text and reader-facing attributes of a page, each with the language of its element."""

    VOID = {"meta", "link", "img", "br", "hr", "input", "source"}
    SHOWN = ("aria-label", "title", "alt", "placeholder", "data-peek-show", "data-peek-missing", "data-peek-error")

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, str]] = []
        self.pieces: list[tuple[str, str]] = []

    def lang(self) -> str:
        return self.stack[-1][1] if self.stack else ""

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        lang = attrs.get("lang") or self.lang()
        self.pieces += [(lang, attrs[name]) for name in self.SHOWN if attrs.get(name)]
        if tag == "meta" and attrs.get("name") == "description":
            self.pieces.append((lang, attrs.get("content", "")))
        if tag not in self.VOID:
            self.stack.append((tag, lang))

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                break

    def handle_data(self, data):
        if data.strip() and (not self.stack or self.stack[-1][0] not in ("script", "style")):
            self.pieces.append((self.lang(), data))


def french_text(path: Path) -> str:
    """Everything a French reader reads on a page that is marked French (other languages left out)."""
    parser = LangText()
    parser.feed(path.read_text(encoding="utf-8"))
    return "\n".join(text for lang, text in parser.pieces if lang == "fr")


def leaves(value, path=()):
    """(key path, string) for every string of a nested strings mapping."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from leaves(item, path + (key,))
    else:
        yield path, value


def strings(lang: str) -> dict:
    return dict(leaves(yaml.safe_load((REPO / "layouts" / "strings" / f"{lang}.yaml").read_text(encoding="utf-8"))))


def french_pages(site: Path) -> list[Path]:
    """Every page a French reader sees: the French tree, plus the bilingual home and 404."""
    return sorted((site / "fr").rglob("*.html")) + [site / "index.html", site / "404.html"]


def test_strings_files_have_the_same_keys():
    assert set(strings("en")) == set(strings("fr"))


def test_french_pages_show_no_english_interface_string(site):
    en, fr = strings("en"), strings("fr")
    english = {text for key, text in en.items() if isinstance(text, str) and text != fr[key] and len(text) > 3}
    assert "Credits:" in english and "Side by side" in english
    pages = french_pages(site)
    assert len(pages) >= 7
    for path in pages:
        text = french_text(path)
        found = sorted(word for word in english if word.replace("'", "’") in text or word in text)
        assert not found, (path, found)


def test_french_interface_follows_french_typography(site):
    for path in french_pages(site):
        text = french_text(path)
        assert "'" not in text, path  # apostrophes are typographic
        loose = re.findall(r"\S*(?: [:;!?»]|« |[^\s\u00a0\u202f\d][:;!?])\S*", text)
        assert not loose, (path, loose)
    article = (site / "fr" / SLUG / "index.html").read_text(encoding="utf-8")
    assert "Crédits\u00a0: Spy Photo" in article


def test_english_only_article_is_listed_in_both_languages_with_a_badge(site):
    fr = read_page(site / "fr" / "index.html")
    item = [li for li in fr.find("li") if "floating library" in li.text]
    assert len(item) == 1 and item[0].attrs["lang"] == "en"
    badge = fr.one("span", **{"class": "badge"})
    assert badge.text == "Uniquement en anglais" and badge.attrs["lang"] == "fr"
    assert "1er juin 2024" in item[0].text
    en = read_page(site / "en" / "index.html")
    assert not en.find("span", **{"class": "badge"}) and "June 1, 2024" in en.find("li")[0].text
    assert not (site / "fr" / ONLY).exists() and not (site / "en" / ONLY / "parallel.html").exists()


def test_missing_translation_toggle_is_disabled_and_says_why(site):
    page = read_page(site / "en" / ONLY / "index.html")
    toggle = page.one("a", **{"class": "toggle"})
    assert toggle.attrs["aria-disabled"] == "true" and "href" not in toggle.attrs
    note = page.one("span", id=toggle.attrs["aria-describedby"])
    assert note.text == "This article has no French translation yet."
    assert not page.find("a", href="parallel.html")


def test_section_pages_translate_known_names_and_keep_others(site):
    assert read_page(site / "en" / "section" / "china-society" / "index.html").one("h1").text == "China / Society"
    assert read_page(site / "fr" / "section" / "china-society" / "index.html").one("h1").text == "Chine / Société"
    europe = read_page(site / "fr" / "section" / "world-europe" / "index.html")
    assert europe.one("h1").text == "WORLD / EUROPE"
    assert [li.text for li in europe.find("li", lang="en") if "floating" in li.text]
    assert not [li for li in europe.find("li") if "spy recruitment" in li.text]


@pytest.mark.parametrize("lang,label", [("en", "China / Society"), ("fr", "Chine / Société")])
def test_article_links_its_section(site, lang, label):
    page = read_page(site / lang / SLUG / "index.html")
    link = page.one("a", href=f"../../{lang}/section/china-society/")
    assert link.text == label


@pytest.mark.parametrize("lang,other", [("en", "fr"), ("fr", "en")])
def test_parallel_view_pairs_every_segment_reader_language_first(site, lang, other):
    page = read_page(site / lang / SLUG / "parallel.html")
    rows = page.find("div", **{"class": "pair"})
    assert [(r.attrs["data-seg"], r.attrs["id"]) for r in rows] == [(str(n), f"s{n}") for n in range(1, 9)]
    mine = page.find("div", **{"class": "half mine"})
    theirs = page.find("div", **{"class": "half theirs"})
    assert {d.attrs["lang"] for d in mine} == {lang} and {d.attrs["lang"] for d in theirs} == {other}
    single = read_page(site / lang / SLUG / "index.html").one("p", id="s5").text
    translated = read_page(site / other / SLUG / "index.html").one("p", id="s5").text
    assert (mine[4].text.strip(), theirs[4].text.strip()) == (single, translated)


@pytest.mark.parametrize("lang,other", [("en", "fr"), ("fr", "en")])
def test_toggle_and_parallel_view_link_each_other_keeping_place(site, lang, other):
    article = read_page(site / lang / SLUG / "index.html")
    assert article.one("a", href="parallel.html").attrs.get("data-keep-place") == ""
    parallel = read_page(site / lang / SLUG / "parallel.html")
    assert parallel.one("a", href="./").attrs.get("data-keep-place") == ""
    swap = parallel.one("a", **{"class": "toggle"})
    assert swap.attrs["href"] == f"../../{other}/{SLUG}/parallel.html" and "data-keep-place" in swap.attrs


@pytest.mark.parametrize("lang,locale,alternate", [("en", "en_US", "fr_FR"), ("fr", "fr_FR", "en_US")])
def test_article_has_description_and_open_graph(site, lang, locale, alternate):
    page = read_page(site / lang / SLUG / "index.html")
    og = {t.attrs["property"]: t.attrs["content"] for t in page.find("meta", property=True)}
    assert og["og:type"] == "article" and og["og:title"].startswith("China’s state security")
    assert og["og:url"] == page.one("link", rel="canonical").attrs["href"] == f"https://example.org/news/{lang}/{SLUG}/"
    assert (og["og:locale"], og["og:locale:alternate"]) == (locale, alternate)
    description = [t.attrs["content"] for t in page.find("meta") if t.attrs.get("name") == "description"]
    assert len(description) == 1 and len(description[0]) > 50
    only = read_page(site / "en" / ONLY / "index.html")
    assert not only.find("meta", property="og:locale:alternate")


def test_every_page_links_its_language_feed(site):
    for path in (site / "en").rglob("*.html"):
        link = read_page(path).one("link", type="application/atom+xml")
        assert link.attrs["href"].endswith("en/feed.xml") and (path.parent / link.attrs["href"]).resolve().is_file()


@pytest.fixture
def rerendered(monkeypatch):
    """rerendered(project): rebuild project (already built once) and return the pages the build
    rendered again, as the renderer saw them (every map in this process, so a recorder sees all)."""
    from diglot.build import steps
    monkeypatch.setenv("DIGLOT_SERIAL", "1")
    render_page = steps.render_page

    def rebuild(project: Path) -> set[str]:
        seen = []
        monkeypatch.setattr(steps, "render_page", lambda env, job: seen.append(job.page.path) or render_page(env, job))
        build(Options(project=project))
        monkeypatch.setattr(steps, "render_page", render_page)
        return set(seen)

    return rebuild


def edit_content(project: Path, name: str, old: str, new: str) -> None:
    """Replace old by new in a content file (once, and it must be there)."""
    path = project / "content" / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


FULL = {f"{lang}/{SLUG}/{view}" for lang in ("en", "fr") for view in ("index.html", "parallel.html")} \
    | {"en/feed.xml", "fr/feed.xml"}  # the pages that show the article's whole text


def test_a_body_edit_rerenders_the_pages_showing_the_text_but_no_listing(tmp_path, rerendered):
    project = site_with_english_only(tmp_path / "p")
    assert rerendered(project) == set()  # nothing changed: nothing rendered
    # A paragraph added at the end: the description (the first two paragraphs) does not change.
    edit_content(project, f"{SLUG}.en.md", "according to state security authorities.\n",
                 "according to state security authorities.\n\nA new closing paragraph.\n")
    assert rerendered(project) == FULL


def test_a_title_edit_rerenders_the_listings_that_show_it(tmp_path, rerendered):
    project = site_with_english_only(tmp_path / "p")
    edit_content(project, f"{SLUG}.en.md", "title: China’s state security", "title: China’s security")
    changed = rerendered(project)
    # The French file has no title: its version, and so the French listing, shows the English one.
    assert {"en/index.html", "en/section/china-society/index.html", "fr/index.html", "index.html"} | FULL <= changed
    assert "sitemap.xml" not in changed and "en/section/world-europe/index.html" not in changed
    assert f"en/{ONLY}/index.html" not in changed


def test_editing_a_description_rerenders_listings_of_that_language(tmp_path, rerendered):
    project = site_with_english_only(tmp_path / "p")
    edit_content(project, f"{SLUG}.fr.md", "---\n", "---\ndescription: Un résumé écrit à la main.\n")
    changed = rerendered(project)
    assert {"fr/index.html", "fr/section/china-society/index.html"} <= changed
    assert "en/index.html" not in changed  # the English listing shows the English version


def test_a_shared_partial_is_rendered_once_per_language_and_depth_and_sees_no_more_of_the_page(tmp_path):
    from jinja2 import UndefinedError
    from diglot.config import load_config
    from diglot.render.environment import make_environment
    from diglot.render.pages import Page, PageJob, render_page
    layouts = tmp_path / "layouts"
    shutil.copytree(REPO / "layouts", layouts)
    (layouts / "partials" / "where.html").write_text("{{ page.root }}{{ page.lang }} {{ site_title }}")
    (layouts / "partials" / "leaky.html").write_text("{{ page.url }}")
    for name in ("where", "leaky"):
        (layouts / f"{name}.html").write_text(f'{{% shared "partials/{name}.html" %}}')
    env = make_environment(layouts, load_config(make_project(tmp_path / "p") / "site.yaml"))

    def render(template: str, path: str, lang: str) -> str:
        return render_page(env, PageJob(template, Page(path, lang), {}, ())).decode()

    assert render("where.html", "fr/a/index.html", "fr") == render("where.html", "fr/b/index.html", "fr") \
        == "../../fr Site de test"
    assert render("where.html", "en/index.html", "en") == "../en Test site"
    assert len(env.extensions["diglot.render.environment.SharedPartials"].rendered) == 2
    with pytest.raises(UndefinedError, match="url"):  # a page's own value would be wrong on the next page
        render("leaky.html", "en/index.html", "en")


def test_a_title_shown_in_the_other_language_is_marked_with_that_language(site):
    listing = read_page(site / "fr" / "index.html")
    link = [a for a in listing.find("a") if "spy recruitment" in a.text]
    assert len(link) == 1 and link[0].attrs["lang"] == "en"  # read with an English voice
    assert read_page(site / "404.html").one("title").text == "Page not found · Page introuvable"
