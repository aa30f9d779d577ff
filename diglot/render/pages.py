"""Jinja2 over layouts/: plan every page, feed and sitemap of the site, then render each to bytes."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cached_property, partial
from pathlib import Path

import yaml
from jinja2 import Environment, FileSystemLoader, StrictUndefined, nodes, select_autoescape
from jinja2.bccache import Bucket, BytecodeCache
from jinja2.ext import Extension
from markupsafe import Markup, escape

from diglot.config import Config
from diglot.render.feeds import atom_time, feed_entries, feed_updated, sitemap_urls
from diglot.build.fileio import read_bytes, replace_bytes
from diglot.model.site import Article, Section, Site, Version
from diglot.model.text import format_date, iso_date
from diglot.model.typography import typeset


@dataclass(frozen=True)
class Page:
    """Where a page lives and how it links: its path, language and language versions."""

    path: str
    lang: str
    alternates: tuple[tuple[str, str], ...] = ()
    base: str | None = None  # set for pages served at any URL (404), where relative links break

    # Cached: templates read a page's root and URL a dozen times per page.
    @cached_property
    def url(self) -> str:
        """Site-relative URL (the path without index.html)."""
        return self.path[: -len("index.html")] if self.path.endswith("index.html") else self.path

    @cached_property
    def root(self) -> str:
        """Relative path from this page to the site root ('' at the top)."""
        return self.base if self.base is not None else "../" * self.path.count("/")


@dataclass(frozen=True)
class Place:
    """What a shared partial may know of the page it lands on: the language and the way to the root."""

    lang: str
    root: str


class SharedPartials(Extension):
    """`{% shared "partials/site-footer.html" %}`: like include, but the partial is rendered once per
    language and depth and reused, because it reads nothing else of the page (page.lang, page.root,
    the language's variables and the globals); anything else of `page` is an error there, not a
    silently stale value."""

    tags = {"shared"}

    def __init__(self, environment: Environment):
        super().__init__(environment)
        self.rendered: dict[tuple[str, str, str], Markup] = {}

    def parse(self, parser) -> nodes.Output:
        """The tag becomes an output of render_shared(name, context)."""
        lineno = next(parser.stream).lineno
        name = parser.parse_expression()
        call = self.call_method("render_shared", [name, nodes.ContextReference()], lineno=lineno)
        return nodes.Output([call], lineno=lineno)

    def render_shared(self, name: str, context) -> Markup:
        """The partial for this page's language and depth, rendered on first use."""
        page = context["page"]
        key = (name, page.lang, page.root)
        if key not in self.rendered:
            template = self.environment.get_template(name)
            place = Place(page.lang, page.root)
            self.rendered[key] = Markup(template.render(page=place, **language_variables(self.environment, page.lang)))
        return self.rendered[key]


def load_strings(layouts: Path, languages: tuple[str, ...]) -> dict[str, dict]:
    """Interface strings, one YAML file per language under layouts/strings/, typeset in that language."""
    def load(lang: str) -> dict:
        return yaml.safe_load((layouts / "strings" / f"{lang}.yaml").read_text(encoding="utf-8"))

    return {lang: typeset_strings(load(lang), lang) for lang in languages}


class Strings(dict):
    """A strings table whose keys are also attributes, so `t.feed` in a template is found at once
    (on a plain dict Jinja2 first tries, and fails, an attribute lookup, on every use)."""

    def __init__(self, items: dict):
        super().__init__(items)
        self.__dict__ = self


def typeset_strings(value, lang: str):
    """Every string of a strings file with its language's typography (French spaces before ':' and '?')."""
    if isinstance(value, dict):
        return Strings({key: typeset_strings(item, lang) for key, item in value.items()})
    return typeset(value, lang) if isinstance(value, str) else value


def make_environment(layouts: Path, config: Config, compiled: Path | None = None, stamp: str = "",
                     precompiled: Path | None = None) -> Environment:
    """A Jinja2 environment with autoescape on and diglot's filters.

    compiled: a folder where compiled templates are kept between builds (stamp: the code version,
    since a compiled template also holds what diglot's extensions made of it); precompiled: a
    folder of templates compiled ahead, read when compiled has none (see CompiledTemplates)."""
    # auto_reload off: layouts are part of the build's key, so an environment never outlives
    # them, and checking each template's file time on every include cost a third of the rendering.
    env = Environment(loader=FileSystemLoader(str(layouts)), autoescape=select_autoescape(["html", "xml"]),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
                      auto_reload=False, extensions=[SharedPartials],
                      bytecode_cache=CompiledTemplates(compiled, stamp, precompiled) if compiled or precompiled else None)
    # Pure filters remembered: a title, date or section is written several times per page and on
    # both views of both versions of an article.
    env.filters.update(typeset=memoize_typed(typeset), date=format_date, isodate=memoize_typed(iso_date),
                       atomtime=memoize_typed(atom_time))
    env.globals.update(config=config, strings=load_strings(layouts, config.languages),
                       absolute=config.absolute_url, segmented=segmented_body, side_by_side=side_by_side,
                       plain_body=plain_body,
                       section_label=memoize_typed(partial(section_label, config.sections)), section_url=section_url)
    return env


class CompiledTemplates(BytecodeCache):
    """Compiled templates kept in a folder between builds, each file checked by its sha256 (a
    damaged file costs a compile, never a wrong page), for one code version only.

    precompiled: a folder only read, when folder has no intact file: diglot's own layouts as
    `make setup` compiled them (compile_layouts), so that a project's first build need not (a
    tenth of a second). A template's file is named by its path, so no other layouts match there."""

    def __init__(self, folder: Path | None, stamp: str, precompiled: Path | None = None):
        self.folder, self.prefix, self.precompiled = folder, f"{stamp[:16]}-", precompiled
        if folder is None:
            return
        folder.mkdir(parents=True, exist_ok=True)
        for stale in folder.glob("*.jinja"):  # compiled by another version of diglot
            if not stale.name.startswith(self.prefix):
                stale.unlink(missing_ok=True)
        for temp in folder.glob(".*.jinja.*"):  # left by a killed build (builds hold the cache's lock)
            temp.unlink(missing_ok=True)

    def path(self, folder: Path, bucket: Bucket) -> Path:
        """The file of one template's compiled code in folder."""
        return folder / f"{self.prefix}{bucket.key}.jinja"

    def load_bytecode(self, bucket: Bucket) -> None:
        """Fill bucket from the first intact file for it: the folder's, else the precompiled one."""
        for folder in filter(None, (self.folder, self.precompiled)):
            try:
                data = read_bytes(self.path(folder, bucket))
            except OSError:
                continue
            if hashlib.sha256(data[32:]).digest() == data[:32]:
                bucket.bytecode_from_string(data[32:])
                return

    def dump_bytecode(self, bucket: Bucket) -> None:
        """Write bucket's code to its file (temp file, then rename: never a half-written file)."""
        if self.folder is None:
            return
        payload = bucket.bytecode_to_string()
        try:
            replace_bytes(self.path(self.folder, bucket), hashlib.sha256(payload).digest() + payload)
        except OSError:
            pass  # not kept: compiled again next time


def compile_layouts(layouts: Path, config: Config, folder: Path, stamp: str) -> list[str]:
    """Compile every template of layouts into folder; their names. (`make setup` compiles diglot's
    own for every project using them, as Python compiles its modules once.)"""
    env = make_environment(layouts, config, folder, stamp)
    names = env.list_templates(filter_func=lambda name: not name.startswith(("assets/", "strings/")))
    for name in names:
        env.get_template(name)
    return names


def memoize_typed(function):
    """function(value, *args) remembered by the value's type as well as its value, since a Markup
    and a str that compare equal are escaped differently (titles are typeset several times a page)."""
    memo = {}

    def remembered(value, *args):
        """The remembered result, computed on first use."""
        key = (type(value), value, *args)
        if key not in memo:
            memo[key] = function(value, *args)
        return memo[key]

    return remembered


def segmented_body(blocks, numbers) -> Markup:
    """Blocks as HTML with data-seg="N" on each, and id="sN" on the first block of a segment."""
    out, seen = [], set()
    for block, n in zip(blocks, numbers):
        attrs = f' data-seg="{n}"' + ("" if n in seen else f' id="s{n}"')
        seen.add(n)
        cut = len(block.tag) + 1
        out.append(block.html[:cut] + attrs + block.html[cut:])
    return Markup("\n".join(out))


def side_by_side(rows, mine: str, theirs: str) -> Markup:
    """The rows of the side-by-side view as HTML, one pair of halves per segment (data-seg and id
    keep the reader's place). Written here rather than looped over in the layout: the loop's six
    escapes a row were a fifth of all rendering."""
    mine, theirs = escape(mine), escape(theirs)
    return Markup("\n".join(
        f'    <div class="pair" data-seg="{row.number}" id="s{row.number}">\n'
        f'      <div class="half mine" lang="{mine}">{row.mine}</div>\n'
        f'      <div class="half theirs" lang="{theirs}">{row.theirs}</div>\n'
        '    </div>' for row in rows))


def plain_body(blocks) -> str:
    """The body's HTML as a plain string, so an XML template escapes it (Atom type="html")."""
    return "\n".join(block.html for block in blocks)


@dataclass(frozen=True)
class Row:
    """One line of the side-by-side view: segment N's blocks in the reader's and the other language."""

    number: int
    mine: Markup
    theirs: Markup


class Deferred:
    """A list a template reads, computed when the page is rendered rather than when it is planned
    (every build plans every page; most come from the cache): side-by-side rows, sitemap URLs."""

    def __init__(self, function, *args):
        self.function, self.args, self.items = function, args, None

    def computed(self) -> list:
        """The list, computed on first use."""
        if self.items is None:
            self.items = self.function(*self.args)
        return self.items

    def forget(self) -> None:
        """Drop the computed list (computed again if read again)."""
        self.items = None

    def __iter__(self):
        """Iterate over the computed list."""
        return iter(self.computed())

    def __len__(self) -> int:
        """Length of the computed list."""
        return len(self.computed())

    def __getitem__(self, index):
        """An item (or slice) of the computed list."""
        return self.computed()[index]


# The side-by-side view of an article: a file beside its index.html, where a folder of its own
# (…/parallel/index.html) made a build create twice the folders, each costly on ext4 (a cold
# build of 1,000 pairs took 6–9 % longer).
PARALLEL_VIEW = "parallel.html"


def parallel_rows(article: Article, lang: str, other: str) -> list[Row]:
    """Pair the blocks of two languages by segment number, in reading order."""
    def grouped(code: str) -> dict[int, list[str]]:
        groups: dict[int, list[str]] = {}
        for block, n in zip(article.versions[code].blocks, article.segments[code]):
            groups.setdefault(n, []).append(block.html)
        return groups

    mine, theirs = grouped(lang), grouped(other)
    return [Row(n, Markup("\n".join(mine.get(n, ()))), Markup("\n".join(theirs.get(n, ()))))
            for n in sorted(set(mine) | set(theirs))]


def section_key(name: str) -> str:
    """A section name compared loosely: case, no-break spaces and runs of spaces do not matter."""
    return " ".join(name.replace("\u00a0", " ").split()).casefold()


def section_label(sections: dict, name: str, lang: str) -> str:
    """The section's name in lang when site.yaml translates it, else as the seeds write it."""
    names = next((v for k, v in sections.items() if section_key(str(k)) == section_key(name)), None)
    return str(names.get(lang) or name) if isinstance(names, dict) else name


def section_url(section: Section, lang: str) -> str:
    """Site-relative URL of a section's listing."""
    return f"{lang}/section/{section.slug}/"


def article_pages(article: Article, view: str = "") -> dict[str, Page]:
    """The page of each language version, in the versions' order (view PARALLEL_VIEW for the
    side-by-side views), each listing them all as alternates."""
    alternates = tuple((lang, article.versions[lang].url + view) for lang in sorted(article.versions))
    return {lang: Page(version.url + (view or "index.html"), lang, alternates)
            for lang, version in article.versions.items()}


def language_pages(path: str, config: Config) -> dict[str, Page]:
    """The same page in every language (listings, sections): lang → Page."""
    alternates = tuple((lang, f"{lang}/{path}") for lang in config.languages)
    return {lang: Page(f"{lang}/{path}index.html", lang, alternates) for lang in config.languages}


@dataclass(frozen=True)
class PageJob:
    """One page to render: its template, where it goes, its context, and what it shows.

    `inputs` names everything the page depends on besides layouts and config (the fingerprints
    of the articles it shows in full, the summaries of those it lists), so a build cache can
    skip unchanged pages.
    """

    template: str
    page: Page
    context: dict
    inputs: tuple[str, ...]


def plan_pages(site: Site, config: Config) -> list[PageJob]:
    """Every page of the site, in a stable order; nothing is rendered here."""
    jobs = article_jobs(site) + parallel_jobs(site) + listing_jobs(site, config) + feed_jobs(site, config)
    home = Page("index.html", config.default_language, tuple((lang, f"{lang}/") for lang in config.languages))
    # Keyed by every article's summary, not just the newest five it shows: cheap for one page,
    # and still right when a site owner's home.html lists more.
    listed = tuple(summary for lang in config.languages for summary in summaries(site.articles, lang))
    jobs.append(PageJob("home.html", home, {"site": site}, listed))
    jobs.append(PageJob("404.html", Page("404.html", config.default_language, base=config.base_path), {"site": site}, ()))
    return jobs + site_index_jobs(jobs, config)


def summaries(articles, lang: str) -> tuple[str, ...]:
    """The inputs of a page that lists articles in lang: what it may show of each (title, date,
    URL, section, description…), not their bodies."""
    return tuple(article.version(lang).summary_fingerprint for article in articles)


def sections_menu(site: Site) -> tuple[str, ...]:
    """The inputs of the sections menu: every section's name and slug."""
    return tuple(f"{section.name}\n{section.slug}" for section in site.sections)


def article_jobs(site: Site) -> list[PageJob]:
    """One page per language version of every article, linking its section."""
    section_of = sections_by_article(site)
    return [PageJob("article.html", page,
                    {"article": article, "version": article.versions[lang], "section": section_of.get(article.key)},
                    (article.fingerprint,))
            for article in site.articles for lang, page in article_pages(article).items()]


def sections_by_article(site: Site) -> dict[str, Section]:
    """Each article's section, by article key."""
    return {article.key: section for section in site.sections for article in section.articles}


def parallel_jobs(site: Site) -> list[PageJob]:
    """A side-by-side view per language of every translated article, the reader's language first."""
    jobs, section_of = [], sections_by_article(site)
    for article in site.articles:
        if len(article.versions) < 2:
            continue  # nothing to show beside it
        for lang, page in article_pages(article, PARALLEL_VIEW).items():
            version, other = article.versions[lang], article.other(lang)
            context = {"article": article, "version": version, "other": other,
                       "section": section_of.get(article.key),
                       "rows": Deferred(parallel_rows, article, lang, other.lang)}
            jobs.append(PageJob("parallel.html", page, context, (article.fingerprint,)))
    return jobs


def listing_jobs(site: Site, config: Config) -> list[PageJob]:
    """The latest-articles listing and every section's listing, in every language."""
    common, menu = {"sections": site.sections}, sections_menu(site)
    jobs = [PageJob("listing.html", page, {**common, "articles": site.articles, "section": None},
                    menu + summaries(site.articles, lang))
            for lang, page in language_pages("", config).items()]
    for section in site.sections:
        for lang, page in language_pages(f"section/{section.slug}/", config).items():
            jobs.append(PageJob("listing.html", page, {**common, "articles": section.articles, "section": section},
                                menu + summaries(section.articles, lang)))
    return jobs


def feed_jobs(site: Site, config: Config) -> list[PageJob]:
    """An Atom feed per language of the newest articles, full content, newest first."""
    jobs = []
    for lang in config.languages:
        entries = feed_entries(site, lang)
        context = {"entries": entries, "updated": feed_updated(entries)}
        # An entry shows its version's content and its URL, which the content's fingerprint leaves out.
        shown = tuple(part for entry in entries for part in (entry.article.fingerprint, entry.version.url))
        jobs.append(PageJob("feed.xml", Page(f"{lang}/feed.xml", lang), context, shown))
    return jobs


def site_index_jobs(jobs: list[PageJob], config: Config) -> list[PageJob]:
    """sitemap.xml listing every HTML page with its hreflang alternates, and robots.txt pointing at it."""
    pages = [job.page for job in jobs if job.template.endswith(".html") and job.template != "404.html"]
    lang = config.default_language
    # The sitemap shows URLs only: an edit to an article's text leaves it as it is.
    shown = tuple(repr((page.url, page.alternates)) for page in pages)
    sitemap = PageJob("sitemap.xml", Page("sitemap.xml", lang), {"urls": Deferred(sitemap_urls, pages, lang)}, shown)
    return [sitemap,
            PageJob("robots.txt", Page("robots.txt", lang), {}, ())]


def render_page(env: Environment, job: PageJob) -> bytes:
    """Render one planned page to bytes."""
    variables = language_variables(env, job.page.lang)
    try:
        return env.get_template(job.template).render(page=job.page, **variables, **job.context).encode("utf-8")
    finally:
        for value in job.context.values():
            if isinstance(value, Deferred):
                value.forget()  # each page has its own: freed once it is rendered (the rows are 30 MB in all)


def language_variables(env: Environment, lang: str) -> dict:
    """What every template sees for a page in lang: its interface strings `t` and the typeset `site_title`."""
    title = env.globals["config"].title[lang]
    return {"t": env.globals["strings"][lang], "site_title": env.filters["typeset"](title, lang)}
