"""What an executor is: the three operations a run asks of wherever its stages run.

``codepack.run.driver`` only ever talks to this protocol, so a new place to run stages (a thread
pool, a batch cluster) is one class with these methods, not another branch in the run.
:class:`codepack.run.executors.local.LocalExecutor` and
:class:`codepack.run.executors.ray.RayExecutor` implement it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Protocol, TypeVar, runtime_checkable

if TYPE_CHECKING:
    from codepack.config import HygieneConfig
    from codepack.dedup.plan import DedupRecord, Key
    from codepack.records import Drop

T = TypeVar("T")
R = TypeVar("R")


@runtime_checkable
class Executor(Protocol):
    """Runs stage functions over items and plans the global dedup.

    Output stays byte-identical across executors because ``map_ordered`` yields in input
    order and ``plan_dedup`` returns exactly :func:`codepack.dedup.plan.plan_dedup`'s answer.
    """

    name: str

    def map_ordered(
        self, fn: Callable[[T], R], items: Iterable[T], ahead: int | None = None
    ) -> Iterator[R]:
        """Yield ``fn(item)`` for each item, in input order, with at most ``ahead`` items
        in flight or finished but not yet consumed (``None``: the executor's default)."""
        ...

    def plan_dedup(
        self, records: Sequence[DedupRecord], config: HygieneConfig
    ) -> dict[Key, Drop]:
        """Files to drop across all repositories, as :func:`codepack.dedup.plan.plan_dedup`."""
        ...

    def close(self) -> None:
        """Stop every worker this executor started; safe to call more than once."""
        ...


__all__ = ["Executor"]
