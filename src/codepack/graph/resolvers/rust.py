"""Rust: the module tree (``mod``, ``#[path]``, ``include!``) and paths to module files.

* The module tree is walked from every crate root (``lib.rs``, ``main.rs``, ``build.rs``,
  ``src/bin/*.rs``, ``tests/*.rs``, ``examples/*.rs``, ``benches/*.rs``), as rustc loads it:
  ``mod x;`` in a file that owns its folder (a crate root, a ``mod.rs``, a ``#[path]`` file)
  is ``x.rs`` or ``x/mod.rs`` beside it; in any other ``a/foo.rs`` it is ``a/foo/x.rs`` or
  ``a/foo/x/mod.rs``; ``mod b;`` inside an inline ``mod a { }`` is ``a/b.rs`` below that
  folder. ``#[path = "p.rs"] mod x;`` is ``p.rs`` relative to the declaring file's folder
  (inside an inline module: relative to the module's folder). ``include!("x.rs")`` compiles
  ``x.rs`` (beside the file) into the including module. Each file gets its crate and module
  path from the walk; a file no walk reaches takes them from where it sits (the nearest
  folder above it holding ``lib.rs``/``main.rs``; ``src/a/b.rs`` -> ``a::b``).
* A path (``use``, or a path in code or in a macro) resolves to the file of the deepest
  module it names that has a file (``crate::a::b::f`` -> ``a/b.rs``, else ``a.rs``, else
  the crate root; an inline module lives in the file that declares it).
  ``crate::`` starts at the crate root, ``self::``/``super::`` at the file's module (the
  extractor already rewrote paths written inside inline modules).
* A first segment naming a workspace crate (``Cargo.toml`` ``[package] name`` or ``[lib]
  name``, ``-`` read as ``_``) starts at that crate's library root, from any file outside
  the library's own module tree; ``extern crate x`` is that root.
* Any other first segment is tried as a child module of the file's module (2018 uniform
  paths: ``mod util; ... util::helper()``), and for ``use`` then as a child of the crate root
  (2015 paths), only when that module has a file; otherwise it is external (``std``,
  ``serde``, ``fmt`` of ``use std::fmt``).
"""

from __future__ import annotations

from dataclasses import dataclass

from codepack.graph.resolvers.base import (
    RepoContext,
    Targets,
    folder_of,
    join,
    normalize,
    stem,
    tagged,
)
from codepack.graph.resolvers.configs import load_toml
from codepack.records import ImportRef

_ROOT_FILES = ("lib.rs", "main.rs")
_CRATE_FOLDERS = ("tests", "examples", "benches")
# kinds that declare a module (or pull a file into one) rather than name a path
_MODULE_KINDS = {
    "mod": "rust:mod",
    "mod_path": "rust:path-attribute",
    "mod_path_inline": "rust:path-attribute",
    "include": "rust:include",
}

Module = tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _Place:
    """Where a file sits in its crate's module tree."""

    crate: str  # the crate's folder (of its root file)
    module: Module  # module path below the crate root
    owns_folder: bool  # its `mod x;` files sit in its own folder (the mod-rs rule)
    root: str | None  # the crate root file, when a walk from it reached this file


class RustResolver:
    """Resolves Rust module declarations and paths of one repository."""

    def __init__(self, repo: RepoContext) -> None:
        self.index = repo.index
        self.imports = repo.imports
        self.declarations = repo.declarations  # path -> inline modules it declares
        self.crates = self._workspace_crates(repo)
        self._tree: dict[str, _Place] | None = None
        self._modules: dict[tuple[str, Module], str] = {}
        self._module_files: dict[tuple[str | None, str, Module], str | None] = {}

    def resolve(self, importer: str, ref: ImportRef) -> list[str]:
        spec = ref.spec.strip()
        if not spec:
            return []
        place = self._place(importer)
        if ref.kind in _MODULE_KINDS:
            found, rule = self._declared_file(importer, place, ref), _MODULE_KINDS[ref.kind]
        else:
            segments = [s.strip() for s in spec.removeprefix("::").split("::")]
            if not all(segments):
                return []
            if ref.kind == "extern_crate":
                root = self.crates.get(segments[0])
                found, rule = root, "rust:extern-crate"
            else:
                found, rule = self._path(place, ref, segments)
        return tagged([found], rule) if found and found != importer else Targets()

    # -- the module tree -------------------------------------------------------------------

    def _place(self, path: str) -> _Place:
        if self._tree is None:
            self._tree = self._walk_crates()
        place = self._tree.get(path)
        if place is not None:
            return place
        crate, module = self._crate_of(path)
        root = path if self._is_crate_root(path) else None
        return _Place(crate, module, self._owns_folder(path), root)

    def _walk_crates(self) -> dict[str, _Place]:
        """Every file reachable from a crate root, with its place (first walk wins: library
        roots go first, so a module shared with a binary belongs to the library)."""
        found = {p for p in self.index.files if p.endswith(".rs") and self._is_crate_root(p)}
        roots = sorted(
            found | set(self.crates.values()),
            key=lambda p: (p.rpartition("/")[2] != "lib.rs", p),
        )
        tree: dict[str, _Place] = {}
        for root in roots:
            start = _Place(folder_of(root), (), True, root)
            tree.setdefault(root, start)
            self._modules.setdefault((root, ()), root)
            seen = {root}
            pending = [(root, start)]
            while pending:
                path, place = pending.pop()
                for inline in self.declarations.get(path, ()):  # `mod a { }` lives here
                    self._modules.setdefault((root, place.module + tuple(inline.split("::"))), path)
                for ref in self.imports.get(path, ()):
                    if ref.kind not in _MODULE_KINDS:
                        continue
                    target = self._declared_file(path, place, ref)
                    if target is None or target in seen:
                        continue
                    seen.add(target)
                    child = _Place(
                        place.crate,
                        place.module + _declared_module(ref),
                        ref.kind != "mod" or target.rpartition("/")[2] == "mod.rs",
                        root,
                    )
                    tree.setdefault(target, child)
                    self._modules.setdefault((root, child.module), target)
                    pending.append((target, child))
        return tree

    def _declared_file(self, importer: str, place: _Place, ref: ImportRef) -> str | None:
        """The file a ``mod``/``#[path] mod``/``include!`` in ``importer`` loads."""
        if ref.spec.startswith("/"):
            return None  # an absolute path names no file of the repository
        folder = folder_of(importer)
        module_folder = folder if place.owns_folder else join(folder, stem(importer))
        if ref.kind == "mod":
            base = join(module_folder, *ref.spec.split("::"))
            candidates = [base + ".rs", join(base, "mod.rs")]
        elif ref.kind == "mod_path_inline":
            candidates = [normalize(join(module_folder, ref.spec)) or ""]
        else:  # mod_path, include: relative to the declaring file's folder
            candidates = [normalize(join(folder, ref.spec)) or ""]
        return next((c for c in candidates if c and self.index.is_file(c)), None)

    def _owns_folder(self, path: str) -> bool:
        name = path.rpartition("/")[2]
        return name in ("lib.rs", "main.rs", "mod.rs") or self._is_crate_root(path)

    def _is_crate_root(self, path: str) -> bool:
        name = path.rpartition("/")[2]
        folder = folder_of(path)
        return (
            path in self.crates.values()
            or name in _ROOT_FILES
            or name == "build.rs"
            or _is_crate_folder(folder)
            or folder == "src/bin"
            or folder.endswith("/src/bin")
        )

    def _crate_of(self, path: str) -> tuple[str, Module]:
        """(crate folder, module path) of a file no walk reached, from where it sits."""
        if self._is_crate_root(path):
            return folder_of(path), ()
        folder = folder_of(path)
        probe = folder
        while True:
            if any(self.index.is_file(join(probe, n)) for n in _ROOT_FILES) or _is_crate_folder(
                probe
            ):
                break
            if not probe:
                probe = "src" if path.startswith("src/") else folder
                break
            probe = folder_of(probe)
        below = path[len(probe) + 1 :] if probe else path
        module = below.removesuffix(".rs").split("/")
        if module[-1] == "mod":
            module.pop()
        return probe, tuple(module)

    def _module_file(self, place: _Place, module: Module) -> str | None:
        """The file of ``module`` in ``place``'s crate: from the walk, else where a module
        file would sit (a crate whose root was not walked, a module declared by a macro).
        Memoised: a crate's files name the same few modules thousands of times."""
        key = (place.root, place.crate, module)
        if key not in self._module_files:
            self._module_files[key] = self._find_module_file(place, module)
        return self._module_files[key]

    def _find_module_file(self, place: _Place, module: Module) -> str | None:
        if place.root is not None:
            found = self._modules.get((place.root, module))
            if found is not None:
                return found
            if not module:
                return place.root
        if not module:
            candidates = [join(place.crate, name) for name in _ROOT_FILES]
        else:
            base = join(place.crate, *module)
            candidates = [base + ".rs", join(base, "mod.rs")]
        return next((c for c in candidates if self.index.is_file(c)), None)

    # -- paths -------------------------------------------------------------------------------

    def _path(self, place: _Place, ref: ImportRef, segments: list[str]) -> tuple[str | None, str]:
        head = segments[0]
        if head == "crate":
            return self._deepest(place, (), segments[1:]), "rust:crate-path"
        if head in ("self", "super"):
            supers = 0
            while supers < len(segments) and segments[supers] == "super":
                supers += 1
            if supers > len(place.module):
                return None, ""
            base = place.module[: len(place.module) - supers]
            rest = segments[supers:]
            if rest and rest[0] == "self":
                rest = rest[1:]
            return self._deepest(place, base, rest), "rust:relative-path"
        root = self.crates.get(head)
        if root is not None and root != place.root:
            crate = self._place(root)
            return self._deepest(crate, (), segments[1:]), "rust:workspace-crate"
        bases = (place.module, ()) if ref.kind == "use" else (place.module,)
        for base in bases:
            if self._module_file(place, (*base, head)):
                rule = "rust:child-module" if base == place.module else "rust:root-module"
                return self._deepest(place, base, segments), rule
        return None, ""

    def _deepest(self, place: _Place, base: Module, rest: list[str]) -> str | None:
        """The file of the deepest module ``base + rest[:k]`` that has one."""
        for k in range(len(rest), -1, -1):
            found = self._module_file(place, (*base, *rest[:k]))
            if found:
                return found
        return None

    @staticmethod
    def _workspace_crates(repo: RepoContext) -> dict[str, str]:
        """Crate name (``-`` as ``_``) -> its library root file, from every Cargo.toml."""
        crates: dict[str, str] = {}
        for path in sorted(repo.aux):
            if path.rpartition("/")[2] != "Cargo.toml":
                continue
            manifest = load_toml(repo.aux[path])
            package = manifest.get("package")
            lib = manifest.get("lib")
            lib = lib if isinstance(lib, dict) else {}
            name = lib.get("name") or (package.get("name") if isinstance(package, dict) else None)
            if not isinstance(name, str) or not name:
                continue
            lib_path = lib.get("path") if isinstance(lib.get("path"), str) else "src/lib.rs"
            root = normalize(join(folder_of(path), lib_path))
            if root and repo.index.is_file(root):
                crates.setdefault(name.replace("-", "_"), root)
        return crates


def _declared_module(ref: ImportRef) -> Module:
    """The module path (below the declaring file's module) a declaration creates."""
    if ref.kind == "mod":
        return tuple(ref.spec.split("::"))
    if ref.kind in ("mod_path", "mod_path_inline") and ref.names:
        return tuple(ref.names[0].split("::"))
    return ()  # include!: the same module


def _is_crate_folder(folder: str) -> bool:
    """A Cargo ``tests``/``examples``/``benches`` folder, each of whose files is a crate of its
    own; a ``src/tests/`` module folder is not one."""
    parts = folder.split("/")
    return parts[-1] in _CRATE_FOLDERS and "src" not in parts[:-1]
