"""Run a parsed command line: call the build, print warnings and a short summary, pick the exit code."""
from __future__ import annotations

import sys
from dataclasses import replace

from .errors import DiglotError
from .pipeline import Options, Summary, build
from .progress import Progress


def options_from(args) -> Options:
    """Build options from parsed arguments."""
    return Options(project=args.project, output=args.output, layouts=args.layouts, base_url=args.base_url,
                   strict=args.strict, import_seeds=not args.no_import,
                   use_cache=not getattr(args, "no_cache", False))


def format_summary(summary: Summary) -> str:
    """The closing lines: pairing decisions, warnings, then one line of counts."""
    lines = [f"  {d}" for d in summary.decisions]
    lines += [f"warning: {w}" for w in summary.report.warnings]
    lines.append(f"built {summary.articles} articles in {len(summary.languages)} languages "
                 f"({', '.join(summary.languages)}): {summary.pages} pages, {summary.files} files, "
                 f"{len(summary.decisions)} pairing decisions, {len(summary.report.warnings)} warnings, "
                 f"{summary.seconds:.2f} s")
    return "\n".join(lines)


def print_errors(exc: DiglotError) -> None:
    """Print every problem on its own line, then how the output was left."""
    for problem in exc.problems:
        print(f"error: {problem}", file=sys.stderr)
    print("build failed; the previous site/ was left as it was", file=sys.stderr)


def run(args) -> int:
    """Dispatch build, serve or check; return the process exit code."""
    options = options_from(args)
    if args.command == "serve":
        from .serve import serve
        return serve(options, host=args.host, port=args.port)
    if args.command == "check":
        options = replace(options, write=False)
    try:
        summary = build(options, progress=Progress(enabled=None if not args.quiet else False))
    except DiglotError as exc:
        print_errors(exc)
        return 1
    except KeyboardInterrupt:
        print("interrupted; the previous site/ was left as it was", file=sys.stderr)
        return 130
    if not args.quiet:
        print(format_summary(summary))
    return 0
