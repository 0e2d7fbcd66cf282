"""Repositories that are folders on disk: found, laid out for the walker lazily, read safely.

A folder is one more input kind: ``FolderRepo`` hands the shared planner (``walk``) a
``FolderTree`` that lists folders with ``os.scandir`` only when the planner enters them, so an
ignored or vendored folder (a committed ``node_modules`` of 100k files) costs one skip and no
listing. Entries are classified from ``lstat`` information (a fifo is never opened, a symlink
is never followed before its target is checked) and files are read non-blocking, checked
with ``fstat`` and never past ``max_file_bytes + 1`` bytes, so an untrusted tree can neither
hang the walk nor lead it out of the repository.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import stat
from collections.abc import Generator, Hashable, Sequence
from dataclasses import dataclass
from pathlib import Path

from codepack.config import ScanConfig
from codepack.graph.languages.registry import language_for_path
from codepack.inputs.base import InputError, RepoInput
from codepack.inputs.ignore import read_ignore_file
from codepack.inputs.listing import (
    READ_CHUNK,
    Failed,
    Listing,
    Member,
    Resolved,
    special_kind,
    too_large_detail,
)
from codepack.records import SkipReason

log = logging.getLogger(__name__)

# Files a folder-of-repositories is not expected to hold at its top level: when present, the
# user most likely pointed at a single repository without a .git folder.
_SINGLE_REPO_MARKERS: frozenset[str] = frozenset(
    {
        "setup.py",
        "pyproject.toml",
        "package.json",
        "go.mod",
        "Cargo.toml",
        "pom.xml",
        "build.gradle",
        "build.gradle.kts",
        "composer.json",
        "Gemfile",
        "CMakeLists.txt",
        "Makefile",
    }
)


@dataclass(frozen=True)
class FolderRepo(RepoInput):
    """One repository that is a folder on disk (with or without ``.git``)."""

    root: Path = Path()

    @property
    def kind(self) -> str:
        return "folder"

    @property
    def locator(self) -> str:
        return f"folder:{self.root}"

    def _listing(self, config: ScanConfig) -> Listing:
        return Listing(FolderTree(self.root), _read_files)


# --------------------------------------------------------------------------- the tree on disk


class FolderTree:
    """A folder on disk as a ``listing.Tree``: listed on demand, links resolved with the OS."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.root_real = os.path.realpath(self.root)

    def list_folder(self, folder: str) -> list[Member]:
        with os.scandir(os.path.join(self.root_real, folder) if folder else self.root_real) as it:
            return [_member(folder, entry) for entry in it]

    def ignore_lines(self, member: Member) -> list[str]:
        return read_ignore_file(str(member.key))

    def info_exclude(self) -> list[str] | None:
        path = _git_info_exclude(self.root)
        if path is None:
            return None
        # a missing info/exclude is the common case; unreadable git metadata is no rule
        with contextlib.suppress(OSError):
            return read_ignore_file(path)
        return None

    def resolve(self, folder: str, link: Member) -> Resolved:
        path = str(link.key)
        try:
            mode = os.stat(path).st_mode
        except (FileNotFoundError, NotADirectoryError):
            return Resolved("broken")
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                return Resolved("loop")
            return Resolved("unreadable", detail=f"cannot stat link target: {exc}")
        real = os.path.realpath(path)
        if not _inside(real, self.root_real):
            return Resolved("outside")
        rel = os.path.relpath(real, self.root_real)
        rel = "" if rel == "." else rel.replace(os.sep, "/")
        if stat.S_ISDIR(mode):
            return Resolved("ok", Member(rel, "dir"))
        if stat.S_ISREG(mode):
            return Resolved("ok", Member(rel, "file", key=real, size=None))
        return Resolved("ok", Member(rel, "special", detail=f"{special_kind(mode)}"))


def _member(folder: str, entry: os.DirEntry[str]) -> Member:
    path = f"{folder}/{entry.name}" if folder else entry.name
    try:
        if entry.is_symlink():
            try:
                target = os.readlink(entry.path)
            except OSError:
                target = "?"
            return Member(path, "symlink", key=entry.path, target=target)
        if entry.is_dir(follow_symlinks=False):
            return Member(path, "dir")
        if entry.is_file(follow_symlinks=False):
            return Member(path, "file", key=entry.path, size=None)
    except OSError as exc:
        return Member(path, "unreadable", detail=f"cannot stat: {exc}")
    try:
        kind = special_kind(entry.stat(follow_symlinks=False).st_mode)
    except OSError:
        kind = "not a regular file"
    return Member(path, "special", detail=kind)


def _inside(real: str, root_real: str) -> bool:
    return real == root_real or real.startswith(root_real.rstrip(os.sep) + os.sep)


def _git_info_exclude(root: Path) -> Path | None:
    """``.git/info/exclude``, following a ``gitdir:`` file (worktrees, submodules)."""
    dot_git = root / ".git"
    try:
        if dot_git.is_dir():
            return dot_git / "info" / "exclude"
        if not dot_git.is_file():
            return None
        first = dot_git.read_text(encoding="utf-8", errors="replace").splitlines()[:1]
    except OSError:
        return None
    if not first or not first[0].startswith("gitdir:"):
        return None
    git_dir = (root / first[0][len("gitdir:") :].strip()).resolve()
    try:
        common = (git_dir / "commondir").read_text(encoding="utf-8").strip()
        git_dir = (git_dir / common).resolve()
    except OSError:
        pass  # not a worktree: info/exclude lives in the git dir itself
    return git_dir / "info" / "exclude"


# --------------------------------------------------------------------------- reading


def _read_files(keys: Sequence[Hashable], limit: int) -> Generator[bytes | Failed]:
    for key in keys:
        yield read_bounded(str(key), limit)


def read_bounded(path: str, limit: int) -> bytes | Failed:
    """At most ``limit + 1`` bytes of a regular file, or why they cannot be had.

    Opened non-blocking so a file that turned into a fifo after the listing cannot hang the
    run; checked with ``fstat`` (same inode as read) before reading; reads at most
    ``limit + 1`` bytes so a file that grows or lies about its size is still caught.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        return Failed(f"cannot open: {exc.strerror or exc}")
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return Failed(special_kind(info.st_mode), SkipReason.SPECIAL_FILE)
        if info.st_size > limit:
            return Failed(too_large_detail(info.st_size, limit), SkipReason.TOO_LARGE)
        chunks: list[bytes] = []
        remaining = limit + 1
        while remaining > 0:
            chunk = os.read(fd, min(remaining, READ_CHUNK))
            if not chunk:
                break
            chunks.append(chunk)
            remaining -= len(chunk)
    except OSError as exc:
        return Failed(f"cannot read: {exc.strerror or exc}")
    finally:
        os.close(fd)
    return b"".join(chunks)


# --------------------------------------------------------------------------- discovery


def discover_folders(path: Path, single_repo: bool, seen: set[Path]
                      ) -> list[tuple[tuple[str, ...], FolderRepo]]:
    """The repositories of one input folder, with the names they may go by (shortest first).

    A folder is one repository when it holds ``.git`` (folder, or file as in worktrees and
    submodules) or when ``single_repo`` is set; otherwise it is a folder of repositories and
    each visible immediate subfolder is one. ``seen`` (resolved roots) keeps a repository
    named by two inputs to one.
    """
    if not path.is_dir():
        raise InputError(f"input path is not a folder: {path}")
    path = path.absolute()
    found = [path] if single_repo or (path / ".git").exists() else _subfolder_repos(path)
    candidates = []
    for repo in found:
        if repo.resolve() in seen:
            continue
        seen.add(repo.resolve())
        shown = Path(os.path.normpath(repo))  # named by the path given, read at the real one
        names = (shown.name or shown.as_posix(), "/".join(shown.parts[-2:]), shown.as_posix())
        candidates.append((names, FolderRepo(names[0], repo.resolve())))
    return candidates


def _subfolder_repos(folder: Path) -> list[Path]:
    """The visible immediate subfolders of a folder of repositories."""
    repos: list[Path] = []
    markers: list[str] = []
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.name.startswith("."):
                continue
            if _is_dir(entry):
                repos.append(folder / entry.name)
            elif entry.name in _SINGLE_REPO_MARKERS or language_for_path(entry.name):
                markers.append(entry.name)
    if markers:
        log.warning(
            "%s has no .git folder and is read as a folder of repositories, but it holds %s at "
            "its top level; if it is one repository, pass single_repo (--single-repo)",
            folder,
            ", ".join(sorted(markers)[:3]),
        )
    return sorted(repos)


def _is_dir(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir(follow_symlinks=True)
    except OSError:
        return False
