"""Java, Kotlin and Scala: qualified names to the files declaring them.

A class ``com.acme.Foo`` lives in a file of package ``com.acme``. Two ways to find it, both
tried for each reading of the name:
* declarations (when the scan supplies them, see ``members``): a Java file provides the class
  its name says (``Foo.java``); a Kotlin or Scala file the top-level names it declares
  (classes, objects, traits, type aliases, top-level functions and values: ``class:`` entries),
  so ``Models.kt`` can provide ``Foo`` and ``Bar``; a Kotlin file also provides its JVM facade
  ``<Stem>Kt``. This finds Kotlin files whose folders omit the package prefix, as the Kotlin
  style guide recommends, and ignores source roots altogether;
* path suffix: ``com/acme/Foo.<ext>`` under any source root (``src/main/java``,
  ``app/src/test/kotlin``, or none), nearest copy first.
The importer's own language's extension is tried first (mixed Java/Kotlin modules).

Readings, longest first: a nested class or a static member (``com.acme.Foo.Bar``,
``import static com.acme.Foo.bar``) drops trailing segments until a file matches (never below
package + class). A wildcard (``com.acme.*``, Scala ``com.acme._``) names the package
(declared, or the folder ``com/acme/``). With the simple names the file uses (``names``, from
the extractor), it links javac's way, which Kotlin and Scala share: the files providing the
names the file uses, nearest copy per name (Android flavour source sets hold one copy each),
except names the importer's own package provides (they shadow wildcard imports); without
names it falls back to the package's files, capped at ``MAX_TARGETS``. A wildcard on no package
is read as a class (``import com.acme.Foo.*`` imports Foo's members). The implicit
``same_package`` import links the own package's names the file uses, never the file itself.
Named links are not capped: each target is a name the file uses. ``package-info.java`` and
``module-info.java`` declare no class and are never targets.

Kotlin and Scala can import top-level functions and values (``import com.acme.util.helper``):
the file declaring ``helper`` is found from the declarations. Only for a package whose files
list no top-level names (declarations from an older scan) does such an import still point at
the package's files (capped, ``jvm:package-member``). Scala imports may also be relative to the
enclosing package, so a Scala name that resolves nowhere is retried under the importer's
declared package and its parents.
"""
from __future__ import annotations

from functools import cached_property

from codepack.graph.languages.normalize.jvm import SAME_PACKAGE, TOP_LEVEL
from codepack.graph.resolvers.base import (
    RepoContext,
    Targets,
    by_nearness,
    cap_targets,
    dotted_name,
    folders_by_nearness,
    named_targets,
    stem,
    tagged,
)
from codepack.records import ImportRef

JVM_LANGUAGES = ("java", "kotlin", "scala")
_EXTENSIONS = {"java": ".java", "kotlin": ".kt", "scala": ".scala"}
_TOP_LEVEL_MEMBERS = ("kotlin", "scala")  # languages with importable top-level functions
_NOT_CLASSES = frozenset({"package-info.java", "module-info.java"})


def _is_class_file(path: str) -> bool:
    """A file that can hold a class: package-info/module-info only annotate a package."""
    return path.rpartition("/")[2] not in _NOT_CLASSES


def _is_jvm_class_file(path: str) -> bool:
    return path.endswith(tuple(_EXTENSIONS.values())) and _is_class_file(path)


class JvmResolver:
    """Resolves Java/Kotlin/Scala imports of one repository."""

    def __init__(self, repo: RepoContext) -> None:
        self.repo = repo
        self.index = repo.index
        self.has_declarations = any(language in JVM_LANGUAGES for language, _ in repo.declared)

    @cached_property
    def members(self) -> dict[str, dict[str, list[str]]]:
        """``package -> top-level name -> files providing it``, from the declarations.

        Kotlin and Scala files list their top-level names (``class:<package>.<Name>``); a Java
        file (or one whose names could not be read) provides the class its file name says;
        a Kotlin file also provides its JVM file facade ``<Stem>Kt`` (what Java code calls
        its top-level functions through). Files sorted, so lists are deterministic.
        """
        table: dict[str, dict[str, list[str]]] = {}
        for path in sorted(self.repo.declarations):
            language = self.repo.languages.get(path, "")
            if language not in JVM_LANGUAGES or not _is_class_file(path):
                continue
            if not self.index.is_file(path):
                continue
            entries = self.repo.declarations[path]
            packages = [dotted_name(e) for e in entries if not e.startswith(TOP_LEVEL)]
            provided = [
                dotted_name(e[len(TOP_LEVEL) :]).rpartition(".")[::2]
                for e in entries
                if e.startswith(TOP_LEVEL)
            ]
            if not provided:
                provided = [(package, stem(path)) for package in packages]
            if language == "kotlin":
                provided += [(package, stem(path) + "Kt") for package in packages]
            for package, name in provided:
                files = table.setdefault(package, {}).setdefault(name, [])
                if path not in files:
                    files.append(path)
        return table

    @cached_property
    def listed_packages(self) -> frozenset[str]:
        """Packages some file lists top-level names for: a name none of them lists is not
        a top-level member there (so an import of it links nothing rather than the whole
        package)."""
        return frozenset(
            dotted_name(e[len(TOP_LEVEL) :]).rpartition(".")[0]
            for path, entries in self.repo.declarations.items()
            if self.repo.languages.get(path, "") in _TOP_LEVEL_MEMBERS
            for e in entries
            if e.startswith(TOP_LEVEL)
        )

    def resolve(self, importer: str, ref: ImportRef) -> list[str]:
        name = dotted_name(ref.spec.strip().removesuffix("._").removesuffix(".*"))
        if not name:
            return []
        if ref.kind == SAME_PACKAGE:
            return tagged(self._named_classes(importer, name, ref.names), "jvm:same-package")
        language = self.repo.languages.get(importer, "java")
        found = self._resolve_name(importer, ref, name, language)
        if found or language != "scala":
            return found
        for package in self._enclosing_packages(importer):
            found = self._resolve_name(importer, ref, f"{package}.{name}", language)
            if found:
                found.rule = "jvm:scala-relative"
                return found
        return []

    def _resolve_name(self, importer: str, ref: ImportRef, name: str, language: str) -> Targets:
        segments = name.split(".")
        if ref.wildcard and ref.names:
            named = self._named_wildcard(importer, name, ref.names)
            if named:
                return tagged(named, "jvm:wildcard-named")
        elif ref.wildcard:
            package_files = self._package_files(importer, segments)
            if package_files:
                return tagged(package_files, "jvm:wildcard-package")
        for k in range(len(segments), 1, -1):
            found = self._class_file(importer, segments[: k - 1], segments[k - 1], language)
            if found:
                return tagged([found], "jvm:class" if k == len(segments) else "jvm:outer-class")
        if (
            language in _TOP_LEVEL_MEMBERS
            and not ref.wildcard
            and len(segments) > 1
            and ".".join(segments[:-1]) not in self.listed_packages
        ):
            return tagged(self._package_files(importer, segments[:-1]), "jvm:package-member")
        return Targets()

    def _named_wildcard(self, importer: str, package: str, names: tuple[str, ...]) -> list[str]:
        """The classes of ``package`` the importer names, minus the names its own package
        declares (javac looks in the own package before wildcard imports)."""
        own = self._own_package(importer)
        if own is not None and own != package:
            if self.has_declarations:
                shadowing = set(self.members.get(own, {}))
            else:
                shadowing = {stem(p) for p in self._package_members(importer, own)}
            names = tuple(n for n in names if n not in shadowing)
        return self._named_classes(importer, package, names)

    def _named_classes(self, importer: str, package: str, names: tuple[str, ...]) -> list[str]:
        """The files of ``package`` providing a name the importer uses, nearest copy per
        name (flavour source sets may hold one copy each)."""
        if self.has_declarations:
            provided = self.members.get(package, {})
            chosen = []
            for name in names:
                files = named_targets(importer, provided.get(name, ()))
                if files:
                    chosen.append(by_nearness(importer, files)[0])
            return sorted(set(chosen))
        wanted = set(names)
        by_class: dict[str, list[str]] = {}
        for path in self._package_members(importer, package):
            if path != importer and stem(path) in wanted:
                by_class.setdefault(stem(path), []).append(path)
        return named_targets(importer, (by_nearness(importer, c)[0] for c in by_class.values()))

    def _package_members(self, importer: str, package: str) -> list[str]:
        """The class files of ``package``: declared, or (no declarations) those of every
        folder ``.../a/b/`` (a package spans source roots: ``src/main/java``, ``src/test/java``)."""
        declared = self.repo.declaring(JVM_LANGUAGES, package)
        if declared or self.has_declarations:
            return [p for p in declared if _is_class_file(p)]
        return [
            f
            for folder in self.index.find_folders(package.split("."))
            for f in self.index.files_in(folder)
            if _is_jvm_class_file(f)
        ]

    def _own_package(self, importer: str) -> str | None:
        packages = self._packages_of(importer)
        return packages[0] if packages else None

    def _packages_of(self, path: str) -> list[str]:
        """The packages ``path`` declares (its top-level names left out)."""
        entries = self.repo.declarations.get(path, ())
        return [dotted_name(e) for e in entries if not e.startswith(TOP_LEVEL)]

    def _extensions(self, language: str) -> list[str]:
        first = _EXTENSIONS.get(language, ".java")
        return [first] + [e for e in _EXTENSIONS.values() if e != first]

    def _class_file(self, importer: str, package: list[str], cls: str, language: str) -> str | None:
        if f"{cls}.java" in _NOT_CLASSES:
            return None
        provided = self.members.get(".".join(package), {}).get(cls, ())
        declared = [p for p in provided if p != importer]
        if declared:
            order = {ext: i for i, ext in enumerate(self._extensions(language))}
            return min(
                by_nearness(importer, declared),
                key=lambda p: order.get("." + p.rpartition(".")[2], len(order)),
            )
        return self.index.nearest(
            importer, ([*package, cls + ext] for ext in self._extensions(language))
        )

    def _package_files(self, importer: str, package: list[str]) -> list[str]:
        declared = [
            p for p in self.repo.declaring(JVM_LANGUAGES, ".".join(package)) if _is_class_file(p)
        ]
        if declared:
            return cap_targets(importer, declared)
        if self.has_declarations or len(package) < 2:
            # with declarations a package nobody declares is external (``kotlin.test`` is no
            # ``src/test/kotlin``); without, a one-segment folder name is too weak a hint
            return []
        for folder in folders_by_nearness(importer, self.index.find_folders(package)):
            files = [f for f in self.index.files_in(folder) if _is_jvm_class_file(f)]
            if files:
                return cap_targets(importer, files)
        return []

    def _enclosing_packages(self, importer: str) -> list[str]:
        """The importer's declared package and its parents, innermost first."""
        found: list[str] = []
        for declared in self._packages_of(importer):
            parts = declared.split(".")
            for k in range(len(parts), 0, -1):
                package = ".".join(parts[:k])
                if package and package not in found:
                    found.append(package)
        return found
