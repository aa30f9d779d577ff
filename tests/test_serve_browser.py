"""The dev server in a real browser: an edit reloads the open page, and a build error shows as a
styled banner, all under the pages' Content-Security-Policy."""
from __future__ import annotations

import subprocess
import sys
import time

import pytest

from conftest import REPO, make_project

sys.path.insert(0, str(REPO / "bench"))
from reload_timing import DevServer, free_port  # noqa: E402


@pytest.fixture
def served(tmp_path):
    """A built project served by `build.py serve` on a free port; yields (project, base URL, server)."""
    project = make_project(tmp_path / "p")
    subprocess.run([sys.executable, str(REPO / "build.py"), "--project", str(project), "--quiet"], check=True)
    server = DevServer(project, free_port())
    yield project, f"http://127.0.0.1:{server.port}/", server
    server.stop()


def wait_for_reload_socket(page) -> None:
    """Wait until the page's livereload.js has its socket open, and its handshake has landed."""
    page.wait_for_function("() => window.LiveReload && window.LiveReload.connector._isSocketConnected()",
                           timeout=20_000)
    page.wait_for_timeout(200)


def wait_for_text(page, text: str, seconds: float = 20) -> None:
    """Poll the page (which may be reloading) until its body contains text."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if text in (page.text_content("body", timeout=500) or ""):
                return
        except Exception:  # the page is between two loads
            pass
        time.sleep(0.05)
    raise AssertionError(f"the page never showed {text!r}")


def test_edit_reloads_page_and_error_banner_comes_and_goes(browser, served):
    project, base, _ = served
    page = browser.new_page()
    violations = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    content = sorted((project / "content").glob("*.en.md"))[0]
    page.goto(f"{base}en/{content.name.split('.')[0]}/")
    wait_for_reload_socket(page)
    original = content.read_text(encoding="utf-8")
    content.write_text(original.rstrip("\n") + " A sentence added while reading.\n", encoding="utf-8")
    wait_for_text(page, "A sentence added while reading.")
    content.write_text(original.replace("title:", "title: [unclosed", 1), encoding="utf-8")
    wait_for_text(page, "Build failed")
    banner = page.locator("#diglot-build-error")
    assert banner.evaluate("el => getComputedStyle(el).position") == "fixed"
    assert str(content.name) in banner.text_content()
    content.write_text(original, encoding="utf-8")
    deadline = time.monotonic() + 20
    while page.locator("#diglot-build-error").count() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert page.locator("#diglot-build-error").count() == 0
    assert not violations, violations
    page.close()


def test_a_page_whose_reload_socket_opens_after_a_rebuild_reloads_at_once(browser, served):
    project, base, _ = served
    page = browser.new_page()
    held = []  # livereload.js, kept waiting: the page cannot listen for reloads yet
    page.route("**/livereload.js*", lambda route: held.append(route))
    content = sorted((project / "content").glob("*.en.md"))[0]
    slug = content.name.split(".")[0]
    page.goto(f"{base}en/{slug}/", wait_until="domcontentloaded")
    deadline = time.monotonic() + 20
    while not held and time.monotonic() < deadline:
        page.wait_for_timeout(50)
    assert held, "the page never asked for livereload.js"
    content.write_text(content.read_text(encoding="utf-8").rstrip("\n") + " Saved before the page listened.\n",
                       encoding="utf-8")
    built = project / "site" / "en" / slug / "index.html"
    while "Saved before the page listened." not in built.read_text(encoding="utf-8"):
        assert time.monotonic() < deadline, "the server did not rebuild"
        time.sleep(0.05)
    time.sleep(0.3)  # the server has told the pages that listen (none) to reload
    held[0].continue_()
    wait_for_text(page, "Saved before the page listened.")
    page.close()


def test_an_edit_shows_at_once_and_the_rebuild_leaves_the_page_as_it_is(browser, served):
    project, base, server = served
    page = browser.new_page()
    content = sorted((project / "content").glob("*.en.md"))[0]
    page.goto(f"{base}en/{content.name.split('.')[0]}/")
    wait_for_reload_socket(page)
    rebuilds = server.rebuilds()
    content.write_text(content.read_text(encoding="utf-8").rstrip("\n") + " Shown before the rebuild.\n",
                       encoding="utf-8")
    wait_for_text(page, "Shown before the rebuild.")
    page.evaluate("window.stillTheSamePage = true")  # gone if the page loads again
    server.wait_for("rebuilt in", rebuilds)
    page.wait_for_timeout(500)  # a reload the rebuild sent would land by now
    assert any(line.startswith("showing the edit") for line in server.lines)
    assert page.evaluate("window.stillTheSamePage === true")
    assert "Shown before the rebuild." in page.text_content("body")
    page.close()
