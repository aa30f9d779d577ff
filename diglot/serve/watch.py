"""Hear at once when a watched folder changes (Linux inotify), so the dev server need not poll often.

A wake-up call only: the server still compares snapshots of the files to decide whether
anything changed. Where inotify is not there (another system, no such libc function, out of
watches), open_watcher() returns None or watch() returns False, and the server keeps polling.
"""
from __future__ import annotations

import ctypes
import os
from typing import Iterable

# inotify(7) events: whatever changes a file's bytes, times, name or existence.
IN_MODIFY, IN_ATTRIB, IN_CLOSE_WRITE = 0x2, 0x4, 0x8
IN_MOVED_FROM, IN_MOVED_TO, IN_CREATE, IN_DELETE = 0x40, 0x80, 0x100, 0x200
IN_DELETE_SELF, IN_MOVE_SELF = 0x400, 0x800
EVENTS = (IN_MODIFY | IN_ATTRIB | IN_CLOSE_WRITE | IN_MOVED_FROM | IN_MOVED_TO | IN_CREATE | IN_DELETE
          | IN_DELETE_SELF | IN_MOVE_SELF)


class Watcher:
    """An inotify descriptor: readable (for an event loop) once something in a watched folder changed."""

    def __init__(self, fd: int, add_watch):
        self.fd = fd
        self.add_watch = add_watch
        self.folders: set[str] = set()

    def watch(self, folders: Iterable[str]) -> bool:
        """Watch these folders too (each only once); False when one could not be watched."""
        for folder in folders:
            if folder in self.folders:
                continue
            if self.add_watch(self.fd, os.fsencode(folder), EVENTS) < 0:
                return False
            self.folders.add(folder)
        return True

    def drain(self) -> None:
        """Read and forget the events waiting (what changed is the snapshot's business)."""
        try:
            while os.read(self.fd, 65536):
                pass
        except BlockingIOError:
            pass

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
            for folder, subfolders, _ in os.walk(path):
                subfolders[:] = sorted(name for name in subfolders if not name.startswith("."))
                found.append(folder)
        elif os.path.isdir(os.path.dirname(path) or "."):
            found.append(os.path.dirname(path) or ".")
    return list(dict.fromkeys(found))
