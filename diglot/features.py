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
# Capitalised words only, so the scan skips lower-case words inside the regex
# engine; Latin-1 capitals and Œ cover English and French. A match swallows the
# rest of its word, so one that follows a letter (`iPhone`) is a word's inside,
# rejected in Python: a lookbehind here would stop the engine skipping ahead.
_CAPITALISED = re.compile(r"[A-ZÀ-ÖØ-ÞŒ][^\W\d_]*")
_LETTER = re.compile(r"[^\W\d_]")
# Punctuation after which (spaces aside) the next capital is a sentence start, not a name.
_SENTENCE_END = frozenset(".!?:;«»\"“”([—–\n")

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
    return tuple([normalise_number(integer, fraction) for integer, fraction in _NUMBER.findall(text)])


def is_name_position(text: str, start: int) -> bool:
    """Tell whether a capital at `start` is mid-sentence (so likely a name)."""
    before = text[max(0, start - 3):start]
    if before.endswith(("'", "\u2019")):
        # Elided article (l'État, d'Europe): the capital is the name's own.
        return start >= 2 and text[start - 2].isalpha()
    visible = before.rstrip()
    # Nothing but spaces before it, or a line break among them, also starts a sentence.
    return bool(visible) and visible[-1] not in _SENTENCE_END and "\n" not in before[len(visible):]


def name_key(word: str) -> str:
    """Fold a name into the short key that its translation shares."""
    return fold_accents(word)[:NAME_KEY_LENGTH]


@lru_cache(maxsize=65536)
def name_feature(word: str) -> str | None:
    """Return a capitalised word's name key, or None for a word only English capitalises."""
    return None if fold_accents(word) in _EN_ONLY_CAPITALS else name_key(word)


def extract_names(text: str) -> tuple[str, ...]:
    """Return keys of the capitalised words not at a sentence start, in reading order."""
    keys = []
    for match in _CAPITALISED.finditer(text):
        start = match.start()
        # Inside a word (iPhone) or at the text's or a sentence's start, a capital names nothing.
        if start and not _LETTER.match(text, start - 1) and is_name_position(text, start):
            key = name_feature(match.group())
            if key is not None:
                keys.append(key)
    return tuple(keys)


def extract_features(text: str) -> frozenset[str]:
    """Return the set of number and name features of a text, tagged by kind."""
    return frozenset(
        [f"#{n}" for n in extract_numbers(text)] + [f"@{k}" for k in extract_names(text)]
    )
