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
"""

from __future__ import annotations

from codepack.records import ImportRef
from codepack.resolvers.base import (
    RepoContext,
    cap_targets,
    folders_by_nearness,
    stem,
    tagged,
)

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
        self.index = repo.index

    def resolve(self, importer: str, ref: ImportRef) -> list[str]:
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
