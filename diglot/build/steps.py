"""The build's costly steps after the import (import_step.py): load the content, model the site,
render pages, build search indexes.

pipeline.build runs them in order; it imports this module only when a build has work to do, so a
rebuild with nothing changed never loads Jinja2, Babel or lunr. What each step memoizes, and under
which key, is declared once below (build/memo.py).
"""
from __future__ import annotations

import hashlib
from contextlib import contextmanager
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import Callable, Iterator

from jinja2 import Environment

from diglot.build.cache import BuildCache, digest, tree_digest
from diglot.build.table import pickled
from diglot.build.fileio import read_bytes
from diglot.build.memo import MISSING, Memo
from diglot.config import Config
from diglot.content.documents import CONTENT_LABEL, Document, load_documents, parse_file
from diglot.content.frontmatter import split_front_matter
from diglot.errors import DiglotError, Problem, Report
from diglot.build.output import Known, Placed, made_file
from diglot.build.packed import Packed
from diglot.build.parallel import give_back_free_memory, map_forked, start_forked
from diglot.build.spill import Spill
from diglot.build.inputs import content_hashes
from diglot.build.templates import kept_templates
from diglot.render.environment import make_environment
from diglot.render.pages import PageJob, plan_pages, render_page
from diglot.search.index import DocTerms, SearchDoc, collect_search_terms, document_terms, format_ref, sharded_files
from diglot.search.shards import SHARDED_FORMAT, script_format
from diglot.model.site import Article, Site, Version, assemble_site, group_documents, make_article
from diglot.model.text import format_date

# Below this many articles the model is made serially: forking a pool costs more than it saves.
FORK_MIN_ITEMS = 64
FORK_MIN_PAGES = 8  # a listing page shows every article: a few pages are already worth a fork
# A search worker gives freed memory back every this many documents: each one's terms, body and
# blocks come and go between postings that stay (10,000 articles: 10 MB less when they are gathered).
TRIM_EVERY = 4096


def article_key(key: str, docs: dict[str, Document]) -> str:
    """Cache key of an article: its translation key and each version's path and text (by sha256)."""
    return digest(key, *(part for lang in sorted(docs) for part in (lang, docs[lang].path, docs[lang].sha256)))


def page_key(salt: str, job) -> str:
    """Cache key of a page: layouts and config (salt), its template, place and inputs."""
    return digest(salt, job.template, repr(job.page), *job.inputs)


def terms_key(version: Version) -> str:
    """Cache key of a version's search document: everything it is made of but its ref (which moves
    when articles are added or removed). Two hashes the version carries already stand for it: its
    summary fingerprint for language, title, URL and date, its content file's for its body."""
    return version.summary_fingerprint + version.sha256


# What each step memoizes, and what keys it.
DOCUMENTS = Memo("documents", key=digest)  # (path, sha256) -> the document without its body, its length
# An article and the warnings making it raised; the site model holds it, so the table drops its
# bytes once it is read (at 10,000 articles: 110 MB less, the workers' share of which they counted too).
ARTICLES = Memo("articles", key=article_key, one_form=True)
PAGES = Memo("pages", key=page_key)  # the page's sha256 (the output trees hold its bytes)
# A document's terms and its documents-file entry, in a table per language (SEARCH_TERMS.of(lang)),
# which a one-off build's search worker saves itself.
SEARCH_TERMS = Memo("search-terms", key=terms_key)
# One language's search files, by every document's key in index order (a document's ref is its
# position; its key covers all the rest) -> the files' sha256 (the output trees hold the bytes).
SEARCH_FILES = Memo("search", key=lambda lang, term_keys: digest(lang, *term_keys))


def load_step(content: dict[str, bytes], cache: BuildCache, folder: Path) -> list[Document]:
    """Parse every content file (content: their bytes, read from folder); a file whose bytes were
    parsed before comes from the cache. content is emptied.

    A dev server parses the bytes as they are (it keeps them, to reread only what changed). A
    one-off build lets them all go first, then reads each file again as it parses it (read_unchanged):
    at 100,000 articles the bytes, freed one by one as they were parsed, stayed resident beside the
    documents, the build process's peak (2.3 GB). Its documents come without their bodies, which the
    model's workers read again (read_body): held here, they were 1.2 GB, which every worker counted."""
    hashes = {f"{CONTENT_LABEL}/{name}": sha256 for name, sha256 in content_hashes(content, cache).items()}
    keep_bodies = cache.long_lived
    names = list(content)
    if not keep_bodies:
        cache.forget("content hashes")
        content.clear()
        give_back_free_memory()
    # The documents of this process' last build (the dev server's), by file and sha256, with their
    # table keys: taken as they are, where reading them back from the table costs tens of ms.
    last, now = cache.keep("documents", "", dict), {}

    def parse(data: bytes, path: str) -> Document:
        """The document of one content file (noted as used in the table)."""
        seen = (path, hashes[path])
        key, document = last.get(seen) or (DOCUMENTS.key(*seen), None)
        if document is None:
            kept = DOCUMENTS.read(cache, key)
            if kept is MISSING:
                document = parse_file(data, path)
                DOCUMENTS.put_pickled(cache, key, bodiless(document))
            else:
                document = with_body(kept, data)
        DOCUMENTS.keep(cache, key)
        if keep_bodies:
            now[seen] = key, document
            return document
        return replace(document, body="")

    files = ((name, content.pop(name) if keep_bodies else
              read_unchanged(folder, name, hashes[f"{CONTENT_LABEL}/{name}"])) for name in names)
    documents = load_documents(files, parse=parse)
    last.clear()
    if keep_bodies:  # a one-off build would only pin every body until it exits
        last.update(now)  # this build's only: the memory of a long session does not grow with its edits
    else:  # no later step reads the table: saved now, it leaves every process forked later
        DOCUMENTS.save_apart(cache)  # (100,000 articles: 160 MB of entries)
    return documents


def read_unchanged(folder: Path, name: str, sha256: str) -> bytes:
    """A content file's bytes read again; an error when they are not those hashed before (its
    cache entries would be made of one text and keyed by another)."""
    try:
        data = read_bytes(folder / name)
    except OSError:  # gone
        data = None
    if data is None or hashlib.sha256(data).hexdigest() != sha256:
        raise DiglotError(Problem(f"{CONTENT_LABEL}/{name}", "changed while the site was being built", "build again"))
    return data


def bodiless(document: Document) -> bytes:
    """A document as the documents table keeps it, pickled: its fields but the body, and the body's
    length. The body ends the file, whose bytes are at hand, so keeping it too would make the table
    a second content/; and kept as bytes, not objects, the table holds 0.7 KB a document, not its
    front matter's every key and value (10,000 articles: 35 MB until the cache is saved)."""
    fields = (document.path, document.slug, document.lang, document.meta, document.body_line,
              document.key_lines, document.sha256)
    return pickled((fields, len(document.body)))


def with_body(kept: tuple, data: bytes) -> Document:
    """The document bodiless() kept (unpickled), with its body taken back from the end of its file's bytes."""
    (path, slug, lang, meta, body_line, key_lines, sha256), length = kept
    text = data.decode("utf-8")
    return Document(path, slug, lang, meta, text[len(text) - length:], body_line, key_lines, sha256)


def read_body(content: Path, document: Document) -> Document:
    """The document with its body read again from its file in content (read_unchanged: its
    article is cached under the text it was parsed from)."""
    text = read_unchanged(content, document.path.split("/", 1)[1], document.sha256).decode("utf-8")
    return replace(document, body=split_front_matter(text, document.path)[1])


def model_step(config: Config, documents: list[Document], report: Report, cache: BuildCache, content: Path) -> Site:
    """The site model. Each article (rendered bodies, alignment, and the warnings making it raised)
    is remembered by the content files it is made of; the ones not in the cache are made on every
    core (by a one-off build from the files in content: load_step let their bodies go)."""
    calls = {ARTICLES.key(key, docs): (key, docs) for key, docs in sorted(group_documents(documents, config).items())}
    del documents
    ARTICLES.fill(cache, made_article if cache.long_lived else partial(made_article, content=content),
                  calls, FORK_MIN_ITEMS)
    # The documents go now, unless the caller keeps them (it may hand them over), and the memory
    # goes back to the system at once: their bodies (1.3 GB at 100,000 articles), still resident
    # beside the articles about to be unpickled, made the model step's high-water mark (10,000
    # articles: 338 MiB, 309 with this).
    calls = list(calls)
    give_back_free_memory()
    # A one-off build keeps the articles' bodies on disk (a dev server keeps its articles from
    # build to build, in memory): every process forked from this one would count them.
    spill = None if cache.long_lived else Spill(cache.directory)
    articles = []
    for key in calls:
        article, warnings = ARTICLES.get(cache, key)
        report.warnings.extend(warnings)
        if spill:
            for version in article.versions.values():
                version.blocks.keep_in(spill.put)
        articles.append(article)
    return assemble_site(articles)


def made_article(key: str, docs: dict[str, Document], content: Path | None = None) -> tuple[Article, list]:
    """An article, and the warnings making it raised (replayed whenever it comes from the cache);
    content: the folder to read the documents' bodies from, when they come without."""
    if content is not None:
        docs = {lang: read_body(content, doc) for lang, doc in docs.items()}
    found = Report()
    return packed_article(make_article(key, docs, found)), found.warnings


def packed_article(article: Article) -> Article:
    """The article with its sentences' marks and beads packed (build/packed.py): the site model
    holds every article, and only its own pages (and the review page) read these."""
    return replace(article, sentences={lang: Packed(marks) for lang, marks in article.sentences.items()},
                   sentence_beads=Packed(article.sentence_beads))


def pages_step(site: Site, config: Config, layouts: Path, cache: BuildCache, holds: Callable[[str, str], bool],
               place: Path | None = None) -> tuple[dict[str, Known | Placed], int]:
    """Render every planned page but those whose inputs, layouts and config did not change and
    whose last bytes (by sha256) the output still holds; returns the pages and how many were rendered.

    place: a fresh output tree, into which each page is written by the worker that rendered it
    (so writing takes both cores too, and no page's bytes travel back). The pages table keeps
    page digests, not bytes: the output trees hold the bytes already."""
    salt, env = page_environment(config, layouts, cache)
    jobs = plan_pages(site, config)
    # The dev server hashes again only the pages whose inputs changed (all of them: 0.1 s a build).
    keys = cache.remember("page keys", jobs, lambda job: (salt, job.template, job.page, job.inputs),
                          lambda job: PAGES.key(salt, job))
    if not cache.long_lived:  # a one-off build would pin every page's identity until it exits
        cache.forget("page keys")
    files: dict[str, Known | Placed] = {}
    missing = []
    for key, job in zip(keys, jobs):
        known = PAGES.get(cache, key)
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
    render = bodies_let_go(lambda job: render_page(env, job))
    rendered = map_forked(lambda item: made_file(place, item[1].page.path, render(item[1])), missing,
                          FORK_MIN_PAGES)
    for (key, job), page in zip(missing, rendered):
        files[job.page.path] = page
        PAGES.put(cache, key, page.digest)
    return {job.page.path: files[job.page.path] for job in jobs}, len(missing)


def page_environment(config: Config, layouts: Path, cache: BuildCache) -> tuple[str, Environment]:
    """Return the salt every page's key starts from (layouts and config) and the Jinja2 environment.

    One environment while they stay the same: its compiled templates and shared partials serve
    every build of the dev server, and its previews."""
    salt = digest(tree_digest(layouts), repr(config))
    compiled = cache.directory / "templates" if cache.directory else None
    env = cache.keep("environment", digest(salt, layouts.resolve()),
                     lambda: make_environment(layouts, config, kept_templates(compiled, cache.version)))
    return salt, env


def bodies_let_go(render: Callable[[PageJob], bytes]) -> Callable[[PageJob], bytes]:
    """render, letting an article's unpickled bodies go once the pages after its own are another
    article's (pages_step puts an article's pages side by side): a page worker then holds a few
    bodies, not those of every article it rendered (10,000 articles: 100 MB a worker)."""
    last: list[Article] = []

    def run(job: PageJob) -> bytes:
        """Render one page, first letting go of the previous article's bodies if it is done."""
        article = job.context.get("article")
        if last and last[0] is not article:
            for version in last.pop().versions.values():
                version.blocks.forget()
        if article is not None and not last:
            last.append(article)
        return render(job)

    return run


@contextmanager
def searching(site: Site, config: Config, cache: BuildCache, place: Path | None = None):
    """Make every language's search files on forked workers while the block runs (the pages are
    planned meanwhile; their workers start as these end); yields the function that waits
    for them and returns them (given what the output trees hold: see finish).

    A language is reassembled only when its documents changed, from terms cached per document,
    so an edit re-reads one document, not all of them. place: as pages_step's (the workers
    write the files there, and no index travels back); the table keeps the files' digests."""
    indexed = {lang: indexed_articles(site, lang) for lang in config.languages}
    term_keys = {lang: [SEARCH_TERMS.key(article.versions[lang]) for article in articles]
                 for lang, articles in indexed.items()}
    if cache.long_lived:  # the dev server's tables stay in memory: it marks what it still uses
        for lang, keys in term_keys.items():  # even a language not reassembled
            memo = SEARCH_TERMS.of(lang)
            for key in keys:
                memo.keep(cache, key)
    keys = {lang: SEARCH_FILES.key(lang, term_keys[lang]) for lang in indexed}
    missing = [lang for lang in indexed if SEARCH_FILES.get(cache, keys[lang]) is MISSING]

    def assemble(lang: str) -> tuple[dict[str, bytes], dict[str, Known | Placed]]:
        """One language's files, and the terms of its documents that were not cached (pickled) for
        the dev server's table; a one-off build's worker saves the language's table itself, once
        the files are made, keeping the new terms on disk until then (spill: at 100,000 articles
        they were 230 MB beside the postings)."""
        memo, made = SEARCH_TERMS.of(lang), {}
        for key in term_keys[lang]:
            memo.keep(cache, key)
        spill = None if cache.long_lived else Spill(cache.directory)

        def terms_in_order() -> Iterator[DocTerms]:
            """Each document's terms, read from the cache or made now (bodies joined, dates
            written), one at a time: none is held once its postings are gathered."""
            for number, (key, article) in enumerate(zip(term_keys[lang], indexed[lang])):
                if number % TRIM_EVERY == TRIM_EVERY - 1:  # what the documents before left freed
                    give_back_free_memory()
                terms = memo.read(cache, key)
                if terms is MISSING:
                    terms = document_terms(lang, search_doc(article, lang, number))
                    made[key] = spill.put(pickled(terms)) if spill else pickled(terms)
                yield terms

        refs = [format_ref(number) for number in range(len(indexed[lang]))]
        files = {path: made_file(place, path, data)
                 for path, data in sharded_files(lang, collect_search_terms(refs, terms_in_order()))}
        if spill:  # each read back only as it is written to the table's file
            for key in list(made):
                memo.put_pickled(cache, key, made.pop(key))
            memo.save_apart(cache)
        return made, files

    with start_forked(assemble, missing, min_items=1) as work:
        def finish(holds: Callable[[str, str], bool]) -> dict[str, Known | Placed]:
            """Wait for the workers; every language's files. A language not reassembled is
            assembled here after all if the output trees no longer hold its files (holds)."""
            made = {}
            for lang, (found, built) in zip(missing, work.results()):
                for key, blob in found.items():
                    SEARCH_TERMS.of(lang).put_pickled(cache, key, blob)
                SEARCH_FILES.put(cache, keys[lang], {path: file.digest for path, file in built.items()})
                made[lang] = built
            for lang in indexed.keys() - made.keys():
                digests = SEARCH_FILES.get(cache, keys[lang])
                made[lang] = {path: Known(digest) for path, digest in digests.items()} \
                    if all(holds(path, digest) for path, digest in digests.items()) else assemble(lang)[1]
            return {path: file for lang in indexed for path, file in made[lang].items()}

        yield finish


def check_search_script(assets: dict[str, bytes], layouts: Path, report: Report) -> None:
    """Warn when the layouts' search-shards.js reads another format of search files than this
    build writes (a project's own copy of the layouts, made before an upgrade): its search would fail."""
    script = assets.get("assets/search-shards.js")
    if script is None:
        return
    reads = script_format(script)
    if reads != SHARDED_FORMAT:
        report.warn(str(layouts / "assets" / "search-shards.js"),
                    f"reads search files of format {reads or 'unknown'}, and this diglot writes format "
                    f"{SHARDED_FORMAT}: the search box would fail",
                    "copy search-shards.js and search.js from diglot's own layouts/assets/ over these")


def indexed_articles(site: Site, lang: str) -> list[Article]:
    """The articles in one language's search index, in index order: every one with that version,
    oldest first. A document's ref is its position, so a new article (the newest) takes the next
    ref and no other moves: its terms' shards, the last metadata block and the manifest change,
    not every shard (newest first, one addition rewrote all 55 search files at 1,000 pairs)."""
    return [article for article in reversed(site.articles) if lang in article.versions]


def search_doc(article: Article, lang: str, number: int) -> SearchDoc:
    """The search document of an article's version in lang, the index's document number `number`."""
    version = article.versions[lang]
    body = " ".join(block.text for block in version.blocks)
    version.blocks.forget()  # a search worker reads every body once: it holds none of them
    date = format_date(version.date, lang) if version.date else ""
    return SearchDoc(ref=format_ref(number), url=version.url, title=version.title, date=date, body=body)
