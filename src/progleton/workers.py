"""CPU-bound parsing off the event loop: page extraction in worker processes, feeds in a thread.

Extraction (lxml + trafilatura, ~10-20 ms a page) is most of a crawl's CPU. In a thread it
competes with the event loop for the GIL and can use one core at most; several threads are
not an option, as trafilatura/lxml crash when extract() runs in several threads at once
(trafilatura issues #840 and #925). Worker processes use every core and contain a crash: a
worker killed by a segfault on hostile markup breaks only the pool, which is rebuilt, and the
page that did it is reported as an extraction failure instead of taking the crawler down.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import select
import threading
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

from progleton.errors import ExtractionError

T = TypeVar("T")

#: Modules every worker needs; the fork server imports them once so workers start warm.
_PRELOAD = ["progleton.extract", "progleton.pagework"]


def _exit_with(crawler_pid: int) -> None:
    """Worker initializer: exit as soon as the crawler process is gone.

    A crawler killed with SIGKILL (or by the OOM killer) cannot shut its pool down, and a
    worker blocked on its task queue never sees end-of-file (it holds both ends of that pipe),
    so without this it would live on, and keep the fork server alive too.
    """

    def watch() -> None:
        try:
            fd = os.pidfd_open(crawler_pid)
        except (AttributeError, OSError):
            fd = -1
        if fd >= 0:
            select.select([fd], [], [])  # readable once the process has exited
        else:
            while True:
                try:
                    os.kill(crawler_pid, 0)
                except ProcessLookupError:
                    break
                except PermissionError:
                    pass
                threading.Event().wait(1.0)
        os._exit(0)

    threading.Thread(target=watch, name="crawler-watch", daemon=True).start()


def _start_worker(crawler_pid: int, warm: Callable[[], None] | None) -> None:
    _exit_with(crawler_pid)
    if warm is not None:
        warm()


def process_pool(
    workers: int, preload: list[str], warm: Callable[[], None] | None = None
) -> ProcessPoolExecutor:
    """A pool of `workers` processes that exit with this one, forked from a fork server.

    forkserver: forking the calling process itself (threads, open sockets, a SQLite handle)
    is unsafe; spawn would re-import everything per worker. `preload` names the modules the
    fork server imports once (only the first pool of a process starts it); `warm` runs in
    each worker as it starts (a module-level function, e.g. loading a model).
    """
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(preload)
    return ProcessPoolExecutor(
        max_workers=workers,
        mp_context=ctx,
        initializer=_start_worker,
        initargs=(os.getpid(), warm),
    )


def worker_count(setting: int) -> int:
    """Processes to use for a setting: -1 means one per CPU (at most 4), 0 means none."""
    if setting >= 0:
        return setting
    return max(1, min(4, os.cpu_count() or 1))


class WorkerPool:
    """Runs parsing functions for the pipeline; thread-only when `processes` is 0."""

    def __init__(self, processes: int) -> None:
        self.processes = processes
        # Feed parsing (and extraction when processes == 0) runs here, one call at a time.
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="parse")
        self._pool: ProcessPoolExecutor | None = None
        self._generation = 0

    def _processes(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = process_pool(self.processes, _PRELOAD)
        return self._pool

    async def in_thread(self, fn: Callable[..., T], *args: Any) -> T:
        """Run `fn` in the parsing thread."""
        return await asyncio.get_running_loop().run_in_executor(self._thread, fn, *args)

    async def extract(self, fn: Callable[..., T], *args: Any) -> T:
        """Run an extraction function in a worker process (or the thread when there are none).

        A worker that dies mid-call (a crash in native code) is replaced and the call tried
        once more; a second death is reported as an ExtractionError for this page.
        """
        if self.processes <= 0:
            return await self.in_thread(fn, *args)
        loop = asyncio.get_running_loop()
        for attempt in range(2):
            generation = self._generation
            pool: Executor = self._processes()
            try:
                return await loop.run_in_executor(pool, fn, *args)
            except BrokenProcessPool:
                self._reset(generation)
                if attempt:
                    break
        raise ExtractionError("the extractor crashed on this page (worker process died)")

    def _reset(self, generation: int) -> None:
        # Many calls see the same broken pool; only the first of them replaces it.
        if generation != self._generation:
            return
        self._generation += 1
        broken, self._pool = self._pool, None
        if broken is not None:
            broken.shutdown(wait=False, cancel_futures=True)

    def close(self) -> None:
        """Stop the thread and the worker processes."""
        self._thread.shutdown(wait=True)
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
