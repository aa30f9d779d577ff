"""Stemmers that stem exactly as the browser's lunr.js and lunr-languages do.

The search index is built in Python but queried in the browser, so a word must
reduce to the same term on both sides or a search silently finds nothing.
"""

from __future__ import annotations

import functools

from lunr.stemmer import PorterStemmer
from Stemmer import Stemmer


class LunrJsPorterStemmer(PorterStemmer):
    """lunr.py's Porter stemmer, corrected where lunr.js 2.3.9 stems differently."""

    def ends(self, suffix):
        """Match a suffix only when a stem is left, as lunr.js's `^(.+?)suffix$` does."""
        if len(suffix) > self.k - self.k0:
            return 0
        return super().ends(suffix)

    def doublec(self, j):
        """Treat "yy" as no double consonant: lunr.js never undoubles it."""
        if self.b[j] == "y":
            return 0
        return super().doublec(j)

    def step1c(self):
        """Turn a final y into i after any non-aeiou letter, as lunr.js does (cry -> cri)."""
        # lunr.py asks for a vowel anywhere in the stem (airways -> airwai, cry stays).
        if self.k - self.k0 >= 2 and self.b[self.k] == "y" and self.b[self.k - 1] not in "aeiou":
            self.b = self.b[: self.k] + "i" + self.b[self.k + 1 :]


_ENGLISH = LunrJsPorterStemmer()


@functools.lru_cache(maxsize=200_000)
def stem_english(word: str) -> str:
    """Stem one lowercase English word exactly as lunr.js's `lunr.stemmer` does."""
    return _ENGLISH.stem(word)


# lunr-languages 1.22.0 ships a Snowball French stemmer from before Snowball 3, which changed
# three of its rules (-aise/-aises became verb endings and -ais is kept after mal-, épl-, auv-;
# -oux became -ou after b, h, j, l, n, p; a word starting "ni" + vowel got its own RV region)
# and began stripping elisions. PyStemmer 2.2.0.3 wraps libstemmer 2.0.1, from before those
# changes, and stems in C, fifty times faster than Snowball's pure-Python French: it is pinned
# for both (tests/test_search_parity.py holds it to lunr-languages in the browser).
_FRENCH = Stemmer("french")


def stem_french(word: str) -> str:
    """Stem one lowercase, accent-folded French word as lunr-languages' `lunr.fr.stemmer` does."""
    return _FRENCH.stemWord(word)
