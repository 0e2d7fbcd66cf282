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

import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path

import pyarrow.fs as pafs

from codepack.output.outdir import (
    OutputError,
    foreign_names,
    is_run_file,
    parse_ledger,
    unchanged,
)
from codepack.output.outputs import FILES_LEDGER, RUN_FILE, WORK_DIR, owned_name


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

    def _read(self, info: pafs.FileInfo) -> bytes:
        with self.fs.open_input_stream(info.path) as stream:
            return stream.read()

    def _codepack_files(self, children: list[pafs.FileInfo]) -> list[pafs.FileInfo]:
        """The target's files that an earlier run wrote and nobody changed since (the rules
        of ``codepack.output.outdir``); nothing if codepack did not write the target."""
        by_name = {info.base_name: info for info in children}
        run_file = by_name.get(RUN_FILE)
        if run_file is None or not is_run_file(self._read(run_file)):
            return []
        owned = [i for i in children
                 if i.type == pafs.FileType.File and owned_name(i.base_name)]
        ledger_info = by_name.get(FILES_LEDGER)
        ledger = parse_ledger(self._read(ledger_info)) if ledger_info else {}
        for rel in sorted(ledger):
            info = self.fs.get_file_info(f"{self.base.rstrip('/')}/{rel}")
            if info.type == pafs.FileType.File and unchanged(ledger, rel, self._read(info)):
                owned.append(info)
        return owned

    def prepare(self, overwrite: bool, resume: bool) -> None:
        """Check the target like a local ``--out``; clear codepack's files on overwrite;
        bring an interrupted run's finished files into staging on resume."""
        children = self._children()
        if not children:
            self.fs.create_dir(self.base, recursive=True)
            return
        owned = self._codepack_files(children)
        if resume and not owned:
            raise OutputError(f"--resume: {self.uri} was not written by codepack (no "
                              f"{RUN_FILE}); nothing to resume")
        if not (overwrite or resume):
            raise OutputNotEmpty(self.uri)
        if overwrite:
            for info in owned:
                self.fs.delete_file(info.path)
            work = f"{self.base.rstrip('/')}/{WORK_DIR}"
            if self.fs.get_file_info(work).type == pafs.FileType.Directory:
                self.fs.delete_dir(work)
            children = self._children()
        if resume:
            for info in owned:
                rel = info.path[len(self.base.rstrip("/")) + 1:]
                (self.staging / rel).parent.mkdir(parents=True, exist_ok=True)
                pafs.copy_files(info.path, str(self.staging / rel), source_filesystem=self.fs)
        clashes = foreign_names((info.base_name for info in children),
                                (info.base_name for info in owned))
        if clashes:
            raise OutputError(f"--out {self.uri} holds files that codepack did not write (or "
                              f"that were changed since) under names it writes: "
                              f"{', '.join(clashes)}; move them away or choose another folder")

    def upload(self, paths: Iterable[Path]) -> None:
        """Copy finished files (or folders) from staging to the target, in the given order."""
        for path in paths:
            if not path.exists():
                continue
            relative = path.relative_to(self.staging).as_posix()
            target = f"{self.base.rstrip('/')}/{relative}"
            if path.is_dir():
                self.fs.create_dir(target, recursive=True)
                for child in sorted(path.iterdir()):
                    self.upload([child])
            else:
                if "/" in relative:
                    self.fs.create_dir(target.rpartition("/")[0], recursive=True)
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


class OutputNotEmpty(OutputError):
    """The target holds files and neither --overwrite nor --resume was given."""

    def __init__(self, uri: str) -> None:
        super().__init__(not_empty_message(uri))
