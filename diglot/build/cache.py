"""The build cache under .cache/: memo tables keyed by content hashes, safe to lose or corrupt.

Every table file (build/table.py) carries the cache format and a hash of diglot's code and
libraries, then checksummed segments of entries; anything that does not match is ignored, so a
stale or damaged cache costs time, never a wrong site. A build keeps only the entries it used,
so the cache does not grow with deleted articles.
"""
from __future__ import annotations

import hashlib
import os
import sys
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any, Callable, Hashable, Iterable, Iterator

from diglot.build.parallel import give_back_free_memory, start_forked
from diglot.build.table import MISSING, FileStat, Table, read_table, save_table

try:
    import fcntl
except ImportError:  # not on Windows: builds there do not take turns
    fcntl = None

FORMAT = 4  # 4: articles carry their sentences. Each entry pickled on its own, in segments: a build appends one with what it changed
# Saving fewer tables than this is not worth a fork.
SAVE_FORK_MIN_TABLES = 2
# Libraries whose output ends up in site/: a new version may change a byte.
LIBRARIES = ("markdown", "jinja2", "lunr", "pyyaml", "babel", "markupsafe", "anyascii", "sentence-splitter")


def digest(*parts: Any) -> str:
    """Hex sha256 of parts, each length-prefixed so ('ab', 'c') and ('a', 'bc') differ."""
    h = hashlib.sha256()
    for part in parts:
        data = part if isinstance(part, bytes) else str(part).encode("utf-8", "surrogatepass")
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.hexdigest()


def tree_digest(root: Path, pattern: str = "*") -> str:
    """Hash of the relative path and bytes of every file matching pattern under root."""
    parts: list[Any] = []
    for path in sorted(root.rglob(pattern)) if root.is_dir() else ():
        if path.is_file():
            parts += [path.relative_to(root).as_posix(), path.read_bytes()]
    return digest(*parts)


def library_versions() -> list[str]:
    """Installed versions of the libraries that shape the output, read from the names of their
    .dist-info or .egg-info folders (importlib.metadata, which would add a tenth of a second to
    every build, only answers for a library whose folder name says nothing)."""
    found: dict[str, str] = {}
    for folder in sys.path:
        try:
            names = os.listdir(folder or ".")
        except OSError:
            continue
        for name in names:
            stem, dot, kind = name.rpartition(".")
            if dot and kind in ("dist-info", "egg-info"):
                project, _, version = stem.partition("-")
                found.setdefault(project.lower().replace("_", "-").replace(".", "-"), version.split("-py")[0])
    return [f"{name}=={found.get(name) or installed_version(name)}" for name in LIBRARIES]


def installed_version(name: str) -> str:
    """A library's version as importlib.metadata tells it, or 'none'."""
    from importlib import metadata
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "none"


def code_version() -> str:
    """Hash of diglot's own source, the Python version and the libraries' versions."""
    package = Path(__file__).resolve().parents[1]
    return digest(tree_digest(package, "*.py"), sys.version, *library_versions())


class BuildCache:
    """Named memo tables, read lazily from a directory and written back atomically.

    Kept in memory between builds by the dev server (the warm cache); directory=None
    keeps it in memory only.
    """

    def __init__(self, directory: Path | None, version: str | None = None, defer_saves: bool = False):
        self.directory = directory
        self.version = version or code_version()
        self.tables: dict[str, Table] = {}
        self.defer_saves = defer_saves  # the dev server saves when the writer pauses, not per build
        self.unsaved: set[str] = set()
        self.objects: dict[str, tuple[str, Any]] = {}

    def table(self, name: str) -> Table:
        """The table called name, loaded from disk the first time it is asked for."""
        if name not in self.tables:
            self.tables[name] = read_table(self.path(name), self.version) if self.directory else Table({})
        return self.tables[name]

    @contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the cache's lock while a build runs: two builds of one project (a dev server and
        a command, say) take turns instead of updating site/ and .cache/ at the same time."""
        if not self.directory or fcntl is None:
            yield
            return
        self.directory.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.directory / "lock", os.O_RDWR | os.O_CREAT, 0o666)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)  # now, even if a forked worker still has the file open
            os.close(fd)

    @property
    def long_lived(self) -> bool:
        """True for the dev server's cache, which builds again and again in one process: worth
        remembering in memory what a build read."""
        return self.defer_saves

    def keep(self, name: str, key: str, make: Callable[[], Any]) -> Any:
        """An object kept in memory between the builds of one process (the dev server's), never
        saved; made again when its key changes."""
        kept = self.objects.get(name)
        if kept is None or kept[0] != key:
            kept = self.objects[name] = (key, make())
        return kept[1]

    def remember(self, name: str, items: Iterable, identity: Callable[[Any], Hashable],
                 make: Callable[[Any], Any]) -> list:
        """[make(item) for item in items], made again only for items whose identity (everything
        make reads) the last build of this process did not see; kept in memory, never saved, and
        only this build's values (so it does not grow with every edit of a dev server session)."""
        known = self.keep(name, "", dict)
        used: dict = {}
        values = []
        for item in items:
            key = identity(item)  # often a tuple, which hashes anew at each lookup: as few as can be
            value = used.get(key, MISSING)
            if value is MISSING:
                value = used[key] = known[key] if key in known else make(item)
            values.append(value)
        known.clear()
        known.update(used)
        return values

    def forget(self, name: str) -> None:
        """Drop an object kept by keep() or remember() (made again if asked for)."""
        self.objects.pop(name, None)

    def unpickle_tables(self) -> None:
        """Read every table this cache holds on disk and unpickle all its entries (the dev server
        does it while idle after starting, so its first rebuild need not)."""
        suffix = f".v{FORMAT}.pickle"
        for path in sorted(self.directory.glob(f"*{suffix}")) if self.directory else ():
            self.table(path.name[:-len(suffix)]).unpickle_all()

    def path(self, name: str) -> Path:
        """Where a table lives on disk."""
        return self.directory / f"{name}.v{FORMAT}.pickle"

    def begin(self) -> None:
        """Start a build: nothing is used yet (entries stay available)."""
        for table in self.tables.values():
            table.used, table.changed = set(), False

    def commit(self) -> None:
        """After a successful build: keep only what it used, in memory and (unless saves are
        deferred) on disk."""
        with self.committing():
            pass

    @contextmanager
    def committing(self, *last: str) -> Iterator[None]:
        """commit() around the block that ends a build (writing the site): the tables it changes,
        named `last`, are committed after it, and all the others before it, their files written
        on forked workers while it runs (after a cold build they are tens of megabytes to pickle,
        checksum and write, which would otherwise follow the site's writing on one core)."""
        self.keep_used(name for name in self.tables if name not in last)
        early = sorted(self.unsaved) if self.directory and not self.defer_saves else []
        one_off = self.directory and not self.long_lived  # it reads the saved tables no more
        with start_forked(partial(self.write_table_file, keep_blobs=False), early, SAVE_FORK_MIN_TABLES) as saving:
            if one_off and (saving.chunks or not early):  # the workers have copies: the memory goes
                self.forget_tables(but=last)  # while the site is written (100,000: 1,962 -> 1,878 MiB)
            try:
                yield
            finally:  # even if the block failed: a worker stopped mid-write would leave a part
                files = saving.results()  # (and a single table is saved here, serially)
            self.keep_used(name for name in last if name in self.tables)
            for name, file in zip(early, files):
                if name in self.tables:
                    self.tables[name].saved(file)
        self.unsaved.difference_update(early)
        if one_off:  # at the latest before the last are pickled
            self.forget_tables(but=last)
        if not self.defer_saves:
            self.save()

    def forget_tables(self, but: Iterable[str]) -> None:
        """Let go of every table but these (read again if asked for), giving their memory back."""
        self.tables = {name: self.tables[name] for name in but if name in self.tables}
        give_back_free_memory()

    def keep_used(self, names: Iterable[str]) -> None:
        """Forget what this build did not use in these tables; note those whose file is out of date."""
        for name in list(names):
            if self.tables[name].keep_used():
                self.unsaved.add(name)

    def save(self) -> None:
        """Write the tables that changed since the last save."""
        for name in sorted(self.unsaved) if self.directory else ():  # a one-off build keeps no pickled copy
            self.tables[name].saved(self.write_table_file(name, keep_blobs=self.long_lived))
        self.unsaved.clear()

    def write_table_file(self, name: str, keep_blobs: bool = True) -> FileStat | None:
        """Write one table's file (save_table) and drop its files of older formats; the new file's
        size and time, or None when it could not be written (or is no longer held: a one-off build
        forgets a table once its forked writer has it, and a writer that died is redone here)."""
        if name not in self.tables:
            return None
        file = save_table(self.path(name), self.version, self.tables[name], keep_blobs)
        for old in self.directory.glob(f"{name}.v*.pickle"):
            if old != self.path(name):
                old.unlink(missing_ok=True)
        return file
