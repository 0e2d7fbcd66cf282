"""Run a stage function over many items, in this process or in a local process pool.

Results come back in input order whatever the number of workers, which is half of what makes
output byte-identical across ``--workers`` (the other half: every stage is a pure function of
its input and config). At most ``ahead`` items are submitted beyond the one being waited for:
enough that a large repository at the head does not leave the other workers idle, few enough
that finished results cannot pile up in memory behind it.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


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
) -> Iterator[R]:
    """Yield ``fn(item)`` for each item, in order, using ``workers`` processes.

    ``ahead`` bounds the items in flight or finished but not yet consumed (default
    ``4 * workers``).

    ``workers <= 1`` runs in this process (no pickling, easiest to debug). The pool uses the
    ``spawn`` start method: forking a process that holds pyarrow/tree-sitter threads is unsafe.
    """
    if workers <= 1:
        if initializer is not None:
            initializer(*initargs)
        for item in items:
            yield fn(item)
        return
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(
        max_workers=workers, mp_context=context, initializer=initializer, initargs=initargs
    ) as pool:
        window: deque[Future[R]] = deque()
        limit = max(workers, ahead or 4 * workers)
        for item in items:
            window.append(pool.submit(fn, item))
            if len(window) >= limit:
                yield window.popleft().result()
        while window:
            yield window.popleft().result()


class LocalExecutor:
    """Runs stages in this machine's processes; the global dedup plan runs in this process."""

    name = "local"

    def __init__(self, workers: int | None = None) -> None:
        self.workers = workers or default_workers()

    def map_ordered(
        self, fn: Callable[[T], R], items: Iterable[T], ahead: int | None = None
    ) -> Iterator[R]:
        return map_ordered(fn, items, self.workers, ahead=ahead)

    def plan_dedup(self, records, config):  # type: ignore[no-untyped-def]
        from codepack import dedup

        return dedup.plan_dedup(records, config)

    def close(self) -> None:
        """Nothing to release: pools live only as long as one ``map_ordered`` call."""
