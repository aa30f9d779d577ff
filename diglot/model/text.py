"""Markdown to safe, typeset HTML blocks; plain text to Markdown; localized dates."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache

from babel import Locale
from babel.dates import get_date_format

from diglot.model.typography import typeset

__all__ = ["Block", "render_blocks", "escape_markdown", "format_date", "iso_date", "typeset"]

_LINE_BREAK = re.compile(r"\r\n|\r|\n")  # Markdown's own idea of a line break
# Runs of layout whitespace other than a lone space: the only ones folding changes.
_LAYOUT_SPACE = re.compile(r"(?: [ \t\n\r\f]|[\t\n\r\f])[ \t\n\r\f]*")

# What escape_markdown must neutralise inside a line, and at its start.
_INLINE_SYNTAX = re.compile(
    r"[\\`*\[]"
    # An underscore inside a word cannot open emphasis. Every alternative starts with its
    # character, so the regex engine can skip ahead to them (three times faster).
    r"|_(?:(?<![^\W_]_)|(?![^\W_]))"
    r"|<(?=[^>]*>)"  # only a later > can close an autolink
    r"|&(?=#[0-9]+;|#x[0-9a-fA-F]+;|[a-zA-Z0-9]+;)"
)
# The characters that can start a match of _INLINE_SYNTAX: one class the regex engine scans for
# quickly, where the alternation's lookarounds make it try every position (a third of an import).
_INLINE_SYNTAX_CHARS = re.compile(r"[\\`*\[_<&]")
_LINE_START_SYNTAX = re.compile(r"^(?:[#>]|[-+](?=\s)|-(?=-)|\d+(?=\.\s))")  # \d: Markdown's lists take any digits

# A line Markdown can only read as the text of a paragraph: none of its syntax characters, no
# control characters (Markdown deletes STX and ETX, expands tabs), no edge whitespace it would
# strip, and no start that opens a heading, quote, list (any script's digits), rule or setext
# underline.
_PLAIN_LINE = r"(?![-+=>\s]|\d+[.)])[^\x00-\x1f\x7f-\x9f\u2028\u2029\\`*_\[\]!<>&#]+(?<!\s)"
# A body of such lines, each its own paragraph between blank lines.
_PLAIN_BODY = re.compile(f"\n*{_PLAIN_LINE}(?:\n\n+{_PLAIN_LINE})*\n*")


@dataclass(frozen=True)
class Block:
    """One top-level element of a rendered body."""

    tag: str
    html: str
    text: str

    def __reduce__(self):
        """Pickle a plain paragraph, the usual block, as its text alone: its HTML is that text
        between <p> tags (the cache and the workers' pipes carry half the bytes)."""
        if self.tag == "p" and self.html == f"<p>{self.text}</p>":
            return paragraph_block, (self.text,)
        return Block, (self.tag, self.html, self.text)


def paragraph_block(text: str) -> Block:
    """The Block of a paragraph whose text needs no markup: the text between <p> tags."""
    return Block("p", f"<p>{text}</p>", text)


def render_blocks(markdown_text: str, lang: str) -> list[Block]:
    """Render Markdown to safe, typeset HTML, one Block per top-level element."""
    if not markdown_text.strip():
        return []
    if _PLAIN_BODY.fullmatch(markdown_text):
        # Most bodies are plain paragraphs; Markdown would only wrap and typeset them, slowly.
        return [_plain_block(line, lang) for line in markdown_text.split("\n") if line]
    from diglot.model.markdown_blocks import render_markdown  # loaded only for a body that needs it: 12–16 ms of a build
    return render_markdown(markdown_text, lang)


def _plain_block(line: str, lang: str) -> Block:
    """Return the Block Markdown makes of a line _PLAIN_LINE accepts: a typeset paragraph."""
    # The line holds no & < or >, and typesetting adds none, so the HTML needs no escaping.
    text = typeset(line, lang)
    # Nor does it hold control characters or edge spaces: only a double space can fold.
    if "  " in text:
        return Block("p", f"<p>{text}</p>", fold_layout(text))
    return paragraph_block(text)


def escape_markdown(plain: str) -> str:
    """Return Markdown that renders back to the plain-text paragraph `plain` as literal text."""
    line = " ".join(_LINE_BREAK.split(plain)).strip() if "\n" in plain or "\r" in plain else plain.strip()
    if _INLINE_SYNTAX_CHARS.search(line):
        line = _INLINE_SYNTAX.sub(_escape_inline, line)
    return _LINE_START_SYNTAX.sub(_escape_line_start, line)


def format_date(value: date | datetime, lang: str) -> str:
    """Write a date the way readers of `lang` do: 'May 10, 2024', '10 mai 2024', '1er mai 2024'."""
    return _format_day(value.date() if isinstance(value, datetime) else value, lang)


@lru_cache(maxsize=8192)
def _format_day(day: date, lang: str) -> str:
    """format_date for a day, cached: listings and feeds ask for the same days thousands of times."""
    locale, pattern = _long_date_format(lang)
    written = pattern.apply(day, locale)
    if lang == "fr" and day.day == 1:
        # French writes the first of the month as an ordinal; Babel's long format starts with the day.
        return "1er" + written[1:]
    return written


@lru_cache(maxsize=None)
def _long_date_format(lang: str):
    """Babel's locale and long date pattern for lang, looked up once: babel.dates.format_date
    looks them up on every call, four times the work of applying the pattern."""
    locale = Locale.parse(lang)
    return locale, get_date_format("long", locale=locale)


def iso_date(value: date | datetime) -> str:
    """Return ISO 8601 for <time datetime> and feeds; a datetime keeps its zone, if it has one."""
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    return value.isoformat()


def _escape_inline(match: re.Match[str]) -> str:
    """Escape one character that Markdown would read as inline syntax."""
    char = match.group(0)
    if char == "<":
        return "&lt;"
    if char == "&":
        return "&amp;"
    return "\\" + char


def _escape_line_start(match: re.Match[str]) -> str:
    """Escape the mark that would make the line a heading, quote, list or rule."""
    mark = match.group(0)
    if mark[0].isdigit():
        return mark + "\\"  # the backslash lands before the list's period
    return "\\" + mark


def fold_layout(text: str) -> str:
    """Fold runs of layout whitespace to one space and trim the ends, as a browser shows them."""
    return _LAYOUT_SPACE.sub(" ", text).strip(" ")
