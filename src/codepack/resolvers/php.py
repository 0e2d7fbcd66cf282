"""PHP: ``use`` names to class files, ``require``/``include`` paths to files.

``use A\\B\\C;`` names class ``A\\B\\C``, found by, in order:
1. PSR-4 prefixes of every ``composer.json`` (``autoload`` and ``autoload-dev``; the longest
   prefix wins): ``"App\\\\": "src/"`` makes ``App\\Models\\User`` ``src/Models/User.php``;
2. PSR-0 prefixes (the whole name below the folder, ``_`` in the class name as ``/``);
3. declarations: a file ``C.php`` declaring ``namespace A\\B``;
4. suffix match ``A/B/C.php``, then ``B/C.php`` (nearest copy first).
``use function A\\f;``/``use const A\\X;`` and a ``use`` naming a namespace rather than a class
point at the files declaring that namespace (capped at ``MAX_TARGETS``).

``require``/``include`` specifiers marked relative (``__DIR__ . '/x.php'`` arrives as ``/x.php``,
``./x.php``, ``../x.php``) are resolved against the including file's folder; others are tried
there, then at the repository root, then by suffix.
"""

from __future__ import annotations

from codepack.records import ImportRef
from codepack.resolvers.base import (
    RepoContext,
    by_nearness,
    cap_targets,
    dotted_name,
    folder_of,
    join,
    normalize,
    stem,
)
from codepack.resolvers.configs import as_str_list, load_json

_LANGUAGES = ("php",)
_FILE_KINDS = ("require", "require_once", "include", "include_once")
_MEMBER_KINDS = ("use_function", "use_const", "use_constant")  # a function/constant, no class


class PhpResolver:
    """Resolves PHP ``use`` and ``require``/``include`` of one repository."""

    def __init__(self, repo: RepoContext) -> None:
        self.repo = repo
        self.index = repo.index
        self.psr4, self.psr0 = self._autoload_prefixes(repo)

    def resolve(self, importer: str, ref: ImportRef) -> list[str]:
        spec = ref.spec.strip()
        if not spec:
            return []
        if ref.kind in _FILE_KINDS or spec.endswith((".php", ".inc", ".phtml")) or "/" in spec:
            found = self._file(importer, ref, spec)
            return [found] if found else []
        segments = dotted_name(spec).split(".")
        if not segments or not all(segments):
            return []
        if ref.kind in _MEMBER_KINDS:
            namespace = segments[:-1]
        else:
            found = self._class_file(importer, segments)
            if found:
                return [found]
            namespace = segments
        return cap_targets(importer, self.repo.declaring(_LANGUAGES, ".".join(namespace)))

    # -- require / include --------------------------------------------------------------------

    def _file(self, importer: str, ref: ImportRef, spec: str) -> str | None:
        here = folder_of(importer)
        if ref.relative or spec.startswith("."):
            return self._existing(normalize(join(here, spec.lstrip("/"))), importer)
        for folder in (here, ""):
            found = self._existing(normalize(join(folder, spec.lstrip("/"))), importer)
            if found:
                return found
        segments = [s for s in spec.split("/") if s not in ("", ".", "..")]
        return self.index.nearest(importer, [segments])

    def _existing(self, path: str | None, importer: str) -> str | None:
        if path and path != importer and self.index.is_file(path):
            return path
        return None

    # -- classes ------------------------------------------------------------------------------

    def _class_file(self, importer: str, segments: list[str]) -> str | None:
        name = "\\".join(segments)
        for prefixes, psr0 in ((self.psr4, False), (self.psr0, True)):
            for prefix, folders in prefixes:
                if not name.startswith(prefix):
                    continue
                rest = name if psr0 else name[len(prefix) :]
                parts = rest.split("\\")
                if psr0:
                    parts[-1:] = parts[-1].split("_")
                for folder in folders:
                    path = normalize(join(folder, *parts[:-1], parts[-1] + ".php"))
                    found = self._existing(path, importer)
                    if found:
                        return found
        if len(segments) >= 2:
            declared = [
                p
                for p in self.repo.declaring(_LANGUAGES, ".".join(segments[:-1]))
                if stem(p) == segments[-1] and p != importer
            ]
            if declared:
                return by_nearness(importer, declared)[0]
        suffixes = [[*segments[:-1], segments[-1] + ".php"]]
        if len(segments) > 2:
            suffixes.append([segments[-2], segments[-1] + ".php"])
        return self.index.nearest(importer, suffixes)

    @staticmethod
    def _autoload_prefixes(
        repo: RepoContext,
    ) -> tuple[list[tuple[str, list[str]]], list[tuple[str, list[str]]]]:
        """PSR-4 and PSR-0 (namespace prefix, repository folders), longest prefix first."""
        psr4: list[tuple[str, list[str]]] = []
        psr0: list[tuple[str, list[str]]] = []
        for path in sorted(repo.aux):
            if path.rpartition("/")[2] != "composer.json":
                continue
            manifest = load_json(repo.aux[path])
            here = folder_of(path)
            for section in ("autoload", "autoload-dev"):
                autoload = manifest.get(section)
                if not isinstance(autoload, dict):
                    continue
                for key, table in (("psr-4", psr4), ("psr-0", psr0)):
                    mapping = autoload.get(key)
                    if not isinstance(mapping, dict):
                        continue
                    for prefix, folders in mapping.items():
                        paths = (normalize(join(here, d)) for d in as_str_list(folders))
                        table.append((prefix.lstrip("\\"), [f for f in paths if f is not None]))
        psr4.sort(key=lambda item: (-len(item[0]), item[0]))
        psr0.sort(key=lambda item: (-len(item[0]), item[0]))
        return psr4, psr0
