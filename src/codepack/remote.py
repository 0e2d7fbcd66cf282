"""Output to any pyarrow filesystem URI (``s3://``, ``gs://``, ``hdfs://``, ``file://``).

A run writes into a local staging folder exactly as it writes a local ``--out``, and every
file is copied to the target as soon as it is final: a shard with its audit part, then its
``.done`` marker (so a marker on the target always means its shard is there too), and at the
end the audit file, manifest and dataset card. Renames on object stores are copies, so
writing in place would lose the atomicity local runs have; staging keeps it. The staging
folder holds a copy of the output until the run ends, then is removed.

``--resume`` against a URI first copies the target's bookkeeping and finished shards into
staging, then continues as a local resume would.
"""

from __future__ import annotations

import fnmatch
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path

import pyarrow.fs as pafs

from codepack.writer import OWNED_FILES


def is_uri(out: str | Path) -> bool:
    """Whether ``--out`` names a filesystem URI rather than a local path."""
    return "://" in str(out)


class RemoteOutput:
    """A target folder on a pyarrow filesystem, fed from a local staging folder."""

    def __init__(self, uri: str, staging: Path | None = None) -> None:
        try:
            self.fs, self.base = pafs.FileSystem.from_uri(uri)
        except (ValueError, OSError) as exc:
            raise ValueError(f"--out {uri}: {exc}") from exc
        self.uri = uri
        self._own_staging = staging is None
        self.staging = staging or Path(tempfile.mkdtemp(prefix="codepack-staging-"))

    # -- the target ----------------------------------------------------------------------

    def _children(self) -> list[pafs.FileInfo]:
        info = self.fs.get_file_info(self.base)
        if info.type == pafs.FileType.NotFound:
            return []
        if info.type != pafs.FileType.Directory:
            raise ValueError(f"--out {self.uri} exists and is not a folder")
        selector = pafs.FileSelector(self.base, recursive=False)
        return sorted(self.fs.get_file_info(selector), key=lambda i: i.path)

    def _owned(self, name: str) -> bool:
        return any(fnmatch.fnmatch(name, pattern) for pattern in OWNED_FILES)

    def prepare(self, overwrite: bool, resume: bool) -> None:
        """Check the target like a local ``--out``; clear codepack's files on overwrite;
        bring an interrupted run's finished files into staging on resume."""
        children = self._children()
        if children and not (overwrite or resume):
            raise OutputNotEmpty(self.uri)
        if overwrite:
            for info in children:
                if self._owned(info.base_name):
                    if info.type == pafs.FileType.Directory:
                        self.fs.delete_dir(info.path)
                    else:
                        self.fs.delete_file(info.path)
        if resume:
            for info in children:
                if info.type == pafs.FileType.File and self._owned(info.base_name):
                    pafs.copy_files(info.path, str(self.staging / info.base_name),
                                    source_filesystem=self.fs)
        else:
            self.fs.create_dir(self.base, recursive=True)

    def upload(self, paths: Iterable[Path]) -> None:
        """Copy finished files (or folders) from staging to the target, in the given order."""
        for path in paths:
            if not path.exists():
                continue
            target = f"{self.base.rstrip('/')}/{path.relative_to(self.staging).as_posix()}"
            if path.is_dir():
                self.fs.create_dir(target, recursive=True)
                for child in sorted(path.iterdir()):
                    self.upload([child])
            else:
                pafs.copy_files(str(path), target, destination_filesystem=self.fs)

    def close(self) -> None:
        """Remove the staging folder (only one this object made)."""
        if self._own_staging:
            shutil.rmtree(self.staging, ignore_errors=True)


def not_empty_message(where: str) -> str:
    """What to do about an output folder that already holds files (local or remote)."""
    return (
        f"output folder {where} is not empty; pass --overwrite to replace codepack's files "
        "in it, or --resume to finish an interrupted run"
    )


class OutputNotEmpty(ValueError):
    """The target holds files and neither --overwrite nor --resume was given."""

    def __init__(self, uri: str) -> None:
        super().__init__(not_empty_message(uri))
