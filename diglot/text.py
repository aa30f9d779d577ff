"""Markdown to safe, typeset HTML blocks; plain text to Markdown; localized dates."""
from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from xml.etree.ElementTree import Element

import markdown
from babel import Locale
from babel.dates import get_date_format
from markdown import util
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from diglot.typography import typeset, typeset_tree

__all__ = ["Block", "render_blocks", "escape_markdown", "format_date", "iso_date", "typeset"]

# Markdown deletes STX and ETX from its input, so this marker cannot come from content.
_BLOCK_END = f"{util.STX}diglot-block-end{util.ETX}"
_STASHED = re.compile(util.HTML_PLACEHOLDER % r"([0-9]+)")
_OBFUSCATED_ENTITY = re.compile(re.escape(util.AMP_SUBSTITUTE) + r"(#[0-9]+|#x[0-9a-fA-F]+|[a-zA-Z0-9]+);")
_SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
_SCHEME = re.compile(r"([a-z][a-z0-9+.-]*):")
_INVISIBLE = re.compile(r"[\x00-\x20\x7f-\x9f\s\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]+")
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
    return _render_markdown(markdown_text, lang)


def _render_markdown(markdown_text: str, lang: str) -> list[Block]:
    """Render a non-blank body through Python-Markdown and the finishing pass."""
    renderer, extension = _renderer(lang)
    renderer.reset()
    pieces = renderer.convert(markdown_text).split(_BLOCK_END)
    return [Block(tag, piece.strip(), text) for (tag, text), piece in zip(extension.found, pieces)]


def _plain_block(line: str, lang: str) -> Block:
    """Return the Block Markdown makes of a line _PLAIN_LINE accepts: a typeset paragraph."""
    # The line holds no & < or >, and typesetting adds none, so the HTML needs no escaping.
    text = typeset(line, lang)
    # Nor does it hold control characters or edge spaces: only a double space can fold.
    if "  " in text:
        return Block("p", f"<p>{text}</p>", _fold_layout(text))
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


class DiglotExtension(Extension):
    """Python-Markdown without raw HTML, plus a pass that makes URLs safe and sets typography."""

    def __init__(self, lang: str):
        super().__init__()
        self.lang = lang
        self.found: list[tuple[str, str]] = []

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        """Switch raw HTML off and run the finishing pass after Markdown's own tree passes."""
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        md.treeprocessors.register(_FinishingPass(md, self), "diglot_finish", -10)


class _FinishingPass(Treeprocessor):
    """Make each top-level block safe and typeset, note its tag and text, and mark where it ends."""

    def __init__(self, md: markdown.Markdown, extension: DiglotExtension):
        super().__init__(md)
        self.extension = extension

    def run(self, root: Element) -> None:
        """Finish every top-level block of the document."""
        stash = self.md.htmlStash.rawHtmlBlocks
        found = []
        for block in root:
            _restore_entities(block, stash)
            _drop_unsafe_urls(block)
            typeset_tree(block, self.extension.lang)
            found.append((block.tag, _block_text(block)))
            block.tail = _BLOCK_END
        self.extension.found = found


@lru_cache(maxsize=None)
def _renderer(lang: str) -> tuple[markdown.Markdown, DiglotExtension]:
    """Build one reusable Markdown instance per language (rendering is the hot path)."""
    typeset("", lang)  # refuses an unknown language before any Markdown is built
    extension = DiglotExtension(lang)
    return markdown.Markdown(extensions=[extension], output_format="html"), extension


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


def _restore_entities(block: Element, stash: list) -> None:
    """Put the characters of stashed and obfuscated entities back into the tree as plain text."""
    for element in block.iter():
        if element.text:
            element.text = _unstash(element.text, stash)
        if element.tail and element is not block:
            element.tail = _unstash(element.tail, stash)
        for name, value in element.items():
            element.set(name, _unstash(value, stash))


def _unstash(text: str, stash: list) -> str:
    """Replace Markdown's entity placeholders with the characters they stand for."""
    if util.STX not in text:
        return text
    text = _STASHED.sub(lambda m: html.unescape(str(stash[int(m.group(1))])), text)
    return _OBFUSCATED_ENTITY.sub(lambda m: html.unescape("&" + m.group(1) + ";"), text)


def _is_safe_url(url: str) -> bool:
    """Allow relative URLs and http, https and mailto; nothing a browser could run."""
    folded = _INVISIBLE.sub("", html.unescape(url)).lower()
    scheme = _SCHEME.match(folded)
    return scheme is None or scheme.group(1) in _SAFE_SCHEMES


def _drop_unsafe_urls(block: Element) -> None:
    """Unwrap links and replace images whose URL is not safe, keeping what the reader sees."""
    # Deepest first, so an image inside an unsafe link is settled before the link is unwrapped.
    for parent in reversed(list(block.iter())):
        for index in reversed(range(len(parent))):
            child = parent[index]
            if child.tag == "a" and not _is_safe_url(child.get("href", "")):
                _unwrap(parent, index, child.text or "", list(child))
            elif child.tag == "img" and not _is_safe_url(child.get("src", "")):
                _unwrap(parent, index, child.get("alt", ""), [])


def _unwrap(parent: Element, index: int, text: str, children: list[Element]) -> None:
    """Replace parent[index] by `text` followed by `children`, keeping its tail."""
    tail = parent[index].tail or ""
    del parent[index]
    if children:
        children[-1].tail = (children[-1].tail or "") + tail
    else:
        text += tail
    _append_text(parent, index, text)
    for offset, child in enumerate(children):
        parent.insert(index + offset, child)


def _append_text(parent: Element, index: int, text: str) -> None:
    """Add `text` where parent's child number `index` would start."""
    if index == 0:
        parent.text = (parent.text or "") + text
    else:
        parent[index - 1].tail = (parent[index - 1].tail or "") + text


def _block_text(block: Element) -> str:
    """Return what a reader reads in the block; layout whitespace folds except in preformatted text."""
    text = "".join(block.itertext())
    if block.tag == "pre":
        return text
    return _fold_layout(text)


def _fold_layout(text: str) -> str:
    """Fold runs of layout whitespace to one space and trim the ends, as a browser shows them."""
    return _LAYOUT_SPACE.sub(" ", text).strip(" ")
