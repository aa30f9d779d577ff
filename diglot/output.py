"""The only writer of site/: write everything to a temporary directory, then swap it in atomically."""
from __future__ import annotations

import ctypes
import ctypes.util
import os
import shutil
from pathlib import Path

RENAME_EXCHANGE = 2
AT_FDCWD = -100


def check_path(path: str) -> str:
    """Refuse output paths that could escape the output directory."""
    parts = path.split("/")
    if any(p in ("..", ".", "") for p in parts) or "\\" in path:
        raise ValueError(f"unsafe output path {path!r}")
    return path


def write_tree(files: dict[str, bytes], root: Path, previous: Path | None = None) -> None:
    """Write files under root; identical files of the previous tree are hard-linked, not rewritten."""
    made: set[Path] = set()
    for rel in sorted(files):
        target = root / check_path(rel)
        if target.parent not in made:
            target.parent.mkdir(parents=True, exist_ok=True)
            made.add(target.parent)
        if previous is not None and link_if_same(previous / rel, target, files[rel]):
            continue
        target.write_bytes(files[rel])


def link_if_same(old: Path, new: Path, data: bytes) -> bool:
    """Hard-link old to new when old holds exactly data (cheap rebuilds of unchanged pages)."""
    try:
        if old.stat().st_size != len(data) or old.read_bytes() != data:
            return False
        os.link(old, new)
        return True
    except OSError:
        return False


def swap_in(new: Path, target: Path) -> None:
    """Make new the target directory in one step where the OS allows it; remove the old tree."""
    if target.exists() and exchange(new, target):
        shutil.rmtree(new)
        return
    old = target.with_name(f".{target.name}.old-{os.getpid()}")
    if target.exists():
        os.rename(target, old)
    os.rename(new, target)
    shutil.rmtree(old, ignore_errors=True)


def exchange(a: Path, b: Path) -> bool:
    """Atomically exchange two paths with renameat2(RENAME_EXCHANGE); False if unsupported."""
    libc_name = ctypes.util.find_library("c")
    if not libc_name:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    return renameat2(AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), RENAME_EXCHANGE) == 0


def remove_stale_temps(target: Path) -> None:
    """Delete temporary trees left by builds that were killed (SIGKILL cannot clean up)."""
    for stale in target.parent.glob(f".{target.name}.*-*"):
        pid = stale.name.rsplit("-", 1)[-1]
        if pid.isdigit() and not process_alive(int(pid)):
            shutil.rmtree(stale, ignore_errors=True)


def process_alive(pid: int) -> bool:
    """True if a process with this pid exists."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def holds_exactly(root: Path, files: dict[str, bytes]) -> bool:
    """True when root already holds these files and nothing else (a no-change rebuild)."""
    found = []
    for folder, dirs, names in os.walk(root):
        if any(os.path.islink(os.path.join(folder, d)) for d in dirs):
            return False
        found += [os.path.relpath(os.path.join(folder, n), root).replace(os.sep, "/") for n in names]
    if len(found) != len(files) or any(name not in files for name in found):
        return False
    return all(same_bytes(root / rel, data) for rel, data in files.items())


def same_bytes(path: Path, data: bytes) -> bool:
    """True when path is a regular file holding exactly data."""
    try:
        return path.lstat().st_size == len(data) and not path.is_symlink() and path.read_bytes() == data
    except OSError:
        return False


def write_site(files: dict[str, bytes], out_dir: Path) -> bool:
    """Replace out_dir with exactly these files; on any failure the previous out_dir is untouched.

    Returns False when out_dir already held exactly these files (nothing was written)."""
    out_dir = out_dir.resolve()
    # First, even when nothing is to be written: a build killed while deleting the tree it had
    # just swapped out leaves that tree behind next to a complete site/.
    remove_stale_temps(out_dir)
    if out_dir.is_dir() and holds_exactly(out_dir, files):
        return False
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    temp = out_dir.with_name(f".{out_dir.name}.tmp-{os.getpid()}")
    shutil.rmtree(temp, ignore_errors=True)
    try:
        write_tree(files, temp, out_dir if out_dir.is_dir() else None)
        swap_in(temp, out_dir)
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        raise
    return True
