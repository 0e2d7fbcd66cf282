"""Names that come from untrusted input, made safe to write and to show.

File names come from the OS surrogate-escaped; names from JSON may hold any lone surrogate;
a repository's folder, archive top folder or dataset ``repo`` value may not be UTF-8 at all.
Every input kind reports and names things through these helpers, so the escaping is the same
whatever container a repository arrives in.
"""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)


def printable_path(rel: str) -> str:
    """A path that is valid UTF-8 for reports (undecodable bytes shown as \\xNN).

    File names come from the OS surrogate-escaped; names from JSON may hold any lone
    surrogate, which cannot be turned back into a byte and is shown as ``\\udXXX``.
    """
    try:
        return rel.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:
        return rel.encode("utf-8", "backslashreplace").decode("utf-8")


def printable_repo_name(name: str) -> str:
    """A repository name that can be written to Parquet and JSON, logged when it had to change.

    A repository whose folder, archive top folder or dataset ``repo`` value is not valid
    UTF-8 is still packed: its files are fine, only its name cannot be written as text. The
    name is escaped the way skipped file names are reported (``\\xNN``), which is
    deterministic; a clash with another repository's name is widened like any other clash.
    """
    if is_utf8_name(name):
        return name
    shown = printable_path(name)
    log.warning("repository name %s is not valid UTF-8; packed under that escaped name", shown)
    return shown


def is_utf8_name(name: str) -> bool:
    """Whether a file name (as the OS gave it, surrogate-escaped) is valid UTF-8."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
