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
from diglot.search.shards import collect_terms, shard_file_name, shard_loads, shard_of, with_lengths

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
BROWSER_SEARCH = """async ([files, lang, queries, wanted]) => {
    const fetched = [];
    const fetchJson = path => { fetched.push(path); return Promise.resolve(JSON.parse(files[path])); };
    const answers = [];
    for (const q of queries) {
        const store = await diglotSearchShards.open(lunr, fetchJson, 'search/' + lang + '/');
        fetched.length = 0;
        const results = await diglotSearchShards.search(store, q, wanted);
        answers.push({refs: results.map(r => [r.ref, r.score]), fetched: fetched.length, paths: fetched.slice(),
                      total: results.total === undefined ? null : results.total});
    }
    return answers;
}"""


def python_answers(lang: str, docs: list[SearchDoc], terms, queries: list[str]) -> list[list]:
    """lunr.py's answers on the whole, unsharded index."""
    whole = assemble_search_files(lang, [d.ref for d in docs], terms)[f"search/{lang}.index.json"]
    index = Index.load(json.loads(whole))
    return [[[hit["ref"], hit["score"]] for hit in index.search(q)] for q in queries]


def check_parity(page, lang: str, docs: list[SearchDoc], queries: list[str], wanted: int | None = None) -> list[dict]:
    """Assert the sharded search in the browser answers every query as lunr.py does (the first
    `wanted` results, when only those are asked for); the answers."""
    terms = [document_terms(lang, doc) for doc in docs]
    files = {path: data.decode("utf-8") for path, data in assemble_sharded_files(lang, [d.ref for d in docs], terms).items()}
    answers = page.evaluate(BROWSER_SEARCH, [files, lang, queries, wanted])
    expected = python_answers(lang, docs, terms, queries)
    wrong = {q: (a["refs"][:5], e[:5]) for q, a, e in zip(queries, answers, expected)
             if a["refs"] != (e[:wanted] if a["total"] is not None else e)}
    assert wrong == {}
    for answer, whole in zip(answers, expected):
        if answer["total"] is not None:  # answered from heads: a lower bound of the true count
            assert len(answer["refs"]) == wanted <= answer["total"] <= len(whole)
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


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_first_screens_answer_as_the_whole_index_does_mostly_from_heads(shard_page, thousand, lang):
    queries = make_queries(thousand[lang], 220)
    answers = check_parity(shard_page, lang, thousand[lang], queries, wanted=10)
    from_heads = [a for a in answers if a["total"] is not None]
    # Plain words proved from the heads of their terms (a query mixing words, one of them common,
    # or limited to titles where most documents tie, needs the rests: its answer is exact all the same).
    assert len(from_heads) > 30
    assert all("/r/" not in path for a in from_heads for path in a["paths"])


def test_a_word_in_most_documents_fetches_its_head_only(shard_page, thousand):
    docs = thousand["en"]
    common = "security"  # in most documents of the benchmark corpus
    answers = check_parity(shard_page, "en", docs, [common, f"{common} security*"], wanted=10)
    for answer in answers:
        assert answer["total"] is not None and answer["total"] > 500
        assert [p for p in answer["paths"] if "/t/" not in p] == []
    whole = check_parity(shard_page, "en", docs, [common])[0]
    assert any("/r/" in p for p in whole["paths"])  # all results: the rest too


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
    assert sorted(shard_loads(sizes, limit=40)) == ["", "s", "se", "sec", "secu", "secur", "securi"]
    assert sorted(shard_loads({"a": 3, "b": 4}, limit=40)) == [""]


def test_an_edit_rewrites_only_the_shards_of_its_terms_its_block_and_the_manifest(thousand):
    docs = thousand["en"]
    terms = [document_terms("en", doc) for doc in docs]
    before = assemble_sharded_files("en", [d.ref for d in docs], terms)
    old = docs[500]
    new = SearchDoc(old.ref, old.url, old.title + " Zanzibar", old.date, old.body)
    edited = terms[:500] + [document_terms("en", new)] + terms[501:]
    after = assemble_sharded_files("en", [d.ref for d in docs], edited)
    changed = {path for path in after if before.get(path) != after[path]}
    manifest = json.loads(after["search/en/manifest.json"])
    keys, rest_keys = set(manifest["shards"]), set(manifest["rests"])
    doc_terms = {term for field in terms[500].fields + edited[500].fields for term in field[1]}
    touched = {f"search/en/t/{shard_file_name(shard_of(term, keys))}.json" for term in doc_terms}
    # A split term's rest shard too, when the document is in its rest.
    rests = {f"search/en/r/{shard_file_name(shard_of(term, rest_keys))}.json" for term in doc_terms
             if any(term in json.loads(files[path]) for files in (before, after) for path in files if "/r/" in path)}
    assert changed == touched | rests | {"search/en/manifest.json", "search/en/m/5.json"}


def test_shard_file_names_are_plain_and_never_collide():
    assert [shard_file_name(k) for k in ("", "sec", "é", "2023")] == ["_", "sec", "_c3a9", "2023"]


def test_postings_carry_first_seen_rank_and_per_field_counts():
    doc = document_terms("en", SearchDoc("0", "a/", "Spy law", "", "law spies and law"))
    collected = collect_terms([doc, doc])
    # rank; then per document: its gap, the term's frequency per field (the lengths kept apart)...
    assert list(collected.entries["law"]) == [1, 0, 1, 2, 1, 1, 2]
    # ...and as the files write them, each document's field lengths after its frequencies
    assert with_lengths(collected.entries["law"], collected.lengths, 1) == [1, 0, 1, 2, 2, 3, 1, 1, 2, 2, 3]


def test_search_files_per_language_stay_within_one_per_fifty_articles_or_a_small_floor(thousand):
    from diglot.search.shards import FILE_FLOOR

    for docs in (thousand["en"], thousand["en"][:20], thousand["fr"][:450]):
        terms = [document_terms("en", doc) for doc in docs]
        files = assemble_sharded_files("en", [d.ref for d in docs], terms)
        assert len(files) <= max(FILE_FLOOR, len(docs) // 50)


def test_the_rest_frontier_holds_the_heaviest_rest_document_at_any_statistics():
    from diglot.search.heads import flat_postings, posting_columns, split_entry

    rng = random.Random(3)
    rows = [(doc, rng.choice([0, 0, 0, 1, 2]), rng.randint(1, 9), rng.randint(3, 12), rng.randint(50, 900))
            for doc in range(0, 800, 2)]
    entry = [0] + flat_postings([list(column) for column in zip(*rows)])
    head, rest_flat = split_entry(entry, (10, 1), 1.2, 0.75, 1000)
    rest = list(zip(*posting_columns([0] + rest_flat, 2)))
    head_rows = list(zip(*posting_columns([0] + head["p"], 2)))
    assert len(head_rows) >= 20 and sorted(head_rows + rest) == rows and head["n"] == len(rows)
    flat = head["x"]
    points = [flat[i:i + 4] for i in range(0, len(flat), 4)]
    assert len(points) < 40  # a few undominated profiles stand for hundreds of documents

    def weight(tfs, lengths, averages):
        return sum((2.2 * tf) / (1.2 * (0.25 + 0.75 * length / average) + tf) * boost
                   for tf, length, average, boost in zip(tfs, lengths, averages, (10, 1)) if tf)

    for _ in range(50):
        averages = (rng.uniform(2, 20), rng.uniform(40, 1500))
        heaviest = max(weight(row[1:3], row[3:5], averages) for row in rest)
        assert heaviest == max(weight(p[:2], p[2:], averages) for p in points)


def test_keys_on_the_way_to_longer_ones_are_hollow_and_get_no_file():
    from diglot.search.shards import fitted_keys

    sizes = {"pa": 5, "publish": 50}
    keys, hollow = fitted_keys(sizes, budget=8, limit=40, step=8)
    # "p" keeps "pa"; the root and the chain down to "publish" hold nothing of their own.
    assert keys == ["p", "publish"] and hollow == ["", "pu", "pub", "publ", "publi", "publis"]
    docs = [SearchDoc("0", "a/", "Spy", "", "spy law"), SearchDoc("1", "b/", "Law", "", "law")]
    files = assemble_sharded_files("en", ["0", "1"], [document_terms("en", doc) for doc in docs])
    manifest = json.loads(files["search/en/manifest.json"])
    assert manifest["hollow"] == [] and sorted(p for p in files if "/t/" in p) == ["search/en/t/_.json"]


def test_a_head_is_the_documents_at_or_above_the_rounded_cut_however_close_their_weights():
    from diglot.search.heads import HEAD_POSTINGS, _weights, head_positions, term_idf

    rng = random.Random(5)
    for trial in range(300):
        # Few distinct frequencies and lengths, so weights crowd within a rounding step of the cut.
        size = rng.randint(70, 400)
        columns = [list(range(size)), [rng.choice([0, 0, 1]) for _ in range(size)],
                   [rng.choice([1, 1, 2]) for _ in range(size)], [rng.randint(4, 5) for _ in range(size)],
                   [rng.randint(300, 300 + trial % 40) for _ in range(size)]]
        documents = size + rng.choice([0, 1, 5, 1000])
        weights = _weights(columns, (10, 1), 1.2, 0.75, term_idf(columns, 2, documents))  # every one rounded
        least = sorted(weights, reverse=True)[HEAD_POSTINGS - 1]
        expected = [k for k, weight in enumerate(weights) if weight >= least]
        found = head_positions(columns, (10, 1), 1.2, 0.75, documents)
        assert found == (None if 2 * len(expected) > size else expected), trial
