"""Markdown to safe, typeset HTML blocks; localized dates."""
from __future__ import annotations

import re
from datetime import date, datetime
from functools import lru_cache

from babel import Locale
from babel.dates import get_date_format

from diglot.model.blocks import Block, fold_layout, paragraph_block
from diglot.model.typography import typeset

__all__ = ["Block", "render_blocks", "format_date", "iso_date", "typeset"]


# A line Markdown can only read as the text of a paragraph: none of its syntax characters, no
# control characters (Markdown deletes STX and ETX, expands tabs), no edge whitespace it would
# strip, and no start that opens a heading, quote, list (any script's digits), rule or setext
# underline.
_PLAIN_LINE = r"(?![-+=>\s]|\d+[.)])[^\x00-\x1f\x7f-\x9f\u2028\u2029\\`*_\[\]!<>&#]+(?<!\s)"
# A body of such lines, each its own paragraph between blank lines.
_PLAIN_BODY = re.compile(f"\n*{_PLAIN_LINE}(?:\n\n+{_PLAIN_LINE})*\n*")


def render_blocks(markdown_text: str, lang: str) -> list[Block]:
    """Render Markdown to safe, typeset HTML, one Block per top-level element."""
    if not markdown_text.strip():
        return []
    if _PLAIN_BODY.fullmatch(markdown_text):
        # Most bodies are plain paragraphs; Markdown would only wrap and typeset them, slowly.
        return [_plain_block(line, lang) for line in markdown_text.split("\n") if line]
    from diglot.model.markdown_blocks import \
        render_markdown  # loaded only for a body that needs it: 12–16 ms of a build
    return render_markdown(markdown_text, lang)


def _plain_block(line: str, lang: str) -> Block:
    """Return the Block Markdown makes of a line _PLAIN_LINE accepts: a typeset paragraph."""
    # The line holds no & < or >, and typesetting adds none, so the HTML needs no escaping.
    text = typeset(line, lang)
    # Nor does it hold control characters or edge spaces: only a double space can fold.
    if "  " in text:
        return Block("p", f"<p>{text}</p>", fold_layout(text))
    return paragraph_block(text)


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


@lru_cache(maxsize=4096)
def format_month(year: int, month: int, lang: str) -> str:
    """A month the way readers of lang name it: 'May 2024', 'mai 2024' (Babel's stand-alone month)."""
    locale = _long_date_format(lang)[0]
    return f"{locale.months['stand-alone']['wide'][month]} {year}"


def iso_date(value: date | datetime) -> str:
    """Return ISO 8601 for <time datetime> and feeds; a datetime keeps its zone, if it has one."""
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    return value.isoformat()

