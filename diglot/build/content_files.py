"""The build's reads and writes of content/: every file read once per build (the dev server
rereads only what changed), imported files written whole or not at all."""
from __future__ import annotations

import os
import shutil
import time
from pathlib import Path
from typing import Iterable

from diglot.build.fileio import read_bytes, replace_bytes, write_bytes

# A dev server reads again a file changed less than this before it was last read: some file
# systems' timestamps are that coarse, so a second save within one tick keeps the same stamp.
SETTLED_NS = 2_000_000_000


def read_content(content_dir: Path, last: dict[str, tuple[tuple | None, bytes]] | None = None) -> dict[str, bytes]:
    """The bytes of every content/*.md by file name: the one time a build reads content/.

    last: what a process that builds again (the dev server) read before, by name with each file's
    stat, updated here; a file whose stat is unchanged is not read again, and its bytes, the same
    object as last time, are known at once to every memo that saw them."""
    if not content_dir.is_dir():
        return {}
    entries = sorted((entry for entry in os.scandir(content_dir) if entry.name.endswith(".md")),
                     key=lambda entry: entry.name)
    if last is None:
        return {entry.name: read_bytes(entry.path) for entry in entries}
    seen = {}
    for entry in entries:
        st = entry.stat()
        stamp = (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)
        known = last.get(entry.name)
        if known and known[0] == stamp:
            seen[entry.name] = known
            continue
        data = read_bytes(entry.path)
        settled = time.time_ns() - max(st.st_mtime_ns, st.st_ctime_ns) > SETTLED_NS
        seen[entry.name] = (stamp if settled else None, data)
    last.clear()
    last.update(seen)
    return {name: data for name, (_, data) in seen.items()}


def write_content(content_dir: Path, files: Iterable[tuple[str, str | bytes]]) -> None:
    """Write content files, given as (name, text or its UTF-8 bytes) and written as they come (an
    import makes each text as it is written), each whole or not at all: an import cut short leaves
    files it can import again, never a part of one (which would pass for a hand edit).

    A first import (no folder yet) writes the whole folder beside it, then renames it in: one
    rename instead of one per file, and no half-imported folder is ever seen."""
    for stale in content_dir.parent.glob(f".{content_dir.name}.tmp-*"):  # a killed first import's
        shutil.rmtree(stale, ignore_errors=True)
    if not content_dir.exists():
        fresh = content_dir.with_name(f".{content_dir.name}.tmp-{os.getpid()}")
        fresh.mkdir(parents=True)
        try:
            wrote = False
            for name, text in files:
                write_bytes(fresh / name, encoded(text))
                wrote = True
            if wrote:
                os.rename(fresh, content_dir)
            else:
                fresh.rmdir()  # nothing to import: no folder
        except BaseException:
            shutil.rmtree(fresh, ignore_errors=True)  # never a half-imported folder left behind
            raise
        return
    for stale in content_dir.glob(".*.md.tmp-*"):  # left by a writer that was killed
        stale.unlink(missing_ok=True)
    for name, text in files:
        replace_bytes(content_dir / name, encoded(text))


def encoded(text: str | bytes) -> bytes:
    """A content file's bytes: its text in UTF-8 (bytes are taken as they are)."""
    return text if isinstance(text, bytes) else text.encode("utf-8")
