"""What every input kind hands the shared walker: a repository's members and a way to read them.

Records, archives and git revisions list a repository in their own way; each turns its listing
into ``_Member`` entries (file, folder, symlink, hard link, special) plus a ``Fetch`` function
that yields the bytes of files by key, bounded by a limit. Keeping this contract in one small
module lets ``walk`` plan any container the same way and lets each container module depend on
nothing but it. Also here: the path safety every container applies to the names it lists
(``..`` and absolute paths never get through) and the read limits they share.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Generator, Hashable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from codepack.records import SkippedFile, SkipReason
from codepack.sources import printable_path

Entry = tuple[str, bytes] | SkippedFile
Entries = tuple[Iterator[Entry], dict[str, str]]

_LINK_TARGET_MAX_BYTES = 4096  # PATH_MAX: a longer "symlink" is not one
_READ_CHUNK = 1024 * 1024


def _normalise(raw: str) -> tuple[str, str | None]:
    """A member name as a clean relative posix path, or why it cannot be one.

    ``./`` and empty components go; an absolute path or any ``..`` component makes the member
    unsafe: legitimate archives never need them, hostile ones use them to escape.
    """
    if raw.startswith("/") or re.match(r"[A-Za-z]:[/\\]", raw):
        return raw, "absolute path"
    parts = [part for part in raw.split("/") if part not in ("", ".")]
    if ".." in parts:
        return raw, "'..' in path"
    return "/".join(parts), None


def _unsafe(raw: str, problem: str) -> SkippedFile:
    return SkippedFile(printable_path(raw), SkipReason.UNREADABLE, f"unsafe path ({problem})")


@dataclass(frozen=True, slots=True)
class _Member:
    """One entry of a repository as its container lists it (repo-relative path)."""

    path: str
    kind: str  # file|dir|symlink|hardlink|special
    key: Hashable = None  # where the container finds a file's bytes
    size: int = 0
    # symlink: the target as written; hardlink: repo-relative path of the target, None when the
    # target lies outside the repository
    target: str | None = None
    detail: str = ""  # special: what it is


@dataclass(frozen=True, slots=True)
class _Failed:
    """A read that did not produce bytes, and the skip reason that says why."""

    detail: str
    reason: SkipReason = SkipReason.UNREADABLE


Fetch = Callable[[Sequence[Hashable], int], Generator[bytes | _Failed, None, None]]


@dataclass
class _Listing:
    """What a container holds for one repository, and how to get at the bytes.

    ``fetch(keys, limit)`` yields, in order, each key's bytes (at most ``limit + 1`` of them)
    or why they cannot be had; ``ignore_texts`` holds the bytes of ``.gitignore`` and
    ``.git/info/exclude`` members by key (containers read those while listing).
    """

    members: list[_Member]
    fetch: Fetch
    skips: list[SkippedFile] = field(default_factory=list)
    ignore_texts: dict[Hashable, bytes] = field(default_factory=dict)
    gitignore: bool = True


def _is_ignore_file(path: str) -> bool:
    return path == ".git/info/exclude" or PurePosixPath(path).name == ".gitignore"
