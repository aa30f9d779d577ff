"""The plain-paragraph fast path of render_blocks gives exactly what Python-Markdown gives."""
from pathlib import Path

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from diglot.content.frontmatter import split_front_matter
from diglot.model.markdown_blocks import render_markdown
from diglot.model.text import _PLAIN_BODY, render_blocks

REPO = Path(__file__).resolve().parent.parent
CONTENT_FILES = sorted((REPO / "content").glob("*.md"))

# Everything Markdown or the typography could read as meaning something, and text around it.
SPECIAL = "\\`*_[]!<>&#-+=.)(:;?%\"'«»“”‘’/@|~{}^$"
SPACES = " \t\u00a0\u202f\u2009\u2028\u2029\x85\x0b\x0c\r\ufeff\x02\x03\x00\x1c"
WORDY = "abcwWZ éàçœÉ0123456789١०٣ ,;:!?%'\"«»."
LINE_BREAKS = st.sampled_from(["\n", "\n\n", "\n\n\n", "\n \n", "\n\t\n", "\r\n\r\n", "\r\r"])


def bodies(alphabet: str) -> st.SearchStrategy[str]:
    """Markdown bodies: lines over `alphabet`, joined by assorted line breaks and blank lines."""
    lines = st.lists(st.text(alphabet=alphabet, max_size=40), min_size=1, max_size=5)
    return st.builds(join_lines, lines, st.lists(LINE_BREAKS, min_size=4, max_size=4),
                     st.sampled_from(["", "\n", "\n\n"]), st.sampled_from(["", "\n", "\n\n"]))


def join_lines(lines: list[str], breaks: list[str], head: str, tail: str) -> str:
    """Join lines with the given breaks (reused in turn), between a head and a tail."""
    joined = lines[0]
    for index, line in enumerate(lines[1:]):
        joined += breaks[index % len(breaks)] + line
    return head + joined + tail


def assert_same_as_markdown(body: str, lang: str, paths: list[bool]) -> None:
    """Check render_blocks against the full Markdown path wherever the fast path applies;
    note in paths whether it applied."""
    fast = _PLAIN_BODY.fullmatch(body) is not None and bool(body.strip())
    event("fast path" if fast else "Markdown path")
    paths.append(fast)
    if fast:
        assert render_blocks(body, lang) == render_markdown(body, lang)


def check_with_fast_share(strategy, examples: int, least: float) -> None:
    """Run the comparison on examples drawn from strategy, and require that at least `least` of
    them took the fast path: a generator that never reaches it would compare nothing."""
    paths: list[bool] = []

    @settings(max_examples=examples, deadline=None, database=None)
    @given(strategy, st.sampled_from(["en", "fr"]))
    def compare(body, lang):
        assert_same_as_markdown(body, lang, paths)

    compare()
    assert sum(paths) >= least * len(paths), f"{sum(paths)} of {len(paths)} examples took the fast path"


def test_fast_path_matches_markdown_on_text_full_of_syntax():
    check_with_fast_share(bodies(SPECIAL + SPACES + WORDY), 1500, 0.03)  # 7 % measured


def test_fast_path_matches_markdown_on_mostly_plain_text():
    check_with_fast_share(bodies(WORDY + "-+=)#<>&*_\u00a0\u202f "), 1500, 0.05)  # 11 % measured


def test_fast_path_matches_markdown_on_paragraphs_between_blank_lines():
    paragraphs = st.lists(st.text(alphabet=WORDY + "\u00a0\u202f", min_size=1, max_size=60), min_size=1, max_size=6)
    check_with_fast_share(paragraphs.map(lambda ps: "\n\n".join(ps) + "\n"), 500, 0.2)  # 41 % measured


@pytest.mark.parametrize("path", CONTENT_FILES, ids=lambda p: p.name)
def test_fast_path_matches_markdown_on_every_content_paragraph(path):
    lang = path.name.rsplit(".", 2)[1]
    body = split_front_matter(path.read_text(encoding="utf-8"), str(path))[1]
    paragraphs = [line for line in body.split("\n") if line.strip()]
    assert paragraphs
    for paragraph in paragraphs:
        assert render_blocks(paragraph, lang) == render_markdown(paragraph, lang)
    assert render_blocks(body, lang) == render_markdown(body, lang)


def test_content_bodies_take_the_fast_path():
    # Otherwise the test above would compare Markdown with itself.
    assert CONTENT_FILES
    for path in CONTENT_FILES:
        body = split_front_matter(path.read_text(encoding="utf-8"), str(path))[1]
        assert _PLAIN_BODY.fullmatch(body), path.name


@pytest.mark.parametrize("line", [
    "# Titre", "- un", "+ un", "1. un", "12) un", "١. un", "१२. un", "> cité", "=====", "    code", "\tcode", "fin  ",
    "un *mot*", "un _mot_", "a `b`", "a \\* b", "[lien](x)", "![image](x)", "<b>", "a & b", "a\x02b",
    "a\fb", "\u00a0a", "a\u00a0",
])
def test_lines_with_any_markdown_meaning_take_the_markdown_path(line):
    assert not _PLAIN_BODY.fullmatch(line)


def test_unknown_language_is_refused_on_the_fast_path_too():
    with pytest.raises(ValueError, match="no typography rules"):
        render_blocks("Plain text.", "de")
