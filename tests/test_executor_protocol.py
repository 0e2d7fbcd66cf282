"""Both executors implement the ``Executor`` protocol the run is written against."""

from __future__ import annotations

import inspect

import pytest

from codepack.run.driver import make_executor
from codepack.run.executors.base import Executor
from codepack.run.executors.local import LocalExecutor

PROTOCOL_METHODS = ("map_ordered", "plan_dedup", "close")


def _parameters(cls: type, method: str) -> list[str]:
    return list(inspect.signature(getattr(cls, method)).parameters)


def _implementations() -> list[type]:
    found: list[type] = [LocalExecutor]
    try:
        from codepack.run.executors.ray import RayExecutor
    except ImportError:  # Ray is an optional extra
        return found
    return [*found, RayExecutor]


@pytest.mark.parametrize("cls", _implementations(), ids=lambda cls: cls.__name__)
def test_every_protocol_method_has_the_protocols_parameters(cls: type) -> None:
    for method in PROTOCOL_METHODS:
        assert _parameters(cls, method) == _parameters(Executor, method), (cls, method)
    assert isinstance(cls.name, str)


def test_the_local_executor_is_an_executor() -> None:
    runner = make_executor("local", workers=1)
    try:
        assert isinstance(runner, Executor)
    finally:
        runner.close()


def test_an_unknown_executor_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown executor"):
        make_executor("threads", workers=1)
