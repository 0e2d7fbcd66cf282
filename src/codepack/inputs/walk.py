"""The one walker behind every non-folder input: a listing laid out as a virtual tree.

``_Planner`` walks a ``_Listing``'s members with the rules of ``sources.walk_repo``
(``.gitignore`` at every level and ``.git/info/exclude`` unless the listing opts out, vendored
folders, ``--include``/``--exclude``, symlinks and hard links resolved inside the tree, ``.git``
left out) and decides every member before anything is read; ``_entries`` then reads aux files
at once and file contents lazily, in path order. One walker for records, archives and git is
what makes a repository give the same entries and skip reasons whatever container it came in.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Hashable, Iterable, Iterator
from dataclasses import dataclass

from codepack.config import ScanConfig
from codepack.inputs.listing import Entries, Entry, Fetch, _Failed, _Listing, _Member
from codepack.records import SkippedFile, SkipReason
from codepack.sources import (
    AUX_MAX_BYTES,
    _IgnoreRules,
    _Patterns,
    ignore_lines,
    is_aux_file,
    is_utf8_name,
    printable_path,
)

log = logging.getLogger(__name__)

_NOT_WALKED = "directory, not walked"
_MAX_LINK_HOPS = 40  # what Linux allows before ELOOP


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


@dataclass(frozen=True, slots=True)
class _Read:
    """A planned read: the bytes found under ``key`` are the file at ``path``."""

    path: str
    key: Hashable
    size: int


class _Tree:
    """Members indexed as a file system: nodes, folders and each folder's children."""

    def __init__(self, members: Iterable[_Member]) -> None:
        self.nodes: dict[str, _Member] = {}
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
        self.items.extend(  # as tar extraction does: the last copy is the file
            SkippedFile(path, SkipReason.DUPLICATE_PATH, "the container holds this path more "
                        "than once; the last copy is kept")
            for path in self.tree.replaced
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
        return ignore_lines(self.ignore_texts.get(member.key, b""))

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
        if self.include is not None and not self.include.selects(rel):
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
                yield SkippedFile(item.path, data.reason, data.detail)
            elif len(data) > max_bytes:
                yield _too_large(item.path, len(data), max_bytes, grew=True)
            else:
                yield item.path, data
    finally:
        stream.close()  # a git reader stops its process even when the caller stops early
