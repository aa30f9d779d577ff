"""site/ is replaced atomically; a failed write leaves the previous site intact."""
import pickle
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ci import skip_or_fail
from diglot.build.table import pickled
from diglot.build.output import check_path, look_at_trees, sync_site, write_site
from diglot.build.tree_records import FileRecord, FolderRecord, folder_stats


def through_cache(records):
    """Records as the next build reads them from the build cache (which pickles them as columns)."""
    return pickle.loads(pickled(records))


def tree(root):
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_writes_exactly_the_files_and_removes_stale_ones(tmp_path):
    out = tmp_path / "site"
    write_site({"a/index.html": b"1", "b.txt": b"2"}, out)
    write_site({"a/index.html": b"1", "c.txt": b"3"}, out)
    assert tree(out) == {"a/index.html": b"1", "c.txt": b"3"}
    assert [p.name for p in tmp_path.iterdir()] == ["site"]


def test_failure_leaves_previous_site(tmp_path):
    out = tmp_path / "site"
    write_site({"index.html": b"old"}, out)
    with pytest.raises(ValueError):
        write_site({"index.html": b"new", "../escape.txt": b"x"}, out)
    assert tree(out) == {"index.html": b"old"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_unchanged_files_are_reused_not_corrupted(tmp_path):
    out = tmp_path / "site"
    write_site({"x.html": b"same", "y.html": b"one"}, out)
    write_site({"x.html": b"same", "y.html": b"two"}, out)
    assert tree(out) == {"x.html": b"same", "y.html": b"two"}


@pytest.mark.parametrize("bad", ["../x", "/etc/passwd", "a/../../b", "", "a//b", "a\\b"])
def test_unsafe_paths_refused(bad):
    with pytest.raises(ValueError):
        check_path(bad)


def test_a_killed_builds_leftover_tree_is_removed_even_when_nothing_changed(tmp_path):
    out = tmp_path / "site"
    write_site({"index.html": b"same"}, out)
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    leftover = tmp_path / f".site.tmp-{dead.pid}"
    (leftover / "en").mkdir(parents=True)
    (leftover / "en" / "index.html").write_bytes(b"half-deleted old site")
    assert write_site({"index.html": b"same"}, out) is False
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_double_buffered_writes_keep_the_site_exact_through_edits_deletions_and_tampering(tmp_path):
    out, shadow, records = tmp_path / "site", tmp_path / "cache" / "site", {}
    builds = [{"a/index.html": b"1", "b/c/index.html": b"2", "d.txt": b"3"},
              {"a/index.html": b"1 edited", "b/c/index.html": b"2", "e.txt": b"new"},
              {"a/index.html": b"1 edited", "e.txt": b"newer"},
              {"a/index.html": b"again", "b/c/index.html": b"back"}]
    for files in builds + builds[::-1]:
        records = through_cache(sync_site(files, out, shadow, records))
        assert tree(out) == files
    (out / "a" / "index.html").write_bytes(b"changed by hand")  # the next build must repair it
    records = sync_site(builds[0], out, shadow, records)
    records = sync_site(builds[0], out, shadow, records)
    assert tree(out) == builds[0]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cache", "site"]


def test_after_edits_additions_and_deletions_the_next_build_checks_both_trees_without_listing_them(tmp_path):
    out, shadow, records = tmp_path / "site", tmp_path / "cache" / "site", {}
    first = {"a/index.html": b"1", "b/c/index.html": b"2", "b/d/index.html": b"3", "e.txt": b"4"}
    edited = {**first, "a/index.html": b"1 edited", "f/new/index.html": b"new"}
    deleted = {rel: data for rel, data in edited.items() if rel != "b/c/index.html"}  # only b/ loses an entry
    builds = [first, edited, deleted, deleted]
    for number, files in enumerate(builds):
        time.sleep(0.02)  # so a folder written now gets a time other than the one it had
        records = through_cache(sync_site(files, out, shadow, records))
        # Recorded folder times are the trees' own, so the next look stats files, not listings.
        assert records["live folders"] == folder_stats(out, records["live"])
        if number:
            assert records["shadow folders"] == folder_stats(shadow, records["shadow"]) != {}
            trees = look_at_trees(out, shadow, records)
            assert trees.live_folders and trees.shadow_folders


def test_a_double_buffered_write_that_fails_leaves_the_previous_site(tmp_path):
    out, shadow = tmp_path / "site", tmp_path / "cache" / "site"
    records = sync_site({"index.html": b"old"}, out, shadow, {})
    records = sync_site({"index.html": b"older"}, out, shadow, records)
    with pytest.raises(ValueError):
        sync_site({"index.html": b"new", "../escape.txt": b"x"}, out, shadow, records)
    assert tree(out) == {"index.html": b"older"}


def folders(root):
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_dir())


def test_a_write_that_fails_midway_leaves_no_folder_behind_for_a_later_site(tmp_path):
    from diglot.errors import DiglotError
    from diglot.build.output import Known
    out, shadow = tmp_path / "site", tmp_path / "cache" / "site"
    records = sync_site({"index.html": b"1"}, out, shadow, {})
    records = sync_site({"index.html": b"2"}, out, shadow, records)  # now there is a shadow tree
    with pytest.raises(DiglotError):  # a page the build thought a tree held, that none does
        sync_site({"index.html": b"3", "en/new/index.html": Known("0" * 64)}, out, shadow, records)
    assert tree(out) == {"index.html": b"2"}
    for files in ({"index.html": b"4"}, {"index.html": b"5"}):
        records = sync_site(files, out, shadow, records)
        assert tree(out) == files and folders(out) == []


def test_a_shadow_tree_on_another_filesystem_is_not_kept(tmp_path):
    import os
    import tempfile
    with tempfile.TemporaryDirectory(dir="/dev/shm" if os.path.isdir("/dev/shm") else None) as other:
        out, shadow = tmp_path / "site", Path(other) / "cache" / "site"
        if os.stat(tmp_path).st_dev == os.stat(other).st_dev:
            skip_or_fail("no second file system here (/dev/shm is on the same one)")
        records = {}
        for n in range(4):
            records = sync_site({"index.html": str(n).encode()}, out, shadow, records)
            assert tree(out) == {"index.html": str(n).encode()}
        assert sorted(p.name for p in tmp_path.iterdir()) == ["site"] and not shadow.exists()


def test_files_added_by_hand_deep_in_either_tree_never_reach_the_site(tmp_path):
    out, shadow, records = tmp_path / "site", tmp_path / "cache" / "site", {}
    files = [{"a/b/index.html": b"1", "c/index.html": b"2"}, {"a/b/index.html": b"1", "c/index.html": b"3"}]
    for version in files:
        records = sync_site(version, out, shadow, records)
    (out / "a" / "b" / "stray.html").write_bytes(b"added to site/ by hand")
    (shadow / "c" / "stray.html").write_bytes(b"added to the shadow by hand")
    for version in files + files:
        records = sync_site(version, out, shadow, records)
        assert tree(out) == version


paths = st.text(st.characters(blacklist_characters="\0", blacklist_categories=("Cs",)), max_size=12)
times = st.integers(-2**63, 2**63 - 1)  # nanoseconds since 1970, before it too
inodes = st.integers(0, 2**64 - 1)  # a file system may use all 64 bits
sizes = st.integers(-1, 2**63 - 1)  # -1: a symlink


@given(st.dictionaries(paths, st.tuples(st.tuples(sizes, times, inodes), st.binary(min_size=32, max_size=32))),
       st.dictionaries(paths, st.tuples(times, inodes)))
@settings(max_examples=200, deadline=None)
def test_records_come_back_from_the_cache_as_they_were_recorded(files, folders):
    """The cache pickles records as columns: every path (the root's is ""), size, time, inode and
    sha256 comes back, an empty record and one holding only the root included."""
    files = FileRecord((rel, (st_, digest.hex())) for rel, (st_, digest) in files.items())
    for record in (files, FolderRecord(folders), FolderRecord({"": (1, 2)}), FileRecord()):
        back = through_cache(record)
        assert back == record and type(back) is type(record)
