"""The dev server: build, serve site/ on loopback, rebuild once per burst of saves, reload the pages.

One process keeps the build cache warm in memory, so an edit re-renders only what it touches.
Build errors are printed and shown in the browser as a banner the server adds to every HTML
page it sends (never written into site/); the server keeps running and the next good build
clears it. Only files inside site/ are served: '..', encoded dots, absolute paths and
symlinks that lead outside are refused; and the owner's review page at /_review/ (written beside site/
when asked for: rendering it with every build cost a third of an edit's rebuild at 10,000 pairs).
"""
from __future__ import annotations

import html
import mimetypes
import os
import stat
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import unquote

from livereload.handlers import LiveReloadHandler, LiveReloadJSHandler
from tornado import ioloop, web

from diglot.build.cache import BuildCache
from diglot.build.pipeline import Options, Summary, build, open_cache
from diglot.errors import DiglotError
from diglot.serve.watch import Watcher, folders_under, open_watcher

POLL_MS = 100  # how often the watched folders are scanned, where inotify cannot tell us
WATCHED_POLL_S = 2.0  # with inotify, a scan now and then still catches what it cannot see (a network mount)
QUIET_S = 0.05  # a burst of saves is over when a scan this long after a change finds no other: one rebuild
SAVE_AFTER_S = 2.0  # the warm cache is written to .cache/ once the writer has paused this long
# Pages carry a CSP without 'unsafe-inline', so the dev additions are an external script that
# starts livereload and styles the error banner through the CSSOM (allowed by the CSP).
DEV_SCRIPT_PATH = "/__diglot__/dev.js"
RELOAD_SCRIPT = f'<script src="{DEV_SCRIPT_PATH}"></script>'
BANNER_STYLE = ("position:fixed;z-index:2147483647;top:0;left:0;right:0;max-height:60vh;overflow:auto;"
                "margin:0;padding:1em;background:#7f1d1d;color:#fff;font:14px/1.4 monospace;white-space:pre-wrap")
DEV_SCRIPT = ("(function(){var s=document.createElement('script');"
              "s.src='/livereload.js?port='+(window.location.port||80);document.head.appendChild(s);"
              "var b=document.getElementById('diglot-build-error');"
              f"if(b){{b.style.cssText='{BANNER_STYLE}';}}}})();\n")


# ---- what is served -------------------------------------------------------------------------

def resolve_request(root: Path, raw_path: str) -> Path | None:
    """The file under root that a request path names, or None when it must be refused.

    raw_path is the path exactly as sent (still percent-encoded)."""
    if not raw_path.startswith("/") or raw_path.startswith("//"):
        return None  # absolute-form targets and '//host/…' paths
    decoded = unquote(raw_path.split("?", 1)[0], errors="strict")
    parts = decoded.split("/")[1:]
    if any(p in (".", "..") or "\\" in p or "\x00" in p for p in parts) or "//" in decoded:
        return None
    real_root = root.resolve()
    target = real_root.joinpath(*[p for p in parts if p])
    if target.is_dir():
        target = target / "index.html"
    real = target.resolve()
    if real != real_root and real_root not in real.parents:
        return None  # a symlink that leads outside site/
    return real


def decorate_html(body: bytes, error: str | None) -> bytes:
    """An HTML page with the dev script and, after a failed build, the error banner before it."""
    extra = ""
    if error:
        extra = ('<pre id="diglot-build-error" role="alert">'
                 f"Build failed; showing the last good site.\n\n{html.escape(error)}</pre>")
    data = (extra + RELOAD_SCRIPT).encode("utf-8")
    at = body.rfind(b"</body>")
    return body[:at] + data + body[at:] if at >= 0 else body + data


def error_page(error: str | None) -> bytes:
    """What a missing page shows: a short notice (with the build error, if any)."""
    return decorate_html(b"<!doctype html><html><head><meta charset='utf-8'><title>Not found</title>"
                         b"</head><body><h1>Not found</h1></body></html>", error)


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
        if not path.is_file():
            self.set_status(404)
            self.set_header("Content-Type", "text/html; charset=utf-8")
            self.mark_build()
            self.finish(b"" if head else error_page(self.state.error))
            return
        body = path.read_bytes()
        kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        if kind == "text/html":
            body = decorate_html(body, self.state.error)
            self.mark_build()
        self.set_header("Content-Type", kind + ("; charset=utf-8" if kind.startswith("text/") else ""))
        self.set_header("Cache-Control", "no-store")  # every reload must show the new build
        self.finish(b"" if head else body)


# ---- watching and rebuilding ----------------------------------------------------------------

def snapshot(paths: list[Path]) -> dict[str, tuple[int, int]]:
    """(mtime, size) of every file under the watched paths; a change anywhere changes this."""
    found: dict[str, tuple[int, int]] = {}
    folders = []
    for path in paths:
        try:
            st = os.stat(path)
        except OSError:
            continue
        if stat.S_ISDIR(st.st_mode):
            folders.append(str(path))
        else:
            found[str(path)] = (st.st_mtime_ns, st.st_size)
    while folders:  # one stat per file: a folder listing says which entries are folders
        try:
            with os.scandir(folders.pop()) as entries:
                for entry in entries:
                    if entry.name.startswith("."):
                        continue
                    if entry.is_dir():
                        folders.append(entry.path)
                    else:
                        st = entry.stat()
                        found[entry.path] = (st.st_mtime_ns, st.st_size)
        except OSError:
            continue  # vanished while scanning: the next scan sees the deletion
    return found


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
        self.write_review = summary.write_review or self.write_review  # a replayed build changed nothing
        self.built_at = time.monotonic()
        print(describe_build(summary), flush=True)

    def poll(self, now: float) -> bool:
        """Scan the watched files; rebuild when a burst of changes has gone quiet. True if rebuilt."""
        current = snapshot(watched_paths(self.options))
        if current != self.seen:
            self.seen, self.changed_at = current, now
            return False
        if self.changed_at is None or now - self.changed_at < QUIET_S:
            self.save_cache_when_idle(now)
            return False
        self.changed_at = None
        # self.seen stays what the build starts from: a save made while it runs is seen by the next
        # scan and built then (files the import writes cost one more, replayed, build).
        self.rebuild()
        self.builds += 1
        reload_pages()
        self.watch_new_folders()
        return True

    def watch_new_folders(self) -> None:
        """Have inotify watch every watched folder, a new one too; if it cannot, poll instead."""
        if self.watcher and not self.watcher.watch(folders_under(watched_paths(self.options))):
            self.watcher.close()
            self.watcher = None

    def warm_up(self) -> None:
        """Get ready for the first edit: after a replayed build (which loads no library), run every
        step of a build that changes nothing (libraries loaded, tables read, templates compiled,
        memos filled); then unpickle the rest of the cache. The first edit is then as fast as the
        next ones."""
        if self.replayed:
            try:
                self.write_review = build(self.options, self.cache, replay=False).write_review
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
    state.poll(time.monotonic())
    idle = WATCHED_POLL_S if state.watcher else POLL_MS / 1000
    state.next_scan = loop.call_later(QUIET_S if state.changed_at is not None else idle, keep_scanning, state, loop)


def scan_on_change(state: DevState, loop: ioloop.IOLoop) -> None:
    """inotify heard a change: scan now instead of at the next poll (unless a quiet period is
    already being waited out: its scan comes soon)."""
    state.watcher.drain()
    if state.changed_at is None:
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


def reload_pages() -> None:
    """Tell every open page (livereload.js over its websocket) to reload."""
    for waiter in list(LiveReloadHandler.waiters):
        try:
            waiter.write_message(RELOAD)
        except Exception:  # a closed tab: forget it
            LiveReloadHandler.waiters.discard(waiter)


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
        shown = self.get_cookie(self.state.build_cookie)  # None from a page this server did not send
        if not listening and self in LiveReloadHandler.waiters and shown not in (None, str(self.state.builds)):
            self.write_message(RELOAD)


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
    options = replace(options.resolved(), review_later=True)  # /_review/ shows the last build's review
    state = DevState(options, open_cache(options, defer_saves=True), options.output, port=port)
    state.rebuild()
    state.warm_up()  # before serving: a page open meanwhile would wait, and could miss a reload
    state.seen = snapshot(watched_paths(options))
    make_app(state).listen(port, address=host)
    print(f"serving {options.output} on http://{host}:{port}/ (Ctrl-C to stop)", flush=True)
    start_watching(state, ioloop.IOLoop.current())
    try:
        ioloop.IOLoop.current().start()
    except KeyboardInterrupt:
        print("stopped", file=sys.stderr)
    state.cache.save()
    return 0
