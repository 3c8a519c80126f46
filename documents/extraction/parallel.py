"""The pages of a long document read in forked worker processes, one per core (at most four).

Celery's prefork pool runs a task in a daemonic billiard process, from which `multiprocessing`
refuses to start children; a plain `os.fork` has no such rule, takes milliseconds, and the
child starts with the caller's reader already open, under the caller's pypdf limits and
address-space limit (RLIMIT_AS is inherited: the memory bound holds per process).

The caller's process only hands out page ranges, collects the pages and keeps time:

- Page ranges go out in page order, the largest first, two queued per worker so that a worker
  never waits for the caller; the caller reports progress as the pages read so far grow.
- The caller waits for the workers at most until the deadline; its alarm (`budget.py`) also
  interrupts the wait. On every way out (done, a failure, the deadline, a cancellation raised
  by the progress callback) it kills and reaps every worker, with signals held off meanwhile
  so that no alarm can leave one behind.
- A worker starts with default signal dispositions (no inherited alarm handler; timers are not
  inherited by a fork), arms its own alarm to die a little after the deadline, is killed by
  the kernel if the caller's process dies (PR_SET_PDEATHSIG), and never returns into the
  caller's stack: it ends with `os._exit`.
- A page that fails in a worker comes back as its `JobError` (code and message) and is raised
  once every page before it is read, as reading page by page would have.
- A worker that could not start, or died without a word, ends the parallel reading: the
  pages still missing are left for the caller to read in its own process.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import importlib
import logging
import os
import pickle
import selectors
import signal
import struct
import sys
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from documents.extraction.budget import Deadline
from jobs.errors import JobError
from jobs.events import ErrorCode

logger = logging.getLogger(__name__)

T = TypeVar("T")
Chunk = tuple[int, int]  # pages start..stop-1

MAX_PROCESSES = 4
MIN_PAGES_PER_PROCESS = 8  # below this a worker costs more than it saves
CHUNKS_PER_PROCESS = 4  # a chunk is the pages left / (processes * this), so they shrink
MAX_CHUNK_PAGES = 16
QUEUED_CHUNKS = 2  # per worker
WORKER_GRACE_SECONDS = 5.0  # a worker's own alarm rings this long after the deadline

_REQUEST = struct.Struct("!II")
_FRAME = struct.Struct("!Q")
_READ_SIZE = 1 << 20
_PR_SET_PDEATHSIG = 1
# Faults are delivered to the thread that caused them, and blocking them would kill at once.
_SYNCHRONOUS = {"SIGSEGV", "SIGBUS", "SIGFPE", "SIGILL", "SIGTRAP", "SIGSYS", "SIGABRT"}
_HELD_OFF = signal.valid_signals() - {getattr(signal, name, None) for name in _SYNCHRONOUS}


def _load_libc() -> Any:
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(None, use_errno=True)
    except OSError:
        return None


_LIBC = _load_libc()


def process_count(total_pages: int) -> int:
    """How many worker processes to read `total_pages` with; 1 means none, in-process."""
    if not hasattr(os, "fork"):
        return 1
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:
        cores = os.cpu_count() or 1
    return max(1, min(cores, MAX_PROCESSES, total_pages // MIN_PAGES_PER_PROCESS))


def read_in_workers(
    read_page: Callable[[int], T],
    results: list[T | None],
    *,
    processes: int,
    deadline: Deadline,
    on_progress: Callable[[], None],
) -> None:
    """Set `results[i] = read_page(i)` for every page, reading in `processes` forked workers.

    `read_page` runs in the workers and returns something picklable, or raises `JobError`.
    `on_progress()` is called after pages arrive. Raises the `JobError` of the first failing
    page, `BudgetExceeded` once the deadline passes, and whatever `on_progress` raises; returns
    early, with pages left as None, if a worker could not start or was lost.
    """
    chunks = deque(_chunks(len(results), processes))
    _import_lazy_modules()
    workers: list[_Worker] = []
    try:
        try:
            _start_workers(read_page, workers, min(processes, len(chunks)), deadline)
        except OSError as failure:  # no memory or process slot left for a fork, no fd for a pipe
            logger.warning("extraction workers could not start, reading in-process: %s", failure)
            return
        _collect(workers, chunks, results, deadline, on_progress)
    finally:
        _stop(workers, deadline)


def _import_lazy_modules() -> None:
    """Import here, once for the life of this process, what pypdf imports on first use while
    reading pages (fontTools' CFF reader, for embedded Type 1C fonts: 30-70 ms); imported in
    each worker, it would be imported again for every document."""
    with contextlib.suppress(ImportError):
        importlib.import_module("fontTools.cffLib")


def _chunks(total: int, processes: int) -> Iterator[Chunk]:
    start = 0
    while start < total:
        share = -(-(total - start) // (processes * CHUNKS_PER_PROCESS))
        stop = start + min(MAX_CHUNK_PAGES, share)
        yield start, stop
        start = stop


@dataclass
class _Worker:
    pid: int
    requests: int  # the caller writes page ranges here
    replies: int  # and reads the pages here
    queued: deque[Chunk] = field(default_factory=deque)
    buffer: bytearray = field(default_factory=bytearray)

    def receive(self) -> tuple[list[Any], bool]:
        """The replies that arrived complete, and whether the worker has gone."""
        gone = False
        while True:
            try:
                data = os.read(self.replies, _READ_SIZE)
            except BlockingIOError:
                break
            if not data:
                gone = True
                break
            self.buffer += data
        replies = []
        while len(self.buffer) >= _FRAME.size:
            (length,) = _FRAME.unpack_from(self.buffer)
            if len(self.buffer) < _FRAME.size + length:
                break
            payload = bytes(self.buffer[_FRAME.size : _FRAME.size + length])
            del self.buffer[: _FRAME.size + length]
            replies.append(pickle.loads(payload))  # noqa: S301  # our own child wrote it
        return replies, gone


class _WorkerLost(Exception):
    pass


@contextlib.contextmanager
def _signals_held_off(deadline: Deadline) -> Iterator[set[int | signal.Signals]]:
    """No signal handler runs within the block (which gets the signal mask from before); the
    alarm is noticed by the next check."""
    with deadline.shielded():
        previous = signal.pthread_sigmask(signal.SIG_BLOCK, _HELD_OFF)
        try:
            yield previous
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _start_workers(
    read_page: Callable[[int], Any], workers: list[_Worker], count: int, deadline: Deadline
) -> None:
    parent = os.getpid()
    with _signals_held_off(deadline) as mask:
        for _ in range(count):
            requests_read, requests_write = os.pipe()
            try:
                replies_read, replies_write = os.pipe()
            except OSError:
                os.close(requests_read)
                os.close(requests_write)
                raise
            try:
                pid = os.fork()
            except OSError:
                for fd in (requests_read, requests_write, replies_read, replies_write):
                    os.close(fd)
                raise
            if pid == 0:  # the worker
                status = 1
                try:
                    inherited = [fd for w in workers for fd in (w.requests, w.replies)]
                    for fd in (*inherited, requests_write, replies_read):
                        os.close(fd)
                    status = _work(read_page, requests_read, replies_write, parent, deadline, mask)
                finally:
                    os._exit(status)
            os.close(requests_read)
            os.close(replies_write)
            os.set_blocking(replies_read, False)
            workers.append(_Worker(pid=pid, requests=requests_write, replies=replies_read))
    deadline.check()


def _collect(
    workers: list[_Worker],
    chunks: deque[Chunk],
    results: list[Any],
    deadline: Deadline,
    on_progress: Callable[[], None],
) -> None:
    total = len(results)
    failure: tuple[int, JobError] | None = None  # the first failing page and its error
    done = 0  # pages 0..done-1 are read
    with selectors.DefaultSelector() as selector:
        try:
            for worker in workers:
                selector.register(worker.replies, selectors.EVENT_READ, worker)
            for _ in range(QUEUED_CHUNKS):
                for worker in workers:
                    _send_chunk(worker, chunks)
            while True:
                while done < total and results[done] is not None:
                    done += 1
                if failure is not None and done >= failure[0]:
                    raise failure[1]
                if done == total:
                    return
                deadline.check()
                events = selector.select(max(deadline.expires_at - time.monotonic(), 0.0))
                arrived = False
                for key, _ in events:
                    worker = key.data
                    replies, gone = worker.receive()
                    for reply in replies:
                        if reply[0] != "pages":  # a crash in the worker
                            logger.warning("an extraction worker failed: %s", reply[1])
                            raise _WorkerLost
                        _, start, pages, error = reply
                        results[start : start + len(pages)] = pages
                        arrived = arrived or bool(pages)
                        worker.queued.popleft()
                        if error is not None:
                            index = start + len(pages)
                            if failure is None or index < failure[0]:
                                failure = (index, JobError(ErrorCode(error[0]), error[1]))
                                # Pages after a failure would not have been read.
                                chunks = deque(chunk for chunk in chunks if chunk[0] < index)
                        _send_chunk(worker, chunks)
                    if gone:
                        logger.warning("an extraction worker exited early, reading in-process")
                        raise _WorkerLost
                if arrived:
                    on_progress()
        except _WorkerLost:
            return


def _send_chunk(worker: _Worker, chunks: deque[Chunk]) -> None:
    if not chunks:
        return
    chunk = chunks.popleft()
    try:
        os.write(worker.requests, _REQUEST.pack(*chunk))
    except BrokenPipeError:
        raise _WorkerLost from None
    worker.queued.append(chunk)


def _stop(workers: list[_Worker], deadline: Deadline) -> None:
    """Kill and reap every worker, whatever they are doing."""
    with _signals_held_off(deadline):
        for worker in workers:
            with contextlib.suppress(ProcessLookupError):
                os.kill(worker.pid, signal.SIGKILL)
        for worker in workers:
            with contextlib.suppress(ChildProcessError):  # reaped by someone else's handler
                os.waitpid(worker.pid, 0)
            os.close(worker.requests)
            os.close(worker.replies)
        workers.clear()


# In the worker


def _work(
    read_page: Callable[[int], Any],
    requests: int,
    replies: int,
    parent: int,
    deadline: Deadline,
    mask: set[int | signal.Signals],
) -> int:
    """The worker's life: serve page ranges until the caller closes the pipe or kills it."""
    for signum in signal.valid_signals():
        handler = signal.getsignal(signum)
        if callable(handler):  # a Python handler of the caller's (its alarm, Celery's, ...)
            signal.signal(signum, signal.SIG_DFL)
    signal.setitimer(
        signal.ITIMER_REAL,
        max(deadline.expires_at - time.monotonic(), 0.0) + WORKER_GRACE_SECONDS,
    )
    if _LIBC is not None:
        _LIBC.prctl(_PR_SET_PDEATHSIG, ctypes.c_ulong(signal.SIGKILL), 0, 0, 0)
    if os.getppid() != parent:  # the caller died before the line above
        return 1
    signal.pthread_sigmask(signal.SIG_SETMASK, mask)
    gc.freeze()  # the caller's objects: not ours to scan, and copied on write if scanned
    try:
        _serve(read_page, requests, replies)
    except BaseException as crash:
        with contextlib.suppress(BaseException):
            _reply(replies, ("crash", repr(crash)))
        return 1
    return 0


def _serve(read_page: Callable[[int], Any], requests: int, replies: int) -> None:
    while True:
        request = _read_exactly(requests, _REQUEST.size)
        if request is None:
            return
        start, stop = _REQUEST.unpack(request)
        pages: list[Any] = []
        error: tuple[str, str] | None = None
        for index in range(start, stop):
            try:
                pages.append(read_page(index))
            except JobError as failure:
                error = (str(failure.code), failure.message)
                break
        _reply(replies, ("pages", start, pages, error))


def _read_exactly(fd: int, size: int) -> bytes | None:
    data = b""
    while len(data) < size:
        more = os.read(fd, size - len(data))
        if not more:
            return None
        data += more
    return data


def _reply(fd: int, reply: Sequence[Any]) -> None:
    payload = pickle.dumps(reply, protocol=pickle.HIGHEST_PROTOCOL)
    view = memoryview(_FRAME.pack(len(payload)) + payload)
    while view:
        view = view[os.write(fd, view) :]
