"""Newsroom headers (issue 21, items 1–2): bylines, credits, dates and updates read line by line in
any order and never left in the body; per-language titles and sections; authors and updates shown."""
from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml

from conftest import make_project
from diglot.build.pipeline import Options, build
from diglot.content.frontmatter import format_meta, join_front_matter, parse_front_matter, read_meta, split_front_matter
from diglot.content.importer import plan_import
from diglot.errors import DiglotError
from diglot.seeds.bylines import is_credit, read_byline
from diglot.seeds.dates import read_date
from diglot.seeds.parse import parse_seed

BODY = ("The ministry said on Friday that 2,300 companies had joined the programme in 47 cities.\n\n"
        "Officials in Shanghai expect the number to double by 2026, according to the report.")


def parse(header: str, body: str = BODY):
    """parse_seed of a header and a body."""
    return parse_seed(f"{header}\n\n{body}", "seed.txt")


# ---------------------------------------------------------------- header lines, any order


def test_byline_and_credit_run_together_are_header_not_body():
    draft = parse("WORLD\nA headline about trade\nBy Jane Doe and John Smith\nPhoto: Xinhua", BODY)
    assert draft.authors == ("Jane Doe", "John Smith")
    assert draft.credits == ("Photo: Xinhua",)
    assert draft.paragraphs[0].startswith("The ministry said on Friday")
    assert draft.notes == ()


@pytest.mark.parametrize("header", [
    "Photo: VCG\nBy Jane Doe\nPublished: May 10, 2024 03:00 PM\nA headline about trade\nWORLD",
    "A headline about trade\n\nWORLD\n\nPublished: May 10, 2024 03:00 PM\n\nPhoto: VCG\n\nBy Jane Doe",
    "By Jane Doe\nWORLD\nPhoto: VCG\n\nA headline about trade\nPublished: May 10, 2024 03:00 PM",
])
def test_header_lines_come_in_any_order_with_or_without_blank_lines(header):
    draft = parse(header)
    assert (draft.section, draft.title) == ("WORLD", "A headline about trade")
    assert (draft.authors, draft.credits) == (("Jane Doe",), ("Photo: VCG",))
    assert draft.date == datetime(2024, 5, 10, 15, 0)
    assert len(draft.paragraphs) == 2 and draft.paragraphs[0].startswith("The ministry said")


def test_header_and_first_paragraph_in_one_block():
    draft = parse_seed("A headline about trade\nBy Jane Doe\n" + BODY.replace("\n\n", "\n"), "s.txt")
    assert draft.title == "A headline about trade" and draft.authors == ("Jane Doe",)
    assert draft.paragraphs[0].startswith("The ministry said on Friday")


@pytest.mark.parametrize("line, names", [
    ("By Jane Doe", ("Jane Doe",)),
    ("By Jane Doe and John Smith", ("Jane Doe", "John Smith")),
    ("By Jane Doe, Global Times", ("Jane Doe",)),
    ("By Jane Doe, Staff Reporter", ("Jane Doe",)),
    ("By Jane Doe | Global Times", ("Jane Doe",)),
    ("By Jane Doe - Reuters", ("Jane Doe",)),
    ("By Jane Doe, John Smith and Ann Lee, Global Times", ("Jane Doe", "John Smith", "Ann Lee")),
    ("By Wang Qi and Xu Keyue in Beijing", ("Wang Qi", "Xu Keyue")),
    ("BY JANE DOE", ("Jane Doe",)),
    ("By Jean-Pierre de la Fontaine", ("Jean-Pierre de la Fontaine",)),
    ("By Xinhua", ("Xinhua",)),
    ("Par Marie Dupont", ("Marie Dupont",)),
    ("Par Marie Dupont et Jean Martin", ("Marie Dupont", "Jean Martin")),
    ("Par Marie Dupont, à Paris", ("Marie Dupont",)),
    ("Par Marie Dupont et Jean Martin, envoyés spéciaux à Pékin", ("Marie Dupont", "Jean Martin")),
    ("Par Marie Dupont (AFP)", ("Marie Dupont",)),
    ("Author: Jane Doe", ("Jane Doe",)),
])
def test_bylines_give_the_authors_names(line, names):
    assert read_byline(line) == names
    draft = parse(f"A headline\n{line}")
    assert draft.authors == names and draft.byline == line
    assert draft.paragraphs[0].startswith("The ministry said")


@pytest.mark.parametrize("first", [
    "By the end of the year, the ministry had received 300 complaints.",
    "By Friday, the ministry had received 300 complaints",
    "By Chinese standards, the programme is small.",
    "By March 2025 the programme will cover every province",
    "Par ailleurs, le ministère a reçu 300 plaintes.",
    "Par conséquent, le programme reste modeste",
])
def test_body_paragraph_that_starts_with_by_or_par_stays_body(first):
    draft = parse("A headline\nPhoto: VCG", f"{first}\n\n{BODY}")
    assert draft.authors == () and draft.paragraphs[0] == first


@pytest.mark.parametrize("line", ["Photo: Xinhua", "Photo : AFP", "Spy Photo: VCG", "Photo/VCG", "Photos: VCG",
                                  "Photos/VCG", "(Photo: CFP)", "Photo by Jane Doe", "Crédit photo : AFP",
                                  "Photo：IC", "A woman walks past the ministry in Beijing. Photo: VCG"])
def test_credit_lines_go_to_credits(line):
    assert is_credit(line)
    draft = parse(f"A headline\n{line}")
    assert draft.credits == (line,) and draft.paragraphs[0].startswith("The ministry said")


@pytest.mark.parametrize("line", ["The ministry released three photos: one shows the building and another the "
                                  "streets of Beijing at night.", "Image by image, the town changed"])
def test_sentences_about_photos_are_not_credits(line):
    assert not is_credit(line)


# ---------------------------------------------------------------- dates and updates


@pytest.mark.parametrize("line, expected", [
    ("Publié le 12 juillet 2024 à 14 h 30", datetime(2024, 7, 12, 14, 30)),
    ("Mis à jour le 13 juillet 2024 à 8h05", datetime(2024, 7, 13, 8, 5)),
    ("Publié : 12 juillet 2024", datetime(2024, 7, 12)),
    ("July 12, 2024", datetime(2024, 7, 12)),
    ("Friday, July 12, 2024 at 2:30 p.m. EDT", datetime(2024, 7, 12, 14, 30)),
    ("Sept. 3, 2024", datetime(2024, 9, 3)),
    ("2024-07-12", datetime(2024, 7, 12)),
    ("2024-07-12T14:30:00Z", datetime(2024, 7, 12, 14, 30)),
    ("Published on July 12, 2024 14:30 GMT+8", datetime(2024, 7, 12, 14, 30)),
    ("Updated: May 11, 2024 09:00 AM", datetime(2024, 5, 11, 9, 0)),
    ("Publié le 12/07/2024 à 14:30", datetime(2024, 7, 12, 14, 30)),
])
def test_date_forms_are_read(line, expected):
    assert read_date(line) == expected
    assert parse(f"A headline\n{line}").date == expected


@pytest.mark.parametrize("header", [
    "A headline\nPublished: May 10, 2024 03:00 PM\nUpdated: May 11, 2024 09:00 AM",
    "A headline\nUpdated: May 11, 2024 09:00 AM\n\nPublished: May 10, 2024 03:00 PM",
    "A headline\nPublished: May 10, 2024 03:00 PM | Updated: May 11, 2024 09:00 AM",
    "A headline\nBy Jane Doe Published: May 10, 2024 03:00 PM Updated: May 11, 2024 09:00 AM",
])
def test_published_and_updated_times_go_to_date_and_updated(header):
    draft = parse(header)
    assert (draft.date, draft.updated) == (datetime(2024, 5, 10, 15, 0), datetime(2024, 5, 11, 9, 0))
    assert draft.paragraphs[0].startswith("The ministry said")


def test_french_publication_and_update_on_one_line():
    draft = parse("Un titre\nPublié le 12 juillet 2024 à 14 h 30, mis à jour le 13 juillet 2024 à 8h05\nPar Marie Dupont")
    assert (draft.date, draft.updated) == (datetime(2024, 7, 12, 14, 30), datetime(2024, 7, 13, 8, 5))
    assert draft.authors == ("Marie Dupont",)


def test_an_update_alone_dates_the_article():
    draft = parse("A headline\nUpdated: May 11, 2024 09:00 AM")
    assert draft.date == draft.updated == datetime(2024, 5, 11, 9, 0)
    [planned] = plan_import(SimpleNamespace(pairs=[], singles=[draft]), {})
    assert "date: '2024-05-11T09:00:00'" in planned.text and "updated:" not in planned.text


# ---------------------------------------------------------------- front matter per language


def pair_of(en_header: str, fr_header: str):
    """A pairing of an English and a French draft (as pairing.pair_drafts gives it)."""
    en = parse_seed(f"{en_header}\n\n{BODY}", "en.txt")
    fr = parse_seed(f"{fr_header}\n\nLe ministère a annoncé vendredi 2 300 entreprises dans 47 villes.", "fr.txt")
    return SimpleNamespace(pairs=[SimpleNamespace(original=fr, translation=en)], singles=[])


def metas(pairing) -> dict[str, dict]:
    """Front matter of each planned content file, by language."""
    planned = plan_import(pairing, {})
    return {item.name.split(".")[-2]: yaml.safe_load(item.text.split("---\n")[1]) for item in planned}


def test_each_version_keeps_its_own_title_and_section_and_shares_the_rest():
    meta = metas(pair_of("WORLD\nTrade grows\nUpdated: July 13, 2024 08:05 AM",
                         "MONDE\nLe commerce progresse\nPublié le 12 juillet 2024 à 14 h 30\nPar Marie Dupont"))
    assert (meta["fr"]["title"], meta["fr"]["section"]) == ("Le commerce progresse", "MONDE")
    assert (meta["en"]["title"], meta["en"]["section"]) == ("Trade grows", "WORLD")
    for lang in ("en", "fr"):
        assert meta[lang]["authors"] == ["Marie Dupont"]
        assert meta[lang]["date"] == "2024-07-12T14:30:00" and meta[lang]["updated"] == "2024-07-13T08:05:00"


def test_a_version_without_a_section_shows_the_other_ones():
    meta = metas(pair_of("Trade grows", "MONDE\nLe commerce progresse"))
    assert meta["en"]["section"] == meta["fr"]["section"] == "MONDE"
    assert "authors" not in meta["en"] and "updated" not in meta["en"]


def test_importer_front_matter_with_authors_and_updated_is_read_without_yaml():
    meta = {"title": "Trade grows", "date": "2024-07-12T14:30:00", "updated": "2024-07-13T08:05:00",
            "authors": ["Jane Doe", "Marie-Ève O'Neil"], "credits": ["Photo/VCG"], "seed": "a.txt"}
    head = split_front_matter(join_front_matter(meta, "Body."), "a.en.md")[0]
    fast = read_meta(head)
    assert fast is not None and fast[0] == yaml.safe_load(head)
    assert format_meta(meta) is not None


@pytest.mark.parametrize("lines, message, line", [
    ("authors: 12\n", "authors has the wrong type", 3),
    ("authors:\n- Jane Doe\n- 12\n", "authors item 2 (12) is not a name", 5),
    ("updated: soon\n", "updated 'soon' is not an ISO 8601 date", 3),
    ("updated: {a: 1}\n", "updated has the wrong type", 3),
])
def test_bad_authors_and_updated_are_errors_naming_the_line(lines, message, line):
    with pytest.raises(DiglotError) as caught:
        parse_front_matter(f"---\ntitle: T\n{lines}---\nBody.\n", "content/a.en.md")
    problem = caught.value.problems[0]
    assert message in problem.what and problem.line == line


# ---------------------------------------------------------------- end to end

EN_SEED = """WORLD
Trade programme reaches 2,300 companies in 47 cities
By Jane Doe and John Smith, Global Times
Photo: Xinhua
Published: July 12, 2024 02:30 PM
Updated: July 13, 2024 08:05 AM

The Ministry of Commerce said on Friday that 2,300 companies had joined the programme in 47 cities since March.

Officials in Shanghai and Shenzhen expect the number to reach 5,000 by 2026, according to the ministry's report.

Wang Lei, a researcher at Fudan University, said the 18 percent rise in exports showed the programme worked.

The ministry will publish its next report on September 30.

Global Times
"""
FR_SEED = """MONDE / ÉCONOMIE
Le programme commercial atteint 2 300 entreprises dans 47 villes
Par Jane Doe et John Smith
Photo : Xinhua

Le ministère du Commerce a indiqué vendredi que 2 300 entreprises avaient rejoint le programme dans 47 villes depuis mars.

Les responsables de Shanghai et de Shenzhen s'attendent à ce que ce nombre atteigne 5 000 d'ici 2026, selon le rapport du ministère.

Wang Lei, chercheur à l'université Fudan, a déclaré que la hausse de 18 % des exportations montrait que le programme fonctionnait.

Le ministère publiera son prochain rapport le 30 septembre.

Temps mondial
"""


@pytest.fixture(scope="module")
def newsroom_site(tmp_path_factory) -> Path:
    """A project of one newsroom pair, built once."""
    root = make_project(tmp_path_factory.mktemp("newsroom") / "project",
                        {"en.txt": EN_SEED.encode(), "fr.txt": FR_SEED.encode()})
    build(Options(project=root))
    return root


def article_page(root: Path, lang: str) -> str:
    """The HTML of the one article's page in lang."""
    [page] = [p for p in (root / "site" / lang).glob("*/index.html") if (p.parent / "parallel.html").exists()]
    return page.read_text(encoding="utf-8")


def first_segment(html: str) -> str:
    """The text of the first paragraph with a data-seg attribute (its sentences' spans left out)."""
    return re.sub(r"</?span[^>]*>", "", re.search(r'<p[^>]*data-seg="1"[^>]*>(.*?)</p>', html, re.S).group(1))


@pytest.mark.parametrize("lang, authors, updated, section, first", [
    ("en", "By Jane Doe and John Smith", "Updated <time datetime=\"2024-07-13T08:05:00\">July 13, 2024</time>",
     "World", "The Ministry of Commerce said on Friday"),
    ("fr", "Par Jane Doe et John Smith", "Mis à jour le <time datetime=\"2024-07-13T08:05:00\">13 juillet 2024"
     "</time>", "MONDE / ÉCONOMIE", "Le ministère du Commerce a indiqué vendredi"),
])
def test_pages_show_authors_update_and_own_section_and_start_with_the_body(newsroom_site, lang, authors, updated,
                                                                           section, first):
    html = article_page(newsroom_site, lang)
    assert f'<p class="authors">{authors}</p>' in html
    assert updated in html
    assert re.search(r'<p class="section-name"><a [^>]*>([^<]*)</a>', html).group(1).upper() == section.upper()
    assert first_segment(html).startswith(first)
    assert "By Jane" not in first_segment(html) and "Photo" not in first_segment(html)


def test_front_matter_of_the_newsroom_pair(newsroom_site):
    files = {p.name.split(".")[-2]: p for p in (newsroom_site / "content").glob("*.md")}
    en, fr = ({**yaml.safe_load(files[lang].read_text(encoding="utf-8").split("---\n")[1])} for lang in ("en", "fr"))
    assert en["authors"] == fr["authors"] == ["Jane Doe", "John Smith"]
    assert (en["section"], fr["section"]) == ("WORLD", "MONDE / ÉCONOMIE")
    assert en["updated"] == fr["updated"] == "2024-07-13T08:05:00"
    assert en["credits"] == ["Photo: Xinhua"] and fr["credits"] == ["Photo : Xinhua"]


# ---------------------------------------------------------------- more newsroom shapes


def test_wire_header_of_sources_dates_and_editors_on_one_line():
    draft = parse("Trade grows\nSource: Xinhua | 2024-07-12 14:30:05 | Editor: Li Yan")
    assert draft.credits == ("Source: Xinhua", "Editor: Li Yan") and draft.date == datetime(2024, 7, 12, 14, 30)
    assert draft.paragraphs[0].startswith("The ministry said")


def test_byline_with_its_publication_and_update_on_one_line():
    draft = parse("Trade grows\nBy Wang Qi | chinadaily.com.cn | Updated: 2024-07-12 14:30")
    assert draft.authors == ("Wang Qi",) and draft.updated == datetime(2024, 7, 12, 14, 30)
    assert draft.paragraphs[0].startswith("The ministry said")


def test_standfirst_stays_the_first_paragraph_and_the_header_lines_after_it_are_read():
    draft = parse("Trade grows\nThe programme now covers 47 cities.\nBy Jane Doe\nPhoto: VCG")
    assert (draft.authors, draft.credits) == (("Jane Doe",), ("Photo: VCG",))
    assert draft.paragraphs[0] == "The programme now covers 47 cities."
    assert draft.paragraphs[1].startswith("The ministry said")


def test_agency_line_before_the_date_is_a_credit():
    draft = parse("Trade grows\nReuters\nJuly 12, 2024 2:30 PM GMT+8")
    assert draft.credits == ("Reuters",) and draft.date == datetime(2024, 7, 12, 14, 30)
    assert draft.paragraphs[0].startswith("The ministry said")


@pytest.mark.parametrize("line", ["By Staff Reporter", "By Global Times staff reporter", "Par notre correspondant à Pékin"])
def test_bylines_that_name_a_role_are_header_lines_without_authors(line):
    draft = parse(f"Trade grows\n{line}\nPhoto: VCG")
    assert (draft.authors, draft.byline, draft.credits) == ((), line, ("Photo: VCG",))
    assert draft.paragraphs[0].startswith("The ministry said")


@pytest.mark.parametrize("line, source", [("Source: Xinhua", "Xinhua"), ("Source : AFP", "AFP"),
                                          ("Sources: AFP, Reuters", "AFP, Reuters"), ("Global Times", "Global Times")])
def test_a_trailing_source_line_is_the_source_not_a_paragraph(line, source):
    body = ("The first paragraph, long enough to be one.", "The second paragraph, as long as the first.")
    draft = parse_seed("A headline\n\n" + "\n\n".join(body) + f"\n\n{line}\n", "s.txt")
    assert (draft.source, draft.paragraphs, draft.credits) == (source, body, ())
    assert "credit line" not in " ".join(draft.notes)


def test_a_last_sentence_that_mentions_a_source_stays_in_the_body():
    text = "A headline\n\nThe first paragraph.\n\nThe second one.\n\nSource: officials said the talks would resume in May.\n"
    assert parse_seed(text, "s.txt").paragraphs[-1].startswith("Source: officials")


@pytest.mark.parametrize("kicker, headline", [("World", "City council approves tram extension"),
                                              ("Planète", "La canicule s'installe dans le Sud-Ouest")])
@pytest.mark.parametrize("gap", ["\n", "\n\n"], ids=["together", "apart"])
def test_a_mixed_case_kicker_above_the_headline_is_the_section(kicker, headline, gap):
    text = f"{kicker}{gap}{headline}{gap}By Jane Doe\n\nThe first paragraph of the story.\n\nThe second paragraph.\n"
    draft = parse_seed(text, "s.txt")
    assert (draft.section, draft.title, draft.credits) == (kicker, headline, ())


def test_a_headline_alone_above_its_byline_is_no_kicker():
    draft = parse_seed("Heatwave grips the south-west\nBy Jane Doe\n\nThe first paragraph.\n\nThe second.\n", "s.txt")
    assert (draft.section, draft.title) == (None, "Heatwave grips the south-west")
    # Two short lines apart with no byline or date under them: a headline and its standfirst.
    draft = parse_seed("Heatwave\n\nThe south-west braces for 41 degrees\n\nThe first paragraph.\n", "s.txt")
    assert (draft.section, draft.title) == (None, "Heatwave")


def test_sections_named_in_two_cases_are_one_section_page(tmp_path):
    seeds = {"a.txt": b"WORLD\nLeaders meet in Geneva for climate talks\nPublished: May 10, 2024\n\n"
                      b"Leaders of 40 countries met in Geneva on Friday.\n\nThe talks end on Sunday.\n",
             "b.txt": b"World\nFloods hit the northern valleys after storms\nBy Jane Doe\n\n"
                      b"Floods hit 12 villages on Monday.\n\nRescuers reached them by boat.\n"}
    project = make_project(tmp_path / "p", seeds)
    build(Options(project=project))
    listing = (project / "site" / "en" / "section" / "world" / "index.html").read_text(encoding="utf-8")
    assert "Leaders meet in Geneva" in listing and "Floods hit the northern valleys" in listing
    home = (project / "site" / "en" / "index.html").read_text(encoding="utf-8")
    assert home.count('section/world/"') == 1  # one entry in the sections menu
