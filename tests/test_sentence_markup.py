"""The data-sent contract: every sentence of an article body, on the article pages and the
side-by-side page, is inside an element with data-sent; translations share an ID; IDs are unique in
an article; a sentence with no counterpart has an ID the other language does not use; data-seg and
#sN work as before; the front matter can override a segment's sentence alignment."""
from __future__ import annotations

import re
from pathlib import Path

from diglot.build.pipeline import Options, build
from conftest import make_project

EN = """---
title: The bank cuts rates
date: 2024-06-01
translation_key: rates
{extra}---
The European Central Bank cut its main rate to 3.25 per cent on Thursday. It was the third cut this year. President Christine Lagarde said inflation was *on track* to reach 2 per cent.

Markets had expected the move. Shares in Frankfurt rose 1.2 per cent.

## What next

The next meeting is on October 17.
"""
FR = """---
title: La banque baisse ses taux
date: 2024-06-01
translation_key: rates
---
La Banque centrale européenne a abaissé jeudi son taux principal à 3,25 %, sa troisième baisse cette année. Sa présidente, Christine Lagarde, a estimé que l'inflation était *en bonne voie* pour atteindre 2 %.

Les marchés s'attendaient à cette décision. À Francfort, les actions ont gagné 1,2 %. Les analystes saluent une décision prudente et attendue depuis des mois.

## Et ensuite

La prochaine réunion a lieu le 17 octobre.
"""
SPAN = re.compile(r'<span data-sent="(\d+)">(.*?)</span>', re.S)


def build_pair(tmp_path: Path, extra: str = "") -> Path:
    """A project with one hand-written English–French article, built; returns its site folder."""
    project = make_project(tmp_path / "project", seeds={})
    (project / "content").mkdir()
    (project / "content" / "rates.en.md").write_text(EN.format(extra=extra), encoding="utf-8")
    (project / "content" / "rates.fr.md").write_text(FR, encoding="utf-8")
    build(Options(project=project))
    return project / "site"


def body(page: str) -> str:
    """The article body of a page: from the first data-seg element to the end of the article."""
    return page[page.index("data-seg="):page.index("</article>")]


def sentence_ids(page: str) -> list[str]:
    """The data-sent IDs in the body, in reading order."""
    return re.findall(r'data-sent="(\d+)"', body(page))


def test_every_sentence_is_marked_and_translations_share_ids(tmp_path):
    site = build_pair(tmp_path)
    en = (site / "en" / "rates" / "index.html").read_text(encoding="utf-8")
    fr = (site / "fr" / "rates" / "index.html").read_text(encoding="utf-8")
    en_spans, fr_spans = dict(), dict()
    for page, spans in ((en, en_spans), (fr, fr_spans)):
        for sid, text in SPAN.findall(page):
            spans.setdefault(sid, []).append(re.sub(r"<[^>]+>", "", text))
        # No text of a paragraph is left outside a sentence.
        for paragraph in re.findall(r"<p data-seg[^>]*>(.*?)</p>", page, re.S):
            assert SPAN.sub("", paragraph).strip() == "", paragraph
    # The 2-1 merge: the first two English sentences and the first French one share an ID.
    merged = next(sid for sid, texts in en_spans.items() if len(texts) == 2)
    assert en_spans[merged][0].startswith("The European Central Bank") and "third cut" in en_spans[merged][1]
    assert fr_spans[merged] == [next(t for t in fr_spans[merged])] and "troisième baisse" in fr_spans[merged][0]
    # Lagarde's sentence matches Lagarde's sentence, Frankfurt's shares matches Frankfurt's shares.
    assert [sid for sid, t in en_spans.items() if "Lagarde" in t[0]] == [sid for sid, t in fr_spans.items() if "Lagarde" in t[0]]
    assert [sid for sid, t in en_spans.items() if "1.2" in t[0]] == [sid for sid, t in fr_spans.items() if "1,2" in t[0]]
    # The added French sentence has an ID that English does not use.
    added = next(sid for sid, t in fr_spans.items() if "analystes" in t[0])
    assert added not in sentence_ids(en)
    # IDs are unique within a page except for the sentences of one bead; headings carry their ID.
    assert re.search(r'<h2 data-seg="\d+" id="s\d+" data-sent="\d+"', en)
    assert len(set(sentence_ids(en)) & set(sentence_ids(fr))) == len(set(sentence_ids(fr))) - 1


def test_side_by_side_page_carries_the_same_ids_and_segments_keep_working(tmp_path):
    site = build_pair(tmp_path)
    article = (site / "en" / "rates" / "index.html").read_text(encoding="utf-8")
    parallel = (site / "en" / "rates" / "parallel.html").read_text(encoding="utf-8")
    mine = re.findall(r'<div class="half mine" lang="en">(.*?)</div>', parallel, re.S)
    theirs = re.findall(r'<div class="half theirs" lang="fr">(.*?)</div>', parallel, re.S)
    assert re.findall(r'data-sent="(\d+)"', "".join(mine)) == sentence_ids(article)
    french = (site / "fr" / "rates" / "index.html").read_text(encoding="utf-8")
    assert re.findall(r'data-sent="(\d+)"', "".join(theirs)) == sentence_ids(french)
    assert re.findall(r'data-seg="(\d+)" id="s\d+"', article) == ["1", "2", "3", "4"]
    assert 'id="s1"' in parallel and "<script" not in body(article)  # no inline script: spans only


def test_front_matter_turns_a_segment_off_or_sets_its_beads(tmp_path):
    site = build_pair(tmp_path / "off", "sentence_alignment:\n  1: 'off'\n  2: 1-1 1-2\n")
    en = (site / "en" / "rates" / "index.html").read_text(encoding="utf-8")
    fr = (site / "fr" / "rates" / "index.html").read_text(encoding="utf-8")
    first_en = re.search(r'<p data-seg="1"[^>]*>(.*?)</p>', en, re.S).group(1)
    first_fr = re.search(r'<p data-seg="1"[^>]*>(.*?)</p>', fr, re.S).group(1)
    # Paragraph by paragraph: all three sentences of each side share one ID.
    assert len(set(re.findall(r'data-sent="(\d+)"', first_en))) == 1
    assert set(re.findall(r'data-sent="(\d+)"', first_en)) == set(re.findall(r'data-sent="(\d+)"', first_fr))
    second_en = re.findall(r'data-sent="(\d+)"', re.search(r'<p data-seg="2"[^>]*>(.*?)</p>', en, re.S).group(1))
    second_fr = re.findall(r'data-sent="(\d+)"', re.search(r'<p data-seg="2"[^>]*>(.*?)</p>', fr, re.S).group(1))
    # 1-1 1-2 as written: the English shares move joins the French shares and the analysts' sentences.
    assert second_fr == [second_en[0], second_en[1], second_en[1]] and second_en[0] != second_en[1]


def test_a_bad_sentence_alignment_warns_in_sentences_and_is_ignored(tmp_path):
    project = build_pair(tmp_path, "sentence_alignment:\n  2: 1-1\n  three: 1-1\n").parent
    summary = build(Options(project=project))
    said = [f"{w.what} {w.fix}" for w in summary.report.warnings]
    assert any("segment 2" in s and "English and" in s and "sentences" in s and "paragraphs" not in s for s in said), said
    assert any("'three' is not a segment number" in s for s in said), said
