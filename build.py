#!/usr/bin/env python3
"""diglot command line: build (default), serve, check. The logic lives in the diglot package."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from diglot.cli import run

DESCRIPTION = """\
Turn a folder of plain-text news articles (seeds/) into a bilingual English/French
static site (site/). Seeds are imported into editable Markdown files under content/
(never overwriting your edits), translations are paired and aligned paragraph by
paragraph, and every article is rendered in both languages with search.

commands:
  build   import seeds, then build site/ (the default)
  serve   build, serve site/ on http://127.0.0.1:8000 and rebuild on every change
  check   import and validate everything, write nothing to site/
"""

EPILOG = """\
examples:
  python build.py                          build ./site from ./seeds and ./content
  python build.py build --base-url https://example.org/news/
  python build.py serve --port 8080
  python build.py check --strict           fail (exit 1) on any warning
  python build.py check --review           write review.html: every seed, pair and alignment, to look over
"""


def parse_args(argv: list[str]) -> argparse.Namespace:
    """Parse the command line; 'build' is the default command."""
    parser = argparse.ArgumentParser(prog="build.py", description=DESCRIPTION, epilog=EPILOG,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", nargs="?", default="build", choices=("build", "serve", "check"),
                        help="what to do (default: build)")
    parser.add_argument("--project", type=Path, default=Path("."), metavar="DIR",
                        help="project folder holding site.yaml, seeds/, content/ (default: .)")
    parser.add_argument("--output", type=Path, metavar="DIR", help="where to write the site (default: DIR/site)")
    parser.add_argument("--layouts", type=Path, metavar="DIR", help="templates folder (default: DIR/layouts)")
    parser.add_argument("--base-url", metavar="URL",
                        help="public URL of the site, e.g. https://example.org/news/ (overrides site.yaml)")
    parser.add_argument("--strict", action="store_true", help="treat every warning as an error (exit 1)")
    parser.add_argument("--no-import", action="store_true", help="build from content/ only; ignore seeds/")
    parser.add_argument("--quiet", action="store_true", help="print errors only")
    parser.add_argument("--no-cache", action="store_true",
                        help="ignore and do not write the build cache (DIR/.cache); slower, same output")
    parser.add_argument("--review", action="store_true",
                        help="check, build: also write review.html beside the site folder (never deployed): what "
                             "became of every seed, every pair's alignment side by side with confidences "
                             "(serve always shows it at /_review/)")
    parser.add_argument("--host", default="127.0.0.1", help="serve: address to bind (default: 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8000, help="serve: port (default: 8000)")
    return parser.parse_args(argv)


if __name__ == "__main__":
    sys.exit(run(parse_args(sys.argv[1:])))
