"""Stemmers that stem exactly as the browser's lunr.js and lunr-languages do.

The search index is built in Python but queried in the browser, so a word must
reduce to the same term on both sides or a search silently finds nothing.
"""

from __future__ import annotations

import functools
import importlib.util
import re

from lunr.stemmer import PorterStemmer


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


# Snowball 3 (snowballstemmer 3.x) changed three rules of the French algorithm
# since the Snowball build that lunr-languages 1.22.0 ships: -aise/-aises became
# verb endings and -ais is kept after mal-, épl-, auv-; -oux became -ou after
# b, h, j, l, n, p (bijoux -> bijou); a word starting "ni" + vowel got its own
# RV region (nier); and it strips elisions (l', qu'). lunr-languages cannot be
# changed in the browser, so the Python side goes back to the old rules by
# editing copies of those tables and switching the elision rule off.
_OLD_DELETE_RULE = 3
_LEGACY_EDITS = {
    "a_0": (("ni",), {}),
    "a_4": (("oux",), {}),
    "a_7": (("aise", "aises"), {"ais": _OLD_DELETE_RULE}),
}


def _rebuild_table(table: list, drop: tuple[str, ...], results: dict[str, int]) -> list:
    """Copy a sorted Snowball suffix table without some entries, fixing its cross-links."""
    from snowballstemmer.among import Among

    kept = [entry for entry in table if entry.s not in drop]
    new_index = {id(entry): i for i, entry in enumerate(kept)}

    def remap(substring_i: int) -> int:
        while substring_i >= 0 and id(table[substring_i]) not in new_index:
            substring_i = table[substring_i].substring_i
        return -1 if substring_i < 0 else new_index[id(table[substring_i])]

    return [Among(e.s, remap(e.substring_i), results.get(e.s, e.result), e.method) for e in kept]


def _load_legacy_french_stemmer():
    """Load a private copy of snowballstemmer's French stemmer with the pre-3.0 rules."""
    import snowballstemmer.french_stemmer

    # A private module copy, because the generated code looks its tables up
    # through the module-level class name; the shared module stays untouched.
    origin = snowballstemmer.french_stemmer.__file__
    spec = importlib.util.spec_from_file_location("snowballstemmer._diglot_french", origin)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for name, (drop, results) in _LEGACY_EDITS.items():
        table = getattr(module.FrenchStemmer, name)
        setattr(module.FrenchStemmer, name, _rebuild_table(table, drop, results))
    module.FrenchStemmer._FrenchStemmer__r_elisions = lambda self: False
    _skip_idle_routines(module.FrenchStemmer)
    return module.FrenchStemmer()


def _skip_idle_routines(stemmer: type) -> None:
    """Skip the prelude and postlude on words they would leave unchanged, most words."""
    # Both walk the word letter by letter in Python; together they were half of
    # the stemmer's time. A regex finds in one pass whether any of their rules
    # can fire: the prelude's (vowel + u/i + vowel, vowel + y, y + vowel, ë, ï,
    # qu) and the postlude's (the marks the prelude leaves: H, I, U, Y).
    vowels = "".join(sorted(stemmer.g_v))
    prelude = re.compile(f"[{vowels}](?:[ui][{vowels}]|y)|[ëï]|y[{vowels}]|qu")
    for name, could_act in (("prelude", prelude), ("postlude", re.compile("[HIUY]"))):
        attribute = f"_FrenchStemmer__r_{name}"
        setattr(stemmer, attribute, _unless_idle(getattr(stemmer, attribute), could_act))


def _unless_idle(routine, could_act: re.Pattern):
    """Wrap a Snowball routine to run only when could_act finds a place it may change the word."""

    def run(self):
        return routine(self) if could_act.search(self.current) else True

    return run


@functools.lru_cache(maxsize=1)
def _french_stemmer():
    """The legacy French stemmer, made on first use: a build that stems no new French word (an
    English edit) does not pay for importing Snowball and patching its tables."""
    return _load_legacy_french_stemmer()


@functools.lru_cache(maxsize=200_000)
def stem_french(word: str) -> str:
    """Stem one lowercase, accent-folded French word as lunr-languages' `lunr.fr.stemmer` does."""
    return _french_stemmer().stemWord(word)
