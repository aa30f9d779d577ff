"""Measure what search costs: sharded file sizes, and time and bytes to results in headless Chromium.

Usage: python bench/search_timing.py SITE_DIR [--runs N]
       python bench/search_timing.py --timing 1000 10000 [--runs N] [--only "en rare"]   (synthetic corpora, bench/corpus.py)
       python bench/search_timing.py --shards 1000 10000              (file figures only, no browser)

The site (SITE_DIR, or the seed pair's site with its search/ replaced by a synthetic corpus'
sharded files) is served from 127.0.0.1 with gzip (as static hosts serve JSON and scripts).
Each run is a fresh browser context (cold cache) opening a language's home page; the search box
is focused and a one-word query typed at once, a key every 150 ms (about typing speed), without
waiting for results. Per language, for a rare word, the word in most documents (under 99 %) and
the word in (nearly) all documents, unthrottled and under the phone profile (Chrome DevTools Protocol: 150 ms latency, 1.6 Mbit/s down,
0.75 Mbit/s up, CPU 4x slower), medians over N runs of:

- bytes after focus: every response's transfer size (headers and gzip body, resource timing)
  from focus until the full word's results are shown (scripts, manifest, shards, rests, blocks)
- dependent requests: the longest chain of requests started after the last keystroke, each
  starting after the one before ended
- first results: last keystroke -> the full word's results painted
- later keys: Backspace and the letter again, twice, a key every KEY_GAP_MS, each key -> its results painted
"""

from __future__ import annotations

import argparse
from dataclasses import replace
import functools
import gzip
import http.server
import io
import json
import os
import re
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

WORDS = {"en": "security", "fr": "sécurité"}
RARE_WORDS = {"en": "manipulative", "fr": "manipulation"}
KEY_GAP_MS = 150
# Results the search box shows first (layouts/assets/search.js, FIRST): a metadata block each at most.
FIRST_SCREEN = 5
TARGETS = {"bytes": 60_000, "dependent": 2, "first_ms": 150, "first_mobile_ms": 600, "later_ms": 30}
# The phone profile Lighthouse uses, in CDP's units (bytes per second).
MOBILE = {"latency": 150, "downloadThroughput": 1_600_000 / 8, "uploadThroughput": 750_000 / 8, "cpu": 4}
# Stamps focus, each input and each finished search (with its query) in page time.
PROBE = """
performance.setResourceTimingBufferSize(2000);
window.searchTimes = {focus: null, keys: [], results: []};
// Capture on window: before the box's own focus handler starts the lazy load.
window.addEventListener('focus', () => { window.searchTimes.focus ??= performance.now(); }, true);
document.addEventListener('input', () => window.searchTimes.keys.push(performance.now()), true);
document.addEventListener('diglot-search-results', (e) => {
  const t = performance.now(), query = e.detail.query;
  requestAnimationFrame(() => window.searchTimes.results.push({at: t, painted: performance.now(), query}));
}, true);
"""
RESOURCES = """() => performance.getEntriesByType('resource').map(r => (
  {name: r.name, start: r.startTime, end: r.responseEnd, bytes: r.transferSize}))"""


class GzipHandler(http.server.SimpleHTTPRequestHandler):
    """Static files, gzipped (level 6, as web servers do) when the browser accepts it."""
    zipped: dict[str, bytes] = {}

    def log_message(self, *args):
        """Keep the report readable."""

    def send_head(self):
        path = self.translate_path(self.path)
        if os.path.isdir(path):
            path = os.path.join(path, "index.html")
        if "gzip" not in self.headers.get("Accept-Encoding", "") or not os.path.isfile(path):
            return super().send_head()
        if path not in self.zipped:
            with open(path, "rb") as f:
                self.zipped[path] = gzip.compress(f.read(), 6, mtime=0)
        body = self.zipped[path]
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(path))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)


class QuietServer(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        """A browser context closed mid-download is expected, not worth a traceback."""


def serve(site: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    """Serve the site with gzip on 127.0.0.1 at a free port, from a background thread."""
    httpd = QuietServer(("127.0.0.1", 0), functools.partial(GzipHandler, directory=str(site)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.server_address[1]}/"


def build_seconds(project: Path) -> dict[str, dict[str, float]] | None:
    """CPU seconds per 1,000 articles to make each language's terms and assemble its files, from content/."""
    if not (project / "site.yaml").exists() or not (project / "content").is_dir():
        return None
    from diglot.config import load_config
    from diglot.build.content_files import read_content
    from diglot.content.documents import load_documents
    from diglot.errors import Report
    from diglot.build.steps import indexed_articles, search_doc
    from diglot.search.index import assemble_sharded_files, document_terms
    from diglot.model.site import build_site

    config = load_config(project / "site.yaml", {})
    site = build_site(config, load_documents(read_content(project / "content").items()), Report())
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
        assemble_sharded_files(lang, [doc.ref for doc in docs], terms)
        done = time.process_time()
        seconds[lang] = {"terms_cold": (cold - started) * per_1000, "terms_warm": (warm - cold) * per_1000,
                         "assembly": (done - warm) * per_1000}
    return seconds


def dependent_requests(resources: list[dict]) -> int:
    """The longest chain of requests, each starting once the one before it has ended."""
    depth: list[int] = []
    for n, r in enumerate(resources):
        depth.append(1 + max((depth[m] for m, q in enumerate(resources[:n]) if q["end"] <= r["start"]), default=0))
    return max(depth, default=0)


def results_for(stamps: dict, word: str, after: float) -> dict:
    """The first painted results of this query after a time."""
    return next(r for r in stamps["results"] if r["query"] == word and r["at"] >= after)


def one_run(browser, base: str, path: str, word: str, mobile: bool) -> dict:
    """Open a page in a fresh context, type a word right after focus, then edit its last letter twice."""
    context = browser.new_context()
    context.add_init_script(PROBE)
    page = context.new_page()
    page.goto(base + path)
    page.wait_for_load_state("load")
    if mobile:
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.emulateNetworkConditions", {"offline": False, **{k: v for k, v in MOBILE.items() if k != "cpu"}})
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": MOBILE["cpu"]})
    page.focus(".search-input")
    page.keyboard.type(word, delay=KEY_GAP_MS)
    wait = "w => window.searchTimes.results.some(r => r.query === w && r.at >= window.searchTimes.keys.at(-1))"
    page.wait_for_function(wait, arg=word, timeout=120_000)
    stamps = page.evaluate("window.searchTimes")
    shown = results_for(stamps, word, stamps["keys"][-1])
    resources = [r for r in page.evaluate(RESOURCES) if stamps["focus"] <= r["start"] <= shown["at"]]
    after_last = [r for r in resources if r["start"] >= stamps["keys"][-1]]
    later = []
    for key, text in (("Backspace", word[:-1]), (word[-1], word)) * 2:
        # At typing speed, as the word was typed: a key pressed within the box's throttle window
        # of the last search (60 ms) would measure the throttle, not the search.
        page.wait_for_timeout(KEY_GAP_MS)
        count = len(page.evaluate("window.searchTimes.keys"))
        # A letter is typed (press() knows no "é"), Backspace pressed.
        page.keyboard.type(key) if len(key) == 1 else page.keyboard.press(key)
        page.wait_for_function(wait.replace("w =>", "([w, n]) =>").replace("keys.at(-1)", "keys[n]"),
                               arg=[text, count], timeout=60_000)
        stamps = page.evaluate("window.searchTimes")
        later.append(results_for(stamps, text, stamps["keys"][count])["painted"] - stamps["keys"][count])
    context.close()
    kinds = {"shards": "/t/", "rests": "/r/", "blocks": "/m/", "scripts": "/assets/", "manifest": "/manifest.json"}
    return {"first_ms": shown["painted"] - stamps["keys"][len(word) - 1], "later_ms": later,
            "bytes": sum(r["bytes"] for r in resources), "dependent": dependent_requests(after_last),
            **{kind: sum(1 for r in resources if mark in r["name"]) for kind, mark in kinds.items()},
            **{kind + "_bytes": sum(r["bytes"] for r in resources if mark in r["name"]) for kind, mark in kinds.items()},
            "after_last": len(after_last)}


def timing_rows(site: Path, words: dict[str, dict[str, str]], runs: int, label: str, only: str = "") -> list[str]:
    """One table row per language, word and profile (those whose "lang kind profile" holds `only`):
    medians over fresh browser contexts."""
    from playwright.sync_api import sync_playwright

    from browser import launch_chromium

    rows = []
    httpd, base = serve(site)
    try:
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            for lang, kinds in words.items():
                for kind, word in kinds.items():
                    for mobile in (False, True):
                        if only not in f"{lang} {kind} {'phone' if mobile else 'fast'}":
                            continue
                        found = [one_run(browser, base, f"{lang}/", word, mobile) for _ in range(runs)]
                        med = lambda key: statistics.median(r[key] for r in found)  # noqa: E731
                        later = [ms for r in found for ms in r["later_ms"]]
                        rows.append(f"| {label} | {lang} | {kind} `{word}` | {'phone' if mobile else 'fast'} | "
                                    f"{med('bytes') / 1e3:.1f} | {kilobytes(med)} | {med('scripts'):.0f} + {med('shards'):.0f} + "
                                    f"{med('rests'):.0f} + {med('blocks'):.0f} | {med('after_last'):.0f} / {med('dependent'):.0f} | "
                                    f"{med('first_ms'):.0f} | {statistics.median(later):.0f} / {max(later):.0f} |")
            browser.close()
    finally:
        httpd.shutdown()
        httpd.server_close()
    return rows


TIMING_HEAD = ["| N | lang | word | profile | KB after focus | KB: scripts + manifest + shards + rests + blocks | "
               "files: scripts + shards + rests + blocks | requests after last key / dependent | "
               "first results ms after last key | later keys ms median / max |",
               "|---|---|---|---|---|---|---|---|---|---|"]


def kilobytes(med) -> str:
    """Median kilobytes after focus by kind of file (the parts' medians need not add up to the total's)."""
    return " + ".join(f"{med(kind + '_bytes') / 1e3:.1f}" for kind in ("scripts", "manifest", "shards", "rests", "blocks"))


def synthetic_site(articles: int, root: Path) -> tuple[Path, dict[str, dict[str, str]]]:
    """The seed pair's site with its search files replaced by a synthetic corpus' (its pages' search box
    then searches N articles), and per language its rarest and its most common word of 6+ letters."""
    import shutil

    from golden import build_seed_pair
    from test_search_shards import corpus_docs
    from diglot.search.index import assemble_sharded_files, document_terms
    from diglot.search.pipeline import pipeline_terms

    site = build_seed_pair(root)
    shutil.rmtree(site / "search")
    words = {}
    for lang, docs in corpus_docs(articles).items():
        files = assemble_sharded_files(lang, [doc.ref for doc in docs], [document_terms(lang, doc) for doc in docs])
        postings = {}
        for path, data in files.items():
            (site / path).parent.mkdir(parents=True, exist_ok=True)
            (site / path).write_bytes(data)
            if "/t/" in path:
                postings.update({term: document_count(entry) for term, entry in json.loads(data).items()})
        counts = {}
        for word in set(re.findall(r"[^\W\d_]{6,}", " ".join(doc.body for doc in docs[:200]).lower())):
            terms = pipeline_terms(lang, word)
            if len(terms) == 1 and terms[0] in postings:
                counts[word] = postings[terms[0]]
        ordered = sorted(counts, key=lambda w: (counts[w], w))
        # A word in every document (the corpus' "Published" and "Temps mondial" lines) ties every
        # document at one score: no head can prove which five come first, so it is a row of its own.
        most = [w for w in ordered if counts[w] < 0.99 * len(docs)][-1]
        words[lang] = {f"rare ({counts[ordered[0]]} docs)": ordered[0],
                       f"common ({counts[most]} docs)": most,
                       f"in all ({counts[ordered[-1]]} docs)": ordered[-1]}
    return site, words


def document_count(entry) -> int:
    """How many documents hold a term, from its shard entry (postings, or a split term's head)."""
    return entry["n"] if isinstance(entry, dict) else (len(entry) - 1) // 5


def shard_figures(articles: int) -> list[str]:
    """Sharded search files of a synthetic corpus (bench/corpus.py), per language: file count, gzip bytes a
    one-word query fetches (manifest, its term shard (a common word's head), at most FIRST_SCREEN metadata blocks),
    files one edit rewrites."""
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
            postings = document_count(json.loads(files[shard]).get(term, [0]))
            fetched = gz[f"search/{lang}/manifest.json"] + gz[shard] + sum(blocks[:FIRST_SCREEN])
            lines.append(f"| | {lang} | {len(files)} (cap {len(docs) // 50}) | {word} | {postings} | "
                         f"{gz[f'search/{lang}/manifest.json'] / 1e3:.1f} + {gz[shard] / 1e3:.1f} + "
                         f"≤{sum(blocks[:FIRST_SCREEN]) / 1e3:.1f} = ≤{fetched / 1e3:.1f} | {rewritten} |")
        lines.append(f"| | {lang} | build CPU {seconds / len(docs) * 1000:.2f} s per 1,000 | | | | |")
    return lines


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path, nargs="?", help="a built site folder (holds search/)")
    parser.add_argument("--shards", type=int, nargs="*", metavar="N",
                        help="only the sharded files' figures on synthetic corpora of N articles (e.g. 1000 10000)")
    parser.add_argument("--timing", type=int, nargs="*", metavar="N",
                        help="browser timings on synthetic corpora of N articles (1000 10000; 100000 takes long)")
    parser.add_argument("--runs", type=int, default=3, help="fresh browser contexts per row (median)")
    parser.add_argument("--only", default="", help='only the rows whose "lang kind profile" holds this ("en rare", "phone")')
    args = parser.parse_args(argv)
    if args.shards:
        print("\n".join(line for n in args.shards for line in shard_figures(n)))
        return 0
    print(f"load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs (browser times grow with it)")
    print("\n".join(TIMING_HEAD))
    if args.timing:
        for n in args.timing:
            with tempfile.TemporaryDirectory() as temp:
                site, words = synthetic_site(n, Path(temp))
                print("\n".join(timing_rows(site, words, args.runs, str(n), args.only)), flush=True)
        return 0
    site = args.site.resolve()
    words = {lang: {"rare": RARE_WORDS[lang], "common": WORDS[lang]}
             for lang in sorted(p.name for p in (site / "search").iterdir() if p.is_dir())}
    print("\n".join(timing_rows(site, words, args.runs, "site", args.only)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
