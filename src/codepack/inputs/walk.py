"""The one walker behind every input kind: plan a repository's tree, then read it in path order.

``_Planner`` walks a ``Tree`` (a folder on disk, or the members of an archive, dataset rows or a
git revision) with one set of rules and decides every file before anything is read:

1. ``.git`` is left out; a file name that is not UTF-8 is skipped (it cannot be written);
2. ignore files: ``.gitignore`` at every level and ``.git/info/exclude`` (unless the input opts
   out: tracked files of a git revision are tracked), never descending into an ignored folder;
3. ``--exclude`` folders and vendored folders are not descended into either;
4. symlinks and hard links are followed only inside the repository (never into ``.git``),
   each linked folder once, loops cut;
5. per file: ``--exclude`` / ``--include``, then what the name alone decides
   (``classify.classify_path``: lock files, images, ``--lang``...), then the size limit.

``_entries`` then reads aux files at once and file contents lazily, in path order, each at
most ``max_file_bytes + 1`` bytes. One planner for every input kind is what makes a repository
give the same entries and skip reasons whatever container it came in (``tests/
test_input_parity.py`` checks it with generated repositories).
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Hashable, Iterator
from dataclasses import dataclass

from codepack.config import ScanConfig
from codepack.inputs.aux import AUX_MAX_BYTES, is_aux_file
from codepack.inputs.ignore import IgnoreStack, PatternList
from codepack.inputs.listing import (
    Entries,
    Entry,
    Failed,
    Fetch,
    Listing,
    Member,
    Resolved,
    too_large_detail,
)
from codepack.inputs.paths import is_utf8_name, printable_path
from codepack.records import SkippedFile, SkipReason
from codepack.scan.classify import classify_path

log = logging.getLogger(__name__)

_NOT_WALKED = "directory, not walked"


def too_large(path: str, size: int, max_bytes: int, grew: bool = False) -> SkippedFile:
    """The TOO_LARGE skip, whether the size was known from the listing or found on reading."""
    if grew:
        detail = f"more than max_file_bytes {max_bytes} bytes (grew after it was listed)"
    else:
        detail = too_large_detail(size, max_bytes)
    return SkippedFile(path, SkipReason.TOO_LARGE, detail)


def _ignored(rel: str, source: str, is_dir: bool) -> SkippedFile:
    detail = f"{source}; {_NOT_WALKED}" if is_dir else source
    return SkippedFile(rel, SkipReason.IGNORED, detail)


def _join(folder: str, name: str) -> str:
    return f"{folder}/{name}" if folder else name


@dataclass(frozen=True, slots=True)
class _Read:
    """A planned read: the bytes found under ``key`` are the file at ``path``."""

    path: str
    key: Hashable
    size: int | None


@dataclass
class _Frame:
    rel: str  # path the files below are packed under
    real: str  # folder of the tree the files come from (differs below a linked folder)
    rules: IgnoreStack
    chain: frozenset[str]  # real folders of this frame and its ancestors
    members: Iterator[Member]
    bad_ignore_file: str | None = None  # why this folder's .gitignore could not be read


@dataclass
class _Plan:
    items: list[SkippedFile | _Read]  # sorted by path
    aux: list[_Read]  # aux files to read for resolvers (packed or not)


class _Planner:
    """One walk of one repository's tree; holds the state that makes link following terminate."""

    def __init__(self, listing: Listing, config: ScanConfig) -> None:
        self.tree = listing.tree
        self.config = config
        self.gitignore = listing.gitignore and config.respect_gitignore
        self.vendored = frozenset(config.vendored_dirs)
        self.exclude = PatternList.parse("", config.exclude) if config.exclude else None
        self.include = PatternList.parse("", config.include) if config.include else None
        self.linked_dirs: set[str] = set()  # real folders already entered through a link
        self.links: dict[str, Resolved] = {}  # each link resolved once: sorting, then visiting
        self.items: list[SkippedFile | _Read] = list(listing.skips)
        self.aux: list[_Read] = []

    def plan(self) -> _Plan:
        rules = IgnoreStack()
        if self.gitignore:
            exclude_lines = self.tree.info_exclude()
            if exclude_lines is not None:
                rules = rules.push(PatternList.parse("", exclude_lines))
        stack: list[_Frame] = []
        root = self._frame("", "", rules, frozenset())
        if root is not None:
            stack.append(root)
        while stack:
            frame = stack[-1]
            member = next(frame.members, None)
            if member is None:
                stack.pop()
                continue
            entered = self._visit(frame, member)
            if entered is not None:
                stack.append(entered)
        self.items.sort(key=lambda item: item.path)
        self.aux.sort(key=lambda read: read.path)
        return _Plan(self.items, self.aux)

    def _frame(self, rel: str, real: str, rules: IgnoreStack,
               chain: frozenset[str]) -> _Frame | None:
        try:
            members = self.tree.list_folder(real)
        except OSError as exc:
            self.items.append(
                SkippedFile(rel or ".", SkipReason.UNREADABLE, f"cannot list folder: {exc}"))
            return None
        bad_ignore_file = None
        if self.gitignore:
            for member in members:
                if member.name == ".gitignore" and member.kind == "file":
                    try:
                        rules = rules.push(PatternList.parse(rel, self.tree.ignore_lines(member)))
                    except OSError as exc:
                        bad_ignore_file = f"cannot read ignore rules: {exc}"
        members.sort(key=lambda member: self._sort_key(real, member))
        return _Frame(rel, real, rules, chain | {real}, iter(members), bad_ignore_file)

    def _resolve(self, folder: str, link: Member) -> Resolved:
        resolved = self.links.get(link.path)
        if resolved is None:
            resolved = self.links[link.path] = self.tree.resolve(folder, link)
        return resolved

    def _sort_key(self, real: str, member: Member) -> str:
        """A folder sorts as ``name/`` (a link to one too): the walk comes out in path order,
        ``a.py`` ('.' < '/') before ``a/x.py``, exactly as comparing full paths would."""
        if member.kind == "dir":
            return member.name + "/"
        if member.kind == "symlink":
            resolved = self._resolve(real, member)
            if resolved.node is not None and resolved.node.kind == "dir":
                return member.name + "/"
        return member.name

    def _visit(self, frame: _Frame, member: Member) -> _Frame | None:
        name = member.name
        if name == ".git":
            return None
        rel = _join(frame.rel, name)
        if not is_utf8_name(name):
            self.items.append(
                SkippedFile(printable_path(rel), SkipReason.NOT_UTF8, "file name is not UTF-8")
            )
            return None
        if member.kind == "unreadable":
            self.items.append(SkippedFile(rel, SkipReason.UNREADABLE, member.detail))
            return None
        is_dir = member.kind == "dir"
        # git matches a symlink as a file, whatever it points to
        if frame.rules.ignores(rel, is_dir):
            self.items.append(_ignored(rel, "gitignore", is_dir))
            return None
        if is_dir:
            return self._enter(frame, rel, member.path, name)
        if member.kind == "file":
            if name == ".gitignore" and frame.bad_ignore_file:
                self.items.append(SkippedFile(rel, SkipReason.UNREADABLE, frame.bad_ignore_file))
            else:
                self._add_file(rel, member)
        elif member.kind == "symlink":
            return self._follow(frame, rel, name, self._resolve(frame.real, member),
                                str(member.target))
        elif member.kind == "hardlink":
            shown = "hard link to " + (member.target or "a member outside the repository")
            return self._follow(frame, rel, name, self.tree.resolve(frame.real, member), shown,
                                hard=True)
        else:
            self._add_skip(rel, SkipReason.SPECIAL_FILE, member.detail)
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

    def _follow(self, frame: _Frame, rel: str, name: str, resolved: Resolved,
                shown: str, hard: bool = False) -> _Frame | None:
        """Check a link's target before anything reads through it."""
        target = resolved.node
        if resolved.status == "broken":
            self._add_skip(rel, SkipReason.SYMLINK_BROKEN, f"no target: {shown}")
        elif resolved.status == "loop":
            self._add_skip(rel, SkipReason.SYMLINK_LOOP, f"chain loops: {shown}")
        elif resolved.status == "outside":
            self._add_skip(rel, SkipReason.SYMLINK_OUTSIDE, f"leaves the repo: {shown}")
        elif target is None:  # the target could not even be looked at
            self.items.append(SkippedFile(rel, SkipReason.UNREADABLE, resolved.detail))
        elif ".git" in target.path.split("/"):
            # git metadata is outside the working tree (and .git/config may hold credentials)
            self._add_skip(rel, SkipReason.SYMLINK_OUTSIDE, f"points into .git: {shown}")
        elif target.kind == "dir":
            if hard:
                self._add_skip(rel, SkipReason.SPECIAL_FILE, f"hard link to a folder: {shown}")
            elif target.path in frame.chain:
                detail = f"links to an enclosing folder: {shown}"
                self.items.append(SkippedFile(rel, SkipReason.SYMLINK_LOOP, detail))
            elif target.path in self.linked_dirs:
                detail = f"folder already walked through another link: {shown}"
                self.items.append(SkippedFile(rel, SkipReason.SYMLINK_LOOP, detail))
            else:
                self.linked_dirs.add(target.path)
                return self._enter(frame, rel, target.path, name)
        elif target.kind == "file":
            self._add_file(rel, target)
        else:
            self._add_skip(rel, SkipReason.SPECIAL_FILE, f"link to a {target.detail}")
        return None

    def _filter_reason(self, rel: str) -> str | None:
        if self.exclude is not None and self.exclude.verdict(rel, is_dir=False):
            return "--exclude"
        if self.include is not None and not self.include.selects(rel):
            return "--include"
        return None

    def _add_file(self, rel: str, node: Member) -> None:
        # resolvers read aux files even when --include/--exclude leave them out of packing
        if is_aux_file(rel) and (node.size is None or node.size <= AUX_MAX_BYTES):
            self.aux.append(_Read(rel, node.key, node.size))
        source = self._filter_reason(rel)
        if source is not None:
            self.items.append(_ignored(rel, source, is_dir=False))
            return
        by_name = classify_path(rel, self.config)  # images, docs, lock files: never read
        if by_name is not None:
            self.items.append(by_name)
        elif node.size is not None and node.size > self.config.max_file_bytes:
            self.items.append(too_large(rel, node.size, self.config.max_file_bytes))
        else:
            self.items.append(_Read(rel, node.key, node.size))

    def _add_skip(self, rel: str, reason: SkipReason, detail: str) -> None:
        """A problem file the user filtered out anyway is reported as filtered, not broken."""
        source = self._filter_reason(rel)
        skip = SkippedFile(rel, reason, detail) if source is None else _ignored(rel, source, False)
        self.items.append(skip)


def walk_entries(listing: Listing, config: ScanConfig) -> Entries:
    """Plan a listing, read its aux files now and its files lazily, in path order."""
    plan = _Planner(listing, config).plan()
    wanted = Counter(item.key for item in plan.items if isinstance(item, _Read))
    cache: dict[Hashable, bytes | Failed] = {}
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


def _emit(items: list[SkippedFile | _Read], fetch: Fetch, cache: dict[Hashable, bytes | Failed],
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
                cache[item.key] = next(stream, Failed("the container ended early"))
            data = cache[item.key]
            uses[item.key] -= 1
            if uses[item.key] <= 0:
                del cache[item.key]
            if isinstance(data, Failed):
                yield SkippedFile(item.path, data.reason, data.detail)
            elif len(data) > max_bytes:
                yield too_large(item.path, len(data), max_bytes, grew=True)
            else:
                yield item.path, data
    finally:
        stream.close()  # a git reader stops its process even when the caller stops early
