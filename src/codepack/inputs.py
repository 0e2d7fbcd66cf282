"""Repositories that are not plain folders: dataset records, archives and git revisions.

Folders are ``sources.py``'s job. This module turns three other kinds of input into what the
pipeline scans: per repository, entries in sorted path order — ``(path, bytes)`` for files to
judge and ``SkippedFile`` for files decided before reading — plus the text of the resolver
config files (``aux``).

Kinds and detection (``input_kind``):

* **records** — a ``.parquet`` / ``.jsonl`` / ``.ndjson`` file (JSON Lines may be compressed:
  ``.gz``, ``.bz2``, ``.xz``, ``.zst``; a ``.json`` file named explicitly is read as JSON Lines),
  or a folder (without ``--rev``) whose top level holds such files (``.json`` is not enough
  there: every JS repository has ``package.json``). Columns: repository, path and content,
  auto-detected from the names public code datasets use (The Stack, StarCoderData,
  github-code) or given as ``RecordColumns``. All record files of one call form one dataset:
  a repository's rows may be scattered across files and row groups.
* **archive** — ``.tar``, ``.tar.gz``/``.tgz``, ``.tar.bz2``/``.tbz2``, ``.tar.xz``/``.txz``,
  ``.zip``. One top folder -> one repository named after it (GitHub's ``owner-repo-sha/``).
  Files, or hidden entries such as ``.github/``, at the archive root -> the root is one
  repository named after the archive. Otherwise (two or more top folders, nothing else) it is
  a folder-of-repositories archive: each top folder is a repository. ``single_repo`` forces
  one repository. ``__MACOSX/`` resource forks are not a repository.
* **git** — with ``--rev``, a folder holding ``.git`` (non-bare) or ``HEAD`` + ``objects/``
  (bare) is read at that revision through ``git ls-tree`` / ``git cat-file --batch``; a folder
  that is not itself a repository stands for its immediate subfolders that are.

One planner serves all three: a repository's members are laid out as a virtual tree and walked
with the rules of ``sources.walk_repo`` (``.gitignore`` at every level and
``.git/info/exclude`` for archives and records, never for git revisions — tracked files are
tracked; vendored folders; ``--include``/``--exclude``; symlinks and hard links resolved inside
the tree; ``.git`` left out), so a repository gives the same entries and the same skip reasons
whether it arrives as a folder, a tarball, a zip or dataset rows. Sizes are checked before
anything is read, and no read takes more than ``max_file_bytes + 1`` bytes. Nothing is ever
extracted to disk.
"""

from __future__ import annotations

import bisect
import io
import json
import logging
import lzma
import os
import re
import stat
import subprocess
import tarfile
import zipfile
import zlib
from abc import ABC, abstractmethod
from collections import Counter, OrderedDict
from collections.abc import Callable, Generator, Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import Any, TypeVar

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from codepack.config import ScanConfig
from codepack.records import SkippedFile, SkipReason
from codepack.sources import (
    AUX_MAX_BYTES,
    IGNORE_FILE_MAX_BYTES,
    InputError,
    _IgnoreRules,
    _Patterns,
    is_aux_file,
    is_utf8_name,
    printable_path,
    special_kind,
)

log = logging.getLogger(__name__)
T = TypeVar("T")

Entry = tuple[str, bytes] | SkippedFile
Entries = tuple[Iterator[Entry], dict[str, str]]

# Column names public code datasets use, most specific first. The Stack and StarCoderData use
# the max_stars_* family; github-code and codeparrot use repo_name/path/code|content.
REPO_COLUMNS: tuple[str, ...] = (
    "max_stars_repo_name",
    "repo_name",
    "repo",
    "repository",
    "max_forks_repo_name",
    "max_issues_repo_name",
)
PATH_COLUMNS: tuple[str, ...] = (
    "max_stars_repo_path",
    "path",
    "file_path",
    "filepath",
    "max_forks_repo_path",
    "max_issues_repo_path",
)
CONTENT_COLUMNS: tuple[str, ...] = ("content", "text", "code", "source")

_JSONL_SUFFIXES = (".jsonl", ".ndjson")
_COMPRESSION_SUFFIXES = ("", ".gz", ".bz2", ".xz", ".zst")
_TAR_SUFFIXES = (".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tbz", ".tar.xz", ".txz")
_ZIP_SUFFIXES = (".zip",)
_MAC_RESOURCE_FOLDER = "__MACOSX"
_LEADING_ROOT = re.compile(r"^(?:\.?/)+")
_NOT_WALKED = "directory, not walked"
_MAX_LINK_HOPS = 40  # what Linux allows before ELOOP
_LINK_TARGET_MAX_BYTES = 4096  # PATH_MAX: a longer "symlink" is not one
# A tar pass keeps the bytes of the files it passes, so that one pass usually suffices (tar
# members come in any order, and .gitignore files decide only once all are seen). Past this
# budget it stops keeping them and re-reads the rest in a second pass.
_TAR_HOLD_BUDGET = 256 * 1024 * 1024
_READ_CHUNK = 1024 * 1024
_ARCHIVE_READ_ERRORS = (tarfile.TarError, zipfile.BadZipFile, EOFError, OSError, zlib.error,
                        lzma.LZMAError, RuntimeError, NotImplementedError, ValueError)
_GIT_ENV = {"GIT_TERMINAL_PROMPT": "0", "GIT_NO_LAZY_FETCH": "1", "LC_ALL": "C"}
_GIT_FILE_MODES = {"100644", "100755", "100664"}


# --------------------------------------------------------------------------- columns


@dataclass(frozen=True)
class RecordColumns:
    """Which columns of a records file hold the repository, the path and the content.

    ``None`` auto-detects from ``REPO_COLUMNS`` / ``PATH_COLUMNS`` / ``CONTENT_COLUMNS``.
    """

    repo: str | None = None
    path: str | None = None
    content: str | None = None

    @classmethod
    def parse(cls, text: str) -> RecordColumns:
        """``"repo=repo_name,path=file,content=code"`` (any subset), as a CLI option gives it."""
        values: dict[str, str] = {}
        for item in filter(None, (part.strip() for part in text.split(","))):
            key, sep, value = item.partition("=")
            key, value = key.strip(), value.strip()
            if not sep or key not in ("repo", "path", "content") or not value:
                raise InputError(
                    f"bad records column option {item!r}: use repo=NAME,path=NAME,content=NAME"
                )
            values[key] = value
        return cls(**values)

    def resolve(self, names: Sequence[str], where: str, need_repo: bool) -> tuple[str, str, str]:
        """(repo, path, content) column names present in ``names``; a clear error if not."""
        repo = _pick(self.repo, REPO_COLUMNS, names, "repository", where) if need_repo else ""
        path = _pick(self.path, PATH_COLUMNS, names, "path", where)
        content = _pick(self.content, CONTENT_COLUMNS, names, "content", where)
        return repo, path, content


def _pick(given: str | None, known: Sequence[str], names: Sequence[str], role: str,
          where: str) -> str:
    present = ", ".join(sorted(names)[:30]) or "none"
    if given is not None:
        if given in names:
            return given
        raise InputError(f"{where} has no {role} column {given!r} (columns: {present})")
    for name in known:
        if name in names:
            return name
    raise InputError(
        f"{where} has no {role} column: tried {', '.join(known)} (columns: {present}); "
        f"name it with records_columns ({role.split()[0][:7]}=COLUMN)"
    )


# --------------------------------------------------------------------------- paths


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


def _too_large(path: str, size: int, max_bytes: int, grew: bool = False) -> SkippedFile:
    if grew:
        detail = f"more than max_file_bytes {max_bytes} bytes (size was misreported)"
    else:
        detail = f"{size} bytes > max_file_bytes {max_bytes}"
    return SkippedFile(path, SkipReason.TOO_LARGE, detail)


def _ignored(rel: str, source: str, is_dir: bool) -> SkippedFile:
    detail = f"{source}; {_NOT_WALKED}" if is_dir else source
    return SkippedFile(rel, SkipReason.IGNORED, detail)


def _parent(path: str) -> str:
    return path.rpartition("/")[0]


def _join(folder: str, name: str) -> str:
    return f"{folder}/{name}" if folder else name


# --------------------------------------------------------------------------- the virtual tree


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
class _Read:
    """A planned read: the bytes found under ``key`` are the file at ``path``."""

    path: str
    key: Hashable
    size: int


@dataclass(frozen=True, slots=True)
class _Failed:
    """A read that did not produce bytes."""

    detail: str


Fetch = Callable[[Sequence[Hashable], int], Generator[bytes | _Failed, None, None]]


@dataclass
class _Listing:
    """What a container holds for one repository, and how to get at the bytes.

    ``fetch(keys, limit)`` yields, in order, each key's bytes (at most ``limit + 1`` of them)
    or why they cannot be had; ``ignore_texts`` holds the text of ``.gitignore`` and
    ``.git/info/exclude`` members by key (containers read those while listing).
    """

    members: list[_Member]
    fetch: Fetch
    skips: list[SkippedFile] = field(default_factory=list)
    ignore_texts: dict[Hashable, str] = field(default_factory=dict)
    gitignore: bool = True


class _Tree:
    """Members indexed as a file system: nodes, folders and each folder's children."""

    def __init__(self, members: Iterable[_Member]) -> None:
        self.nodes: dict[str, _Member] = {}
        explicit_dirs: set[str] = set()
        for member in members:  # a later member of the same path replaces an earlier one
            if not member.path:
                continue
            self.nodes.pop(member.path, None)
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
                self.children.setdefault(_parent(path), []).append(path.rpartition("/")[2])

    def resolve(self, start: str, target: str | None) -> tuple[str, str]:
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
class _Frame:
    rel: str  # path the files below are packed under
    real: str  # folder of the tree the files come from (differs below a linked folder)
    rules: _IgnoreRules
    chain: frozenset[str]  # real folders of this frame and its ancestors
    names: Iterator[str]


@dataclass
class _Plan:
    items: list[SkippedFile | _Read]  # sorted by path
    aux: list[_Read]  # aux files to read for resolvers (packed or not)


class _Planner:
    """Walk a ``_Tree`` with the rules of ``sources.walk_repo`` and decide every member."""

    def __init__(self, listing: _Listing, config: ScanConfig) -> None:
        self.tree = _Tree(listing.members)
        self.config = config
        self.ignore_texts = listing.ignore_texts
        self.gitignore = listing.gitignore and config.respect_gitignore
        self.vendored = frozenset(config.vendored_dirs)
        self.exclude = _Patterns.parse("", config.exclude) if config.exclude else None
        self.include = _Patterns.parse("", config.include) if config.include else None
        self.linked_dirs: set[str] = set()
        self.items: list[SkippedFile | _Read] = list(listing.skips)
        self.items.extend(
            SkippedFile(path, SkipReason.UNREADABLE, "path is both a file and a folder")
            for path in self.tree.conflicts
        )
        self.aux: list[_Read] = []

    def plan(self) -> _Plan:
        rules = _IgnoreRules()
        exclude_file = self.tree.nodes.get(".git/info/exclude")
        if self.gitignore and exclude_file is not None and exclude_file.kind == "file":
            rules = rules.push(_Patterns.parse("", self._ignore_lines(exclude_file)))
        stack = [self._frame("", "", rules, frozenset())]
        while stack:
            frame = stack[-1]
            name = next(frame.names, None)
            if name is None:
                stack.pop()
                continue
            entered = self._visit(frame, name)
            if entered is not None:
                stack.append(entered)
        self.items.sort(key=lambda item: item.path)
        self.aux.sort(key=lambda read: read.path)
        return _Plan(self.items, self.aux)

    def _ignore_lines(self, member: _Member) -> list[str]:
        return self.ignore_texts.get(member.key, "").splitlines()

    def _frame(self, rel: str, real: str, rules: _IgnoreRules, chain: frozenset[str]) -> _Frame:
        ignore_file = self.tree.nodes.get(_join(real, ".gitignore"))
        if self.gitignore and ignore_file is not None and ignore_file.kind == "file":
            rules = rules.push(_Patterns.parse(rel, self._ignore_lines(ignore_file)))
        names = sorted(self.tree.children.get(real, ()), key=lambda n: self._sort_key(real, n))
        return _Frame(rel, real, rules, chain | {real}, iter(names))

    def _sort_key(self, real: str, name: str) -> str:
        """Folders sort as ``name/``, as in ``sources``: the walk comes out in path order."""
        path = _join(real, name)
        if path in self.tree.dirs:
            return name + "/"
        node = self.tree.nodes[path]
        if node.kind == "symlink":
            status, target = self.tree.resolve(real, node.target)
            if status == "ok" and target in self.tree.dirs:
                return name + "/"
        return name

    def _visit(self, frame: _Frame, name: str) -> _Frame | None:
        if name == ".git":
            return None
        rel, real = _join(frame.rel, name), _join(frame.real, name)
        if not is_utf8_name(name):
            self.items.append(
                SkippedFile(printable_path(rel), SkipReason.NOT_UTF8, "file name is not UTF-8")
            )
            return None
        is_dir = real in self.tree.dirs
        # git matches a symlink as a file, whatever it points to
        if frame.rules.ignores(rel, is_dir):
            self.items.append(_ignored(rel, "gitignore", is_dir))
            return None
        if is_dir:
            return self._enter(frame, rel, real, name)
        node = self.tree.nodes[real]
        if node.kind == "file":
            self._add_file(rel, node)
        elif node.kind == "symlink":
            status, target = self.tree.resolve(frame.real, node.target)
            return self._follow(frame, rel, name, status, target, str(node.target))
        elif node.kind == "hardlink":
            status, target = self.tree.resolve("", node.target)
            shown = "hard link to " + (node.target or "a member outside the repository")
            return self._follow(frame, rel, name, status, target, shown, hard=True)
        else:
            self._add_skip(rel, SkipReason.SPECIAL_FILE, node.detail)
        return None

    def _enter(self, frame: _Frame, rel: str, real: str, name: str) -> _Frame | None:
        if self.exclude is not None and self.exclude.verdict(rel, is_dir=True):
            self.items.append(_ignored(rel, "--exclude", is_dir=True))
            return None
        if name in self.vendored:
            detail = f"vendored folder {name!r}, not walked"
            self.items.append(SkippedFile(rel, SkipReason.VENDORED, detail))
            return None
        return self._frame(rel, real, frame.rules, frame.chain)

    def _follow(self, frame: _Frame, rel: str, name: str, status: str, target: str,
                shown: str, hard: bool = False) -> _Frame | None:
        """Check a link's target before anything reads through it."""
        if status == "broken":
            self._add_skip(rel, SkipReason.SYMLINK_BROKEN, f"no target: {shown}")
        elif status == "loop":
            self._add_skip(rel, SkipReason.SYMLINK_LOOP, f"chain loops: {shown}")
        elif status == "outside":
            self._add_skip(rel, SkipReason.SYMLINK_OUTSIDE, f"leaves the repo: {shown}")
        elif target in self.tree.dirs:
            if hard:
                self._add_skip(rel, SkipReason.SPECIAL_FILE, f"hard link to a folder: {shown}")
            elif target in frame.chain:
                detail = f"links to an enclosing folder: {shown}"
                self.items.append(SkippedFile(rel, SkipReason.SYMLINK_LOOP, detail))
            elif target in self.linked_dirs:
                detail = f"folder already walked through another link: {shown}"
                self.items.append(SkippedFile(rel, SkipReason.SYMLINK_LOOP, detail))
            else:
                self.linked_dirs.add(target)
                return self._enter(frame, rel, target, name)
        else:
            node = self.tree.nodes[target]
            if node.kind == "file":
                self._add_file(rel, node)
            else:
                self._add_skip(rel, SkipReason.SPECIAL_FILE, f"link to a {node.detail}")
        return None

    def _filter_reason(self, rel: str) -> str | None:
        if self.exclude is not None and self.exclude.verdict(rel, is_dir=False):
            return "--exclude"
        if self.include is not None and not self.include.verdict(rel, is_dir=False):
            return "--include"
        return None

    def _add_file(self, rel: str, node: _Member) -> None:
        # resolvers read aux files even when --include/--exclude leave them out of packing
        if is_aux_file(rel) and node.size <= AUX_MAX_BYTES:
            self.aux.append(_Read(rel, node.key, node.size))
        source = self._filter_reason(rel)
        if source is not None:
            self.items.append(_ignored(rel, source, is_dir=False))
        elif node.size > self.config.max_file_bytes:
            self.items.append(_too_large(rel, node.size, self.config.max_file_bytes))
        else:
            self.items.append(_Read(rel, node.key, node.size))

    def _add_skip(self, rel: str, reason: SkipReason, detail: str) -> None:
        """A problem file the user filtered out anyway is reported as filtered, not broken."""
        source = self._filter_reason(rel)
        skip = SkippedFile(rel, reason, detail) if source is None else _ignored(rel, source, False)
        self.items.append(skip)


def _entries(listing: _Listing, config: ScanConfig) -> Entries:
    """Plan a listing, read its aux files now and its files lazily, in path order."""
    plan = _Planner(listing, config).plan()
    wanted = Counter(item.key for item in plan.items if isinstance(item, _Read))
    cache: dict[Hashable, bytes | _Failed] = {}
    aux: dict[str, str] = {}
    aux_keys = list(dict.fromkeys(read.key for read in plan.aux))
    by_key = dict(zip(aux_keys, listing.fetch(aux_keys, AUX_MAX_BYTES), strict=False))
    for read in plan.aux:
        data = by_key.get(read.key)
        if not isinstance(data, bytes) or len(data) > AUX_MAX_BYTES:
            continue  # unreadable, or bigger than listed: the entry read will say why
        if wanted[read.key] and len(data) <= config.max_file_bytes:
            cache[read.key] = data  # read once, used twice
        try:  # utf-8-sig: editors on Windows write a BOM into JSON/TOML
            aux[read.path] = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            log.debug("aux file %s is not UTF-8; not used", read.path)
    return _emit(plan.items, listing.fetch, cache, wanted, config.max_file_bytes), aux


def _emit(items: list[SkippedFile | _Read], fetch: Fetch, cache: dict[Hashable, bytes | _Failed],
          uses: Counter[Hashable], max_bytes: int) -> Iterator[Entry]:
    # each key is fetched once, in order of first use; bytes shared by several paths (a file
    # and links to it) stay cached until their last use
    order = [key for key in dict.fromkeys(i.key for i in items if isinstance(i, _Read))
             if key not in cache]
    stream = fetch(order, max_bytes)
    try:
        for item in items:
            if isinstance(item, SkippedFile):
                yield item
                continue
            if item.key not in cache:
                cache[item.key] = next(stream, _Failed("the container ended early"))
            data = cache[item.key]
            uses[item.key] -= 1
            if uses[item.key] <= 0:
                del cache[item.key]
            if isinstance(data, _Failed):
                yield SkippedFile(item.path, SkipReason.UNREADABLE, data.detail)
            elif len(data) > max_bytes:
                yield _too_large(item.path, len(data), max_bytes, grew=True)
            else:
                yield item.path, data
    finally:
        stream.close()  # a git reader stops its process even when the caller stops early


# --------------------------------------------------------------------------- inputs


@dataclass(frozen=True)
class RepoInput(ABC):
    """One repository of a non-folder input: a name and a locator, never content.

    Cheap to build and to pickle (inputs travel to worker processes); ``entries`` does the
    reading, in whichever process calls it.
    """

    name: str

    @property
    @abstractmethod
    def kind(self) -> str:
        """``records``, ``archive`` or ``git``."""

    @property
    @abstractmethod
    def locator(self) -> str:
        """Where the repository comes from, for manifests and messages."""

    @abstractmethod
    def _listing(self, config: ScanConfig) -> _Listing:
        """The repository's members and how to read them."""

    def entries(self, config: ScanConfig | None = None) -> Entries:
        """``(entries, aux)``: entries in sorted path order, aux files' text by path.

        Entries are ``(path, bytes)`` for files to classify and ``SkippedFile`` for files
        decided before reading. Aux files are read now; file contents lazily as the
        iterator is consumed.
        """
        config = config or ScanConfig()
        return _entries(self._listing(config), config)


# --------------------------------------------------------------------------- records


@dataclass(frozen=True)
class RecordPart:
    """The rows of one records file that belong to one repository.

    ``spans`` are ``[start, stop)`` row ranges for Parquet, byte ranges of the (decompressed)
    stream for JSON Lines: consecutive rows of a repository collapse into one span, so a
    dataset grouped by repository costs one span per file.
    """

    file: str
    format: str  # parquet|jsonl
    path_column: str
    content_column: str
    spans: tuple[tuple[int, int], ...]
    signature: tuple[int, int]  # (size, mtime_ns) at discovery: a changed file is not trusted


@dataclass(frozen=True)
class RecordsRepo(RepoInput):
    """A repository made of dataset rows (Parquet or JSON Lines)."""

    parts: tuple[RecordPart, ...] = ()

    @property
    def kind(self) -> str:
        return "records"

    @property
    def locator(self) -> str:
        files = sorted({part.file for part in self.parts})
        shown = files[0] if len(files) == 1 else f"{files[0]} (+{len(files) - 1} files)"
        return f"records:{shown}#{self.name}"

    def _listing(self, config: ScanConfig) -> _Listing:
        members: list[_Member] = []
        skips: list[SkippedFile] = []
        contents: list[bytes] = []
        ignore_texts: dict[Hashable, str] = {}
        seen: set[str] = set()
        for raw_path, content, where in self._records(skips):
            if not isinstance(raw_path, str) or not raw_path:
                skips.append(SkippedFile(f"<{where}>", SkipReason.UNREADABLE, "no path"))
                continue
            path, problem = _normalise(raw_path)
            if problem is not None or not path:
                skips.append(_unsafe(raw_path, problem or "empty path"))
                continue
            if path in seen:
                detail = f"another record of this repository has the same path ({where})"
                skips.append(SkippedFile(path, SkipReason.DUPLICATE, detail))
                continue
            seen.add(path)
            if isinstance(content, str):
                data = content.encode("utf-8", "surrogatepass")
            elif isinstance(content, bytes | bytearray | memoryview):
                data = bytes(content)
            else:
                kind = "no content" if content is None else f"content is {type(content).__name__}"
                skips.append(SkippedFile(path, SkipReason.UNREADABLE, kind))
                continue
            key = len(contents)
            contents.append(data)
            members.append(_Member(path, "file", key=key, size=len(data)))
            if _is_ignore_file(path):
                ignore_texts[key] = data[:IGNORE_FILE_MAX_BYTES].decode("utf-8", "replace")

        def fetch(keys: Sequence[Hashable], limit: int) -> Generator[bytes | _Failed]:
            for key in keys:
                data = contents[key]  # type: ignore[index]
                yield data if len(data) <= limit else data[: limit + 1]

        return _Listing(members, fetch, skips, ignore_texts)

    def _records(self, skips: list[SkippedFile]) -> Iterator[tuple[Any, Any, str]]:
        """(path, content, where) for each row of this repository, in dataset order."""
        for part in self.parts:
            try:
                info = os.stat(part.file)
            except OSError as exc:
                skips.append(SkippedFile(".", SkipReason.UNREADABLE, f"{part.file}: {exc}"))
                continue
            if (info.st_size, info.st_mtime_ns) != part.signature:
                detail = f"{part.file} changed since the repositories were listed"
                skips.append(SkippedFile(".", SkipReason.UNREADABLE, detail))
                continue
            read = _parquet_rows if part.format == "parquet" else _jsonl_rows
            try:
                yield from read(part)
            except (OSError, ValueError, EOFError, zlib.error, lzma.LZMAError,
                    pa.ArrowException) as exc:
                detail = f"cannot read {part.file}: {exc}"
                skips.append(SkippedFile(".", SkipReason.UNREADABLE, detail))


def _is_ignore_file(path: str) -> bool:
    return path == ".git/info/exclude" or PurePosixPath(path).name == ".gitignore"


# Per-process caches: repositories read one after another often share row groups and
# compressed streams; without these each would decode them again. Row groups are kept up to a
# byte budget (always at least the last one), so a file smaller than it is decoded once.
_ROW_GROUP_CACHE: OrderedDict[tuple[Any, ...], pa.Table] = OrderedDict()
_ROW_GROUP_CACHE_BYTES = 256 * 1024 * 1024
# Past this many row groups per repository on average, reading decodes each row group many
# times over: worth a warning that sorting the dataset by repository first pays off.
_SCATTER_WARNING = 4.0


@lru_cache(maxsize=64)
def _row_group_bounds(file: str, signature: tuple[int, int]) -> tuple[int, ...]:
    """Start row of each row group, then the row count."""
    with pq.ParquetFile(file) as parquet:
        counts = [parquet.metadata.row_group(i).num_rows for i in range(parquet.num_row_groups)]
    return tuple(int(x) for x in np.concatenate([[0], np.cumsum(counts, dtype=np.int64)]))


def _row_group(part: RecordPart, index: int) -> pa.Table:
    key = (part.file, part.signature, index, part.path_column, part.content_column)
    table = _ROW_GROUP_CACHE.get(key)
    if table is None:
        columns = list(dict.fromkeys((part.path_column, part.content_column)))
        with pq.ParquetFile(part.file) as parquet:
            table = parquet.read_row_group(index, columns=columns)
        _ROW_GROUP_CACHE[key] = table
        held = sum(cached.nbytes for cached in _ROW_GROUP_CACHE.values())
        while len(_ROW_GROUP_CACHE) > 1 and held > _ROW_GROUP_CACHE_BYTES:
            held -= _ROW_GROUP_CACHE.popitem(last=False)[1].nbytes
    else:
        _ROW_GROUP_CACHE.move_to_end(key)
    return table


def _parquet_rows(part: RecordPart) -> Iterator[tuple[Any, Any, str]]:
    bounds = _row_group_bounds(part.file, part.signature)
    label = Path(part.file).name
    for start, stop in part.spans:
        row = start
        while row < stop:
            group = bisect.bisect_right(bounds, row) - 1
            if group >= len(bounds) - 1:
                raise ValueError(f"row {row} is past the end of the file")
            group_stop = min(stop, bounds[group + 1])
            table = _row_group(part, group).slice(row - bounds[group], group_stop - row)
            paths = table.column(part.path_column).to_pylist()
            contents = table.column(part.content_column).to_pylist()
            for offset, (path, content) in enumerate(zip(paths, contents, strict=True)):
                yield path, content, f"{label} row {row + offset}"
            row = group_stop


class _ForwardReader:
    """A forward reader over a compressed stream (zstd, bz2, xz), kept open between reads.

    These streams cannot seek back cheaply, so a read before the current position reopens
    the file; reads in increasing order (a dataset sorted by repository name) cost one
    decompression pass in total, any other order costs one per repository (discovery warns).
    """

    def __init__(self, file: str) -> None:
        self.file = file
        self.stream: Any = None
        self.position = 0

    def read(self, start: int, length: int) -> bytes:
        if self.stream is None or start < self.position:
            self.close()
            self.stream = _open_stream(self.file)
            self.position = 0
        while self.position < start:
            skipped = len(self.stream.read(min(_READ_CHUNK, start - self.position)))
            if not skipped:
                raise ValueError("file ended before a listed record")
            self.position += skipped
        data = self.stream.read(length)
        self.position = start + len(data)
        return data

    def close(self) -> None:
        if self.stream is not None:
            self.stream.close()
            self.stream = None


class _PlainReader:
    """Reads byte ranges of an uncompressed file."""

    def __init__(self, file: str) -> None:
        self.file = file

    def read(self, start: int, length: int) -> bytes:
        with open(self.file, "rb") as handle:
            handle.seek(start)
            return handle.read(length)

    def close(self) -> None:
        """Nothing stays open between reads."""


class _GzipReader:
    """Random access into a gzip file through decompressor snapshots.

    One first pass copies the zlib state every ``_GZIP_CHECKPOINT`` decompressed bytes (a copy
    is the 32 KiB window plus a little state); a read then starts from the nearest snapshot
    before it, so repositories can be read in any order at a cost of at most one checkpoint
    interval of decompression each, instead of decompressing from the top every time.
    Concatenated gzip members (bgzip, parallel writers) are followed.
    """

    def __init__(self, file: str) -> None:
        self.file = file
        start = zlib.decompressobj(_GZIP_WBITS)
        self.offsets: list[int] = [0]  # decompressed offset of each snapshot
        self.points: list[tuple[int, Any]] = [(0, start.copy())]  # (compressed offset, state)
        with open(file, "rb") as raw:
            out, mark = 0, _GZIP_CHECKPOINT
            for piece, boundary in _gunzip(raw, start, 0):
                if boundary is not None and out >= mark:
                    self.offsets.append(out)
                    self.points.append((boundary[0], boundary[1].copy()))
                    mark = out + _GZIP_CHECKPOINT
                out += len(piece)

    def read(self, start: int, length: int) -> bytes:
        index = bisect.bisect_right(self.offsets, start) - 1
        out = self.offsets[index]
        position, state = self.points[index]
        inflater = state.copy()
        stop = start + length
        kept = bytearray()
        with open(self.file, "rb") as raw:
            raw.seek(position)
            for piece, _ in _gunzip(raw, inflater, position):
                lo, hi = max(start - out, 0), min(stop - out, len(piece))
                if lo < hi:
                    kept += piece[lo:hi]
                out += len(piece)
                if out >= stop:
                    break
        return bytes(kept)

    def close(self) -> None:
        """Nothing stays open between reads."""


_GZIP_WBITS = zlib.MAX_WBITS | 16  # expect a gzip header
_GZIP_CHECKPOINT = 1024 * 1024
_GZIP_INPUT_CHUNK = 16 * 1024


def _gunzip(raw: Any, inflater: Any, position: int
            ) -> Iterator[tuple[bytes, tuple[int, Any] | None]]:
    """Decompressed pieces of a gzip stream (at most ``_READ_CHUNK`` each: a bomb cannot
    blow memory up). After each input chunk is fully consumed it also yields
    ``(b"", (compressed offset, inflater))``: the only places a snapshot is valid."""
    while True:
        chunk = raw.read(_GZIP_INPUT_CHUNK)
        if not chunk:
            return
        position += len(chunk)
        while chunk:
            if inflater.eof:
                if not chunk.strip(b"\0"):
                    break  # zero padding after the last member
                inflater = zlib.decompressobj(_GZIP_WBITS)
            piece = inflater.decompress(chunk, _READ_CHUNK)
            chunk = inflater.unused_data if inflater.eof else inflater.unconsumed_tail
            if piece:
                yield piece, None
        yield b"", (position, inflater)


_READERS: OrderedDict[tuple[str, tuple[int, int]], Any] = OrderedDict()
_READER_CACHE_SIZE = 4


def _reader(part: RecordPart) -> _PlainReader | _GzipReader | _ForwardReader:
    """A cached reader for a JSON Lines file: a gzip index is built once per process."""
    key = (part.file, part.signature)
    reader = _READERS.get(key)
    if reader is None:
        compression = _compression(part.file)
        kind = {"": _PlainReader, ".gz": _GzipReader}.get(compression, _ForwardReader)
        reader = _READERS[key] = kind(part.file)
        while len(_READERS) > _READER_CACHE_SIZE:
            _READERS.popitem(last=False)[1].close()
    else:
        _READERS.move_to_end(key)
    return reader


def _jsonl_rows(part: RecordPart) -> Iterator[tuple[Any, Any, str]]:
    label = Path(part.file).name
    reader = _reader(part)
    for start, stop in part.spans:
        offset = start
        for line in reader.read(start, stop - start).split(b"\n"):  # as discovery split them
            where = f"{label} byte {offset}"
            offset += len(line) + 1
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except ValueError:
                record = None
            if not isinstance(record, dict):
                yield None, None, where
                continue
            yield record.get(part.path_column), record.get(part.content_column), where


def _compression(file: str) -> str:
    name = file.lower()
    for suffix in _COMPRESSION_SUFFIXES[1:]:
        if name.endswith(suffix):
            return suffix
    return ""


def _open_stream(file: str) -> Any:
    """A binary stream over a file's decompressed bytes."""
    if not _compression(file):
        return open(file, "rb")  # the caller owns and closes the handle
    return io.BufferedReader(pa.input_stream(file, compression="detect"), _READ_CHUNK)


def _is_records_file(name: str, explicit: bool) -> bool:
    """Record files by name; ``.json`` counts only when named explicitly (see module doc)."""
    lower = name.lower()
    if lower.endswith(".parquet"):
        return True
    bases = (*_JSONL_SUFFIXES, ".json") if explicit else _JSONL_SUFFIXES
    return any(lower.endswith(base + suffix) for base in bases for suffix in _COMPRESSION_SUFFIXES)


class _RepoIds:
    """Dense integer ids for repository names, so row grouping runs on numpy arrays."""

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}
        self.names: list[str] = []

    def id(self, value: Any) -> int:
        if value is None:
            return -1
        name = str(value).strip()
        if not name:
            return -1
        found = self.ids.get(name)
        if found is None:
            found = self.ids[name] = len(self.names)
            self.names.append(name)
        return found

    def encode(self, column: pa.ChunkedArray) -> np.ndarray:
        array = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
        if not pa.types.is_dictionary(array.type):
            array = array.dictionary_encode()
        values = array.dictionary.to_pylist()
        if not values:
            return np.full(len(array), -1, dtype=np.int64)
        lookup = np.array([self.id(value) for value in values] + [-1], dtype=np.int64)
        indices = array.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)
        return lookup[indices]  # -1 (null) picks the trailing -1


def _spans(rows: np.ndarray) -> tuple[tuple[int, int], ...]:
    """Sorted row numbers as ``[start, stop)`` runs."""
    breaks = np.flatnonzero(np.diff(rows) != 1) + 1
    starts = rows[np.concatenate([[0], breaks])]
    stops = rows[np.concatenate([breaks - 1, [len(rows) - 1]])] + 1
    return tuple((int(a), int(b)) for a, b in zip(starts, stops, strict=True))


class _RecordsIndex:
    """Repository -> rows, built from the repository column only (one pass per file)."""

    def __init__(self, columns: RecordColumns) -> None:
        self.columns = columns
        self.repo_ids = _RepoIds()
        self.parts: dict[int, list[RecordPart]] = {}
        self.labels: dict[int, str] = {}  # repo id -> the input it was first found in
        self.files: set[Path] = set()

    def add_file(self, file: Path, label: str, single_name: str | None) -> None:
        """Index one file; ``single_name`` makes every row one repository of that name."""
        if file.resolve() in self.files:
            return  # named twice (a folder and a file in it): its rows are not duplicates
        self.files.add(file.resolve())
        signature = _signature(file)
        if file.name.lower().endswith(".parquet"):
            self._add_parquet(file, label, single_name, signature)
        else:
            self._add_jsonl(file, label, single_name, signature)

    def repos(self) -> list[tuple[str, str, tuple[RecordPart, ...]]]:
        return [(self.repo_ids.names[i], self.labels[i], tuple(parts))
                for i, parts in sorted(self.parts.items())]

    def _record(self, repo_id: int, label: str, part: RecordPart) -> None:
        self.parts.setdefault(repo_id, []).append(part)
        self.labels.setdefault(repo_id, label)

    def _add_parquet(self, file: Path, label: str, single_name: str | None,
                     signature: tuple[int, int]) -> None:
        try:
            parquet = pq.ParquetFile(file)
        except (OSError, pa.ArrowException) as exc:
            raise InputError(f"cannot read Parquet file {file}: {exc}") from exc
        with parquet:
            names = parquet.schema_arrow.names
            repo_col, path_col, content_col = self.columns.resolve(
                names, str(file), need_repo=single_name is None)
            if single_name is not None:
                rows = parquet.metadata.num_rows
                if rows:
                    part = RecordPart(str(file), "parquet", path_col, content_col,
                                      ((0, rows),), signature)
                    self._record(self.repo_ids.id(single_name), label, part)
                return
            chunks = [self.repo_ids.encode(
                parquet.read_row_group(i, columns=[repo_col]).column(0))
                for i in range(parquet.num_row_groups)]
        ids = np.concatenate(chunks) if chunks else np.empty(0, dtype=np.int64)
        missing = int(np.count_nonzero(ids < 0))
        if missing:
            log.warning("%s: %d rows have no %s value and belong to no repository",
                        file, missing, repo_col)
        valid = np.flatnonzero(ids >= 0)
        order = valid[np.argsort(ids[valid], kind="stable")]
        if not len(order):
            return
        bounds = np.flatnonzero(np.diff(ids[order])) + 1
        groups = np.split(order, bounds)
        for rows in groups:
            part = RecordPart(str(file), "parquet", path_col, content_col, _spans(rows),
                              signature)
            self._record(int(ids[rows[0]]), label, part)
        _warn_if_scattered(file, groups, [len(chunk) for chunk in chunks])

    def _add_jsonl(self, file: Path, label: str, single_name: str | None,
                   signature: tuple[int, int]) -> None:
        resolved: tuple[str, str, str] | None = None
        spans: dict[int, list[list[int]]] = {}
        bad = offset = 0
        try:
            with _open_stream(str(file)) as stream:
                for line in stream:
                    start, offset = offset, offset + len(line)
                    if not line.strip():
                        continue
                    try:
                        record = json.loads(line)
                    except ValueError:
                        record = None
                    if not isinstance(record, dict):
                        bad += 1
                        continue
                    if resolved is None:
                        resolved = self.columns.resolve(
                            list(record), f"{file} (first record)", need_repo=single_name is None)
                    value = single_name if single_name is not None else record.get(resolved[0])
                    repo_id = self.repo_ids.id(value)
                    if repo_id < 0:
                        bad += 1
                        continue
                    runs = spans.setdefault(repo_id, [])
                    if runs and runs[-1][1] == start:
                        runs[-1][1] = offset
                    else:
                        runs.append([start, offset])
        except (OSError, EOFError, zlib.error, lzma.LZMAError, pa.ArrowException) as exc:
            raise InputError(f"cannot read JSON Lines file {file}: {exc}") from exc
        if resolved is None:
            if bad:
                raise InputError(f"{file} holds no JSON object lines: is it JSON Lines?")
            return  # empty file
        if bad:
            log.warning("%s: %d lines are not JSON objects with a repository; not read",
                        file, bad)
        compression = _compression(str(file))
        if compression not in ("", ".gz") and len(spans) > 1:
            firsts = [spans[i][0][0] for i in sorted(spans, key=self.repo_ids.names.__getitem__)]
            if firsts != sorted(firsts):
                log.warning("%s: %s streams are read forward only and its repositories are not "
                            "in name order, so each repository decompresses the file from the "
                            "start; gzip it or leave it uncompressed", file, compression)
        for repo_id, runs in spans.items():
            part = RecordPart(str(file), "jsonl", resolved[1], resolved[2],
                              tuple((a, b) for a, b in runs), signature)
            self._record(repo_id, label, part)


def _warn_if_scattered(file: Path, groups: list[np.ndarray], group_rows: list[int]) -> None:
    """Say so when a repository's rows spread over many row groups (reading gets slow)."""
    if len(group_rows) < 2 or not groups:
        return
    starts = np.cumsum([0, *group_rows[:-1]])
    touched = sum(len(np.unique(np.searchsorted(starts, rows, side="right"))) for rows in groups)
    mean = touched / len(groups)
    if mean > _SCATTER_WARNING:
        log.warning(
            "%s: a repository's rows are spread over %.1f row groups on average, so reading "
            "decodes row groups many times; sort the dataset by repository first (e.g. duckdb "
            "COPY (SELECT * FROM 'in.parquet' ORDER BY repo) TO 'out.parquet')", file, mean)


def _records_stem(name: str) -> str:
    """``data.jsonl.gz`` -> ``data``: the repository name of a ``single_repo`` records input."""
    stem = name[: len(name) - len(_compression(name))]
    for suffix in (".parquet", *_JSONL_SUFFIXES, ".json"):
        if stem.lower().endswith(suffix) and len(stem) > len(suffix):
            return stem[: -len(suffix)]
    return stem


def _signature(file: Path) -> tuple[int, int]:
    info = file.stat()
    return info.st_size, info.st_mtime_ns


def _record_files(folder: Path) -> list[Path]:
    """The record files at the top level of a folder (hidden files left out), sorted."""
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        return []
    return [folder / n for n in names
            if not n.startswith(".") and _is_records_file(n, explicit=False)
            and (folder / n).is_file()]


# --------------------------------------------------------------------------- archives


@dataclass(frozen=True)
class ArchiveRepo(RepoInput):
    """A repository inside a tar or zip archive, under ``prefix`` (``""``: the whole archive).

    ``stop_offset`` (tar only) is the header offset of the repository's last member: reading
    a folder-of-repositories tarball stops there instead of decompressing the rest.
    """

    archive: str = ""
    prefix: str = ""
    stop_offset: int | None = None

    @property
    def kind(self) -> str:
        return "archive"

    @property
    def locator(self) -> str:
        return f"archive:{self.archive}#{self.prefix}"

    def _listing(self, config: ScanConfig) -> _Listing:
        if _archive_format(self.archive) == "zip":
            return self._zip_listing()
        return self._tar_listing(config)

    # ---- zip: a central directory, so members are read directly, lazily, in path order

    def _zip_listing(self) -> _Listing:
        members: list[_Member] = []
        skips: list[SkippedFile] = []
        ignore_texts: dict[Hashable, str] = {}
        try:
            with zipfile.ZipFile(self.archive) as archive:
                for index, info in enumerate(archive.infolist()):
                    member = self._zip_member(archive, index, info, skips)
                    if member is None:
                        continue
                    members.append(member)
                    if member.kind == "file" and _is_ignore_file(member.path):
                        head = _zip_read(archive, info, IGNORE_FILE_MAX_BYTES)
                        if isinstance(head, bytes):
                            ignore_texts[index] = head.decode("utf-8", "replace")
        except _ARCHIVE_READ_ERRORS as exc:
            skips.append(SkippedFile(".", SkipReason.UNREADABLE, f"cannot read archive: {exc}"))
        archive_path = self.archive

        def fetch(keys: Sequence[Hashable], limit: int) -> Generator[bytes | _Failed]:
            if not keys:
                return
            try:
                archive = zipfile.ZipFile(archive_path)
            except _ARCHIVE_READ_ERRORS as exc:
                for _ in keys:
                    yield _Failed(f"cannot read archive: {exc}")
                return
            with archive:
                infos = archive.infolist()
                for key in keys:
                    yield _zip_read(archive, infos[key], limit)  # type: ignore[index]

        return _Listing(members, fetch, skips, ignore_texts)

    def _zip_member(self, archive: zipfile.ZipFile, index: int, info: zipfile.ZipInfo,
                    skips: list[SkippedFile]) -> _Member | None:
        path = self._repo_path(info.filename, skips)
        if path is None:
            return None
        mode = info.external_attr >> 16
        if info.is_dir() or stat.S_ISDIR(mode):
            return _Member(path, "dir")
        if stat.S_ISLNK(mode):
            target = _zip_read(archive, info, _LINK_TARGET_MAX_BYTES)
            if isinstance(target, _Failed) or len(target) > _LINK_TARGET_MAX_BYTES:
                skips.append(SkippedFile(path, SkipReason.UNREADABLE, "unreadable symlink"))
                return None
            return _Member(path, "symlink", target=target.decode("utf-8", "surrogateescape"))
        if stat.S_IFMT(mode) and not stat.S_ISREG(mode):
            return _Member(path, "special", detail=special_kind(mode))
        return _Member(path, "file", key=index, size=info.file_size)

    # ---- tar: one forward pass (two when the files do not fit the hold budget)

    def _tar_listing(self, config: ScanConfig) -> _Listing:
        members: list[_Member] = []
        skips: list[SkippedFile] = []
        ignore_texts: dict[Hashable, str] = {}
        held: dict[Hashable, bytes] = {}
        budget = _TAR_HOLD_BUDGET
        vendored = frozenset(config.vendored_dirs) | {".git"}
        try:
            with tarfile.open(self.archive, "r:*") as archive:
                for info in _tar_members(archive, self.stop_offset):
                    member = self._tar_member(info, skips)
                    if member is None:
                        continue
                    members.append(member)
                    key = self.prefix + member.path
                    held.pop(key, None)  # a later member of the same name replaces it
                    if member.kind != "file":
                        continue
                    ignore_file = _is_ignore_file(member.path)
                    control = ignore_file or is_aux_file(member.path)
                    keep = member.size <= config.max_file_bytes and (
                        control
                        or (member.size <= budget
                            and vendored.isdisjoint(member.path.split("/")[:-1]))
                    )
                    # each member is read at most once: reading back means re-decompressing
                    data = _tar_read(archive, info, config.max_file_bytes) if keep else None
                    if isinstance(data, bytes):
                        held[key] = data
                        budget -= 0 if control else len(data)
                    if ignore_file:
                        if not isinstance(data, bytes):
                            data = _tar_read(archive, info, IGNORE_FILE_MAX_BYTES)
                        if isinstance(data, bytes):
                            text = data[:IGNORE_FILE_MAX_BYTES].decode("utf-8", "replace")
                            ignore_texts[key] = text
        except _ARCHIVE_READ_ERRORS as exc:
            skips.append(SkippedFile(".", SkipReason.UNREADABLE, f"cannot read archive: {exc}"))
        archive_path, stop_offset = self.archive, self.stop_offset

        def fetch(keys: Sequence[Hashable], limit: int) -> Generator[bytes | _Failed]:
            missing = {key for key in keys if key not in held}
            found = _tar_fetch(archive_path, missing, stop_offset, limit) if missing else {}
            for key in keys:
                data = held.pop(key, None)
                if data is None:
                    data = found.pop(key, _Failed("member not found on re-reading"))
                yield data[: limit + 1] if isinstance(data, bytes) else data

        return _Listing(members, fetch, skips, ignore_texts)

    def _tar_member(self, info: tarfile.TarInfo, skips: list[SkippedFile]) -> _Member | None:
        path = self._repo_path(info.name, skips)
        if path is None:
            return None
        if info.isdir():
            return _Member(path, "dir")
        if info.isreg():
            return _Member(path, "file", key=self.prefix + path, size=info.size)
        if info.issym():
            return _Member(path, "symlink", target=info.linkname)
        if info.islnk():
            target, problem = _normalise(info.linkname)
            inside = problem is None and target.startswith(self.prefix)
            return _Member(path, "hardlink", target=target[len(self.prefix):] if inside else None)
        if info.ischr():
            return _Member(path, "special", detail="character device")
        if info.isblk():
            return _Member(path, "special", detail="block device")
        if info.isfifo():
            return _Member(path, "special", detail="fifo")
        return _Member(path, "special", detail=f"unsupported tar member type {info.type!r}")

    def _repo_path(self, raw: str, skips: list[SkippedFile]) -> str | None:
        """The member's path inside this repository; None when it is not in it."""
        path, problem = _normalise(raw)
        if problem is not None:
            if _LEADING_ROOT.sub("", raw).startswith(self.prefix):  # hostile, and ours
                skips.append(_unsafe(raw, problem))
            return None
        if not path.startswith(self.prefix) and path + "/" != self.prefix:
            return None
        return path[len(self.prefix):]


def _tar_members(archive: tarfile.TarFile, stop_offset: int | None) -> Iterator[tarfile.TarInfo]:
    """Members in archive order, without tarfile keeping every header in memory."""
    while True:
        info = archive.next()
        if info is None or (stop_offset is not None and info.offset > stop_offset):
            return
        archive.members.clear()  # only needed for lookups by name, which are never made here
        yield info


def _tar_read(archive: tarfile.TarFile, info: tarfile.TarInfo, limit: int) -> bytes | _Failed:
    try:
        handle = archive.extractfile(info)
        if handle is None:
            return _Failed("archive member has no data")
        with handle:
            return handle.read(limit + 1)
    except _ARCHIVE_READ_ERRORS as exc:
        return _Failed(f"cannot read archive member: {exc}")


def _tar_fetch(file: str, keys: set[Hashable], stop_offset: int | None,
               limit: int) -> dict[Hashable, bytes | _Failed]:
    """One pass over a tar archive for the members named by ``keys`` (last one wins)."""
    found: dict[Hashable, bytes | _Failed] = {}
    try:
        with tarfile.open(file, "r:*") as archive:
            for info in _tar_members(archive, stop_offset):
                path, problem = _normalise(info.name)
                if problem is None and path in keys and info.isreg():
                    found[path] = _tar_read(archive, info, limit)
    except _ARCHIVE_READ_ERRORS as exc:
        for key in keys - found.keys():
            found[key] = _Failed(f"cannot read archive: {exc}")
    return found


def _zip_read(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes | _Failed:
    if info.flag_bits & 0x1:
        return _Failed("archive member is encrypted")
    try:
        with archive.open(info) as handle:
            return handle.read(limit + 1)
    except _ARCHIVE_READ_ERRORS as exc:
        return _Failed(f"cannot read archive member: {exc}")


def _archive_format(name: str) -> str | None:
    lower = name.lower()
    if lower.endswith(_ZIP_SUFFIXES):
        return "zip"
    if lower.endswith(_TAR_SUFFIXES):
        return "tar"
    return None


def _archive_stem(name: str) -> str:
    lower = name.lower()
    for suffix in sorted((*_TAR_SUFFIXES, *_ZIP_SUFFIXES), key=len, reverse=True):
        if lower.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


def _archive_tops(file: Path) -> tuple[dict[str, int], bool]:
    """Top-level folders of an archive (with the offset of their last member) and whether
    the root itself looks like a repository (files or hidden entries at the top)."""
    tops: dict[str, int] = {}
    root_marked = False
    unsafe = 0

    def note(raw: str, is_dir: bool, offset: int) -> None:
        nonlocal root_marked, unsafe
        path, problem = _normalise(raw)
        unsafe += problem is not None
        if problem is not None or not path:
            return
        top, _, rest = path.partition("/")
        if top == _MAC_RESOURCE_FOLDER:
            return
        if top.startswith(".") or (not rest and not is_dir):
            root_marked = True
        else:
            tops[top] = offset

    try:
        if _archive_format(file.name) == "zip":
            with zipfile.ZipFile(file) as archive:
                for info in archive.infolist():
                    note(info.filename, info.is_dir(), 0)
        else:
            with tarfile.open(file, "r:*") as archive:
                for info in _tar_members(archive, None):
                    note(info.name, info.isdir(), info.offset)
    except _ARCHIVE_READ_ERRORS as exc:
        raise InputError(f"cannot read archive {file}: {exc}") from exc
    if unsafe:
        log.warning("archive %s has %d members with absolute or '..' paths; they are skipped",
                    file, unsafe)
    return tops, root_marked


def _discover_archive(file: Path, single_repo: bool) -> list[tuple[tuple[str, ...], ArchiveRepo]]:
    tops, root_marked = _archive_tops(file)
    label, full = file.name, file.absolute().as_posix()
    is_tar = _archive_format(file.name) == "tar"
    if len(tops) == 1 and not root_marked:
        (top,) = tops
        return [((top, f"{label}/{top}", f"{full}/{top}"), ArchiveRepo(top, str(file), top + "/"))]
    if single_repo or root_marked or len(tops) < 2:
        stem = _archive_stem(file.name)
        if not tops and not root_marked:
            log.warning("archive %s holds no files", file)
        return [((stem, label, full), ArchiveRepo(stem, str(file), ""))]
    return [((top, f"{label}/{top}", f"{full}/{top}"),
             ArchiveRepo(top, str(file), top + "/", offset if is_tar else None))
            for top, offset in sorted(tops.items())]


# --------------------------------------------------------------------------- git


@dataclass(frozen=True)
class GitRepo(RepoInput):
    """A git repository (bare or not) read at ``commit`` (``rev`` resolved at discovery)."""

    repo: str = ""
    rev: str = ""
    commit: str = ""

    @property
    def kind(self) -> str:
        return "git"

    @property
    def locator(self) -> str:
        return f"git:{self.repo}@{self.commit}"

    def _listing(self, config: ScanConfig) -> _Listing:
        members: list[_Member] = []
        skips: list[SkippedFile] = []
        links: list[tuple[str, str]] = []  # (path, blob) of symlinks
        try:
            tree = _git(self.repo, "ls-tree", "-r", "-z", "--long", "--full-tree", self.commit)
        except InputError as exc:
            skips.append(SkippedFile(".", SkipReason.UNREADABLE, str(exc)))
            tree = b""
        for record in tree.split(b"\0"):
            meta, tab, raw = record.partition(b"\t")
            fields = meta.split()
            if not tab or len(fields) != 4:
                continue
            mode, _, blob, size = (f.decode("ascii", "replace") for f in fields)
            name = raw.decode("utf-8", "surrogateescape")
            path, problem = _normalise(name)
            if problem is not None or not path:
                skips.append(_unsafe(name, problem or "empty path"))
            elif mode in _GIT_FILE_MODES:
                members.append(_Member(path, "file", key=blob, size=int(size)))
            elif mode == "120000":
                links.append((path, blob))
            elif mode == "160000":
                members.append(_Member(path, "special", detail="submodule"))
            else:
                members.append(_Member(path, "special", detail=f"git tree entry mode {mode}"))
        blobs = [blob for _, blob in links]
        for (path, _), target in zip(links, _cat_file(self.repo, blobs, _LINK_TARGET_MAX_BYTES),
                                     strict=True):
            if isinstance(target, _Failed) or len(target) > _LINK_TARGET_MAX_BYTES:
                skips.append(SkippedFile(path, SkipReason.UNREADABLE, "unreadable symlink"))
            else:
                text = target.decode("utf-8", "surrogateescape")
                members.append(_Member(path, "symlink", target=text))
        repo = self.repo

        def fetch(keys: Sequence[Hashable], limit: int) -> Generator[bytes | _Failed]:
            return _cat_file(repo, [str(key) for key in keys], limit)

        # tracked files are tracked: .gitignore does not apply to a revision
        return _Listing(members, fetch, skips, gitignore=False)


def _git_command(repo: str, *args: str) -> list[str]:
    return ["git", "--no-pager", "--no-replace-objects", "-C", repo, *args]


def _git(repo: str, *args: str) -> bytes:
    """Run a git plumbing command; its stderr becomes the error message."""
    try:
        done = subprocess.run(_git_command(repo, *args), capture_output=True, check=False,
                              env={**os.environ, **_GIT_ENV})
    except OSError as exc:
        raise InputError(f"cannot run git: {exc}") from exc
    if done.returncode:
        message = done.stderr.decode("utf-8", "replace").strip() or f"exit {done.returncode}"
        raise InputError(f"git {args[0]} failed in {repo}: {message}")
    return done.stdout


def _cat_file(repo: str, blobs: Sequence[str], limit: int) -> Generator[bytes | _Failed]:
    """Blob contents through one ``git cat-file --batch`` process, one request at a time.

    A blob larger than ``limit`` is drained, not kept (the planner has already skipped such
    blobs by their ls-tree size; this only guards a lying listing).
    """
    if not blobs:
        return
    try:
        process = subprocess.Popen(_git_command(repo, "cat-file", "--batch"),
                                   stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                   stderr=subprocess.DEVNULL, env={**os.environ, **_GIT_ENV})
    except OSError as exc:
        for _ in blobs:
            yield _Failed(f"cannot run git: {exc}")
        return
    assert process.stdin is not None and process.stdout is not None
    try:
        for blob in blobs:
            try:
                process.stdin.write(blob.encode("ascii") + b"\n")
                process.stdin.flush()
                header = process.stdout.readline().split()
            except OSError as exc:
                yield _Failed(f"git cat-file failed: {exc}")
                continue
            if len(header) != 3:
                shown = b" ".join(header).decode("ascii", "replace") or "no answer"
                yield _Failed(f"git object {blob}: {shown}")
                continue
            size = int(header[2])
            data = _read_exact(process.stdout, size, limit + 1)
            process.stdout.read(1)  # the newline after each object
            yield data
    finally:
        process.stdin.close()
        if process.poll() is None:
            process.kill()
        process.wait()
        process.stdout.close()


def _read_exact(stream: Any, size: int, keep: int) -> bytes:
    """Read exactly ``size`` bytes, keeping the first ``keep``."""
    kept: list[bytes] = []
    remaining, room = size, keep
    while remaining > 0:
        chunk = stream.read(min(remaining, _READ_CHUNK))
        if not chunk:
            break
        remaining -= len(chunk)
        if room > 0:
            kept.append(chunk[:room])
            room -= len(kept[-1])
    return b"".join(kept)


def _is_git_repo(folder: Path) -> bool:
    return (folder / ".git").exists() or (
        (folder / "HEAD").is_file() and (folder / "objects").is_dir()
    )


def _git_name(folder: Path) -> Path:
    """The folder a repository is named after (``x/.git`` -> ``x``, bare ``x.git`` -> ``x``)."""
    folder = Path(os.path.normpath(folder.absolute()))
    return folder.parent if folder.name == ".git" else folder


def _discover_git(folder: Path, rev: str, single_repo: bool
                  ) -> list[tuple[tuple[str, ...], GitRepo]]:
    if _is_git_repo(folder) or single_repo:
        repos = [folder]
    else:
        try:
            repos = sorted(sub for sub in folder.iterdir()
                           if not sub.name.startswith(".") and sub.is_dir() and _is_git_repo(sub))
        except OSError as exc:
            raise InputError(f"cannot list {folder}: {exc}") from exc
        if not repos:
            raise InputError(f"--rev {rev}: {folder} is not a git repository and holds none")
    found = []
    for repo in repos:
        try:
            commit = _git(str(repo), "rev-parse", "--verify", "--end-of-options",
                          f"{rev}^{{commit}}").decode("ascii", "replace").strip()
        except InputError as exc:
            raise InputError(f"--rev {rev!r} is not a commit of {repo}: {exc}") from exc
        named = _git_name(repo)
        name = named.name.removesuffix(".git") or named.name
        wider = f"{named.parent.name}/{name}"
        found.append(((name, wider, named.as_posix()),
                      GitRepo(name, str(repo), rev, commit)))
    return found


# --------------------------------------------------------------------------- discovery


def input_kind(path: str | Path, rev: str | None = None) -> str | None:
    """``records``, ``archive`` or ``git`` for the inputs this module reads; None for a plain
    folder of repositories (``sources.discover_repos`` reads those). Rules in the module doc.
    """
    path = Path(path).expanduser()
    if path.is_file():
        if _is_records_file(path.name, explicit=True):
            return "records"
        if _archive_format(path.name):
            return "archive"
        raise InputError(f"unsupported input file (not Parquet, JSON Lines or an archive): {path}")
    if path.is_dir():
        if rev is not None:
            return "git"
        return "records" if _record_files(path) and not (path / ".git").exists() else None
    raise InputError(f"input path does not exist: {path}")


def discover_inputs(
    paths: Sequence[str | Path],
    *,
    rev: str | None = None,
    records_columns: RecordColumns | Mapping[str, str] | str | None = None,
    single_repo: bool = False,
) -> list[RepoInput]:
    """The repositories of records files, archives and git revisions, sorted by name.

    ``rev`` applies to folders (git repositories); ``single_repo`` makes each input path one
    repository (an archive's root, all rows of a records input). Every record file of the call
    belongs to one dataset, so a repository's rows are gathered from all of them. Names are
    unique: a clash is widened deterministically (``archive.tgz/name``, ``parent/name``, then
    the full path). A plain folder without ``rev`` raises ``InputError``: it is
    ``sources.discover_repos``'s (see ``input_kind``).
    """
    columns = _columns(records_columns)
    candidates: list[tuple[tuple[str, ...], RepoInput]] = []
    records = _RecordsIndex(columns)
    seen: set[Path] = set()
    for raw in paths:
        path = Path(raw).expanduser()
        kind = input_kind(path, rev)
        if path.resolve() in seen:
            continue
        seen.add(path.resolve())
        if kind is None:
            raise InputError(f"{raw} is a folder of repositories: read it with sources")
        if kind == "git":
            candidates.extend(_discover_git(path, str(rev), single_repo))
        elif kind == "archive":
            candidates.extend(_discover_archive(path, single_repo))
        else:
            files = [path] if path.is_file() else _record_files(path)
            single = _records_stem(path.name) if single_repo else None
            for file in files:
                records.add_file(file, path.name, single)
    for name, label, parts in records.repos():
        candidates.append(((name, f"{label}:{name}", f"{parts[0].file}:{name}"),
                           RecordsRepo(name, parts)))
    return _with_unique_names(candidates)


def _columns(given: RecordColumns | Mapping[str, str] | str | None) -> RecordColumns:
    if given is None:
        return RecordColumns()
    if isinstance(given, RecordColumns):
        return given
    if isinstance(given, str):
        return RecordColumns.parse(given)
    unknown = set(given) - {"repo", "path", "content"}
    if unknown:
        raise InputError(f"unknown records column role(s): {', '.join(sorted(unknown))}")
    return RecordColumns(**given)


def _with_unique_names(candidates: list[tuple[tuple[str, ...], RepoInput]]) -> list[RepoInput]:
    """Give each input its first name that no other input shares, widening only clashes."""
    candidates = sorted(candidates, key=lambda c: (c[0], c[1].locator))
    levels = [0] * len(candidates)

    def name(i: int) -> str:
        names = candidates[i][0]
        return names[min(levels[i], len(names) - 1)]

    while True:
        counts = Counter(name(i) for i in range(len(candidates)))
        clashing = [i for i in range(len(candidates))
                    if counts[name(i)] > 1 and levels[i] < len(candidates[i][0]) - 1]
        if not clashing:
            break
        for i in clashing:
            levels[i] += 1
    taken: Counter[str] = Counter()
    result: list[RepoInput] = []
    for i, (_, repo) in enumerate(candidates):
        final = name(i)
        taken[final] += 1
        if taken[final] > 1:  # the same full path twice cannot happen; kept as a last resort
            final = f"{final}#{taken[final]}"
        result.append(repo if final == repo.name else _renamed(repo, final))
    return sorted(result, key=lambda repo: repo.name)


def _renamed(repo: T, name: str) -> T:
    return replace(repo, name=name)
