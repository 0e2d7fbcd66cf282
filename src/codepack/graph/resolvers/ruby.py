"""Ruby: ``require``/``require_relative``/``load``/``autoload`` paths to ``.rb`` files.

``require_relative "x"`` (and any specifier starting with ``./`` or ``../``) is the importer's
folder joined with the path, ``.rb`` added. ``require "a/b"`` searches the load path the way
Bundler and RSpec set it up: folders named ``lib``, ``spec`` and ``test`` (nearest first, so a
gem in a monorepo finds its own ``lib/``), then the repository root; a path with a folder part
(``a/b``) is then suffix-matched anywhere. A bare one-word ``require "json"`` found on no load
path is a gem or the standard library: external, never guessed.
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

_LOAD_PATH_NAMES = ("lib", "spec", "test")


class RubyResolver:
    """Resolves Ruby require-style imports of one repository."""

    def __init__(self, repo: RepoContext) -> None:
        self.index = repo.index
        self.load_paths = folders_named(self.index.folders, _LOAD_PATH_NAMES)

    def resolve(self, importer: str, ref: ImportRef) -> list[str]:
        spec = ref.spec.strip()
        if not spec:
            return []
        if not spec.endswith(".rb"):
            spec += ".rb"
        if ref.relative or ref.kind == "require_relative" or spec.startswith(("./", "../")):
            found = self._existing(normalize(join(folder_of(importer), spec)), importer)
            return tagged([found], "ruby:relative") if found else []
        for folder in [*folders_by_nearness(importer, self.load_paths), ""]:
            found = self._existing(normalize(join(folder, spec)), importer)
            if found:
                return tagged([found], "ruby:load-path")
        segments = [s for s in spec.split("/") if s not in ("", ".", "..")]
        if len(segments) < 2:
            return []
        found = self.index.nearest(importer, [segments])
        return tagged([found], "ruby:suffix") if found else []

    def _existing(self, path: str | None, importer: str) -> str | None:
        if path and path != importer and self.index.is_file(path):
            return path
        return None
