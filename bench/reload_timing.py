"""Measure edit-to-reload in the dev server: save a content file, time until the open page shows it.

Usage: python bench/reload_timing.py PROJECT [--runs N] [--json]

PROJECT is a diglot project that has been built once (site.yaml, content/). The dev server
(`build.py serve`) runs on a free loopback port; headless Chromium opens the first English
article; each run appends a marked sentence to that article's content file and waits until
the reloaded page contains it (the server's change detection, its debounce, its preview of the
article's pages or its rebuild, and the browser's reload), then until the server says the
rebuild of the whole site is done. Each edit is made on an idle server, as a writer saves,
reads the page, then edits again. Printed: the median and maximum seconds over N runs of both.
"""

from __future__ import annotations

import argparse
import json
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))
PYTHON = REPO / ".venv" / "bin" / "python"
TARGET_SECONDS = 1.0


def free_port() -> int:
    """A port that is free on 127.0.0.1 right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class DevServer:
    """`build.py serve` on a port, and the lines it printed so far (read on a thread)."""

    def __init__(self, project: Path, port: int):
        self.port = port
        self.process = subprocess.Popen(
            [str(PYTHON), "build.py", "serve", "--project", str(project), "--port", str(port)],
            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.lines: list[str] = []
        threading.Thread(target=self.read, daemon=True).start()
        self.wait_for("serving ", 0)

    def read(self) -> None:
        """Keep every line the server prints, as it prints it."""
        for line in self.process.stdout:
            self.lines.append(line)

    def rebuilds(self) -> int:
        """How many rebuilds the server reported."""
        return sum(line.startswith("rebuilt in") for line in self.lines)

    def wait_for(self, start: str, seen: int, limit: float = 600) -> None:
        """Wait until more than seen lines starting with start were printed."""
        deadline = time.monotonic() + limit
        while sum(line.startswith(start) for line in self.lines) <= seen:
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the dev server stopped:\n" + "".join(self.lines[-20:]))
            time.sleep(0.01)

    def stop(self) -> None:
        """Stop it."""
        self.process.terminate()
        self.process.wait(timeout=30)


def page_shows(page, marker: str) -> bool:
    """True once the page's text contains marker; False while it is reloading."""
    try:
        return marker in (page.text_content("body", timeout=200) or "")
    except Exception:  # a reload in progress destroys the page's context for a moment
        return False


def one_edit(page, path: Path, number: int, server: DevServer) -> tuple[float, float]:
    """Append a marked sentence to path; return seconds until the open page shows it and until
    the server has rebuilt the site."""
    marker = f"Reload marker {number} {time.time_ns()}."
    text = path.read_text(encoding="utf-8").rstrip("\n")
    rebuilds = server.rebuilds()
    started = time.perf_counter()
    path.write_text(f"{text} {marker}\n", encoding="utf-8")
    while not page_shows(page, marker):
        if time.perf_counter() - started > 60:
            raise RuntimeError("the page did not reload within 60 s")
        time.sleep(0.01)
    shown = time.perf_counter() - started
    server.wait_for("rebuilt in", rebuilds)
    return shown, time.perf_counter() - started


def measure(project: Path, runs: int) -> list[tuple[float, float]]:
    """Run the dev server and time runs edits of the first English article."""
    from playwright.sync_api import sync_playwright

    from browser import launch_chromium

    path = sorted((project / "content").glob("*.en.md"))[0]
    original = path.read_text(encoding="utf-8")
    server = DevServer(project, free_port())
    try:
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            page = browser.new_page()
            page.goto(f"http://127.0.0.1:{server.port}/en/{path.name.split('.')[0]}/")
            page.wait_for_timeout(1000)  # let the live-reload socket connect
            seconds = [one_edit(page, path, n, server) for n in range(runs)]
            browser.close()
    finally:
        server.stop()
        path.write_text(original, encoding="utf-8")
    return seconds


def main(argv: list[str]) -> int:
    """Print the edit-to-reload figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("project", type=Path, help="a diglot project that was built once")
    parser.add_argument("--runs", type=int, default=5, help="edits to time (median)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a line")
    args = parser.parse_args(argv)
    timings = measure(args.project.resolve(), args.runs)
    shown, rebuilt = [t[0] for t in timings], [t[1] for t in timings]
    figures = {"median_s": statistics.median(shown), "max_s": max(shown), "runs": len(shown),
               "rebuilt_median_s": statistics.median(rebuilt), "rebuilt_max_s": max(rebuilt)}
    if args.json:
        print(json.dumps(figures))
    else:
        print(f"serve edit→reload: {figures['median_s']:.2f} s median, {figures['max_s']:.2f} s max "
              f"over {len(shown)} edits (target ≤ {TARGET_SECONDS:.0f} s); whole site rebuilt after "
              f"{figures['rebuilt_median_s']:.2f} s median, {figures['rebuilt_max_s']:.2f} s max "
              f"(each edit: {', '.join(f'{a:.2f}/{b:.2f}' for a, b in timings)} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
