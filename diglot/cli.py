"""The command line (`diglot`, `python build.py`): parse it, run the command, print warnings and a
short summary, pick the exit code."""
from __future__ import annotations

import argparse
import gc
import os
import signal
import sys
from dataclasses import replace
from pathlib import Path

from diglot.build.pipeline import Options, Summary, build
from diglot.build.progress import Progress
from diglot.errors import DiglotError, Report
from diglot.scaffold import create_project

DESCRIPTION = """\
Turn a folder of plain-text news articles (seeds/) into a bilingual English/French
static site (site/). Seeds are imported into editable Markdown files under content/
(never overwriting your edits), translations are paired and aligned paragraph by
paragraph, and every article is rendered in both languages with search.

commands:
  build   import seeds, then build site/ (the default)
  serve   build, serve site/ on http://127.0.0.1:8000 and rebuild on every change
          (an edited article's page shows at once; the rest of the site follows)
  check   import and validate everything, write nothing to site/
  new     create a project folder: new DIR (site.yaml, seeds/, content/)
"""

EPILOG = """\
examples:
  python build.py                          build ./site from ./seeds and ./content
  diglot new my-news                       a new project folder (then: cd my-news; diglot)
  python build.py build --base-url https://example.org/news/
  python build.py serve --port 8080
  python build.py check --strict           fail (exit 1) on any warning
  python build.py check --review           write review.html: every seed, pair and alignment, to look over
"""


def parse_args(argv: list[str], prog: str = "diglot") -> argparse.Namespace:
    """Parse the command line; 'build' is the default command."""
    parser = argparse.ArgumentParser(prog=prog, description=DESCRIPTION, epilog=EPILOG,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", nargs="?", default="build", choices=("build", "serve", "check", "new"),
                        help="what to do (default: build)")
    parser.add_argument("folder", nargs="?", type=Path, metavar="DIR", help="new: the project folder to create")
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
    args = parser.parse_args(argv)
    if (args.folder is not None) != (args.command == "new"):
        parser.error("'new' takes a folder (diglot new DIR); the other commands take none (use --project DIR)")
    return args


def options_from(args) -> Options:
    """Build options from parsed arguments."""
    return Options(project=args.project, output=args.output, layouts=args.layouts, base_url=args.base_url,
                   strict=args.strict, import_seeds=not args.no_import,
                   use_cache=not getattr(args, "no_cache", False), review=getattr(args, "review", False))


def plural(count: int, word: str) -> str:
    """'1 article', '2 articles'."""
    return f"{count} {word}{'' if count == 1 else 's'}"


def format_summary(summary: Summary) -> str:
    """The closing lines: what the import did, pairing decisions, warnings, then one line of counts."""
    lines = [f"  {note}" for note in summary.report.notes]
    lines += [f"  {d}" for d in summary.decisions]
    lines += format_warnings(summary.report)
    pairs = sum(d.startswith("paired ") for d in summary.decisions)
    lines.append(f"built {plural(summary.articles, 'article')} in {len(summary.languages)} languages "
                 f"({', '.join(summary.languages)}): {plural(summary.pages, 'page')}, "
                 f"{plural(summary.files, 'file')}; {plural(pairs, 'pair')} of translations; "
                 f"{set_aside(summary)}{plural(len(summary.report.warnings), 'warning')}; {summary.seconds:.2f} s")
    return "\n".join(lines)


def set_aside(summary: Summary) -> str:
    """The seeds not imported, by kind, when there are any ("2 duplicates, 1 skipped; ")."""
    kinds = [plural(summary.duplicates, "duplicate")] if summary.duplicates else []
    kinds += [f"{summary.skipped} skipped"] if summary.skipped else []
    return f"{', '.join(kinds)}; " if kinds else ""


def format_warnings(report: Report, shown: int = 3) -> list[str]:
    """One line per warning, but a problem shared by many files is shown a few times, then counted."""
    lines = []
    for same in report.warnings_by_problem():
        lines += [f"warning: {w}" for w in same[:shown if len(same) > shown + 1 else len(same)]]
        if len(same) > shown + 1:
            lines.append(f"warning: … and {len(same) - shown} more files with the same problem")
    return lines


def stop_on_sigterm(signum, frame) -> None:
    """Turn SIGTERM into KeyboardInterrupt, so a stopped build cleans up as on Ctrl-C."""
    raise KeyboardInterrupt


def default_sigterm_in_child() -> None:
    """Forked workers keep the default SIGTERM: the pool stops them with it, even mid-wait."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def print_errors(exc: DiglotError) -> None:
    """Print every problem on its own line, then how the output was left."""
    for problem in exc.problems:
        print(f"error: {problem}", file=sys.stderr)
    print("build failed; the previous site/ was left as it was", file=sys.stderr)


def main(argv: list[str] | None = None, prog: str = "diglot") -> int:
    """The `diglot` command: parse argv (default: sys.argv) and run it; the exit code."""
    return run(parse_args(sys.argv[1:] if argv is None else argv, prog))


def run(args) -> int:
    """Dispatch build, serve, check or new; return the process exit code."""
    if args.command == "new":
        return new_project(args.folder)
    options = options_from(args)
    if args.command == "serve":
        from diglot.serve.server import serve
        return serve(options, host=args.host, port=args.port)
    if args.command == "check":
        options = replace(options, write=False)
    signal.signal(signal.SIGTERM, stop_on_sigterm)
    os.register_at_fork(after_in_child=default_sigterm_in_child)
    try:
        summary = build(options, progress=Progress(enabled=None if not args.quiet else False))
    except DiglotError as exc:
        print_errors(exc)
        return 1
    except KeyboardInterrupt:
        print("interrupted; the previous site/ was left as it was", file=sys.stderr)
        return 130
    gc.freeze()  # the process ends now: spare it a last full collection of everything the build made
    if not args.quiet:
        print(format_summary(summary))
    if options.review:
        print(f"review page: {options.resolved().review_path}")
    return 0


def new_project(folder: Path) -> int:
    """Create a project folder and say what to do next."""
    try:
        created = create_project(folder)
    except DiglotError as exc:
        for problem in exc.problems:
            print(f"error: {problem}", file=sys.stderr)
        return 1
    print("created " + ", ".join(str(path) for path in created))
    print(f"next: put plain-text articles in {folder / 'seeds'}, then run: cd {folder} && diglot serve")
    return 0
