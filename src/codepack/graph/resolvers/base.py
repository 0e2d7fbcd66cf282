"""The suffix index over one repository's paths, and what every language resolver shares.

Suffix matching is the report's rule: a specifier becomes candidate path suffixes (segment
lists), and a repository path matches a candidate when it ends with all of its segments. The
index is built once per repository and keyed by a path's last two segments (and its last one),
so a lookup touches only the few paths that share the candidate's tail — never every path of a
50,000-file repository. Among several matching paths the one nearest the importing file wins
(longest shared folder prefix), then the lexicographically smallest: a repository with two
``utils.py`` resolves each import to the copy beside the importer.
"""

from __future__ import annotations

import bisect
import posixpath
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Protocol

from codepack.graph.pairing import in_test_tree  # the one test-folder rule, shared with pairing
from codepack.graph.resolvers.go_build import DEFAULT_GO_TARGET
from codepack.records import ImportRef

# An import that names a unit coarser than a file (a Go package, a Java wildcard, a C#
# namespace, a Swift module) fans out to that unit's files. A package of hundreds of files
# would turn one import into hundreds of edges and make every file "near" every other in the
# order's distance metric, so the fan-out keeps at most this many targets: the ones nearest
# the importer, then in lexicographic order.
MAX_TARGETS = 32


class Targets(list[str]):
    """The files an import resolved to, with the name of the rule that found them.

    A resolver returns a plain list when one rule is all it has; a resolver with several rules
    returns ``Targets(files, rule="go:module-path")`` so that ``codepack deps`` can show a user
    *why* an edge exists. Rule names are ``<family>:<rule>``.
    """

    __slots__ = ("rule",)

    def __init__(self, files: Iterable[str] = (), rule: str = "") -> None:
        super().__init__(files)
        self.rule = rule


def tagged(files: Iterable[str], rule: str) -> Targets:
    """``files`` labelled with the rule that found them (empty stays empty)."""
    return Targets(files, rule)


class Resolver(Protocol):
    """One language family's rules, built once per repository."""

    def resolve(self, importer: str, ref: ImportRef) -> list[str]:
        """The repository files ``ref`` (imported by ``importer``) names; [] if external.
        May be a ``Targets`` naming the rule that resolved it."""
        ...


def folder_of(path: str) -> str:
    """The folder holding ``path`` ("" for the repository root)."""
    return path.rpartition("/")[0]


def join(folder: str, *parts: str) -> str:
    """Join path parts, dropping empty ones (``join("", "a")`` is ``"a"``)."""
    return "/".join(p for p in (folder, *parts) if p)


def normalize(path: str) -> str | None:
    """Collapse ``.``/``..`` segments; None when the path climbs above the repository root."""
    if not path:
        return ""
    normal = posixpath.normpath(path)
    if normal == ".":
        return ""
    if normal == ".." or normal.startswith("../") or normal.startswith("/"):
        return None
    return normal


def shared_depth(a: str, b: str) -> int:
    """How many leading folder segments two folders share."""
    depth = 0
    for x, y in zip(a.split("/"), b.split("/"), strict=False):
        if x != y or not x:
            break
        depth += 1
    return depth


def by_nearness(importer: str, paths: Iterable[str]) -> list[str]:
    """``paths`` ordered nearest to the importer first (longest shared folder prefix), then
    lexicographically: the deterministic tie-break every resolver uses."""
    paths = list(paths)
    if len(paths) < 2:  # the usual case (one file declares the class): nothing to weigh
        return paths
    home = folder_of(importer)
    return sorted(paths, key=lambda p: (-shared_depth(home, folder_of(p)), p))


def folders_by_nearness(importer: str, folders: Iterable[str]) -> list[str]:
    """``folders`` ordered by how much of the importer's folder they share, then by name."""
    home = folder_of(importer)
    return sorted(folders, key=lambda f: (-shared_depth(home, f), f))


def folders_named(folders: Iterable[str], names: Iterable[str]) -> list[str]:
    """The folders whose last segment is one of ``names``: search roots such as C's
    ``include/`` or Ruby's ``lib/``, wherever they sit in the repository."""
    wanted = frozenset(names)
    return [f for f in folders if f.rpartition("/")[2] in wanted]


class PathIndex:
    """Every file of one repository that an import can name, indexed by its tail segments.

    ``paths`` are the packed files. ``unpacked`` are files the scan skipped for their content
    (generated, minified, too large, ...): imports resolve to them exactly as to packed files,
    so the graph stays true to the repository, and ``is_unpacked`` lets the caller keep those
    edges out of the order. ``markers`` are paths that exist but are not packed (an empty
    ``__init__.py``): they tell the resolver about structure and are never edge targets.
    """

    def __init__(
        self, paths: Iterable[str], markers: Iterable[str] = (), unpacked: Iterable[str] = ()
    ) -> None:
        self._unpacked = frozenset(unpacked)
        self.files: tuple[str, ...] = tuple(sorted({*paths, *self._unpacked}))
        self._file_set = frozenset(self.files)
        self._known = self._file_set | frozenset(markers)
        self._by_name: dict[str, list[str]] = defaultdict(list)
        self._by_tail: dict[tuple[str, str], list[str]] = defaultdict(list)
        self._children: dict[str, list[str]] = defaultdict(list)
        folders: set[str] = set()
        for path in self.files:
            parts = path.split("/")
            self._by_name[parts[-1]].append(path)
            if len(parts) > 1:
                self._by_tail[(parts[-2], parts[-1])].append(path)
            self._children[folder_of(path)].append(path)
            for i in range(len(parts)):
                folders.add("/".join(parts[:i]))
        self.folders: tuple[str, ...] = tuple(sorted(folders))
        self._folders_by_name: dict[str, list[str]] = defaultdict(list)
        for folder in self.folders:
            if folder:
                self._folders_by_name[folder.rpartition("/")[2]].append(folder)

    def is_file(self, path: str) -> bool:
        """A file an import can name (a possible edge target), packed or not."""
        return path in self._file_set

    def is_unpacked(self, path: str) -> bool:
        """A file imports can name that the scan did not pack."""
        return path in self._unpacked

    def exists(self, path: str) -> bool:
        """A file that exists in the repository, packable or not."""
        return path in self._known

    def find(self, suffix: Sequence[str]) -> list[str]:
        """Files whose path ends with all of ``suffix``'s segments, sorted."""
        if not suffix or not all(suffix):
            return []
        if len(suffix) == 1:
            return list(self._by_name.get(suffix[0], ()))
        tail = "/".join(suffix)
        bucket = self._by_tail.get((suffix[-2], suffix[-1]), ())
        return [p for p in bucket if p == tail or p.endswith("/" + tail)]

    def find_folders(self, suffix: Sequence[str]) -> list[str]:
        """Folders whose path ends with all of ``suffix``'s segments, sorted."""
        if not suffix or not all(suffix):
            return []
        tail = "/".join(suffix)
        bucket = self._folders_by_name.get(suffix[-1], ())
        return [f for f in bucket if f == tail or f.endswith("/" + tail)]

    def files_in(self, folder: str) -> list[str]:
        """Files directly inside ``folder``, sorted."""
        return list(self._children.get(folder, ()))

    def files_under(self, folder: str) -> list[str]:
        """Files anywhere below ``folder``, sorted."""
        if not folder:
            return list(self.files)
        prefix = folder + "/"
        start = bisect.bisect_left(self.files, prefix)
        end = bisect.bisect_left(self.files, folder + "0")  # "0" sorts right after "/"
        return list(self.files[start:end])

    def nearest(self, importer: str, suffixes: Iterable[Sequence[str]]) -> str | None:
        """The first suffix (in the caller's priority order) that matches any file decides;
        among its matches the one nearest the importer wins."""
        for suffix in suffixes:
            matches = [m for m in self.find(suffix) if m != importer]
            if matches:
                return by_nearness(importer, matches)[0]
        return None


@dataclass
class RepoContext:
    """What one repository offers every language resolver: its index, config files, and the
    package/namespace declarations of its files."""

    index: PathIndex
    aux: Mapping[str, str]
    languages: Mapping[str, str]  # path -> language id
    declarations: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    imports: Mapping[str, Sequence[ImportRef]] = field(default_factory=dict)  # path -> imports
    go_target: str = DEFAULT_GO_TARGET  # GOOS/GOARCH[,words]: which Go files build

    @cached_property
    def declared(self) -> dict[tuple[str, str], list[str]]:
        """``(language, dotted namespace) -> files declaring it``, sorted. PHP's ``A\\B`` and
        C#'s ``A.B`` are both keyed as ``A.B``."""
        table: dict[tuple[str, str], list[str]] = defaultdict(list)
        for path in sorted(self.declarations):
            if not self.index.is_file(path):
                continue
            language = self.languages.get(path, "")
            for name in self.declarations[path]:
                dotted = dotted_name(name)
                if dotted:
                    table[(language, dotted)].append(path)
        return dict(table)

    def declaring(self, languages: Iterable[str], namespace: str) -> list[str]:
        """Files of the given languages that declare ``namespace``, sorted."""
        found: list[str] = []
        for language in languages:
            found.extend(self.declared.get((language, namespace), ()))
        return sorted(set(found))


def dotted_name(name: str) -> str:
    """``A\\B``, ``A::B`` and ``A.B`` all become ``A.B``."""
    parts = name.replace("\\", ".").replace("::", ".").split(".")
    return ".".join(p.strip() for p in parts if p.strip())


def stem(path: str) -> str:
    """File name without its last extension."""
    return path.rpartition("/")[2].rpartition(".")[0] or path.rpartition("/")[2]


def named_targets(importer: str, targets: Iterable[str]) -> list[str]:
    """The targets of an import that links only files whose names the importer uses (javac's
    wildcard rule, same-package names): distinct, not the importer, none in test folders for
    an importer outside them, sorted — and not capped, since each is a real dependency."""
    unique = {t for t in targets if t != importer}
    if not in_test_tree(importer):
        unique = {t for t in unique if not in_test_tree(t)}
    return sorted(unique)


def cap_targets(importer: str, targets: Iterable[str]) -> list[str]:
    """The targets of an import naming a unit coarser than a file: distinct, not the
    importer, and — for an importer outside test folders (``pairing.in_test_tree``, the rule
    test detection uses) — none inside them (production code does not see a package's test
    files); at most ``MAX_TARGETS`` (nearest first), sorted."""
    unique = {t for t in targets if t != importer}
    if not in_test_tree(importer):
        unique = {t for t in unique if not in_test_tree(t)}
    if len(unique) > MAX_TARGETS:
        unique = set(by_nearness(importer, unique)[:MAX_TARGETS])
    return sorted(unique)
