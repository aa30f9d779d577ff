"""The dev server: serves site/ only, rebuilds once per burst of saves, shows build errors, recovers."""
from __future__ import annotations

import asyncio
import html
import http.client
import json
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from tornado import ioloop, websocket

from conftest import REPO, make_project

SECRET = "top secret, outside site/"


def free_port() -> int:
    """A port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(condition, what: str, limit: float = 60.0):
    """Poll condition() until it returns something true; fail after limit seconds."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    pytest.fail(f"gave up waiting for {what}")


class Server:
    """A running 'build.py serve' child process and what it printed."""

    def __init__(self, project: Path, port: int):
        self.project, self.port = project, port
        self.log = project.parent / "serve.log"
        env = dict(os.environ, PYTHONUNBUFFERED="1")
        with open(self.log, "wb") as out:
            self.process = subprocess.Popen(
                [sys.executable, str(REPO / "build.py"), "serve", "--project", str(project), "--port", str(port)],
                cwd=REPO, stdout=out, stderr=subprocess.STDOUT, env=env)
        wait_for(lambda: "serving" in self.output() or self.process.poll() is not None, "the server to start")
        assert self.process.poll() is None, self.output()

    def output(self) -> str:
        """Everything the server printed so far."""
        return self.log.read_text(encoding="utf-8", errors="replace")

    def get(self, raw_path: str) -> tuple[int, bytes]:
        """Send a request with the path exactly as given (no normalisation) and return status, body."""
        status, _, body = self.get_with_headers(raw_path)
        return status, body

    def get_with_headers(self, raw_path: str) -> tuple[int, http.client.HTTPMessage, bytes]:
        """Like get, with the response's headers too."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.putrequest("GET", raw_path, skip_host=False, skip_accept_encoding=True)
            conn.endheaders()
            response = conn.getresponse()
            return response.status, response.headers, response.read()
        finally:
            conn.close()

    def stop(self) -> None:
        """Stop the child process we started."""
        self.process.terminate()
        self.process.wait(timeout=10)


@pytest.fixture
def server(tmp_path):
    """A dev server on a free port over a project built from the real seeds, with a secret next to site/."""
    project = make_project(tmp_path / "project")
    (tmp_path / "secret.txt").write_text(SECRET, encoding="utf-8")
    (project / "secret.txt").write_text(SECRET, encoding="utf-8")
    running = Server(project, free_port())
    yield running
    running.stop()


def english_file(project: Path) -> Path:
    """The English content file the import made of the real seeds."""
    return next((project / "content").glob("*.en.md"))


def english_page(server: Server) -> str:
    """The English article page's path on the server."""
    return f"/en/{english_file(server.project).name[:-len('.en.md')]}/"


def test_serves_the_built_site_with_the_reload_script(server):
    status, body = server.get("/en/")
    assert status == 200
    assert body.startswith((server.project / "site" / "en" / "index.html").read_bytes().split(b"</body>")[0])
    assert b'<script src="/__diglot__/dev.js"></script>' in body
    assert b"__diglot__" not in (server.project / "site" / "en" / "index.html").read_bytes()
    status, script = server.get("/__diglot__/dev.js")
    assert status == 200 and b"/livereload.js?port=" in script


def test_a_folder_without_slash_redirects_so_relative_links_work(server):
    for folder in ("/en", english_page(server).rstrip("/")):
        status, headers, _ = server.get_with_headers(folder)
        assert status in (301, 302)
        location = headers["Location"].removeprefix(f"http://127.0.0.1:{server.port}")
        assert location == folder + "/"
        status, page = server.get(location)
        built = server.project / "site" / location.strip("/") / "index.html"
        assert status == 200 and page.startswith(built.read_bytes().split(b"</body>")[0])


@pytest.mark.parametrize("raw_path", [
    "/../secret.txt",
    "/../../secret.txt",
    "/en/../../secret.txt",
    "/%2e%2e/secret.txt",
    "/%2E%2E/%2e%2e/secret.txt",
    "/en/%2e%2e%2f%2e%2e%2fsecret.txt",
    "/..%2fsecret.txt",
    "/..%5csecret.txt",
    "//etc/passwd",
    "/%2fetc%2fpasswd",
    "/%2Fetc/passwd",
    "http://127.0.0.1/../secret.txt",
    "/%ff%fe",
])
def test_nothing_outside_site_is_served(server, raw_path):
    status, body = server.get(raw_path)
    assert status in (400, 403, 404)
    assert SECRET.encode() not in body
    assert b"root:" not in body


def test_a_symlink_leading_out_of_site_is_refused(server):
    site = server.project / "site"
    (site / "leak.txt").symlink_to(server.project / "secret.txt")
    (site / "leakdir").symlink_to(server.project.parent, target_is_directory=True)
    for raw_path in ("/leak.txt", "/leakdir/secret.txt"):
        status, body = server.get(raw_path)
        assert status in (403, 404)
        assert SECRET.encode() not in body


def test_a_burst_of_saves_rebuilds_once_and_the_page_shows_the_last_save(server):
    path = english_file(server.project)
    original = path.read_text(encoding="utf-8")
    before = server.output().count("rebuilt")
    for n in range(5):  # an editor saving repeatedly, faster than the quiet period
        path.write_text(original.rstrip("\n") + f" Saved edit number {n}.\n", encoding="utf-8")
        time.sleep(0.01)
    wait_for(lambda: b"Saved edit number 4." in server.get(english_page(server))[1], "the edit to show")
    time.sleep(1.0)  # room for a second, unwanted rebuild to happen
    assert server.output().count("rebuilt") == before + 1
    assert b"Saved edit number 3." not in server.get(english_page(server))[1]


def test_the_warm_cache_reaches_disk_once_the_writer_pauses(server):
    from diglot.serve.server import SAVE_AFTER_S
    from diglot.build.cache import FORMAT
    pages = server.project / ".cache" / f"pages.v{FORMAT}.pickle"
    wait_for(pages.exists, "the first build's cache to be saved", limit=SAVE_AFTER_S + 10)
    before = pages.stat().st_mtime_ns
    path = english_file(server.project)
    path.write_text(path.read_text(encoding="utf-8").rstrip("\n") + " A saved edit.\n", encoding="utf-8")
    wait_for(lambda: b"A saved edit." in server.get(english_page(server))[1], "the edit to show")
    assert pages.stat().st_mtime_ns == before  # the reload did not wait for the cache to be written
    wait_for(lambda: pages.stat().st_mtime_ns != before, "the cache to be saved", limit=SAVE_AFTER_S + 10)


def test_a_build_error_shows_in_browser_and_terminal_and_fixing_it_recovers(server):
    path = english_file(server.project)
    original = path.read_text(encoding="utf-8")
    site_page = server.project / "site" / "en" / "index.html"
    good = site_page.read_bytes()
    path.write_text(original.replace("title:", "title: [unclosed", 1), encoding="utf-8")
    wait_for(lambda: b"diglot-build-error" in server.get("/en/")[1], "the error banner")
    status, body = server.get("/en/")
    assert status == 200 and path.name.encode() in body
    assert path.name in server.output()
    assert site_page.read_bytes() == good  # the banner is the server's, never written into site/
    path.write_text(original, encoding="utf-8")
    wait_for(lambda: b"diglot-build-error" not in server.get("/en/")[1], "the banner to go")
    assert server.process.poll() is None


async def listening_page(server: Server, path: str):
    """A live-reload socket as the page at path opens it (livereload.js's handshake)."""
    conn = await websocket.websocket_connect(f"ws://127.0.0.1:{server.port}/livereload")
    conn.write_message(json.dumps({"command": "hello", "protocols": []}))
    await conn.read_message()
    conn.write_message(json.dumps({"command": "info", "url": f"http://127.0.0.1:{server.port}{path}"}))
    return conn


async def next_message(conn, seconds: float) -> dict | None:
    """The socket's next message, or None if none comes within seconds."""
    try:
        message = await asyncio.wait_for(conn.read_message(), seconds)
    except asyncio.TimeoutError:
        return None
    return json.loads(message)


def test_an_edited_article_shows_at_once_and_each_open_page_reloads_once(server):
    path, article = english_file(server.project), english_page(server)
    text = path.read_text(encoding="utf-8")
    old_title = re.search(r"^title: (.*)$", text, re.M)[1]
    status, home = server.get("/")
    assert status == 200 and html.escape(old_title, quote=False).encode() in home

    async def edit_and_watch() -> dict:
        reading, home_page = await listening_page(server, article), await listening_page(server, "/")
        await asyncio.sleep(0.3)  # the handshakes land first
        path.write_text(text.replace(old_title, "A title the writer just changed", 1), encoding="utf-8")
        rebuilds = server.output().count("rebuilt in")
        seen = {"article": await next_message(reading, 30)}
        # At once, before the rebuild: the article's own page is the edited one, the home page's
        # listing (which only the rebuild makes again) not yet, unless the rebuild came between.
        seen["article now"] = server.get(article)[1]
        seen["home now"] = server.get("/")[1]
        seen["rebuilt between"] = server.output().count("rebuilt in") > rebuilds
        seen["home"] = await next_message(home_page, 60)  # once rebuilt: the listing changed
        seen["article again"] = await next_message(reading, 2)
        return seen

    seen = ioloop.IOLoop.current().run_sync(edit_and_watch, timeout=120)
    assert seen["article"]["command"] == "reload"
    assert b"A title the writer just changed" in seen["article now"]
    assert seen["rebuilt between"] or b"A title the writer just changed" not in seen["home now"]
    assert seen["home"]["command"] == "reload"
    assert seen["article again"] is None  # the rebuild made the page the preview showed: no second reload
    assert server.get(article)[1] == seen["article now"]
    assert b"A title the writer just changed" in server.get("/")[1]


def test_open_pages_are_told_to_reload_after_a_rebuild(server):
    path = english_file(server.project)

    async def edit_and_listen() -> dict:
        home_page = await listening_page(server, "/")  # not the edited article's page: no preview
        await asyncio.sleep(0.3)  # the handshake lands first
        path.write_text(path.read_text(encoding="utf-8") + "\nOne more paragraph.\n", encoding="utf-8")
        return await next_message(home_page, 60)

    message = ioloop.IOLoop.current().run_sync(edit_and_listen, timeout=120)
    assert message["command"] == "reload"


def test_a_save_made_while_a_rebuild_runs_is_built_next(tmp_path, monkeypatch):
    from diglot.serve import server as serve
    from diglot.build.pipeline import Options, Summary, build, open_cache
    project = make_project(tmp_path / "project")
    options = Options(project=project).resolved()
    build(options)  # imports the seeds into content/
    path = english_file(project)
    builds = []

    def build_during_which_the_writer_saves(options, cache):
        builds.append(path.read_text(encoding="utf-8"))
        if len(builds) == 1:
            path.write_text(builds[0] + "Saved during the build.\n", encoding="utf-8")
        return Summary()

    monkeypatch.setattr(serve, "build", build_during_which_the_writer_saves)
    state = serve.DevState(options, open_cache(options), options.output)
    state.seen = serve.snapshot(serve.watched_paths(options))
    path.write_text(path.read_text(encoding="utf-8") + "A first save.\n", encoding="utf-8")
    for now in range(6):  # one scan a second: each finds the last one's changes over
        state.poll(float(now))
    assert len(builds) == 2 and builds[1].endswith("Saved during the build.\n")


def test_any_url_an_open_page_reports_is_looked_up_safely(tmp_path):
    from diglot.serve.files import page_file
    (tmp_path / "en").mkdir()
    (tmp_path / "en" / "index.html").write_text("<p>")
    assert page_file(tmp_path, "http://127.0.0.1:8000/en/") == "en/index.html"
    for url in ("http://127.0.0.1:8000/" + "a" * 300 + "/", "http://h/%ff/", "http://h/../secret", "http://h/\x00"):
        assert page_file(tmp_path, url) is None
