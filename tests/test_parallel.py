"""map_forked: the same results as a serial map, the same exceptions, and a prompt stop when interrupted."""
from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

from ci import skip_or_fail
from diglot.build import parallel



@pytest.fixture(autouse=True)
def two_cores_at_least(monkeypatch):
    """Fork two workers even on a one-core machine, so these tests run (and can fail) everywhere."""
    cores = parallel.usable_cores()
    monkeypatch.setattr(parallel, "usable_cores", lambda: max(2, cores))
    monkeypatch.delenv(parallel.SERIAL_ENV, raising=False)
    if not parallel.may_fork():
        skip_or_fail("no fork() here: maps run serially")


def test_results_come_back_in_order_from_every_worker():
    # Items that take a moment, so no worker can empty the queue before the others start.
    pids = parallel.map_forked(lambda n: time.sleep(0.002) or (n * n, os.getpid()), range(200))
    assert [square for square, _ in pids] == [n * n for n in range(200)]
    assert len({pid for _, pid in pids} - {os.getpid()}) == min(parallel.usable_cores(), 200)


def test_an_exception_in_a_worker_is_raised_here_as_a_serial_map_would():
    def fail_on_seven(n):
        if n == 7:
            raise ValueError("seven")
        return n

    with pytest.raises(ValueError, match="seven"):
        parallel.map_forked(fail_on_seven, range(100))


def test_a_costly_stretch_of_items_is_shared_by_the_workers_that_get_free():
    # The last items cost most, as a site's listings and sitemap do: fixed shares would leave
    # them all to one worker while the other waited.
    cost = [0.001] * 180 + [0.05] * 20
    pids = parallel.map_forked(lambda seconds: time.sleep(seconds) or os.getpid(), cost)
    assert len(set(pids[180:])) == min(parallel.usable_cores(), 2)  # more than one worker took a costly item


def test_a_killed_workers_finished_chunks_are_kept_and_only_the_rest_is_redone_here():
    parent, redone = os.getpid(), []

    def double(n):
        if os.getpid() == parent:
            redone.append(n)
        elif n == 150:
            os.kill(os.getpid(), signal.SIGKILL)  # dies mid-chunk, after sending the chunks it finished
        time.sleep(0.002)  # so every worker gets chunks
        return 2 * n

    assert parallel.map_forked(double, range(200)) == [2 * n for n in range(200)]
    assert 150 in redone and len(redone) <= 200 // (2 * parallel.CHUNKS_PER_WORKER) + 1  # one chunk, not a share


def child_processes() -> set[int]:
    """The pids of this process's children that are still alive or not yet reaped."""
    children = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == os.getpid():
            children.add(int(stat.parent.name))
    return children


def test_an_interrupt_stops_the_workers_at_once():
    def interrupt(signum, frame):
        raise KeyboardInterrupt

    if not Path("/proc/self/stat").exists():
        skip_or_fail("needs /proc to list child processes")
    before = child_processes()
    previous = signal.signal(signal.SIGALRM, interrupt)
    try:
        signal.setitimer(signal.ITIMER_REAL, 0.5)
        started = time.monotonic()
        with pytest.raises(KeyboardInterrupt):
            parallel.map_forked(lambda n: time.sleep(60), range(8))
        assert time.monotonic() - started < 10
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    assert child_processes() <= before  # every worker was killed and reaped


def test_started_work_runs_while_the_caller_works_on():
    started = time.monotonic()
    with parallel.start_forked(lambda n: time.sleep(0.5) or n + 1, range(4)) as work:
        between = [n * 2 for n in range(100)]  # the caller's own work, meanwhile
        assert time.monotonic() - started < 0.5  # start_forked did not wait for its workers
        assert work.results() == [1, 2, 3, 4]
    assert between == [n * 2 for n in range(100)]
    assert time.monotonic() - started < 1.9  # four half-second items on two or more workers, not one by one


def test_a_new_map_starts_a_worker_only_when_a_core_is_free():
    # More CPU-bound workers than cores would only take turns, and spoil each other's caches.
    cores = parallel.usable_cores()
    with parallel.start_forked(lambda n: time.sleep(0.3 + 0.2 * n) or time.monotonic(), range(cores)) as work:
        starts = parallel.map_forked(lambda n: time.monotonic(), range(10 * cores))
        ends = work.results()  # kept while the map waited
    assert len(ends) == cores and min(starts) >= min(ends)  # every core was busy until the first ended
    assert min(starts) < max(ends) - 0.1  # but the map did not wait for all of them


def test_a_map_beside_a_longer_started_work_returns_as_soon_as_its_own_items_are_done():
    # The started work keeps one core for two seconds. The map's first worker takes every item
    # while its second waits for a core; the second, started when the first is done, must
    # still be waited for, and only for itself.
    cores = parallel.usable_cores()
    started = time.monotonic()
    with parallel.start_forked(lambda n: time.sleep(2 if n == 0 else 0) or n, range(cores)) as work:
        assert parallel.map_forked(lambda n: n * 2, range(10 * cores)) == [n * 2 for n in range(10 * cores)]
        mapped = time.monotonic()
        assert work.results() == list(range(cores))
    assert mapped - started < 1.5


def test_leaving_started_work_early_stops_its_workers():
    if not Path("/proc/self/stat").exists():
        skip_or_fail("needs /proc to list child processes")
    before = child_processes()
    started = time.monotonic()
    with pytest.raises(RuntimeError, match="caller failed"):
        with parallel.start_forked(lambda n: time.sleep(60), range(8)):
            raise RuntimeError("caller failed")
    assert time.monotonic() - started < 10
    assert child_processes() <= before


def test_bytes_kept_on_disk_come_back_whole_in_every_worker_and_the_file_leaves_no_trace(tmp_path):
    from diglot.build.spill import Spill

    spill = Spill(tmp_path)
    chunks = [bytes([n % 251]) * (n * 977) for n in range(40)]  # the first one empty
    handles = [spill.put(chunk) for chunk in chunks]
    assert parallel.map_forked(lambda handle: handle.read(), handles) == chunks
    assert [handle.read() for handle in reversed(handles)] == chunks[::-1]
    assert list(tmp_path.iterdir()) == []  # unlinked from the start: a killed build leaves nothing


def test_a_nested_map_forks_workers_of_its_own_and_its_results_come_back():
    def inner(_):
        """A map run in a forked process, on workers it forks itself."""
        return [pid for pid in parallel.map_forked(lambda n: time.sleep(0.002) or os.getpid(), range(100))]

    with parallel.start_forked(inner, [None], 1, nested=True) as work:
        [pids] = work.results()
    assert os.getpid() not in pids and len(set(pids)) == min(parallel.usable_cores(), 100)
