"""Java, Kotlin and Scala: qualified names to the files declaring them.

A class ``com.acme.Foo`` lives in ``Foo.java``/``Foo.kt``/``Foo.scala`` of package ``com.acme``.
Two ways to find it, both tried for each reading of the name:
* declarations (when the scan supplies them): files that declare ``package com.acme`` and are
  named ``Foo.*`` — this finds Kotlin files whose folders omit the package prefix, as the Kotlin
  style guide recommends, and ignores source roots altogether;
* path suffix: ``com/acme/Foo.<ext>`` under any source root (``src/main/java``,
  ``app/src/test/kotlin``, or none), nearest copy first.
The importer's own language's extension is tried first (mixed Java/Kotlin modules).

Readings, longest first: a nested class or a static member (``com.acme.Foo.Bar``,
``import static com.acme.Foo.bar``) drops trailing segments until a file matches (never below
package + class). A wildcard (``com.acme.*``) names the package: its files (declared, or the
folder ``com/acme/``), capped at ``MAX_TARGETS``; if no such package exists it is read as a
class (``import com.acme.Foo.*`` imports Foo's members). Kotlin and Scala can import top-level
functions and values (``import com.acme.util.helper``): when no file matches, such an import
points at the files of package ``com.acme.util`` (capped), since the defining file cannot be
told from the name. Scala imports may also be relative to the enclosing package, so a Scala
name that resolves nowhere is retried under the importer's declared package and its parents.
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
)

JVM_LANGUAGES = ("java", "kotlin", "scala")
_EXTENSIONS = {"java": ".java", "kotlin": ".kt", "scala": ".scala"}
_TOP_LEVEL_MEMBERS = ("kotlin", "scala")  # languages with importable top-level functions


class JvmResolver:
    """Resolves Java/Kotlin/Scala imports of one repository."""

    def __init__(self, repo: RepoContext) -> None:
        self.repo = repo
        self.index = repo.index
        self.has_declarations = any(language in JVM_LANGUAGES for language, _ in repo.declared)

    def resolve(self, importer: str, ref: ImportRef) -> list[str]:
        name = dotted_name(ref.spec.strip().removesuffix("._").removesuffix(".*"))
        if not name:
            return []
        language = self.repo.languages.get(importer, "java")
        found = self._resolve_name(importer, ref, name, language)
        if found or language != "scala":
            return found
        for package in self._enclosing_packages(importer):
            found = self._resolve_name(importer, ref, f"{package}.{name}", language)
            if found:
                return found
        return []

    def _resolve_name(self, importer: str, ref: ImportRef, name: str, language: str) -> list[str]:
        segments = name.split(".")
        if ref.wildcard:
            package_files = self._package_files(importer, segments)
            if package_files:
                return package_files
        for k in range(len(segments), 1, -1):
            found = self._class_file(importer, segments[: k - 1], segments[k - 1], language)
            if found:
                return [found]
        if language in _TOP_LEVEL_MEMBERS and not ref.wildcard and len(segments) > 1:
            return self._package_files(importer, segments[:-1])
        return []

    def _extensions(self, language: str) -> list[str]:
        first = _EXTENSIONS.get(language, ".java")
        return [first] + [e for e in _EXTENSIONS.values() if e != first]

    def _class_file(self, importer: str, package: list[str], cls: str, language: str) -> str | None:
        declared = [
            p
            for p in self.repo.declaring(JVM_LANGUAGES, ".".join(package))
            if stem(p) == cls and p != importer
        ]
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
        declared = self.repo.declaring(JVM_LANGUAGES, ".".join(package))
        if declared:
            return cap_targets(importer, declared)
        if self.has_declarations or len(package) < 2:
            # with declarations a package nobody declares is external (``kotlin.test`` is no
            # ``src/test/kotlin``); without, a one-segment folder name is too weak a hint
            return []
        for folder in folders_by_nearness(importer, self.index.find_folders(package)):
            files = [
                f for f in self.index.files_in(folder) if f.endswith(tuple(_EXTENSIONS.values()))
            ]
            if files:
                return cap_targets(importer, files)
        return []

    def _enclosing_packages(self, importer: str) -> list[str]:
        """The importer's declared package and its parents, innermost first."""
        found: list[str] = []
        for declared in self.repo.declarations.get(importer, ()):
            parts = dotted_name(declared).split(".")
            for k in range(len(parts), 0, -1):
                package = ".".join(parts[:k])
                if package and package not in found:
                    found.append(package)
        return found
