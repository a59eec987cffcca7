"""What every batch path (the daily run, reconciliation) shares about running in a process, or
in several."""

from __future__ import annotations

import gc
import multiprocessing
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

R = TypeVar("R")


@contextmanager
def collector_paused() -> Iterator[None]:
    """CPython's cyclic garbage collector paused while a batch runs.

    A batch allocates a few hundred thousand records that form no reference cycles: reference
    counting frees them. Yet each full collection walks every tracked object, and the heap's
    growth triggers about a dozen: 1.8 of 9.1 CPU seconds when planning a day at 1M invoices,
    more when reconciling against 500,000 open invoices (gc.callbacks). The collector is
    resumed on the way out (only by the caller that paused it), and then collects whatever
    cycles a library made meanwhile.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def usable_cpus() -> int:
    """The CPUs this process may run on (its affinity where the system says, else all)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


# The work of the current `across_processes` call: set before the children are forked, so
# each inherits it (with everything it reaches: an index of 500,000 items is not copied, nor
# pickled, but shared page by page until written).
_work: Callable[[int, int], bytes] | None = None


def _child(span: tuple[int, int]) -> bytes:
    assert _work is not None
    return _work(*span)


def across_processes(work: Callable[[int, int], R], size: int, *, workers: int,
                     pack: Callable[[R], bytes], unpack: Callable[[bytes], R],
                     least: int = 10_000) -> list[R]:
    """`work(start, stop)` over [0, size), split in `workers` equal spans, in span order.

    This process does the first span; forked children do the others and send back
    `pack(result)`, which `unpack` turns back here. A child runs only pure computation on what
    it inherited (never the database connection, nor polars' thread pool), and leaves with
    `os._exit`, so nothing inherited is closed twice. Serial (one span, nothing packed) with
    one worker, fewer than `least` items per worker, or where processes are not forked
    (Linux only: elsewhere fork is missing or unsafe).
    """
    workers = min(workers, size // max(least, 1))
    if workers <= 1 or sys.platform != "linux":
        return [work(0, size)]
    global _work
    bounds = [size * k // workers for k in range(workers + 1)]
    spans = list(zip(bounds, bounds[1:], strict=False))
    _work = lambda start, stop: pack(work(start, stop))  # noqa: E731 (inherited, not pickled)
    try:
        with multiprocessing.get_context("fork").Pool(workers - 1) as pool:
            theirs = pool.map_async(_child, spans[1:], chunksize=1)
            mine = work(*spans[0])
            return [mine, *map(unpack, theirs.get())]
    finally:
        _work = None
