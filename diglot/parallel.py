"""Map a function over many items on forked worker processes, in order; serially when forking does not pay.

Workers are forked after the work is set up, so they inherit the function and its items
(closures, Jinja environments, the site model) instead of receiving them pickled: only
results travel back. Results come back in the items' order, so output is the same
whether a build ran serially or on every core.
"""
from __future__ import annotations

import multiprocessing
import os
from typing import Callable, Sequence

SERIAL_ENV = "DIGLOT_SERIAL"  # set to 1 to force every map to run in this process
CHUNKS_PER_WORKER = 4  # small enough chunks that one slow chunk does not leave a core idle

# (function, items) of the map in progress: forked workers inherit it, so nothing is pickled.
_work: tuple[Callable, Sequence] | None = None


def usable_cores() -> int:
    """How many cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def may_fork() -> bool:
    """True when maps may use worker processes: several cores, fork available, not forced serial,
    and not already inside a worker (pool workers cannot have children)."""
    return (_work is None and usable_cores() > 1 and not os.environ.get(SERIAL_ENV)
            and "fork" in multiprocessing.get_all_start_methods())


def split_ranges(count: int, parts: int) -> list[tuple[int, int]]:
    """[start, stop) ranges that cover range(count) in order, in at most `parts` near-equal pieces."""
    parts = max(1, min(parts, count))
    bounds = [count * i // parts for i in range(parts + 1)]
    return [(a, b) for a, b in zip(bounds, bounds[1:]) if b > a]


def run_range(bounds: tuple[int, int]) -> tuple[bool, list]:
    """In a worker: apply the inherited function to items[start:stop]; (False, []) if it raised."""
    function, items = _work
    try:
        return True, [function(items[i]) for i in range(*bounds)]
    except BaseException:  # the parent redoes this chunk itself, to raise the real exception
        return False, []


def map_forked(function: Callable, items: Sequence, min_items: int = 2) -> list:
    """[function(item) for item in items], on forked workers when there are at least min_items.

    function must be pure (workers' side effects are lost) and its results picklable.
    An exception in a worker is raised again by redoing that chunk here, so callers see
    exactly what a serial run would raise."""
    global _work
    items = list(items)
    if len(items) < max(2, min_items) or not may_fork():
        return [function(item) for item in items]
    workers = min(usable_cores(), len(items))
    ranges = split_ranges(len(items), workers * CHUNKS_PER_WORKER)
    _work = (function, items)
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            outcomes = pool.map(run_range, ranges, chunksize=1)
    finally:
        _work = None
    results = []
    for (start, stop), (ok, values) in zip(ranges, outcomes):
        results += values if ok else [function(items[i]) for i in range(start, stop)]
    return results
