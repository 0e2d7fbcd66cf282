"""Python: dotted module names to ``.py`` files, packages to ``__init__.py``.

Rules:
* ``import a.b.c`` names module ``a.b.c``: ``a/b/c.py``, ``a/b/c/__init__.py`` (then the
  ``.pyi`` stubs when no source exists). When the full module is not in the repository the
  longest existing prefix (``a/b.py``, ``a/__init__.py``) is taken: the package's code still runs.
* ``from a.b import c, d`` prefers the submodules ``a/b/c.py`` / ``a/b/d.py``; a name that is no
  submodule is an attribute of ``a.b`` itself, so the import also points at ``a/b.py`` or
  ``a/b/__init__.py``.
* Absolute names are suffix-matched anywhere (so ``src/`` layouts and tests importing the package
  resolve), nearest copy first. A match is rejected when the folder just above it is itself a
  package (has an ``__init__.py``): in Python 3 ``import types`` inside package ``pkg`` is the
  standard library's ``types``, not ``pkg/types.py``. Empty ``__init__.py`` files are not packed;
  pass them as ``markers`` for this check to see them. A one-file module (``gc.py``) must also
  sit at the repository root, in a top-level folder, or in the importer's folder or one above
  it: ``import gc`` never means a ``gc.py`` buried in some test-data folder.
* Relative imports (``.``, ``..pkg.mod``) are resolved against the importer's folder and only
  there; climbing above the repository root leaves them unresolved.
* A repository whose root is itself the package (``__init__.py`` at the root, as in a checkout
  of ``toolz`` with ``toolz/`` as the root) imports itself under a name no path carries. That
  name is inferred: the first segment ``X`` of the repository's own absolute imports that do
  not resolve, whose remainder names a module at the root, most often (at least twice, never
  a standard-library module name). ``X.rest`` then resolves as ``rest`` from the root.
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Callable, Iterator, Sequence

from codepack.graph.resolvers.base import RepoContext, by_nearness, folder_of, join, tagged
from codepack.records import ImportRef


def _module_paths(base: str) -> Iterator[str]:
    """File paths that can hold module ``base`` (a slash-joined module path), best first."""
    yield base + ".py"
    yield join(base, "__init__.py")
    yield base + ".pyi"
    yield join(base, "__init__.pyi")


class PythonResolver:
    """Resolves Python import specifiers of one repository."""

    def __init__(self, repo: RepoContext) -> None:
        self.index = repo.index
        self.root_package = self._infer_root_package(repo)

    def resolve(self, importer: str, ref: ImportRef) -> list[str]:
        spec = ref.spec.strip()
        if not spec:
            return []
        if spec.startswith("."):
            return self._relative(importer, ref, spec)
        segments = spec.split(".")
        if not all(s.isidentifier() for s in segments):
            return []
        return self._absolute(importer, ref, segments)

    # -- relative -----------------------------------------------------------------------

    def _relative(self, importer: str, ref: ImportRef, spec: str) -> list[str]:
        dots = len(spec) - len(spec.lstrip("."))
        rest = [s for s in spec[dots:].split(".") if s]
        folder = folder_of(importer)
        parts = folder.split("/") if folder else []
        if dots - 1 > len(parts):
            return []  # climbs above the repository root
        base = parts[: len(parts) - (dots - 1)] + rest
        return tagged(_with_names(ref, lambda segs: self._exact(importer, segs), base),
                      "python:relative")

    def _exact(self, importer: str, segments: Sequence[str]) -> str | None:
        base = "/".join(segments)
        for path in _module_paths(base):
            if self.index.is_file(path) and path != importer:
                return path
        return None

    # -- absolute -----------------------------------------------------------------------

    def _absolute(self, importer: str, ref: ImportRef, segments: list[str]) -> list[str]:
        def find(segs: Sequence[str]) -> str | None:
            return self._suffix(importer, segs)

        targets = _with_names(ref, find, segments)
        if targets:
            return tagged(targets, "python:module-suffix")
        for k in range(len(segments) - 1, 0, -1):  # the longest existing parent package
            found = find(segments[:k])
            if found:
                return tagged([found], "python:parent-package")
        if self.root_package and segments[0] == self.root_package:
            return tagged(self._from_root(importer, ref, segments[1:]), "python:root-package")
        return []

    def _from_root(self, importer: str, ref: ImportRef, rest: list[str]) -> list[str]:
        """``import X.rest`` where the repository root is package ``X``."""
        if not rest:  # the package itself
            found = "__init__.py" if self.index.is_file("__init__.py") else None
            return [found] if found and found != importer else []
        return _with_names(ref, lambda segs: self._exact(importer, segs), rest)

    def _infer_root_package(self, repo: RepoContext) -> str | None:
        """The name the repository root is imported under, when the root is a package."""
        if not (self.index.exists("__init__.py") or self.index.exists("__init__.pyi")):
            return None
        votes: Counter[str] = Counter()
        for path, refs in repo.imports.items():
            if repo.languages.get(path) != "python":
                continue
            for ref in refs:
                segments = ref.spec.split(".")
                if ref.relative or len(segments) < 2 or segments[0] in sys.stdlib_module_names:
                    continue
                if not all(s.isidentifier() for s in segments):
                    continue
                if self.index.exists(segments[0] + ".py") or self.index.exists(
                    segments[0] + "/__init__.py"
                ):
                    continue  # a real top-level module: not the root's own name
                if self._exact(path, segments[1:]) is not None:
                    votes[segments[0]] += 1
        if not votes:
            return None
        name, count = min(votes.items(), key=lambda kv: (-kv[1], kv[0]))
        return name if count >= 2 else None

    def _suffix(self, importer: str, segments: Sequence[str]) -> str | None:
        for path in _module_paths("/".join(segments)):
            tail = path.split("/")
            matches = [
                m
                for m in self.index.find(tail)
                if m != importer and self._importable(importer, m, len(tail))
            ]
            if matches:
                return by_nearness(importer, matches)[0]
        return None

    def _importable(self, importer: str, match: str, tail_len: int) -> bool:
        """Whether the folder above the matched module path (its would-be ``sys.path`` entry)
        is plausible. Never a package: the module's real name would be longer. For a
        one-file module (``gc.py``) also only the repository root, a top-level folder
        (``src/``, ``lib/``, ``scripts/``), or the importer's folder or one above it: a
        ``gc.py`` deep in test data is not what ``import gc`` means."""
        root = "/".join(match.split("/")[:-tail_len])
        if not root:
            return True
        if self.index.exists(root + "/__init__.py") or self.index.exists(root + "/__init__.pyi"):
            return False
        if tail_len > 1 or "/" not in root:
            return True
        home = folder_of(importer)
        return home == root or home.startswith(root + "/")


def _with_names(
    ref: ImportRef, find: Callable[[Sequence[str]], str | None], base: list[str]
) -> list[str]:
    """``from base import names``: the submodules it names, plus module ``base`` itself when
    a name is no submodule (or the statement is a plain ``import base``)."""
    targets: list[str] = []
    needs_module = ref.wildcard or not ref.names or ref.kind != "from"
    if not needs_module:
        for name in ref.names:
            sub = find([*base, name]) if name.isidentifier() else None
            if sub:
                targets.append(sub)
            else:
                needs_module = True
    if needs_module and base:
        module = find(base)
        if module:
            targets.append(module)
    return sorted(set(targets))
