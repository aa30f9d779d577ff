"""Whole-file reads and writes in the fewest system calls, and a writer that checksums what it writes.

Python's open() adds an fstat, an isatty ioctl and two lseeks to every file it opens. A build
opens thousands of small files, and on the slow disks of small VMs and CI runners each of those
calls costs tens of microseconds: together they were about a second of a cold build.
"""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

READ_FLAGS = os.O_RDONLY | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
WRITE_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)


def read_bytes(path: str | os.PathLike) -> bytes:
    """A file's bytes: open, fstat, read, close."""
    fd = os.open(path, READ_FLAGS)
    try:
        size = os.fstat(fd).st_size
        data = os.read(fd, size + 1)  # asking one byte more than the size shows the end was reached
        if len(data) == size:
            return data
        # The file grew or shrank, its size says nothing (/proc), or one read() cannot return it
        # all (Linux stops at 2 GiB): read to the end.
        chunks = [data]
        while chunk := os.read(fd, 1 << 16):
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def replace_bytes(path: Path, data: bytes) -> None:
    """Write data to a temporary file beside path, then rename it over path: a reader, or a build
    after an interrupted one, finds the old file or the new one, never a part of it."""
    temp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        write_bytes(temp, data)
        os.replace(temp, path)
    except BaseException:
        try:
            os.unlink(temp)
        except OSError:
            pass
        raise


def write_all(fd: int, data: bytes) -> None:
    """Write all of data to an open file or pipe (one write() may take only a part)."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def write_bytes(path: str | os.PathLike, data: bytes) -> os.stat_result:
    """Create or truncate a file and write data to it: open, write, fstat, close; returns its stat."""
    fd = os.open(path, WRITE_FLAGS, 0o666)
    try:
        write_all(fd, data)
        return os.fstat(fd)
    finally:
        os.close(fd)


class ChecksummedWriter:
    """A file that keeps the sha256 of what is written to it."""

    def __init__(self, file):
        self.file, self.sha256, self.length = file, hashlib.sha256(), 0

    def write(self, data: bytes) -> int:
        """Write data, adding it to the checksum and the length."""
        self.sha256.update(data)
        self.length += len(data)
        return self.file.write(data)
