"""The build cache under .cache/: memo tables keyed by content hashes, safe to lose or corrupt.

Every table file carries the cache format and a hash of diglot's code and libraries, then
segments of entries, each with its length and checksum; anything that does not match is
ignored, so a stale or damaged cache costs time, never a wrong site. A build keeps only the
entries it used, so the cache does not grow with deleted articles: it appends a segment with
its new entries and the keys of the dropped ones, and the file is written anew once it would be
mostly stale entries.
"""
from __future__ import annotations

import hashlib
import io
import os
import pickle
import sys
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any, Callable, Hashable, Iterable, Iterator

from diglot.build.fileio import ChecksummedWriter, read_bytes, write_all
from diglot.build.parallel import give_back_free_memory, load_quickly, start_forked

try:
    import fcntl
except ImportError:  # not on Windows: builds there do not take turns
    fcntl = None

FORMAT = 4  # 4: articles carry their sentences. Each entry pickled on its own, in segments: a build appends one with what it changed
SEGMENT_LENGTH = 8  # a segment opens with the length of its entries...
CHECKSUM_SIZE = 32  # ...and closes with their sha256
# A table is written anew once its file, grown by segments, would be this many times the size of
# the entries still live in it (the others were replaced or dropped since); until then a build
# appends what it changed instead of writing the whole table (17 MB of articles for one edit).
COMPACT_RATIO = 1.5
MAGIC = b"diglot-cache\n"
# Saving fewer tables than this is not worth a fork.
SAVE_FORK_MIN_TABLES = 2
# Libraries whose output ends up in site/: a new version may change a byte.
LIBRARIES = ("markdown", "jinja2", "lunr", "pyyaml", "babel", "markupsafe", "anyascii", "sentence-splitter")
MISSING = object()
FileStat = tuple[int, int]  # size, mtime_ns


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


def pickled(value: Any) -> bytes:
    """A value as a table stores it."""
    return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)


class Table:
    """One memo table: the entries found on disk, each pickled on its own and unpickled when first
    asked for (so saving re-pickles only what changed), and the ones this build used."""

    def __init__(self, blobs: dict[str, bytes], file: FileStat | None = None):
        self.blobs = blobs  # key -> pickled value, as on disk
        self.values: dict[str, Any] = {}  # key -> value, unpickled or put
        self.used: set[str] = set()
        self.sizes: dict[str, int] = {}  # key -> length of a blob dropped once unpickled (get(keep_blob=False))
        self.changed = False  # something was added: the file on disk is out of date
        self.on_disk = set(blobs)  # keys whose current value the file holds
        self.file = file  # the file's size and time when last read or written; None: write it anew

    def get(self, key: str, keep_blob: bool = True) -> Any:
        """The value stored under key, or MISSING; a hit counts as used. keep_blob=False drops the
        pickled bytes once unpickled (pickled again only if the file must be written anew)."""
        value = self.values.get(key, MISSING)
        if value is MISSING:
            blob = self.blobs.get(key)
            if blob is None:
                return MISSING
            try:
                value = self.values[key] = load_quickly(blob_bytes(blob))
            except Exception:  # a damaged entry is a missing one
                del self.blobs[key]
                return MISSING
            if not keep_blob:
                self.sizes[key] = len(self.blobs.pop(key))
        self.used.add(key)
        return value

    def read(self, key: str) -> Any:
        """The value stored under key, or MISSING, unpickled for the caller alone (not kept, not
        counted as used)."""
        if key in self.values or key not in self.blobs:
            return self.values.get(key, MISSING)
        try:
            return load_quickly(blob_bytes(self.blobs[key]))
        except Exception:  # a damaged entry is a missing one
            return MISSING

    def unpickle_all(self) -> None:
        """Unpickle every entry now (keeping its blob for saving): processes forked later inherit
        the values instead of unpickling them again."""
        for key in list(self.blobs.keys() - self.values.keys()):
            self.get(key)

    def keep(self, key: str) -> None:
        """Count an entry as used, so it stays, without unpickling it."""
        if key in self.values or key in self.blobs:
            self.used.add(key)

    def put(self, key: str, value: Any) -> Any:
        """Store value under key and return it."""
        self.values[key] = value
        self.blobs.pop(key, None)
        self.sizes.pop(key, None)
        self.stored(key)
        return value

    def put_blob(self, key: str, blob) -> None:
        """Store a value already pickled (pickled(value), by a worker process): saving writes these
        bytes as they are, and the value is unpickled only when asked for. The bytes may be kept
        elsewhere, by a handle with read() and len() (build/spill.py), read when needed."""
        self.blobs[key] = blob
        self.values.pop(key, None)
        self.sizes.pop(key, None)
        self.stored(key)

    def stored(self, key: str) -> None:
        """Note that key has a new value: used by this build, and not yet in the file."""
        self.on_disk.discard(key)
        self.used.add(key)
        self.changed = True

    def live_keys(self) -> set[str]:
        """The keys of every entry held, pickled or not."""
        return self.blobs.keys() | self.values.keys()

    def saved(self, file: FileStat | None) -> None:
        """Note that the table's file now holds every entry (save_table returned file), or
        nothing sure when file is None (it is written anew next time)."""
        self.file = file
        self.on_disk = self.live_keys() if file else set()

    def keep_used(self) -> bool:
        """Forget the entries this build did not use; True when the file on disk is out of date."""
        stale = self.changed or len(self.used) != len(self.live_keys())
        self.blobs = {key: blob for key, blob in self.blobs.items() if key in self.used}
        self.values = {key: value for key, value in self.values.items() if key in self.used}
        self.sizes = {key: size for key, size in self.sizes.items() if key in self.used}
        return stale

    def blob(self, key: str, keep: bool = True) -> bytes:
        """An entry as stored: the bytes read or put, or its value pickled now (and kept, unless
        keep is False: a forked writer would only hold every entry twice until it exits)."""
        blob = self.blobs.get(key)
        if blob is None and keep:
            blob = self.blobs[key] = pickled(self.values[key])
        return blob_bytes(blob) if blob is not None else pickled(self.values[key])

    def size(self, key: str) -> int:
        """The length of an entry as stored, without pickling again one whose blob was dropped."""
        blob = self.blobs.get(key)
        return len(blob) if blob is not None else self.sizes.get(key) or len(self.blob(key))


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
        with start_forked(partial(self.write_table_file, keep_blobs=False), early, SAVE_FORK_MIN_TABLES) as saving:
            try:
                yield
            finally:  # even if the block failed: a worker stopped mid-write would leave a part
                files = saving.results()  # (and a single table is saved here, serially)
            self.keep_used(name for name in last if name in self.tables)
            for name, file in zip(early, files):
                self.tables[name].saved(file)
        self.unsaved.difference_update(early)
        if self.directory and not self.long_lived:  # a one-off build reads the saved ones no more
            self.tables = {name: self.tables[name] for name in last if name in self.tables}
            give_back_free_memory()  # before the last are pickled (100,000 articles: the peak came there)
        if not self.defer_saves:
            self.save()

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
        size and time, or None when it could not be written."""
        file = save_table(self.path(name), self.version, self.tables[name], keep_blobs)
        for old in self.directory.glob(f"{name}.v*.pickle"):
            if old != self.path(name):
                old.unlink(missing_ok=True)
        return file


def blob_bytes(blob) -> bytes:
    """A table entry's pickled bytes: the blob itself, or read from where a handle keeps them."""
    return blob if isinstance(blob, bytes) else blob.read()


def read_table(path: Path, version: str) -> Table:
    """A table as its file holds it (entries still pickled), or an empty one when the file is
    missing, stale or damaged anywhere (a cache is only worth what it is sure of)."""
    try:
        data = read_bytes(path)
        head = MAGIC + f"{version}\n".encode()
        if not data.startswith(head):
            return Table({})
        blobs: dict[str, bytes] = {}
        at = len(head)
        while at < len(data):
            start, length = at + SEGMENT_LENGTH, int.from_bytes(data[at:at + SEGMENT_LENGTH], "little")
            payload, checksum = data[start:start + length], data[start + length:start + length + CHECKSUM_SIZE]
            if len(payload) != length or checksum != hashlib.sha256(payload).digest():
                return Table({})  # torn by a crash while appending, or damaged
            stream = io.BytesIO(payload)
            while stream.tell() < length:
                key, blob = pickle.load(stream)  # our own file, checked above; never a downloaded one
                if blob is None:
                    blobs.pop(key, None)  # dropped since it was written
                else:
                    blobs[key] = blob
            at = start + length + CHECKSUM_SIZE
        return Table(blobs, (len(data), os.stat(path).st_mtime_ns))
    except Exception:  # any damage at all means: no cache
        return Table({})


def save_table(path: Path, version: str, table: Table, keep_blobs: bool = True) -> FileStat | None:
    """Append a segment with what changed since the file was read or written (new entries, and
    the keys of dropped ones); or write the table anew when the file is not as last seen, or would
    be mostly stale (keep_blobs: as Table.blob's keep). Returns the file's new size and time (for
    Table.saved), or None when it could not be written."""
    live = sorted(table.live_keys())
    if table.file and file_stat(path) == table.file:
        new = [(key, table.blob(key, keep_blobs)) for key in live if key not in table.on_disk]
        dropped = [(key, None) for key in sorted(table.on_disk.difference(live))]
        live_bytes = sum(table.size(key) for key in live)
        if table.file[0] + sum(len(blob) for _, blob in new) <= COMPACT_RATIO * live_bytes:
            return append_segment(path, new + dropped)
    return write_table(path, version, ((key, table.blob(key, keep_blobs)) for key in live))


def file_stat(path: Path) -> FileStat | None:
    """A file's size and modification time, or None when it is not there."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns


def append_segment(path: Path, entries: list[tuple[str, bytes | None]]) -> FileStat | None:
    """Append one segment of entries to a table file; the file's new size and time, or None when
    the append failed (the torn segment makes the table unreadable: it is written anew next time)."""
    payload = b"".join(pickled(entry) for entry in entries)
    segment = len(payload).to_bytes(SEGMENT_LENGTH, "little") + payload + hashlib.sha256(payload).digest()
    try:
        fd = os.open(path, os.O_WRONLY | os.O_APPEND)
        try:
            write_all(fd, segment)
            st = os.fstat(fd)
            return st.st_size, st.st_mtime_ns
        finally:
            os.close(fd)
    except OSError:
        return None


def write_table(path: Path, version: str, entries: Iterable[tuple[str, bytes]]) -> FileStat | None:
    """Write a table anew, its entries pickled one by one into one segment, atomically (temp file
    + rename); its size and time, or None when it failed (which leaves no cache, not a bad one)."""
    temp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(temp, "wb") as out:
            out.write(MAGIC + f"{version}\n".encode())
            length_at = out.tell()
            out.write(bytes(SEGMENT_LENGTH))  # the length, known once the entries are written
            checked = ChecksummedWriter(out)
            for entry in entries:
                pickle.dump(entry, checked, protocol=pickle.HIGHEST_PROTOCOL)
            out.write(checked.sha256.digest())
            out.seek(length_at)
            out.write(checked.length.to_bytes(SEGMENT_LENGTH, "little"))
        os.replace(temp, path)
        return file_stat(path)
    except BaseException as exc:  # Ctrl-C included: no part of a file is left behind
        temp.unlink(missing_ok=True)
        if not isinstance(exc, OSError):
            raise
        return None
