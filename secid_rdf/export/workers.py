"""The export's worker processes: the standard library's process pool, used in order.

:class:`Workers` wraps :class:`concurrent.futures.ProcessPoolExecutor` (fork start
method) so that an export can hand it a long sequence of tasks and read the results in
task order, with only a few tasks in flight: the results of a large registry never pile
up in memory while the main process writes the earlier ones.

The processes are forked when the pool is made, before the registry is read: workers
forked after the read would share the parent's model page by page, and copy most of those
pages as soon as they touch a reference count or reuse a freed block. A worker ignores
SIGINT (Ctrl-C reaches the whole process group; the main process alone stops the export)
and ends as soon as its parent is gone, however the parent ended, ``kill -9`` included.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TypeVar

from secid_rdf.findings import SecidRdfError

__all__ = ["AHEAD", "Workers", "available_cores"]

Task = TypeVar("Task")
Result = TypeVar("Result")

AHEAD = 4
"""Tasks in flight per worker: enough that a worker rarely waits for its next one while an
earlier, longer task holds up the results in order; few enough to bound memory."""

PARENT_CHECK_SECONDS = 0.2
"""How often a worker looks whether its parent is still alive."""


def available_cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on every platform
        return os.cpu_count() or 1


def _start_worker(parent: int) -> None:
    """Run in each worker as it starts: leave SIGINT to the parent, and die with it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()


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
        if count > 1:
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
        """Stop the workers: tasks not started are dropped, running ones end first."""
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
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
        remaining = iter(tasks)
        submit = self._executor.submit
        pending = deque(
            submit(function, task) for task in itertools.islice(remaining, AHEAD * self.count)
        )
        return self._results(pending, lambda task: submit(function, task), remaining)

    @staticmethod
    def _results(
        pending: deque[Future[Result]],
        submit: Callable[[Task], Future[Result]],
        remaining: Iterator[Task],
    ) -> Iterator[Result]:
        """Wait for each pending result in turn, starting a new task for each one read."""
        try:
            while pending:
                try:
                    result = pending.popleft().result()
                except BrokenProcessPool as error:
                    raise SecidRdfError("a worker process ended unexpectedly") from error
                for task in itertools.islice(remaining, 1):
                    pending.append(submit(task))
                yield result
        finally:
            for future in pending:
                future.cancel()
