"""C#: ``using`` directives to the files of a namespace.

``using A.B;`` brings namespace ``A.B`` into scope, which is coarser than a file. Without the
names the file uses (or top-level type declarations), the import points at every file
declaring ``namespace A.B`` (from the scan's declarations), at most ``MAX_TARGETS`` of them,
nearest first; with them, see below. ``using static A.B.C;`` and ``using X = A.B.C;`` may name
a type: the files declaring type ``C`` in ``A.B`` (every part of a partial type), else the file
``C.cs`` declaring ``A.B``, then namespace ``A.B.C``.

Without declarations the folder convention stands in: a folder whose path ends with the
namespace, either segment by segment (``A/B/``) or with the leading segments kept as one dotted
project folder (``A.B/``, ``src/A.B/`` for ``A.B``; ``A.B/C/`` for ``A.B.C``).
``System.*`` and other framework namespaces resolve to nothing in the repository: external.

The scan also lists each file's top-level types (``class:A.B.Cart``; every file of a
``partial`` type). With them, and the simple type names a file uses (``ImportRef.names``), the
compiler's lookup is followed instead of the namespace fan-out:
* ``[csharp:same-namespace]`` a type of the file's own namespace or an enclosing one,
  innermost first, needs no ``using``: it links the files declaring the types the file names
  (all parts of a partial type);
* ``[csharp:using-named]`` ``using A.B;`` links the files of ``A.B``'s types the file names
  (an attribute ``[Foo]`` names ``FooAttribute`` too);
* ``[csharp:extensions]`` a ``using A.B;`` whose types the file never names is there for
  extension methods (a call ``x.Foo()`` never names its class): it links the namespace's
  ``*Extensions`` classes, by the .NET naming convention, or nothing.
Rules, as ``codepack deps`` names them: ``csharp:type``, ``csharp:namespace`` and the above.
"""

from __future__ import annotations

from functools import cached_property

from codepack.graph.languages.normalize.csharp import SAME_NAMESPACE, TOP_LEVEL
from codepack.graph.resolvers.base import (
    RepoContext,
    by_nearness,
    cap_targets,
    dotted_name,
    folders_by_nearness,
    named_targets,
    stem,
    tagged,
)
from codepack.records import ImportRef

_LANGUAGES = ("csharp",)


class CSharpResolver:
    """Resolves C# ``using`` directives of one repository."""

    def __init__(self, repo: RepoContext) -> None:
        self.repo = repo
        self.index = repo.index
        # with declarations, a namespace no file declares is external (System.Linq, Xunit)
        self.use_folders = not any(language in _LANGUAGES for language, _ in repo.declared)

    @cached_property
    def types(self) -> dict[str, dict[str, list[str]]]:
        """``namespace -> top-level type name -> files declaring it`` (partial types: all)."""
        table: dict[str, dict[str, list[str]]] = {}
        for path in sorted(self.repo.declarations):
            if self.repo.languages.get(path) not in _LANGUAGES or not self.index.is_file(path):
                continue
            for entry in self.repo.declarations[path]:
                if entry.startswith(TOP_LEVEL):
                    namespace, _, name = dotted_name(entry[len(TOP_LEVEL) :]).rpartition(".")
                    files = table.setdefault(namespace, {}).setdefault(name, [])
                    if path not in files:
                        files.append(path)
        return table

    def resolve(self, importer: str, ref: ImportRef) -> list[str]:
        name = dotted_name(ref.spec.strip().removeprefix("global::"))
        if not name:
            return []
        if ref.kind == SAME_NAMESPACE:
            return tagged(self._same_namespace(importer, name, ref.names), "csharp:same-namespace")
        if ref.kind == "using" and ref.names and name in self.types:
            named = self._named_types(importer, name, ref.names)
            if named:
                return tagged(named, "csharp:using-named")
            return tagged(self._extension_classes(importer, name), "csharp:extensions")
        segments = name.split(".")
        type_first = ref.kind != "using" or bool(ref.names)
        readings = [(self._type, "csharp:type"), (self._namespace, "csharp:namespace")]
        for reading, rule in readings if type_first else reversed(readings):
            found = reading(importer, segments)
            if found:
                return tagged(found, rule)
        return []

    def _same_namespace(self, importer: str, namespace: str, names: tuple[str, ...]) -> list[str]:
        """Files of the types ``names`` the namespace ``namespace`` or an enclosing one
        declares, each name taken from the innermost namespace that has it."""
        parts = namespace.split(".")
        found: list[str] = []
        unbound = list(names)
        for k in range(len(parts), 0, -1):
            declared = self.types.get(".".join(parts[:k]), {})
            rest = []
            for name in unbound:
                files = self._files_of(declared, name, importer)
                if files:
                    found.extend(files)
                else:
                    rest.append(name)
            unbound = rest
        return named_targets(importer, found)

    def _named_types(self, importer: str, namespace: str, names: tuple[str, ...]) -> list[str]:
        declared = self.types.get(namespace, {})
        return named_targets(
            importer, (f for name in names for f in self._files_of(declared, name, importer))
        )

    def _extension_classes(self, importer: str, namespace: str) -> list[str]:
        declared = self.types.get(namespace, {})
        return cap_targets(
            importer,
            (f for name, files in declared.items() if name.endswith("Extensions") for f in files),
        )

    @staticmethod
    def _files_of(declared: dict[str, list[str]], name: str, importer: str) -> list[str]:
        """Every file declaring type ``name`` (or attribute class ``nameAttribute``), not the
        importer itself: a partial type's other parts are not a dependency of one part."""
        files = declared.get(name) or declared.get(name + "Attribute") or []
        if importer in files:
            return []
        return files

    def _type(self, importer: str, segments: list[str]) -> list[str]:
        if len(segments) < 2:
            return []
        namespace, type_name = ".".join(segments[:-1]), segments[-1]
        parts = [p for p in self.types.get(namespace, {}).get(type_name, ()) if p != importer]
        if parts:
            return sorted(parts)
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
