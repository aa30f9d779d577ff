"""Offline English/French detection from stop words, accents and French punctuation.

Each cue is one vote: a stop word votes for its language; a word with a French
accent, an elision (`l'État`, `qu'ils`), a guillemet or a space before `: ; ! ?`
votes French. The confidence is the winner's share of the votes, smoothed towards
0.5 so that a text with little evidence is reported as a guess.
"""
from __future__ import annotations

import re
from itertools import filterfalse

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

# Every pattern below opens with a plain character class, so the regex engine skips
# straight to the rare characters that can start a match instead of trying every position.
_WORD = re.compile(r"[^\W\d_]+")
# A word with a French accent, matched from its first accented letter to its end: one
# match per such word, however many accents it holds.
_ACCENTED_WORD = re.compile(r"[éèêëàâçùûîïôœ][^\W\d_]*")
# An elision's apostrophe: after a lone c, d, j, l, m, n, s, t or qu, before a letter.
_ELISION = re.compile(
    r"['’](?=[^\W\d_])(?:(?<=(?<![^\W\d_])[cdjlmnst]['’])|(?<=(?<![^\W\d_])qu['’]))", re.IGNORECASE
)
# French typography: a (no-break) space before high punctuation, and guillemets.
_SPACED_PUNCTUATION = re.compile(r"[:;!?](?<=[ \u00a0\u202f][:;!?])(?!\S)")


def count_votes(text: str) -> dict[str, int]:
    """Count the English and French cues in a text."""
    lower = text.lower()
    words = split_words(lower)
    english = sum(map(ENGLISH_WORDS.__contains__, words))
    french = sum(map(FRENCH_WORDS.__contains__, words)) + len(_ACCENTED_WORD.findall(lower))
    french += len(_ELISION.findall(text)) + len(_SPACED_PUNCTUATION.findall(text))
    return {"en": english, "fr": french + text.count("«") + text.count("»")}


def split_words(text: str) -> list[str]:
    """Return a text's words (runs of letters) for counting those of a word list.

    Splitting at spaces is much faster than the word regex, and a chunk of letters only is
    one word; the regex then finds the words inside the other chunks ("l'État", "said:").
    Those chunks stay in the list too: they are no word, so no word list holds them."""
    chunks = text.split()
    return chunks + _WORD.findall(" ".join(filterfalse(str.isalpha, chunks)))


def detect_language(text: str) -> tuple[str, float]:
    """Guess whether a text is English or French, with a confidence from 0.5 to 1."""
    votes = count_votes(text)
    language = "fr" if votes["fr"] > votes["en"] else "en"
    # Laplace smoothing: no evidence gives 0.5, and one stray vote is not certainty.
    confidence = (votes[language] + 1) / (votes["en"] + votes["fr"] + 2)
    return language, round(confidence, 3)
