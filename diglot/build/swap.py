"""Replacing a whole output tree in one step: renameat2(RENAME_EXCHANGE) where Linux has it, else two
renames; and clearing the trees that killed builds left behind."""
from __future__ import annotations

import os
import shutil
from functools import lru_cache
from pathlib import Path


RENAME_EXCHANGE = 2


AT_FDCWD = -100


def swap_in(new: Path, target: Path) -> None:
    """Make new the target directory in one step where the OS allows it; remove the old tree."""
    if target.exists() and exchange(new, target):
        shutil.rmtree(new)
        return
    old = target.with_name(f".{target.name}.old-{os.getpid()}")
    if target.exists():
        os.rename(target, old)
    try:
        os.rename(new, target)
    except OSError:
        if old.exists():
            os.rename(old, target)  # put the previous tree back before reporting the failure
        raise
    shutil.rmtree(old, ignore_errors=True)


def exchange(a: Path, b: Path) -> bool:
    """Atomically exchange two paths with renameat2(RENAME_EXCHANGE); False if unsupported."""
    renameat2 = libc_renameat2()
    if renameat2 is None:
        return False
    return renameat2(AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), RENAME_EXCHANGE) == 0


@lru_cache(maxsize=1)
def libc_renameat2():
    """The C library's renameat2, or None where there is none (not Linux, old glibc)."""
    import ctypes  # here: most builds never swap a tree, and the import costs every build
    try:
        return getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)
    except OSError:
        return None


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


def same_filesystem(a: Path, b: Path) -> bool:
    """True when both paths exist on one filesystem (so one can be renamed onto the other)."""
    try:
        return os.stat(a).st_dev == os.stat(b).st_dev
    except OSError:
        return False


def keep_as_shadow(tree: Path, shadow: Path) -> bool:
    """Move the tree just swapped out to the shadow's place; where it cannot go (another
    filesystem), delete it and keep no shadow. True if it was kept."""
    shutil.rmtree(shadow, ignore_errors=True)
    try:
        shadow.parent.mkdir(parents=True, exist_ok=True)
        os.rename(tree, shadow)
        return True
    except OSError:
        shutil.rmtree(tree, ignore_errors=True)
        return False
