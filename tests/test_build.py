"""Integration: the real seeds built into a temp project meet every contract of DESIGN.md."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import EN_SEED, FR_SEED, REPO, make_project
from diglot.build import content_files
from diglot.build import fileio
from diglot.build.pipeline import Options, build
from pages import read_page

SLUG = "chinas-state-security-authorities-warn-overseas-personnel-of"


def front_matter(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1])


def test_seeds_become_content_files(built_site):
    en = front_matter(built_site / "content" / f"{SLUG}.en.md")
    fr = front_matter(built_site / "content" / f"{SLUG}.fr.md")
    assert en["title"].startswith("China’s state security authorities")
    assert en["date"] == "2024-05-10T15:00:00" and fr["date"] == en["date"]
    assert en["section"] == fr["section"] == "CHINA / SOCIETY"
    assert en["source"] == fr["source"] == "Global Times"  # a publication's name is not translated
    assert en["credits"] == ["Spy Photo: VCG", "Photo: VCG"]
    assert fr["credits"] == ["Spy Photo: VCG", "Photo : VCG"]
    assert (en["seed"], fr["seed"]) == (EN_SEED, FR_SEED)
    assert len(en["seed_sha256"]) == 64 and "title" not in fr


def test_pages_listings_and_home_exist(built_site):
    site = built_site / "site"
    for path in (f"en/{SLUG}/index.html", f"fr/{SLUG}/index.html", "en/index.html", "fr/index.html",
                 "index.html", "404.html", "search/en/manifest.json", "search/fr/m/0.json",
                 "assets/lunr/lunr.min.js", "assets/lunr/lunr.fr.js"):
        assert (site / path).is_file(), path


def test_scripts_and_style_sheets_ship_minified_and_a_third_smaller(built_site):
    import gzip

    for source in sorted((REPO / "layouts" / "assets").glob("*.*s")):  # .js and .css
        shipped = (built_site / "site" / "assets" / source.name).read_bytes()
        assert b"\n  " not in shipped and b"/* " not in shipped, source.name
        assert len(gzip.compress(shipped)) < 0.85 * len(gzip.compress(source.read_bytes())), source.name


def test_minifying_keeps_licence_comments_and_code():
    from diglot.build.minify import minified

    script = b"/*! licence: keep */\n// why\nvar a = 1;  /* note */\nfunction f (x) {\n  return x + a;\n}\n"
    assert minified("assets/a.js", script) == b"/*! licence: keep */var a=1;function f(x){return x+a;}"
    assert minified("assets/a.min.js", script) == script and minified("assets/a.svg", script) == script
    assert minified("assets/a.css", b"/* c */\nbody {\n  color: red;\n}\n") == b"body{color:red}"
    nested = b"var s = `a ${x ? `b // c` : 'd'} e`;\nvar t = 1;\n"  # rjsmin would cut it at the //
    assert minified("assets/b.js", nested) == nested


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_article_head_contract(built_site, lang):
    page = read_page(built_site / "site" / lang / SLUG / "index.html")
    assert page.one("html").attrs["lang"] == lang
    alternates = {t.attrs["hreflang"]: t.attrs["href"] for t in page.find("link", rel="alternate", hreflang=True)}
    assert alternates == {"en": f"https://example.org/en/{SLUG}/", "fr": f"https://example.org/fr/{SLUG}/",
                          "x-default": f"https://example.org/en/{SLUG}/"}
    assert page.one("link", rel="canonical").attrs["href"] == f"https://example.org/{lang}/{SLUG}/"


def test_segments_match_across_languages(built_site):
    segs = {}
    for lang in ("en", "fr"):
        page = read_page(built_site / "site" / lang / SLUG / "index.html")
        body = [t for t in page.find("p", data_seg=True)]
        segs[lang] = [int(t.attrs["data-seg"]) for t in body]
        assert [t.attrs.get("id") for t in body] == [f"s{n}" for n in range(1, 9)]
    assert segs["en"] == segs["fr"] == list(range(1, 9))


def test_fifth_segment_translates_fifth_paragraph(built_site):
    en = read_page(built_site / "site" / "en" / SLUG / "index.html").one("p", id="s5").text
    fr = read_page(built_site / "site" / "fr" / SLUG / "index.html").one("p", id="s5").text
    assert en.startswith("The national security authorities remind")
    assert fr.startswith("Les autorités de sécurité nationale rappellent")


def test_french_page_shows_english_title_marked_english(built_site):
    page = read_page(built_site / "site" / "fr" / SLUG / "index.html")
    h1 = page.one("h1")
    assert h1.attrs.get("lang") == "en" and h1.text.startswith("China’s state security")
    assert "Global Times" in page.one("span", **{"class": "source"}).text


def test_toggle_is_a_real_link(built_site):
    page = read_page(built_site / "site" / "en" / SLUG / "index.html")
    toggle = page.one("a", **{"class": "toggle"})
    assert toggle.attrs["href"] == f"../../fr/{SLUG}/"
    assert toggle.attrs["hreflang"] == "fr" and toggle.attrs["lang"] == "fr"


def test_listings_localize_dates_newest_first(built_site):
    en = (built_site / "site" / "en" / "index.html").read_text(encoding="utf-8")
    fr = (built_site / "site" / "fr" / "index.html").read_text(encoding="utf-8")
    assert "May 10, 2024" in en and "10 mai 2024" in fr
    assert f'href="../en/{SLUG}/"' in en and f'href="../fr/{SLUG}/"' in fr


def test_home_links_every_language_without_js(built_site):
    page = read_page(built_site / "site" / "index.html")
    assert {t.attrs["href"] for t in page.find("a", data_choose_language=True)} == {"en/", "fr/"}


def test_no_third_party_requests(built_site):
    for path in (built_site / "site").rglob("*.html"):
        html = path.read_text(encoding="utf-8")
        for attr, url in re.findall(r'\b(src|href)="([^"]*)"', html):
            assert not url.startswith(("http:", "https:", "//")) or url.startswith("https://example.org/"), (path, url)


def test_every_relative_link_leads_to_a_page_of_the_site(built_site):
    site, followed = built_site / "site", 0
    for path in site.rglob("*.html"):
        if path.name == "404.html":
            continue  # served at any URL, so its links start from the base path instead
        for url in re.findall(r'\b(?:src|href)="([^"#?]+)', path.read_text(encoding="utf-8")):
            if url.startswith(("http:", "https:", "//", "data:", "mailto:")):
                continue
            target = (path.parent / url).resolve()
            assert target.is_file() or (target / "index.html").is_file(), (path.relative_to(site), url)
            followed += 1
    assert followed > 100


def test_a_first_import_cut_short_leaves_no_content_folder_and_the_next_one_completes(tmp_path, monkeypatch):
    folder, texts = tmp_path / "content", {f"a{n}.en.md": f"---\ntitle: A{n}\n---\nText {n}.\n" for n in range(5)}
    written, write_bytes = [], fileio.write_bytes

    def fail_on_the_third(path, data):
        """Write as usual, but fail on the third file, as a full disk would."""
        if len(written) == 2:
            raise OSError(28, "No space left on device")
        written.append(path)
        return write_bytes(path, data)

    for module in (content_files, fileio):
        monkeypatch.setattr(module, "write_bytes", fail_on_the_third, raising=False)
    with pytest.raises(OSError):
        content_files.write_content(folder, texts.items())
    assert not folder.exists()  # never a folder holding two of five files
    monkeypatch.undo()
    content_files.write_content(folder, texts.items())
    assert {p.name: p.read_text() for p in folder.iterdir()} == texts
    assert [p.name for p in tmp_path.iterdir()] == ["content"]  # the cut-short one's leftovers are gone


def test_summary_lists_pairing_with_score(project):
    result = subprocess.run([sys.executable, str(REPO / "build.py"), "--project", str(project)],
                            capture_output=True, text=True, check=True)
    assert re.search(rf"paired .*{EN_SEED}.*{FR_SEED}.*score 0\.\d+", result.stdout), result.stdout
    assert re.search(r"built 1 article in 2 languages .*1 pair of translations.* \d+\.\d+ s", result.stdout)
    assert f"imported seeds/{EN_SEED} → content/" in result.stdout


def test_help_lists_commands():
    result = subprocess.run([sys.executable, str(REPO / "build.py"), "--help"], capture_output=True,
                            text=True, check=True)
    assert all(word in result.stdout for word in ("build", "serve", "check", "--base-url", "--strict"))


def test_hand_edits_are_never_clobbered(project):
    build(Options(project=project))
    path = project / "content" / f"{SLUG}.en.md"
    edited = path.read_text(encoding="utf-8").replace("issued an article", "published an article")
    path.write_text(edited, encoding="utf-8")
    build(Options(project=project))
    assert path.read_text(encoding="utf-8") == edited
    assert "published an article" in (project / "site" / "en" / SLUG / "index.html").read_text(encoding="utf-8")


def test_changed_seed_reimports_unedited_and_reports_conflict(project):
    build(Options(project=project))
    seed = project / "seeds" / EN_SEED
    seed.write_bytes(seed.read_bytes().replace(b"10 notorious spy cases", b"11 notorious spy cases"))
    summary = build(Options(project=project))
    assert "11 notorious" in (project / "content" / f"{SLUG}.en.md").read_text(encoding="utf-8")
    assert not [w for w in summary.report.warnings if "edited by hand" in w.what]
    path = project / "content" / f"{SLUG}.en.md"
    path.write_text(path.read_text(encoding="utf-8").replace("In April", "In early April"), encoding="utf-8")
    seed.write_bytes(seed.read_bytes().replace(b"11 notorious", b"12 notorious"))
    summary = build(Options(project=project))
    conflict = [str(w) for w in summary.report.warnings]
    assert any(f"content/{SLUG}.en.md" in w and EN_SEED in w for w in conflict), conflict
    assert "In early April" in path.read_text(encoding="utf-8")


def test_unreadable_seed_is_skipped_with_reason(tmp_path):
    seeds = {p.name: p.read_bytes() for p in (REPO / "seeds").glob("*.txt")}
    seeds["zzz_binary.txt"] = b"\x00\x01\x02 not text"
    seeds["zzz_empty.txt"] = b"   \n"
    project = make_project(tmp_path / "p", seeds)
    summary = build(Options(project=project))
    named = {w.path for w in summary.report.warnings}
    assert {"seeds/zzz_binary.txt", "seeds/zzz_empty.txt"} <= named
    assert summary.articles == 1 and (project / "site" / "en" / SLUG / "index.html").exists()


def test_seed_markup_is_shown_literally(tmp_path):
    text = ("Markup test headline\n\n"
            "* not a list, <script>alert(1)</script> & [x](javascript:alert(1)) stay text.\n\n"
            "# not a heading, 1. not a list item, and _not emphasis_ either.")
    project = make_project(tmp_path / "p", {"m.txt": text.encode()})
    build(Options(project=project))
    html = next((project / "site" / "en").glob("*/index.html")).read_text(encoding="utf-8")
    body = html.split('class="article-body">')[1]
    assert "<script>alert" not in body and "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "javascript:" not in re.findall(r'href="([^"]*)"', body).__str__()
    assert "<li>" not in body and "<h1" not in body and "<em>" not in body
    assert "* not a list" in body and "# not a heading" in body


def test_sub_path_links_stay_relative(tmp_path):
    project = make_project(tmp_path / "p", base_url="https://example.org/news/")
    build(Options(project=project))
    page = read_page(project / "site" / "fr" / SLUG / "index.html")
    assert page.one("link", rel="canonical").attrs["href"] == f"https://example.org/news/fr/{SLUG}/"
    styles = {t.attrs["href"] for t in page.find("link", rel="stylesheet")}
    assert "../../assets/site.css" in styles and all(h.startswith("../../assets/") for h in styles)
    not_found = (project / "site" / "404.html").read_text(encoding="utf-8")
    assert 'href="/news/en/"' in not_found


def test_summary_counts_a_problem_shared_by_many_files():
    from diglot.cli import format_warnings
    from diglot.errors import Problem, Report
    many = [Problem(f"content/a{i}.fr.md", "has no title") for i in range(5)]
    lines = format_warnings(Report(many + [Problem("seeds/x.txt", "is empty")]))
    assert lines[:3] == [f"warning: content/a{i}.fr.md: has no title" for i in range(3)]
    assert lines[3] == "warning: … and 2 more files with the same problem"
    assert lines[4] == "warning: seeds/x.txt: is empty"


def test_own_layouts_with_a_search_script_for_other_files_are_warned_about(tmp_path):
    """A project that copied diglot's layouts before an upgrade changed the search files' format
    keeps a search-shards.js that would misread them: the build says which file and what to do."""
    import shutil

    from diglot.search.shards import SHARDED_FORMAT

    project = make_project(tmp_path / "p")
    shutil.copytree(REPO / "layouts", project / "layouts")
    script = project / "layouts" / "assets" / "search-shards.js"

    def search_script_warnings():
        return [w for w in build(Options(project=project)).report.warnings if w.path.endswith("search-shards.js")]

    assert search_script_warnings() == []  # diglot's own copy reads what the build writes
    text = script.read_text(encoding="utf-8")
    script.write_text(text.replace(f"var FORMAT = {SHARDED_FORMAT};", "var FORMAT = 2;"), encoding="utf-8")
    warned = search_script_warnings()
    assert len(warned) == 1 and warned[0].path == str(script)
    assert "format 2" in warned[0].what and f"format {SHARDED_FORMAT}" in warned[0].what
    assert "copy search-shards.js" in warned[0].fix
