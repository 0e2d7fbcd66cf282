"""PHP: class names to class files, ``require``/``include`` paths to files.

Class names come from ``use A\\B\\C;`` and from names used in code (kind ``class``: ``new X``,
``extends X``, ``X::m()``, type hints, ...; see ``languages/normalize/php.py``). A name in code
is first made fully qualified with PHP's rules: ``\\A\\X`` is ``A\\X``; ``namespace\\X`` is
the file's namespace plus ``X``; a name whose first segment is a ``use`` alias (``use A\\Node;``
then ``Node\\Block``; ``use A\\B as D;`` then ``D``) continues the aliased name; any other name
(``X``, ``Sub\\X``) is relative to the file's namespace — a class never falls back to the global
namespace. ``self``/``static``/``parent`` never get here. A fully qualified class is then found
by, in order (rule names in brackets):

1. ``[php:psr4]`` PSR-4 prefixes of every ``composer.json`` (``autoload`` and ``autoload-dev``;
   the longest prefix wins): ``"App\\\\": "src/"`` makes ``App\\Models\\User``
   ``src/Models/User.php``; ``[php:psr0]`` PSR-0 prefixes (the whole name below the folder,
   ``_`` in the class name as ``/``) — Composer's own order;
2. ``[php:declared-class]`` the file declaring that class (its namespace plus ``class``/
   ``interface``/``trait``/``enum`` name, from the scan's declarations; nearest first). This is
   what works for libraries shipped without a ``composer.json`` (Debian's /usr/share/php);
3. ``[php:namespace-file]`` a file ``C.php`` declaring ``namespace A\\B``;
4. ``[php:suffix]`` a file ending ``A/B/C.php``, then ``B/C.php`` (nearest first) — when the
   repository has declarations, only one whose declared namespace is ``A\\B`` (no namespace for
   a one-segment ``use Foo;``, which names a global class).

A ``use`` naming a namespace rather than a class resolves to nothing: the names used through it
(``Node\\Block``) are resolved one by one, instead of fanning out to every file of the
namespace. ``use function A\\f;``/``use const A\\X;`` point at the files declaring namespace
``A`` (``[php:namespace-members]``, capped at ``MAX_TARGETS``).

``require``/``include`` specifiers marked relative (``__DIR__ . '/x.php'`` arrives as ``/x.php``,
``./x.php``, ``../x.php``) are resolved against the including file's folder
(``[php:include-relative]``); others are tried there, then at the repository root
(``[php:include-path]``), then by suffix (``[php:include-suffix]``).
"""

from __future__ import annotations

from dataclasses import dataclass

from codepack.graph.languages.normalize.php import CLASS_DECLARATION
from codepack.graph.resolvers.base import (
    RepoContext,
    Targets,
    by_nearness,
    cap_targets,
    dotted_name,
    folder_of,
    join,
    normalize,
    stem,
    tagged,
)
from codepack.graph.resolvers.configs import as_str_list, load_json
from codepack.records import ImportRef

_LANGUAGES = ("php",)
_FILE_KINDS = ("require", "require_once", "include", "include_once")
_MEMBER_KINDS = ("use_function", "use_const", "use_constant")  # a function/constant, no class


@dataclass(frozen=True, slots=True)
class _NameScope:
    """What PHP's name rules need to know about one file: its namespaces (``""`` is the
    global one) and its ``use`` aliases (local name, lower-cased as PHP compares them ->
    fully qualified name)."""

    namespaces: tuple[str, ...]
    aliases: dict[str, str]


class PhpResolver:
    """Resolves PHP ``use``, class names in code and ``require``/``include`` of one
    repository."""

    def __init__(self, repo: RepoContext) -> None:
        self.repo = repo
        self.index = repo.index
        self.psr4, self.psr0 = self._autoload_prefixes(repo)
        self.classes, self.file_namespaces = self._declared_classes(repo)
        self.has_declarations = bool(self.file_namespaces)
        self._scopes: dict[str, _NameScope] = {}

    def resolve(self, importer: str, ref: ImportRef) -> list[str]:
        spec = ref.spec.strip()
        if not spec:
            return []
        if ref.kind in _FILE_KINDS or spec.endswith((".php", ".inc", ".phtml")) or "/" in spec:
            return self._file(importer, ref, spec)
        if ref.kind == "class":
            return self._class_in_code(importer, spec)
        segments = dotted_name(spec).split(".")
        if not segments or not all(segments):
            return []
        if ref.kind in _MEMBER_KINDS:
            members = self.repo.declaring(_LANGUAGES, ".".join(segments[:-1]))
            return tagged(cap_targets(importer, members), "php:namespace-members")
        return self._class_file(importer, segments)

    # -- require / include --------------------------------------------------------------------

    def _file(self, importer: str, ref: ImportRef, spec: str) -> Targets:
        here = folder_of(importer)
        if ref.relative or spec.startswith("."):
            found = self._existing(normalize(join(here, spec.lstrip("/"))), importer)
            return tagged([found] if found else [], "php:include-relative")
        for folder in (here, ""):
            found = self._existing(normalize(join(folder, spec.lstrip("/"))), importer)
            if found:
                return tagged([found], "php:include-path")
        segments = [s for s in spec.split("/") if s not in ("", ".", "..")]
        found = self.index.nearest(importer, [segments])
        return tagged([found] if found else [], "php:include-suffix")

    def _existing(self, path: str | None, importer: str) -> str | None:
        if path and path != importer and self.index.is_file(path):
            return path
        return None

    # -- class names in code ------------------------------------------------------------------

    def _class_in_code(self, importer: str, name: str) -> Targets:
        """A class name as written in code, made fully qualified by PHP's rules, then found."""
        for qualified in self._qualified(importer, name):
            segments = [s for s in qualified.split("\\") if s]
            if segments:
                found = self._class_file(importer, segments)
                if found:
                    return found
        return Targets()

    def _qualified(self, importer: str, name: str) -> list[str]:
        """The fully qualified names ``name`` may mean in ``importer`` (one per namespace the
        file declares; a file almost always declares one)."""
        if name.startswith("\\"):
            return [name[1:]]
        scope = self._scope(importer)
        first, _, rest = name.partition("\\")
        if first.lower() == "namespace" and rest:
            return [f"{ns}\\{rest}" if ns else rest for ns in scope.namespaces]
        aliased = scope.aliases.get(first.lower())
        if aliased is not None:
            return [f"{aliased}\\{rest}" if rest else aliased]
        return [f"{ns}\\{name}" if ns else name for ns in scope.namespaces]

    def _scope(self, importer: str) -> _NameScope:
        scope = self._scopes.get(importer)
        if scope is None:
            namespaces = tuple(
                d
                for d in self.repo.declarations.get(importer, ())
                if not d.startswith(CLASS_DECLARATION)
            ) or ("",)
            aliases: dict[str, str] = {}
            for ref in self.repo.imports.get(importer, ()):
                if ref.kind == "use":
                    local = ref.names[0] if ref.names else ref.spec.rpartition("\\")[2]
                    aliases.setdefault(local.lower(), ref.spec.lstrip("\\"))
            scope = self._scopes[importer] = _NameScope(namespaces, aliases)
        return scope

    # -- classes ------------------------------------------------------------------------------

    def _class_file(self, importer: str, segments: list[str]) -> Targets:
        """The file of fully qualified class ``segments``, by the rules in the module doc."""
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
                        return tagged([found], "php:psr0" if psr0 else "php:psr4")
        declared = [p for p in self.classes.get(name, ()) if p != importer]
        if declared:
            return tagged(by_nearness(importer, declared)[:1], "php:declared-class")
        namespace = ".".join(segments[:-1])
        if namespace:
            in_namespace = [
                p
                for p in self.repo.declaring(_LANGUAGES, namespace)
                if stem(p) == segments[-1] and p != importer
            ]
            if in_namespace:
                return tagged(by_nearness(importer, in_namespace)[:1], "php:namespace-file")
        return tagged(self._suffix(importer, segments), "php:suffix")

    def _suffix(self, importer: str, segments: list[str]) -> list[str]:
        """``A/B/C.php``, then ``B/C.php``: with declarations, only a file of namespace
        ``A\\B`` (a stray ``C.php`` of another namespace is another class)."""
        suffixes = [[*segments[:-1], segments[-1] + ".php"]]
        if len(segments) > 2:
            suffixes.append([segments[-2], segments[-1] + ".php"])
        namespace = "\\".join(segments[:-1])
        for suffix in suffixes:
            matches = [
                m
                for m in self.index.find(suffix)
                if m != importer and self._in_namespace(m, namespace)
            ]
            if matches:
                return by_nearness(importer, matches)[:1]
        return []

    def _in_namespace(self, path: str, namespace: str) -> bool:
        """Whether ``path`` declares ``namespace`` (``""``: the global one); any file may when
        the scan supplied no declarations at all."""
        if not self.has_declarations:
            return True
        return namespace in self.file_namespaces.get(path, ("",))

    @staticmethod
    def _declared_classes(
        repo: RepoContext,
    ) -> tuple[dict[str, list[str]], dict[str, tuple[str, ...]]]:
        """(fully qualified class -> files declaring it, file -> namespaces it declares) over
        the repository's PHP files with declarations."""
        classes: dict[str, list[str]] = {}
        namespaces: dict[str, tuple[str, ...]] = {}
        for path in sorted(repo.declarations):
            if repo.languages.get(path) not in _LANGUAGES or not repo.index.is_file(path):
                continue
            entries = repo.declarations[path]
            if not entries:
                continue
            spaces = tuple(d for d in entries if not d.startswith(CLASS_DECLARATION))
            namespaces[path] = spaces or ("",)
            for entry in entries:
                if entry.startswith(CLASS_DECLARATION):
                    classes.setdefault(entry[len(CLASS_DECLARATION) :], []).append(path)
        return classes, namespaces

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
