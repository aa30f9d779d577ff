"""Measure edit-to-reload in the dev server: save a content file, time until the open page shows it.

Usage: python bench/reload_timing.py PROJECT [--runs N] [--json]

PROJECT is a diglot project that has been built once (site.yaml, content/). The dev server
(`build.py serve`) runs on a free loopback port; headless Chromium opens the first English
article; each run appends a marked sentence to that article's content file and waits until
the reloaded page contains it. Printed: the median and maximum seconds over N runs, which
include the server's change detection, its debounce, the rebuild and the browser's reload.
"""

from __future__ import annotations

import argparse
import json
import socket
import statistics
import subprocess
import sys
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


def start_server(project: Path, port: int) -> subprocess.Popen:
    """Start `build.py serve` and return once it says it is serving."""
    proc = subprocess.Popen([str(PYTHON), "build.py", "serve", "--project", str(project), "--port", str(port)],
                            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    for line in proc.stdout:
        if line.startswith("serving "):
            return proc
    raise RuntimeError(f"the dev server stopped before serving (exit {proc.wait()})")


def page_shows(page, marker: str) -> bool:
    """True once the page's text contains marker; False while it is reloading."""
    try:
        return marker in (page.text_content("body", timeout=200) or "")
    except Exception:  # a reload in progress destroys the page's context for a moment
        return False


def one_edit(page, path: Path, number: int) -> float:
    """Append a marked sentence to path; return seconds until the open page shows it."""
    marker = f"Reload marker {number} {time.time_ns()}."
    text = path.read_text(encoding="utf-8").rstrip("\n")
    started = time.perf_counter()
    path.write_text(f"{text} {marker}\n", encoding="utf-8")
    while not page_shows(page, marker):
        if time.perf_counter() - started > 60:
            raise RuntimeError("the page did not reload within 60 s")
        time.sleep(0.01)
    return time.perf_counter() - started


def measure(project: Path, runs: int) -> list[float]:
    """Run the dev server and time runs edits of the first English article."""
    from playwright.sync_api import sync_playwright

    from browser import launch_chromium

    path = sorted((project / "content").glob("*.en.md"))[0]
    original = path.read_text(encoding="utf-8")
    port = free_port()
    server = start_server(project, port)
    try:
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            page = browser.new_page()
            page.goto(f"http://127.0.0.1:{port}/en/{path.name.split('.')[0]}/")
            page.wait_for_timeout(1000)  # let the live-reload socket connect
            seconds = [one_edit(page, path, n) for n in range(runs)]
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
        path.write_text(original, encoding="utf-8")
    return seconds


def main(argv: list[str]) -> int:
    """Print the edit-to-reload figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("project", type=Path, help="a diglot project that was built once")
    parser.add_argument("--runs", type=int, default=5, help="edits to time (median)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a line")
    args = parser.parse_args(argv)
    seconds = measure(args.project.resolve(), args.runs)
    figures = {"median_s": statistics.median(seconds), "max_s": max(seconds), "runs": len(seconds)}
    if args.json:
        print(json.dumps(figures))
    else:
        print(f"serve edit→reload: {figures['median_s']:.2f} s median, {figures['max_s']:.2f} s max "
              f"over {len(seconds)} edits (target ≤ {TARGET_SECONDS:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
