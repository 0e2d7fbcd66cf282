"""Keep worker processes from outliving the process that started them.

A pool worker that loses its parent (the main process was killed with SIGKILL, or died before
it could stop its pool) would otherwise be reparented to init and wait forever for work that
never comes, holding its memory and the pipe that keeps the multiprocessing resource tracker
alive. Each worker therefore asks the Linux kernel to kill it when its parent dies
(``prctl(PR_SET_PDEATHSIG)``); where that is not available, a daemon thread polls
``os.getppid()`` instead. Workers also ignore SIGINT: Ctrl-C reaches the whole process group,
and it is the main process that decides how the run stops (it terminates its workers itself),
so workers must not die half-way through a task with a traceback of their own.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading
import time
from collections.abc import Callable

PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
# how often the portable fallback looks for a dead parent
PARENT_POLL_SECONDS = 0.5
# exit status of a worker that found its parent gone (it has nobody to report to)
ORPHAN_EXIT_STATUS = 1


def start_worker(
    parent_pid: int,
    initializer: Callable[..., object] | None = None,
    initargs: tuple = (),
) -> None:
    """Pool initializer: tie this worker's life to ``parent_pid``, then run ``initializer``."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    die_with_parent(parent_pid)
    if initializer is not None:
        initializer(*initargs)


def die_with_parent(parent_pid: int, poll_seconds: float = PARENT_POLL_SECONDS) -> None:
    """End this process as soon as ``parent_pid`` is no longer its parent.

    Uses the kernel where it can (no thread, no delay) and a polling thread elsewhere. The
    parent may have died before the request was made, so the parent is checked once after it.
    """
    if not kernel_kills_on_parent_death():
        watch_parent_by_polling(parent_pid, poll_seconds)
    if os.getppid() != parent_pid:
        os._exit(ORPHAN_EXIT_STATUS)


def kernel_kills_on_parent_death() -> bool:
    """Ask Linux to send SIGKILL to this process when its parent dies; False if it cannot."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0
    except (OSError, AttributeError):  # no C library to load, or no prctl in it
        return False


def watch_parent_by_polling(parent_pid: int, poll_seconds: float = PARENT_POLL_SECONDS) -> None:
    """Start a daemon thread that exits this process once ``parent_pid`` is not its parent."""

    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(poll_seconds)
        os._exit(ORPHAN_EXIT_STATUS)

    threading.Thread(target=watch, name="codepack-parent-watch", daemon=True).start()
