"""codepack: dependency-ordered, multi-file packed training data from source repositories.

Library entry points (the CLI is a thin layer over these):

* ``pack(paths, out, config)`` — folders of repositories to Parquet shards on disk.
* ``pack_repo(name, files, config)`` — one repository given as ``(path, text)`` pairs in
  memory; yields ``Example`` records, for use inside an existing pipeline.
"""

from __future__ import annotations

__version__ = "0.1.0"

from codepack.api import deps, explain, pack_repo, scan_files
from codepack.config import (
    ExampleConfig,
    HygieneConfig,
    OrderConfig,
    OutputConfig,
    PackConfig,
    QualityConfig,
    ScanConfig,
)
from codepack.records import Example, FilePiece
from codepack.run.driver import RunSummary, pack

__all__ = [
    "Example",
    "ExampleConfig",
    "FilePiece",
    "HygieneConfig",
    "OrderConfig",
    "OutputConfig",
    "PackConfig",
    "QualityConfig",
    "RunSummary",
    "ScanConfig",
    "__version__",
    "deps",
    "explain",
    "pack",
    "pack_repo",
    "scan_files",
]
