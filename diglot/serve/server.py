"""The dev server: build, serve site/ on loopback, rebuild once per burst of saves, reload the pages.

One process keeps the build cache warm in memory, so an edit re-renders only what it touches;
and an edit to articles' content files shows at once on the pages of those articles, rendered
from the last build's model (build/preview.py), before the rebuild brings the rest of the site.
inotify says which files changed, so a save is seen without scanning every file.
Build errors are printed and shown in the browser as a banner the server adds to every HTML
page it sends (never written into site/); the server keeps running and the next good build
clears it. Only files inside site/ are served (serve/files.py), and the owner's review page at
/_review/ (written beside site/ when asked for: rendering it with every build cost a third of an
edit's rebuild at 10,000 pairs).
"""
from __future__ import annotations

import json
import mimetypes
import os
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from livereload.handlers import LiveReloadHandler, LiveReloadJSHandler
from tornado import ioloop, web

from diglot.build.cache import BuildCache
from diglot.build.pipeline import Options, Summary, build, open_cache
from diglot.errors import DiglotError
from diglot.serve.files import (DEV_SCRIPT, DEV_SCRIPT_PATH, decorate_html, error_page, page_file,
                                 resolve_request, site_path)
from diglot.serve.watch import (FullScan, Watcher, folders_under, open_watcher, snapshot, updated_snapshot,
                                watched_among)

POLL_MS = 100  # how often the watched folders are scanned, where inotify cannot tell us
WATCHED_POLL_S = 2.0  # with inotify, how often the paths its events named are looked at unwoken
FULL_LOOK_S = 30.0  # and how often every file is: a scan catches what inotify cannot see (a network mount)
QUIET_S = 0.05  # a burst of saves is over when a scan this long after a change finds no other: one rebuild
# After a preview, the rebuild waits for the reloaded pages to open their reload sockets (the
# server answers nothing while it builds), but no longer than this.
PREVIEW_WAIT_S = 1.0
SAVE_AFTER_S = 2.0  # the warm cache is written to .cache/ once the writer has paused this long


class SiteHandler(web.RequestHandler):
    """Serve files from site/, refusing anything that would leave it."""

    def initialize(self, state: "DevState") -> None:
        """Keep the server's state (where site/ is, the last build error)."""
        self.state = state

    def get(self) -> None:
        """Send the file, with the reload script (and any error banner) in HTML."""
        self.send(head=False)

    def head(self) -> None:
        """Like GET, without the body."""
        self.send(head=True)

    def mark_build(self) -> None:
        """Tell the page (in a cookie its live-reload socket sends back) which build it shows."""
        self.set_cookie(self.state.build_cookie, str(self.state.builds), path="/", samesite="Strict")

    def send(self, head: bool) -> None:
        """Answer one request: 403 refused, 404 missing, 301 to a folder's '/', else the file."""
        raw = self.request.uri or ""
        try:
            path = resolve_request(self.state.root, raw)
        except UnicodeDecodeError:
            path = None
        if path is None:
            self.set_status(403)
            self.finish(b"" if head else b"Forbidden\n")
            return
        asked = raw.split("?", 1)[0]
        if path.name == "index.html" and not asked.endswith(("/", "/index.html")):
            self.redirect(asked + "/")  # so the page's relative links resolve from its folder
            return
        body = self.state.served(site_path(self.state.root, path)) if path.is_file() else None
        if body is None:
            self.set_status(404)
            self.set_header("Content-Type", "text/html; charset=utf-8")
            self.mark_build()
            self.finish(b"" if head else error_page(self.state.error))
            return
        kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        if kind == "text/html":
            body = decorate_html(body, self.state.error)
            self.mark_build()
        self.set_header("Content-Type", kind + ("; charset=utf-8" if kind.startswith("text/") else ""))
        self.set_header("Cache-Control", "no-store")  # every reload must show the new build
        self.finish(b"" if head else body)


# ---- watching and rebuilding ----------------------------------------------------------------

def watched_paths(options: Options) -> list[Path]:
    """What a rebuild depends on: seeds/, content/, layouts/ and site.yaml."""
    return [options.seeds, options.content, options.layouts, options.config]


def describe_error(exc: BaseException) -> str:
    """The text shown in the terminal and the browser for a failed build."""
    if isinstance(exc, DiglotError):
        return "\n".join(f"error: {problem}" for problem in exc.problems)
    return "".join(traceback.format_exception_only(type(exc), exc)).strip()


def describe_build(summary: Summary) -> str:
    """One line per rebuild, for the terminal."""
    warnings = f", {len(summary.report.warnings)} warnings" if summary.report.warnings else ""
    return (f"rebuilt in {summary.seconds:.2f} s: {summary.rendered} of {summary.pages} pages "
            f"re-rendered{warnings}")


@dataclass
class DevState:
    """What the server knows between requests: the project, the warm cache, the last error."""

    options: Options
    cache: BuildCache
    root: Path
    error: str | None = None
    seen: dict = field(default_factory=dict)
    changed_at: float | None = None  # when the current burst of saves last changed something
    built_at: float | None = None  # when the last build whose cache is not saved yet ended
    replayed: bool = False  # the last build replayed the one before (it loaded no library)
    watcher: Watcher | None = None  # inotify, when it watches every watched folder
    next_scan: object = None  # the event loop's handle of the scheduled scan
    builds: int = 0  # rebuilds so far: every page sent carries the count (build_cookie) in a cookie
    port: int = 0
    write_review: Callable[[], Path] | None = None  # writes the last build's review page (when asked for)
    model: tuple | None = None  # the last good build's config and site model, for previews
    built_from: dict | None = None  # the snapshot the last build started from
    previewed: dict | None = None  # the snapshot the preview showed, while its rebuild is to come
    preview: dict[str, bytes] = field(default_factory=dict)  # pages served instead of site/'s until the rebuild
    rebuild_at: float | None = None  # when the rebuild after a preview starts (sooner once its pages reloaded)
    awaiting: int = 0  # pages the preview reloaded whose reload socket has not opened again yet
    heard: set[str] | None = None  # paths inotify named since the last look (None: look at everything)
    full_look_at: float = 0.0  # when the next look starts a scan of every file even with inotify
    full_scan: FullScan | None = None  # that scan, while it runs

    @property
    def build_cookie(self) -> str:
        """The cookie that tells which build a page was sent after (one per port: cookies ignore ports)."""
        return f"diglot-build-{self.port}"

    def rebuild(self) -> None:
        """Build once; remember (and print) an error instead of stopping."""
        try:
            summary = build(self.options, self.cache)
        except Exception as exc:  # a broken template or a bug must not stop the server
            self.error = describe_error(exc)
            self.write_review = getattr(exc, "write_review", None) or self.write_review  # made past the model
            print(f"{self.error}\nbuild failed; serving the last good site (fix it and save)",
                  file=sys.stderr, flush=True)
            return
        self.error, self.replayed = None, summary.replayed
        self.model = summary.model or self.model  # a replayed build changed nothing
        self.write_review = summary.write_review or self.write_review  # a replayed build changed nothing
        self.built_at = time.monotonic()
        print(describe_build(summary), flush=True)

    def poll(self, now: float) -> bool:
        """Scan the watched files; when a burst of changes has gone quiet, show the edited
        articles' pages at once (preview) and rebuild once they have reloaded, or rebuild at once
        when the edit reaches further. True if rebuilt."""
        current = self.look(now)
        if current != self.seen:
            self.seen, self.changed_at = current, now
            return False
        if self.changed_at is not None and now - self.changed_at >= QUIET_S:
            self.changed_at = None
            self.rebuild_at = now + PREVIEW_WAIT_S if self.show_preview(current) else now
        if self.changed_at is not None or self.rebuild_at is None or now < self.rebuild_at:
            if self.rebuild_at is None:  # not while a preview's pages are being asked for
                self.save_cache_when_idle(now)
            return False
        # A page the preview showed is not reloaded again if the rebuild made it as shown (and
        # nothing changed since the preview, or the error did); every other open page is.
        previewed = self.preview if self.previewed == current else {}
        self.rebuild_at, self.previewed, shown, error = None, None, self.shown_pages(), self.error
        # What the build starts from: a save made while it runs is seen by the next scan and built
        # then (files the import writes cost one more, replayed, build).
        self.built_from = current
        if self.full_scan is not None:  # the build forks its workers: no other thread may be running then
            self.full_scan.thread.join()
        self.rebuild()
        self.preview = {}
        self.builds += 1
        reload_pages({waiter for waiter, (rel, data) in shown.items()
                      if rel not in previewed or self.served(rel) != data or self.error != error})
        self.watch_new_folders()
        return True

    def look(self, now: float) -> dict[str, tuple[int, int]]:
        """Return the watched files now: with inotify, the last look with the paths it named
        statted again (and every FULL_LOOK_S, the result of a scan of every file, run meanwhile);
        a scan of every file, here, without it and after it lost events."""
        roots = watched_paths(self.options)
        if self.watcher is None or self.heard is None:
            self.heard, self.full_look_at, self.full_scan = set(), now + FULL_LOOK_S, None
            return snapshot(roots)
        named, self.heard = watched_among(self.heard, roots), set()
        # A new folder is watched before it is scanned, so no file made in it meanwhile is missed.
        self.watch_new_folders([path for path in named if os.path.isdir(path)])
        if self.watcher is None:  # out of watches: polling from now on
            return snapshot(roots)
        seen, scan = self.seen, self.full_scan
        if scan is not None:
            scan.named |= named
            if scan.done():
                self.full_scan = None
                if scan.found is not None:  # what changed while it ran is statted again over it
                    seen, named = scan.found, scan.named
        if self.full_scan is None and now >= self.full_look_at:
            self.full_scan, self.full_look_at = FullScan(roots), now + FULL_LOOK_S
        return updated_snapshot(seen, named, roots) if named else seen

    def hear(self, named: set[str] | None) -> None:
        """Note the paths inotify says changed (None: it lost events): the next look stats them."""
        self.heard = None if named is None or self.heard is None else self.heard | named

    def show_preview(self, current: dict) -> bool:
        """Show an edit at once when content files alone changed since the last good build: serve
        their articles' pages made from its model (build/preview.py) and reload the open pages
        showing them; True if it did."""
        if self.model is None or self.error or self.built_from is None:
            return False
        before, folder = self.built_from, str(self.options.content) + os.sep
        changed = {path for path in current.keys() | before.keys() if current.get(path) != before.get(path)}
        edited = {path[len(folder):] for path in changed
                  if path.startswith(folder) and path.endswith(".md") and path in before and path in current}
        if not edited or len(edited) != len(changed):
            return False
        from diglot.build.preview import preview_pages  # here: it loads the build's steps (Jinja2, lunr)
        try:
            pages = preview_pages(self.options.content, self.options.layouts, self.cache, self.model, edited)
        except Exception:  # a file the rebuild will say is wrong
            return False
        showing = {waiter for waiter, (rel, data) in self.shown_pages().items()
                   if rel in (pages or {}) and pages[rel] != data}
        if not showing:
            return False  # no open page shows what changed: the rebuild's reload will do
        self.preview.update(pages)
        self.previewed = current
        self.builds += 1
        self.awaiting = reload_pages(showing)
        print(f"showing the edit on {len(showing)} open pages; rebuilding the rest", flush=True)
        return True

    def page_listening(self, rel: str | None, now: float) -> None:
        """Count a page that opened its reload socket (rel: its file): once every page the preview
        reloaded has, the rebuild need not wait (the server answers no request while it builds)."""
        if self.rebuild_at is not None and self.awaiting > 0 and rel in self.preview:
            self.awaiting -= 1
            if self.awaiting == 0:
                self.rebuild_at = min(self.rebuild_at, now + QUIET_S)

    def served(self, rel: str) -> bytes | None:
        """Return the bytes the server sends for a file of site/ now (a preview's, else the file's)."""
        try:
            return self.preview.get(rel) or (self.root / rel).read_bytes()
        except OSError:
            return None

    def shown_pages(self) -> dict:
        """Return what each open page shows, by its reload socket: its file and bytes (None: not a file of site/)."""
        shown = {}
        for waiter in list(LiveReloadHandler.waiters):
            rel = page_file(self.root, getattr(waiter, "url", "") or "")
            shown[waiter] = (rel, None if rel is None else self.served(rel))
        return shown

    def watch_new_folders(self, paths: list[str] | None = None) -> None:
        """Have inotify watch every watched folder, a new one too (or only those under paths); if
        it cannot, poll instead."""
        folders = folders_under(watched_paths(self.options) if paths is None else paths) if self.watcher else []
        if folders and not self.watcher.watch(folders):
            self.watcher.close()
            self.watcher = None

    def warm_up(self) -> None:
        """Get ready for the first edit: after a replayed build (which loads no library), run every
        step of a build that changes nothing (libraries loaded, tables read, templates compiled,
        memos filled); then unpickle the rest of the cache. The first edit is then as fast as the
        next ones."""
        if self.replayed:
            try:
                summary = build(self.options, self.cache, replay=False)
                self.write_review, self.model = summary.write_review, summary.model
            except Exception:  # a warm-up only: the next build shows the error
                pass
        self.cache.unpickle_tables()

    def save_cache_when_idle(self, now: float) -> None:
        """Write the warm cache to disk once no save has come for SAVE_AFTER_S (a reload never
        waits for it, and a restarted server starts warm), and unpickle what the builds added."""
        if self.built_at is not None and now - self.built_at >= SAVE_AFTER_S:
            self.built_at = None
            self.cache.save()
            # What the builds put pickled (the workers' articles and search terms), unpickled
            # here once instead of in the workers of every edit to come.
            self.cache.unpickle_tables()


def keep_scanning(state: DevState, loop: ioloop.IOLoop) -> None:
    """Scan now and again later: QUIET_S after a change (is the burst over?), else at the next
    poll (rarely when inotify wakes us on every change)."""
    try:
        state.poll(time.monotonic())
    finally:  # whatever went wrong, the server keeps watching
        idle = WATCHED_POLL_S if state.watcher else POLL_MS / 1000
        soon = state.changed_at is not None or state.rebuild_at is not None
        state.next_scan = loop.call_later(QUIET_S if soon else idle, keep_scanning, state, loop)


def scan_on_change(state: DevState, loop: ioloop.IOLoop) -> None:
    """inotify heard a change: scan now instead of at the next poll (unless a quiet period is
    already being waited out: its scan comes soon)."""
    state.hear(state.watcher.drain())
    if state.changed_at is None and state.rebuild_at is None:
        loop.remove_timeout(state.next_scan)
        keep_scanning(state, loop)


def start_watching(state: DevState, loop: ioloop.IOLoop) -> None:
    """Scan on every inotify wake-up and on a timer from now on (on the timer only without inotify)."""
    state.watcher = open_watcher()
    state.watch_new_folders()
    if state.watcher:
        loop.add_handler(state.watcher.fd, lambda fd, events: scan_on_change(state, loop), ioloop.IOLoop.READ)
    keep_scanning(state, loop)


RELOAD = {"command": "reload", "path": "*", "liveCSS": False, "liveImg": False}


def reload_pages(which: set | None = None) -> int:
    """Tell the open pages (livereload.js over its websocket; which: only these) to reload; how many were told."""
    told = 0
    for waiter in list(LiveReloadHandler.waiters if which is None else which):
        try:
            waiter.write_message(RELOAD)
            told += 1
        except Exception:  # a closed tab: forget it
            LiveReloadHandler.waiters.discard(waiter)
    return told


class ReloadHandler(LiveReloadHandler):
    """livereload's socket, which also reloads at once a page sent before the last rebuild: a page
    whose socket was not open yet when that rebuild told the open pages to reload (a save made
    right after a reload, before livereload.js connected) would otherwise show the old text."""

    def initialize(self, state: "DevState") -> None:
        """Keep the server's state (how many rebuilds there were)."""
        self.state = state

    def on_message(self, message) -> None:
        """livereload's handshake; once the page is listening, reload it if a rebuild outdated it."""
        listening = self in LiveReloadHandler.waiters
        super().on_message(message)
        if listening or self not in LiveReloadHandler.waiters:
            return
        url = json.loads(message).get("url")  # the 'info' message that made it listen
        self.url = url if isinstance(url, str) else ""
        shown = self.get_cookie(self.state.build_cookie)  # None from a page this server did not send
        if shown not in (None, str(self.state.builds)):
            self.write_message(RELOAD)
        else:
            self.state.page_listening(page_file(self.state.root, self.url), time.monotonic())


class ReviewHandler(SiteHandler):
    """Serve the owner's review page at /_review/: the last build's, written beside site/
    (options.review_path) when first asked for after that build."""

    def send(self, head: bool) -> None:
        """The review page, with the reload script (and any error banner); /_review goes to /_review/."""
        if not (self.request.uri or "").split("?", 1)[0].endswith("/"):
            self.redirect("/_review/")
            return
        path = self.state.options.review_path
        if self.state.write_review:  # made now, not by every build: at 10,000 pairs it takes seconds
            try:
                self.state.write_review()
            except Exception as exc:  # a broken review layout: say so, keep serving
                self.state.error = describe_error(exc)
            self.state.write_review = None
        body = decorate_html(path.read_bytes(), self.state.error) if path.is_file() else error_page(self.state.error)
        self.set_status(200 if path.is_file() else 404)
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        self.mark_build()
        self.finish(b"" if head else body)


class DevScriptHandler(web.RequestHandler):
    """Serve the script every page gets in development (live reload, banner styles)."""

    def get(self) -> None:
        """Send DEV_SCRIPT, never cached."""
        self.set_header("Content-Type", "application/javascript; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        self.finish(DEV_SCRIPT)


def make_app(state: DevState) -> web.Application:
    """The routes: livereload's websocket and script, the dev script, then site/."""
    return web.Application([
        (r"/livereload", ReloadHandler, {"state": state}),
        (r"/livereload\.js", LiveReloadJSHandler),
        (DEV_SCRIPT_PATH.replace(".", r"\."), DevScriptHandler),
        (r"/_review/?", ReviewHandler, {"state": state}),
        (r".*", SiteHandler, {"state": state}),
    ])


def serve(options: Options, host: str = "127.0.0.1", port: int = 8000) -> int:
    """Build, then serve site/ and rebuild on every change until interrupted; returns the exit code."""
    # /_review/ shows the last build's review; an edit's own pages show before the rebuild (previews).
    options = replace(options.resolved(), review_later=True, keep_model=True)
    state = DevState(options, open_cache(options, defer_saves=True), options.output, port=port)
    state.rebuild()
    state.warm_up()  # before serving: a page open meanwhile would wait, and could miss a reload
    state.seen = state.built_from = snapshot(watched_paths(options))
    make_app(state).listen(port, address=host)
    print(f"serving {options.output} on http://{host}:{port}/ (Ctrl-C to stop)", flush=True)
    start_watching(state, ioloop.IOLoop.current())
    try:
        ioloop.IOLoop.current().start()
    except KeyboardInterrupt:
        print("stopped", file=sys.stderr)
    state.cache.save()
    return 0
