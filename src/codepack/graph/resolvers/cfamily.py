"""C and C++: ``#include`` paths to headers (and the odd included ``.c``/``.inc`` file).

Search order, like a compiler invoked with the project's ``-I`` flags:
1. quote includes (``"a/b.h"``) only: the including file's folder (``..`` allowed);
2. include folders: every folder named ``include`` in the repository (nearest first), then the
   repository root;
3. suffix match of the path anywhere in the repository (nearest copy first) — for quote
   includes always, for angle includes (``<a/b.h>``) only when the path has a folder part.

So ``<stdio.h>`` or ``<vector>`` stays external unless the repository ships such a header in an
include folder, while ``<mylib/core.h>`` finds ``src/mylib/core.h``.

Rules, as ``codepack deps`` names them: ``c:beside-includer`` (1), ``c:include-folder`` (2),
``c:suffix`` (3).
"""

from __future__ import annotations

from codepack.graph.resolvers.base import (
    RepoContext,
    folder_of,
    folders_by_nearness,
    folders_named,
    join,
    normalize,
    tagged,
)
from codepack.records import ImportRef

_INCLUDE_FOLDER_NAMES = ("include",)


class CFamilyResolver:
    """Resolves C/C++ include paths of one repository."""

    def __init__(self, repo: RepoContext) -> None:
        self.index = repo.index
        self.include_folders = folders_named(self.index.folders, _INCLUDE_FOLDER_NAMES)

    def resolve(self, importer: str, ref: ImportRef) -> list[str]:
        spec = ref.spec.strip().replace("\\", "/")
        if not spec or spec.endswith("/"):
            return []
        angle = ref.system
        if not angle:
            found = self._existing(normalize(join(folder_of(importer), spec)), importer)
            if found:
                return tagged([found], "c:beside-includer")
        for folder in [*folders_by_nearness(importer, self.include_folders), ""]:
            found = self._existing(normalize(join(folder, spec)), importer)
            if found:
                return tagged([found], "c:include-folder")
        segments = [s for s in spec.split("/") if s not in ("", ".", "..")]
        if angle and len(segments) < 2:
            return []
        found = self.index.nearest(importer, [segments])
        return tagged([found] if found else [], "c:suffix")

    def _existing(self, path: str | None, importer: str) -> str | None:
        if path and path != importer and self.index.is_file(path):
            return path
        return None
