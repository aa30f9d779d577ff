"""Per-language lunr search indexes whose terms match lunr.js's in the browser.

Each function of a pipeline here has a twin in layouts/assets/search-pipelines.js
registered under the same label: the browser needs the labels to load an index,
and the same reduction of words to terms for a query to find anything.
"""

from __future__ import annotations

import functools
import json
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import chain
from typing import NamedTuple

from lunr.builder import Builder
from lunr.index import Index
from lunr.pipeline import Pipeline
from lunr.stop_word_filter import WORDS as ENGLISH_STOP_WORDS
from lunr.token_set import TokenSet

from diglot.search.stemmers import stem_english, stem_french

LANGUAGES = ("en", "fr")
TITLE_BOOST = 10
SNIPPET_CHARS = 200
FIELDS = ("title", "body")


@dataclass(frozen=True)
class SearchDoc:
    """One article version as search sees it."""

    ref: str  # short and unique within its language, e.g. format_ref(n)
    url: str  # relative to the site root, "en/some-slug/"
    title: str
    date: str  # display date
    body: str  # plain text


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


def _split_lowered(text: str) -> list[str]:
    """Split lowercased text on lunr.js's separators."""
    if any(space in text for space in _PYTHON_ONLY_SPACES):
        return [word for word in _SEPARATOR.split(text) if word]
    # str.split() is several times faster than the regex and otherwise splits
    # on exactly JavaScript's \s, less "-" and the BOM.
    return text.replace("-", " ").replace("\ufeff", " ").split()


def split_words(text: str) -> list[str]:
    """Lowercase and split text into words exactly as lunr.js's tokenizer does."""
    return _split_lowered(text.lower())


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
def _word_terms(lang: str, word: str) -> tuple[str, ...]:
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
    return [term for word in split_words(text) for term in _word_terms(lang, word)]


def format_ref(number: int) -> str:
    """Write a document number as a short base-36 ref (0 -> "0", 36 -> "10")."""
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    ref = ""
    while True:
        number, digit = divmod(number, 36)
        ref = digits[digit] + ref
        if number == 0:
            return ref


def _check_refs(refs: Sequence[str]) -> None:
    """Refuse duplicate refs, which would silently merge two articles' scores."""
    seen: set[str] = set()
    for ref in refs:
        if ref in seen:
            raise ValueError(f"duplicate search ref {ref!r}")
        seen.add(ref)


def _empty_index(lang: str) -> Index:
    """Make an index with no documents (lunr.py's Builder divides by zero on none)."""
    return Index(
        inverted_index={},
        field_vectors={},
        token_set=TokenSet.from_list([]),
        fields=list(FIELDS),
        pipeline=make_pipeline(lang, for_query=True),
    )


def build_index(lang: str, docs: Sequence[SearchDoc]) -> Index:
    """Index titles (boosted) and bodies of one language's documents, in the order given."""
    _check_refs([doc.ref for doc in docs])
    if not docs:
        return _empty_index(lang)
    builder = Builder()
    # Fields arrive as finished terms (pipeline_terms caches the index pipeline
    # per word, and splits as lunr.js does, which lunr.py's tokenizer does not),
    # so the builder's own pipeline stays empty. Only the query pipeline is
    # serialized, for the browser.
    builder.search_pipeline = make_pipeline(lang, for_query=True)
    builder.ref("ref")
    builder.field("title", boost=TITLE_BOOST, extractor=lambda doc: pipeline_terms(lang, doc["title"]))
    builder.field("body", extractor=lambda doc: pipeline_terms(lang, doc["body"]))
    for doc in docs:
        builder.add({"ref": doc.ref, "title": doc.title, "body": doc.body})
    return builder.build()


# Only breakable spaces collapse and cut: no-break spaces are typography.
_BREAKABLE_SPACES = re.compile("[ \t\r\n]+")


def _collapsed_start(body: str, limit: int) -> str:
    """The body with spaces collapsed and stripped, or a start of it longer than limit + 1."""
    if not ("  " in body or "\t" in body or "\n" in body or "\r" in body):
        return body.strip()  # the usual body, of folded blocks: nothing to collapse
    # Collapsing a whole 4 KB body to keep 200 characters was most of the index's assembly time.
    window = 4 * limit
    while window < len(body):
        text = _BREAKABLE_SPACES.sub(" ", body[:window]).lstrip()
        if len(text.rstrip()) > limit + 1:
            return text
        window *= 2
    return _BREAKABLE_SPACES.sub(" ", body).strip()


def make_snippet(body: str, limit: int = SNIPPET_CHARS) -> str:
    """Cut a body to about `limit` characters on a word boundary, ending with "…"."""
    text = _collapsed_start(body, limit)
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit + 1)
    return text[: cut if cut > 0 else limit].rstrip(" ,;:") + "…"


def _js_key_order(key: str) -> tuple:
    """Order object keys as JavaScript iterates them: integer-like keys first, by value."""
    if key.isascii() and key.isdigit() and (key == "0" or not key.startswith("0")) and int(key) < 2**32 - 1:
        return (0, int(key), "")
    return (1, 0, key)


def build_search_files(lang: str, docs: Sequence[SearchDoc]) -> dict[str, bytes]:
    """Make the serialized index and the documents file of one language."""
    return assemble_search_files(lang, [doc.ref for doc in docs], [document_terms(lang, doc) for doc in docs])


# What the index needs of one document: per field (title, body), its length in
# terms and its term -> frequency counts in first-seen order.
FieldTerms = tuple[int, dict[str, int]]


class DocTerms(NamedTuple):
    """What the search files need of one document but its ref, small enough to cache for every document."""

    fields: tuple[FieldTerms, ...]  # per field of FIELDS
    # Its entry in the documents file, as JSON: date, snippet (make_snippet of the body, which
    # costs as much as scoring it), title and URL.
    listing: str

# lunr's BM25 parameters (lunr.Builder's defaults, which lunr.py shares).
K1 = 1.2
B = 0.75
LUNR_VERSION = "2.3.9"
_FIELD_BOOSTS = {"title": TITLE_BOOST, "body": 1}
_WORD_CACHE_LIMIT = 500_000


class _IndexTermsByWord(dict):
    """One language's words mapped to their index terms, each computed the first time it is looked up."""

    def __init__(self, lang: str):
        super().__init__()
        self.lang = lang

    def __missing__(self, word: str) -> tuple[str, ...]:
        """Run a new word through the index pipeline, lowercased again as lunr.py's tokenizer does."""
        if len(self) >= _WORD_CACHE_LIMIT:
            self.clear()  # a long-running dev server must not grow without bound
        terms = self[word] = tuple(term.lower() for term in _word_terms(self.lang, word))
        return terms


_index_terms = {lang: _IndexTermsByWord(lang) for lang in PIPELINE_LABELS}


def _field_terms(lang: str, text: str) -> FieldTerms:
    """Count a field's terms in first-seen order, and its length in terms."""
    # Counting the flattened terms of every word keeps the per-word work in C;
    # a term is first seen with the first word that makes it, as lunr's Builder sees it.
    words = _split_lowered(text.lower())
    counts = Counter(chain.from_iterable(map(_index_terms[lang].__getitem__, words)))
    return sum(counts.values()), dict(counts)


def document_terms(lang: str, doc: SearchDoc) -> DocTerms:
    """Everything the index needs from one document, as plain picklable values."""
    if lang not in PIPELINE_LABELS:
        raise ValueError(f"no search pipeline for language {lang!r}; expected one of {LANGUAGES}")
    fields = (_field_terms(lang, doc.title), _field_terms(lang, doc.body))
    shown = {"date": doc.date, "snippet": make_snippet(doc.body), "title": doc.title, "url": doc.url}
    return DocTerms(fields=fields, listing=json.dumps(shown, ensure_ascii=False, separators=(",", ":")))


def assemble_search_files(lang: str, refs: Sequence[str], terms: Sequence[DocTerms]) -> dict[str, bytes]:
    """Make the serialized index and documents file of one language from each document's ref and
    precomputed terms."""
    if len(refs) != len(terms):
        raise ValueError(f"{len(refs)} search refs but {len(terms)} sets of terms")
    _check_refs(refs)
    return {
        f"search/{lang}.index.json": _assemble_index(lang, refs, terms),
        f"search/{lang}.docs.json": _docs_file(refs, [doc_terms.listing for doc_terms in terms]),
    }


def _docs_file(refs: Sequence[str], listings: list[str]) -> bytes:
    """Map each ref to what a result list shows (date, snippet, title, URL), keys in JavaScript's order."""
    # lunr walks postings in key order to rank ties; files already in the
    # browser's order are read alike by lunr.py, which keeps file order.
    order = sorted(range(len(refs)), key=lambda n: _js_key_order(refs[n]))
    # What json.dumps would write of {ref: listing as an object, …}, from listings written alike.
    return ("{" + ",".join(f"{_json_string(refs[n])}:{listings[n]}" for n in order) + "}").encode("utf-8")


def _utf16_order(term: str) -> bytes:
    """Sort key of a term as JavaScript compares strings, by UTF-16 code units."""
    return term.encode("utf-16-be", "surrogatepass")


def _sorted_terms(terms) -> list[str]:
    """Terms in the order lunr.js sorts them, which its index loader insists on."""
    ordered = sorted(terms)
    # Code points and UTF-16 units disagree only when a term has a character
    # beyond U+FFFF; lunr.js would refuse to load the index ("Out of order word").
    if any(term and max(term) > "\uffff" for term in ordered):
        ordered.sort(key=_utf16_order)
    return ordered


def _idf(documents_with_term: int, document_count: int) -> float:
    """lunr's inverse document frequency; a document counts once per field holding the term."""
    x = (document_count - documents_with_term + 0.5) / (documents_with_term + 0.5)
    return math.log(1 + abs(x))


def _assemble_index(lang: str, refs: Sequence[str], terms: Sequence[DocTerms]) -> bytes:
    """Serialize the index exactly as lunr.py's Builder and json.dumps would, written directly."""
    # Building lunr's nested objects only to dump them again cost as much as scoring.
    table = _number_terms(terms)
    ids_of, vectors = _field_vectors(terms, table)
    vector_names = (f"{field}/{ref}" for ref in refs for field in FIELDS)
    field_vectors = ",".join([f"[{_json_string(name)},[{vector}]]" for name, vector in zip(vector_names, vectors)])
    pipeline = json.dumps(make_pipeline(lang, for_query=True).serialize(), ensure_ascii=False, separators=(",", ":"))
    return "".join((
        f'{{"fieldVectors":[{field_vectors}],"fields":{json.dumps(list(FIELDS), separators=(",", ":"))},',
        f'"invertedIndex":[{_inverted_index(refs, table.ids, ids_of)}],',
        f'"pipeline":{pipeline},"version":"{LUNR_VERSION}"}}',
    )).encode("utf-8")


def _json_string(text: str) -> str:
    """A string as json.dumps(ensure_ascii=False) writes it."""
    return json.encoder.encode_basestring(text)


class _TermTable(NamedTuple):
    """Every term of an index: its number, its idf by number, and its number as JSON text."""

    ids: dict[str, int]
    idfs: list[float]
    id_texts: list[str]


def _number_terms(terms: Sequence[DocTerms]) -> _TermTable:
    """Number terms in the order lunr's Builder meets them, and weigh each by its idf."""
    holders: Counter = Counter()  # document fields holding each term, in first-seen order
    for doc_terms in terms:
        for _length, counts in doc_terms.fields:
            holders.update(counts.keys())  # a keys view counts each term once
    return _TermTable(
        ids=dict(zip(holders, range(len(holders)))),
        idfs=[_idf(count, len(terms)) for count in holders.values()],
        id_texts=[str(term_id) for term_id in range(len(holders))],
    )


def _field_vectors(terms: Sequence[DocTerms], table: _TermTable) -> tuple[list[list[list[int]]], list[str]]:
    """Each document field's sorted term ids, and its vector as JSON "id,weight,…" text."""
    count = len(terms) or 1
    averages = [sum(doc_terms.fields[f][0] for doc_terms in terms) / count for f in range(len(FIELDS))]
    boosts = [_FIELD_BOOSTS[field] for field in FIELDS]
    ids_of, vectors = [], []
    for doc_terms in terms:
        doc_ids = []
        for (length, counts), average, boost in zip(doc_terms.fields, averages, boosts):
            if counts:  # an empty field (maybe every document's) has no average length to divide by
                ids, vector = _field_vector(counts, table, K1 * (1 - B + B * (length / average)), boost)
            else:
                ids, vector = [], ""
            doc_ids.append(ids)
            vectors.append(vector)
        ids_of.append(doc_ids)
    return ids_of, vectors


# How json.dumps writes a weight of n thousandths (as repr does); weights are few and repeat.
_milli_texts: dict[int, str] = {}


def _field_vector(counts: dict[str, int], table: _TermTable, norm: float, boost: int) -> tuple[list[int], str]:
    """A field's BM25 weights, rounded exactly as lunr.py's Builder rounds them, by ascending term id."""
    k1_plus_1, idfs, milli_texts = K1 + 1, table.idfs, _milli_texts
    ids = list(map(table.ids.__getitem__, counts))
    texts = {}
    for term_id, tf in zip(ids, counts.values()):
        # Same operations in the same order as lunr's Builder, so every float matches.
        score = idfs[term_id] * (k1_plus_1 * tf) / (norm + tf) * boost
        scaled = score * 1000
        milli = round(scaled)
        # round(score, 3) converts to decimal, which is slow; scaling agrees with
        # it except within the product's rounding error of a half.
        if not -0.499999 < scaled - milli < 0.499999:
            milli = round(round(score, 3) * 1000)
        text = milli_texts.get(milli)
        if text is None:
            text = milli_texts[milli] = repr(milli / 1000)
        texts[term_id] = text
    ids.sort()
    flat = [""] * (2 * len(ids))
    flat[::2] = map(table.id_texts.__getitem__, ids)
    flat[1::2] = map(texts.__getitem__, ids)
    return ids, ",".join(flat)


def _inverted_index(refs: list[str], term_ids: dict[str, int], ids_of: list[list[list[int]]]) -> str:
    """lunr's inverted index as JSON text: each term's postings per field, terms sorted as lunr.js sorts them."""
    postings = {field: [[] for _ in term_ids] for field in FIELDS}
    # Postings list refs in the order JavaScript iterates an object's keys:
    # lunr ranks ties in that order.
    for doc in sorted(range(len(refs)), key=lambda n: _js_key_order(refs[n])):
        entry = f"{_json_string(refs[doc])}:{{}}"
        for field, ids in zip(FIELDS, ids_of[doc]):
            field_postings = postings[field]
            for term_id in ids:
                field_postings[term_id].append(entry)
    keys = [(field, _json_string(field)) for field in sorted(FIELDS)]  # after "_index", as "_" sorts first
    entries = []
    for term in _sorted_terms(term_ids):
        term_id = term_ids[term]
        by_field = ",".join([f"{key}:{{{','.join(postings[field][term_id])}}}" for field, key in keys])
        entries.append(f'[{_json_string(term)},{{"_index":{term_id},{by_field}}}]')
    return ",".join(entries)
