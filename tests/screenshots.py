"""`make screenshots`: PNGs of the key pages, phone and desktop, both languages, in screenshots/.

Also the small pieces the browser tests share: a demo site built into a temp folder and a
local server that serves it under a sub-path, as a static host would.
"""
from __future__ import annotations

import contextlib
import functools
import sys
import tempfile
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO), str(REPO / "tests")]

SLUG = "chinas-state-security-authorities-warn-overseas-personnel-of"
WIDTHS = {"phone": (360, 740), "desktop": (1280, 900)}
PAGES = {"home-listing": "{lang}/", "article": "{lang}/" + SLUG + "/", "parallel": "{lang}/" + SLUG + "/parallel.html",
         "section": "{lang}/section/china-society/"}


class SubPathHandler(SimpleHTTPRequestHandler):
    """Serve a folder under a URL prefix such as /news/; anything outside it is 404."""

    prefix = "/"

    def translate_path(self, path: str) -> str:
        """Map /news/x to <folder>/x; other paths to a file that cannot exist."""
        if not path.startswith(self.prefix):
            return str(Path(self.directory) / "\0missing")
        return super().translate_path("/" + path[len(self.prefix):])

    def log_message(self, *args) -> None:
        """Keep test output quiet."""


@contextlib.contextmanager
def serve_site(folder: Path, prefix: str = "/news/"):
    """Serve folder at http://127.0.0.1:<free port><prefix> in a thread; yields that URL."""
    handler = type("Handler", (SubPathHandler,), {"prefix": prefix})
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{prefix}"
    finally:
        server.shutdown()
        server.server_close()


def build_demo_site(root: Path, seeds: dict[str, bytes] | None = None, base_url: str = "https://example.org/news/") -> Path:
    """Build the repo's seeds (or the given ones) into a project under root; return its site/ folder."""
    from conftest import make_project
    from diglot.build.pipeline import Options, build
    project = make_project(root / "project", seeds, base_url=base_url)
    (project / "site.yaml").write_text((project / "site.yaml").read_text(encoding="utf-8") + (
        "sections:\n  CHINA / SOCIETY: {en: China / Society, fr: Chine / Société}\n"), encoding="utf-8")
    build(Options(project=project))
    return project / "site"


def shoot(browser, base: str, out: Path) -> list[Path]:
    """Screenshot every key page at every width in both languages."""
    written = []
    for width_name, (width, height) in WIDTHS.items():
        context = browser.new_context(viewport={"width": width, "height": height})
        page = context.new_page()
        for lang in ("en", "fr"):
            for name, path in PAGES.items():
                page.goto(base + path.format(lang=lang))
                target = out / f"{name}-{lang}-{width_name}.png"
                page.screenshot(path=str(target), full_page=True)
                written.append(target)
        context.close()
    written += shoot_states(browser, base, out)
    return written


def shoot_states(browser, base: str, out: Path) -> list[Path]:
    """The states a reader makes: a peek open, and dark mode, at phone width."""
    context = browser.new_context(viewport={"width": WIDTHS["phone"][0], "height": WIDTHS["phone"][1]},
                                  color_scheme="dark")
    page = context.new_page()
    page.goto(base + PAGES["article"].format(lang="en"))
    page.locator("#s2 .peek-button").click()
    page.locator("#peek-2 p").first.wait_for()
    targets = [out / "article-en-phone-dark-peek.png", out / "parallel-fr-phone-dark.png"]
    page.screenshot(path=str(targets[0]), full_page=True)
    page.goto(base + PAGES["parallel"].format(lang="fr"))
    page.screenshot(path=str(targets[1]), full_page=True)
    context.close()
    return targets


def main() -> int:
    """Build the demo site in a temp folder, serve it, write the PNGs."""
    from playwright.sync_api import sync_playwright
    from browser import launch_chromium
    out = REPO / "screenshots"
    out.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
        site = build_demo_site(Path(tmp))
        browser = launch_chromium(playwright)
        with serve_site(site) as base:
            written = shoot(browser, base, out)
        browser.close()
    print(f"wrote {len(written)} screenshots to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
