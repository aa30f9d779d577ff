"""One memo table and its file: entries pickled on their own and unpickled when first asked for,
written in checksummed segments (build/cache.py holds the tables of a build and names their files).

A table file opens with the cache's magic line and version (FORMAT and a hash of diglot's code),
then segments of entries, each with its length and sha256: a build appends one with its new entries
and the keys of the dropped ones, and the file is written anew once it would be mostly stale.
"""
from __future__ import annotations

import hashlib
import io
import os
import pickle
from pathlib import Path
from typing import Any, Iterable

from diglot.build.fileio import ChecksummedWriter, read_bytes, write_all
from diglot.build.parallel import load_quickly

SEGMENT_LENGTH = 8  # a segment opens with the length of its entries...
CHECKSUM_SIZE = 32  # ...and closes with their sha256
# A table is written anew once its file, grown by segments, would be this many times the size of
# the entries still live in it (the others were replaced or dropped since); until then a build
# appends what it changed instead of writing the whole table (17 MB of articles for one edit).
COMPACT_RATIO = 1.5
MAGIC = b"diglot-cache\n"
MISSING = object()
FileStat = tuple[int, int]  # size, mtime_ns


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
