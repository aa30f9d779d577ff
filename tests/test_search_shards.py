"""The term-sharded search files answer every query as the whole lunr index does.

A synthetic corpus (bench/corpus.py) is indexed twice from the same terms: once whole (the
unsharded index, searched by lunr.py's Index.search) and once sharded (search/shards.py,
searched in headless Chromium by lunr.js 2.3.9 through layouts/assets/search-shards.js, which
fetches only the shards a query needs). Refs, their order and their scores must be equal.
"""

from __future__ import annotations

import json
import os
import random
from collections import Counter
import re
import sys
from pathlib import Path

import pytest
from lunr.index import Index

from diglot.search.index import SearchDoc, assemble_search_files, assemble_sharded_files, document_terms, format_ref
from diglot.search.shards import shard_file_name, shard_keys, shard_of, term_postings

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
SCRIPTS = [
    ROOT / "node_modules/lunr/lunr.js",
    ROOT / "node_modules/lunr-languages/lunr.stemmer.support.js",
    ROOT / "node_modules/lunr-languages/lunr.fr.js",
    ROOT / "layouts/assets/search-pipelines.js",
    ROOT / "layouts/assets/search-shards.js",
]
PLAIN_WORD = re.compile(r"^[^\W\d_]{3,}$")


def corpus_docs(articles: int, seed: int = 0) -> dict[str, list[SearchDoc]]:
    """Each language's search documents of a benchmark corpus: title from its longest paragraph, body the seed."""
    from corpus import generate

    files, truth = generate(articles, seed)
    french = set(truth["pairs"].values()) | set(truth["fr_only"])
    docs: dict[str, list[SearchDoc]] = {"en": [], "fr": []}
    for name in sorted(files):
        text = files[name].decode("utf-8")
        lang = "fr" if name in french else "en"
        title = " ".join(max(text.split("\n\n"), key=len).split()[:8])
        number = len(docs[lang])
        docs[lang].append(SearchDoc(format_ref(number), f"{lang}/a{number}/", title, "1 May 2024", text))
    return docs


def make_queries(docs: list[SearchDoc], count: int, seed: int = 1) -> list[str]:
    """Queries of every kind lunr's syntax has, from the corpus' own words (rare and common alike)."""
    rng = random.Random(seed)
    tokens = [w.strip(".,;:!?«»\"'()") for doc in docs[:300] for w in doc.body.split()]
    words = [w for w in tokens if PLAIN_WORD.match(w)]  # as often as they occur: common words too
    counts = Counter(words)
    rare = sorted({w for w in words if counts[w] == 1} or set(words))
    pick = lambda: rng.choice(words) if rng.random() < 0.7 else rng.choice(rare)  # noqa: E731
    makers = [
        lambda: pick(),
        lambda: f"{pick()} {pick()}",
        lambda: f"{pick()} {pick()} {pick()}",
        lambda: f"+{pick()} -{pick()}",
        lambda: f"+{pick()} +{pick()}",
        lambda: f"{pick()} -{pick()}",
        lambda: f"title:{pick()}",
        lambda: f"title:{pick()} {pick()}",
        lambda: f"{pick()}^5 {pick()}",
        lambda: f"{pick().lower()[:rng.randint(3, 6)]}*",
        lambda: f"{pick().lower()[:4]}* {pick()}",
    ]
    queries = [makers[n % len(makers)]() for n in range(count)]
    return queries + [f"-{pick()}", "zzqx", "title:zzqx -zzqx"]


@pytest.fixture(scope="module")
def shard_page(browser):
    """A blank page with lunr, lunr-languages, the pipelines and the sharded search loaded."""
    page = browser.new_page()
    page.set_content("<!doctype html><html><head><meta charset='utf-8'></head><body></body></html>")
    for script in SCRIPTS:
        page.add_script_tag(path=str(script))
    yield page
    page.close()


# Serves the sharded files from memory, counts the fetches, and runs the queries one by one.
BROWSER_SEARCH = """async ([files, lang, queries]) => {
    const fetched = [];
    const fetchJson = path => { fetched.push(path); return Promise.resolve(JSON.parse(files[path])); };
    const answers = [];
    for (const q of queries) {
        const store = await diglotSearchShards.open(lunr, fetchJson, 'search/' + lang + '/');
        fetched.length = 0;
        const results = await diglotSearchShards.search(store, q);
        answers.push({refs: results.map(r => [r.ref, r.score]), fetched: fetched.length});
    }
    return answers;
}"""


def python_answers(lang: str, docs: list[SearchDoc], terms, queries: list[str]) -> list[list]:
    """lunr.py's answers on the whole, unsharded index."""
    whole = assemble_search_files(lang, [d.ref for d in docs], terms)[f"search/{lang}.index.json"]
    index = Index.load(json.loads(whole))
    return [[[hit["ref"], hit["score"]] for hit in index.search(q)] for q in queries]


def check_parity(page, lang: str, docs: list[SearchDoc], queries: list[str]) -> list[dict]:
    """Assert the sharded search in the browser answers every query as lunr.py does; the answers."""
    terms = [document_terms(lang, doc) for doc in docs]
    files = {path: data.decode("utf-8") for path, data in assemble_sharded_files(lang, [d.ref for d in docs], terms).items()}
    answers = page.evaluate(BROWSER_SEARCH, [files, lang, queries])
    expected = python_answers(lang, docs, terms, queries)
    wrong = {q: (a["refs"][:5], e[:5]) for q, a, e in zip(queries, answers, expected) if a["refs"] != e}
    assert wrong == {}
    return answers


@pytest.fixture(scope="module")
def thousand():
    """The 1,000-article benchmark corpus, by language."""
    return corpus_docs(1000)


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_two_hundred_queries_answer_as_the_whole_index_does(shard_page, thousand, lang):
    queries = make_queries(thousand[lang], 220)
    answers = check_parity(shard_page, lang, thousand[lang], queries)
    assert sum(1 for a in answers if len(a["refs"]) > 1) > 100  # most queries rank several documents
    assert max(a["fetched"] for a in answers[:9]) <= 3  # plain words: a shard or a few, never the index


def test_the_seed_articles_queries_answer_as_the_whole_index_does(shard_page):
    from test_search_parity import QUERIES, corpus

    for lang in ("en", "fr"):
        check_parity(shard_page, lang, corpus(lang), [q for q in QUERIES[lang] if "~" not in q])


def test_fuzzy_and_leading_wildcards_answer_without_error(shard_page, thousand):
    docs = thousand["en"][:200]
    terms = [document_terms("en", doc) for doc in docs]
    files = {p: d.decode("utf-8") for p, d in assemble_sharded_files("en", [d.ref for d in docs], terms).items()}
    answers = shard_page.evaluate(BROWSER_SEARCH, [files, "en", ["espionag~1", "*ionage", "security~2 *"]])
    assert answers[0]["refs"]  # the word's own shard holds its neighbours


@pytest.mark.skipif(not os.environ.get("DIGLOT_SLOW"), reason="slow (a minute): set DIGLOT_SLOW=1")
def test_ten_thousand_articles_answer_as_the_whole_index_does(shard_page):
    docs = corpus_docs(10_000)
    for lang in ("en", "fr"):
        check_parity(shard_page, lang, docs[lang], make_queries(docs[lang], 200))


def test_big_prefixes_split_by_next_letter_and_small_ones_stay_together():
    sizes = {"sea": 5, "secur": 50, "security": 30, "sel": 4, "tab": 3}
    # "tab" stays at the root and "sea", "sel" in "se": only the groups that overflow get keys.
    assert shard_keys(sizes, limit=40) == ["", "s", "se", "sec", "secu", "secur", "securi"]
    assert shard_keys({"a": 3, "b": 4}, limit=40) == [""]


def test_an_edit_rewrites_only_the_shards_of_its_terms_its_block_and_the_manifest(thousand):
    docs = thousand["en"]
    terms = [document_terms("en", doc) for doc in docs]
    before = assemble_sharded_files("en", [d.ref for d in docs], terms)
    old = docs[500]
    new = SearchDoc(old.ref, old.url, old.title + " Zanzibar", old.date, old.body)
    edited = terms[:500] + [document_terms("en", new)] + terms[501:]
    after = assemble_sharded_files("en", [d.ref for d in docs], edited)
    changed = {path for path in after if before.get(path) != after[path]}
    keys = set(json.loads(after["search/en/manifest.json"])["shards"])
    touched = {f"search/en/t/{shard_file_name(shard_of(term, keys))}.json"
               for field in terms[500].fields + edited[500].fields for term in field[1]}
    assert changed == touched | {"search/en/manifest.json", "search/en/m/5.json"}


def test_shard_file_names_are_plain_and_never_collide():
    assert [shard_file_name(k) for k in ("", "sec", "é", "2023")] == ["_", "sec", "_c3a9", "2023"]


def test_postings_carry_first_seen_rank_and_per_field_counts():
    doc = document_terms("en", SearchDoc("0", "a/", "Spy law", "", "law spies and law"))
    entries = term_postings([doc, doc])
    assert entries["law"] == [1, 0, 1, 2, 2, 3, 1, 1, 2, 2, 3]
