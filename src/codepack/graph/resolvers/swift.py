"""Swift: ``import Module`` to the files of that module.

Swift imports whole modules, never files. SwiftPM keeps module ``Foo`` in ``Sources/Foo/`` (or
``Tests/Foo/``, at any depth for nested packages); Xcode projects usually keep a target in a
folder of its name. The import points at every ``.swift`` file below that folder, capped at
``MAX_TARGETS`` (nearest first). Why all of them rather than none: a module's users (another
module, its ``@testable`` tests) do depend on all of it, and the edges place the module's files
together and before its users — the order a reader needs. ``import struct Foo.Bar`` narrows the
import to ``Bar.swift`` when the module has such a file. Modules with no folder in the
repository (``Foundation``, ``UIKit``, packages from other repositories) are external, and so
are the modules Apple's SDKs ship even when a folder bears their name (``ios/Views/SwiftUI/``
holds a project's SwiftUI views, not the framework); a folder that holds the importer is never
the module it imports (a module does not import itself).

Within a module no import is needed: the implicit ``same_module`` import carries the names a
file uses, and links the files of its own module that declare them (``swift:same-module``,
nearest copy per name). A file's module is its SwiftPM target folder (``Sources/<Module>/``,
``Tests/<Module>/``), or, outside any, the repository's other Swift files together (an Xcode or
CocoaPods target, whose bounds only the project file knows).
"""

from __future__ import annotations

from functools import cached_property

from codepack.graph.languages.normalize.swift import SAME_MODULE, TOP_LEVEL
from codepack.graph.resolvers.base import (
    RepoContext,
    by_nearness,
    cap_targets,
    folders_by_nearness,
    named_targets,
    stem,
    tagged,
)
from codepack.records import ImportRef

_MODULE_PARENTS = ("Sources", "Tests", "Source")
# Modules of Apple's SDKs and the Swift toolchain: an import of one is never a repository file.
_SDK_MODULES = frozenset(
    {
        "AVFoundation", "AVKit", "Accelerate", "AppKit", "AuthenticationServices", "Charts",
        "Combine", "CoreData", "CoreGraphics", "CoreImage", "CoreLocation", "CoreML",
        "CoreMedia", "CoreMotion", "CoreText", "CoreVideo", "Darwin", "Dispatch", "Foundation",
        "GameKit", "Glibc", "ImageIO", "JavaScriptCore", "LocalAuthentication", "MapKit",
        "Metal", "MetalKit", "Network", "Observation", "OSLog", "Photos", "PhotosUI",
        "QuartzCore", "RealityKit", "SafariServices", "SceneKit", "Security", "SpriteKit",
        "StoreKit", "Swift", "SwiftData", "SwiftUI", "UIKit", "UniformTypeIdentifiers",
        "UserNotifications", "Vision", "WatchKit", "WebKit", "WidgetKit", "XCTest", "os",
    }
)  # fmt: skip


class SwiftResolver:
    """Resolves Swift module imports of one repository."""

    def __init__(self, repo: RepoContext) -> None:
        self.repo = repo
        self.index = repo.index

    @cached_property
    def module_names(self) -> dict[str, dict[str, list[str]]]:
        """``module folder -> top-level name -> files declaring it`` (files sorted). A file
        with no top-level name read (the grammar failed on it) provides the type its file
        name says, Swift's usual one type per file."""
        table: dict[str, dict[str, list[str]]] = {}
        for path in sorted(self.repo.languages):
            if self.repo.languages[path] != "swift" or not self.index.is_file(path):
                continue
            entries = self.repo.declarations.get(path, ())
            provided = [e[len(TOP_LEVEL) :] for e in entries if e.startswith(TOP_LEVEL)]
            names = table.setdefault(module_folder(path), {})
            for name in provided or [stem(path)]:
                names.setdefault(name, []).append(path)
        return table

    def resolve(self, importer: str, ref: ImportRef) -> list[str]:
        if ref.kind == SAME_MODULE:
            declared = self.module_names.get(module_folder(importer), {})
            chosen = []
            for name in ref.names:
                files = named_targets(importer, declared.get(name, ()))
                if files:
                    chosen.append(by_nearness(importer, files)[0])
            return tagged(sorted(set(chosen)), "swift:same-module")
        parts = [p.strip() for p in ref.spec.strip().split(".")]
        if not parts or not all(p.isidentifier() for p in parts):
            return []
        if parts[0] in _SDK_MODULES:
            return []
        files = self._module_files(importer, parts[0])
        wanted = set(ref.names) | set(parts[1:])
        rule = "swift:module"
        if wanted:
            narrowed = [f for f in files if stem(f) in wanted]
            if narrowed:
                files, rule = narrowed, "swift:module-named-file"
        return tagged(cap_targets(importer, files), rule)

    def _module_files(self, importer: str, module: str) -> list[str]:
        folders = [f for f in self.index.find_folders([module]) if not importer.startswith(f + "/")]
        conventional = [f for f in folders if _parent_name(f) in _MODULE_PARENTS]
        for folder in folders_by_nearness(importer, conventional or folders):
            files = [f for f in self.index.files_under(folder) if f.endswith(".swift")]
            if files:
                return files
        return []


def _parent_name(folder: str) -> str:
    """The name of the folder holding ``folder`` ("" at the root)."""
    return folder.rpartition("/")[0].rpartition("/")[2]


def module_folder(path: str) -> str:
    """The SwiftPM target folder holding ``path`` (``Sources/Geometry``, ``Tests/GeoTests``,
    the innermost one), or "" for a file outside every target."""
    parts = path.split("/")[:-1]
    for i in range(len(parts) - 2, -1, -1):
        if parts[i] in _MODULE_PARENTS:
            return "/".join(parts[: i + 2])
    return ""
