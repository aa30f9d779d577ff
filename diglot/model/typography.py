"""French and English typography on plain text and on the text nodes of an element tree.

Only quote characters and the spaces around punctuation ever change: letters and
digits never do, and running `typeset` twice gives the same text as running it once.
URLs and e-mail addresses are left exactly as written.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from xml.etree.ElementTree import Element

NNBSP = "\u202f"  # narrow no-break space: before ; ! ? and inside « » in French
NBSP = "\u00a0"  # no-break space: before : and % in French

_WS = " \t\n\r\u00a0\u202f\u2009"
_OPENERS = "([{«“‘—–-/"
_CLOSERS = ")]}»”’…"
_PUNCTUATION = ".,;:!?%"
_FOLLOWERS = _PUNCTUATION + _CLOSERS + "\"'“‘«"
_ADDRESS = re.compile(
    r"(?:(?<![\w.])www\.|[a-z][a-z0-9+.-]*://)[^\s<>\"“”‘’«»]+"
    r"|[\w.+'-]+@[\w-]+(?:\.[\w-]+)+",
    re.IGNORECASE,
)
_QUOTE = re.compile("[\"']")
# A straight single quote after a Latin letter is always an apostrophe, whatever the double quotes
# around it become: French prose holds dozens (l'État, qu'il), so one regex pass curls them before
# the quote-by-quote pass looks at the rest.
_APOSTROPHE = re.compile("'(?<=[A-Za-zÀ-ÖØ-öø-ÿ]')")  # the quote first, so the regex engine skips to it
# "www." in any case, found from its period: far quicker than lowering the text or ignoring case.
_WWW_DOT = re.compile(r"\.(?<=[wW]{3}\.)")


def _any_of(chars: str) -> str:
    """Return a regex character class matching any of `chars`."""
    return "[" + re.escape(chars) + "]"


@dataclass(frozen=True)
class _SpaceRule:
    """French rule: put `space` before each `mark` written after a space or after a character `after` accepts."""

    mark: re.Pattern[str]
    starts: str  # the characters a mark can start with: a text holding none of them is left alone at once
    space: str
    after: re.Pattern[str]
    after_any_space: bool = True

    def may_apply(self, text: str) -> bool:
        """Tell whether text holds a character a mark starts with (far quicker than searching for the mark)."""
        return any(map(text.__contains__, self.starts))


_ENDS_MARK = f"(?={_any_of(_WS + _FOLLOWERS)}|$)"
_OPENING_GUILLEMET = re.compile(f"«{_any_of(_WS)}*")
_AFTER_WORD = re.compile(r"\w|" + _any_of(".%" + _CLOSERS))
# A mark counts only where a word or a space follows it (_ENDS_MARK), so 10:30 and 3:2 stay intact
# while "En 2024: hausse" gets its space like "Bilan: hausse".
_SPACE_RULES = (
    _SpaceRule(re.compile("»"), "»", NNBSP, re.compile(".", re.DOTALL)),
    _SpaceRule(re.compile(f"[;!?]+{_ENDS_MARK}"), ";!?", NNBSP, _AFTER_WORD),
    _SpaceRule(re.compile(f":{_ENDS_MARK}"), ":", NBSP, _AFTER_WORD),
    _SpaceRule(re.compile(r"%(?!\w)"), "%", NBSP, re.compile(r"\d"), after_any_space=False),
)
# The characters that can make a text change at all, per language; text without any is returned as is.
_TRIGGERS = {"en": re.compile("[\"']"), "fr": re.compile("[\"'«»;:!?%]")}
LANGUAGES = tuple(_TRIGGERS)
_SKIP_TAGS = frozenset({"code", "pre", "kbd", "script", "style"})
_BLOCK_TAGS = frozenset({"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "td", "th", "dd", "dt"})


def typeset(text: str, lang: str) -> str:
    """Return `text` with the quotes and punctuation spacing of `lang` ('en' or 'fr')."""
    _check_language(lang)
    return _typeset_span(text, lang)[0]


def typeset_tree(root: Element, lang: str) -> None:
    """Typeset every text node under `root` in place, leaving code and attributes alone."""
    _check_language(lang)
    slots = list(_text_slots(root, skipped=False))
    open_quote = False
    for index, (element, field, editable) in enumerate(slots):
        if field == "text" and element.tag in _BLOCK_TAGS:
            open_quote = False
        value = getattr(element, field)
        if not editable or not value or not _TRIGGERS[lang].search(value):
            continue
        before, after = _neighbour_chars(slots, index)
        typeset_value, open_quote = _typeset_span(value, lang, before, after, open_quote)
        if typeset_value != value:
            setattr(element, field, typeset_value)


def _typeset_span(
    text: str, lang: str, before: str = "", after: str = "", open_quote: bool = False
) -> tuple[str, bool]:
    """Typeset `text` seen between the characters `before` and `after`; say if a quote is left open."""
    if not _TRIGGERS[lang].search(text):
        return text, open_quote
    whole = before + text + after
    edges = (len(before), len(after))
    whole, open_quote = _convert_quotes(whole, lang, edges, open_quote)
    if lang == "fr":
        if "«" in whole:
            whole = _substitute_outside(_OPENING_GUILLEMET, "«" + NNBSP, whole, edges)
        for rule in _SPACE_RULES:
            if rule.may_apply(whole):  # most texts hold no mark of most rules
                whole = _space_before_marks(whole, edges, rule)
    return whole[edges[0] : len(whole) - edges[1]], open_quote


def _check_language(lang: str) -> None:
    """Refuse a language whose typography diglot does not know."""
    if lang not in LANGUAGES:
        raise ValueError(f"no typography rules for language {lang!r}; expected one of {LANGUAGES}")


def _guarded_spans(text: str, edges: tuple[int, int]) -> list[tuple[int, int]]:
    """Return the spans no rule may touch: the context characters, URLs and e-mail addresses."""
    spans = [(0, edges[0]), (len(text) - edges[1], len(text))]
    # The address pattern is slow on long prose, so look for it only where one can be.
    if "@" in text or "://" in text or _WWW_DOT.search(text):
        spans.extend(match.span() for match in _ADDRESS.finditer(text))
    return spans


def _overlaps(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    """Tell whether [start, end) shares a character with any of `spans`."""
    return any(start < span_end and span_start < end for span_start, span_end in spans)


def _substitute_outside(pattern: re.Pattern[str], replacement: str, text: str, edges: tuple[int, int]) -> str:
    """Put the literal `replacement` for every match of `pattern` except inside guarded spans."""
    if not pattern.search(text):
        return text  # most texts have nothing to replace; skip finding the guarded spans
    guarded = _guarded_spans(text, edges)

    def replace(match: re.Match[str]) -> str:
        if _overlaps(match.start(), match.end(), guarded):
            return match.group(0)
        return replacement

    return pattern.sub(replace, text)


def _space_before_marks(text: str, edges: tuple[int, int], rule: _SpaceRule) -> str:
    """Apply one spacing rule everywhere except inside guarded spans."""
    guarded = None  # found on the first wanted mark: most marks already sit where they should
    pieces, done = [], 0
    for match in rule.mark.finditer(text):
        start = match.start()
        while start > 0 and text[start - 1] in _WS:
            start -= 1
        before = text[start - 1] if start else ""
        wanted = (start < match.start() and rule.after_any_space) or rule.after.fullmatch(before)
        if wanted and guarded is None:
            guarded = _guarded_spans(text, edges)
        if wanted and not _overlaps(start, match.end(), guarded):
            pieces += [text[done:start], rule.space]
            done = match.start()
    pieces.append(text[done:])
    return "".join(pieces)


def _convert_quotes(text: str, lang: str, edges: tuple[int, int], open_quote: bool) -> tuple[str, bool]:
    """Curl straight double quotes, then straight single quotes, outside guarded spans."""
    if not _QUOTE.search(text):
        return text, open_quote
    guarded = _guarded_spans(text, edges)
    if edges == (0, 0) and len(guarded) == 2:  # nothing to guard: no context characters, no address
        text = _APOSTROPHE.sub("’", text)
        if "'" not in text and '"' not in text:  # they were all apostrophes, as most are
            return text, open_quote
        positions = [m.start() for m in _QUOTE.finditer(text)]
    else:
        positions = [m.start() for m in _QUOTE.finditer(text) if not _overlaps(m.start(), m.end(), guarded)]
    chars = list(text)
    for index in positions:
        if chars[index] == '"':
            chars[index], open_quote = _curl_double(chars, index, lang, open_quote)
    # Single quotes look at their neighbours after the double quotes settled, so a second run agrees.
    for index in positions:
        if chars[index] == "'":
            chars[index] = _curl_single(chars, index)
    return "".join(chars), open_quote


def _neighbours(chars: list[str], index: int) -> tuple[str, str]:
    """Return the characters just before and just after `index` ('' at either end)."""
    before = chars[index - 1] if index > 0 else ""
    after = chars[index + 1] if index + 1 < len(chars) else ""
    return before, after


def _curl_double(chars: list[str], index: int, lang: str, open_quote: bool) -> tuple[str, bool]:
    """Choose the opening or closing form of a straight double quote; keep inch marks straight."""
    before, after = _neighbours(chars, index)
    if before.isdigit() and not open_quote:
        return '"', open_quote
    opens_here = before == "" or before in _WS or before in _OPENERS
    closes_here = after == "" or after in _WS or after in _PUNCTUATION + _CLOSERS
    opening = not open_quote if opens_here == closes_here else opens_here
    if lang == "fr":
        return ("«" if opening else "»"), opening
    return ("“" if opening else "”"), opening


def _curl_single(chars: list[str], index: int) -> str:
    """Turn a straight single quote into an apostrophe or an opening quote; keep foot marks straight."""
    before, after = _neighbours(chars, index)
    if before.isdigit():
        return "'"
    if before == "" or before in _WS or before in _OPENERS:
        if not after.isalnum():
            return "'"
        return "’" if after.isdigit() else "‘"
    return "’"


def _text_slots(element: Element, skipped: bool):
    """Yield (element, 'text' or 'tail', editable) for every text node in document order."""
    skipped = skipped or element.tag in _SKIP_TAGS
    yield element, "text", not skipped
    for child in element:
        yield from _text_slots(child, skipped)
        # A child's tail sits in this element, outside the child.
        yield child, "tail", not skipped


def _neighbour_chars(slots: list, index: int) -> tuple[str, str]:
    """Return the last character of the text before slot `index` and the first one after it."""
    before = next((v[-1] for v in _slot_values(reversed(slots[:index])) if v), "")
    after = next((v[0] for v in _slot_values(slots[index + 1 :]) if v), "")
    return before, after


def _slot_values(slots):
    """Yield the current string of each slot."""
    for element, field, _ in slots:
        yield getattr(element, field)
