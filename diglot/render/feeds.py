"""Atom feeds and the sitemap as data: which entries, which dates, which URLs and alternates.

Article dates carry no time zone in content; feeds write them as UTC ('Z'). A feed's
`updated` is its newest entry's date, never the build time, so rebuilding gives the same bytes.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from diglot.model.site import Article, Site, Version

# Feed readers want what is new; a feed of every article with full content would grow without
# bound (4.5 MB at 1,000 articles) and change on any edit anywhere.
FEED_SIZE = 50
EPOCH = datetime(1970, 1, 1)  # the date of an undated site: stable, and obviously not real


@dataclass(frozen=True)
class Entry:
    """One Atom entry: the article and the version a reader of the feed's language gets."""

    article: Article
    version: Version


@dataclass(frozen=True)
class SitemapUrl:
    """One <url> of the sitemap: its site-relative URL and its language versions."""

    url: str
    alternates: tuple[tuple[str, str], ...]
    default: str | None


def atom_time(value: datetime | None) -> str:
    """RFC 3339 in UTC: naive content dates are taken as UTC (module docstring); no date gives EPOCH."""
    value = value or EPOCH
    if value.tzinfo is not None:
        value = value.astimezone(timezone.utc).replace(tzinfo=None)
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def feed_entries(site: Site, lang: str, limit: int = FEED_SIZE) -> list[Entry]:
    """The newest articles, newest first, in lang where it exists and in its only language otherwise."""
    return [Entry(article, article.version(lang)) for article in site.articles[:limit]]


def feed_updated(entries: list[Entry]) -> str:
    """The newest entry's date: deterministic, unlike the build time."""
    dates = [e.version.date for e in entries if e.version.date]
    return atom_time(max(dates) if dates else None)


def sitemap_urls(pages, default_language: str) -> list[SitemapUrl]:
    """A sitemap entry per page; alternates only when the page is one of its own language versions."""
    urls = []
    for page in pages:
        own = any(url == page.url for _, url in page.alternates)
        alternates = page.alternates if own else ()
        default = dict(alternates).get(default_language) if alternates else None
        urls.append(SitemapUrl(page.url, alternates, default))
    return urls
