"""Jinja2 over layouts/: plan every page, feed and sitemap of the site, then render each to bytes."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cached_property
from itertools import zip_longest

from jinja2 import Environment
from markupsafe import Markup

from diglot.config import Config
from diglot.model.site import Article, Section, Site
from diglot.render.environment import language_variables, marked_html
from diglot.render.feeds import feed_entries, feed_updated, sitemap_urls
from diglot.render.pagination import chunked, older_parts, paginate

# The sitemap protocol's limit per file; 50,000 URLs with their alternates stay far below its 50 MB.
SITEMAP_URLS = 50_000

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
        marks = tuple(article.sentences.get(code, ()))  # unpacked once (build/packed.py)
        for block, n, sentences in zip_longest(article.versions[code].blocks, article.segments[code], marks,
                                              fillvalue=()):
            groups.setdefault(n, []).append(marked_html(block, sentences))
        return groups

    mine, theirs = grouped(lang), grouped(other)
    return [Row(n, Markup("\n".join(mine.get(n, ()))), Markup("\n".join(theirs.get(n, ()))))
            for n in sorted(set(mine) | set(theirs))]


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


@dataclass(frozen=True, slots=True)  # the build plans every page: 381,830 at 100,000 articles
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
    jobs = (article_jobs(site) + parallel_jobs(site) + listing_jobs(site, config) + archive_jobs(site, config)
            + feed_jobs(site, config))
    home = Page("index.html", config.default_language, tuple((lang, f"{lang}/") for lang in config.languages))
    # Keyed by every article's summary, not just the newest five it shows: cheap for one page,
    # and still right when a site owner's home.html lists more.
    listed = tuple(summary for lang in config.languages for summary in summaries(site.articles, lang))
    jobs.append(PageJob("home.html", home, {"site": site}, listed))
    jobs.append(PageJob("404.html", Page("404.html", config.default_language, base=config.base_path), {"site": site}, ()))
    return jobs + site_index_jobs(jobs, site, config)


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
    return [job for article in site.articles for job in version_jobs(article, section_of.get(article.key))]


def version_jobs(article: Article, section: Section | None) -> list[PageJob]:
    """Plan the page of each language version of one article."""
    return [PageJob("article.html", page,
                    {"article": article, "version": article.versions[lang], "section": section},
                    (article.fingerprint,))
            for lang, page in article_pages(article).items()]


def sections_by_article(site: Site) -> dict[str, Section]:
    """Each article's section, by article key."""
    return {article.key: section for section in site.sections for article in section.articles}


def parallel_jobs(site: Site) -> list[PageJob]:
    """A side-by-side view per language of every translated article, the reader's language first."""
    section_of = sections_by_article(site)
    return [job for article in site.articles for job in side_by_side_jobs(article, section_of.get(article.key))]


def side_by_side_jobs(article: Article, section: Section | None) -> list[PageJob]:
    """Plan the side-by-side view of one article in each language (none with a single version)."""
    if len(article.versions) < 2:
        return []  # nothing to show beside it
    jobs = []
    for lang, page in article_pages(article, PARALLEL_VIEW).items():
        version, other = article.versions[lang], article.other(lang)
        context = {"article": article, "version": version, "other": other, "section": section,
                   "rows": Deferred(parallel_rows, article, lang, other.lang)}
        jobs.append(PageJob("parallel.html", page, context, (article.fingerprint,)))
    return jobs


def listing_jobs(site: Site, config: Config) -> list[PageJob]:
    """Every language's listing of the latest articles and every section's, in pages
    (render/pagination.py). Only a listing's top page links the sections (and, for a language's
    listing, the month archives): the numbered pages then stay as they are when those change."""
    menu = {"sections": site.sections}, sections_menu(site)
    archive = archive_links(archive_months(site), undated_articles(site), config.page_size)
    common = {"sections": (), "section": None, "months": (), "undated": 0, "parts": {}}
    jobs = []
    for lang in config.languages:
        jobs += paged_jobs("listing.html", site.articles, f"{lang}/", lang, config, common, (),
                           top=({**menu[0], **archive}, menu[1] + (repr(archive),)))
        for section in site.sections:
            jobs += paged_jobs("listing.html", section.articles, f"{lang}/section/{section.slug}/", lang, config,
                               {**common, "section": section}, (section.name,), top=menu)
    return jobs


def paged_jobs(template: str, articles, base: str, lang: str, config: Config, context: dict,
               inputs: tuple[str, ...], top: tuple[dict, tuple[str, ...]] = ({}, ()),
               link_all: bool = False) -> list[PageJob]:
    """A job per page of one listing in lang: its articles, its navigation, and what keys it (the
    articles' summaries, the navigation, inputs); top: what only the top page shows besides (the
    months' counts change with every new article: the numbered pages do not show them)."""
    jobs = []
    for listing in paginate(articles, config.page_size, base, link_all):
        alternates = tuple((other, other + listing.path[len(lang):]) for other in config.languages)
        page = Page(f"{listing.path}index.html", lang, alternates)
        extra_context, extra_inputs = top if listing.number is None and listing.part is None else ({}, ())
        jobs.append(PageJob(template, page, {**context, **extra_context, "articles": listing.items,
                                             "listing": listing},
                            inputs + extra_inputs + (listing.nav_key,) + summaries(listing.items, lang)))
    return jobs


def archive_months(site: Site) -> list[tuple[tuple[int, int], tuple]]:
    """The site's dated articles by (year, month), newest month first, each month newest first."""
    months: dict[tuple[int, int], list] = {}
    for article in site.articles:
        if article.date:
            months.setdefault((article.date.year, article.date.month), []).append(article)
    return [(key, tuple(months[key])) for key in sorted(months, reverse=True)]


def undated_articles(site: Site) -> tuple:
    """The articles with no date, newest first (as the site lists them)."""
    return tuple(article for article in site.articles if not article.date)


def archive_links(months: list[tuple[tuple[int, int], tuple]], undated: tuple, page_size: int) -> dict:
    """What the archive index and a language's home page link, given archive_months and
    undated_articles: every month with its count, the undated articles' count, and the older
    parts of the long ones (by "YYYY-MM" or "undated")."""
    counts = tuple((year, month, len(items)) for (year, month), items in months)
    parts = {f"{year}-{month:02d}": older_parts(count, page_size) for year, month, count in counts}
    parts["undated"] = older_parts(len(undated), page_size)
    return {"months": counts, "undated": len(undated), "parts": {key: links for key, links in parts.items() if links}}


def archive_jobs(site: Site, config: Config) -> list[PageJob]:
    """Every language's archive: an index of years and months with their counts, and each month's
    articles in pages (the month's top page links every page of the month, or of its newest part)."""
    months = archive_months(site)
    undated = undated_articles(site)
    archive = archive_links(months, undated, config.page_size)
    jobs = [PageJob("archive.html", page, archive, (repr(archive),))
            for page in language_pages("archive/", config).values()]
    for lang in config.languages:
        for (year, month), items in months:
            jobs += paged_jobs("month.html", items, f"{lang}/archive/{year}/{month:02d}/", lang, config,
                               {"year": year, "month": month}, (f"{year}-{month}",), link_all=True)
        if undated:
            jobs += paged_jobs("month.html", undated, f"{lang}/archive/undated/", lang, config,
                               {"year": None, "month": None}, ("undated",), link_all=True)
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


def site_index_jobs(jobs: list[PageJob], site: Site, config: Config) -> list[PageJob]:
    """sitemap.xml, an index of sitemap files of at most SITEMAP_URLS pages each (with their hreflang
    alternates), and robots.txt pointing at it. Article pages come oldest first, so a new article
    changes the last of their files only; listing and archive pages have files of their own."""
    lang = config.default_language
    age = {article.key: n for n, article in enumerate(reversed(site.articles))}  # 0: the oldest
    pages = [job for job in jobs if job.template.endswith(".html") and job.template != "404.html"]
    series = {
        "articles": [job.page for job in sorted((job for job in pages if "article" in job.context),
                                                key=lambda job: (age[job.context["article"].key], job.page.path))],
        "pages": [job.page for job in pages if "article" not in job.context],
    }
    sitemaps = [PageJob("sitemap.xml", Page(f"sitemap-{name}-{number}.xml", lang),
                        # The sitemap shows URLs only: an edit to an article's text leaves it as it is.
                        {"urls": Deferred(sitemap_urls, chunk, lang)}, (addresses_digest(chunk),))
                for name, listed in series.items() for number, chunk in enumerate(chunked(listed, SITEMAP_URLS), 1)]
    files = tuple(job.page.path for job in sitemaps)
    return [PageJob("sitemap-index.xml", Page("sitemap.xml", lang), {"sitemaps": files}, files), *sitemaps,
            PageJob("robots.txt", Page("robots.txt", lang), {}, ())]


def addresses_digest(pages: list[Page]) -> str:
    """One hash of these pages' paths and alternates, what a sitemap of them shows: as its input,
    every page's text would be held by the plan (100,000 articles: 70 MB in every later process)."""
    addresses = hashlib.sha256()
    for page in pages:
        addresses.update(f"{page.path!r} {page.alternates!r}\n".encode("utf-8", "surrogatepass"))
    return addresses.hexdigest()


def render_page(env: Environment, job: PageJob) -> bytes:
    """Render one planned page to bytes."""
    variables = language_variables(env, job.page.lang)
    try:
        return env.get_template(job.template).render(page=job.page, **variables, **job.context).encode("utf-8")
    finally:
        for value in job.context.values():
            if isinstance(value, Deferred):
                value.forget()  # each page has its own: freed once it is rendered (the rows are 30 MB in all)


