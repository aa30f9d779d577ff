"""Bytes a one-off build keeps on disk rather than in memory: an unlinked temporary file, read back
with pread, so the workers forked later read it too, at any offset, without sharing a position.

The site model holds every article's bodies, and every process forked from the build counts the
memory they take as its own. Kept here, they cost the processes nothing (the page cache holds
them, which no process counts). bench/README.md (memory) has the figures.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path


class Spill:
    """An append-only file of byte strings, gone when the last handle to it is."""

    def __init__(self, directory: Path | None = None):
        if directory is not None:
            directory.mkdir(parents=True, exist_ok=True)
        self.file = tempfile.TemporaryFile(dir=directory)  # unlinked at once: nothing to clean up
        self.end = 0

    def put(self, data: bytes) -> "Spilled":
        """Append data; the handle that reads it back."""
        at, view, written = self.end, memoryview(data), 0
        while written < len(data):  # pwrite may write less than asked
            written += os.pwrite(self.file.fileno(), view[written:], at + written)
        self.end += len(data)
        return Spilled(self, at, len(data))


class Spilled:
    """Where one byte string is in a Spill."""

    __slots__ = ("spill", "offset", "length")

    def __init__(self, spill: Spill, offset: int, length: int):
        self.spill, self.offset, self.length = spill, offset, length

    def __len__(self) -> int:
        """How many bytes."""
        return self.length

    def read(self) -> bytes:
        """The bytes, read back."""
        parts, at, left = [], self.offset, self.length
        while left:
            part = os.pread(self.spill.file.fileno(), left, at)
            if not part:
                raise OSError(f"spill file ends at {at}, {left} bytes short")
            parts.append(part)
            at, left = at + len(part), left - len(part)
        return b"".join(parts)
