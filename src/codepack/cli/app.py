"""The typer application object and helpers shared by the command modules."""

from __future__ import annotations

import json
import sys
from typing import Any

import typer
from rich.console import Console

from codepack import __version__

app = typer.Typer(
    name="codepack",
    help="Turn folders of source repositories into dependency-ordered, multi-file packed "
    "training data (Parquet).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

# logs, progress and tables go to stderr; data goes to files (or stdout for --json)
err_console = Console(stderr=True)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"codepack {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version and exit."
    ),
) -> None:
    """codepack: CodeGemma-style multi-file packing of source repositories."""


def fail(message: str, code: int = 2) -> None:
    """Print a clear error to stderr as one plain line and exit non-zero.

    Plain text, not rich: rich would wrap a long message over several lines and read
    brackets in it (``codepack[ray]``) as markup and drop them."""
    sys.stderr.write(f"error: {' '.join(message.split())}\n")
    sys.stderr.flush()
    raise typer.Exit(code)


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, sort_keys=False) + "\n")
