"""Rust: the module tree (``mod x;``) and ``use`` paths to module files.

* ``mod x;`` in a file that owns its folder (``lib.rs``, ``main.rs``, ``mod.rs``, or a crate root
  such as ``tests/it.rs``, ``src/bin/tool.rs``, ``build.rs``) is ``x.rs`` or ``x/mod.rs`` beside
  it; in any other ``a/foo.rs`` it is ``a/foo/x.rs`` or ``a/foo/x/mod.rs``.
* A file's crate folder is the nearest folder above it holding ``lib.rs``/``main.rs`` (or a
  ``tests``/``examples``/``benches`` folder, whose files are crates of their own); its module
  path is its path below that folder (``src/a/b.rs`` -> ``a::b``, ``src/a/mod.rs`` -> ``a``).
* ``use crate::a::b::C`` takes the longest module path that exists (``a/b/C.rs``, ``a/b.rs``,
  ``a/b/mod.rs``, ``a.rs``...; the crate root file when only the crate matches, since ``C`` is an
  item defined there). ``super::``/``self::`` start from the importer's module.
  ``use super::...`` under a ``#[cfg(...)]`` attribute is taken to sit in an inline
  ``#[cfg(test)] mod tests { }`` — where ``super`` is the file's own module, not its parent.
* A first segment naming a workspace crate (``Cargo.toml`` ``[package] name`` or ``[lib] name``,
  ``-`` read as ``_``) starts at that crate's ``src/lib.rs``; ``extern crate x`` is that root.
* Any other first segment is tried as a child module of the importer's module (2018 uniform
  paths: ``mod util; use util::X;``), then of the crate root (2015 paths), and only when that
  module file exists; otherwise it is external (``std``, ``serde``).
"""

from __future__ import annotations

from codepack.records import ImportRef
from codepack.resolvers.base import RepoContext, folder_of, join, normalize
from codepack.resolvers.configs import load_toml

_ROOT_FILES = ("lib.rs", "main.rs")
_CRATE_FOLDERS = ("tests", "examples", "benches")
_PATH_ROOTS = ("crate", "self", "super")


class RustResolver:
    """Resolves Rust ``mod``/``use``/``extern crate`` of one repository."""

    def __init__(self, repo: RepoContext) -> None:
        self.index = repo.index
        self.crates = self._workspace_crates(repo)

    def resolve(self, importer: str, ref: ImportRef) -> list[str]:
        spec = ref.spec.strip().removeprefix("::")
        segments = [s.strip() for s in spec.split("::")]
        if not spec or not all(segments):
            return []
        if ref.kind == "mod":
            found = self._mod_declaration(importer, segments[0])
        elif ref.kind == "extern_crate":
            found = self._crate_root_file(segments[0])
        else:
            found = self._use_path(importer, ref, segments)
        return [found] if found and found != importer else []

    # -- the module tree ---------------------------------------------------------------------

    def _owns_folder(self, path: str) -> bool:
        name = path.rpartition("/")[2]
        return name in ("lib.rs", "main.rs", "mod.rs") or self._is_crate_root(path)

    def _is_crate_root(self, path: str) -> bool:
        name = path.rpartition("/")[2]
        folder = folder_of(path)
        return (
            name in _ROOT_FILES
            or name == "build.rs"
            or _is_crate_folder(folder)
            or folder == "src/bin"
            or folder.endswith("/src/bin")
        )

    def _mod_declaration(self, importer: str, name: str) -> str | None:
        folder = folder_of(importer)
        if not self._owns_folder(importer):
            folder = join(folder, importer.rpartition("/")[2].removesuffix(".rs"))
        return self._module_file(folder, [name])

    def _module_file(
        self, crate_folder: str, module: list[str], root: str | None = None
    ) -> str | None:
        """The file of module ``module`` in the crate rooted at ``crate_folder``; the crate
        root itself is ``root`` when given (a ``main.rs`` or ``tests/it.rs`` importer), else
        the folder's ``lib.rs``/``main.rs``."""
        if not module:
            candidates = [root] if root else [join(crate_folder, name) for name in _ROOT_FILES]
        else:
            base = join(crate_folder, *module)
            candidates = [base + ".rs", join(base, "mod.rs")]
        for path in candidates:
            if self.index.is_file(path):
                return path
        return None

    def _crate_of(self, path: str) -> tuple[str, list[str]]:
        """(crate folder, module path) of a file."""
        if self._is_crate_root(path):
            return folder_of(path), []
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
        return probe, module

    # -- use paths -----------------------------------------------------------------------------

    def _use_path(self, importer: str, ref: ImportRef, segments: list[str]) -> str | None:
        head = segments[0]
        crate_folder, module = self._crate_of(importer)
        root = importer if self._is_crate_root(importer) else None
        if head == "crate":
            return self._longest(crate_folder, [], segments[1:], root)
        if head in ("self", "super"):
            base = list(module)
            supers = 0
            while supers < len(segments) and segments[supers] == "super":
                supers += 1
            if supers and ref.conditional:
                supers -= 1  # `use super::*` inside an inline `#[cfg(test)] mod tests`
            if supers > len(base):
                return None
            base = base[: len(base) - supers]
            rest = segments[supers:]
            if rest and rest[0] == "self":
                rest = rest[1:]
            return self._longest(crate_folder, base, rest, root)
        crate = self.crates.get(head)
        if crate is not None:
            return self._longest(crate, [], segments[1:])
        for base in (module, []):
            if self._module_file(crate_folder, [*base, head]):
                return self._longest(crate_folder, base, segments, root)
        return None

    def _longest(
        self, crate_folder: str, base: list[str], rest: list[str], root: str | None = None
    ) -> str | None:
        """The file of the longest module path ``base + rest[:k]`` that exists."""
        for k in range(len(rest), -1, -1):
            found = self._module_file(crate_folder, [*base, *rest[:k]], root)
            if found:
                return found
        return None

    def _crate_root_file(self, name: str) -> str | None:
        folder = self.crates.get(name)
        return self._module_file(folder, []) if folder is not None else None

    @staticmethod
    def _workspace_crates(repo: RepoContext) -> dict[str, str]:
        """Crate name (``-`` as ``_``) -> folder of its library root, from every Cargo.toml."""
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
                crates.setdefault(name.replace("-", "_"), folder_of(root))
        return crates


def _is_crate_folder(folder: str) -> bool:
    """A Cargo ``tests``/``examples``/``benches`` folder, each of whose files is a crate of its
    own; a ``src/tests/`` module folder is not one."""
    parts = folder.split("/")
    return parts[-1] in _CRATE_FOLDERS and "src" not in parts[:-1]
