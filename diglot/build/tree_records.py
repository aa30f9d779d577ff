"""What an output tree holds, known without reading it back: every file's (size, mtime, inode) and
sha256 as last written, every folder's (mtime, inode), checked against the tree by stat or by a scan."""
from __future__ import annotations

import os
import stat
from array import array
from pathlib import Path


Stat = tuple[int, int, int]  # size, mtime_ns, inode


Record = dict[str, tuple[Stat, str]]  # relative path -> (its stat, sha256 of its bytes)


Folders = dict[str, tuple[int, int]]  # relative folder ('' for the root) -> (mtime_ns, inode)


# The build cache pickles records as columns: their paths in one string, their numbers in two
# arrays, their sha256s in one bytes. Pickled entry by entry, the records of 385,000 files (100,000
# articles) took 78 MB, and at the end of the build twice that in memory while being pickled (the
# pickler's memo of every string and tuple): the largest process's peak.

class FileRecord(dict):
    """A Record that pickles as columns."""

    def __reduce__(self):
        digests = bytes.fromhex("".join(digest for _, digest in self.values()))
        return unpack_files, ("\0".join(self), *packed_stats(st for st, _ in self.values()), digests)


class FolderRecord(dict):
    """A Folders record that pickles as columns."""

    def __reduce__(self):
        return unpack_folders, ("\0".join(self), *packed_stats(self.values()))


def packed_stats(stats) -> tuple[bytes, bytes]:
    """Stats as two arrays: their numbers but the inode (signed: a symlink's size is -1), and their
    inodes (unsigned: a file system may use all 64 bits)."""
    numbers, inodes = array("q"), array("Q")
    for st in stats:
        numbers.extend(st[:-1])
        inodes.append(st[-1])
    return numbers.tobytes(), inodes.tobytes()


def unpacked_stats(numbers: bytes, inodes: bytes) -> list[tuple[int, ...]]:
    """The stats packed_stats packed."""
    signed, unsigned = array("q", numbers).tolist(), array("Q", inodes).tolist()
    width = len(signed) // len(unsigned) if unsigned else 0
    return list(zip(*(signed[at::width] for at in range(width)), unsigned))


def unpack_files(paths: str, numbers: bytes, inodes: bytes, digests: bytes) -> FileRecord:
    """A FileRecord as it pickled itself."""
    text = digests.hex()
    stats = unpacked_stats(numbers, inodes)
    return FileRecord(zip(paths.split("\0"), zip(stats, (text[at:at + 64] for at in range(0, len(text), 64)))))


def unpack_folders(paths: str, numbers: bytes, inodes: bytes) -> FolderRecord:
    """A FolderRecord as it pickled itself."""
    return FolderRecord(zip(paths.split("\0"), unpacked_stats(numbers, inodes)))


def scan_tree(root: Path) -> dict[str, Stat]:
    """Every file (or other non-directory) under root by relative path, with its stat."""
    found: dict[str, Stat] = {}
    pending = [("", str(root))]
    while pending:
        prefix, folder = pending.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                pending.append((prefix + entry.name + "/", entry.path))
            else:
                st = entry.stat(follow_symlinks=False)
                # a symlink never matches a record: its size is not the file's, so it gets replaced
                found[prefix + entry.name] = (st.st_size if not entry.is_symlink() else -1, st.st_mtime_ns, st.st_ino)
    return found


def holds_record(root: Path, record: Record, folders: Folders) -> bool:
    """True when root holds exactly the recorded files, each with its recorded size, time and inode."""
    return bool(record) and look_at_tree(root, record, folders)[0] == {rel: st for rel, (st, _) in record.items()}


def look_at_tree(root: Path, record: Record, folders: Folders) -> tuple[dict[str, Stat], Folders]:
    """What scan_tree(root) would find, read from the records when every recorded folder is
    unchanged (a file added, removed or renamed anywhere changes its folder's time): then a
    stat per file does, instead of listing two thousand folders. Also the folders' stats, when
    they were the recorded ones ({} if not)."""
    if not folders or folder_stats(root, record) != folders:
        return scan_tree(root), {}
    found, prefix = {}, f"{root}/"
    for rel in record:
        try:
            st = os.lstat(prefix + rel)
        except OSError:
            return scan_tree(root), {}
        found[rel] = (st.st_size if not stat.S_ISLNK(st.st_mode) else -1, st.st_mtime_ns, st.st_ino)
    return found, folders


def folder_names(paths) -> set[str]:
    """Every folder on the way to these relative paths: '' (the root), 'en', 'en/slug', …"""
    names = {""}
    for rel in paths:
        folder = rel.rpartition("/")[0]
        while folder not in names:
            names.add(folder)
            folder = folder.rpartition("/")[0]
    return names


def folder_stats(root: Path, record: Record, seen: Folders | None = None, touched: set[str] = frozenset()) -> Folders:
    """(mtime, inode) of root and of every folder on the way to a recorded file; {} if one is missing.

    seen: stats taken earlier in this build, which stand for every folder but the root (a rename
    changes it) and the touched ones (entries were added or removed there since)."""
    seen = seen or {}
    stats, prefix = FolderRecord(), f"{root}/"
    for name in sorted(folder_names(record)):
        if name and name not in touched and name in seen:
            stats[name] = seen[name]
            continue
        try:
            st = os.lstat(prefix + name)
        except OSError:
            return {}
        if not stat.S_ISDIR(st.st_mode):
            return {}
        stats[name] = (st.st_mtime_ns, st.st_ino)
    return stats


def known_digests(found: dict[str, Stat], record: Record) -> dict[str, str]:
    """The sha256 of every found file whose stat is still the one recorded."""
    return {rel: record[rel][1] for rel, stat in found.items() if rel in record and record[rel][0] == stat}


def stat_of(path: Path) -> Stat:
    """A file's stat as scan_tree records it."""
    st = path.lstat()
    return st.st_size, st.st_mtime_ns, st.st_ino
