"""Jinja2 over layouts/: every page, feed, sitemap of the site, as {path: bytes}."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from .config import Config
from .site import Article, Site, Version
from .text import format_date, iso_date
from .typography import typeset


@dataclass(frozen=True)
class Page:
    """Where a page lives and how it links: its path, language and language versions."""

    path: str
    lang: str
    alternates: tuple[tuple[str, str], ...] = ()
    base: str | None = None  # set for pages served at any URL (404), where relative links break

    @property
    def url(self) -> str:
        """Site-relative URL (the path without index.html)."""
        return self.path[: -len("index.html")] if self.path.endswith("index.html") else self.path

    @property
    def root(self) -> str:
        """Relative path from this page to the site root ('' at the top)."""
        return self.base if self.base is not None else "../" * self.path.count("/")


def load_strings(layouts: Path, languages: tuple[str, ...]) -> dict[str, dict]:
    """Interface strings, one YAML file per language under layouts/strings/."""
    return {lang: yaml.safe_load((layouts / "strings" / f"{lang}.yaml").read_text(encoding="utf-8"))
            for lang in languages}


def make_environment(layouts: Path, config: Config) -> Environment:
    """A Jinja2 environment with autoescape on and diglot's filters."""
    env = Environment(loader=FileSystemLoader(str(layouts)), autoescape=select_autoescape(["html", "xml"]),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.filters.update(typeset=typeset, date=format_date, isodate=iso_date)
    env.globals.update(config=config, strings=load_strings(layouts, config.languages),
                       absolute=config.absolute_url, segmented=segmented_body)
    return env


def segmented_body(blocks, numbers) -> Markup:
    """Blocks as HTML with data-seg="N" on each, and id="sN" on the first block of a segment."""
    out, seen = [], set()
    for block, n in zip(blocks, numbers):
        attrs = f' data-seg="{n}"' + ("" if n in seen else f' id="s{n}"')
        seen.add(n)
        cut = len(block.tag) + 1
        out.append(block.html[:cut] + attrs + block.html[cut:])
    return Markup("\n".join(out))


def article_page(version: Version, article: Article, suffix: str = "") -> Page:
    """The page of one language version (suffix 'parallel/' for the side-by-side view)."""
    alternates = tuple((v.lang, v.url + suffix) for v in sorted(article.versions.values(), key=lambda v: v.lang))
    return Page(version.url + suffix + "index.html", version.lang, alternates)


def language_pages(path: str, config: Config) -> dict[str, Page]:
    """The same page in every language (listings, sections): lang → Page."""
    alternates = tuple((lang, f"{lang}/{path}") for lang in config.languages)
    return {lang: Page(f"{lang}/{path}index.html", lang, alternates) for lang in config.languages}


@dataclass(frozen=True)
class PageJob:
    """One page to render: its template, where it goes, its context, and what it shows.

    `inputs` names everything the page depends on besides layouts and config (the
    fingerprints of the articles it shows), so a build cache can skip unchanged pages.
    """

    template: str
    page: Page
    context: dict
    inputs: tuple[str, ...]


def plan_pages(site: Site, config: Config) -> list[PageJob]:
    """Every page of the site, in a stable order; nothing is rendered here."""
    everything = tuple(a.fingerprint for a in site.articles)
    jobs = [PageJob("article.html", article_page(version, article), {"article": article, "version": version},
                    (article.fingerprint,))
            for article in site.articles for version in article.versions.values()]
    for page in language_pages("", config).values():
        jobs.append(PageJob("listing.html", page, {"articles": site.articles, "heading": None}, everything))
    for section in site.sections:
        shown = tuple(a.fingerprint for a in section.articles)
        for page in language_pages(f"section/{section.slug}/", config).values():
            jobs.append(PageJob("listing.html", page, {"articles": section.articles, "heading": section.name}, shown))
    home = Page("index.html", config.default_language, tuple((lang, f"{lang}/") for lang in config.languages))
    jobs.append(PageJob("home.html", home, {"site": site}, everything))
    jobs.append(PageJob("404.html", Page("404.html", config.default_language, base=config.base_path), {"site": site}, ()))
    return jobs


def render_page(env: Environment, job: PageJob) -> bytes:
    """Render one planned page to bytes."""
    strings = env.globals["strings"][job.page.lang]
    return env.get_template(job.template).render(page=job.page, t=strings, **job.context).encode("utf-8")


def render_site(site: Site, config: Config, env: Environment) -> dict[str, bytes]:
    """Render every page of the site; nothing is written here."""
    return {job.page.path: render_page(env, job) for job in plan_pages(site, config)}
