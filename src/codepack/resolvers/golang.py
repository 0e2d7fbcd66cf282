"""Go: import paths to the files of a package folder.

A Go import names a package, which is every non-test ``.go`` file of one folder, so one import
fans out to all of them (at most ``MAX_TARGETS``, nearest-then-lexicographic). A ``_test.go``
file sees its own package without an import, and is never a target.

Module paths come from every ``go.mod`` in the repository (nested ``go.mod`` files are nested
modules; the longest module path that prefixes the import wins): ``<module>/a/b`` is folder
``a/b`` under that ``go.mod``. A repository with no ``go.mod`` (the GOPATH era) was checked out
as ``$GOPATH/src/<host>/<owner>/<repo>``, so ``github.com/o/r/a/b`` is tried as the root folder
``a/b`` for the well-known code hosts. Everything else (the standard library, other modules)
is external.
"""

from __future__ import annotations

from codepack.records import ImportRef
from codepack.resolvers.base import RepoContext, cap_targets, folder_of, join
from codepack.resolvers.configs import go_module_path

_GOPATH_HOSTS = ("github.com", "gitlab.com", "bitbucket.org")


class GoResolver:
    """Resolves Go import paths of one repository."""

    def __init__(self, repo: RepoContext) -> None:
        self.index = repo.index
        modules: list[tuple[str, str]] = []
        for path in sorted(repo.aux):
            if path.rpartition("/")[2] == "go.mod":
                module = go_module_path(repo.aux[path])
                if module:
                    modules.append((module, folder_of(path)))
        self.has_go_mod = any(p.rpartition("/")[2] == "go.mod" for p in repo.aux)
        # longest module path first, so a nested module wins over its parent
        self.modules = sorted(modules, key=lambda m: (-len(m[0]), m[0], m[1]))

    def resolve(self, importer: str, ref: ImportRef) -> list[str]:
        spec = ref.spec.strip().strip("/")
        if not spec:
            return []
        folder = self._folder(spec)
        if folder is None:
            return []
        files = [
            f
            for f in self.index.files_in(folder)
            if f.endswith(".go") and not f.endswith("_test.go")
        ]
        return cap_targets(importer, files)

    def _folder(self, spec: str) -> str | None:
        for module, root in self.modules:
            if spec == module:
                return root
            if spec.startswith(module + "/"):
                return join(root, spec[len(module) + 1 :])
        if self.has_go_mod:
            return None
        parts = spec.split("/")
        if len(parts) > 3 and parts[0] in _GOPATH_HOSTS:
            return "/".join(parts[3:])
        return None
