"""Run a stage function over many items, in this process or in a local process pool.

Results come back in input order whatever the number of workers, which is half of what makes
output byte-identical across ``--workers`` (the other half: every stage is a pure function of
its input and config). At most ``ahead`` items are submitted beyond the one being waited for:
enough that a large repository at the head does not leave the other workers idle, few enough
that finished results cannot pile up in memory behind it.

A pool never outlives the work it was made for (a :class:`LocalExecutor`'s pool serves all
its calls, until ``close``): when the caller stops early (Ctrl-C, SIGTERM turned into an
exception, an error, or just dropping the iterator) its workers are terminated at once
instead of finishing every queued item first, and a worker whose parent died without that
chance ends itself (see ``executors.lifetime``).
"""

from __future__ import annotations

import multiprocessing
import os
import weakref
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from typing import TYPE_CHECKING, TypeVar

from codepack.run.executors.lifetime import start_worker

if TYPE_CHECKING:
    from codepack.config import HygieneConfig
    from codepack.dedup.plan import DedupRecord, Key
    from codepack.records import Drop

T = TypeVar("T")
R = TypeVar("R")

# seconds a terminated worker gets to exit before it is killed
STOP_GRACE_SECONDS = 5.0


def default_workers() -> int:
    """All cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def map_ordered(
    fn: Callable[[T], R],
    items: Iterable[T],
    workers: int = 1,
    initializer: Callable[..., object] | None = None,
    initargs: tuple = (),
    ahead: int | None = None,
) -> Generator[R, None, None]:
    """Yield ``fn(item)`` for each item, in order, using ``workers`` processes.

    ``ahead`` bounds the items in flight or finished but not yet consumed (default
    ``4 * workers``).

    ``workers <= 1`` runs in this process (no pickling, easiest to debug). Otherwise a pool
    is started for these items and shut down after them (:class:`LocalExecutor` keeps one
    pool for all its calls instead). Closing the generator early (or any exception while it
    waits) stops the pool at once.
    """
    if workers <= 1:
        if initializer is not None:
            initializer(*initargs)
        for item in items:
            yield fn(item)
        return
    pool = new_pool(workers, initializer, initargs)
    try:
        yield from _ordered_on(pool, fn, items, window_size(workers, ahead))
    except BaseException:  # KeyboardInterrupt, GeneratorExit, a failed task: nothing more to do
        stop_pool(pool)
        raise
    pool.shutdown(wait=True)


def new_pool(
    workers: int,
    initializer: Callable[..., object] | None = None,
    initargs: tuple = (),
) -> ProcessPoolExecutor:
    """A pool of ``workers`` processes tied to this one (see ``executors.lifetime``).

    It uses the ``spawn`` start method: forking a process that holds pyarrow/tree-sitter
    threads is unsafe."""
    return ProcessPoolExecutor(
        max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
        initializer=start_worker, initargs=(os.getpid(), initializer, initargs),
    )


def window_size(workers: int, ahead: int | None) -> int:
    """Items submitted beyond the one waited for: ``ahead``, else four per worker, and never
    fewer than the workers (each must have something to do)."""
    return max(workers, ahead or 4 * workers)


def _ordered_on(
    pool: ProcessPoolExecutor, fn: Callable[[T], R], items: Iterable[T], limit: int
) -> Generator[R, None, None]:
    """Yield ``fn(item)`` for each item, in order, from ``pool``, with at most ``limit``
    submitted and not yet yielded. Stopping the pool when the caller gives up is the
    caller's job (it knows whether the pool is shared)."""
    window: deque[Future[R]] = deque()
    for item in items:
        window.append(pool.submit(fn, item))
        if len(window) >= limit:
            yield window.popleft().result()
    while window:
        yield window.popleft().result()


def stop_pool(pool: ProcessPoolExecutor) -> None:
    """Terminate a pool's workers now, dropping queued work, and wait until they are gone.

    ``ProcessPoolExecutor.shutdown`` alone lets every queued item run first (minutes, for a
    full look-ahead window of repositories), so the workers are terminated before it; killed
    if SIGTERM is not enough within ``STOP_GRACE_SECONDS``.
    """
    # no public way to reach the workers before Python 3.14's terminate_workers()
    processes = list((pool._processes or {}).values())
    for process in processes:
        process.terminate()
    for process in processes:
        process.join(STOP_GRACE_SECONDS)
        if process.is_alive():
            process.kill()
            process.join()
    pool.shutdown(wait=True, cancel_futures=True)


class LocalExecutor:
    """Runs stages in this machine's processes; the global dedup plan runs in this process.

    With more than one worker, every :meth:`map_ordered` call runs on one pool, started at
    the first call and stopped by :meth:`close`: a run's two passes share their workers, so
    each worker pays for starting Python and importing codepack, tree-sitter and the
    tokenizer once per run instead of once per pass (about 0.7 s of CPU each), and the
    second pass starts with warm caches. The calls are meant to be consumed one after the
    other, as the driver does; a call that stops early stops the pool with its queued work
    (as before), and the next call starts a fresh one.

    Implements :class:`codepack.run.executors.base.Executor`.
    """

    name = "local"

    def __init__(self, workers: int | None = None) -> None:
        self.workers = workers or default_workers()
        self._pool: ProcessPoolExecutor | None = None
        self._running: weakref.WeakSet[Generator] = weakref.WeakSet()

    def map_ordered(
        self, fn: Callable[[T], R], items: Iterable[T], ahead: int | None = None
    ) -> Iterator[R]:
        """:func:`map_ordered` on this executor's workers; stopped by :meth:`close`."""
        if self.workers <= 1:
            results = map_ordered(fn, items, 1, ahead=ahead)
        else:
            results = self._on_shared_pool(fn, items, window_size(self.workers, ahead))
        self._running.add(results)
        return results

    def _on_shared_pool(
        self, fn: Callable[[T], R], items: Iterable[T], limit: int
    ) -> Generator[R, None, None]:
        """:func:`_ordered_on` the executor's pool, started here if there is none; a caller
        that gives up (or a failed task) stops the pool and its queued work at once."""
        if self._pool is None:
            self._pool = new_pool(self.workers)
        pool = self._pool
        try:
            yield from _ordered_on(pool, fn, items, limit)
        except BaseException:  # KeyboardInterrupt, GeneratorExit, a failed task
            if self._pool is pool:
                self._pool = None
            stop_pool(pool)
            raise

    def plan_dedup(
        self, records: Sequence[DedupRecord], config: HygieneConfig
    ) -> dict[Key, Drop]:
        """Exactly ``dedup.plan_dedup(records, config)``, in this process."""
        from codepack.dedup import plan as dedup

        return dedup.plan_dedup(records, config)

    def close(self) -> None:
        """Stop the pool of any ``map_ordered`` left unfinished (its caller was interrupted
        or failed while outside the iterator), then the shared pool, so no worker outlives
        the run. Safe to call more than once."""
        for results in list(self._running):
            results.close()
        self._running.clear()
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True)  # idle by now: its workers exit at once
