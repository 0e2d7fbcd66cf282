"""The names of every file a run writes, and the one way codepack writes a file atomically.

Every module that writes, reads, publishes or deletes an output file takes its name from
here, so the folder contract (``codepack.output.outdir``: what ``--overwrite`` may delete, what a
user's file must not be called) and the writers cannot drift apart.

A file is written under its temporary name (``temporary_path``: hidden, beside the final file,
``.tmp`` appended) and renamed into place, so a reader never sees half a file and a crashed
run leaves only names that ``owned_name`` recognises as codepack's.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

# --------------------------------------------------------------------------- final names

SHARD_GLOB = "part-[0-9][0-9][0-9][0-9][0-9].parquet"  # exactly the shard names below
DATA_FILES = "part-*.parquet"  # the dataset card's (Hugging Face Hub) data-files pattern
AUDIT_FILE = "dropped.parquet"
MANIFEST_FILE = "manifest.json"
CARD_FILE = "README.md"
PLOTS_DIR = "plots"
RUN_FILE = ".codepack-run.json"  # written first by every run: marks the folder as codepack's
LOCK_FILE = ".codepack-lock"
WORK_DIR = ".codepack-work"  # spilled scans between the two passes
FILES_LEDGER = ".codepack-files.json"  # hashes of the card and plots as written
TEMPORARY_SUFFIX = ".tmp"

# names the final output has; one of them held by a user's file stops the run
FINAL_NAMES = (MANIFEST_FILE, AUDIT_FILE, CARD_FILE)


def shard_name(index: int) -> str:
    """The ``index``-th Parquet shard."""
    return f"part-{index:05d}.parquet"


def shard_marker_name(index: int) -> str:
    """The marker a finished shard leaves (the repositories it covers, for ``--resume``)."""
    return f".{shard_name(index)}.done"


def audit_part_name(index: int) -> str:
    """The audit rows of one shard's repositories, merged into ``AUDIT_FILE`` at the end."""
    return f".audit-{index:05d}.parquet"


# every top-level file name a run writes, temporary names aside (see ``owned_name``)
_WRITTEN = re.compile(
    r"""^(?:
        part-\d{5}\.parquet | \.part-\d{5}\.parquet\.done | \.audit-\d{5}\.parquet
      | manifest\.json | dropped\.parquet | \.codepack-run\.json | \.codepack-files\.json
    )$""",
    re.VERBOSE,
)


def temporary_name(name: str) -> str:
    """The name a file is written under before it is renamed to ``name``."""
    hidden = name if name.startswith(".") else f".{name}"
    return hidden + TEMPORARY_SUFFIX


def owned_name(name: str) -> bool:
    """Whether a top-level file name is one that codepack writes, temporary names included.

    The card (``README.md``) is codepack's only while unchanged (the ledger decides), but its
    temporary name is always codepack's."""
    if _WRITTEN.match(name):
        return True
    if not (name.startswith(".") and name.endswith(TEMPORARY_SUFFIX)):
        return False
    final = name[: -len(TEMPORARY_SUFFIX)]
    return any(temporary_name(candidate) == name and
               (candidate == CARD_FILE or bool(_WRITTEN.match(candidate)))
               for candidate in (final, final[1:]))


# --------------------------------------------------------------------------- atomic writes


def temporary_path(path: Path) -> Path:
    """Where ``path`` is written before the rename: beside it, so the rename is atomic."""
    return path.with_name(temporary_name(path.name))


@contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """Yield the temporary path to write ``path`` through; rename it into place when the block
    ends, or remove it if the block raises (no half file, no leftover)."""
    tmp = temporary_path(path)
    try:
        yield tmp
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def atomic_write(path: Path, data: bytes | str) -> None:
    """Write ``data`` (text as UTF-8) to ``path`` atomically."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    with atomic_path(path) as tmp:
        tmp.write_bytes(payload)


__all__ = [
    "AUDIT_FILE", "CARD_FILE", "DATA_FILES", "FILES_LEDGER", "FINAL_NAMES", "LOCK_FILE",
    "MANIFEST_FILE", "PLOTS_DIR", "RUN_FILE", "SHARD_GLOB", "WORK_DIR", "atomic_path",
    "atomic_write", "audit_part_name", "owned_name", "shard_marker_name", "shard_name",
    "temporary_name", "temporary_path",
]
