"""The local executor: results in input order, bounded look-ahead, same results as a loop."""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterator

import pytest

from codepack.run.executors.local import LocalExecutor, map_ordered


def square(x: int) -> int:
    return x * x


def test_results_come_back_in_input_order_for_any_worker_count() -> None:
    items = list(range(30))
    expected = [square(x) for x in items]
    for workers in (1, 2, 3):
        assert list(map_ordered(square, items, workers)) == expected


def test_look_ahead_is_bounded() -> None:
    pulled = 0

    def items() -> Iterator[int]:
        nonlocal pulled
        for x in range(40):
            pulled += 1
            yield x

    ahead = []
    for done, _ in enumerate(map_ordered(square, items(), 2, ahead=5), 1):
        ahead.append(pulled - done + 1)  # submitted but not yet consumed, this one included
    assert max(ahead) == 5


def test_executor_object_matches_the_function() -> None:
    executor = LocalExecutor(workers=2)
    assert list(executor.map_ordered(square, range(10), ahead=3)) == [x * x for x in range(10)]
    executor.close()


def worker_pid(_: object) -> int:
    return os.getpid()


def fail_on_three(x: int) -> int:
    if x == 3:
        raise ValueError("three")
    return x


def test_an_executor_runs_both_passes_on_the_same_workers() -> None:
    """One pool per run: the second call must not start (and pay for) new workers."""
    executor = LocalExecutor(workers=2)
    try:
        first = set(executor.map_ordered(worker_pid, range(8), ahead=4))
        started = {child.pid for child in multiprocessing.active_children()}
        second = set(executor.map_ordered(worker_pid, range(8), ahead=4))
        assert os.getpid() not in first
        assert first <= started and len(started) <= 2
        assert second <= started
        assert {child.pid for child in multiprocessing.active_children()} == started
    finally:
        executor.close()
    assert not multiprocessing.active_children()


def test_a_failed_call_stops_the_pool_and_the_next_call_starts_a_fresh_one() -> None:
    executor = LocalExecutor(workers=2)
    try:
        before = set(executor.map_ordered(worker_pid, range(4)))
        with pytest.raises(ValueError, match="three"):
            list(executor.map_ordered(fail_on_three, range(6)))
        assert not multiprocessing.active_children()
        after = set(executor.map_ordered(worker_pid, range(4)))
        assert after and not after & before
        assert list(executor.map_ordered(square, range(5))) == [x * x for x in range(5)]
    finally:
        executor.close()
    assert not multiprocessing.active_children()


def test_close_is_safe_twice_and_with_one_worker() -> None:
    for workers in (1, 2):
        executor = LocalExecutor(workers=workers)
        assert list(executor.map_ordered(square, range(3))) == [0, 1, 4]
        executor.close()
        executor.close()
        assert not multiprocessing.active_children()
