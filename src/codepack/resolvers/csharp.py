"""C#: ``using`` directives to the files of a namespace.

``using A.B;`` brings namespace ``A.B`` into scope, which is coarser than a file: the import
points at every file declaring ``namespace A.B`` (from the scan's declarations), at most
``MAX_TARGETS`` of them, nearest first. ``using static A.B.C;`` and ``using X = A.B.C;`` may
name a type: the file ``C.cs`` declaring ``A.B`` is preferred, then namespace ``A.B.C``.

Without declarations the folder convention stands in: a folder whose path ends with the
namespace, either segment by segment (``A/B/``) or with the leading segments kept as one dotted
project folder (``A.B/``, ``src/A.B/`` for ``A.B``; ``A.B/C/`` for ``A.B.C``).
``System.*`` and other framework namespaces resolve to nothing in the repository: external.
Rules, as ``codepack deps`` names them: ``csharp:type``, ``csharp:namespace``.
"""

from __future__ import annotations

from codepack.records import ImportRef
from codepack.resolvers.base import (
    RepoContext,
    by_nearness,
    cap_targets,
    dotted_name,
    folders_by_nearness,
    stem,
    tagged,
)

_LANGUAGES = ("csharp",)


class CSharpResolver:
    """Resolves C# ``using`` directives of one repository."""

    def __init__(self, repo: RepoContext) -> None:
        self.repo = repo
        self.index = repo.index
        # with declarations, a namespace no file declares is external (System.Linq, Xunit)
        self.use_folders = not any(language in _LANGUAGES for language, _ in repo.declared)

    def resolve(self, importer: str, ref: ImportRef) -> list[str]:
        name = dotted_name(ref.spec.strip().removeprefix("global::"))
        if not name:
            return []
        segments = name.split(".")
        type_first = ref.kind != "using" or bool(ref.names)
        readings = [(self._type, "csharp:type"), (self._namespace, "csharp:namespace")]
        for reading, rule in readings if type_first else reversed(readings):
            found = reading(importer, segments)
            if found:
                return tagged(found, rule)
        return []

    def _type(self, importer: str, segments: list[str]) -> list[str]:
        if len(segments) < 2:
            return []
        namespace, type_name = ".".join(segments[:-1]), segments[-1]
        declared = [
            p
            for p in self.repo.declaring(_LANGUAGES, namespace)
            if stem(p) == type_name and p != importer
        ]
        if declared:
            return [by_nearness(importer, declared)[0]]
        for folder in self._folders(importer, segments[:-1]):
            path = f"{folder}/{type_name}.cs" if folder else f"{type_name}.cs"
            if path != importer and self.index.is_file(path):
                return [path]
        return []

    def _namespace(self, importer: str, segments: list[str]) -> list[str]:
        declared = self.repo.declaring(_LANGUAGES, ".".join(segments))
        if declared:
            return cap_targets(importer, declared)
        for folder in self._folders(importer, segments):
            files = [f for f in self.index.files_in(folder) if f.endswith(".cs")]
            if files:
                return cap_targets(importer, files)
        return []

    def _folders(self, importer: str, segments: list[str]) -> list[str]:
        """Folders that by convention hold namespace ``segments``, best first."""
        found: list[str] = []
        if not self.use_folders:
            return found
        for split in range(1, len(segments) + 1):
            suffix = [".".join(segments[:split]), *segments[split:]]
            for folder in folders_by_nearness(importer, self.index.find_folders(suffix)):
                if folder not in found:
                    found.append(folder)
        return found
