"""inotify wakes the dev server as soon as a watched file changes, instead of at its next poll."""
from __future__ import annotations

import asyncio
import select
import time

import pytest
from tornado import ioloop

from ci import skip_or_fail
from conftest import make_project
from diglot.serve import server as serve
from diglot.serve.watch import folders_under, open_watcher, snapshot, updated_snapshot



@pytest.fixture
def watcher_or_skip():
    """Skip without inotify (the server then polls), or fail where every test must run."""
    if open_watcher() is None:
        skip_or_fail("no inotify here: the server polls")


def readable(fd: int, seconds: float) -> bool:
    """True when fd has something to read within seconds."""
    return bool(select.select([fd], [], [], seconds)[0])


def test_folders_under_lists_subfolders_and_each_files_folder_but_no_hidden_ones(tmp_path):
    (tmp_path / "layouts" / "partials").mkdir(parents=True)
    (tmp_path / "layouts" / ".git").mkdir()
    (tmp_path / "site.yaml").write_text("title: x\n")
    found = folders_under([tmp_path / "layouts", tmp_path / "site.yaml", tmp_path / "missing"])
    assert found == [str(tmp_path / "layouts"), str(tmp_path / "layouts" / "partials"), str(tmp_path)]


def test_a_save_in_a_watched_subfolder_wakes_the_watcher_once_drained(tmp_path, watcher_or_skip):
    (tmp_path / "layouts" / "partials").mkdir(parents=True)
    watcher = open_watcher()
    try:
        assert watcher.watch(folders_under([tmp_path / "layouts"]))
        assert not readable(watcher.fd, 0.05)
        (tmp_path / "layouts" / "partials" / "head.html").write_text("<meta>")
        assert readable(watcher.fd, 2.0)
        watcher.drain()
        assert not readable(watcher.fd, 0.05)
    finally:
        watcher.close()


def test_the_watcher_names_the_files_that_changed(tmp_path, watcher_or_skip):
    (tmp_path / "content").mkdir()
    kept, gone = tmp_path / "content" / "a.en.md", tmp_path / "content" / "b.en.md"
    kept.write_text("one")
    gone.write_text("two")
    watcher = open_watcher()
    try:
        assert watcher.watch(folders_under([tmp_path / "content"]))
        kept.write_text("one, edited")
        gone.unlink()
        (tmp_path / "content" / "c.fr.md").write_text("three")
        assert readable(watcher.fd, 2.0)
        time.sleep(0.05)  # every event is in
        assert watcher.drain() == {str(kept), str(gone), str(tmp_path / "content" / "c.fr.md")}
    finally:
        watcher.close()


def test_a_folder_deleted_and_made_again_is_watched_again(tmp_path, watcher_or_skip):
    sub = tmp_path / "content" / "sub"
    sub.mkdir(parents=True)
    watcher = open_watcher()
    try:
        assert watcher.watch(folders_under([tmp_path / "content"]))
        sub.rmdir()
        sub.mkdir()
        assert readable(watcher.fd, 2.0)
        time.sleep(0.05)
        watcher.drain()  # the old watch's end is read here: the folder is no longer counted as watched
        assert watcher.watch(folders_under([sub]))
        (sub / "a.en.md").write_text("new")
        assert readable(watcher.fd, 2.0)
        assert str(sub / "a.en.md") in watcher.drain()
    finally:
        watcher.close()


def test_a_snapshot_updated_from_the_named_paths_equals_a_full_scan(tmp_path):
    content, layouts = tmp_path / "content", tmp_path / "layouts"
    for folder in (content, layouts / "partials", layouts / "old"):
        folder.mkdir(parents=True)
    for path in (content / "a.en.md", content / "b.en.md", layouts / "partials" / "x.html", layouts / "old" / "y.html"):
        path.write_text("before")
    roots = [content, layouts, tmp_path / "site.yaml"]
    before = snapshot(roots)
    (content / "a.en.md").write_text("after, longer")
    (content / "b.en.md").unlink()
    (content / ".a.en.md.swp").write_text("an editor's")
    (tmp_path / "notes.txt").write_text("not watched")
    (tmp_path / "site.yaml").write_text("title: x\n")
    (layouts / "new").mkdir()
    (layouts / "new" / "z.html").write_text("new")
    for path in (layouts / "old" / "y.html", layouts / "old"):
        path.unlink() if path.is_file() else path.rmdir()
    named = {str(p) for p in (content / "a.en.md", content / "b.en.md", content / ".a.en.md.swp",
                              tmp_path / "notes.txt", tmp_path / "site.yaml", layouts / "new", layouts / "old")}
    after = updated_snapshot(before, named, roots)
    assert after == snapshot(roots)
    assert str(content / "b.en.md") not in after and str(layouts / "new" / "z.html") in after


def rebuilds_after_a_save(tmp_path, monkeypatch, save, before=None) -> tuple[int, float]:
    """Run the dev server's watching over a built project (its builds stubbed, its polls and full
    looks too rare to matter: only inotify can bring a rebuild soon); call before(project), wait,
    then save(project). Return how many rebuilds came and the seconds from the save to the first."""
    from diglot.build.pipeline import Options, Summary, build, open_cache
    project = make_project(tmp_path / "project")
    options = Options(project=project).resolved()
    build(options)
    built = []
    monkeypatch.setattr(serve, "WATCHED_POLL_S", 60.0)
    monkeypatch.setattr(serve, "FULL_LOOK_S", 600.0)
    monkeypatch.setattr(serve, "build", lambda options, cache: built.append(time.monotonic()) or Summary())
    state = serve.DevState(options, open_cache(options), options.output)
    state.seen = serve.snapshot(serve.watched_paths(options))

    async def save_and_wait() -> float:
        serve.start_watching(state, ioloop.IOLoop.current())
        assert state.watcher is not None
        if before:
            before(project)
            await asyncio.sleep(0.5)
        saved = time.monotonic()
        save(project)
        while not built and time.monotonic() - saved < 10:
            await asyncio.sleep(0.01)
        return time.monotonic() - saved

    loop = ioloop.IOLoop()  # its own loop: the watcher's handler and timer must not outlive the test
    try:
        seconds = loop.run_sync(save_and_wait, timeout=30)
    finally:
        loop.close(all_fds=False)
        if state.watcher:
            state.watcher.close()
    return len(built), seconds


def test_the_server_rebuilds_on_a_save_without_waiting_for_its_poll(tmp_path, monkeypatch, watcher_or_skip):
    def save(project):
        path = next((project / "content").glob("*.en.md"))
        path.write_text(path.read_text(encoding="utf-8") + "A new sentence.\n", encoding="utf-8")

    built, seconds = rebuilds_after_a_save(tmp_path, monkeypatch, save)
    assert built == 1 and seconds < 2.0


def test_a_file_saved_in_a_folder_made_after_the_start_is_seen_at_once(tmp_path, monkeypatch, watcher_or_skip):
    def make_folder(project):  # an empty folder changes no file: no rebuild, but it must be watched
        (project / "content" / "more").mkdir()

    def save(project):
        (project / "content" / "more" / "notes.en.md").write_text("---\ntitle: x\n---\nText.\n", encoding="utf-8")

    built, seconds = rebuilds_after_a_save(tmp_path, monkeypatch, save, before=make_folder)
    assert built == 1 and seconds < 2.0


def test_an_edit_made_while_every_file_is_scanned_is_seen_at_once_and_after_the_scan(
        tmp_path, monkeypatch, watcher_or_skip):
    import threading

    from diglot.build.pipeline import Options, build, open_cache
    from diglot.serve import watch
    project = make_project(tmp_path / "project")
    options = Options(project=project).resolved()
    build(options)
    state = serve.DevState(options, open_cache(options), options.output)
    roots = serve.watched_paths(options)
    state.seen, state.heard, state.watcher = snapshot(roots), set(), open_watcher()
    state.watch_new_folders()
    state.full_look_at = 0.0  # the next look starts a scan of every file
    release, real_snapshot = threading.Event(), watch.snapshot

    def slow_snapshot(paths):  # reads every file first, then takes long (a big or slow disk)
        found = real_snapshot(paths)
        release.wait(10)
        return found

    monkeypatch.setattr(watch, "snapshot", slow_snapshot)
    monkeypatch.setattr(serve, "snapshot", slow_snapshot)
    try:
        started = time.monotonic()
        assert state.look(started) == state.seen
        assert time.monotonic() - started < 0.5  # the look did not wait for the scan
        assert state.full_scan is not None
        edited = next((project / "content").glob("*.en.md"))
        edited.write_text(edited.read_text(encoding="utf-8") + "An edit.\n", encoding="utf-8")
        assert readable(state.watcher.fd, 2.0)
        time.sleep(0.05)
        state.hear(state.watcher.drain())
        during = state.look(started + 1)
        assert not state.full_scan.done()
        assert during[str(edited)] == real_snapshot([edited])[str(edited)]  # seen while the scan runs
        state.seen = during
        release.set()
        state.full_scan.thread.join(5)
        after = state.look(started + 2)  # the scan's result, which read the file before the edit
        assert after == real_snapshot(roots) and state.full_scan is None
    finally:
        release.set()
        state.watcher.close()
