"""Go: import paths to the files of a package folder that build for the target.

A Go import names a package: the ``.go`` files of one folder that the ``go`` tool compiles for
the target platform (``codepack.graph.resolvers.go_build``: file-name suffixes, ``//go:build`` and
``// +build`` lines, cgo). One import fans out to every such file, at most ``GO_MAX_TARGETS``
(nearest-then-lexicographic). ``_test.go`` files and files that do not build for the target
are never targets; when *no* file of a package builds for the target (a Windows-only
package seen from linux/amd64) all its non-test files stay targets, since the importer is
then itself built for another platform. Files importing ``"C"`` need cgo.

Rules, tried in order (the rule name is what ``codepack deps`` shows):

``go:vendor``        ``<module root>/vendor/<import path>`` of the importer's module, as the
                     ``go`` tool reads a vendor folder (GOROOT's ``src/vendor``,
                     ``src/cmd/vendor``).
``go:module-path``   every ``go.mod`` declares a module path (nested ``go.mod`` files are
                     nested modules; the longest module path that prefixes the import wins):
                     ``<module>/a/b`` is folder ``a/b`` under that ``go.mod``.
``go:std``           a ``go.mod`` declaring ``module std`` (Go's own source tree, or a fork)
                     holds the standard library, whose import paths have no module prefix and
                     no dot in their first element: ``net/http`` is folder ``net/http`` under
                     it, from any module of the repository (``module cmd`` imports ``fmt``).
``go:gopath``        a repository with no ``go.mod`` (the GOPATH era) was checked out as
                     ``$GOPATH/src/<host>/<owner>/<repo>``, so ``github.com/o/r/a/b`` is tried
                     as the root folder ``a/b`` for the well-known code hosts.

Everything else (the standard library outside the repository, other modules) is external.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cached_property

from codepack.graph.resolvers.base import RepoContext, Targets, by_nearness, folder_of, join
from codepack.graph.resolvers.configs import go_module_path
from codepack.graph.resolvers.go_build import GoTarget, file_builds, is_test_file
from codepack.records import ImportRef

_GOPATH_HOSTS = ("github.com", "gitlab.com", "bitbucket.org")

# A Go package is one compilation unit: an import depends on all of its building files, and the
# oracle (go list) counts an edge to each. Standard packages of 50-130 building files are
# common (runtime, syscall, net, os), so the shared cap of 32 (``MAX_TARGETS``) cut Go recall on
# the std tree to 0.64 and its order score to 0.78; at 128 and above both plateau (0.956 and
# 0.905, benchmarks/go_fanout.py). 256 equals no cap on std and still bounds a generated
# package of thousands of files.
GO_MAX_TARGETS = 256


class GoResolver:
    """Resolves Go import paths of one repository for one target platform."""

    def __init__(self, repo: RepoContext, target: GoTarget | None = None) -> None:
        self.repo = repo
        self.index = repo.index
        self.target = target or GoTarget.parse(repo.go_target)
        modules: list[tuple[str, str]] = []
        for path in sorted(repo.aux):
            if path.rpartition("/")[2] == "go.mod":
                module = go_module_path(repo.aux[path])
                if module:
                    modules.append((module, folder_of(path)))
        self.has_go_mod = any(p.rpartition("/")[2] == "go.mod" for p in repo.aux)
        # longest module path first, so a nested module wins over its parent
        self.modules = sorted(modules, key=lambda m: (-len(m[0]), m[0], m[1]))
        self.std_roots = sorted(root for module, root in modules if module == "std")
        # deepest module root first: the module an importer belongs to
        self.module_roots = sorted({root for _, root in modules}, key=lambda r: (-len(r), r))
        self._packages: dict[str, tuple[str, ...]] = {}

    def resolve(self, importer: str, ref: ImportRef) -> list[str]:
        spec = ref.spec.strip().strip("/")
        if not spec or spec == "C":
            return []
        for rule, folder in self._folders(importer, spec):
            files = self._package(folder)
            if files:
                return Targets(self._fan_out(importer, files), rule)
        return []

    def _folders(self, importer: str, spec: str) -> Iterator[tuple[str, str]]:
        """Candidate folders for ``spec`` with the rule that names each, in priority order."""
        root = self._module_root(importer)
        if root is not None and self._vendor_exists(root):
            yield "go:vendor", join(root, "vendor", spec)
        for module, module_root in self.modules:
            if spec == module:
                yield "go:module-path", module_root
            elif spec.startswith(module + "/"):
                yield "go:module-path", join(module_root, spec[len(module) + 1 :])
        if self.std_roots and "." not in spec.partition("/")[0]:
            for std_root in self.std_roots:
                yield "go:std", join(std_root, spec)
        if not self.has_go_mod:
            parts = spec.split("/")
            if len(parts) > 3 and parts[0] in _GOPATH_HOSTS:
                yield "go:gopath", "/".join(parts[3:])

    def _module_root(self, importer: str) -> str | None:
        for root in self.module_roots:
            if not root or importer.startswith(root + "/"):
                return root
        return None

    @cached_property
    def _vendor_roots(self) -> frozenset[str]:
        """Module roots with a ``vendor`` folder holding Go files."""
        return frozenset(
            root
            for root in self.module_roots
            if any(f.endswith(".go") for f in self.index.files_under(join(root, "vendor")))
        )

    def _vendor_exists(self, root: str) -> bool:
        return root in self._vendor_roots

    def _package(self, folder: str) -> tuple[str, ...]:
        """The non-test ``.go`` files of ``folder`` that build for the target (all of them
        when none does), sorted; cached per folder."""
        cached = self._packages.get(folder)
        if cached is not None:
            return cached
        sources = [
            f for f in self.index.files_in(folder) if f.endswith(".go") and not is_test_file(f)
        ]
        building = [f for f in sources if self._builds(f)]
        package = tuple(building or sources)
        self._packages[folder] = package
        return package

    def _builds(self, path: str) -> bool:
        imports_cgo = any(ref.spec == "C" for ref in self.repo.imports.get(path, ()))
        return file_builds(path, self.repo.declarations.get(path, ()), imports_cgo, self.target)

    def _fan_out(self, importer: str, files: tuple[str, ...]) -> list[str]:
        """The package's files minus the importer, at most ``GO_MAX_TARGETS`` (nearest
        first), sorted. Unlike ``cap_targets`` no folder is treated as a test tree: in Go
        only ``_test.go`` files are tests, and a package in ``internal/test`` is code."""
        targets = [f for f in files if f != importer]
        if len(targets) > GO_MAX_TARGETS:
            targets = sorted(by_nearness(importer, targets)[:GO_MAX_TARGETS])
        return targets
