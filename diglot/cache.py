"""The build cache under .cache/: memo tables keyed by content hashes, safe to lose or corrupt.

Every table file carries the cache format and a hash of diglot's code and libraries, plus a
checksum of its payload; anything that does not match is ignored, so a stale or damaged
cache costs time, never a wrong site. A build keeps only the entries it used, so the cache
does not grow with deleted articles.
"""
from __future__ import annotations

import hashlib
import io
import os
import pickle
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from .fileio import read_bytes
from .parallel import load_quickly

try:
    import fcntl
except ImportError:  # not on Windows: builds there do not take turns
    fcntl = None

FORMAT = 2  # each entry pickled on its own
CHECKSUM_SIZE = 32  # the file ends with the sha256 of its entries
MAGIC = b"diglot-cache\n"
# Libraries whose output ends up in site/: a new version may change a byte.
LIBRARIES = ("markdown", "jinja2", "lunr", "pyyaml", "babel", "markupsafe")
MISSING = object()


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
    package = Path(__file__).resolve().parent
    return digest(tree_digest(package, "*.py"), sys.version, *library_versions())


def pickled(value: Any) -> bytes:
    """A value as a table stores it."""
    return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)


class Table:
    """One memo table: the entries found on disk, each pickled on its own and unpickled when first
    asked for (so saving re-pickles only what changed), and the ones this build used."""

    def __init__(self, blobs: dict[str, bytes]):
        self.blobs = blobs  # key -> pickled value, as on disk
        self.values: dict[str, Any] = {}  # key -> value, unpickled or put
        self.used: set[str] = set()
        self.changed = False  # something was added: the file on disk is out of date

    def get(self, key: str) -> Any:
        """The value stored under key, or MISSING; a hit counts as used."""
        value = self.values.get(key, MISSING)
        if value is MISSING:
            blob = self.blobs.get(key)
            if blob is None:
                return MISSING
            try:
                value = self.values[key] = load_quickly(blob)
            except Exception:  # a damaged entry is a missing one
                del self.blobs[key]
                return MISSING
        self.used.add(key)
        return value

    def keep(self, key: str) -> None:
        """Count an entry as used, so it stays, without unpickling it."""
        if key in self.values or key in self.blobs:
            self.used.add(key)

    def put(self, key: str, value: Any) -> Any:
        """Store value under key and return it."""
        self.values[key] = value
        self.blobs.pop(key, None)
        self.used.add(key)
        self.changed = True
        return value

    def put_blob(self, key: str, blob: bytes) -> None:
        """Store a value already pickled (pickled(value), by a worker process): saving writes these
        bytes as they are, and the value is unpickled only when asked for."""
        self.blobs[key] = blob
        self.values.pop(key, None)
        self.used.add(key)
        self.changed = True

    def memoize(self, function: Callable, key_of: Callable[..., str]) -> Callable:
        """function, answered from this table when key_of(arguments) was seen before."""
        def memoized(*args):
            key = key_of(*args)
            value = self.get(key)
            return self.put(key, function(*args)) if value is MISSING else value
        return memoized

    def keep_used(self) -> bool:
        """Forget the entries this build did not use; True when the file on disk is out of date."""
        stale = self.changed or len(self.used) != len(self.blobs.keys() | self.values.keys())
        self.blobs = {key: blob for key, blob in self.blobs.items() if key in self.used}
        self.values = {key: value for key, value in self.values.items() if key in self.used}
        return stale

    def encoded(self) -> Iterator[tuple[str, bytes]]:
        """Every entry pickled, one at a time (a whole table pickled at once would need its size
        again in memory); an entry read from disk keeps the bytes it had."""
        for key in self.blobs.keys() | self.values.keys():
            blob = self.blobs.get(key)
            yield key, blob if blob is not None else pickled(self.values[key])


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
            entries = read_table(self.path(name), self.version) if self.directory else {}
            self.tables[name] = Table(entries)
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

    def keep(self, name: str, key: str, make: Callable[[], Any]) -> Any:
        """An object kept in memory between the builds of one process (the dev server's), never
        saved; made again when its key changes."""
        kept = self.objects.get(name)
        if kept is None or kept[0] != key:
            kept = self.objects[name] = (key, make())
        return kept[1]

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
        for name, table in self.tables.items():
            if table.keep_used():
                self.unsaved.add(name)
        if not self.defer_saves:
            self.save()

    def save(self) -> None:
        """Write the tables that changed since the last save (and drop their files of older formats)."""
        for name in sorted(self.unsaved):
            if self.directory:
                write_table(self.path(name), self.version, self.tables[name].encoded())
                for old in self.directory.glob(f"{name}.v*.pickle"):
                    if old != self.path(name):
                        old.unlink(missing_ok=True)
        self.unsaved.clear()


def read_table(path: Path, version: str) -> dict[str, bytes]:
    """A table's entries, each still pickled, or {} when the file is missing, stale or damaged."""
    try:
        data = read_bytes(path)
        if not data.startswith(MAGIC):
            return {}
        line, _, rest = data[len(MAGIC):].partition(b"\n")
        payload, checksum = rest[:-CHECKSUM_SIZE], rest[-CHECKSUM_SIZE:]
        if line.decode() != version or checksum != hashlib.sha256(payload).digest():
            return {}
        blobs, stream = {}, io.BytesIO(payload)
        while stream.tell() < len(payload):
            key, blob = pickle.load(stream)  # our own file, checked above; never a downloaded one
            blobs[key] = blob
        return blobs
    except Exception:  # any damage at all means: no cache
        return {}


def write_table(path: Path, version: str, entries: Iterable[tuple[str, bytes]]) -> None:
    """Write a table's pickled entries one by one, then their checksum, atomically (temp file +
    rename); a failure leaves no cache, not a bad one."""
    temp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(temp, "wb") as out:
            out.write(MAGIC + f"{version}\n".encode())
            checked = ChecksummedWriter(out)
            for entry in entries:
                pickle.dump(entry, checked, protocol=pickle.HIGHEST_PROTOCOL)
            out.write(checked.sha256.digest())
        os.replace(temp, path)
    except OSError:
        temp.unlink(missing_ok=True)


class ChecksummedWriter:
    """A file that keeps the sha256 of what is written to it."""

    def __init__(self, file):
        self.file, self.sha256 = file, hashlib.sha256()

    def write(self, data: bytes) -> int:
        """Write data, adding it to the checksum."""
        self.sha256.update(data)
        return self.file.write(data)
