"""The export's worker processes: the standard library's process pool, used in order.

:class:`Workers` wraps :class:`concurrent.futures.ProcessPoolExecutor` (fork start
method) so that an export can hand it a long sequence of tasks and read the results in
task order, with only a few tasks in flight: the results of a large registry never pile
up in memory while the main process writes the earlier ones.

The processes are forked when the pool is made, before the registry is read: workers
forked after the read would share the parent's model page by page, and copy most of those
pages as soon as they touch a reference count or reuse a freed block.

Only the main process acts on SIGINT and SIGTERM. Ctrl-C, and ``kill -TERM`` of the process
group, reach every worker too: a worker that ended on them would break the pool, and a
broken pool whose waiting tasks were cancelled hangs the main process in Python 3.11 (its
manager thread dies setting an error on a cancelled task). So a worker ignores both, and
the signals are blocked while the workers are forked, so that none arrives before a worker
ignores it. The main process stops the workers as it unwinds; a worker ends as soon as its
parent is gone however the parent ended, ``kill -9`` included: on Linux the kernel kills
it (``PR_SET_PDEATHSIG``), elsewhere a thread of the worker looks for its parent.
"""

from __future__ import annotations

import contextlib
import ctypes
import itertools
import multiprocessing
import os
import signal
import sys
import threading
import time
import weakref
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

from secid_rdf.findings import SecidRdfError

__all__ = ["AHEAD", "Workers", "available_cores"]

Task = TypeVar("Task")
Result = TypeVar("Result")

AHEAD = 4
"""Tasks in flight per worker: enough that a worker rarely waits for its next one while an
earlier, longer task holds up the results in order; few enough to bound memory."""

PARENT_CHECK_SECONDS = 0.2
"""How often a worker looks whether its parent is still alive (where the kernel cannot tell)."""

_STOP_SIGNALS = {signal.SIGINT, signal.SIGTERM}
_PR_SET_PDEATHSIG = 1


def available_cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on every platform
        return os.cpu_count() or 1


@contextlib.contextmanager
def _stop_signals_blocked() -> Iterator[None]:
    """Hold SIGINT and SIGTERM back in the block: a signal waits and arrives at its end."""
    signal.pthread_sigmask(signal.SIG_BLOCK, _STOP_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOP_SIGNALS)


def _start_worker(parent: int) -> None:
    """Run in each worker as it starts: leave the stop signals to the parent, die with it."""
    for signum in _STOP_SIGNALS:
        signal.signal(signum, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOP_SIGNALS)  # blocked while forking
    if not _die_with_parent():
        threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()
    if os.getppid() != parent:  # the parent was gone before the kernel was told
        os._exit(1)


def _die_with_parent() -> bool:
    """Ask the kernel to kill this process when its parent ends; ``False`` where it cannot."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return False
    return bool(prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0)


def _watch_parent(parent: int) -> None:
    """End this process once its parent is gone (it then has another parent process id)."""
    while os.getppid() == parent:
        time.sleep(PARENT_CHECK_SECONDS)
    os._exit(1)


class Workers:
    """Processes that run an export's tasks; forked when made.

    :param jobs: processes to use; by default one per available core. With 1, or where
        the platform cannot fork, tasks run in this process.
    """

    def __init__(self, jobs: int | None = None) -> None:
        count = jobs or available_cores()
        if "fork" not in multiprocessing.get_all_start_methods():
            count = 1
        self.count = count
        self._executor: ProcessPoolExecutor | None = None
        self._submitted: weakref.WeakSet[Future[Any]] = weakref.WeakSet()
        if count > 1:
            with _stop_signals_blocked():
                self._executor = ProcessPoolExecutor(
                    count,
                    mp_context=multiprocessing.get_context("fork"),
                    initializer=_start_worker,
                    initargs=(os.getpid(),),
                )
                # the fork start method starts every process at the first task: fork them now
                self._executor.submit(int).result()

    def __enter__(self) -> Workers:
        """The pool itself."""
        return self

    def __exit__(self, *exc: object) -> None:
        """Stop the workers (see :meth:`close`)."""
        self.close()

    def close(self) -> None:
        """Stop the workers: tasks not started are dropped, running ones end first.

        The tasks are cancelled here, not with ``shutdown(cancel_futures=True)``, which in
        Python 3.11 can leave this process waiting for ever when a worker has gone.
        """
        if self._executor is not None:
            for future in list(self._submitted):
                future.cancel()
            self._executor.shutdown(wait=True)
            self._executor = None

    def ordered(
        self, function: Callable[[Task], Result], tasks: Iterable[Task]
    ) -> Iterator[Result]:
        """``function`` of each task, in task order, run in the workers.

        The first tasks are handed out at once, so the workers start while the caller does
        other work before it reads the first result; each result read lets one more task
        start.

        :raises SecidRdfError: when a worker process ended unexpectedly; any error a task
            raised is raised again here.
        """
        if self._executor is None:
            return map(function, tasks)
        executor = self._executor
        remaining = iter(tasks)

        def submit(task: Task) -> Future[Result]:
            future = executor.submit(function, task)
            self._submitted.add(future)
            return future

        pending = deque(submit(task) for task in itertools.islice(remaining, AHEAD * self.count))
        return self._results(pending, submit, remaining)

    @staticmethod
    def _results(
        pending: deque[Future[Result]],
        submit: Callable[[Task], Future[Result]],
        remaining: Iterator[Task],
    ) -> Iterator[Result]:
        """Wait for each pending result in turn, starting a new task for each one read."""
        while pending:
            try:
                result = pending.popleft().result()
            except BrokenProcessPool as error:
                raise SecidRdfError("a worker process ended unexpectedly") from error
            for task in itertools.islice(remaining, 1):
                pending.append(submit(task))
            yield result
