"""Map a function over many items on forked worker processes, in order; serially when forking does not pay.

Workers are forked after the work is set up, so they inherit the function and its items
(closures, Jinja environments, the site model) instead of receiving them pickled: only
results travel back, each worker's through its own pipe. Results come back in the items'
order, so output is the same whether a build ran serially or on every core.

Plain os.fork rather than multiprocessing.Pool: a Pool interrupted by Ctrl-C or SIGTERM can
deadlock while tearing itself down (an idle worker holds its task queue's lock), and a build
must stop at once, leaving the previous site/ as it was.
"""
from __future__ import annotations

import os
import pickle
import selectors
import signal
from typing import Callable, Sequence

SERIAL_ENV = "DIGLOT_SERIAL"  # set to 1 to force every map to run in this process
CHUNKS_PER_WORKER = 4  # chunks dealt round-robin, so one slow stretch of items does not load one core

_in_worker = False  # set in forked workers: they run their own maps serially


def usable_cores() -> int:
    """How many cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def may_fork() -> bool:
    """True when maps may use worker processes: several cores, fork available, not forced serial,
    and not already inside a worker."""
    return not _in_worker and usable_cores() > 1 and not os.environ.get(SERIAL_ENV) and hasattr(os, "fork")


def split_ranges(count: int, parts: int) -> list[tuple[int, int]]:
    """[start, stop) ranges that cover range(count) in order, in at most `parts` near-equal pieces."""
    parts = max(1, min(parts, count))
    bounds = [count * i // parts for i in range(parts + 1)]
    return [(a, b) for a, b in zip(bounds, bounds[1:]) if b > a]


def map_forked(function: Callable, items: Sequence, min_items: int = 2) -> list:
    """[function(item) for item in items], on forked workers when there are at least min_items.

    function must be pure (workers' side effects are lost) and its results picklable.
    An exception in a worker is raised again by redoing that worker's share here, so callers
    see exactly what a serial run would raise."""
    items = list(items)
    if len(items) < max(2, min_items) or not may_fork():
        return [function(item) for item in items]
    workers = min(usable_cores(), len(items))
    chunks = split_ranges(len(items), workers * CHUNKS_PER_WORKER)
    shares = [[i for start, stop in chunks[w::workers] for i in range(start, stop)] for w in range(workers)]
    outcomes = run_workers(function, items, shares)
    results: list = [None] * len(items)
    for share, (ok, values) in zip(shares, outcomes):
        if not ok:
            values = [function(items[i]) for i in share]  # raises what the worker met
        for i, value in zip(share, values):
            results[i] = value
    return results


def run_workers(function: Callable, items: list, shares: list[list[int]]) -> list[tuple[bool, list]]:
    """Fork one worker per share and collect each one's (ok, results); on any interruption here,
    the workers are killed before it propagates."""
    children: list[tuple[int, int]] = []  # (pid, read end of its pipe)
    try:
        for share in shares:
            read_end, write_end = os.pipe()
            pid = os.fork()
            if pid == 0:
                os.close(read_end)
                work_and_exit(function, items, share, write_end)
            os.close(write_end)
            children.append((pid, read_end))
        payloads = read_pipes([read_end for _, read_end in children])
    except BaseException:
        for pid, _ in children:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        raise
    finally:
        for pid, read_end in children:
            os.close(read_end)
            os.waitpid(pid, 0)
    return [pickle.loads(payload) if payload else (False, []) for payload in payloads]


def work_and_exit(function: Callable, items: list, share: list[int], write_end: int) -> None:
    """In a forked worker: compute the share, send (ok, results) down the pipe, and exit without
    running anything of the parent's (its finally blocks, atexit handlers)."""
    global _in_worker
    _in_worker = True
    try:
        try:
            payload = pickle.dumps((True, [function(items[i]) for i in share]), protocol=pickle.HIGHEST_PROTOCOL)
        except BaseException:  # the parent redoes this share itself, to raise the real exception
            payload = pickle.dumps((False, []))
        view = memoryview(payload)
        while view:
            view = view[os.write(write_end, view):]
    finally:
        os._exit(0)


def read_pipes(fds: list[int]) -> list[bytes]:
    """Everything written to each pipe until its writer closed it, reading all of them at once
    (a worker blocks on a full pipe until it is read)."""
    chunks: dict[int, list[bytes]] = {fd: [] for fd in fds}
    with selectors.DefaultSelector() as selector:
        for fd in fds:
            selector.register(fd, selectors.EVENT_READ)
        open_fds = len(fds)
        while open_fds:
            for key, _ in selector.select():
                data = os.read(key.fd, 1 << 20)
                if data:
                    chunks[key.fd].append(data)
                else:
                    selector.unregister(key.fd)
                    open_fds -= 1
    return [b"".join(chunks[fd]) for fd in fds]
