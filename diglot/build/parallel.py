"""Map a function over many items on forked worker processes, in order; serially when forking does not pay.

Workers are forked after the work is set up, so they inherit the function and its items
(closures, Jinja environments, the site model) instead of receiving them pickled: only
results travel back, each worker's through its own pipe. The items are cut into chunks whose
numbers wait in a pipe: each worker reads the next number whenever it is free, so the cores
finish together however unevenly the items cost. Results come back in the items' order, so
output is the same whether a build ran serially or on every core.

Plain os.fork rather than multiprocessing.Pool: a Pool interrupted by Ctrl-C or SIGTERM can
deadlock while tearing itself down (an idle worker holds its task queue's lock), and a build
must stop at once, leaving the previous site/ as it was.
"""
from __future__ import annotations

import gc
import os
import pickle
import select
import selectors
import signal
from contextlib import contextmanager
from typing import Any, Callable, Sequence

from diglot.build.fileio import write_all

SERIAL_ENV = "DIGLOT_SERIAL"  # set to 1 to force every map to run in this process
# Workers take chunks of the items from a shared queue as they get free, so a costly stretch (a
# site's listings and sitemap come last) does not keep one core busy while the others wait.
CHUNKS_PER_WORKER = 16
CHUNK_NUMBER = 4  # bytes of a chunk's number in the queue
FRAME_LENGTH = 8  # bytes of the length that starts each frame of results a worker sends
# The queue is written whole before the workers start: in one write of at most PIPE_BUF bytes,
# which a pipe takes at once and whole (and a read of CHUNK_NUMBER bytes returns one number).
MAX_CHUNKS = select.PIPE_BUF // CHUNK_NUMBER

_in_worker = False  # set in forked workers: they run their own maps serially
_running: list["Forked"] = []  # started works whose workers may still be running


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
    An exception in a worker is raised again by redoing here the chunks no worker sent, so
    callers see exactly what a serial run would raise."""
    with start_forked(function, items, max(2, min_items)) as work:
        return work.results()


def start_forked(function: Callable, items: Sequence, min_items: int = 2, nested: bool = False) -> "Forked":
    """Start map_forked(function, items, min_items) and return at once: the caller works on while
    the workers do (a serial map runs when results() is asked for). Started work pays off even
    for one item, so min_items may be 1 here. nested: the workers may fork workers of their own
    (a whole stage run apart, so that what it allocates goes with its process)."""
    items = list(items)
    if not items or len(items) < min_items or not may_fork():
        return Forked(function, items, [])
    workers = min(usable_cores(), len(items))
    chunks = split_ranges(len(items), min(workers * CHUNKS_PER_WORKER, MAX_CHUNKS))
    work = Forked(function, items, chunks)
    queue, queued = os.pipe()
    os.write(queued, b"".join(number.to_bytes(CHUNK_NUMBER, "little") for number in range(len(chunks))))
    os.close(queued)  # before forking: a worker that finds the queue empty sees its end
    # As the gc module advises before a fork: the parent's objects move out of the collector's
    # reach, so no worker's collection walks them (40 ms a full one) or copies their pages by
    # touching them. The build unfreezes them when it ends (pipeline.build).
    gc.freeze()
    give_back_free_memory()
    try:
        with work.killed_on_error():
            for _ in range(workers):
                wait_for_a_free_core()
                read_end, write_end = os.pipe()
                pid = os.fork()
                if pid == 0:
                    os.close(read_end)
                    work_and_exit(function, items, chunks, queue, write_end, nested)
                os.close(write_end)
                work.children.append((pid, read_end))
                # Reaping its last worker took it off the list, maybe while this one waited for a core.
                if work not in _running:
                    _running.append(work)
    finally:
        os.close(queue)
    return work


def give_back_free_memory() -> None:
    """Return the C heap's free pages to the system (glibc's malloc_trim), if this is glibc.

    What a build frees (the import's drafts and texts, the content's bytes once parsed) stays
    resident otherwise, and every worker forked then counts the parent's resident pages as its
    own: at 10,000 articles that was a few hundred MB more in each process's peak."""
    if _malloc_trim is not None:
        _malloc_trim(0)


def find_malloc_trim():
    """glibc's malloc_trim, or None where there is none (musl, macOS, Windows)."""
    try:
        import ctypes
        return ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError, ImportError):
        return None


_malloc_trim = find_malloc_trim()


def wait_for_a_free_core() -> None:
    """Wait until fewer workers run than there are cores, reading what the running ones send.

    More CPU-bound processes than cores only take turns, and every turn costs the others their
    caches (pages rendered beside the search indexes took a third more CPU than alone): a new
    worker starts when an earlier one (of this map or of a started one) is done."""
    while sum(len(work.children) for work in _running) >= usable_cores():
        read_until(lambda exited: exited > 0)


def read_until(enough: Callable[[int], bool]) -> None:
    """Read the frames every running worker sends, each chunk's results kept in its work, and
    reap the workers that are done, until enough(how many were reaped) or none is left. Each
    frame is unpickled as soon as it is whole, while the workers go on; a worker blocks on a
    full pipe until it is read, so all of them are read at once."""
    owners = {read_end: work for work in _running for _, read_end in work.children}
    exited = 0
    with selectors.DefaultSelector() as selector:
        for read_end in owners:
            selector.register(read_end, selectors.EVENT_READ)
        while owners and not enough(exited):
            for key, _ in selector.select():
                data = os.read(key.fd, 1 << 20)
                if data:
                    owners[key.fd].take(key.fd, data)
                else:
                    selector.unregister(key.fd)
                    owners.pop(key.fd).reap_worker(key.fd)
                    exited += 1


class Forked:
    """A map running on forked workers (taking chunks of the items from a queue), or due to run
    serially.

    Use it as a context manager: leaving the block before results() (an error, Ctrl-C) kills
    and reaps the workers at once."""

    def __init__(self, function: Callable, items: list, chunks: list[tuple[int, int]]):
        """chunks: the [start, stop) ranges of items the workers take, none for a serial map."""
        self.function, self.items, self.chunks = function, items, chunks
        self.children: list[tuple[int, int]] = []  # (pid, read end of its pipe) of every worker not yet reaped
        self.done: dict[int, list] = {}  # the results of each chunk the workers sent, by chunk number
        self.partial: dict[int, bytearray] = {}  # by read end: what came of a frame not yet whole

    def wait(self) -> None:
        """Wait for the workers to finish (reading what every running worker sends meanwhile)."""
        with self.killed_on_error():
            read_until(lambda exited: not self.children)

    def take(self, read_end: int, data: bytes) -> None:
        """Add bytes a worker sent; keep the results of every frame they complete."""
        buffer = self.partial.setdefault(read_end, bytearray())
        buffer += data
        while len(buffer) >= FRAME_LENGTH:
            end = FRAME_LENGTH + int.from_bytes(buffer[:FRAME_LENGTH], "little")
            if len(buffer) < end:
                break
            number, values = load_quickly(buffer[FRAME_LENGTH:end])
            self.done[number] = values
            del buffer[:end]

    def reap_worker(self, read_end: int) -> None:
        """Close a worker's pipe, which it has closed, and wait for it to exit. A frame it left
        cut short (it was killed while writing) is dropped: its chunk is redone by results()."""
        os.close(read_end)
        self.partial.pop(read_end, None)
        for pid, end in self.children:
            if end == read_end:
                self.children.remove((pid, end))
                os.waitpid(pid, 0)
                break
        if not self.children and self in _running:
            _running.remove(self)

    def results(self) -> list:
        """Wait for the workers and return every result in the items' order; a chunk whose
        worker failed is redone here, to raise what it met."""
        if not self.chunks:
            return [self.function(item) for item in self.items]
        self.wait()
        results: list = []
        for number, (start, stop) in enumerate(self.chunks):
            values = self.done.get(number)
            if values is None:  # its worker failed: redo it here, to raise what the worker met
                values = [self.function(self.items[i]) for i in range(start, stop)]
            results.extend(values)
        return results

    @contextmanager
    def killed_on_error(self):
        """Stop the workers if the block is left by an exception."""
        try:
            yield
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        """Kill the workers and reap them."""
        for pid, _ in self.children:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        for _, read_end in list(self.children):
            self.reap_worker(read_end)  # the last one takes the work off the running list

    def __enter__(self) -> "Forked":
        """The work itself."""
        return self

    def __exit__(self, kind, value, traceback) -> None:
        """Stop whatever still runs."""
        self.stop()  # nothing left to stop once results() has returned


def work_and_exit(function: Callable, items: list, chunks: list[tuple[int, int]], queue: int,
                  write_end: int, nested: bool = False) -> None:
    """In a forked worker: compute chunks taken from the queue until it is empty, sending each
    chunk's results down the pipe as soon as they are made (a frame: length, then the pickled
    (chunk number, results)), and exit without running anything of the parent's (its finally
    blocks, atexit handlers). nested: as start_forked's."""
    global _in_worker
    _in_worker = not nested
    _running.clear()  # the parent's works: not this process's to read or stop
    try:
        while data := os.read(queue, CHUNK_NUMBER):
            number = int.from_bytes(data, "little")
            start, stop = chunks[number]
            frame = pickle.dumps((number, [function(items[i]) for i in range(start, stop)]),
                                 protocol=pickle.HIGHEST_PROTOCOL)
            write_all(write_end, len(frame).to_bytes(FRAME_LENGTH, "little"))
            write_all(write_end, frame)
    except BaseException:  # the parent redoes every chunk it did not get, to raise the real exception
        pass
    finally:
        os._exit(0)


def load_quickly(payload: bytes | bytearray) -> Any:
    """Unpickle with the cycle collector paused: the many objects a worker's results or a cache
    table hold would otherwise trigger collection after collection (it made loading three times
    slower), and unpickling creates no garbage cycles."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        return pickle.loads(payload)
    finally:
        if enabled:
            gc.enable()
