"""The owner's review page (`check --review`, serve's /_review/): every seed's outcome, every pair's
alignment side by side with confidences, what needs attention first; axe-clean under its own CSP."""
from __future__ import annotations

import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import EN_SEED, FR_SEED, REPO, SEEDS, make_project
from diglot.content.outcomes import NOT_IMPORTED, PAIRED, SeedOutcome
from diglot.errors import Report
from diglot.model.align import segment_confidence
from diglot.model.site import Site
from diglot.render.review import review_context

AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
# A paragraph the English seed has and the French one lacks: the alignment gets a 1-0 segment.
EXTRA = ("Readers who wish to contact the newsroom about this story may write to the editors at the address "
         "printed on the last page of every edition; letters are answered within a week, and corrections are "
         "published in the following issue under the heading reserved for them, together with the name of the "
         "reporter concerned and the date of the original article.")
SINGLE = (b"Harbour ferry timetable changes from Monday\n\nThe ferry company said on Tuesday that the morning "
          b"crossings to Lantau Island would leave at 7:15 and 8:40 from next Monday.\n\nA spokesperson said the "
          b"change follows a survey of 1,200 passengers.\n")


def newsroom_seeds() -> dict[str, bytes]:
    """The real pair (the English one with an untranslated paragraph), a single, an empty and a binary seed."""
    paragraphs = (SEEDS / EN_SEED).read_bytes().split(b"\n\n")
    at = next(i for i, p in enumerate(paragraphs) if p.startswith(b"After jumping"))
    paragraphs.insert(at + 1, EXTRA.encode())
    return {EN_SEED: b"\n\n".join(paragraphs), FR_SEED: (SEEDS / FR_SEED).read_bytes(),
            "050_single.txt": SINGLE, "090_empty.txt": b"  \n", "091_binary.txt": b"\x00\x01PK\x03\x04"}


def run_cli(project: Path, *args: str) -> str:
    """Run build.py on the project; its output (fails the test on a non-zero exit)."""
    done = subprocess.run([sys.executable, str(REPO / "build.py"), *args, "--project", str(project)],
                          cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


class Tables(HTMLParser):
    """Every table row of a page: the table's class, the row's class and its cells' text."""

    def __init__(self):
        super().__init__()
        self.rows: list[tuple[str, str, list[str]]] = []
        self.table = self.row_class = ""
        self.cells: list[str] | None = None
        self.cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table":
            self.table = attrs.get("class", "")
        elif tag == "tr":
            self.row_class, self.cells = attrs.get("class", ""), []
        elif tag in ("td", "th") and self.cells is not None:
            self.cell = []
        elif tag == "p" and self.cell:
            self.cell.append("\n")

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.cell is not None:
            self.cells.append(" ".join("".join(self.cell).split(" ")).strip())
            self.cell = None
        elif tag == "tr" and self.cells is not None:
            self.rows.append((self.table, self.row_class, self.cells))
            self.cells = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def rows(html: str, table: str) -> list[tuple[str, list[str]]]:
    """(row class, cell texts) of every body row of the tables of that class."""
    parser = Tables()
    parser.feed(html)
    return [(kind, cells) for cls, kind, cells in parser.rows if cls == table and cells[0] not in ("Seed", "#")]


@pytest.fixture(scope="module")
def reviewed(tmp_path_factory) -> tuple[Path, str, str]:
    """A newsroom-like project checked with --review: (project, review page, what the command printed)."""
    project = make_project(tmp_path_factory.mktemp("review") / "project", newsroom_seeds())
    printed = run_cli(project, "check", "--review")
    return project, (project / "review.html").read_text(encoding="utf-8"), printed


def test_check_review_writes_the_page_beside_site_and_nothing_in_site(reviewed):
    project, html, printed = reviewed
    assert f"review page: {project / 'review.html'}" in printed
    assert not (project / "site").exists()  # check writes no site, and the page is never in it
    assert html.startswith("<!doctype html>") and "Review of the import" in html


def test_every_seed_is_listed_with_what_became_of_it(reviewed):
    _, html, _ = reviewed
    seeds = {cells[0]: cells for _, cells in rows(html, "seeds")}  # both tables: attention first, then all
    assert sorted(seeds) == sorted(f"seeds/{name}" for name in newsroom_seeds())
    assert seeds[f"seeds/{EN_SEED}"][1] == f"paired (English) with {FR_SEED}"
    assert seeds[f"seeds/{FR_SEED}"][1] == f"paired (French) with {EN_SEED}"
    assert "score 0." in seeds[f"seeds/{EN_SEED}"][3] and "shared numbers/names" in seeds[f"seeds/{EN_SEED}"][3]
    assert "content/chinas-state-security" in seeds[f"seeds/{EN_SEED}"][2]
    assert seeds["seeds/050_single.txt"][1] == "single (English)"
    assert "content/harbour-ferry-timetable-changes-from-monday.en.md" in seeds["seeds/050_single.txt"][2]
    for skipped, why in (("090_empty.txt", "is empty"), ("091_binary.txt", "binary file")):
        assert seeds[f"seeds/{skipped}"][1] == "not imported" and why in seeds[f"seeds/{skipped}"][4]
    attention = [cells[0] for kind, cells in rows(html.split('id="seeds"')[0], "seeds")]
    assert {"seeds/050_single.txt", "seeds/090_empty.txt", "seeds/091_binary.txt"} <= set(attention)


def test_a_pair_is_shown_side_by_side_with_each_segments_confidence(reviewed):
    _, html, _ = reviewed
    segments = rows(html, "alignment")
    assert len(segments) == 9  # 9 English paragraphs, 8 French ones: one 1-0 segment
    first = segments[0][1]
    assert first[0] == "1" and first[1].startswith("China’s Ministry of State Security")  # as the site typesets it
    assert first[2].startswith("Le ministère chinois de la Sécurité d’État") and first[3] == "1-1"
    assert all(0.0 <= float(cells[4].split()[0]) <= 1.0 for _, cells in segments)


def test_each_segment_shows_its_sentence_beads_and_their_confidence(reviewed):
    _, html, _ = reviewed
    segments = rows(html, "alignment")
    law = next(cells for _, cells in segments if cells[1].startswith("The revised Counter-Espionage Law"))
    beads = re.findall(r"(\d+-\d+) (\d\.\d\d)", law[5])  # four sentences a side, one bead each
    assert [bead for bead, _ in beads] == ["1-1"] * 4 and all(0 <= float(c) <= 1 for _, c in beads)
    # each sentence is marked with its bead's number, the same on both sides
    assert "on July 1, 2023.1 If someone" in law[1] and "le 1er juillet 2023.1 Si" in law[2].replace("\u202f", " ")
    assert law[1].endswith("revised law.4") and law[2].endswith("loi révisée.4")
    untranslated = next(cells for kind, cells in segments if kind == "untranslated")
    assert untranslated[5] == ""  # nothing to align a sentence with


def test_an_untranslated_paragraph_is_highlighted(reviewed):
    _, html, _ = reviewed
    untranslated = [(kind, cells) for kind, cells in rows(html, "alignment") if cells[3] in ("1-0", "0-1")]
    assert len(untranslated) == 1
    kind, cells = untranslated[0]
    assert kind == "untranslated" and cells[4].endswith("untranslated") and cells[2] == ""
    assert "1 untranslated paragraph (1-0 or 0-1)" in html  # the reason it is listed under "Needs attention"


def test_the_file_to_edit_and_the_alignment_syntax_are_shown_and_work(reviewed, tmp_path):
    project, html, _ = reviewed
    french = "content/chinas-state-security-authorities-warn-overseas-personnel-of.fr.md"
    beads = html.split('<pre class="syntax"><code>alignment: "')[1].split('"')[0]
    assert f"front matter of <code>{french}</code>" in html
    assert sorted(beads.split()) == sorted(["1-0"] + ["1-1"] * 8)
    # The owner moves the 1-0 to the paragraph the French lacks, with the syntax the page shows.
    fixed = " ".join(["1-1"] * 4 + ["1-0"] + ["1-1"] * 4)
    path = project / french
    path.write_text(path.read_text(encoding="utf-8").replace("\n---", f'\nalignment: "{fixed}"\n---', 1),
                    encoding="utf-8")
    run_cli(project, "check", "--review")
    again = (project / "review.html").read_text(encoding="utf-8")
    assert f"set by hand in <code>{french}</code>" in again
    untranslated = [cells for kind, cells in rows(again, "alignment") if kind == "untranslated"]
    assert len(untranslated) == 1 and untranslated[0][0] == "5" and untranslated[0][1] == EXTRA


def test_a_replayed_import_still_lists_every_seed(tmp_path):
    project = make_project(tmp_path / "project", newsroom_seeds())
    run_cli(project, "build")
    printed = run_cli(project, "build", "--review")  # the import is replayed from the build cache
    assert "imported seeds/" not in printed
    seeds = {cells[0]: cells[1] for _, cells in rows((project / "review.html").read_text(encoding="utf-8"), "seeds")}
    assert seeds[f"seeds/{EN_SEED}"].startswith("paired") and seeds["seeds/050_single.txt"] == "single (English)"
    assert seeds["seeds/090_empty.txt"] == "not imported"
    assert not list((project / "site").rglob("review*"))  # never deployed


def test_a_build_with_review_writes_the_same_site(tmp_path):
    project = make_project(tmp_path / "project", newsroom_seeds())
    run_cli(project, "build", "--no-cache", "--output", str(tmp_path / "plain"))
    run_cli(project, "build", "--no-cache", "--review", "--output", str(tmp_path / "reviewed"))
    plain, reviewed = (sorted(p.relative_to(root) for p in root.rglob("*") if p.is_file())
                       for root in (tmp_path / "plain", tmp_path / "reviewed"))
    assert plain == reviewed
    assert all((tmp_path / "plain" / p).read_bytes() == (tmp_path / "reviewed" / p).read_bytes() for p in plain)
    assert (tmp_path / "review.html").is_file()  # beside the output folder


def test_any_warning_or_note_about_a_seed_shows_against_it():
    report = Report()
    report.warn("seeds/b.txt", "is a duplicate of seeds/a.txt", "remove one of them")
    report.warn("seeds/c.txt", "is in German (de), which the site does not publish")
    report.note("seeds/a.txt: decoded as cp1252")
    outcomes = (SeedOutcome("a.txt", PAIRED, "en", "content/a.en.md", "z.txt", 0.8),
                SeedOutcome("b.txt", NOT_IMPORTED))
    seeds = {view.outcome.seed: view for view in review_context(Site(()), outcomes, report, {})["seeds"]}
    assert seeds["b.txt"].messages == ("warning: is a duplicate of seeds/a.txt — remove one of them",)
    assert seeds["c.txt"].outcome.kind == NOT_IMPORTED and "German" in seeds["c.txt"].messages[0]
    assert seeds["a.txt"].messages == ("decoded as cp1252",) and not seeds["a.txt"].attention
    assert seeds["b.txt"].attention and seeds["c.txt"].attention


def test_segment_confidence_is_high_for_a_fitting_pair_and_low_otherwise():
    english = "The ministry said 12 people were questioned in Shanghai on Monday about the case. " * 3
    french = "Le ministère a indiqué que 12 personnes ont été interrogées lundi à Shanghai sur l'affaire. " * 3
    assert segment_confidence([english], [french]) == 1.0
    assert segment_confidence([english], [french * 3]) < 0.05  # three times too long
    assert segment_confidence([english], []) == pytest.approx(0.01 / 0.89)
    plain_left, plain_right = "a" * 400, "b" * 560  # one standard deviation off, nothing shared
    shared_left, shared_right = plain_left + " Shanghai 1989", plain_right + " Shanghai 1989"
    assert segment_confidence([plain_left], [plain_right]) < segment_confidence([shared_left], [shared_right])


# ---- in the browser ---------------------------------------------------------------------------

@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_page_is_axe_clean_and_loads_without_a_csp_error(browser, reviewed, scheme):
    project, _, _ = reviewed
    strict = browser.new_context(color_scheme=scheme)  # with the page's own CSP: no error may show
    page, errors = strict.new_page(), []
    page.on("console", lambda message: errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto((project / "review.html").as_uri())
    assert errors == []
    assert page.evaluate("getComputedStyle(document.querySelector('tr.untranslated td')).backgroundColor") \
        not in ("rgba(0, 0, 0, 0)", "transparent")  # the inline stylesheet applied under the CSP
    strict.close()
    axe = browser.new_context(color_scheme=scheme, bypass_csp=True)  # only so axe can be injected
    page = axe.new_page()
    page.goto((project / "review.html").as_uri())
    page.add_script_tag(path=str(AXE))
    found = page.evaluate("axe.run().then(r => r.violations.map(v => [v.id, v.nodes.map(n => n.target)]))")
    axe.close()
    assert found == []


def test_what_needs_attention_comes_first_and_open(browser, reviewed):
    project, _, _ = reviewed
    context = browser.new_context()
    page = context.new_page()
    page.goto((project / "review.html").as_uri())
    state = page.evaluate("""[...document.querySelectorAll('details.article')].map(d =>
        [d.closest('section').id, d.open, d.querySelector('summary').textContent])""")
    context.close()
    assert [section for section, _, _ in state] == ["attention", "attention"]  # both articles need a look
    assert all(opened for _, opened, _ in state)
    assert "untranslated" in state[0][2] and "no translation" in state[1][2]


def test_serve_shows_the_review_page_at_underscore_review(tmp_path):
    from test_serve import Server, free_port, wait_for

    project = make_project(tmp_path / "project", newsroom_seeds())
    server = Server(project, free_port())
    try:
        status, body = server.get("/_review/")
        assert status == 200 and b"Review of the import" in body and b"seeds/090_empty.txt" in body
        assert b'<script src="/__diglot__/dev.js"></script>' in body  # reloads after every rebuild
        status, _ = server.get("/_review")
        assert status in (301, 302)
        assert not list((project / "site").rglob("review*"))
        # The page is made when asked for, from the last build: a seed added since shows up.
        (project / "seeds" / "091_also_empty.txt").write_text("\n", encoding="utf-8")
        wait_for(lambda: b"seeds/091_also_empty.txt" in server.get("/_review/")[1], "the review of the rebuild")
    finally:
        server.stop()


def test_a_strict_dev_build_that_fails_on_warnings_still_reviews_them(tmp_path):
    from dataclasses import replace

    from diglot.build.pipeline import Options, open_cache
    from diglot.serve.server import DevState

    project = make_project(tmp_path / "project", newsroom_seeds())
    options = replace(Options(project=project, strict=True).resolved(), review_later=True)
    state = DevState(options, open_cache(options, defer_saves=True), options.output)
    state.rebuild()
    assert state.error and "090_empty.txt: is empty" in state.error  # --strict stopped the build
    assert state.write_review is not None  # but what it found can be reviewed
    state.write_review()
    assert "seeds/090_empty.txt" in options.review_path.read_text(encoding="utf-8")


def test_past_the_limit_the_articles_that_look_fine_are_one_row_each(tmp_path, monkeypatch, reviewed):
    # At 10,000 pairs the page with every article in full was 139 MB: past FINE_IN_FULL articles
    # that look fine, each is a row (title, alignment, files); what needs attention stays in full.
    import diglot.render.review as review
    from diglot.build.pipeline import Options, build
    project = make_project(tmp_path / "project")  # the real pair: its alignment looks fine
    options = Options(project=project, review=True)
    build(options)
    in_full = (project / "review.html").read_text(encoding="utf-8")
    monkeypatch.setattr(review, "FINE_IN_FULL", 0)
    build(options, replay=False)
    page = (project / "review.html").read_text(encoding="utf-8")
    fine = page[page.index('<section id="fine"'):]
    [(_, (title, beads, files))] = [row for row in rows(page, "brief") if row[1][0] != "Article"]
    assert title and f">{title}</span>" in in_full and re.fullmatch(r"(\d-\d ?)+", beads)
    assert "English: content/" in files and "French: content/" in files
    assert '<details class="article"' not in fine and '<details class="article"' in in_full
    anchors = set(re.findall(r'id="([^"]+)"', page))
    assert all(link in anchors for link in re.findall(r'href="#([^"]+)"', page))  # the seed table's links land
    # What needs attention is in full whatever the limit.
    attention = make_project(tmp_path / "attention", newsroom_seeds())
    build(Options(project=attention, review=True))
    page = (attention / "review.html").read_text(encoding="utf-8")
    assert page.count('<details class="article attention"') == reviewed[1].count('<details class="article attention"') > 0
