"""What a reader gets from diglot's search indexes, checked on the Python side."""

from __future__ import annotations

import gzip
import json
import pickle
import random
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lunr.index import Index

from ci import skip_or_fail
from processes import outputs_under_two_hash_seeds
from diglot.search.index import (
    SearchDoc,
    assemble_search_files,
    build_index,
    build_search_files,
    document_terms,
    format_ref,
    make_snippet,
)
from diglot.search.pipeline import pipeline_terms

ROOT = Path(__file__).resolve().parents[1]
EN_SEED = ROOT / "seeds/000_93e1ece940e5cf34.txt"
FR_SEED = ROOT / "seeds/003_8b9f4e886e0ac533.txt"
GZIP_BUDGET_PER_1000 = 1_200_000


def doc(ref: str, body: str, title: str = "Untitled") -> SearchDoc:
    """Make a search document with a predictable URL."""
    return SearchDoc(ref=ref, url=f"en/{ref}/", title=title, date="10 May 2024", body=body)


def found(lang: str, docs: list[SearchDoc], query: str) -> list[str]:
    """Search a freshly built and reloaded index, as the browser would, and list refs."""
    files = build_search_files(lang, docs)
    index = Index.load(json.loads(files[f"search/{lang}.index.json"]))
    return [result["ref"] for result in index.search(query)]


FRENCH = [
    doc("a", "La loi révisée contre l'espionnage est entrée en vigueur."),
    doc("b", "Les agences de sécurité de l’État recrutait des espions."),
    doc("c", "Le recrutement des agents a été annoncé jusqu'à demain."),
    doc("d", "Des personnes recrutées à l'étranger."),
    doc("e", "Un film documentaire sur le vol."),
]


@pytest.mark.parametrize(
    ("query", "refs"),
    [
        ("espionnage", {"a"}),
        ("l’espionnage", {"a"}),
        ("securite", {"b"}),
        ("Sécurité", {"b"}),
        ("etat", {"b"}),
        ("espion", {"b"}),
        ("recruter", {"b", "c", "d"}),
        ("recrutées", {"b", "c", "d"}),
        ("recrutement", {"b", "c", "d"}),
        ("etranger", {"d"}),
    ],
)
def test_french_search_sees_through_elisions_accents_and_inflections(query, refs):
    assert set(found("fr", FRENCH, query)) == refs


def test_french_stop_words_are_not_indexed():
    assert pipeline_terms("fr", "Il était dans la ville et les pays de l'Europe") == ["vill", "pay", "europ"]


ENGLISH = [
    doc("a", "China's Ministry of State Security issued an article."),
    doc("b", "A café near the station; the children were crying."),
    doc("c", "Foreign intelligence agencies recruit spies overseas."),
]


@pytest.mark.parametrize(
    ("query", "refs"),
    [("China", {"a"}), ("china’s", {"a"}), ("café", {"b"}), ("cafe", {"b"}), ("cry", {"b"}),
     ("spy", {"c"}), ("recruiting", {"c"}), ("agency", {"c"})],
)
def test_english_search_finds_possessives_accented_words_and_inflections(query, refs):
    assert set(found("en", ENGLISH, query)) == refs


def test_english_trimmer_keeps_accented_letters():
    assert pipeline_terms("en", "«Café»,") == ["cafe"]


def test_a_word_in_the_title_ranks_above_the_same_word_in_the_body():
    docs = [doc("body", "Espionage cases rise, and espionage laws change."), doc("title", "Cases rise.", "Espionage")]
    assert found("en", docs, "espionage") == ["title", "body"]


def test_search_files_are_named_per_language_and_map_refs_to_what_results_show():
    files = build_search_files("fr", FRENCH)
    assert sorted(files) == ["search/fr.docs.json", "search/fr.index.json"]
    table = json.loads(files["search/fr.docs.json"])
    assert table["a"] == {
        "url": "en/a/",
        "title": "Untitled",
        "date": "10 May 2024",
        "snippet": "La loi révisée contre l'espionnage est entrée en vigueur.",
    }


def test_index_keeps_no_positions_and_uses_short_refs():
    index = json.loads(build_search_files("fr", FRENCH)["search/fr.index.json"])
    postings = [posting for _term, posting in index["invertedIndex"]]
    assert all(meta == {} for p in postings for field in ("title", "body") for meta in p[field].values())
    assert [format_ref(n) for n in (0, 9, 10, 35, 36, 1295, 1296)] == ["0", "9", "a", "z", "10", "zz", "100"]


def test_search_files_are_byte_identical_in_every_process():
    code = """import hashlib, sys
sys.path.insert(0, "tests")
from test_search import FRENCH, ENGLISH, edge_cases
from diglot.search.index import build_search_files
for lang, docs in (("fr", FRENCH + edge_cases("fr")), ("en", ENGLISH + edge_cases("en"))):
    for name, data in sorted(build_search_files(lang, docs).items()):
        print(name, len(data), hashlib.sha256(data).hexdigest())"""
    first, second = outputs_under_two_hash_seeds(code)
    assert first == second and first.count("search/") == 4


def test_a_language_without_articles_still_gets_loadable_search_files():
    files = build_search_files("en", [])
    assert json.loads(files["search/en.docs.json"]) == {}
    assert Index.load(json.loads(files["search/en.index.json"])).search("china") == []


def test_duplicate_refs_are_refused_rather_than_merged():
    with pytest.raises(ValueError, match="duplicate search ref 'a'"):
        build_index("fr", [FRENCH[0], FRENCH[0]])


def test_snippet_stops_on_a_word_near_200_characters():
    body = EN_SEED.read_text(encoding="utf-8").split("\n\n\n")[1]
    snippet = make_snippet(body)
    assert 150 < len(snippet) <= 201 and snippet.endswith("…")
    assert body.startswith(snippet[:-1]) and body[len(snippet) - 1] in " ,"


def test_snippet_keeps_french_no_break_spaces():
    assert make_snippet("des individus «\u00a0amicaux\u00a0» qui") == "des individus «\u00a0amicaux\u00a0» qui"


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="ab,; \t\n\r\u00a0\u202f", max_size=120), st.integers(min_value=1, max_value=40))
def test_snippet_is_the_collapsed_body_cut_on_a_word(body, limit):
    # The snippet reads only the body's start, and skips collapsing when there is nothing to
    # collapse: it must still show what collapsing the whole body and cutting it would.
    whole = re.sub("[ \t\r\n]+", " ", body).strip()
    cut = whole.rfind(" ", 0, limit + 1)
    expected = whole if len(whole) <= limit else whole[: cut if cut > 0 else limit].rstrip(" ,;:") + "…"
    assert make_snippet(body, limit) == expected


def synthetic_corpus(count: int, seed_path: Path, lang: str) -> list[SearchDoc]:
    """Make news-like articles from a seed's vocabulary plus a long tail of rarer words."""
    rng = random.Random(count)
    common = seed_path.read_text(encoding="utf-8").split()
    syllables = ["ka", "lo", "min", "tra", "sec", "ur", "po", "li", "ven", "da", "gor", "esp", "ion"]
    rare = ["".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))) for _ in range(40 * count)]
    return [
        SearchDoc(
            ref=format_ref(n),
            url=f"{lang}/article-{n}/",
            title=" ".join(rng.choices(common, k=10)),
            date="10 May 2024",
            body=" ".join(rng.choices(common, k=520) + rng.choices(rare, k=40)),
        )
        for n in range(count)
    ]


@pytest.mark.parametrize(("lang", "seed_path"), [("en", EN_SEED), ("fr", FR_SEED)])
def test_index_download_stays_within_budget_per_1000_articles(lang, seed_path):
    docs = synthetic_corpus(200, seed_path, lang)
    index_bytes = build_search_files(lang, docs)[f"search/{lang}.index.json"]
    assert len(gzip.compress(index_bytes)) * 1000 / len(docs) <= GZIP_BUDGET_PER_1000


def edge_cases(lang: str) -> list[SearchDoc]:
    """Documents that stress the index: empty and stop-word-only fields, repeats, numbers, odd characters."""
    words = {"en": "the and of", "fr": "le la les de"}[lang]
    bodies = [
        "",
        words,
        "spy spy spy spy Spy SPY spies",
        "2023 2024 2023 1,000 3.5 0 007",
        "l'État d’Europe jusqu'à qu'il sécurité securite recrutées",
        "café «naïve» Œuvre straße -- - — ... \"quoted\" back\\slash tab\tnew\nline",
        "a-b-c co-operation e-mail",
    ]
    docs = [doc(format(n, "x"), body, title=f"Edge {n}") for n, body in enumerate(bodies)]
    docs.append(doc("only-title", "", title="Zanzibar Xylophone"))
    docs.append(doc("empty", "", title=""))
    docs.append(doc("00", "leading zero refs stay strings", title="Ref zero"))
    return docs


# Node (installed by `make setup` for npm) tells the order in which JavaScript iterates an object's
# keys; diglot writes its JSON in that order and must not be the reference for it.
JS_KEY_ORDER = """const keys = JSON.parse(require("fs").readFileSync(0, "utf8"));
const object = {};
for (const key of keys) object[key] = 0;
process.stdout.write(JSON.stringify(Object.keys(object)));"""


def object_keys(value, found: set[str]) -> set[str]:
    """Every key of every object inside a JSON value."""
    if isinstance(value, dict):
        found.update(value)
    for item in value.values() if isinstance(value, dict) else value if isinstance(value, list) else ():
        object_keys(item, found)
    return found


def js_key_ranks(keys: set[str]) -> dict[str, int]:
    """Each key's place when JavaScript iterates an object that got the keys in code point order."""
    if shutil.which("node") is None:
        skip_or_fail("node is not installed (make setup installs it with npm)")
    order = subprocess.run(["node", "-e", JS_KEY_ORDER], input=json.dumps(sorted(keys)), capture_output=True,
                           text=True, check=True).stdout
    return {key: rank for rank, key in enumerate(json.loads(order))}


def in_js_order(value, ranks: dict[str, int]):
    """Copy a JSON value with every object's keys in JavaScript iteration order."""
    if isinstance(value, dict):
        return {key: in_js_order(value[key], ranks) for key in sorted(value, key=ranks.__getitem__)}
    if isinstance(value, list):
        return [in_js_order(item, ranks) for item in value]
    return value


def compact_json(value) -> bytes:
    """Serialize as the search files are written: compact UTF-8 JSON, keys in JavaScript's order."""
    ordered = in_js_order(value, js_key_ranks(object_keys(value, set())))
    return json.dumps(ordered, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def reference_index(lang: str, docs: list[SearchDoc]) -> bytes:
    """The index as lunr.py's own Builder serializes it."""
    return compact_json(build_index(lang, docs).serialize())


def assembled_index(lang: str, docs: list[SearchDoc]) -> bytes:
    """diglot's own index file, as the build writes it."""
    return build_search_files(lang, docs)[f"search/{lang}.index.json"]


@pytest.mark.parametrize(("lang", "seed_path"), [("en", EN_SEED), ("fr", FR_SEED)])
def test_assembled_index_is_byte_identical_to_lunr_pys_builder(lang, seed_path):
    generated = synthetic_corpus(300, seed_path, lang)
    # Hex refs, as the build writes them: integer-like ones ("10") and others ("1a") mix.
    docs = edge_cases(lang) + [SearchDoc(format(n + 16, "x"), d.url, d.title, d.date, d.body) for n, d in enumerate(generated)]
    expected = reference_index(lang, docs)
    actual = assembled_index(lang, docs)
    assert json.loads(actual) == json.loads(expected)
    assert actual == expected


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_edge_case_documents_alone_index_as_lunr_pys_builder_does(lang):
    docs = edge_cases(lang)
    assert assembled_index(lang, docs) == reference_index(lang, docs)


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_documents_file_lists_each_ref_in_javascripts_key_order(lang):
    docs = edge_cases(lang)
    table = {d.ref: {"url": d.url, "title": d.title, "date": d.date, "snippet": make_snippet(d.body)} for d in docs}
    assert build_search_files(lang, docs)[f"search/{lang}.docs.json"] == compact_json(table)


def test_document_terms_count_each_fields_terms_in_first_seen_order():
    terms = document_terms("en", doc("a", "Spies spy; the spy's café.", title="Spy"))
    assert terms.fields == ((1, {"spi": 1}), (4, {"spi": 3, "cafe": 1}))
    assert json.loads(terms.listing) == {"date": "10 May 2024", "snippet": "Spies spy; the spy's café.",
                                         "title": "Spy", "url": "en/a/"}
    assert pickle.loads(pickle.dumps(terms)) == terms


def test_french_document_terms_keep_both_stems_of_an_accented_word():
    (_, title), (length, body) = document_terms("fr", doc("a", "recrutées et recrutées", title="")).fields
    assert title == {} and body == {"recrut": 2, "recrute": 2} and length == 4


def test_assembly_from_cached_terms_matches_a_fresh_build():
    terms = [document_terms("fr", d) for d in FRENCH]
    cached = pickle.loads(pickle.dumps(terms))
    assert assemble_search_files("fr", [d.ref for d in FRENCH], cached) == build_search_files("fr", FRENCH)


def test_assembly_refuses_terms_that_do_not_match_the_documents():
    with pytest.raises(ValueError, match="5 search refs but 4 sets of terms"):
        assemble_search_files("fr", [d.ref for d in FRENCH], [document_terms("fr", d) for d in FRENCH[:4]])


def test_french_stems_follow_the_older_snowball_rules_that_lunr_languages_ships():
    from diglot.search.stemmers import stem_french

    # Snowball 3 stems these otherwise (bijou, franc, nier with its own RV region...); the
    # browser's lunr.fr does not, and a query must reduce to the index's term.
    words = "bijoux genoux française françaises anglaise mauvais épais nier niant niais".split()
    assert [stem_french(word) for word in words] == [
        "bijoux", "genoux", "français", "français", "anglais", "mauv", "épais", "ni", "ni", "ni"]
