"""Measure what search costs: index build time, download size, and time to results in Chromium.

Usage: python bench/search_timing.py SITE_DIR [--runs N] [--json]

SITE_DIR is a built site (the folder holding search/ and assets/). When its parent is
the diglot project that built it (site.yaml, content/), the index build is timed too.
The site is served from 127.0.0.1 on a free port; headless Chromium opens an article
in each language, focuses the search box and types a word one key at a time, 150 ms
apart (about typing speed). Printed figures are medians over N fresh browser
contexts (no HTTP cache):

- first results: focus -> first results, with the first key typed at once after focus (the
  lazy load of lunr and the index starts on focus, so all of it is counted); the time
  from that key alone is shown too
- later keys: each following key -> its results
- load breakdown: index download, JSON parse and lunr.Index.load on their own
"""

from __future__ import annotations

import argparse
from dataclasses import replace
import functools
import gzip
import http.server
import json
import os
import statistics
import sys
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

WORDS = {"en": "security", "fr": "sécurité"}
RARE_WORDS = {"en": "manipulative", "fr": "manipulation"}
KEY_GAP_MS = 150
TARGETS = {"gzip_bytes_per_1000": 1_200_000, "first_ms": 300, "later_ms": 30}
# Stamps each keydown and each finished search in page time, so Python reads exact gaps.
PROBE = """
window.searchTimes = {focus: null, keys: [], results: []};
document.addEventListener('focusin', () => { window.searchTimes.focus = performance.now(); }, true);
document.addEventListener('input', () => window.searchTimes.keys.push(performance.now()), true);
document.addEventListener('diglot-search-results', () => {
  const t = performance.now();
  requestAnimationFrame(() => window.searchTimes.results.push({at: t, painted: performance.now()}));
}, true);
"""
# Times the parts of the lazy load one by one, in a page that already has the scripts.
LOAD_BREAKDOWN = """async (lang) => {
  const root = document.documentElement.dataset.root || '';
  const t0 = performance.now();
  const text = await (await fetch(root + 'search/' + lang + '.index.json', {cache: 'no-store'})).text();
  const t1 = performance.now();
  const json = JSON.parse(text);
  const t2 = performance.now();
  diglotSearchPipelines.loadIndex(lunr, json);
  const t3 = performance.now();
  return {download_ms: t1 - t0, parse_ms: t2 - t1, index_load_ms: t3 - t2};
}"""


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        """Keep the report readable."""


class QuietServer(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        """A browser context closed mid-download is expected, not worth a traceback."""


def serve(site: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    """Serve the site on 127.0.0.1 at a free port, from a background thread."""
    httpd = QuietServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(site)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.server_address[1]}/"


def read_docs(site: Path, lang: str) -> dict:
    return json.loads((site / "search" / f"{lang}.docs.json").read_text(encoding="utf-8"))


def size_figures(site: Path, lang: str) -> dict:
    """Index and documents-file bytes, raw and gzip -9, per 1,000 articles of one language."""
    count = len(read_docs(site, lang))
    figures = {"articles": count}
    for kind in ("index", "docs"):
        data = (site / "search" / f"{lang}.{kind}.json").read_bytes()
        figures[f"{kind}_raw_bytes_per_1000"] = round(len(data) * 1000 / max(count, 1))
        figures[f"{kind}_gzip_bytes_per_1000"] = round(len(gzip.compress(data, 9)) * 1000 / max(count, 1))
    return figures


def build_seconds(project: Path) -> dict[str, dict[str, float]] | None:
    """CPU seconds per 1,000 articles to make each language's terms and assemble its files, from content/."""
    if not (project / "site.yaml").exists() or not (project / "content").is_dir():
        return None
    from diglot.config import load_config
    from diglot.build.content_files import read_content
    from diglot.content.documents import load_documents
    from diglot.errors import Report
    from diglot.build.steps import indexed_articles, search_doc
    from diglot.search.index import assemble_search_files, document_terms
    from diglot.model.site import build_site

    config = load_config(project / "site.yaml", {})
    site = build_site(config, load_documents(read_content(project / "content")), Report())
    seconds = {}
    for lang in config.languages:
        docs = [search_doc(article, lang, number) for number, article in enumerate(indexed_articles(site, lang))]
        per_1000 = 1000 / max(len(docs), 1)
        # CPU time: the machine may be busy with other work. The first pass
        # stems every distinct word (a cold build); the second finds them cached.
        started = time.process_time()
        terms = [document_terms(lang, doc) for doc in docs]
        cold = time.process_time()
        terms = [document_terms(lang, doc) for doc in docs]
        warm = time.process_time()
        assemble_search_files(lang, [doc.ref for doc in docs], terms)
        done = time.process_time()
        seconds[lang] = {"terms_cold": (cold - started) * per_1000, "terms_warm": (warm - cold) * per_1000,
                         "assembly": (done - warm) * per_1000}
    return seconds


def one_run(browser, base: str, path: str, word: str) -> dict:
    """Open a page in a fresh context, type a word into the search box, return the page's stamps."""
    context = browser.new_context()
    context.add_init_script(PROBE)
    page = context.new_page()
    page.goto(base + path)
    page.wait_for_load_state("load")
    page.focus(".search-input")
    for count, key in enumerate(word):
        page.keyboard.type(key)
        page.wait_for_function("n => window.searchTimes.results.length > n", arg=count, timeout=30_000)
        page.wait_for_timeout(KEY_GAP_MS)
    stamps = page.evaluate("window.searchTimes")
    lang = path.split("/")[0]
    breakdown = page.evaluate(LOAD_BREAKDOWN, lang)
    context.close()
    gaps = [r["painted"] - k for k, r in zip(stamps["keys"], stamps["results"])]
    first = stamps["results"][0]["painted"]
    return {"first_ms": first - stamps["focus"], "first_key_ms": gaps[0], "later_ms": gaps[1:], **breakdown}


def browser_figures(site: Path, runs: int) -> dict:
    """Median times to results per language over fresh browser contexts."""
    from playwright.sync_api import sync_playwright

    from browser import launch_chromium

    httpd, base = serve(site)
    figures = {}
    try:
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            for lang, word in WORDS.items():
                docs = read_docs(site, lang)
                path = next(iter(docs.values()))["url"]
                results = [one_run(browser, base, path, word) for _ in range(runs)]
                later = [ms for r in results for ms in r["later_ms"]]
                figures[lang] = {
                    "page": path,
                    "first_results_ms": statistics.median(r["first_ms"] for r in results),
                    "first_key_ms": statistics.median(r["first_key_ms"] for r in results),
                    "later_keys_ms": statistics.median(later),
                    "later_keys_max_ms": max(later),
                    **{key: statistics.median(r[key] for r in results)
                       for key in ("download_ms", "parse_ms", "index_load_ms")},
                }
            browser.close()
    finally:
        httpd.shutdown()
        httpd.server_close()
    return figures


def report(figures: dict) -> str:
    """Format the figures as the lines bench/run.py and readers see."""
    lines = [f"load average while measuring: {figures['load_average']:.1f} on {os.cpu_count()} CPUs "
             "(browser times grow with it)"]
    for lang, size in figures["size"].items():
        lines.append(f"{lang}: {size['articles']} articles; index {size['index_raw_bytes_per_1000'] / 1e6:.2f} MB raw, "
                     f"{size['index_gzip_bytes_per_1000'] / 1e6:.2f} MB gzip per 1,000 articles "
                     f"(target ≤ {TARGETS['gzip_bytes_per_1000'] / 1e6:.1f}); docs "
                     f"{size['docs_gzip_bytes_per_1000'] / 1e3:.0f} KB gzip per 1,000")
    for lang, seconds in (figures.get("build_seconds_per_1000") or {}).items():
        lines.append(f"{lang}: CPU s per 1,000 articles: terms {seconds['terms_cold']:.2f} cold "
                     f"({seconds['terms_warm']:.2f} with words cached), assembly {seconds['assembly']:.2f}")
    for lang, timing in figures["browser"].items():
        lines.append(f"{lang}: first results {timing['first_results_ms']:.0f} ms after focus and first key "
                     f"({timing['first_key_ms']:.0f} ms after the key; target ≤ {TARGETS['first_ms']}); later keys {timing['later_keys_ms']:.1f} ms median, "
                     f"{timing['later_keys_max_ms']:.1f} ms max (target ≤ {TARGETS['later_ms']}); "
                     f"load parts: download {timing['download_ms']:.0f} ms, JSON.parse {timing['parse_ms']:.0f} ms, "
                     f"lunr.Index.load {timing['index_load_ms']:.0f} ms")
    return "\n".join(lines)


def shard_figures(articles: int) -> list[str]:
    """Sharded search files of a synthetic corpus (bench/corpus.py), per language: file count, gzip bytes a
    one-word query fetches (manifest, its shards, at most 10 metadata blocks), files one edit rewrites."""
    from test_search_shards import corpus_docs
    from diglot.search.index import assemble_sharded_files, document_terms
    from diglot.search.pipeline import pipeline_terms
    from diglot.search.shards import shard_file_name, shard_of

    lines = [f"| N={articles} | lang | files | word | postings | gzip KB: manifest + shards + blocks | files one edit rewrites |",
             "|---|---|---|---|---|---|---|"]
    for lang, docs in corpus_docs(articles).items():
        refs = [doc.ref for doc in docs]
        started = time.process_time()
        terms = [document_terms(lang, doc) for doc in docs]
        files = assemble_sharded_files(lang, refs, terms)
        seconds = time.process_time() - started
        edited = list(terms)
        edited[1] = document_terms(lang, replace(docs[1], title=docs[1].title + " Zanzibar"))
        after = assemble_sharded_files(lang, refs, edited)
        rewritten = sum(1 for path in after if files.get(path) != after[path])
        gz = {path: len(gzip.compress(data, 9)) for path, data in files.items()}
        manifest = json.loads(files[f"search/{lang}/manifest.json"])
        keys = set(manifest["shards"])
        blocks = sorted((size for path, size in gz.items() if "/m/" in path), reverse=True)
        for word in (RARE_WORDS[lang], WORDS[lang]):
            term = pipeline_terms(lang, word)[0]
            shard = f"search/{lang}/t/{shard_file_name(shard_of(term, keys))}.json"
            postings = (len(json.loads(files[shard]).get(term, [0])) - 1) // 5
            fetched = gz[f"search/{lang}/manifest.json"] + gz[shard] + sum(blocks[:10])
            lines.append(f"| | {lang} | {len(files)} (cap {len(docs) // 50}) | {word} | {postings} | "
                         f"{gz[f'search/{lang}/manifest.json'] / 1e3:.1f} + {gz[shard] / 1e3:.1f} + "
                         f"≤{sum(blocks[:10]) / 1e3:.1f} = ≤{fetched / 1e3:.1f} | {rewritten} |")
        lines.append(f"| | {lang} | build CPU {seconds / len(docs) * 1000:.2f} s per 1,000 | | | | |")
    return lines


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path, nargs="?", help="a built site folder (holds search/)")
    parser.add_argument("--shards", type=int, nargs="*", metavar="N",
                        help="only the sharded files' figures on synthetic corpora of N articles (e.g. 1000 10000)")
    parser.add_argument("--runs", type=int, default=5, help="fresh browser contexts per language (median)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON instead of lines")
    args = parser.parse_args(argv)
    if args.shards:
        print("\n".join(line for n in args.shards for line in shard_figures(n)))
        return 0
    site = args.site.resolve()
    langs = sorted(p.name.split(".")[0] for p in (site / "search").glob("*.index.json"))
    figures = {
        "size": {lang: size_figures(site, lang) for lang in langs},
        "build_seconds_per_1000": build_seconds(site.parent),
        "browser": browser_figures(site, args.runs),
        "load_average": os.getloadavg()[0],
    }
    print(json.dumps(figures, indent=2) if args.json else report(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
