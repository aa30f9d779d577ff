"""One way to cache a step: a Memo names the cache table a step's results live in and the function
that keys them; steps declare theirs at the top of their module and never hand the cache down.

    ARTICLES = Memo("articles", key=article_key)       # an article, by its content files
    ARTICLES.fill(cache, made_article, calls)          # made on every core where missing
    ARTICLES.get(cache, ARTICLES.key(key, docs))       # then read back

A table (build/table.py, held by build/cache.py) keeps only the entries a build used, so a key
that no build asks for again is dropped when the build commits.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from diglot.build.cache import MISSING, BuildCache
from diglot.build.table import pickled
from diglot.build.parallel import map_forked

__all__ = ["MISSING", "Memo"]


@dataclass(frozen=True)
class Memo:
    """A memoized step: its table in the build cache and the key of an entry (a sha256 of what the
    step reads, so an entry is right for every build that asks for it)."""

    table: str
    key: Callable[..., str]
    # True for entries the build holds on to once read (articles): then not also as pickled bytes.
    one_form: bool = False

    def get(self, cache: BuildCache, key: str) -> Any:
        """The entry under key, or MISSING."""
        return cache.table(self.table).get(key, keep_blob=not self.one_form)

    def read(self, cache: BuildCache, key: str) -> Any:
        """The entry under key, or MISSING, not kept unpickled: for a worker that reads thousands
        of entries once each (mark them used with keep() first)."""
        return cache.table(self.table).read(key)

    def put(self, cache: BuildCache, key: str, value: Any) -> Any:
        """Store value under key and return it."""
        return cache.table(self.table).put(key, value)

    def keep(self, cache: BuildCache, key: str) -> None:
        """Keep the entry under key for the next build without reading it."""
        cache.table(self.table).keep(key)

    def of(self, part: str) -> "Memo":
        """The same memo with a table of its own for part (a language, say), which one worker may
        fill and save by itself (save_apart)."""
        return Memo(f"{self.table}-{part}", self.key, self.one_form)

    def save_apart(self, cache: BuildCache) -> None:
        """Write this memo's table file now, keeping the entries this build used, and let the cache
        forget the table (read again if asked for): a forked worker that filled a table of its own
        saves it itself, so its entries never travel back to the build process, which would hold
        them until the build ends (search terms at 100,000 articles: 450 MB)."""
        table = cache.tables.get(self.table)
        if cache.directory and table is not None and table.keep_used():
            cache.write_table_file(self.table, keep_blobs=False)
        cache.tables.pop(self.table, None)

    def put_pickled(self, cache: BuildCache, key: str, blob: bytes) -> None:
        """Store an entry a worker process pickled (stored as it is, unpickled when read)."""
        cache.table(self.table).put_blob(key, blob)

    def fill(self, cache: BuildCache, function: Callable[..., Any], calls: dict[str, tuple],
             fork_min: int) -> None:
        """Compute function(*arguments) for every key of calls the table lacks, on every core when
        there are at least fork_min of them.

        Workers pickle each value for the table themselves: the main process then neither pickles
        it again to save the cache nor unpickles it with the cycle collector running."""
        missing = [key for key in calls if self.get(cache, key) is MISSING]
        made = map_forked(lambda key: pickled(function(*calls[key])), missing, fork_min)
        for key, blob in zip(missing, made):
            self.put_pickled(cache, key, blob)
