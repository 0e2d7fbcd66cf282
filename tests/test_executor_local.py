"""The local executor: results in input order, bounded look-ahead, same results as a loop."""

from __future__ import annotations

from collections.abc import Iterator

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
