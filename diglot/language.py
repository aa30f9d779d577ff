"""Offline English/French detection from stop words, accents and French punctuation.

Each cue is one vote: a stop word votes for its language; a word with a French
accent, an elision (`l'État`, `qu'ils`), a guillemet or a space before `: ; ! ?`
votes French. The confidence is the winner's share of the votes, smoothed towards
0.5 so that a text with little evidence is reported as a guess.
"""
from __future__ import annotations

import re
from collections import Counter

# Words frequent in one language and rare in the other; ambiguous ones such as
# "a", "on", "son", "me" or "pour" are left out on purpose.
ENGLISH_WORDS = frozenset(
    "the and of to is are was were that this these those with for from by have has had "
    "be been not which will would they their them his her its an at as or but who what "
    "when said about into than there it we you our after".split()
)
FRENCH_WORDS = frozenset(
    "le la les des du un une et est sont dans par sur avec qui que ne pas au aux ces cette "
    "il elle ils elles nous vous mais ou leur leurs se plus selon été être ont était "
    "aussi entre contre sans sous depuis".split()
)

_WORD = re.compile(r"[^\W\d_]+")
_FRENCH_LETTERS = frozenset("éèêëàâçùûîïôœ")
_ELISION = re.compile(r"(?<![^\W\d_])(?:[cdjlmnst]|qu)['’](?=[^\W\d_])", re.IGNORECASE)
# French typography: a (no-break) space before high punctuation, and guillemets.
_FRENCH_PUNCTUATION = re.compile(r"[ \u00a0\u202f][:;!?](?!\S)|[«»]")


def count_votes(text: str) -> dict[str, int]:
    """Count the English and French cues in a text."""
    words = Counter(_WORD.findall(text.lower()))
    english = sum(words[word] for word in ENGLISH_WORDS)
    french = sum(words[word] for word in FRENCH_WORDS)
    french += sum(n for word, n in words.items() if not _FRENCH_LETTERS.isdisjoint(word))
    french += len(_ELISION.findall(text)) + len(_FRENCH_PUNCTUATION.findall(text))
    return {"en": english, "fr": french}


def detect_language(text: str) -> tuple[str, float]:
    """Guess whether a text is English or French, with a confidence from 0.5 to 1."""
    votes = count_votes(text)
    language = "fr" if votes["fr"] > votes["en"] else "en"
    # Laplace smoothing: no evidence gives 0.5, and one stray vote is not certainty.
    confidence = (votes[language] + 1) / (votes["en"] + votes["fr"] + 2)
    return language, round(confidence, 3)
