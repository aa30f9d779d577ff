"""Split English and French news paragraphs into sentences.

The decisions are sentence-splitter's (the Moses splitter's rules and its lists of
non-breaking prefixes), asked about one candidate boundary at a time: the word
before a full stop, `?`, `!` or ellipsis and the word after it are all its rules
look at, so a two-word window gives its answer for the whole text at a tenth of
the cost, and repeated windows (`said. The`) are answered from a memo. A thin
rule layer mends what the library gets wrong in news text (measured on
tests/data/sentences/): abbreviations it does not list (`janv.`, `a.m.`,
`Gov.`), a country's initials ending a sentence (`the U.S. Her …`), and the
single-character ellipsis `…`.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from sentence_splitter import SentenceSplitter

Span = tuple[int, int]

# The marks a sentence ends with: a candidate starts at one of them, so _candidates looks for them alone.
_TERMINALS = ".!?…"
# A candidate end: terminal punctuation, closing quotes or brackets (French puts a space before
# `»`, `?` and `!`), then the space before the next word. Group 1 is that space.
_CANDIDATE = re.compile(rf"[{_TERMINALS}]+(?: ?[»\"”’')\]])*( +)(?=\S)")
# The no-break and thin spaces the typography module writes, line breaks and tabs: spaces, to the
# library and the regexes. (Replaced one by one: str.replace finds a character in C, where a regex
# substitution took a quarter of the splitting and str.translate looks every character of
# non-ASCII text up in its table.)
_SPACES = ("\u00a0", "\u202f", "\u2009", "\n", "\t")

# Abbreviations the library's lists lack, by language (lower-cased, without the dot). Before a
# number or a lower-case word they never end a sentence.
_ABBREVIATIONS = {
    "en": frozenset("jan feb mar apr jun jul aug sep sept oct nov dec mon tue tues wed thu thurs fri sat sun "
                    "gov lt col gen sen rep st no nos vol fig est approx dept univ ave blvd mt ft inc ltd corp "
                    "co jr sr vs etc e.g i.e a.m p.m ca cf op p pp".split()),
    "fr": frozenset("janv févr fév avr juil sept oct nov déc art al p ex env av apr j.-c hab min max "
                    "mme mlle mm me pr dr st ste no nos vol fig cf etc éd chap t c.-à-d s.a réf tél "
                    "boul bd n° ann sq vs".split()),
}
# Titles: never the end of a sentence, whatever follows (`M. Dupont`, `Dr. Li`, `Gov. Newsom`).
_TITLES = frozenset("m mm mme mlle me pr dr mr mrs ms messrs gov lt col gen sen rep ste sgt capt prof "
                    "rev hon adm maj cpl".split())
# Times of day: before a capital they end a sentence unless a day, month or time zone follows.
_TIMES = frozenset({"a.m", "p.m"})
_TIME_FOLLOWERS = frozenset(
    "monday tuesday wednesday thursday friday saturday sunday january february march april may june july "
    "august september october november december jan feb mar apr jun jul aug sep sept oct nov dec "
    "et est edt pt pst pdt ct cst gmt bst utc cet".split())
# Units written after a number (`10 h.`, `10.49 s.`, `21 °C.`): the library's lists take single letters
# for initials, but after a number they end a sentence before a capital.
_UNITS = frozenset("h s m km kg g t l cm mm min °c °f mph kmh".split())
# Words that start sentences but are not names: after a full stop that could be an abbreviation
# (`U.S.`, `St.`), they mark a sentence end.
_STARTERS = frozenset(
    "the a an he she it they we i you his her its their our this that these those there here but and "
    "so yet in on at for as if when while after before since then now still also however meanwhile "
    "nobody none no some many most all every each one both several few by with from what who why how "
    "le la les un une il elle ils elles nous on ce cette ces mais et or donc puis en au aux dans pour "
    "selon alors depuis lors personne aucun rien tout tous".split())
_OPENING = "«\"“‘'(["


@lru_cache(maxsize=4)
def splitter(lang: str) -> SentenceSplitter:
    """The library's splitter for a language (French rules for French, English for the rest)."""
    return SentenceSplitter("fr" if lang == "fr" else "en")


def split_sentences(text: str, lang: str, offset: int = 0) -> list[Span]:
    """Return the (start, end) of each sentence of text, in order, without surrounding spaces;
    offset is added to both (where text starts in the HTML a caller marks)."""
    flat = text
    for space in _SPACES:
        if space in flat:
            flat = flat.replace(space, " ")
    # A sentence ends where a candidate's spaces start, and the next starts where they end (the
    # regex ends a candidate before a non-space): only the text's own ends need trimming.
    spans, start = [], len(flat) - len(flat.lstrip(" "))
    for match in _candidates(flat):
        if ends_sentence(*around(flat, match.start(), match.end(1)), lang):
            spans.append((start + offset, match.start(1) + offset))
            start = match.end(1)
    end = len(flat.rstrip(" "))
    if start < end:
        spans.append((start + offset, end + offset))
    return spans


def _candidates(flat: str) -> list[re.Match]:
    """Find the matches of _CANDIDATE in flat, as finditer finds them. A match starts only at a
    terminal mark, so the regex is tried there alone: str.find reaches them several times faster
    than the regex engine's scan of every position (a third of the time a paragraph took to split)."""
    marks = [at for mark in _TERMINALS if mark in flat for at in _occurrences(flat, mark)]
    if len(marks) > 1:
        marks.sort()
    found, end = [], 0
    for at in marks:
        if at >= end:
            match = _CANDIDATE.match(flat, at)
            if match:
                found.append(match)
                end = match.end()
    return found


def _occurrences(text: str, mark: str) -> list[int]:
    """Return every index of mark in text."""
    found, at = [], text.find(mark)
    while at >= 0:
        found.append(at)
        at = text.find(mark, at + 1)
    return found


def around(flat: str, end: int, next_start: int) -> tuple[bool, str, str]:
    """Tell whether the word before the word that ends at end ends in a digit (all the rules ask
    of it: a smaller memo key than the word), and return that word and the word after (an opening
    quote or bracket standing alone is read with the word it opens)."""
    start = flat.rfind(" ", 0, end) + 1
    after_digit = start >= 2 and flat[start - 2].isdigit()
    stop = flat.find(" ", next_start)
    if 0 <= stop and flat[next_start:stop].strip(_OPENING) == "":
        stop = flat.find(" ", stop + 1)
    word_end = flat.find(" ", start)
    return after_digit, flat[start:word_end], flat[next_start:len(flat) if stop < 0 else stop]


@lru_cache(maxsize=65536)
def ends_sentence(after_digit: bool, word: str, following: str, lang: str) -> bool:
    """Tell whether a sentence ends after word (before following); after_digit: the word before it
    ends in a digit."""
    bare = word.rstrip("»\"”’')] ")
    stem = bare.rstrip(".!?…").lstrip(_OPENING)
    key = stem.casefold()
    next_word = following.lstrip(_OPENING + " ")
    first = next_word[:1]
    if first.islower():
        return False  # a sentence never starts in lower case (`etc. and`, `p. ex. la`, `Fermé ?` aside)
    if bare.endswith(("…", "...")):
        return not word.startswith(("[", "(")) and first.isupper()  # `[…]` marks a cut
    if bare.endswith(("?", "!")):
        return True
    plain = bare == word and bare == stem + "."  # no quote or bracket closes after the full stop
    if plain and key in _UNITS and after_digit:
        return first.isupper()
    if plain and key in _TITLES:
        return False
    if plain and key in _TIMES:
        return first.isupper() and next_word.casefold().rstrip(",;:.") not in _TIME_FOLLOWERS
    folded = next_word.casefold().rstrip(",;:")
    if plain and key in _ABBREVIATIONS.get(lang, _ABBREVIATIONS["en"]):
        return folded in _STARTERS
    if plain and re.fullmatch(r"(?:[A-Z]\.){2,}", bare):
        # Initials: `U.S.` before a pronoun ends a sentence; before a name (`J.R. Smith`) it does not.
        return folded in _STARTERS
    if following[:1] and unicodedata.category(following[:1]) == "Lu":
        # `said. The`, `2023. Dans`: before a capital the library's rules look at the word alone
        # (one of its non-breaking prefixes? an acronym?), so ask once per word, not per pair.
        return library_ends(word, "A", lang)
    return library_ends(word, following.replace("…", "..."), lang)


@lru_cache(maxsize=65536)
def library_ends(word: str, following: str, lang: str) -> bool:
    """Tell whether sentence-splitter ends a sentence between word and following."""
    return len(splitter(lang).split(f"{word} {following}".replace("…", "..."))) > 1


def sentence_texts(text: str, lang: str) -> list[str]:
    """The sentences of text as strings (for the tests)."""
    return [text[start:end] for start, end in split_sentences(text, lang)]
