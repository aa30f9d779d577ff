"""The build, top to bottom: import seeds, load content, model, render, index, write."""
from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from pathlib import Path

from .config import Config, load_config
from .content import apply_import, load_documents, plan_import, read_existing
from .errors import DiglotError, Problem, Report
from .output import write_site
from .pairing import pair_drafts
from .render import make_environment, render_site
from .search import SearchDoc, build_search_files
from .seeds import SeedError, read_seed
from .site import Site, build_site
from .text import format_date

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

    def resolved(self) -> "Options":
        """Fill unset paths from the project folder (layouts fall back to diglot's own)."""
        p = self.project
        layouts = self.layouts or (p / "layouts" if (p / "layouts").is_dir() else REPO / "layouts")
        return replace(self, config=self.config or p / "site.yaml", seeds=self.seeds or p / "seeds",
                       content=self.content or p / "content", layouts=layouts, output=self.output or p / "site")


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


def import_step(options: Options, report: Report) -> tuple[str, ...]:
    """Read every seed, pair them, write content files that are new or stale; return pairing decisions."""
    drafts = []
    for path in sorted(options.seeds.iterdir()) if options.seeds.is_dir() else ():
        if path.name.startswith(".") or not path.is_file():
            continue
        try:
            draft = read_seed(path)
        except SeedError as exc:
            report.warn(f"seeds/{path.name}", exc.reason)
            continue
        drafts.append(draft)
        for note in draft.notes:
            report.note(f"seeds/{path.name}: {note}")
    pairing = pair_drafts(drafts)
    existing = read_existing(options.content)
    apply_import(plan_import(pairing, existing), options.content, existing, report)
    return tuple(pairing.decisions)


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


def build(options: Options) -> Summary:
    """Run the whole build; nothing is written to the output until everything has succeeded."""
    started = time.perf_counter()
    options = options.resolved()
    config: Config = load_config(options.config, {"base_url": options.base_url})
    summary = Summary(languages=config.languages)
    if options.import_seeds:
        summary.decisions = import_step(options, summary.report)
    documents = load_documents(options.content)
    site = build_site(config, documents, summary.report)
    files = render_site(site, config, make_environment(options.layouts, config))
    summary.pages = len(files)
    for lang in config.languages:
        files.update(build_search_files(lang, search_docs(site, lang)))
    files.update(collect_assets(options.layouts))
    if options.strict and summary.report.warnings:
        raise DiglotError(*summary.report.warnings)
    if options.write:
        write_site(files, options.output)
    summary.articles, summary.files = len(site.articles), len(files)
    summary.seconds = time.perf_counter() - started
    return summary
