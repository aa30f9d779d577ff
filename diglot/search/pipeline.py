"""The search pipelines: how a text becomes lunr terms, in Python exactly as in the browser.

Each function of a pipeline here has a twin in layouts/assets/search-pipelines.js registered
under the same label: the browser needs the labels to load an index, and the same reduction of
words to terms for a query to find anything.
"""
from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable

from lunr.pipeline import Pipeline
from lunr.stop_word_filter import WORDS as ENGLISH_STOP_WORDS

from diglot.search.stemmers import stem_english, stem_french

LANGUAGES = ("en", "fr")


# lunr.js splits on /[\s\-]+/, and JavaScript's \s is not Python's.
_SEPARATOR = re.compile("[\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff-]+")
# Same class as NON_WORD in search-pipelines.js.
_NON_WORD = (
    r"\x00-\x2f\x3a-\x40\x5b-\x60\x7b-\xa9\xab-\xb1\xb4\xb6-\xb8\xbb\xbf\xd7\xf7\u02b9-\u02bf"
    r"\u2000-\u206f\u20a0-\u20cf\u2190-\u2bff\u3000-\u303f\ufe10-\ufe6f\uff01-\uff0f"
    r"\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65"
)
_TRIM = re.compile(f"^[{_NON_WORD}]+|[{_NON_WORD}]+\\Z")
_ELISION = re.compile("^(?:jusqu|lorsqu|puisqu|quoiqu|qu|[cdjlmnst])'")
_LATIN = re.compile("[\u00c0-\u024f]")
_COMBINING_MARK = re.compile("[\u0300-\u036f]")
# Letters that Unicode does not decompose into a base letter and a mark.
_SPECIAL_FOLDS = {
    "ß": "ss", "æ": "ae", "ð": "d", "ø": "o", "þ": "th",
    "đ": "d", "ħ": "h", "ı": "i", "ł": "l", "œ": "oe", "ŧ": "t",
}  # fmt: skip
# lunr-languages 1.22.0's French list (lunr.fr.stopWordFilter), the Snowball one.
FRENCH_STOP_WORDS = frozenset(
    """ai aie aient aies ait as au aura aurai auraient aurais aurait auras aurez auriez
    aurions aurons auront aux avaient avais avait avec avez aviez avions avons ayant ayez
    ayons c ce ceci celà ces cet cette d dans de des du elle en es est et eu eue eues eurent
    eus eusse eussent eusses eussiez eussions eut eux eûmes eût eûtes furent fus fusse
    fussent fusses fussiez fussions fut fûmes fût fûtes ici il ils j je l la le les leur
    leurs lui m ma mais me mes moi mon même n ne nos notre nous on ont ou par pas pour qu
    que quel quelle quelles quels qui s sa sans se sera serai seraient serais serait seras
    serez seriez serions serons seront ses soi soient sois soit sommes son sont soyez soyons
    suis sur t ta te tes toi ton tu un une vos votre vous y à étaient étais était étant
    étiez étions été étée étées étés êtes""".split()
)


# Python's str.split() splits on these, which JavaScript's \s does not.
_PYTHON_ONLY_SPACES = ("\x1c", "\x1d", "\x1e", "\x1f", "\x85")


def split_lowered(text: str) -> list[str]:
    """Split lowercased text on lunr.js's separators."""
    if any(space in text for space in _PYTHON_ONLY_SPACES):
        return [word for word in _SEPARATOR.split(text) if word]
    # str.split() is several times faster than the regex and otherwise splits
    # on exactly JavaScript's \s, less "-" and the BOM.
    return text.replace("-", " ").replace("\ufeff", " ").split()


def split_words(text: str) -> list[str]:
    """Lowercase and split text into words exactly as lunr.js's tokenizer does."""
    return split_lowered(text.lower())


def trim_term(term: str) -> str:
    """Strip punctuation and symbols from both ends of a word, keeping letters like é."""
    return _TRIM.sub("", term)


def strip_possessive(term: str) -> str:
    """Turn "china's" (either apostrophe) into "china"."""
    term = term.replace("\u2019", "'")
    return term[:-2] if term.endswith("'s") else term


def strip_elisions(term: str) -> str:
    """Turn "l'espionnage", "jusqu’à", "qu'il" into the word after the elision."""
    term = term.replace("\u2019", "'")
    while (shorter := _ELISION.sub("", term)) != term:
        term = shorter
    return term


def _fold_letter(match: re.Match) -> str:
    """Fold one Latin letter to its unaccented base letters."""
    letter = match.group()
    special = _SPECIAL_FOLDS.get(letter)
    if special:
        return special
    return _COMBINING_MARK.sub("", unicodedata.normalize("NFD", letter))


def fold_term(term: str) -> str:
    """Remove accents so that "securite" finds "sécurité"."""
    return _COMBINING_MARK.sub("", _LATIN.sub(_fold_letter, term))


# Snowball 3 marks ë ï ü ÿ in a way lunr.fr's older Snowball does not; with
# them folded first, both stem every tested word alike.
_DIAERESIS = str.maketrans("ëïüÿ", "eiuy")


def stem_french_both_ways(term: str) -> list[str]:
    """Stem a French word as written and unaccented, so queries with or without accents match."""
    # Stemming the folded word alone loses -é/-ée/-ées (recrutées != recruter);
    # stemming the accented word alone loses queries typed without accents.
    as_written = fold_term(stem_french(term.translate(_DIAERESIS)))
    unaccented = stem_french(fold_term(term))
    return [as_written] if unaccented == as_written else [as_written, unaccented]


def _unless_stop_word(stop_words: frozenset[str]) -> Callable[[str], str]:
    """Make a transform that empties stop words, so the pipeline drops them."""
    return lambda term: "" if term in stop_words else term


def _pipeline_function(transform: Callable[[str], str | list[str]]) -> Callable:
    """Wrap a transform as a lunr pipeline function; emptied words drop, lists expand."""

    def run(token, i=None, tokens=None):
        terms = transform(str(token))
        if isinstance(terms, str):
            terms = [terms] if terms else []
        if not terms:
            return None
        token.string = terms[0]
        return [token] + [token.clone(lambda _s, _m, term=term: term) for term in terms[1:]]

    return run


_FUNCTIONS = {
    "diglot-trimmer": trim_term,
    "diglot-possessive-en": strip_possessive,
    "diglot-elision-fr": strip_elisions,
    "diglot-stopwords-en": _unless_stop_word(frozenset(ENGLISH_STOP_WORDS)),
    "diglot-stopwords-fr": _unless_stop_word(FRENCH_STOP_WORDS),
    "diglot-fold": fold_term,
    "diglot-stemmer-en": stem_english,
    "diglot-stemmer-fr": stem_french_both_ways,
}
PIPELINE_LABELS = {
    "en": ("diglot-trimmer", "diglot-possessive-en", "diglot-stopwords-en", "diglot-fold", "diglot-stemmer-en"),
    "fr": ("diglot-trimmer", "diglot-elision-fr", "diglot-stopwords-fr", "diglot-stemmer-fr"),
}
# Stop words only shape the index; lunr.js's own search pipelines skip them too.
_INDEX_ONLY = frozenset({"diglot-stopwords-en", "diglot-stopwords-fr"})


def _register_functions() -> dict[str, Callable]:
    """Register every pipeline function with lunr.py under its browser label."""
    registered = {}
    for label, transform in _FUNCTIONS.items():
        fn = _pipeline_function(transform)
        Pipeline.register_function(fn, label)
        registered[label] = fn
    return registered


_REGISTERED = _register_functions()


def make_pipeline(lang: str, for_query: bool = False) -> Pipeline:
    """Build the index (or query) pipeline of one language."""
    if lang not in PIPELINE_LABELS:
        raise ValueError(f"no search pipeline for language {lang!r}; expected one of {LANGUAGES}")
    pipeline = Pipeline()
    for label in PIPELINE_LABELS[lang]:
        if not (for_query and label in _INDEX_ONLY):
            pipeline.add(_REGISTERED[label])
    return pipeline


def _as_terms(result: str | list[str]) -> list[str]:
    """A transform's result as a list of terms, as a pipeline function passes them on."""
    if isinstance(result, str):
        return [result] if result else []
    return result


@functools.lru_cache(maxsize=500_000)
def word_terms(lang: str, word: str) -> tuple[str, ...]:
    """Run one word through a language's index pipeline (a word repeats; its terms do not change)."""
    # The transforms themselves, as make_pipeline(lang).run would apply them,
    # without building lunr Tokens for every word of a cold build.
    terms = [word]
    for label in PIPELINE_LABELS[lang]:
        transform = _FUNCTIONS[label]
        terms = [term for before in terms for term in _as_terms(transform(before))]
    return tuple(terms)


def pipeline_terms(lang: str, text: str) -> list[str]:
    """List the index terms the Python side makes of a text, in order."""
    return [term for word in split_words(text) for term in word_terms(lang, word)]
