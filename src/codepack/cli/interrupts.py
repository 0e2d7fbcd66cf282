"""Ctrl-C and SIGTERM on the command line: stop cleanly, say so in one line, exit 130 / 143.

Python turns SIGINT into ``KeyboardInterrupt`` but lets SIGTERM kill the process outright,
skipping every ``finally``: the worker pool would not be stopped and the user would get no
word. While a command runs, SIGTERM is therefore raised as ``Terminated`` in the main thread,
so both signals unwind through the same cleanup. ``Terminated`` is not an ``Exception``, so
no ``except Exception`` on the way can swallow it, and not a ``KeyboardInterrupt``, so it
keeps its own exit status (click/typer turn ``KeyboardInterrupt`` into exit 130).
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

# shell convention: 128 + the signal number
EXIT_SIGINT = 128 + signal.SIGINT
EXIT_SIGTERM = 128 + signal.SIGTERM


class Terminated(BaseException):
    """The process received SIGTERM."""


def _raise_terminated(signum: int, frame: FrameType | None) -> None:
    raise Terminated()


@contextmanager
def sigterm_raises() -> Iterator[None]:
    """Within the block, SIGTERM raises ``Terminated``; the old handler comes back after."""
    previous = signal.signal(signal.SIGTERM, _raise_terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def interrupt_status(exc: BaseException) -> tuple[str, int]:
    """The signal's name and the exit status for an interrupt exception."""
    if isinstance(exc, Terminated):
        return "SIGTERM", EXIT_SIGTERM
    return "Ctrl-C (SIGINT)", EXIT_SIGINT
