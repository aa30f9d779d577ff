"""What the dev server watches changed: snapshots of the files, and Linux inotify, which says at
once which folder and file changed, so the server need not poll often nor stat every file (at
10,000 pairs, 38,000 files: 0.7 s a scan).

The server decides from its snapshot whether anything changed: it stats again the paths the
events name (updated_snapshot), and scans everything (snapshot) whenever the kernel dropped
events, and now and then on a thread of its own (FullScan), so the server keeps answering. Where
inotify is not there (another system, no such libc function, out of watches), open_watcher()
returns None or watch() returns False, and the server keeps polling.
"""
from __future__ import annotations

import ctypes
import os
import stat
import struct
import threading
from pathlib import Path
from typing import Iterable

# inotify(7) events: whatever changes a file's bytes, times, name or existence.
IN_MODIFY, IN_ATTRIB, IN_CLOSE_WRITE = 0x2, 0x4, 0x8
IN_MOVED_FROM, IN_MOVED_TO, IN_CREATE, IN_DELETE = 0x40, 0x80, 0x100, 0x200
IN_DELETE_SELF, IN_MOVE_SELF = 0x400, 0x800
IN_Q_OVERFLOW = 0x4000  # the kernel's queue was full: events were lost
IN_IGNORED = 0x8000  # a watch ended (its folder was deleted): watch() may add the folder again
EVENTS = (IN_MODIFY | IN_ATTRIB | IN_CLOSE_WRITE | IN_MOVED_FROM | IN_MOVED_TO | IN_CREATE | IN_DELETE
          | IN_DELETE_SELF | IN_MOVE_SELF)


class Watcher:
    """An inotify descriptor: readable (for an event loop) once something in a watched folder changed."""

    def __init__(self, fd: int, add_watch):
        self.fd = fd
        self.add_watch = add_watch
        self.folders: set[str] = set()
        self.by_descriptor: dict[int, str] = {}  # each watch's folder, by the number its events carry

    def watch(self, folders: Iterable[str]) -> bool:
        """Watch these folders too (each only once); False when one could not be watched."""
        for folder in folders:
            if folder in self.folders:
                continue
            descriptor = self.add_watch(self.fd, os.fsencode(folder), EVENTS)
            if descriptor < 0:
                return False
            self.folders.add(folder)
            self.by_descriptor[descriptor] = folder
        return True

    def drain(self) -> set[str] | None:
        """Read the events waiting; return the paths they name (a watched folder's own path for an
        event on the folder itself), or None when the kernel lost some (only a scan can tell)."""
        named: set[str] | None = set()
        try:
            while data := os.read(self.fd, 65536):
                at = 0
                while at < len(data):  # struct inotify_event: wd, mask, cookie, len, then the name
                    descriptor, mask, _, length = struct.unpack_from("iIII", data, at)
                    name = os.fsdecode(data[at + 16:at + 16 + length].split(b"\0", 1)[0])
                    at += 16 + length
                    folder = self.by_descriptor.get(descriptor)
                    if mask & IN_Q_OVERFLOW:
                        named = None
                    elif named is not None and folder is not None:
                        named.add(os.path.join(folder, name) if name else folder)
                    if folder is not None and mask & (IN_IGNORED | IN_MOVE_SELF):
                        self.forget(descriptor)  # gone, or now elsewhere: its events would name the wrong paths
        except BlockingIOError:
            pass
        return named

    def forget(self, descriptor: int) -> None:
        """Stop naming a watch's events (its folder went away or moved); watch() may add the path again."""
        self.folders.discard(self.by_descriptor.pop(descriptor))

    def close(self) -> None:
        """Stop watching."""
        os.close(self.fd)


def open_watcher() -> Watcher | None:
    """An inotify watcher, or None where the system has none."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        init, add_watch = libc.inotify_init1, libc.inotify_add_watch
    except (OSError, AttributeError):
        return None
    add_watch.argtypes = (ctypes.c_int, ctypes.c_char_p, ctypes.c_uint32)
    fd = init(os.O_NONBLOCK | os.O_CLOEXEC)
    return Watcher(fd, add_watch) if fd >= 0 else None


def folders_under(paths: Iterable[str | os.PathLike]) -> list[str]:
    """Every folder a change to the given files or folders shows up in: each folder and its
    subfolders (hidden ones left out, as the snapshot leaves them out), and each file's folder
    (also a missing file's: there it will be created)."""
    found = []
    for path in map(os.fspath, paths):
        if os.path.isdir(path):
            for folder, subfolders, _ in os.walk(path, followlinks=True):  # as snapshot() follows them
                subfolders[:] = sorted(name for name in subfolders if not name.startswith("."))
                found.append(folder)
        elif os.path.isdir(os.path.dirname(path) or "."):
            found.append(os.path.dirname(path) or ".")
    return list(dict.fromkeys(found))


def snapshot(paths: list[Path]) -> dict[str, tuple[int, int]]:
    """(mtime, size) of every file under the watched paths; a change anywhere changes this."""
    found: dict[str, tuple[int, int]] = {}
    folders = []
    for path in paths:
        try:
            st = os.stat(path)
        except OSError:
            continue
        if stat.S_ISDIR(st.st_mode):
            folders.append(str(path))
        else:
            found[str(path)] = (st.st_mtime_ns, st.st_size)
    while folders:  # one stat per file: a folder listing says which entries are folders
        try:
            with os.scandir(folders.pop()) as entries:
                for entry in entries:
                    if entry.name.startswith("."):
                        continue
                    if entry.is_dir():
                        folders.append(entry.path)
                    else:
                        st = entry.stat()
                        found[entry.path] = (st.st_mtime_ns, st.st_size)
        except OSError:
            continue  # vanished while scanning: the next scan sees the deletion
    return found


def watched_among(paths: set[str], roots: list[Path]) -> set[str]:
    """Keep the paths a snapshot of roots would hold (under one, not hidden)."""
    tops = [str(root) for root in roots]
    return {path for path in paths if not os.path.basename(path).startswith(".")
            and any(path == top or path.startswith(top + os.sep) for top in tops)}


def updated_snapshot(found: dict[str, tuple[int, int]], named: set[str],
                     roots: list[Path]) -> dict[str, tuple[int, int]]:
    """Return a snapshot (found) with the paths inotify named statted again: a new or changed file
    noted, a vanished one dropped, a folder (new, gone, or changed itself) scanned again whole."""
    found = dict(found)
    for path in watched_among(named, roots):
        try:
            st = os.stat(path)
        except OSError:
            st = None
        if st is not None and not stat.S_ISDIR(st.st_mode):
            found[path] = (st.st_mtime_ns, st.st_size)
        elif st is None and path in found:
            del found[path]
        else:
            for gone in [key for key in found if key.startswith(path + os.sep)]:
                del found[gone]
            if st is not None:
                found.update(snapshot([Path(path)]))
    return found


class FullScan:
    """A snapshot of every watched file, taken on a thread of its own: os.stat and os.scandir let go
    of the interpreter's lock, so the server answers and previews meanwhile (a scan took 0.7 s at
    10,000 pairs, and an edit made during it waited that long). The paths inotify names while it
    runs are kept (named), to be statted again over its result: it may have read them before."""

    def __init__(self, roots: list[Path]):
        self.found: dict[str, tuple[int, int]] | None = None
        self.named: set[str] = set()
        self.thread = threading.Thread(target=self.scan, args=(roots,), name="diglot full scan", daemon=True)
        self.thread.start()

    def scan(self, roots: list[Path]) -> None:
        """Take the snapshot (on the thread)."""
        self.found = snapshot(roots)

    def done(self) -> bool:
        """Tell whether the snapshot is taken (or the scan failed: found stays None)."""
        return not self.thread.is_alive()
