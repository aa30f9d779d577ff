"""The build, top to bottom: import seeds, load content, model, render, index, write.

Every costly step goes through the build cache (diglot/cache.py), keyed by what it reads,
so a rebuild redoes only what an edit touched.
"""
from __future__ import annotations

import multiprocessing
import os
import re
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

from .align import align_paragraphs
from .cache import MISSING, BuildCache, Table, digest, tree_digest
from .config import Config, load_config
from .content import Document, apply_import, load_documents, plan_import, read_existing
from .errors import DiglotError, Problem, Report
from .output import write_site
from .pairing import pair_drafts
from .progress import Progress
from .render import make_environment, plan_pages, render_page
from .search import SearchDoc, build_search_files
from .seeds import SeedError, read_seed
from .site import Site, build_site
from .text import format_date, render_blocks

REPO = Path(__file__).resolve().parent.parent
LUNR_FILES = {
    "assets/lunr/lunr.min.js": "lunr/lunr.min.js",
    "assets/lunr/lunr.stemmer.support.js": "lunr-languages/min/lunr.stemmer.support.min.js",
    "assets/lunr/lunr.fr.js": "lunr-languages/min/lunr.fr.min.js",
}


@dataclass(frozen=True)
class Options:
    """Where things are and how to build; paths default to the project folder's."""

    project: Path = Path(".")
    config: Path | None = None
    seeds: Path | None = None
    content: Path | None = None
    layouts: Path | None = None
    output: Path | None = None
    base_url: str | None = None
    strict: bool = False
    import_seeds: bool = True
    write: bool = True
    cache: Path | None = None
    use_cache: bool = True

    def resolved(self) -> "Options":
        """Fill unset paths from the project folder (layouts fall back to diglot's own)."""
        p = self.project
        layouts = self.layouts or (p / "layouts" if (p / "layouts").is_dir() else REPO / "layouts")
        return replace(self, config=self.config or p / "site.yaml", seeds=self.seeds or p / "seeds",
                       content=self.content or p / "content", layouts=layouts, output=self.output or p / "site",
                       cache=self.cache or p / ".cache")


@dataclass
class Summary:
    """What a build did, for the one-line summary and the tests."""

    articles: int = 0
    pages: int = 0
    files: int = 0
    languages: tuple[str, ...] = ()
    decisions: tuple[str, ...] = ()
    report: Report = field(default_factory=Report)
    seconds: float = 0.0
    rendered: int = 0  # pages rendered this time; the others came from the cache


SEED_LINE = re.compile(r"^seed(?:_sha256)?: .*$", re.M)


def import_signature(seeds: Path, existing: dict[str, str]) -> str:
    """What an import's outcome depends on: the seeds' names, sizes and times, and each content
    file's name and seed lines (hand edits elsewhere in a file change nothing the import does)."""
    stats = [(p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in sorted(seeds.iterdir())] \
        if seeds.is_dir() else []
    lines = [(name, SEED_LINE.findall(text[:4000])) for name, text in sorted(existing.items())]
    return digest(stats, lines)


def import_step(options: Options, report: Report, table: Table) -> tuple[str, ...]:
    """Import seeds into content/, or replay the last import's outcome when nothing it reads changed."""
    existing = read_existing(options.content)
    replay = table.get(import_signature(options.seeds, existing))
    if replay is MISSING:
        replay, written = run_import(options, existing)
        report.notes.extend(written.notes)  # "imported …" is news once, not on every replay
        table.put(import_signature(options.seeds, read_existing(options.content)), replay)
    decisions, found = replay
    report.warnings.extend(found.warnings)
    report.notes.extend(found.notes)
    return decisions


def run_import(options: Options, existing: dict[str, str]) -> tuple[tuple[tuple[str, ...], Report], Report]:
    """Read every seed, pair them, write content files that are new or stale.

    Returns (pairing decisions, what a replay repeats) and the notes of files written."""
    found, written = Report(), Report()
    drafts = []
    for path in sorted(options.seeds.iterdir()) if options.seeds.is_dir() else ():
        if path.name.startswith(".") or not path.is_file():
            continue
        try:
            draft = read_seed(path)
        except SeedError as exc:
            found.warn(f"seeds/{path.name}", exc.reason)
            continue
        drafts.append(draft)
        for note in draft.notes:
            found.note(f"seeds/{path.name}: {note}")
    pairing = pair_drafts(drafts)
    apply_import(plan_import(pairing, existing), options.content, existing, written)
    found.warnings.extend(written.warnings)
    written.warnings = []
    return (tuple(pairing.decisions), found), written


def model_step(config: Config, documents: list[Document], report: Report, cache: BuildCache) -> Site:
    """The site model, with Markdown rendering and paragraph alignment memoized by their inputs."""
    render = cache.table("blocks").memoize(render_blocks, lambda markdown, lang: digest(lang, markdown))
    align = cache.table("alignments").memoize(
        align_paragraphs, lambda left, right: digest(len(left), *left, *right))
    return build_site(config, documents, report, render=render, align=align)


def pages_step(site: Site, config: Config, layouts: Path, table: Table) -> tuple[dict[str, bytes], int]:
    """Render every planned page, reusing the bytes of pages whose inputs, layouts and config did
    not change; returns the pages and how many were rendered."""
    env = make_environment(layouts, config)
    salt = digest(tree_digest(layouts), repr(config))
    pages, rendered = {}, 0
    for job in plan_pages(site, config):
        key = digest(salt, job.template, repr(job.page), *job.inputs)
        data = table.get(key)
        if data is MISSING:
            data, rendered = table.put(key, render_page(env, job)), rendered + 1
        pages[job.page.path] = data
    return pages, rendered


def search_step(site: Site, config: Config, table: Table) -> dict[str, bytes]:
    """Every language's search files, rebuilt only for a language whose documents changed."""
    wanted = {lang: search_docs(site, lang) for lang in config.languages}
    keys = {lang: digest(lang, repr(docs)) for lang, docs in wanted.items()}
    missing = [lang for lang in wanted if table.get(keys[lang]) is MISSING]
    for lang, built in zip(missing, map_on_cores(build_search_files, missing, [wanted[l] for l in missing])):
        table.put(keys[lang], built)
    return {path: data for lang in wanted for path, data in table.get(keys[lang]).items()}


def map_on_cores(function, *iterables) -> list:
    """map(function, …) on forked worker processes when there is more than one item and core."""
    items = list(zip(*iterables))
    if len(items) < 2 or (os.cpu_count() or 1) < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return [function(*item) for item in items]
    workers = min(len(items), os.cpu_count() or 1)
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
        return list(pool.map(function, *zip(*items)))


def search_docs(site: Site, lang: str) -> list[SearchDoc]:
    """The documents of one language's search index: every article that has that version."""
    docs = []
    for article in site.articles:
        version = article.versions.get(lang)
        if version:
            body = " ".join(block.text for block in version.blocks)
            date = format_date(version.date, lang) if version.date else ""
            docs.append(SearchDoc(ref="", url=version.url, title=version.title, date=date, body=body))
    return [replace(doc, ref=format(i, "x")) for i, doc in enumerate(docs)]


def collect_assets(layouts: Path) -> dict[str, bytes]:
    """Static files: layouts/assets/* and the browser search libraries from node_modules."""
    files = {f"assets/{p.relative_to(layouts / 'assets').as_posix()}": p.read_bytes()
             for p in sorted((layouts / "assets").rglob("*")) if p.is_file()}
    for target, source in LUNR_FILES.items():
        path = REPO / "node_modules" / source
        if not path.exists():
            raise DiglotError(Problem(str(path), "is missing", "run 'make site' (it runs npm ci)"))
        files[target] = path.read_bytes()
    return files


def open_cache(options: Options) -> BuildCache:
    """The project's build cache (.cache/), or an in-memory one when caching is off."""
    return BuildCache(options.cache if options.use_cache else None)


def build(options: Options, cache: BuildCache | None = None, progress: Progress | None = None) -> Summary:
    """Run the whole build; nothing is written to the output until everything has succeeded.

    cache: the dev server passes the same one to every build (warm, in memory).
    progress: a bar for the terminal (none by default)."""
    started = time.perf_counter()
    options = options.resolved()
    cache = cache or open_cache(options)
    progress = progress or Progress(enabled=False)
    cache.begin()
    config: Config = load_config(options.config, {"base_url": options.base_url})
    summary = Summary(languages=config.languages)
    try:
        if options.import_seeds:
            progress.stage("import")
            summary.decisions = import_step(options, summary.report, cache.table("import"))
        progress.stage("load")
        documents = load_documents(options.content)
        progress.stage("model")
        site = model_step(config, documents, summary.report, cache)
        progress.stage("pages")
        files, summary.rendered = pages_step(site, config, options.layouts, cache.table("pages"))
        summary.pages = len(files)
        progress.stage("search")
        files.update(search_step(site, config, cache.table("search")))
        files.update(collect_assets(options.layouts))
        if options.strict and summary.report.warnings:
            raise DiglotError(*summary.report.warnings)
        progress.stage("write")
        if options.write:
            write_site(files, options.output)
        cache.commit()
    finally:
        progress.close()
    summary.articles, summary.files = len(site.articles), len(files)
    summary.seconds = time.perf_counter() - started
    return summary
