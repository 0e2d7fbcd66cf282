"""The small configuration files import resolvers read (module roots, path aliases, names).

Every input kind reads them the same way: from anywhere the ignore rules and vendored folders
leave visible, even when ``--include``/``--exclude`` leave them out of packing (those options
choose what to pack, not how imports resolve), at most ``AUX_MAX_BYTES`` each, UTF-8.
"""

from __future__ import annotations

from pathlib import PurePosixPath

AUX_FILE_NAMES: frozenset[str] = frozenset(
    {
        "go.mod",
        "tsconfig.json",
        "jsconfig.json",
        "package.json",
        "composer.json",
        "Cargo.toml",
        "setup.cfg",
        "pyproject.toml",
    }
)
AUX_MAX_BYTES = 256 * 1024


def is_aux_file(path: str) -> bool:
    """Whether a repo-relative path names a configuration file import resolvers read.

    ``tsconfig.*.json`` / ``jsconfig.*.json`` count too: ``extends`` chains point at them.
    """
    name = PurePosixPath(path).name
    if name in AUX_FILE_NAMES:
        return True
    return name.endswith(".json") and name.startswith(("tsconfig.", "jsconfig."))
