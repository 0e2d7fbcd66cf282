"""What every input kind hands the shared walker: a repository laid out as a tree, and its bytes.

The planner (``walk``) sees a repository only through the ``Tree`` protocol: list a folder,
resolve a link inside the repository, read an ignore file. A folder on disk implements it
lazily with ``os.scandir`` (``folders.FolderTree``: an ignored ``node_modules`` is never
listed); records, archives and git revisions list every ``Member`` up front (file, folder,
symlink, hard link, special) and ``MemberTree`` lays them out. Either way a ``Fetch`` function
yields the bytes of files by key, bounded by a limit. Keeping this contract in one small module
lets ``walk`` plan any input the same way and lets each input module depend on nothing but it.
Also here: the path safety every container applies to the names it lists (``..`` and absolute
paths never get through) and the read limits they share.
"""

from __future__ import annotations

import re
import stat
from collections.abc import Callable, Generator, Hashable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Protocol

from codepack.inputs.ignore import ignore_lines
from codepack.inputs.paths import printable_path
from codepack.records import SkippedFile, SkipReason

Entry = tuple[str, bytes] | SkippedFile
Entries = tuple[Iterator[Entry], dict[str, str]]

LINK_TARGET_MAX_BYTES = 4096  # PATH_MAX: a longer "symlink" is not one
READ_CHUNK = 1024 * 1024
_MAX_LINK_HOPS = 40  # what Linux allows before ELOOP


def normalise_path(raw: str) -> tuple[str, str | None]:
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


def special_kind(mode: int) -> str:
    """What a non-regular file is, for the skip detail."""
    if stat.S_ISFIFO(mode):
        return "fifo"
    if stat.S_ISSOCK(mode):
        return "socket"
    if stat.S_ISCHR(mode):
        return "character device"
    if stat.S_ISBLK(mode):
        return "block device"
    return "not a regular file"


def unsafe_path_skip(raw: str, problem: str) -> SkippedFile:
    return SkippedFile(printable_path(raw), SkipReason.UNREADABLE, f"unsafe path ({problem})")


@dataclass(frozen=True, slots=True)
class Member:
    """One entry of a repository as its container lists it (repo-relative path)."""

    path: str
    kind: str  # file|dir|symlink|hardlink|special|unreadable
    key: Hashable = None  # where the container finds a file's bytes (a link's own path on disk)
    size: int | None = 0  # None: not known before reading (files on disk are sized as read)
    # symlink: the target as written; hardlink: repo-relative path of the target, None when the
    # target lies outside the repository
    target: str | None = None
    detail: str = ""  # special: what it is; unreadable: why

    @property
    def name(self) -> str:
        return self.path.rpartition("/")[2]


@dataclass(frozen=True, slots=True)
class Failed:
    """A read that did not produce bytes, and the skip reason that says why."""

    detail: str
    reason: SkipReason = SkipReason.UNREADABLE


Fetch = Callable[[Sequence[Hashable], int], Generator[bytes | Failed, None, None]]


def is_ignore_file(path: str) -> bool:
    return path == ".git/info/exclude" or PurePosixPath(path).name == ".gitignore"


def too_large_detail(size: int, max_bytes: int) -> str:
    """How a TOO_LARGE skip reads, whichever input kind measured the size."""
    return f"{size} bytes > max_file_bytes {max_bytes}"


def _parent(path: str) -> str:
    return path.rpartition("/")[0]


@dataclass(frozen=True, slots=True)
class Resolved:
    """Where a link leads: ``ok`` with the target member, or ``broken``, ``loop``, ``outside``,
    ``unreadable`` (with ``detail``)."""

    status: str
    node: Member | None = None
    detail: str = ""


class Tree(Protocol):
    """A repository as the planner walks it; paths are repo-relative "real" paths."""

    def list_folder(self, folder: str) -> list[Member]:
        """The members directly inside ``folder`` ("" = root); OSError when it cannot be listed."""
        ...

    def resolve(self, folder: str, link: Member) -> Resolved:
        """Follow a symlink (or hard link) member of ``folder`` without leaving the repository."""
        ...

    def ignore_lines(self, member: Member) -> list[str]:
        """The lines of a ``.gitignore`` member; OSError when it cannot be read."""
        ...

    def info_exclude(self) -> list[str] | None:
        """The lines of the repository's ``.git/info/exclude``, None when it has none."""
        ...


class MemberTree:
    """Members listed up front (records, archives, git) indexed as a file system."""

    def __init__(self, members: Iterable[Member], ignore_texts: dict[Hashable, bytes]) -> None:
        self.ignore_texts = ignore_texts
        self.nodes: dict[str, Member] = {}
        self.replaced: list[str] = []  # paths of members a later one of the same path replaced
        explicit_dirs: set[str] = set()
        for member in members:  # a later member of the same path replaces an earlier one
            if not member.path:
                continue
            if self.nodes.pop(member.path, None) is not None:  # even by a folder entry
                self.replaced.append(member.path)
            explicit_dirs.discard(member.path)
            if member.kind == "dir":
                explicit_dirs.add(member.path)
            else:
                self.nodes[member.path] = member
        self.dirs: set[str] = {""} | explicit_dirs
        for path in self.nodes:
            parts = path.split("/")
            self.dirs.update("/".join(parts[:i]) for i in range(1, len(parts)))
        self.conflicts = sorted(path for path in self.nodes if path in self.dirs)
        for path in self.conflicts:
            del self.nodes[path]
        self.children: dict[str, list[str]] = {}
        for path in (*self.dirs, *self.nodes):
            if path:
                self.children.setdefault(_parent(path), []).append(path)

    def _node(self, path: str) -> Member:
        return Member(path, "dir") if path in self.dirs else self.nodes[path]

    def list_folder(self, folder: str) -> list[Member]:
        return [self._node(path) for path in self.children.get(folder, ())]

    def ignore_lines(self, member: Member) -> list[str]:
        return ignore_lines(self.ignore_texts.get(member.key, b""))

    def info_exclude(self) -> list[str] | None:
        member = self.nodes.get(".git/info/exclude")
        return self.ignore_lines(member) if member is not None and member.kind == "file" else None

    def resolve(self, folder: str, link: Member) -> Resolved:
        # a hard link names its target from the repository root
        status, path = self._follow("" if link.kind == "hardlink" else folder, link.target)
        return Resolved(status, self._node(path)) if status == "ok" else Resolved(status)

    def _follow(self, start: str, target: str | None) -> tuple[str, str]:
        """Follow ``target`` from folder ``start`` the way ``realpath`` would, inside the tree.

        Returns ``(status, path)``: ``ok`` with the real path, or ``outside``, ``broken``,
        ``loop``. An absolute target is outside: the tree has no idea where its root was.
        """
        if target is None or target.startswith("/"):
            return "outside", ""
        if not target:
            return "broken", ""
        current = start.split("/") if start else []
        pending = list(reversed(target.split("/")))
        hops = 0
        while pending:
            part = pending.pop()
            if part in ("", "."):
                continue
            if part == "..":
                if not current:
                    return "outside", ""
                current.pop()
                continue
            candidate = "/".join([*current, part])
            if candidate in self.dirs:
                current.append(part)
                continue
            node = self.nodes.get(candidate)
            if node is None:
                return "broken", candidate
            if node.kind in ("symlink", "hardlink"):
                hops += 1
                if hops > _MAX_LINK_HOPS:
                    return "loop", candidate
                if node.target is None or node.target.startswith("/"):
                    return "outside", ""
                if node.kind == "hardlink":
                    current = []  # a hard link names its target from the repository root
                pending.extend(reversed(node.target.split("/")))
                continue
            if any(rest not in ("", ".") for rest in pending):
                return "broken", candidate  # a file used as a folder
            current.append(part)
        return "ok", "/".join(current)


@dataclass
class Listing:
    """One repository as the planner sees it: its tree, how to get at the bytes, early skips.

    ``fetch(keys, limit)`` yields, in order, each key's bytes (at most ``limit + 1`` of them)
    or why they cannot be had; ``skips`` are members decided while listing (unsafe names,
    duplicates); ``gitignore`` is False where ignore files do not apply (git revisions).
    """

    tree: Tree
    fetch: Fetch
    skips: list[SkippedFile] = field(default_factory=list)
    gitignore: bool = True


def member_listing(members: list[Member], fetch: Fetch, skips: list[SkippedFile],
                    ignore_texts: dict[Hashable, bytes] | None = None,
                    gitignore: bool = True) -> Listing:
    """The listing of a container that lists every member up front.

    ``ignore_texts`` holds the bytes of ``.gitignore`` and ``.git/info/exclude`` members by
    key (containers read those while listing).
    """
    tree = MemberTree(members, ignore_texts or {})
    skips = [*skips, *(SkippedFile(path, SkipReason.UNREADABLE, "path is both a file and a folder")
                       for path in tree.conflicts)]
    skips.extend(  # as tar extraction does: the last copy is the file
        SkippedFile(path, SkipReason.DUPLICATE_PATH, "the container holds this path more "
                    "than once; the last copy is kept")
        for path in tree.replaced
    )
    return Listing(tree, fetch, skips, gitignore)
