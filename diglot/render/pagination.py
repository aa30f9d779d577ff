"""Listings in pages whose numbers never shift: pages are counted from the oldest articles, so a new
article changes the top page and, once every page_size articles, makes one new page; the older
pages keep their URLs and their bytes.

A listing of T articles (newest first) with page size S has F = T // S full pages of S articles,
numbered 1 (the oldest) to F. The top page (the listing's own URL) shows the newest articles: the
R = T - F·S that fill no page yet, and page F's; so it shows between S and 2·S - 1 of them, and
`page/F/` is not made (its articles are on the top page). Pages 1 to F - 1 live at `page/N/`.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

# How many numbered pages a page links on each side of itself: enough to jump a few pages, few
# enough that a page's links change only when a page near it is made.
WINDOW = 2

# The most numbered pages a month's top page links (link_all): a month, or the undated articles,
# with more is split into parts of this many pages, the older ones each on a page of links of
# its own, which the language's home page and the archive link. Every article then stays three
# clicks from home and every page small (a link is ~90 bytes: 400 of them, 36 KB). Without
# parts, the 11,000 undated articles of the 100,000-pair benchmark made a 64 KB page.
PART_PAGES = 400


@dataclass(frozen=True)
class PageLink:
    """A link in a listing's page navigation: the page's number (None: the top page) and folder."""

    number: int | None
    path: str


@dataclass(frozen=True)
class PartLink:
    """A link to the page listing one part of a long month: its first and last page, and its
    folder under the month's."""

    first: int
    last: int
    folder: str


@dataclass(frozen=True)
class ListingPage:
    """One page of a listing: its number (None for the top page), folder, articles and links."""

    number: int | None
    path: str
    items: tuple
    newest: PageLink  # the top page
    newer: PageLink | None
    older: PageLink | None
    links: tuple[PageLink | None, ...]  # numbered links in reading order; None marks a gap ("…")
    parts: tuple[PartLink, ...] = ()  # a long month's top page: its older parts, newest first
    part: PartLink | None = None  # the page of links of one part (it shows no articles)

    @property
    def nav_key(self) -> str:
        """Everything the page's navigation shows, for the build cache."""
        return repr((self.number, self.newer, self.older, self.links, self.parts, self.part))


def page_path(base: str, number: int | None) -> str:
    """The folder of page `number` of the listing at base ('en/' -> 'en/page/3/')."""
    return base if number is None else f"{base}page/{number}/"


def older_parts(total: int, size: int) -> tuple[PartLink, ...]:
    """The parts a month's top page does not link page by page (PART_PAGES), newest first: those
    of its numbered pages 1 to F - 1 that are whole, counted from the oldest (so a part keeps its
    pages as articles are added)."""
    whole = max(total // size - 1, 0) // PART_PAGES
    return tuple(PartLink((k - 1) * PART_PAGES + 1, k * PART_PAGES, f"part/{k}/") for k in range(whole, 0, -1))


def paginate(items: Sequence, size: int, base: str, link_all: bool = False) -> list[ListingPage]:
    """The pages of a listing of items (newest first), the top page first.

    link_all: the top page links every numbered page, not a window (a month's archive: every
    article of the month is then two clicks from its top page), up to PART_PAGES of them; older
    pages are linked by a page per part (older_parts), which comes last."""
    total = len(items)
    full = total // size
    top_count = total - full * size + (size if full else 0)
    numbered = list(range(full - 1, 0, -1))  # newest first: F - 1 down to 1
    parts = older_parts(total, size) if link_all else ()

    def link(number: int | None) -> PageLink:
        """The link to page `number` (None: the top page)."""
        return PageLink(number, page_path(base, number))

    def slice_of(number: int) -> tuple:
        """Page `number`'s items: the oldest-first positions (number - 1)·S to number·S."""
        return tuple(items[total - number * size: total - (number - 1) * size])

    def links_around(number: int | None) -> tuple[PageLink | None, ...]:
        """The numbered links a page shows: a window around it (or all, on the top page if link_all),
        and page 1, the oldest."""
        if number is None and link_all:
            return tuple(link(n) for n in numbered if not parts or n > parts[0].last)
        centre = full if number is None else number
        shown = [n for n in numbered if abs(n - centre) <= WINDOW or n == 1]
        out: list[PageLink | None] = []
        for n in shown:
            if out and out[-1] is not None and out[-1].number - n > 1:
                out.append(None)
            out.append(link(n))
        return tuple(out)

    top = ListingPage(None, base, tuple(items[:top_count]), link(None), None,
                      link(numbered[0]) if numbered else None, links_around(None), parts)
    pages = [top]
    for number in numbered:
        newer = link(number + 1) if number + 1 < full else link(None)
        older = link(number - 1) if number > 1 else None
        pages.append(ListingPage(number, page_path(base, number), slice_of(number), link(None), newer, older,
                                 links_around(number)))
    for part in parts:
        pages.append(ListingPage(None, base + part.folder, (), link(None), None, None,
                                 tuple(link(n) for n in range(part.last, part.first - 1, -1)), part=part))
    return pages


def chunked(items: Sequence, size: int) -> list[tuple]:
    """items in consecutive chunks of at most size (none for no items)."""
    return [tuple(items[i:i + size]) for i in range(0, len(items), size)]
