"""JavaScript and TypeScript: module specifiers to files, the way bundlers and ``tsc`` do.

Rules, in order:
* Relative specifiers (``./a``, ``../b/c.js``, ``/src/x``: a leading ``/`` is the repository
  root) are joined to the importer's folder and probed: the exact file, a ``.js``/``.jsx``/
  ``.mjs``/``.cjs`` name standing for its TypeScript source or declaration (the TS ESM
  convention), the name plus each extension, the folder's ``package.json`` entry point, then
  ``index.<ext>``. TypeScript importers (``.d.ts`` included) probe TypeScript first, as
  ``tsc`` does: ``./x.js`` from ``a.d.ts`` is ``x.d.ts`` even where the built ``x.js`` sits
  beside it; JavaScript importers probe JavaScript first and take the file named.
* Bare specifiers go through the nearest ``tsconfig.json``/``jsconfig.json`` (``extends`` chains
  inside the repository followed): ``compilerOptions.paths`` (the pattern with the longest
  prefix before ``*`` wins; exact keys beat wildcards), then ``baseUrl``.
* Then workspace packages: a ``package.json`` ``name`` in the repository turns ``@scope/pkg`` and
  ``@scope/pkg/sub`` into that package's folder (its ``source``/``module``/``main``/``types``
  entry, with a built ``dist/``/``lib/``/``build/`` entry mapped back to ``src/``; ``sub`` is
  probed under the package folder and under its ``src/``).
* Any other bare specifier (``react``, ``lodash/fp``, ``node:fs``) is external: never guessed.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from functools import cache
from typing import Any

from codepack.graph.resolvers.base import RepoContext, folder_of, join, normalize, tagged
from codepack.graph.resolvers.configs import as_str_list, load_json
from codepack.records import ImportRef

TS_EXTENSIONS = (".ts", ".tsx", ".d.ts", ".mts", ".cts")
JS_EXTENSIONS = (".js", ".jsx", ".mjs", ".cjs")
# a JavaScript file name in a specifier may stand for the TypeScript source it compiles from,
# or for its declaration file (``./index.js`` in a ``.d.ts`` means ``./index.d.ts``)
_TS_SOURCE_FOR = {
    ".js": (".ts", ".tsx", ".d.ts"),
    ".jsx": (".tsx",),
    ".mjs": (".mts", ".d.mts"),
    ".cjs": (".cts", ".d.cts"),
}
_CONFIG_NAMES = ("tsconfig.json", "jsconfig.json")
_ENTRY_FIELDS = ("source", "module", "main", "types", "typings")
_BUILD_FOLDERS = ("dist", "lib", "build", "out", "esm", "cjs")
_MAX_EXTENDS = 8


class JsTsResolver:
    """Resolves JavaScript/TypeScript specifiers of one repository."""

    def __init__(self, repo: RepoContext) -> None:
        self.index = repo.index
        self.aux = repo.aux
        self._json = cache(lambda path: load_json(self.aux.get(path)))
        self.packages = self._workspace_packages()
        self._config_for_folder = cache(self._nearest_config)

    def resolve(self, importer: str, ref: ImportRef) -> list[str]:
        spec = ref.spec.strip().split("?", 1)[0].split("#", 1)[0] if ref.spec else ""
        if not spec or spec.startswith(("http:", "https:", "node:", "data:")):
            return []
        ts_first = importer.endswith((".ts", ".tsx", ".mts", ".cts"))
        if spec.startswith((".", "/")):
            base = spec[1:] if spec.startswith("/") else join(folder_of(importer), spec)
            found = self._probe(normalize(base), ts_first, importer)
            return tagged([found], "js:relative") if found else []
        found = self._via_config(importer, spec, ts_first)
        if found:
            return tagged([found], "js:tsconfig-paths")
        found = self._via_workspace(importer, spec, ts_first)
        return tagged([found], "js:workspace-package") if found else []

    # -- probing ----------------------------------------------------------------------------

    def _extensions(self, ts_first: bool) -> tuple[str, ...]:
        return TS_EXTENSIONS + JS_EXTENSIONS if ts_first else JS_EXTENSIONS + TS_EXTENSIONS

    def _probe(self, base: str | None, ts_first: bool, importer: str, depth: int = 0) -> str | None:
        """The file a normalized repo path names, by the probing rules; None when absent."""
        if base is None:
            return None
        for path in self._file_candidates(base, ts_first):
            if path != importer and self.index.is_file(path):
                return path
        if depth == 0:
            entry = self._package_entry(base, ts_first, importer)
            if entry:
                return entry
        for ext in self._extensions(ts_first):
            path = join(base, "index" + ext)
            if path != importer and self.index.is_file(path):
                return path
        return None

    def _file_candidates(self, base: str, ts_first: bool) -> Iterator[str]:
        """The exact name and its TypeScript stand-ins, then the name plus each extension.

        ``./x.js`` is TypeScript's own rule seen from a TypeScript importer (``.d.ts``
        included): ``x.ts``, ``x.tsx``, ``x.d.ts`` before an ``x.js`` that exists beside
        them, since types come from the declaration, not from the build output. A JavaScript
        importer means the file it names, and reaches the TypeScript source only when that
        file is absent (a TS project importing its own modules by output name).
        """
        if not base:
            return
        root, ext = posixpath.splitext(base)
        stand_ins = [root + ts_ext for ts_ext in _TS_SOURCE_FOR.get(ext, ())]
        yield from (*stand_ins, base) if ts_first else (base, *stand_ins)
        for ext in self._extensions(ts_first):
            yield base + ext

    def _package_entry(self, folder: str, ts_first: bool, importer: str) -> str | None:
        """A folder's ``package.json`` entry point, mapped from build output back to source."""
        manifest = self._json(join(folder, "package.json"))
        entries = [v for key in _ENTRY_FIELDS for v in as_str_list(manifest.get(key))]
        exports = manifest.get("exports")
        if isinstance(exports, dict):
            exports = exports.get(".", exports)
        entries.extend(_export_targets(exports))
        for entry in entries:
            path = normalize(join(folder, entry))
            found = self._probe(path, ts_first, importer, depth=1) if path else None
            if found:
                return found
            rebuilt = _source_for_build(entry)
            if rebuilt:
                found = self._probe(normalize(join(folder, rebuilt)), ts_first, importer, 1)
                if found:
                    return found
        if not entries:
            return None
        return self._probe(normalize(join(folder, "src")), ts_first, importer, depth=1)

    # -- tsconfig / jsconfig -----------------------------------------------------------------

    def _nearest_config(self, folder: str) -> dict[str, Any] | None:
        """Merged compilerOptions of the config governing ``folder``, with ``baseUrl`` and the
        paths folder resolved to repository paths."""
        while True:
            for name in _CONFIG_NAMES:
                path = join(folder, name)
                if path in self.aux:
                    return self._load_config(path)
            if not folder:
                return None
            folder = folder_of(folder)

    def _load_config(self, path: str) -> dict[str, Any]:
        options: dict[str, Any] = {}
        seen: set[str] = set()
        chain: list[tuple[str, dict[str, Any]]] = []
        current: str | None = path
        while current and current not in seen and len(chain) < _MAX_EXTENDS:
            seen.add(current)
            data = self._json(current)
            chain.append((current, data))
            current = self._extended(current, data.get("extends"))
        for config_path, data in reversed(chain):  # the base first, the child overrides
            compiler = data.get("compilerOptions")
            if not isinstance(compiler, dict):
                continue
            here = folder_of(config_path)
            base_url = compiler.get("baseUrl")
            if isinstance(base_url, str):
                options["baseUrl"] = normalize(join(here, base_url))
            paths = compiler.get("paths")
            if isinstance(paths, dict):
                options["paths"] = paths
                options["pathsBase"] = here
        if "paths" in options and "baseUrl" in options:
            options["pathsBase"] = options["baseUrl"]
        return options

    def _extended(self, config_path: str, extends: Any) -> str | None:
        for target in as_str_list(extends):
            if not target.startswith("."):
                continue  # a package's shared config (@tsconfig/node18): not in the repo
            path = normalize(join(folder_of(config_path), target))
            if path is None:
                continue
            for candidate in (path, path + ".json", join(path, "tsconfig.json")):
                if candidate in self.aux:
                    return candidate
        return None

    def _via_config(self, importer: str, spec: str, ts_first: bool) -> str | None:
        options = self._config_for_folder(folder_of(importer))
        if not options:
            return None
        paths = options.get("paths")
        if isinstance(paths, dict):
            base = options.get("pathsBase") or ""
            for target in _path_substitutions(paths, spec):
                found = self._probe(normalize(join(base, target)), ts_first, importer)
                if found:
                    return found
        base_url = options.get("baseUrl")
        if base_url is not None:
            return self._probe(normalize(join(base_url, spec)), ts_first, importer)
        return None

    # -- workspace packages ------------------------------------------------------------------

    def _workspace_packages(self) -> dict[str, str]:
        """package.json ``name`` -> its folder, for every package.json in the repository."""
        packages: dict[str, str] = {}
        for path in sorted(self.aux):
            if path.rpartition("/")[2] != "package.json":
                continue
            name = self._json(path).get("name")
            if isinstance(name, str) and name and name not in packages:
                packages[name] = folder_of(path)
        return packages

    def _via_workspace(self, importer: str, spec: str, ts_first: bool) -> str | None:
        parts = spec.split("/")
        width = 2 if spec.startswith("@") else 1
        name = "/".join(parts[:width])
        folder = self.packages.get(name)
        if folder is None:
            return None
        sub = "/".join(parts[width:])
        if not sub:
            return self._probe(folder, ts_first, importer) or self._probe(
                normalize(join(folder, "src")), ts_first, importer, depth=1
            )
        return self._probe(normalize(join(folder, sub)), ts_first, importer) or self._probe(
            normalize(join(folder, "src", sub)), ts_first, importer
        )


def _export_targets(exports: Any) -> list[str]:
    """String targets of a package.json ``exports`` value (conditions flattened)."""
    if isinstance(exports, str):
        return [exports]
    if isinstance(exports, dict):
        found: list[str] = []
        for key in ("source", "types", "import", "module", "require", "default"):
            found.extend(_export_targets(exports.get(key)))
        return found
    return []


def _source_for_build(entry: str) -> str | None:
    """``./dist/index.js`` -> ``src/index.js``: where a built entry's source usually lives."""
    parts = [p for p in entry.split("/") if p not in ("", ".")]
    if len(parts) > 1 and parts[0] in _BUILD_FOLDERS:
        return "/".join(["src", *parts[1:]])
    return None


def _path_substitutions(paths: dict[str, Any], spec: str) -> list[str]:
    """Targets of the tsconfig ``paths`` pattern that matches ``spec``: an exact key first,
    else the wildcard key with the longest prefix."""
    if spec in paths:
        return as_str_list(paths[spec])
    best: tuple[int, str] | None = None
    for key in paths:
        if not isinstance(key, str) or key.count("*") != 1:
            continue
        prefix, _, suffix = key.partition("*")
        if (
            spec.startswith(prefix)
            and spec.endswith(suffix)
            and len(spec) >= len(prefix) + len(suffix)
            and (best is None or len(prefix) > best[0])
        ):
            best = (len(prefix), key)
    if best is None:
        return []
    key = best[1]
    prefix, _, suffix = key.partition("*")
    middle = spec[len(prefix) : len(spec) - len(suffix)]
    return [t.replace("*", middle, 1) for t in as_str_list(paths[key])]
