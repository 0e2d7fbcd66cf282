"""Fingerprints of repository inputs, so ``--resume`` never mixes two versions of an input.

A resumed run reuses the shards and spilled scans of the interrupted one. If an input changed
in between (a file edited, added or removed; a dataset or archive replaced), reusing them would
write a dataset that no single state of the inputs produced. Every run records one fingerprint
per repository, and ``--resume`` refuses when any differs.

What a fingerprint covers, per kind of input (cheap enough to compute at every run: metadata,
never file contents):

- a folder: every entry below it (``.git`` skipped but for ``.git/info/exclude``, which changes
  what is packed) by relative path, type, size and modification time in nanoseconds, and the
  target of every symbolic link; links are not followed;
- a records dataset or an archive: path, size and modification time of each file it is read
  from, and the part of it that is the repository;
- a git revision: the commit id, which names the content exactly.
"""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

from codepack.inputs.archives import ArchiveRepo
from codepack.inputs.datasets import RecordsRepo
from codepack.inputs.folders import FolderRepo
from codepack.inputs.git import GitRepo

Source = FolderRepo | ArchiveRepo | GitRepo | RecordsRepo


def fingerprint(source: object) -> str:
    """A short hex digest that changes whenever the repository's input changes."""
    digest = hashlib.sha256()
    if isinstance(source, FolderRepo):
        _folder(digest, source.root)
    elif isinstance(source, GitRepo):
        digest.update(f"git\0{source.commit}".encode())
    elif isinstance(source, ArchiveRepo):
        digest.update(f"archive\0{source.prefix}\0".encode("utf-8", "surrogateescape"))
        _file(digest, source.archive)
    elif isinstance(source, RecordsRepo):
        digest.update(b"records\0")
        for part in sorted({part.file for part in source.parts}):
            _file(digest, part)
        digest.update(repr(source.parts).encode("utf-8", "surrogateescape"))
    else:  # a new kind of input must say what identifies it
        raise TypeError(f"no fingerprint for {type(source).__name__}")
    return digest.hexdigest()[:32]


def _file(digest: hashlib._Hash, path: str | Path) -> None:
    try:
        st = os.stat(path)
        digest.update(f"{os.fspath(path)}\0{st.st_size}\0{st.st_mtime_ns}\0".encode(
            "utf-8", "surrogateescape"))
    except OSError as exc:
        digest.update(f"{os.fspath(path)}\0missing:{exc.errno}\0".encode(
            "utf-8", "surrogateescape"))


def _folder(digest: hashlib._Hash, root: Path) -> None:
    """Walk without following links, in sorted order, hashing each entry's metadata."""
    stack = [""]
    while stack:
        rel = stack.pop()
        folder = root / rel if rel else root
        try:
            with os.scandir(folder) as entries:
                names = sorted(entries, key=lambda e: e.name)
        except OSError as exc:
            digest.update(f"{rel}\0unlistable:{exc.errno}\0".encode("utf-8", "surrogateescape"))
            continue
        subfolders = []
        for entry in names:
            child = f"{rel}/{entry.name}" if rel else entry.name
            if child == ".git":
                _file(digest, Path(entry.path) / "info" / "exclude")
                continue
            try:
                st = entry.stat(follow_symlinks=False)
            except OSError as exc:
                digest.update(f"{child}\0unstattable:{exc.errno}\0".encode(
                    "utf-8", "surrogateescape"))
                continue
            line = f"{child}\0{stat.S_IFMT(st.st_mode)}\0{st.st_size}\0{st.st_mtime_ns}"
            if stat.S_ISLNK(st.st_mode):
                try:
                    line += f"\0->{os.readlink(entry.path)}"
                except OSError:
                    line += "\0->?"
            digest.update(line.encode("utf-8", "surrogateescape") + b"\n")
            if stat.S_ISDIR(st.st_mode):
                subfolders.append(child)
        stack.extend(reversed(subfolders))


__all__ = ["fingerprint"]
