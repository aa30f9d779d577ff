"""Plain text to Markdown that renders it back literally (what the importer writes)."""
from __future__ import annotations

import re

_LINE_BREAK = re.compile(r"\r\n|\r|\n")  # Markdown's own idea of a line break

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


def escape_markdown(plain: str) -> str:
    """Return Markdown that renders back to the plain-text paragraph `plain` as literal text."""
    line = " ".join(_LINE_BREAK.split(plain)).strip() if "\n" in plain or "\r" in plain else plain.strip()
    if _INLINE_SYNTAX_CHARS.search(line):
        line = _INLINE_SYNTAX.sub(_escape_inline, line)
    return _LINE_START_SYNTAX.sub(_escape_line_start, line)


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
