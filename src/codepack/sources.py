"""Repositories in: find them, walk their files the way git sees them, read bytes safely.

The walker is the first thing that touches untrusted input, so it is written to never hang
and never escape: it lists folders with ``os.scandir`` and classifies entries with ``lstat``
information (a fifo is never opened, a symlink is never followed before its target is
checked), it does not descend into ignored or vendored folders at all (a committed
``node_modules`` of 100k files costs one ``SkippedFile``), and it keeps an explicit stack
instead of recursing, so deep trees cannot hit Python's recursion limit.

Everything it does not hand on is reported as a ``SkippedFile`` with a reason, so the
pipeline can count it. Output order is the sorted order of the repo-relative posix paths,
independent of the file system's listing order.

Walk once: ``scan_tree`` returns the files, the skips and the small configuration files
resolvers need (``aux``) from a single walk; ``walk_repo`` and ``read_aux_files`` are the
streaming and the aux-only views of the same walk.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import stat
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from codepack.config import ScanConfig
from codepack.languages.registry import language_for_path
from codepack.records import SkippedFile, SkipReason
from codepack.wildmatch import Glob

log = logging.getLogger(__name__)

# The small non-code files import resolvers read (module roots, path aliases, package names).
AUX_FILE_NAMES: frozenset[str] = frozenset(
    {
        "go.mod",
        "tsconfig.json",
        "jsconfig.json",
        "package.json",
        "composer.json",
        "Cargo.toml",
        "setup.cfg",
        "pyproject.toml",
    }
)
AUX_MAX_BYTES = 256 * 1024
# An ignore file larger than this is not a hand-written .gitignore; read only its head.
IGNORE_FILE_MAX_BYTES = 1024 * 1024
_READ_CHUNK = 1024 * 1024
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
_NOT_WALKED = "directory, not walked"


class InputError(ValueError):
    """An input path the user gave cannot be used (missing, or a file where a folder is due)."""


@dataclass(frozen=True)
class RepoSource:
    """One repository to scan: a display name (unique within a run) and its folder."""

    name: str
    root: Path


@dataclass(frozen=True)
class FoundFile:
    """A regular file the walker hands on for reading.

    ``path`` is the repo-relative posix path the file is packed under (for a followed
    symlink, the link's path); ``abs_path`` is where its bytes are (symlinks resolved).
    """

    path: str
    abs_path: Path


@dataclass(frozen=True)
class WalkResult:
    """Everything one walk of a repository met (see ``scan_tree``).

    ``files`` holds every entry in sorted path order: a ``FoundFile`` to read or a
    ``SkippedFile`` saying why not, so a caller that loops over it accounts for everything.
    """

    files: tuple[FoundFile | SkippedFile, ...]
    aux: dict[str, str] = field(default_factory=dict)

    @property
    def found(self) -> tuple[FoundFile, ...]:
        return tuple(item for item in self.files if isinstance(item, FoundFile))

    @property
    def skipped(self) -> tuple[SkippedFile, ...]:
        return tuple(item for item in self.files if isinstance(item, SkippedFile))


# --------------------------------------------------------------------------- discovery


def discover_repos(paths: Sequence[str | Path], single_repo: bool = False) -> list[RepoSource]:
    """The repositories named by the input paths, sorted by name.

    A path is one repository when it holds ``.git`` (folder, or file as in worktrees and
    submodules) or when ``single_repo`` is set; otherwise it is a folder of repositories and
    each visible immediate subfolder is one. Names are folder names; names given by two
    inputs are made unique deterministically (``parent/name``, then the full path).
    """
    named: dict[Path, Path] = {}  # resolved root -> the path it was named by (first wins)
    for raw in paths:
        path = Path(raw).expanduser()
        if not path.exists():
            raise InputError(f"input path does not exist: {raw}")
        if not path.is_dir():
            raise InputError(f"input path is not a folder: {raw}")
        path = path.absolute()
        found = [path] if single_repo or (path / ".git").exists() else _subfolder_repos(path)
        for repo in found:
            named.setdefault(repo.resolve(), Path(os.path.normpath(repo)))
    names = _unique_names(sorted(named.values()))
    repos = [RepoSource(names[shown], root) for root, shown in named.items()]
    return sorted(repos, key=lambda repo: repo.name)


def _subfolder_repos(folder: Path) -> list[Path]:
    """The visible immediate subfolders of a folder of repositories."""
    repos: list[Path] = []
    markers: list[str] = []
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.name.startswith("."):
                continue
            if _is_dir(entry, follow_symlinks=True):
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


def _unique_names(roots: Iterable[Path]) -> dict[Path, str]:
    """Folder names, widened to ``parent/name`` and then the full path where they collide."""
    roots = list(roots)

    def widen(naming: dict[Path, str], better: dict[Path, str]) -> dict[Path, str]:
        counts: dict[str, int] = {}
        for name in naming.values():
            counts[name] = counts.get(name, 0) + 1
        return {root: better[root] if counts[name] > 1 else name for root, name in naming.items()}

    names = {root: printable_repo_name(root.name or root.as_posix()) for root in roots}
    names = widen(names, {root: printable_path("/".join(root.parts[-2:])) for root in roots})
    names = widen(names, {root: printable_path(root.as_posix()) for root in roots})
    taken: dict[str, int] = {}
    for root in roots:  # only escaped names can still clash: a raw \xff beside a literal one
        taken[names[root]] = taken.get(names[root], 0) + 1
        if taken[names[root]] > 1:
            names[root] = f"{names[root]}#{taken[names[root]]}"
    return names


# --------------------------------------------------------------------------- ignore rules


def _trim_trailing_spaces(line: bytes) -> bytes:
    """Git's ``trim_trailing_spaces``: drop trailing spaces that no backslash escapes."""
    last_space: int | None = None
    i = 0
    while i < len(line):
        byte = line[i]
        if byte == 0x20:
            if last_space is None:
                last_space = i
        elif byte == 0x5C:  # backslash: the next byte is escaped, whatever it is
            i += 1
            if i >= len(line):
                return line
            last_space = None
        else:
            last_space = None
        i += 1
    return line if last_space is None else line[:last_space]


def ignore_lines(data: bytes) -> list[str]:
    """The lines of an ignore file as git splits them.

    A UTF-8 byte order mark is skipped, lines end at ``\n`` only (one ``\r`` before it
    goes too), and undecodable bytes survive as surrogates so patterns stay byte-exact.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    lines = data.split(b"\n")
    return [(line[:-1] if line.endswith(b"\r") else line).decode("utf-8", "surrogateescape")
            for line in lines]


_GLOB_SPECIAL = frozenset(b"*?[\\")


@dataclass(frozen=True)
class _Rule:
    """One gitignore line, matched as git's ``match_basename`` / ``match_pathname`` do.

    ``literal`` is the pattern's head before its first glob character (git compares it as
    plain bytes, and then matches only the rest with wildmatch, so a ``**`` right after the
    head counts as bounded by the start: ``foo**/bar`` matches ``foox/y/bar`` in git too);
    ``rest`` is None when the whole pattern is literal. ``suffix`` is set for a ``*.ext``
    style basename pattern, which git (and this) matches with a plain ``endswith``.
    """

    literal: bytes
    rest: Glob | None
    basename: bool  # no '/' in the pattern: it matches a path's last component
    dir_only: bool  # trailing '/': folders only
    ignore: bool  # False for a ``!`` line
    suffix: bytes | None = None

    def matches(self, path: bytes, name: bytes) -> bool:
        """Whether the rule matches ``path`` (relative to its folder; last component ``name``)."""
        text = name if self.basename else path
        if self.suffix is not None:
            return text.endswith(self.suffix)
        if self.rest is None:
            return text == self.literal
        return text.startswith(self.literal) and self.rest.match(text[len(self.literal) :])


def _compile_line(raw: str) -> _Rule | None:
    """Git's ``parse_path_pattern`` for one line; None for a line git skips (blank, comment).

    The matcher is ``wildmatch.Glob``, linear in the path for every pattern: an ignore file
    is untrusted input and must not be able to make the walk backtrack exponentially.
    """
    try:
        line = raw.encode("utf-8", "surrogateescape")  # the file's own bytes
    except UnicodeEncodeError:  # a lone surrogate given through the API: no byte stands for it
        line = raw.encode("utf-8", "surrogatepass")
    if not line or line.startswith(b"#"):
        return None
    line = _trim_trailing_spaces(line)
    ignore = not line.startswith(b"!")
    if not ignore:
        line = line[1:]
    dir_only = line.endswith(b"/")
    if dir_only:
        line = line[:-1]  # only one slash: git keeps "a//" as "a/", which matches nothing
    if not line:
        return None
    basename = b"/" not in line
    if line.startswith(b"/"):
        line = line[1:]
    head = 0
    while head < len(line) and line[head] not in _GLOB_SPECIAL:
        head += 1
    suffix = None
    if basename and line.startswith(b"*") and _GLOB_SPECIAL.isdisjoint(line[1:]):
        suffix = line[1:]
    rest = Glob.compile(line[head:]) if head < len(line) else None
    return _Rule(line[:head], rest, basename, dir_only, ignore, suffix)


@dataclass(frozen=True)
class _Patterns:
    """One gitignore-style pattern list, applied the way git applies it.

    Git matches a path against each pattern *exactly* (a folder by its path without a
    trailing slash), lets a trailing-slash pattern match folders only, and never looks below
    an ignored folder (the walker prunes it), so ``tmp/**`` does not ignore the folder
    ``tmp`` itself and a later ``!tmp/keep.py`` works. Within one list the last matching
    line wins.
    """

    base: str  # folder the patterns are relative to ("" = repository root)
    newest_first_for_dirs: tuple[_Rule, ...]  # every rule, last line first
    newest_first_for_files: tuple[_Rule, ...]  # the rules without a trailing slash

    @classmethod
    def parse(cls, base: str, lines: Iterable[str]) -> _Patterns:
        compiled = (_compile_line(line) for line in lines)
        rules = tuple(rule for rule in compiled if rule is not None)[::-1]
        return cls(base, rules, tuple(rule for rule in rules if not rule.dir_only))

    def verdict(self, rel: str, is_dir: bool) -> bool | None:
        """True = ignored, False = re-included by a negation, None = no pattern matches."""
        sub = rel[len(self.base) + 1 :] if self.base else rel
        path = sub.encode("utf-8", "surrogateescape")
        name = path.rpartition(b"/")[2]
        for rule in self.newest_first_for_dirs if is_dir else self.newest_first_for_files:
            if rule.matches(path, name):
                return rule.ignore
        return None

    def selects(self, rel: str) -> bool:
        """Whether an ``--include`` list selects a file, by its own path or a folder above it.

        Folders are not pruned by ``--include`` (a pattern may select files deep below a
        folder it does not name), so a folder pattern such as ``src/`` is checked against
        each ancestor here; the deepest verdict wins, so ``src/`` with ``!src/gen/`` works.
        Every walker (folders, archives, records, git) asks this, so they select alike.
        """
        state: bool | None = None
        parts = rel.split("/")
        for depth in range(1, len(parts)):
            verdict = self.verdict("/".join(parts[:depth]), is_dir=True)
            if verdict is not None:
                state = verdict
        verdict = self.verdict(rel, is_dir=False)
        return bool(state if verdict is None else verdict)


@dataclass(frozen=True)
class _IgnoreRules:
    """The ignore files that apply inside one folder, outermost first.

    Git's precedence: a deeper ``.gitignore`` overrides a shallower one, every ``.gitignore``
    overrides ``.git/info/exclude``, and within a file the last matching line wins.
    """

    layers: tuple[_Patterns, ...] = ()

    def push(self, patterns: _Patterns) -> _IgnoreRules:
        return _IgnoreRules((*self.layers, patterns))

    def ignores(self, rel: str, is_dir: bool) -> bool:
        for layer in reversed(self.layers):
            verdict = layer.verdict(rel, is_dir)
            if verdict is not None:
                return verdict
        return False


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


def _read_ignore_lines(path: str | Path) -> list[str]:
    with open(path, "rb") as handle:
        return ignore_lines(handle.read(IGNORE_FILE_MAX_BYTES))


# --------------------------------------------------------------------------- walking


@dataclass(frozen=True)
class _Filtered:
    """A readable file that --include/--exclude drop: skipped for packing, still aux-usable."""

    skip: SkippedFile
    found: FoundFile


@dataclass
class _Frame:
    """One folder on the walk stack."""

    rel: str  # repo-relative posix path, "" for the root
    real: str  # real absolute path of the folder
    rules: _IgnoreRules
    chain: frozenset[str]  # real paths of this folder and its ancestors on the walk
    entries: Iterator[os.DirEntry[str]]
    bad_ignore_file: str | None = None  # why this folder's .gitignore could not be read


def _is_dir(entry: os.DirEntry[str], follow_symlinks: bool) -> bool:
    try:
        return entry.is_dir(follow_symlinks=follow_symlinks)
    except OSError:
        return False


def _sort_key(entry: os.DirEntry[str]) -> str:
    """Sort a folder's entries so the whole walk comes out in sorted full-path order.

    A folder sorts as ``name/``: then ``a.py`` ('.' < '/') precedes ``a/x.py``, exactly as
    comparing the full paths would.
    """
    return entry.name + "/" if _is_dir(entry, follow_symlinks=True) else entry.name


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


def _inside(real: str, root_real: str) -> bool:
    return real == root_real or real.startswith(root_real.rstrip(os.sep) + os.sep)


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


class _Walker:
    """One walk of one repository; holds the state that makes link following terminate."""

    def __init__(self, root: Path, config: ScanConfig) -> None:
        self.root = Path(root)
        self.root_real = os.path.realpath(self.root)
        self.config = config
        self.vendored = frozenset(config.vendored_dirs)
        self.exclude = _Patterns.parse("", config.exclude) if config.exclude else None
        self.include = _Patterns.parse("", config.include) if config.include else None
        self.linked_dirs: set[str] = set()  # real folders already entered through a link

    def walk(self) -> Iterator[FoundFile | SkippedFile | _Filtered]:
        rules = _IgnoreRules()
        if self.config.respect_gitignore:
            info_exclude = _git_info_exclude(self.root)
            if info_exclude is not None:
                # a missing info/exclude is the common case; unreadable git metadata is no rule
                with contextlib.suppress(OSError):
                    rules = rules.push(_Patterns.parse("", _read_ignore_lines(info_exclude)))
        root = self._open_dir("", self.root_real, rules, frozenset())
        if isinstance(root, SkippedFile):
            yield root
            return
        stack = [root]
        while stack:
            frame = stack[-1]
            entry = next(frame.entries, None)
            if entry is None:
                stack.pop()
                continue
            item = self._visit(frame, entry)
            if isinstance(item, _Frame):
                stack.append(item)
            elif item is not None:
                yield item

    def _open_dir(
        self, rel: str, real: str, rules: _IgnoreRules, chain: frozenset[str]
    ) -> _Frame | SkippedFile:
        try:
            with os.scandir(real) as listing:
                entries = sorted(listing, key=_sort_key)
        except OSError as exc:
            return SkippedFile(rel or ".", SkipReason.UNREADABLE, f"cannot list folder: {exc}")
        bad_ignore_file = None
        if self.config.respect_gitignore:
            for entry in entries:
                if entry.name == ".gitignore" and entry.is_file(follow_symlinks=False):
                    try:
                        rules = rules.push(_Patterns.parse(rel, _read_ignore_lines(entry.path)))
                    except OSError as exc:
                        bad_ignore_file = f"cannot read ignore rules: {exc}"
        return _Frame(rel, real, rules, chain | {real}, iter(entries), bad_ignore_file)

    def _visit(
        self, frame: _Frame, entry: os.DirEntry[str]
    ) -> FoundFile | SkippedFile | _Filtered | _Frame | None:
        name = entry.name
        if name == ".git":
            return None
        rel = f"{frame.rel}/{name}" if frame.rel else name
        if not is_utf8_name(name):
            return SkippedFile(printable_path(rel), SkipReason.NOT_UTF8, "file name is not UTF-8")
        try:
            is_link = entry.is_symlink()
            is_dir = not is_link and entry.is_dir(follow_symlinks=False)
            is_file = not is_link and entry.is_file(follow_symlinks=False)
        except OSError as exc:
            return SkippedFile(rel, SkipReason.UNREADABLE, f"cannot stat: {exc}")
        # git matches a symlink as a file, whatever it points to
        if frame.rules.ignores(rel, is_dir):
            return _ignored(rel, "gitignore", is_dir)
        if is_dir:
            return self._enter_dir(frame, rel, os.path.join(frame.real, name), name)
        if is_file:
            if name == ".gitignore" and frame.bad_ignore_file:
                return SkippedFile(rel, SkipReason.UNREADABLE, frame.bad_ignore_file)
            return self._filter_file(FoundFile(rel, Path(frame.real, name)))
        if is_link:
            return self._follow_link(frame, rel, os.path.join(frame.real, name))
        try:
            kind = special_kind(entry.stat(follow_symlinks=False).st_mode)
        except OSError:
            kind = "not a regular file"
        return self._filter_skip(rel, SkipReason.SPECIAL_FILE, kind)

    def _enter_dir(self, frame: _Frame, rel: str, real: str, name: str) -> _Frame | SkippedFile:
        if self.exclude is not None and self.exclude.verdict(rel, is_dir=True):
            return _ignored(rel, "--exclude", is_dir=True)
        if name in self.vendored:
            return SkippedFile(rel, SkipReason.VENDORED, f"vendored folder {name!r}, not walked")
        return self._open_dir(rel, real, frame.rules, frame.chain)

    def _follow_link(
        self, frame: _Frame, rel: str, link: str
    ) -> FoundFile | SkippedFile | _Filtered | _Frame:
        """Check a symlink's target before anything reads through it."""
        try:
            target = os.readlink(link)
        except OSError:
            target = "?"
        try:
            mode = os.stat(link).st_mode
        except (FileNotFoundError, NotADirectoryError):
            return self._filter_skip(rel, SkipReason.SYMLINK_BROKEN, f"no target: {target}")
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                return self._filter_skip(rel, SkipReason.SYMLINK_LOOP, f"chain loops: {target}")
            return SkippedFile(rel, SkipReason.UNREADABLE, f"cannot stat link target: {exc}")
        real = os.path.realpath(link)
        if not _inside(real, self.root_real):
            return self._filter_skip(rel, SkipReason.SYMLINK_OUTSIDE, f"leaves the repo: {target}")
        if ".git" in os.path.relpath(real, self.root_real).split(os.sep):
            # git metadata is outside the working tree (and .git/config may hold credentials)
            detail = f"points into .git: {target}"
            return self._filter_skip(rel, SkipReason.SYMLINK_OUTSIDE, detail)
        if stat.S_ISDIR(mode):
            if real in frame.chain:
                detail = f"links to an enclosing folder: {target}"
                return SkippedFile(rel, SkipReason.SYMLINK_LOOP, detail)
            if real in self.linked_dirs:
                detail = f"folder already walked through another link: {target}"
                return SkippedFile(rel, SkipReason.SYMLINK_LOOP, detail)
            self.linked_dirs.add(real)
            return self._enter_dir(frame, rel, real, PurePosixPath(rel).name)
        if stat.S_ISREG(mode):
            return self._filter_file(FoundFile(rel, Path(real)))
        kind = f"link to a {special_kind(mode)}"
        return self._filter_skip(rel, SkipReason.SPECIAL_FILE, kind)

    def _filter_reason(self, rel: str) -> str | None:
        if self.exclude is not None and self.exclude.verdict(rel, is_dir=False):
            return "--exclude"
        if self.include is not None and not self.include.selects(rel):
            return "--include"
        return None

    def _filter_file(self, found: FoundFile) -> FoundFile | _Filtered:
        source = self._filter_reason(found.path)
        if source is None:
            return found
        return _Filtered(_ignored(found.path, source, is_dir=False), found)

    def _filter_skip(self, rel: str, reason: SkipReason, detail: str) -> SkippedFile:
        """A problem file the user filtered out anyway is reported as filtered, not broken."""
        source = self._filter_reason(rel)
        return SkippedFile(rel, reason, detail) if source is None else _ignored(rel, source, False)


def _ignored(rel: str, source: str, is_dir: bool) -> SkippedFile:
    detail = f"{source}; {_NOT_WALKED}" if is_dir else source
    return SkippedFile(rel, SkipReason.IGNORED, detail)


def walk_repo(root: Path, config: ScanConfig) -> Iterator[FoundFile | SkippedFile]:
    """Every file of a repository, as git would list it, in sorted path order.

    (A skipped folder sorts as ``name/``, where its files would have been: ``build.py``
    comes before the folder ``build``.)

    Yields a ``FoundFile`` for each regular file to read (symlinks to files inside the
    repository included, under the link's path) and a ``SkippedFile`` for everything else:
    ignored files and folders (``.gitignore`` at every level, ``.git/info/exclude``,
    ``--exclude``, ``--include``), vendored folders, symlinks that are broken, loop or leave
    the repository, fifos/sockets/devices, unlistable folders and non-UTF-8 file names. A
    skipped folder is one ``SkippedFile`` and is not walked. ``.git`` is silently left out.
    """
    for item in _Walker(root, config).walk():
        yield item.skip if isinstance(item, _Filtered) else item


def is_aux_file(path: str) -> bool:
    """Whether a repo-relative path names a configuration file import resolvers read.

    ``tsconfig.*.json`` / ``jsconfig.*.json`` count too: ``extends`` chains point at them.
    """
    name = PurePosixPath(path).name
    if name in AUX_FILE_NAMES:
        return True
    return name.endswith(".json") and name.startswith(("tsconfig.", "jsconfig."))


def _read_aux(found: FoundFile) -> str | None:
    data = read_file_bytes(found, AUX_MAX_BYTES)
    if isinstance(data, SkippedFile):
        return None
    try:
        # utf-8-sig: resolvers parse JSON/TOML, and editors on Windows write a BOM
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None


def scan_tree(root: Path, config: ScanConfig | None = None) -> WalkResult:
    """One walk of a repository: every entry (as ``walk_repo``) plus the aux files' text.

    Aux files (``is_aux_file``) are read from anywhere outside ignored and vendored folders,
    at most ``AUX_MAX_BYTES`` each, UTF-8. They are read even when ``--include``/``--exclude``
    leave them out of packing, since those options choose what to pack, not how imports
    resolve. They also stay in ``files`` like any other file, so every file is accounted for.
    """
    config = config or ScanConfig()
    files: list[FoundFile | SkippedFile] = []
    aux: dict[str, str] = {}
    for item in _Walker(root, config).walk():
        found = item.found if isinstance(item, _Filtered) else item
        files.append(item.skip if isinstance(item, _Filtered) else item)
        if isinstance(found, FoundFile) and is_aux_file(found.path):
            text = _read_aux(found)
            if text is not None:
                aux[found.path] = text
    return WalkResult(tuple(files), aux)


def read_aux_files(root: Path, config: ScanConfig | None = None) -> dict[str, str]:
    """Only the aux files of a repository (prefer ``scan_tree`` to walk once)."""
    return scan_tree(root, config).aux


# --------------------------------------------------------------------------- reading


def read_file_bytes(found: FoundFile, max_bytes: int) -> bytes | SkippedFile:
    """A file's bytes, or why they cannot be had.

    Opened non-blocking so a file that turned into a fifo after the walk cannot hang the
    run; checked with ``fstat`` (same inode as read) before reading; reads at most
    ``max_bytes + 1`` bytes so a file that grows or lies about its size is still caught.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(found.abs_path, flags)
    except OSError as exc:
        return SkippedFile(found.path, SkipReason.UNREADABLE, f"cannot open: {exc.strerror or exc}")
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return SkippedFile(found.path, SkipReason.SPECIAL_FILE, special_kind(info.st_mode))
        if info.st_size > max_bytes:
            return _too_large(found.path, info.st_size, max_bytes)
        chunks: list[bytes] = []
        remaining = max_bytes + 1
        while remaining > 0:
            chunk = os.read(fd, min(remaining, _READ_CHUNK))
            if not chunk:
                break
            chunks.append(chunk)
            remaining -= len(chunk)
    except OSError as exc:
        return SkippedFile(found.path, SkipReason.UNREADABLE, f"cannot read: {exc.strerror or exc}")
    finally:
        os.close(fd)
    data = b"".join(chunks)
    if len(data) > max_bytes:
        return _too_large(found.path, len(data), max_bytes, grew=True)
    return data


def _too_large(path: str, size: int, max_bytes: int, grew: bool = False) -> SkippedFile:
    if grew:
        detail = f"more than max_file_bytes {max_bytes} bytes (grew after stat)"
    else:
        detail = f"{size} bytes > max_file_bytes {max_bytes}"
    return SkippedFile(path, SkipReason.TOO_LARGE, detail)
