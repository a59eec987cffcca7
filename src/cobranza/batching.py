"""What every batch path (the daily run, reconciliation) shares about running in a process, or
in several."""

from __future__ import annotations

import gc
import logging
import multiprocessing
import os
import pickle
import sys
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

R = TypeVar("R")
log = logging.getLogger(__name__)


@contextmanager
def collector_paused() -> Iterator[None]:
    """CPython's cyclic garbage collector paused while a batch runs.

    A batch allocates a few hundred thousand records that form no reference cycles: reference
    counting frees them. Yet each full collection walks every tracked object, and the heap's
    growth triggers about a dozen: 1.8 of 9.1 CPU seconds when planning a day at 1M invoices,
    more when reconciling against 500,000 open invoices (gc.callbacks). The collector is
    resumed on the way out (only by the caller that paused it). What the batch made and still
    holds joins the oldest generation then, as if collected and kept all along: else the first
    young collection would walk all of it (0.24 s after reconciling 100,000 lines). Cycles a
    library made meanwhile are collected with that generation.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        if gc.get_freeze_count() == 0:  # (unfreezing would undo another's gc.freeze)
            gc.freeze()
            gc.unfreeze()  # every tracked object, now in the oldest generation
        gc.enable()


def usable_cpus() -> int:
    """The CPUs this process may run on (its affinity where the system says, else all)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


class WorkerLost(RuntimeError):
    """A forked worker ended without sending its result (killed, or out of memory)."""


def across_processes(work: Callable[[int, int], R], size: int, *, workers: int,
                     pack: Callable[[R], bytes], unpack: Callable[[bytes], R],
                     least: int = 10_000,
                     ahead: Callable[[int, int], None] | None = None) -> list[R]:
    """`work(start, stop)` over [0, size), split in `workers` equal spans, in span order.

    This process does the first span; forked children do the others and send back
    `pack(result)` through a pipe, which `unpack` turns back here. A child inherits what
    `work` reaches (an index of 500,000 items is neither copied nor pickled: the pages are
    shared until written) and runs only pure computation on it (never the database
    connection, nor polars' thread pool); it leaves with `os._exit`, so nothing inherited is
    closed twice. What a child must not compute itself (anything on polars) is computed here
    for its span by `ahead(start, stop)` just before it is forked. A child's exception is
    raised here; a child that dies without a word raises `WorkerLost` rather than leaving the
    call waiting. Serial (one span, nothing packed, nothing ahead) with one worker, fewer
    than `least` items per worker, or where processes are not forked (Linux only: elsewhere
    fork is missing or unsafe). A child the system will not give (a limit on processes, or
    memory) leaves its span to this process.
    """
    workers = min(workers, size // max(least, 1))
    if workers <= 1 or sys.platform != "linux":
        return [work(0, size)]
    bounds = [size * k // workers for k in range(workers + 1)]
    spans = list(zip(bounds, bounds[1:], strict=False))
    children: list[tuple[Any, Any] | None] = []
    try:
        for start, stop in spans[1:]:
            if ahead is not None:
                ahead(start, stop)
            children.append(_start(work, pack, start, stop))
        mine = work(*spans[0])
        # A span whose child could not be forked is done here, after this process's own.
        return [mine, *(work(start, stop) if started is None else unpack(_received(*started))
                        for (start, stop), started in zip(spans[1:], children, strict=True))]
    finally:
        for started in children:
            if started is not None:
                _end(*started)


@contextmanager
def forked(work: Callable[[], R], *, pack: Callable[[R], bytes], unpack: Callable[[bytes], R],
           fork: bool = True) -> Iterator[Callable[[], R]]:
    """`work()` computed by a forked child while the caller goes on; the block is given a
    function that waits for the result (sent back by `pack`, made again by `unpack`).

    The child is held to what `across_processes` asks of one: pure computation on what it
    inherits. Fork while the process is small: the pages either side then writes are copied
    (forked in the middle of a reconciliation's records, that cost more than it saved). With
    `fork=False`, where processes are not forked, or when the system gives none, `work` runs
    in this process when its result is asked for. On the way out of the block the child is
    ended, whether its result was asked for or not.
    """
    started = _start(lambda _start, _stop: work(), pack, 0, 0) if (
        fork and sys.platform == "linux") else None
    if started is None:
        yield work
        return
    try:
        yield lambda: unpack(_received(*started))
    finally:
        _end(*started)


def _start(work: Callable[[int, int], Any], pack: Callable[[Any], bytes], start: int,
           stop: int) -> tuple[Any, Any] | None:
    """A child forked to send back `pack(work(start, stop))`, and the pipe it answers
    through; None when the system gives no process (a limit on processes or open files, or
    memory): the caller then does the work itself, slower but done."""
    context = multiprocessing.get_context("fork")
    try:
        receiver, sender = context.Pipe(duplex=False)
    except OSError as exc:
        log.warning("no pipe for a worker process (%s): the work is done in this one", exc)
        return None
    child = context.Process(target=_child, args=(work, pack, start, stop, sender), daemon=True)
    try:
        child.start()
    except OSError as exc:
        log.warning("no worker process (%s): the work is done in this one", exc)
        receiver.close()
        return None
    finally:
        sender.close()  # the child's end: once the child is gone, reading here ends
    return child, receiver


def _end(child: Any, receiver: Any) -> None:
    receiver.close()
    if child.is_alive():
        child.terminate()
    child.join()


def _child(work: Callable[[int, int], Any], pack: Callable[[Any], bytes], start: int,
           stop: int, sender: Any) -> None:
    try:
        sender.send_bytes(b"+" + pack(work(start, stop)))
    except BaseException as exc:  # noqa: BLE001 (every failure goes to the parent)
        try:
            message = pickle.dumps(exc)
        except Exception:  # noqa: BLE001 (an exception that does not pickle)
            message = pickle.dumps(RuntimeError("".join(traceback.format_exception(exc))))
        sender.send_bytes(b"!" + message)
    finally:
        sender.close()


def _received(child: Any, receiver: Any) -> bytes:
    try:
        message: bytes = receiver.recv_bytes()
    except EOFError:
        child.join()
        raise WorkerLost(f"a worker process ended (exit code {child.exitcode}) without its "
                         "result") from None
    if message[:1] == b"!":
        try:
            error = pickle.loads(message[1:])
        except Exception as exc:  # noqa: BLE001 (pickled, but not made again here)
            raise RuntimeError("a worker process failed, and its error cannot be shown") from exc
        raise error
    return message[1:]
