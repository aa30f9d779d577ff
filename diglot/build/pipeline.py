"""The build, top to bottom: import seeds, load content, model, render, index, write.

Every costly step goes through the build cache (build/cache.py, build/steps.py), keyed by what it reads,
so a rebuild redoes only what an edit touched.
"""
from __future__ import annotations

import errno
import gc
import os
import shutil
import time
from dataclasses import replace
from functools import partial
from pathlib import Path

from diglot.build.cache import BuildCache, digest
from diglot.build.memo import MISSING, Memo
from diglot.config import Config, load_config
from diglot.errors import DiglotError, Problem, Report
from diglot.build.output import Known, Trees, bytes_of, look_at_trees, start_fresh_tree, sync_site, write_site
from diglot.build.tree_records import holds_record
from diglot.build.progress import Progress
from diglot.build.inputs import collect_assets, content_hashes, inputs_key, read_content_again, seed_stats
from diglot.build.options import Options, Summary


# A build makes millions of objects that live until it ends, and few cycles: with Python's
# default thresholds (700, 10, 10) the cycle collector ran 470 times in a cold build of 1,000
# pairs, three of them through everything (0.17 s in all, measured serially); collecting young
# objects every 50,000 instead of every 700 leaves a handful of runs (0.05 s).
BUILD_GC_THRESHOLD = (50_000, 20, 20)


def output_key(options: Options, cache: BuildCache) -> str:
    """Cache key of what the output and shadow trees hold."""
    return digest(options.output.resolve(), cache.directory.resolve())


# What site/ and the shadow tree hold (every file's stat and sha256), by where they are.
OUTPUT = Memo("output", key=output_key)
# A build's summary, by everything it read (inputs_key): a build with the same inputs replays it.
BUILDS = Memo("builds", key=inputs_key)


def double_buffered(options: Options, cache: BuildCache) -> bool:
    """True when this build writes site/ through the shadow tree in its cache (records kept)."""
    return bool(options.write and cache.directory)


def look_at_output(options: Options, cache: BuildCache) -> Trees | None:
    """What site/ and the shadow tree in the cache hold now, by the last build's records; None
    when this build writes no double-buffered output."""
    if not double_buffered(options, cache):
        return None
    records = OUTPUT.get(cache, OUTPUT.key(options, cache))
    return look_at_trees(options.output, cache.directory / "site", {} if records is MISSING else records)


def fresh_output_tree(options: Options, cache: BuildCache) -> Path | None:
    """The fresh tree this build's workers write pages and search files into (start_fresh_tree),
    or None: this build writes no double-buffered output, or updates the shadow tree instead."""
    if not double_buffered(options, cache):
        return None
    return start_fresh_tree(options.output, cache.directory / "site")


def write_step(files: dict[str, bytes | Known], options: Options, cache: BuildCache, trees: Trees | None) -> None:
    """Write site/; with a cache on disk, by updating the tree swapped out last time and swapping
    it back in (a small change writes a few files, not a whole tree)."""
    if trees is None:  # nothing was taken from a tree: every page came with its bytes
        write_site({rel: bytes_of(data) for rel, data in files.items()}, options.output)
        return
    OUTPUT.put(cache, OUTPUT.key(options, cache), sync_site(
        files, options.output, cache.directory / "site", trees.records, trees))


def open_cache(options: Options, defer_saves: bool = False) -> BuildCache:
    """The project's build cache (.cache/), or an in-memory one when caching is off."""
    return BuildCache(options.cache if options.use_cache else None, defer_saves=defer_saves)


def replay_unchanged(options: Options, key: str, cache: BuildCache) -> Summary | None:
    """The last build's summary when nothing it read has changed since (key: inputs_key) and site/
    is still exactly what it wrote (by size, time and inode of every file); else None."""
    if not double_buffered(options, cache):
        return None
    last = BUILDS.get(cache, key)
    records = OUTPUT.get(cache, OUTPUT.key(options, cache))
    if last is MISSING or records is MISSING:
        return None
    if not holds_record(options.output, records["live"], records.get("live folders", {})):
        return None
    return replace(last, report=Report(list(last.report.warnings), list(last.report.notes)), replayed=True)


def build(options: Options, cache: BuildCache | None = None, progress: Progress | None = None,
          replay: bool = True) -> Summary:
    """Run the whole build; nothing is written to the output until everything has succeeded.

    cache: the dev server passes the same one to every build (warm, in memory).
    progress: a bar for the terminal (none by default).
    replay: False runs every step even when nothing changed (the dev server warms up so)."""
    started = time.perf_counter()
    options = options.resolved()
    cache = cache or open_cache(options)
    threshold = gc.get_threshold()
    with cache.locked():
        try:
            gc.set_threshold(*BUILD_GC_THRESHOLD)  # its workers inherit it
            summary = run_build(options, cache, progress or Progress(enabled=False), replay)
        except OSError as exc:
            if exc.errno not in (errno.ENOSPC, errno.EDQUOT):
                raise
            raise DiglotError(disk_full(exc, options)) from None
        finally:
            gc.set_threshold(*threshold)
            gc.unfreeze()  # what forking froze (parallel.start_forked) is the dev server's to collect again
    summary.seconds = time.perf_counter() - started
    return summary


# What a build keeps on disk per content file, measured at 1,000 pairs (1,920 files): site/ 36 KB,
# its shadow copy in .cache/site/ as much, the cache's tables 9 KB, the content file itself 6 KB.
DISK_PER_CONTENT_FILE = 90_000


def disk_full(exc: OSError, options: Options) -> Problem:
    """The problem to report when the disk fills up mid-build: where, roughly how much the build
    needs, and that nothing was lost (the writers remove what they had half written)."""
    files = sum(1 for entry in os.scandir(options.content) if entry.name.endswith(".md")) \
        if options.content.is_dir() else 0
    files = max(files, sum(1 for _ in options.seeds.iterdir()) if options.seeds.is_dir() else 0)  # a seed, a file
    needed = f"roughly {max(1, files * DISK_PER_CONTENT_FILE // 1_000_000)} MB for {files} content files" \
        if files else "some megabytes"
    where = exc.filename or options.output.parent
    return Problem(str(where), f"the disk is full ({exc.strerror}); the build needs {needed} (site/, its shadow "
                   "copy in .cache/, the cache's tables, content/); the previous site/ and content/ are intact",
                   "free some space on that disk, or build elsewhere with --output DIR, then build again")


def load_steps():
    """The steps after the import, and the libraries they need (Jinja2, Babel, lunr: a tenth of a
    second or more to load, which the import lets this process spend while its workers read seeds)."""
    from diglot.build import steps
    return steps


def remember_summary(summary: Summary, key: str, news, cache: BuildCache) -> None:
    """Keep what a rebuild with no change replays: this summary, without this build's news, nor
    what became of each seed (only a review reads it, and a review never replays: 192,000 seeds'
    outcomes were half the table the build pickles last)."""
    news = set(news)  # a set: an import notes every file it writes, and a list made this quadratic
    BUILDS.put(cache, key, replace(
        summary, rendered=0, write_review=None, model=None, seeds=(),
        report=Report(list(summary.report.warnings), [n for n in summary.report.notes if n not in news])))


def make_and_write(handed: list, config: Config, options: Options, cache: BuildCache, steps, summary: Summary,
                   progress: Progress, remember) -> None:
    """Make every page and search file of the site model handed over (on every core; into a fresh
    tree when there is one, whose files then never travel back) and write site/, the cache saved
    meanwhile; remember() keeps what a build with no change replays."""
    site = handed.pop()
    fresh = fresh_output_tree(options, cache)  # pages and indexes go there as they are made
    try:
        with steps.searching(site, config, cache, fresh) as search_files:  # built while pages are planned
            trees = look_at_output(options, cache)
            holds = trees.holds if trees else lambda rel, digest: not options.write
            progress.stage("pages")
            files, summary.rendered = steps.pages_step(site, config, options.layouts, cache, holds, fresh)
            summary.pages = len(files)
            progress.stage("search")
            files.update(search_files(holds))
        summary.articles = len(site.articles)
        # Made: the model's articles go with the last table that holds them, once the cache's forked
        # writers have it (cache.committing), so the site is written without them (100,000 articles:
        # the build process's peak came there).
        site = search_files = None
        assets = collect_assets(options.layouts)
        steps.check_search_script(assets, options.layouts, summary.report)
        files.update(assets)
        if options.strict and summary.report.warnings:
            raise DiglotError(*summary.report.warnings)
        progress.stage("write")
        # The cache is saved while the site is written, but for what writing it changes.
        with cache.committing("output", "builds"):
            if options.write:
                write_step(files, options, cache, trees)
            summary.files = len(files)
            remember()
            files.clear()  # written: the files' records go too
    except BaseException:
        if fresh:  # after the workers are stopped (leaving the searching block): none still writes there
            shutil.rmtree(fresh, ignore_errors=True)
        raise


def run_build(options: Options, cache: BuildCache, progress: Progress, replay: bool = True) -> Summary:
    """build(), once it holds the cache: replay the last build (if replay), or run every step."""
    cache.begin()
    config: Config = load_config(options.config, {"base_url": options.base_url})
    seeds, content = seed_stats(options.seeds), read_content_again(options, cache)
    key = BUILDS.key(options, config, seeds, content_hashes(content, cache))
    # A replayed build has no site model to review: the review page needs the steps to run (the dev
    # server's review_later keeps the last build's, which the replayed one did not change).
    replayed = replay_unchanged(options, key, cache) if replay and not options.review else None
    if replayed is not None:  # nothing to do; no commit either, so a warm cache keeps every entry
        return replayed
    from diglot.build import import_step  # here, not at the top: a replayed build never loads the import's modules

    summary = Summary(languages=config.languages)
    try:
        if options.import_seeds:
            progress.stage("import")
        outcome, news, imported = import_step.import_or_replay(options, summary.report, cache, seeds, content,
                                                               meanwhile=load_steps)
        summary.decisions, (summary.duplicates, summary.skipped), summary.seeds = \
            outcome.decisions, outcome.set_aside, outcome.seeds
        steps = load_steps()
        if imported is not content:  # the import ran (not replayed): a rebuild reads the files it wrote
            content, key = imported, BUILDS.key(options, config, seeds, content_hashes(imported, cache))
        progress.stage("load")
        documents = steps.load_step(content, cache, options.content)  # which lets go of the bytes
        content = imported = None
        progress.stage("model")
        reviewing = options.review or options.review_later
        handed = [documents]
        if not reviewing:
            documents = None  # handed over: only the review reads them after the model
        site = steps.model_step(config, handed.pop(), summary.report, cache, options.content)
        if options.keep_model:
            summary.model = config, site
        if reviewing:  # before --strict may stop the build: the page shows what is wrong
            from diglot.build.review_step import write_review
            if options.review:
                write_review(options, site, documents, summary, cache)
            else:  # the dev server's: it keeps this build's documents anyway
                summary.write_review = partial(write_review, options, site, documents, summary, cache)
        documents = None  # the articles hold what pages need: the bodies go before the workers fork
        handed.append(site)
        site = None  # handed over: make_and_write lets go of it once the pages are made
        try:
            make_and_write(handed, config, options, cache, steps, summary, progress,
                           remember=lambda: remember_summary(summary, key, news, cache))
        except Exception as exc:
            exc.write_review = summary.write_review  # --strict, a template error: the review shows why
            raise
    finally:
        progress.close()
    return summary
