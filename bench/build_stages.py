"""Where a build's time and memory go: each stage's wall and CPU seconds, and each forked map's memory.

    .venv/bin/python bench/build_stages.py PROJECT

Builds PROJECT (as it stands: delete its site/, .cache/ and content/ first for a cold build) in
this process and prints, per stage (import, load, model, pages, search, write), its wall seconds
and the CPU seconds of this process and of its forked workers; and as the build runs (on stderr),
for every map forked on the workers, what it ran, how many items, this process's resident memory
and high-water mark when it forked, and each worker's peak resident memory (a worker's counts the
parent's pages it inherited).
"""
from __future__ import annotations

import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import diglot.build.parallel as parallel  # noqa: E402
import diglot.build.progress as progress  # noqa: E402


def memory_mib() -> tuple[float, float]:
    """This process's resident memory and its high-water mark, in MiB (Linux /proc)."""
    found = {}
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(("VmRSS:", "VmHWM:")):
                found[line.split(":")[0]] = int(line.split()[1]) / 1024
    return found.get("VmRSS", 0.0), found.get("VmHWM", 0.0)


def clock() -> tuple[float, float, float]:
    """Wall seconds, this process's CPU seconds, its finished workers' CPU seconds."""
    own, workers = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.perf_counter(), own.ru_utime + own.ru_stime, workers.ru_utime + workers.ru_stime


def watch_forks() -> None:
    """Print every forked map as it starts, and each worker's peak memory as it exits (to stderr,
    in the order they happen)."""
    start, exit_now, build_process = parallel.start_forked, os._exit, os.getpid()
    running = {"name": "?"}

    def logged_start(function, items, min_items=2, **options):
        """start_forked, noted first."""
        items = list(items)
        running["name"] = getattr(function, "__qualname__", repr(function))
        rss, peak = memory_mib()
        print(f"fork {running['name']} × {len(items):,}: parent {rss:,.0f} MiB (high-water {peak:,.0f})",
              file=sys.stderr, flush=True)
        return start(function, items, min_items, **options)

    def logged_exit(code):
        """os._exit, a worker's peak memory told first."""
        if os.getpid() != build_process:  # a worker, or a stage run apart (which forks its own)
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            print(f"  worker of {running['name']}: peak {peak:,.0f} MiB", file=sys.stderr, flush=True)
        exit_now(code)

    parallel.start_forked = logged_start  # map_forked looks it up when called
    os._exit = logged_exit


def main(argv: list[str]) -> int:
    """Build the project, then print the stages and the forks."""
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    marks: list[tuple[str, tuple[float, float, float]]] = [("start", clock())]
    progress.Progress.stage = lambda self, name: marks.append((name, clock()))
    progress.Progress.close = lambda self: marks.append(("end", clock()))
    watch_forks()
    from diglot.cli import main as diglot_main

    code = diglot_main(["build", "--project", argv[0], "--quiet"])
    marks.append(("exit", clock()))
    print(f"{'stage':8} {'wall s':>8} {'own CPU':>8} {'workers':>8}")
    for (name, before), (_, after) in zip(marks, marks[1:]):
        print(f"{name:8} {after[0] - before[0]:8.2f} {after[1] - before[1]:8.2f} {after[2] - before[2]:8.2f}")
    print(f"parent peak {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MiB")
    return code or 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
