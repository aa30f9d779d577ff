"""Python builds the search index, the browser queries it: both must agree term for term.

These run lunr.js 2.3.9 and lunr-languages 1.22.0 from node_modules/ in headless
Chromium, with layouts/assets/search-pipelines.js, against diglot.search.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from lunr.index import Index

from diglot.search.index import SearchDoc, build_search_files, format_ref
from diglot.search.pipeline import PIPELINE_LABELS, pipeline_terms, split_words

ROOT = Path(__file__).resolve().parents[1]
SCRIPTS = [
    ROOT / "node_modules/lunr/lunr.js",
    ROOT / "node_modules/lunr-languages/lunr.stemmer.support.js",
    ROOT / "node_modules/lunr-languages/lunr.fr.js",
    ROOT / "layouts/assets/search-pipelines.js",
]
SEEDS = {"en": ROOT / "seeds/000_93e1ece940e5cf34.txt", "fr": ROOT / "seeds/003_8b9f4e886e0ac533.txt"}
QUERIES = {
    "en": [
        "china", "China's", "China’s", "spy", "spies", "recruitment", "recruit", "espionage",
        "security authorities", "+national -foreign", "title:spy", "intelligence agencies",
        "friendly", "café", "cafe", "crying", "tactic*", "espionag~1", "overseas personnel",
        "the", "law^10 film", "Counter-Espionage", "“friendly”", "2023",
    ],
    "fr": [
        "sécurité", "securite", "l'espionnage", "l’espionnage", "espion", "espions", "recruter",
        "recrutées", "recrutement", "d’État", "etat", "amicaux", "+sécurité -vol", "title:espion",
        "renseign*", "ministère chinois", "qu'il", "la", "jusqu'à", "stationnés", "menace^5 risques",
        "« amicaux »", "securit~1", "2023",
    ],
}

MUST_FIND = {
    "en": {"China's", "China’s", "spies", "recruit", "espionage", "+national -foreign", "tactic*"},
    "fr": {"securite", "l'espionnage", "espion", "recrutées", "etat", "d’État", "renseign*", "ministère chinois"},
}


def read_words(name: str) -> list[str]:
    """Read a word list from tests/data, skipping comment lines."""
    lines = (ROOT / "tests/data" / name).read_text(encoding="utf-8").splitlines()
    return [word for line in lines if not line.startswith("#") for word in line.split()]


def parity_words() -> list[str]:
    """Every distinct word of the seeds and of both common-word lists."""
    words = set(read_words("words_en.txt")) | set(read_words("words_fr.txt"))
    for path in SEEDS.values():
        words.update(split_words(path.read_text(encoding="utf-8")))
    return sorted(words)


def seed_sentences(lang: str) -> list[str]:
    """Split a seed's longer lines into sentences, in reading order."""
    text = SEEDS[lang].read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if len(line) > 80]
    return [s.strip() for line in lines for s in line.replace("? ", ". ").split(". ") if s.strip()]


def corpus(lang: str) -> list[SearchDoc]:
    """Make 60 overlapping documents from one seed, so rankings have ties and refs like "10"."""
    sentences = seed_sentences(lang)
    n = len(sentences)
    return [
        SearchDoc(
            ref=format_ref(k),
            url=f"{lang}/doc-{k}/",
            title=" ".join(sentences[(5 * k + 2) % n].split()[:6]),
            date="10 May 2024",
            body=sentences[k % n] + " " + sentences[(3 * k + 1) % n],
        )
        for k in range(60)
    ]


@pytest.fixture(scope="module")
def search_page(browser):
    """A blank page with lunr, lunr-languages and diglot's pipelines loaded as classic scripts."""
    page = browser.new_page()
    page.set_content("<!doctype html><html><head><meta charset='utf-8'></head><body></body></html>")
    for script in SCRIPTS:
        page.add_script_tag(path=str(script))
    yield page
    page.close()


def browser_terms(page, lang: str, texts: list[str]) -> list[list[str]]:
    """Run texts through lunr.js's tokenizer and diglot's pipeline in the browser."""
    script = "([lang, texts]) => texts.map(t => diglotSearchPipelines.terms(lunr, lang, t))"
    return page.evaluate(script, [lang, texts])


def browser_search(page, index_json: str, queries: list[str]) -> list[list[str]]:
    """Load a serialized index in the browser and list each query's refs, best first."""
    script = """([json, queries]) => {
        const index = diglotSearchPipelines.loadIndex(lunr, json);
        return queries.map(q => index.search(q).map(r => r.ref));
    }"""
    return page.evaluate(script, [index_json, queries])


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_every_word_becomes_the_same_term_in_python_and_in_the_browser(search_page, lang):
    words = parity_words()
    mismatches = [
        (word, py, js)
        for word, py, js in zip(words, [pipeline_terms(lang, w) for w in words], browser_terms(search_page, lang, words))
        if py != js
    ]
    assert len(words) > 1000
    assert mismatches == []


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_whole_seed_splits_into_the_same_terms_in_python_and_in_the_browser(search_page, lang):
    text = SEEDS[lang].read_text(encoding="utf-8")
    assert browser_terms(search_page, lang, [text]) == [pipeline_terms(lang, text)]


def test_browser_knows_the_labels_python_writes_into_indexes(search_page):
    labels = search_page.evaluate("diglotSearchPipelines.labels")
    assert {lang: tuple(value) for lang, value in labels.items()} == PIPELINE_LABELS


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_queries_find_the_same_refs_in_the_same_order_as_lunr_py(search_page, lang):
    index_json = build_search_files(lang, corpus(lang))[f"search/{lang}.index.json"].decode("utf-8")
    python_index = Index.load(json.loads(index_json))
    expected = [[result["ref"] for result in python_index.search(q)] for q in QUERIES[lang]]
    actual = browser_search(search_page, index_json, QUERIES[lang])
    assert dict(zip(QUERIES[lang], actual)) == dict(zip(QUERIES[lang], expected))
    found = {q for q, refs in zip(QUERIES[lang], expected) if refs}
    assert MUST_FIND[lang] <= found


def test_an_empty_index_loads_and_finds_nothing_in_the_browser(search_page):
    index_json = build_search_files("fr", [])["search/fr.index.json"].decode("utf-8")
    assert browser_search(search_page, index_json, ["sécurité"]) == [[]]


# A loaded index as lunr.js searches it: vectors, each posting's refs in iteration order, terms.
def test_words_beyond_the_basic_plane_do_not_stop_the_index_loading(search_page):
    docs = [SearchDoc("0", "a/", "Emoji", "", "launch 🚀 party"), SearchDoc("1", "b/", "Wide", "", "ｗｉｄｅ letters")]
    index_json = build_search_files("en", docs)["search/en.index.json"].decode("utf-8")
    assert browser_search(search_page, index_json, ["🚀", "ｗｉｄｅ"]) == [["0"], ["1"]]
