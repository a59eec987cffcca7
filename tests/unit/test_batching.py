"""Work split across forked processes: the same results, in order, and errors that surface; the
collector paused for a batch."""

from __future__ import annotations

import errno
import gc
import multiprocessing
import os
import pickle
import signal
import sys
import weakref

import pytest

from cobranza.batching import WorkerLost, across_processes, collector_paused, forked

linux_only = pytest.mark.skipif(sys.platform != "linux", reason="processes are forked on Linux")


def _squares(start: int, stop: int) -> list[tuple[int, int]]:
    return [(i, i * i) for i in range(start, stop)]


@linux_only
def test_split_work_comes_back_whole_and_in_order() -> None:

    def work(start: int, stop: int) -> list[tuple[int, int]]:
        return [(os.getpid(), 0), *_squares(start, stop)]

    parts = across_processes(work, 100, workers=3, pack=pickle.dumps, unpack=pickle.loads,
                             least=10)
    assert len(parts) == 3
    pids = [part[0][0] for part in parts]
    assert pids[0] == os.getpid()  # this process did the first span, children the others
    assert len(set(pids)) == 3
    assert [pair for part in parts for pair in part[1:]] == _squares(0, 100)


def test_one_worker_or_little_work_stays_in_this_process() -> None:
    def never(_: object) -> bytes:
        raise AssertionError("nothing is packed when nothing is forked")

    for workers, least in ((1, 1), (4, 1_000)):
        parts = across_processes(_squares, 100, workers=workers, pack=never, unpack=never,
                                 least=least)
        assert parts == [_squares(0, 100)]


@linux_only
def test_a_childs_error_reaches_the_caller() -> None:
    def work(start: int, stop: int) -> list[tuple[int, int]]:
        if start > 0:
            raise ValueError(f"bad span {start}")
        return _squares(start, stop)

    with pytest.raises(ValueError, match="bad span 50"):
        across_processes(work, 100, workers=2, pack=pickle.dumps, unpack=pickle.loads,
                         least=10)


@linux_only
def test_a_child_that_dies_fails_the_call_instead_of_leaving_it_waiting() -> None:
    def work(start: int, stop: int) -> list[tuple[int, int]]:
        if start > 0:
            os.kill(os.getpid(), signal.SIGKILL)  # as the out-of-memory killer would
        return _squares(start, stop)

    with pytest.raises(WorkerLost, match="exit code -9"):
        across_processes(work, 100, workers=2, pack=pickle.dumps, unpack=pickle.loads,
                         least=10)


@linux_only
def test_forked_work_is_done_by_a_child_while_the_caller_goes_on() -> None:
    read, write = os.pipe()

    def work() -> list[tuple[int, int]]:
        os.read(read, 1)  # waits for the caller: the two run at once
        return [(os.getpid(), 0), *_squares(0, 10)]

    with forked(work, pack=pickle.dumps, unpack=pickle.loads) as result:
        os.write(write, b"!")
        got = result()
    os.close(read)
    os.close(write)
    assert got[0][0] != os.getpid()
    assert got[1:] == _squares(0, 10)


@linux_only
def test_forked_work_fails_or_dies_for_the_caller_and_is_ended_if_never_asked() -> None:
    def failing() -> int:
        raise ValueError("bad names")

    with pytest.raises(ValueError, match="bad names"), forked(
            failing, pack=pickle.dumps, unpack=pickle.loads) as result:
        result()

    def dying() -> int:
        os.kill(os.getpid(), signal.SIGKILL)
        return 0

    with pytest.raises(WorkerLost), forked(dying, pack=pickle.dumps,
                                           unpack=pickle.loads) as result:
        result()
    children: list[int] = []

    def sleeping() -> int:
        signal.pause()
        return 0

    with forked(sleeping, pack=pickle.dumps, unpack=pickle.loads):
        children.extend(c.pid for c in multiprocessing.active_children() if c.pid)
    assert children
    for pid in children:  # ended on the way out, nothing left waiting
        with pytest.raises(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)


def test_not_forked_the_work_runs_here_when_asked() -> None:
    def never(_: object) -> bytes:
        raise AssertionError("nothing is packed when nothing is forked")

    with forked(lambda: os.getpid(), pack=never, unpack=never, fork=False) as result:
        assert result() == os.getpid()


@linux_only
def test_without_a_process_to_fork_the_work_is_done_here(
        monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    def refused(_process: object) -> None:
        raise BlockingIOError(errno.EAGAIN, "Resource temporarily unavailable")

    # As under a container's limit on processes.
    monkeypatch.setattr(multiprocessing.get_context("fork").Process, "start", refused)

    def work(start: int, stop: int) -> list[tuple[int, int]]:
        return [(os.getpid(), 0), *_squares(start, stop)]

    parts = across_processes(work, 100, workers=3, pack=pickle.dumps, unpack=pickle.loads,
                             least=10)
    assert {part[0][0] for part in parts} == {os.getpid()}
    assert [pair for part in parts for pair in part[1:]] == _squares(0, 100)
    with forked(os.getpid, pack=pickle.dumps, unpack=pickle.loads) as result:
        assert result() == os.getpid()
    assert "no worker process" in caplog.text


class _Node:
    def __init__(self) -> None:
        self.other: _Node | None = None


def test_the_collector_is_paused_for_a_batch_and_what_it_keeps_joins_the_oldest_generation(
        ) -> None:
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
        with collector_paused():  # a batch inside a batch leaves it to the outer one
            pass
        assert not gc.isenabled()
        kept = [[n] for n in range(1_000)]
        cycle = _Node()
        cycle.other = _Node()
        cycle.other.other = cycle
        gone = weakref.ref(cycle)
        del cycle
    assert gc.isenabled()
    # Not walked again by young collections: in the oldest generation, as if collected and
    # kept all along.
    assert any(o is kept for o in gc.get_objects(generation=2))
    assert not any(o is kept for o in gc.get_objects(generation=0))
    # A cycle the batch left is still collected, with that generation.
    gc.collect()
    assert gone() is None
