"""The ``codepack`` command line: a thin typer layer over the library.

One module per command; each parses options, calls the library and shows the result. No
logic lives here that the library lacks.
"""

from __future__ import annotations

import sys

from codepack.cli import deps as _deps  # noqa: F401  (registers `codepack deps`)
from codepack.cli import explain as _explain  # noqa: F401  (registers `codepack explain`)
from codepack.cli import pack as _pack  # noqa: F401  (registers `codepack pack`)
from codepack.cli import stats as _stats  # noqa: F401
from codepack.cli.app import app
from codepack.cli.interrupts import EXIT_SIGTERM, Terminated, sigterm_raises


def main() -> None:
    """Console-script entry point: SIGTERM unwinds like Ctrl-C and exits 143."""
    with sigterm_raises():
        try:
            app()
        except Terminated:  # a command that does not report it itself
            sys.stderr.write("codepack: terminated by SIGTERM\n")
            sys.exit(EXIT_SIGTERM)


__all__ = ["app", "main"]
