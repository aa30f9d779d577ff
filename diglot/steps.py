"""The build's costly steps: import seeds, model the site, render pages, build search indexes.

pipeline.build runs them in order; it imports this module only when a build has work to do, so a
rebuild with nothing changed never loads Markdown, Jinja2, Babel or lunr.
"""
from __future__ import annotations

import hashlib
import os
import re
from contextlib import contextmanager
from pathlib import Path
from typing import Callable

from .cache import MISSING, BuildCache, Table, digest, pickled, tree_digest
from .config import Config
from .content import (Document, decode_existing, front_matter_part, import_texts, load_documents, parse_file,
                      plan_import, write_content)
from .errors import Report
from .output import Known, Placed, place_file
from .parallel import map_forked, start_forked
from .pipeline import Options, content_hashes
from .render import make_environment, plan_pages, render_page
from .search import SearchDoc, assemble_search_files, document_terms, format_ref
from .site import Article, Site, Version, assemble_site, group_documents, make_article
from .text import format_date

# Below this many items a map runs serially: forking a pool costs more than it saves.
FORK_MIN_ITEMS = 64
FORK_MIN_PAGES = 8  # a listing page shows every article: a few pages are already worth a fork

SEED_LINE = re.compile(rb"^seed(?:_sha256)?: .*$", re.M)


def import_signature(seeds: list, content: dict[str, bytes], cache: BuildCache) -> str:
    """What an import's outcome depends on: the seeds' names, sizes and times, and each content
    file's name and seed lines (hand edits elsewhere in a file change nothing the import does)."""
    hashes = content_hashes(content, cache)
    lines = cache.remember("seed lines", content.items(), lambda item: (item[0], hashes[item[0]]),
                           lambda item: SEED_LINE.findall(front_matter_part(item[1])))
    return digest(seeds, sorted(zip(content, lines)))


@contextmanager
def importing(options: Options, report: Report, cache: BuildCache, seeds: list, content: dict[str, bytes]):
    """Import seeds into content/ (unless options.import_seeds is off), or replay the last import's
    outcome when nothing it reads changed; yields the pairing decisions, the news of this import
    (files written, also noted in report) and the content files as they are now.

    seeds: seed_stats of the seeds folder; content: read_content of content/. A forked worker
    writes the new content files while the block runs (on the idle core, while the content is
    parsed: they alone were a fifth of a second of the import); they are on disk when the block is
    left, even by an error."""
    writing, replay, news = None, ((), Report()), []
    try:
        if options.import_seeds:
            table = cache.table("import")
            replay = table.get(import_signature(seeds, content, cache))
        if replay is MISSING:
            replay, written, texts = run_import(options, decode_existing(content))
            if texts:
                writing = start_forked(lambda files: write_content(options.content, files), [texts], min_items=1)
            news = written.notes  # "imported …" is news once, not on every replay
            report.notes.extend(news)
            content = dict(sorted({**content, **{name: text.encode("utf-8") for name, text in texts.items()}}.items()))
            table.put(import_signature(seeds, content, cache), replay)
        decisions, found = replay
        report.warnings.extend(found.warnings)
        report.notes.extend(found.notes)
        yield decisions, news, content
    finally:
        if writing:
            writing.results()  # redoes here whatever the worker could not write


def run_import(options: Options, existing: dict[str, str]) -> tuple[tuple[tuple[str, ...], Report], Report,
                                                                    dict[str, str]]:
    """Read every seed, pair them, and choose the content files to write: new ones, or stale ones.

    Returns (pairing decisions, what a replay repeats), the notes of files to write and their texts."""
    from .pairing import pair_drafts  # only an import that cannot be replayed needs these

    found, written = Report(), Report()
    paths = sorted((Path(entry.path) for entry in os.scandir(options.seeds)
                    if not entry.name.startswith(".") and entry.is_file()), key=lambda path: path.name) \
        if options.seeds.is_dir() else []
    drafts, profiles, bodies = [], {}, {}
    for path, outcome in zip(paths, map_forked(try_read_seed, paths, FORK_MIN_ITEMS)):
        if isinstance(outcome, str):
            found.warn(f"seeds/{path.name}", outcome)
            continue
        draft, profile, body = outcome
        drafts.append(draft)
        profiles[draft.seed], bodies[draft.seed] = profile, body
        for note in draft.notes:
            found.note(f"seeds/{path.name}: {note}")
    pairing = pair_drafts(drafts, profiles=profiles)
    texts = import_texts(plan_import(pairing, existing, bodies), existing, written)
    found.warnings.extend(written.warnings)
    written.warnings = []
    return (tuple(pairing.decisions), found), written, texts


def try_read_seed(path: Path):
    """The seed's Draft with what pairing and the import make of it (its profile and Markdown
    body: made here, on every core), or the reason it holds no article."""
    from .content import draft_body
    from .pairing import profile_draft
    from .seeds import SeedError, read_seed

    try:
        draft = read_seed(path)
    except SeedError as exc:
        return exc.reason
    return draft, profile_draft(draft), draft_body(draft)


def load_step(content: dict[str, bytes], cache: BuildCache) -> list[Document]:
    """Parse every content file (memoized by its name and bytes)."""
    hashes = {f"content/{name}": sha256 for name, sha256 in content_hashes(content, cache).items()}
    return load_documents(content, parse=cache.table("documents").memoize(
        parse_file, lambda data, path: digest(path, hashes[path])))


def model_step(config: Config, documents: list[Document], report: Report, cache: BuildCache) -> Site:
    """The site model. Each article (rendered bodies, alignment, and the warnings making it raised)
    is remembered by the content files it is made of; the ones not in the cache are made on every core."""
    groups = group_documents(documents, config)
    table = cache.table("articles")
    keys = {key: article_key(key, docs) for key, docs in sorted(groups.items())}
    memoize_missing(table, made_article, {keys[key]: (key, docs) for key, docs in sorted(groups.items())})
    articles = []
    for key in keys:
        article, warnings = table.get(keys[key])
        report.warnings.extend(warnings)
        articles.append(article)
    return assemble_site(articles)


def made_article(key: str, docs: dict[str, Document]) -> tuple[Article, list]:
    """An article, and the warnings making it raised (replayed whenever it comes from the cache)."""
    found = Report()
    return make_article(key, docs, found), found.warnings


def article_key(key: str, docs: dict[str, Document]) -> str:
    """Cache key of an article: its translation key and each version's path and text (by sha256)."""
    return digest(key, *(part for lang in sorted(docs) for part in (lang, docs[lang].path, docs[lang].sha256)))


def memoize_missing(table: Table, function, wanted: dict[str, tuple]) -> None:
    """Compute function(*arguments) for every key of wanted the table lacks, on every core.

    Workers pickle each value for the table themselves: the main process then neither pickles
    it again to save the cache nor unpickles it with the cycle collector running."""
    missing = [key for key in wanted if table.get(key) is MISSING]
    for key, blob in zip(missing, map_forked(lambda key: pickled(function(*wanted[key])), missing, FORK_MIN_ITEMS)):
        table.put_blob(key, blob)


def pages_step(site: Site, config: Config, layouts: Path, cache: BuildCache, holds: Callable[[str, str], bool],
               place: Path | None = None) -> tuple[dict[str, Known | Placed], int]:
    """Render every planned page but those whose inputs, layouts and config did not change and
    whose last bytes (by sha256) the output still holds; returns the pages and how many were rendered.

    place: a fresh output tree, into which each page is written by the worker that rendered it
    (so writing takes both cores too, and no page's bytes travel back). The pages table keeps
    page digests, not bytes: the output trees hold the bytes already."""
    table = cache.table("pages")
    salt = digest(tree_digest(layouts), repr(config))
    # One environment while layouts and config stay the same: its compiled templates and shared
    # partials serve every build of the dev server.
    compiled = cache.directory / "templates" if cache.directory else None
    env = cache.keep("environment", digest(salt, layouts.resolve()),
                     lambda: make_environment(layouts, config, compiled, cache.version))
    jobs = plan_pages(site, config)
    # The dev server hashes again only the pages whose inputs changed (all of them: 0.1 s a build).
    keys = cache.remember("page keys", jobs, lambda job: (salt, job.template, job.page, job.inputs),
                          lambda job: digest(salt, job.template, repr(job.page), *job.inputs))
    files: dict[str, Known | Placed] = {}
    missing = []
    for key, job in zip(keys, jobs):
        known = table.get(key)
        if known is not MISSING and holds(job.page.path, known):
            files[job.page.path] = Known(known)
        else:
            missing.append((key, job))
    for template in sorted({job.template for _, job in missing}):
        env.get_template(template)  # compiled once here, inherited by forked workers
    # Pages that show most first (listings, feeds, the sitemap, …): the workers take chunks in
    # order as they get free, so the costliest are not left for last, when one worker is idle.
    # Then the pages of one article side by side (the same inputs: its fingerprint), so one
    # worker unpickles its bodies and typesets its titles for all four of them.
    missing.sort(key=lambda item: (-len(item[1].inputs), item[1].inputs))
    rendered = map_forked(lambda item: render_known(env, item[1], place), missing, FORK_MIN_PAGES)
    for (key, job), page in zip(missing, rendered):
        files[job.page.path] = page
        table.put(key, page.digest)
    return {job.page.path: files[job.page.path] for job in jobs}, len(missing)


def render_known(env, job, place: Path | None) -> Known | Placed:
    """Render a page, with its sha256 (computed in the worker that rendered it); written into
    the fresh tree place, if given."""
    data = render_page(env, job)
    return place_file(place, job.page.path, data) if place else Known(hashlib.sha256(data).hexdigest(), data)


@contextmanager
def searching(site: Site, config: Config, cache: BuildCache):
    """Make every language's search files on forked workers while the block runs (the pages are
    planned meanwhile; their workers start as these end); yields the function that waits
    for them and returns them.

    A language is reassembled only when its documents changed, from terms cached per document,
    so an edit re-reads one document, not all of them."""
    files, terms = cache.table("search"), cache.table("search-terms")
    indexed = {lang: indexed_articles(site, lang) for lang in config.languages}
    term_keys = {lang: [terms_key(article.versions[lang]) for article in articles] for lang, articles in indexed.items()}
    for key in (key for keys in term_keys.values() for key in keys):
        terms.keep(key)  # every document's terms stay cached, even for a language that is not reassembled
    # A document's ref is its position, and its key covers all the rest: the keys in order key its files.
    keys = {lang: digest(lang, *term_keys[lang]) for lang in indexed}
    missing = [lang for lang in indexed if files.get(keys[lang]) is MISSING]

    def assemble(lang: str) -> tuple[dict[str, bytes], dict[str, bytes]]:
        """One language's files, and the terms of its documents that were not cached (pickled)."""
        cached = [terms.get(key) for key in term_keys[lang]]
        # Only a document whose terms are not cached is made: bodies joined, dates written.
        found = {key: document_terms(lang, search_doc(article, lang, number))
                 for number, (key, article, known) in enumerate(zip(term_keys[lang], indexed[lang], cached))
                 if known is MISSING}
        every = [found[key] if known is MISSING else known for key, known in zip(term_keys[lang], cached)]
        refs = [format_ref(number) for number in range(len(every))]
        return {key: pickled(value) for key, value in found.items()}, assemble_search_files(lang, refs, every)

    with start_forked(assemble, missing, min_items=1) as work:
        def finish() -> dict[str, bytes]:
            """Wait for the workers; every language's files."""
            for lang, (found, built) in zip(missing, work.results()):
                for key, blob in found.items():
                    terms.put_blob(key, blob)
                files.put(keys[lang], built)
            return {path: data for lang in indexed for path, data in files.get(keys[lang]).items()}

        yield finish


def terms_key(version: Version) -> str:
    """Cache key of a version's search document: everything it is made of but its ref (which moves
    when articles are added or removed). Two hashes the version carries already stand for it: its
    summary fingerprint for language, title, URL and date, its content file's for its body."""
    return version.summary_fingerprint + version.sha256


def indexed_articles(site: Site, lang: str) -> list[Article]:
    """The articles in one language's search index, in index order: every one with that version."""
    return [article for article in site.articles if lang in article.versions]


def search_doc(article: Article, lang: str, number: int) -> SearchDoc:
    """The search document of an article's version in lang, the index's document number `number`."""
    version = article.versions[lang]
    body = " ".join(block.text for block in version.blocks)
    date = format_date(version.date, lang) if version.date else ""
    return SearchDoc(ref=format_ref(number), url=version.url, title=version.title, date=date, body=body)
