"""Per-language lunr search indexes, serialized as lunr.js 2.3.9 loads them, with terms from the
search pipelines (search/pipeline.py)."""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import chain
from typing import NamedTuple

from lunr.builder import Builder
from lunr.index import Index
from lunr.token_set import TokenSet

from diglot.search.shards import Collected, collect_terms, sharded_search_files
from diglot.search.pipeline import LANGUAGES, PIPELINE_LABELS, make_pipeline, pipeline_terms, split_lowered, word_terms

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
        terms = self[word] = tuple(term.lower() for term in word_terms(self.lang, word))
        return terms


_index_terms = {lang: _IndexTermsByWord(lang) for lang in PIPELINE_LABELS}


def _field_terms(lang: str, text: str) -> FieldTerms:
    """Count a field's terms in first-seen order, and its length in terms."""
    # Counting the flattened terms of every word keeps the per-word work in C;
    # a term is first seen with the first word that makes it, as lunr's Builder sees it.
    words = split_lowered(text.lower())
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


def assemble_sharded_files(lang: str, refs: Sequence[str], terms: Iterable[DocTerms]) -> dict[str, bytes]:
    """Make one language's term-sharded search files (search/shards.py), by path: sharded_files'."""
    return dict(sharded_files(lang, collect_search_terms(refs, terms)))


def collect_search_terms(refs: Sequence[str], terms: Iterable[DocTerms]) -> Collected:
    """Gather one language's postings from each document's ref and precomputed terms (read once,
    in order: the build streams them); refs must be the documents' numbers (format_ref), as the
    build gives them."""
    if any(ref != format_ref(number) for number, ref in enumerate(refs)):
        raise ValueError("sharded search files need refs numbered in document order (format_ref)")
    collected = collect_terms(terms)
    if collected.count != len(refs):
        raise ValueError(f"{len(refs)} search refs but {collected.count} sets of terms")
    return collected


def sharded_files(lang: str, collected: Collected) -> Iterator[tuple[str, bytes]]:
    """One language's term-sharded search files (search/shards.py), made from what
    collect_search_terms gathered (and taking its postings), one file at a time."""
    boosts = [_FIELD_BOOSTS[field] for field in FIELDS]
    yield from sharded_search_files(lang, collected, FIELDS, boosts, (K1, B), LUNR_VERSION)


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
