"""Language-neutral text features (numbers, names) that survive EN↔FR translation.

Pairing and alignment both ask "do these two texts talk about the same things?".
Words change across languages; digits and proper names mostly do not, once their
spelling conventions are folded away.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Thousands separators seen in EN and FR news: comma, dot, apostrophe, space,
# no-break space, narrow no-break space, thin space.
_GROUP_SEP = ",.'\u2019 \u00a0\u202f\u2009"
# A leading group of 1–3 digits followed by exact 3-digit groups is one number
# (`400 000`, `400,000`); otherwise a plain digit run. Every match ends where a
# digit run ends, so a left-to-right scan only ever starts one at a run's first
# digit (`2023 100` stays `2023`, `100`) without a lookbehind; starting with a
# bare `\d` lets the regex engine skip to digits instead of trying every character.
_NUMBER = re.compile(
    rf"(?P<int>\d(?:\d{{0,2}}(?:[{_GROUP_SEP}]\d{{3}}(?!\d))+|\d*))"
    r"(?:[.,](?P<frac>\d+))?"
)
# Capitalised words only; Latin-1 capitals and Œ cover English and French.
_CAPITAL = "[A-ZÀ-ÖØ-ÞŒ]"
# Punctuation after which (spaces aside) the next capital is a sentence start, not a name.
_ENDS = re.escape(".!?:;«»\"“”([—–\n")
# A capitalised word where a name can stand: what comes before the capital, seen by lookbehinds
# (each of fixed width, so one per case) that follow the capital, so the regex engine still skips
# ahead to capitals. The cases: after a letter and an apostrophe (l'État); after one or two spaces
# (not line breaks) that follow neither a sentence end nor a third space; or right after a
# character that is no letter, space, apostrophe or sentence end (5G, Jean-Pierre). A capital
# inside a word (iPhone), at a sentence's start or at the text's start matches none of them.
_NAME = re.compile(
    f"{_CAPITAL}"
    f"(?:(?<=[^\\W\\d_]['’]{_CAPITAL})"
    f"|(?<=[^\\s{_ENDS}][^\\S\\n]{_CAPITAL})"
    f"|(?<=[^\\s{_ENDS}][^\\S\\n]{{2}}{_CAPITAL})"
    f"|(?<=[\\d_]{_CAPITAL})"
    f"|(?<=[^\\w\\s{_ENDS}'’]{_CAPITAL}))"
    r"[^\W\d_]*"
)

# Letters kept of a folded name: 4 lets China/Chine and Chinese/chinois meet
# while still telling Beijing from Belgium (measured in tests/test_pairing.py).
NAME_KEY_LENGTH = 4

# Capitalised in English, lower-case in French: they would only ever mismatch.
_EN_ONLY_CAPITALS = frozenset(
    "january february march april may june july august september october "
    "november december monday tuesday wednesday thursday friday saturday "
    "sunday i".split()
)


@lru_cache(maxsize=65536)
def fold_accents(word: str) -> str:
    """Lower-case a word and strip its accents (`État` → `etat`)."""
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    if decomposed.isascii():
        return decomposed  # most words: no accent to strip, so no need to look at each character
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def normalise_number(integer: str, fraction: str | None) -> str:
    """Write one matched number canonically: no separators, `.` decimal, no padding."""
    digits = integer if integer.isdigit() else "".join(ch for ch in integer if ch.isdigit())
    digits = digits.lstrip("0") or "0"
    fraction = (fraction or "").rstrip("0")
    return f"{digits}.{fraction}" if fraction else digits


def extract_numbers(text: str) -> tuple[str, ...]:
    """Return the numbers of a text, normalised, in reading order (repeats kept)."""
    # Most numbers are a bare run of digits with no leading zero: already canonical, no call needed.
    return tuple([integer if not fraction and integer.isdigit() and integer[0] != "0"
                  else normalise_number(integer, fraction) for integer, fraction in _NUMBER.findall(text)])


def name_key(word: str) -> str:
    """Fold a name into the short key that its translation shares."""
    return fold_accents(word)[:NAME_KEY_LENGTH]


@lru_cache(maxsize=65536)
def name_feature(word: str) -> str | None:
    """Return a capitalised word's name key, or None for a word only English capitalises."""
    return None if fold_accents(word) in _EN_ONLY_CAPITALS else name_key(word)


def extract_names(text: str) -> tuple[str, ...]:
    """Return keys of the capitalised words not at a sentence start, in reading order."""
    return tuple(filter(None, map(name_feature, _NAME.findall(text))))


def extract_features(text: str) -> frozenset[str]:
    """Return the set of number and name features of a text. They need no tag for their kind: a
    number starts with a digit, a name key with the letter its capital folds to."""
    return frozenset(extract_numbers(text) + extract_names(text))
