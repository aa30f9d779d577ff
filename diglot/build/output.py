"""The only writer of site/: write everything to a temporary directory, then swap it in atomically.

With a shadow directory (kept in the build cache) the swap is double-buffered: the tree that
was swapped out is kept, and the next build brings it up to date (only the files that differ)
and swaps it back in, so a small change costs a few writes instead of a whole new tree.
What each tree holds is recorded by (size, mtime, inode) and sha256 per file, so nothing has
to be read back to know it; a file changed behind diglot's back no longer matches and is rewritten.
"""
from __future__ import annotations

import hashlib
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from diglot.errors import DiglotError, Problem
from diglot.build.fileio import write_bytes
from diglot.build.swap import exchange, keep_as_shadow, remove_stale_temps, same_filesystem, swap_in
from diglot.build.tree_records import (FileRecord, Folders, Record, Stat, folder_names, folder_stats,
                                       known_digests, look_at_tree, stat_of)


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
        make_folder(target.parent, made)
        if previous is not None and link_if_same(previous / rel, target, files[rel]):
            continue
        write_bytes(target, files[rel])


def link_if_same(old: Path, new: Path, data: bytes) -> bool:
    """Hard-link old to new when old holds exactly data (cheap rebuilds of unchanged pages)."""
    try:
        if old.stat().st_size != len(data) or old.read_bytes() != data:
            return False
        os.link(old, new)
        return True
    except OSError:
        return False


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
    temp = fresh_tree(out_dir)
    shutil.rmtree(temp, ignore_errors=True)
    try:
        write_tree(files, temp, out_dir if out_dir.is_dir() else None)
        swap_in(temp, out_dir)
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        raise
    return True


# ---- double-buffered writing: update the previous tree in place, then exchange ------------------

class Known(NamedTuple):
    """A file by its sha256, with its bytes when it was just made (None: a tree already holds it)."""
    digest: str
    data: bytes | None = None


class Placed(NamedTuple):
    """A file already written into the fresh tree being built (by the worker that made it)."""
    digest: str
    stat: Stat


def bytes_of(data: bytes | Known) -> bytes | None:
    """A file's bytes, or None for a Known file a tree already holds."""
    return data.data if isinstance(data, Known) else data


def made_file(place: Path | None, rel: str, data: bytes) -> Known | Placed:
    """A file just made, with its sha256 (computed by the worker that made it): written into the
    fresh tree place, if given; else with its bytes, for the write step."""
    return place_file(place, rel, data) if place else Known(hashlib.sha256(data).hexdigest(), data)


def place_file(root: Path, rel: str, data: bytes) -> Placed:
    """Write a file into a fresh tree (nothing stands in its way there), making its folders."""
    target = os.path.join(root, check_path(rel))
    folder = os.path.dirname(target)
    # Most pages have a folder of their own, not made yet: one mkdir first costs less than an
    # open that fails, its exception, and os.makedirs walking the path (a fifth of placing a page).
    try:
        os.mkdir(folder)
    except FileExistsError:
        pass
    except FileNotFoundError:  # its parent is not there yet either
        os.makedirs(folder, exist_ok=True)  # exist_ok: another worker may make it meanwhile
    st = write_bytes(target, data)
    return Placed(hashlib.sha256(data).hexdigest(), (st.st_size, st.st_mtime_ns, st.st_ino))


def fresh_tree(out_dir: Path) -> Path:
    """Where this build writes a new tree for out_dir when it has no shadow tree to update."""
    return out_dir.with_name(f".{out_dir.name}.tmp-{os.getpid()}")


@dataclass(frozen=True)
class Trees:
    """What the live tree (site/) and its shadow hold now, by the last build's records."""
    out_dir: Path
    shadow: Path
    records: dict
    live: dict[str, Stat]
    live_known: dict[str, str]
    shadow_found: dict[str, Stat]
    shadow_known: dict[str, str]
    has_shadow: bool  # a shadow tree exists where it can be exchanged with out_dir
    live_folders: Folders  # each tree's folders as seen, when they matched the records ({} if not)
    shadow_folders: Folders

    def holds(self, rel: str, digest: str) -> bool:
        """True when the live or shadow tree holds this file with this sha256, so it need not be made."""
        return self.live_known.get(rel) == digest or self.shadow_known.get(rel) == digest


def start_fresh_tree(out_dir: Path, shadow: Path) -> Path | None:
    """When there is no shadow tree to update, the fresh tree that files may be placed into as
    they are made (the first one placed makes it); else None. Whoever starts one removes it if
    the build fails."""
    out_dir, shadow = out_dir.resolve(), shadow.resolve()
    if has_shadow_tree(out_dir, shadow):
        return None
    tree = fresh_tree(out_dir)
    shutil.rmtree(tree, ignore_errors=True)  # left by a killed build whose pid this one reuses
    return tree  # made by the first file placed in it: a build that places none leaves no folder


def has_shadow_tree(out_dir: Path, shadow: Path) -> bool:
    """True when a shadow tree exists where it can be exchanged with out_dir (both resolved)."""
    return shadow.is_dir() and same_filesystem(shadow, out_dir.parent)


def look_at_trees(out_dir: Path, shadow: Path, records: dict) -> Trees:
    """Scan the live and shadow trees and tell which of their files the records still vouch for."""
    out_dir, shadow = out_dir.resolve(), shadow.resolve()
    live, live_folders = look_at_tree(out_dir, records.get("live", {}), records.get("live folders", {}))
    has_shadow = has_shadow_tree(out_dir, shadow)
    found, shadow_folders = look_at_tree(shadow, records.get("shadow", {}), records.get("shadow folders", {})) \
        if has_shadow else ({}, {})
    return Trees(out_dir, shadow, records, live, known_digests(live, records.get("live", {})),
                 found, known_digests(found, records.get("shadow", {})), has_shadow, live_folders, shadow_folders)


def sync_site(files: dict[str, bytes | Known | Placed], out_dir: Path, shadow: Path, records: dict,
              trees: Trees | None = None) -> dict:
    """Make out_dir hold exactly these files, atomically, updating the shadow tree and swapping it in.

    records: what this returned last time ({"live": Record, "shadow": Record}); returns the new one.
    trees: look_at_trees' view, when the caller already took it. A Known file without bytes is
    taken from whichever tree holds it; a Placed one is in the fresh tree (start_fresh_tree)
    already. On any failure the previous out_dir is untouched."""
    for rel in files:
        check_path(rel)
    trees = trees or look_at_trees(out_dir, shadow, records)
    out_dir, shadow = trees.out_dir, trees.shadow
    remove_stale_temps(out_dir)
    digests = {rel: data.digest if isinstance(data, (Known, Placed)) else hashlib.sha256(data).hexdigest()
               for rel, data in files.items()}
    live, live_known = trees.live, trees.live_known
    if live.keys() == files.keys() and live_known == digests:
        if not trees.has_shadow:  # pages made again, byte for byte, may have been placed in a fresh tree
            shutil.rmtree(fresh_tree(out_dir), ignore_errors=True)
        return records  # a no-change rebuild: nothing to write
    if trees.has_shadow:
        tree, found, known = shadow, trees.shadow_found, trees.shadow_known
    else:
        tree, found, known = fresh_tree(out_dir), {}, {}
        if not any(isinstance(data, Placed) for data in files.values()):
            shutil.rmtree(tree, ignore_errors=True)  # else the caller started it: it holds those files
    try:
        written = update_tree(tree, files, digests, found, known, trees)
    except BaseException:
        shutil.rmtree(tree, ignore_errors=True)  # half updated; the live tree shares nothing it could break
        raise
    fresh = FileRecord((rel, (written[rel] if rel in written else found[rel], digests[rel])) for rel in files)
    old = FileRecord((rel, (live[rel], digest)) for rel, digest in live_known.items())
    # Folders seen by look_at_trees keep their stats but where this build added or removed an entry.
    seen = {tree: trees.shadow_folders if tree == shadow else {}, out_dir: trees.live_folders}
    touched = folder_names(written.keys() | (found.keys() - files.keys()))
    if not out_dir.exists():
        os.rename(tree, out_dir)
        return recorded(out_dir, fresh)
    if not exchange(tree, out_dir):
        swap_in(tree, out_dir)  # no atomic exchange here: no shadow either
        return recorded(out_dir, fresh)
    if tree != shadow and not keep_as_shadow(tree, shadow):
        return recorded(out_dir, fresh)
    # The swapped-out tree's folders vouch for its record only if it holds nothing else.
    return recorded(out_dir, fresh, shadow, old, whole=live.keys() == old.keys(),
                    seen=(seen[tree], touched, seen[out_dir]))


def recorded(out_dir: Path, live: Record, shadow: Path | None = None, old: Record | None = None,
             whole: bool = False, seen: tuple[Folders, set[str], Folders] = ({}, set(), {})) -> dict:
    """The records of a write: each tree's files and, when they are all it holds, its folders.

    seen: the folders of the tree now live and of the one now the shadow, as they were before
    this build wrote, and the folders it changed in the first (only those are looked at again)."""
    live_seen, touched, shadow_seen = seen
    return {"live": live, "live folders": folder_stats(out_dir, live, live_seen, touched),
            "shadow": old or FileRecord(),
            "shadow folders": folder_stats(shadow, old, shadow_seen) if shadow and old and whole else {}}


def update_tree(root: Path, files: dict[str, bytes | Known | Placed], digests: dict[str, str],
                found: dict[str, Stat], known: dict[str, str], trees: Trees) -> dict[str, Stat]:
    """Make root hold exactly files: delete what is not wanted, write what differs; returns the
    stat of every file written.

    Deleting first lets a folder take the place of a file and the other way round. A file is
    replaced (unlinked, then written), never overwritten in place: it may be a hard link shared
    with the live tree."""
    for rel in sorted(found.keys() - files.keys()):
        (root / rel).unlink()
        prune_empty(root, (root / rel).parent)
    made: set[Path] = set()
    written: dict[str, Stat] = {}
    for rel in sorted(files):
        if known.get(rel) == digests[rel]:
            continue
        if isinstance(files[rel], Placed):
            written[rel] = files[rel].stat
            continue
        target = root / rel
        if rel in found:
            target.unlink()
        make_folder(target.parent, made)
        data = bytes_of(files[rel])
        written[rel] = link_live(trees, rel, target) if data is None else replace_file(target, data)
    return written


def replace_file(target: Path, data: bytes) -> Stat:
    """Write data to target, even where a folder stands in its way (left there by hand); its stat."""
    try:
        st = write_bytes(target, data)
    except IsADirectoryError:
        shutil.rmtree(target)
        st = write_bytes(target, data)
    return st.st_size, st.st_mtime_ns, st.st_ino


def make_folder(folder: Path, made: set[Path]) -> None:
    """Create folder and any missing parents, asking the disk once per folder and build."""
    if folder in made:
        return
    try:
        os.mkdir(folder)
    except FileNotFoundError:
        make_folder(folder.parent, made)
        os.mkdir(folder)
    except FileExistsError:
        pass
    made.add(folder)


def link_live(trees: Trees, rel: str, target: Path) -> Stat:
    """Give target the live tree's copy of rel (a hard link, or a copy across filesystems);
    returns target's stat."""
    source = trees.out_dir / rel
    try:
        unchanged = stat_of(source) == trees.live[rel]
    except OSError:
        unchanged = False
    if not unchanged:
        raise DiglotError(Problem(str(source), "changed while the site was being built",
                                  "run the build again"))
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)
        return stat_of(target)
    return trees.live[rel]


def prune_empty(root: Path, folder: Path) -> None:
    """Remove folder and its parents up to root while they are empty."""
    while folder != root:
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent
