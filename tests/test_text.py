"""Markdown to HTML blocks, plain-text escaping and dates, as a reader of the site sees them."""
import html
import pickle
import re
from datetime import date, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from diglot.content.escape import escape_markdown
from diglot.model.text import Block, format_date, iso_date, render_blocks
from diglot.model.typography import NBSP, NNBSP, typeset
from processes import outputs_under_two_hash_seeds

SEED_FR = (
    "Le ministère chinois de la Sécurité d'État a publié vendredi un article avertissant "
    "les ressortissants chinois en poste à l'étranger de se méfier des individus « amicaux » "
    "qui se concentrent généralement sur des groupes clés.\n\n"
    "Ces personnels doivent pleinement reconnaître l'importance de leurs postes, a noté le "
    "ministère dans l'article. «\u00a0Il s'agit à la fois d'une protection de la sécurité "
    "nationale et d'une responsabilité en matière de sécurité personnelle.\u00a0»"
)


def hrefs(blocks: list[Block]) -> list[str]:
    """Return every href and src value in the rendered blocks, entity-decoded."""
    found = re.findall(r'(?:href|src)="([^"]*)"', "".join(b.html for b in blocks))
    return [html.unescape(value) for value in found]


def test_seed_paragraphs_become_typeset_blocks():
    blocks = render_blocks(SEED_FR, "fr")
    assert [b.tag for b in blocks] == ["p", "p"]
    assert f"«{NNBSP}amicaux{NNBSP}»" in blocks[0].text
    assert f"«{NNBSP}Il s’agit" in blocks[1].text
    assert blocks[1].text.endswith(f"personnelle.{NNBSP}»")
    assert f"«{NNBSP}amicaux{NNBSP}»" in blocks[0].html
    assert blocks[0].html.startswith("<p>") and blocks[0].html.endswith("</p>")


def test_each_top_level_element_is_one_block_that_starts_with_its_tag():
    blocks = render_blocks("## Titre ?\n\nUn *mot* : fin.\n\n- un\n- deux\n\n> cité\n\n    code : 1\n", "fr")
    assert [b.tag for b in blocks] == ["h2", "p", "ul", "blockquote", "pre"]
    assert all(b.html.startswith("<" + b.tag) for b in blocks)
    assert blocks[0].text == f"Titre{NNBSP}?"
    assert blocks[1].html == f"<p>Un <em>mot</em>{NBSP}: fin.</p>"
    assert blocks[2].text == "un deux"
    assert blocks[4].text == "code : 1\n"


def test_times_urls_and_percentages_in_rendered_french():
    (block,) = render_blocks("À 10:30, voir https://example.org/a?b=1 : hausse de 7,6 %.", "fr")
    assert block.text == f"À 10:30, voir https://example.org/a?b=1{NBSP}: hausse de 7,6{NBSP}%."


def test_raw_html_is_shown_as_text():
    blocks = render_blocks('<script>alert(1)</script>\n\nSee <img src=x onerror="alert(1)"> here', "en")
    assert blocks[0].text == "<script>alert(1)</script>"
    assert "<script" not in blocks[0].html and "&lt;script&gt;" in blocks[0].html
    assert blocks[1].text == 'See <img src=x onerror=“alert(1)”> here'
    assert "<img" not in blocks[1].html


@pytest.mark.parametrize(
    "markdown_text",
    [
        "[click](javascript:alert(1))",
        "[click](JavaScript:alert(1))",
        "[click](  javascript:alert(1))",
        "[click](jav&#x61;script:alert(1))",
        "[click](&#106;avascript:alert(1))",
        "[click](javascript&colon;alert(1))",
        "[click](java%0Ascript:alert(1))",
        "[click](vbscript:msgbox(1))",
        "[click](data:text/html;base64,PHNjcmlwdD4=)",
        "[click][ref]\n\n[ref]: javascript:alert(1)",
        "[click](<javascript:alert(1)>)",
    ],
)
def test_links_to_dangerous_schemes_lose_their_href_but_keep_their_text(markdown_text):
    blocks = render_blocks(markdown_text, "en")
    assert blocks[0].text == "click"
    for url in hrefs(blocks):
        folded = re.sub(r"\s", "", url).lower()
        assert not folded.startswith(("javascript", "vbscript", "data"))


def test_images_with_dangerous_sources_become_their_alt_text():
    (block,) = render_blocks("Look: ![a cat](javascript:alert(1)) and ![dog](data:image/png;base64,AA)", "en")
    assert "<img" not in block.html
    assert "a cat" in block.html and "dog" in block.html


def test_safe_links_and_images_are_kept():
    markdown_text = "[a](https://example.org/?x=1&y=2) [b](mailto:x@example.org) [c](../other/#s3) ![d](img/p.png)"
    (block,) = render_blocks(markdown_text, "en")
    assert hrefs([block]) == ["https://example.org/?x=1&y=2", "mailto:x@example.org", "../other/#s3", "img/p.png"]


def test_code_is_not_typeset():
    (block,) = render_blocks('Tapez `a : "b" ; c` puis "Entrée" !', "fr")
    assert '<code>a : "b" ; c</code>' in block.html
    assert f"«{NNBSP}Entrée{NNBSP}»{NNBSP}!" in block.text


def test_entities_and_autolinks_render_as_readers_expect():
    (block,) = render_blocks("Tom &amp; Jerry &copy; <jean@example.org>", "en")
    assert block.text == "Tom & Jerry © jean@example.org"
    assert 'href="mailto:jean@example.org"' in block.html


def test_blank_markdown_has_no_blocks_and_unknown_languages_are_refused():
    assert render_blocks(" \n\n", "en") == []
    with pytest.raises(ValueError):
        render_blocks("Hallo", "de")


def test_rendering_gives_the_same_blocks_in_every_process():
    code = f"""from diglot.model.text import render_blocks
markdown = {(SEED_FR + MIXED_MARKDOWN)!r}
for lang in ("fr", "en"):
    print(render_blocks(markdown, lang))"""
    first, second = outputs_under_two_hash_seeds(code)
    assert first == second and first.count("Block(") > 10


# Markdown that takes the slow path: links, emphasis, lists, a quote, code, entities.
MIXED_MARKDOWN = ("\n\n# Titre\n\n- un *mot* et [lien](https://example.org/?a=1&b=2 \"titre\")\n- `code : x`\n\n"
                  "> cité « ici » !\n\n![une image](img/p.png \"titre\") Tom &amp; Jerry &copy; <jean@example.org>\n")


@pytest.mark.parametrize(
    "plain",
    [
        "# not a heading", "> not a quote", "- not a list", "+ not a list", "1986. A year, not a list",
        "---", "***", "_ _ _", "=====", "    leading spaces", "*stars* and _under_scores_ and `ticks`",
        "[not](a link) ![nor](an image) [x][y]", "<script>alert(1)</script> <https://x.org> <a@b.org>",
        "AT&T &amp; &#169; &copy", "back\\slash \\* \\", "snake_case stays readable", "<<a@b.org>",
        "١٩٨٦. Arabic-Indic digits, not a list either",
    ],
)
def test_escaped_plain_text_renders_back_literally(plain):
    (block,) = render_blocks(escape_markdown(plain), "en")
    assert (block.tag, block.text) == ("p", typeset(plain.strip(), "en"))


def test_escaped_markdown_stays_readable():
    assert escape_markdown("Prices rose 7.6% (a record) - again, on May 1.") == (
        "Prices rose 7.6% (a record) - again, on May 1."
    )
    assert escape_markdown("snake_case a < b") == "snake_case a < b"


PLAIN_PIECES = list("*_`[]()\\<>&#-+=.!:;\"' \t\u00a0") + [
    "&amp;", "&#169;", "<http://x.org>", "<a@b.org>", "1. ", "- ", "# ", "---", "[x](y)", "![a](b)",
    "    ", "word", "10", "snake_case", "<b>", "[x]: http://y", "٣. ", "_a_", "a_", "_a",
]
plain_paragraphs = st.lists(
    st.one_of(
        st.sampled_from(PLAIN_PIECES),
        st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=5),
    ),
    max_size=12,
).map("".join)


@settings(max_examples=500)
@given(plain_paragraphs, st.sampled_from(["en", "fr"]))
def test_any_escaped_paragraph_renders_back_to_its_typeset_text(plain, lang):
    # Markdown cannot keep edge spaces or runs of spaces and tabs: the reader's text has them folded.
    expected = typeset(re.sub(r"[ \t]+", " ", plain.strip()), lang)
    blocks = render_blocks(escape_markdown(plain), lang)
    if not expected:
        assert blocks == []
    else:
        assert [(b.tag, b.text) for b in blocks] == [("p", expected)]


def test_dates_read_naturally_in_each_language():
    assert format_date(date(2024, 5, 10), "en") == "May 10, 2024"
    assert format_date(date(2024, 5, 10), "fr") == "10 mai 2024"
    assert format_date(datetime(2024, 5, 1, 15, 0), "fr") == "1er mai 2024"
    assert format_date(date(2024, 5, 1), "en") == "May 1, 2024"
    assert format_date(date(2023, 7, 11), "fr") == "11 juillet 2023"


def test_iso_dates_for_machines():
    assert iso_date(date(2024, 5, 10)) == "2024-05-10"
    assert iso_date(datetime(2024, 5, 10, 15, 0, 0, 123)) == "2024-05-10T15:00:00"
    tz = timezone(timedelta(hours=8))
    assert iso_date(datetime(2024, 5, 10, 15, 0, tzinfo=tz)) == "2024-05-10T15:00:00+08:00"


def test_blocks_come_back_from_the_cache_as_they_were_rendered():
    # A plain paragraph is stored as its text alone; every other block whole.
    plain = ("Plain words of a paragraph, with l'apostrophe and « quotes »: " * 8).strip()
    body = f"{plain}\n\nTwo  spaces here.\n\n# A *heading*\n\n- a list\n\nA [link](https://example.org/)."
    blocks = render_blocks(body, "fr")
    assert pickle.loads(pickle.dumps(blocks)) == blocks
    assert len(pickle.dumps(blocks[0])) < 0.6 * len(pickle.dumps((blocks[0].html, blocks[0].text)))
