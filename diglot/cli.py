"""Run a parsed command line: call the build, print warnings and a short summary, pick the exit code."""
from __future__ import annotations

import gc
import os
import signal
import sys
from dataclasses import replace

from diglot.build.pipeline import Options, Summary, build
from diglot.build.progress import Progress
from diglot.errors import DiglotError


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
    lines += format_warnings(summary.report.warnings)
    pairs = sum(d.startswith("paired ") for d in summary.decisions)
    lines.append(f"built {plural(summary.articles, 'article')} in {len(summary.languages)} languages "
                 f"({', '.join(summary.languages)}): {plural(summary.pages, 'page')}, "
                 f"{plural(summary.files, 'file')}; {plural(pairs, 'pair')} of translations; "
                 f"{plural(len(summary.report.warnings), 'warning')}; {summary.seconds:.2f} s")
    return "\n".join(lines)


def format_warnings(warnings, shown: int = 3) -> list[str]:
    """One line per warning, but a problem shared by many files is shown a few times, then counted."""
    by_problem: dict[str, list] = {}
    for warning in warnings:
        by_problem.setdefault(warning.what, []).append(warning)
    lines = []
    for same in by_problem.values():
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


def run(args) -> int:
    """Dispatch build, serve or check; return the process exit code."""
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
