"""Every kind of repository input: folders, dataset records, archives and git revisions.

This package turns each input into what the pipeline scans: per repository, entries in sorted
path order — ``(path, bytes)`` for files to judge and ``SkippedFile`` for files decided before
reading — plus the text of the resolver config files (``aux``), all through one call,
``RepoInput.entries``.

Kinds and detection (``input_kind``):

* **folder** — a folder holding ``.git`` (folder or file) is one repository, as is any folder
  with ``single_repo``; any other folder is a folder of repositories, each visible immediate
  subfolder one repository (a warning names top-level files that suggest ``--single-repo``).

* **records** — a ``.parquet`` / ``.jsonl`` / ``.ndjson`` file (JSON Lines may be compressed:
  ``.gz``, ``.bz2``, ``.xz``, ``.zst``; a ``.json`` file named explicitly is read as JSON Lines),
  or a folder (without ``--rev``) whose top level holds such files (``.json`` is not enough
  there: every JS repository has ``package.json``). Columns: repository, path and content,
  auto-detected from the names public code datasets use (The Stack, StarCoderData,
  github-code) or given as ``RecordColumns``. All record files of one call form one dataset:
  a repository's rows may be scattered across files and row groups.
* **archive** — ``.tar``, ``.tar.gz``/``.tgz``, ``.tar.bz2``/``.tbz2``, ``.tar.xz``/``.txz``,
  ``.zip``. One top folder -> one repository named after it (GitHub's ``owner-repo-sha/``).
  Files, or hidden entries such as ``.github/``, at the archive root -> the root is one
  repository named after the archive. Otherwise (two or more top folders, nothing else) it is
  a folder-of-repositories archive: each top folder is a repository. ``single_repo`` forces
  one repository. ``__MACOSX/`` resource forks are not a repository.
* **memory** — ``FilesRepo``: ``(path, content)`` pairs a library caller holds (``pack_repo``,
  ``scan_files``); read like dataset rows.
* **git** — with ``--rev``, a folder holding ``.git`` (non-bare) or ``HEAD`` + ``objects/``
  (bare) is read at that revision through ``git ls-tree`` / ``git cat-file --batch``; a folder
  that is not itself a repository stands for its immediate subfolders that are.

One planner serves all four: a repository is laid out as a tree (a folder on disk listed
lazily, or the members of a container) and walked with one set of rules (``.gitignore`` at every
level and ``.git/info/exclude``, never for git revisions — tracked files are tracked; vendored
folders; ``--include``/``--exclude``; symlinks and hard links resolved inside the tree, never
into ``.git``; ``.git`` left out; files the name alone rules out; the size limit), so a
repository gives the same entries and the same skip reasons whether it arrives as a folder, a
tarball, a zip, dataset rows or a git revision. No read takes more than ``max_file_bytes + 1``
bytes, and nothing is ever extracted to disk.

The package follows that structure: ``listing`` is what every kind hands the walker (a
``Tree``, a fetch function, path safety), ``walk`` is the one planner, ``base`` the
``RepoInput`` contract tying the two together; ``ignore`` is the gitignore engine the planner
and ``--include``/``--exclude`` share, ``aux`` names the resolver config files, ``paths`` makes
untrusted names printable. ``folders`` is the folder kind, ``memory`` the in-memory one (and
the rows-to-members step dataset rows share); ``datasets`` (reading rows),
``datasets_index`` (grouping rows by repository at discovery) and ``streams`` (byte ranges of
compressed JSON Lines) are the records kind, ``archives`` and ``git`` the other two. This module
detects input kinds and discovers and names the repositories; every public name is importable
from here.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TypeVar

from codepack.inputs.archives import ArchiveRepo, archive_format, discover_archive
from codepack.inputs.aux import AUX_FILE_NAMES, AUX_MAX_BYTES, is_aux_file
from codepack.inputs.base import InputError, RepoInput
from codepack.inputs.datasets import RecordPart, RecordsRepo, clear_reader_cache
from codepack.inputs.datasets_index import (
    CONTENT_COLUMNS,
    PATH_COLUMNS,
    REPO_COLUMNS,
    RecordColumns,
    RecordsIndex,
    is_records_file,
    record_files,
    records_stem,
)
from codepack.inputs.folders import FolderRepo, discover_folders
from codepack.inputs.git import GitRepo, discover_git
from codepack.inputs.listing import Entries, Entry
from codepack.inputs.memory import FilesRepo
from codepack.inputs.paths import printable_path, printable_repo_name

__all__ = [
    "AUX_FILE_NAMES",
    "AUX_MAX_BYTES",
    "CONTENT_COLUMNS",
    "PATH_COLUMNS",
    "REPO_COLUMNS",
    "ArchiveRepo",
    "Entries",
    "Entry",
    "FilesRepo",
    "FolderRepo",
    "GitRepo",
    "InputError",
    "RecordColumns",
    "RecordPart",
    "RecordsRepo",
    "RepoInput",
    "clear_reader_cache",
    "discover_inputs",
    "input_kind",
    "is_aux_file",
]

T = TypeVar("T")


def input_kind(path: str | Path, rev: str | None = None) -> str:
    """``folder``, ``records``, ``archive`` or ``git`` for a path; rules in the module doc."""
    path = Path(path).expanduser()
    if path.is_file():
        if is_records_file(path.name, explicit=True):
            return "records"
        if archive_format(path.name):
            return "archive"
        raise InputError(f"unsupported input file (not Parquet, JSON Lines or an archive): {path}")
    if path.is_dir():
        if rev is not None:
            return "git"
        return "records" if record_files(path) and not (path / ".git").exists() else "folder"
    raise InputError(f"input path does not exist: {path}")


def discover_inputs(
    paths: Sequence[str | Path],
    *,
    rev: str | None = None,
    records_columns: RecordColumns | Mapping[str, str] | str | None = None,
    single_repo: bool = False,
) -> list[RepoInput]:
    """The repositories the input paths name, of every kind, sorted by name.

    ``rev`` applies to folders (git repositories); ``single_repo`` makes each input path one
    repository (a folder, an archive's root, all rows of a records input). Every record file of
    the call belongs to one dataset, so a repository's rows are gathered from all of them. Names
    are unique: a clash is widened deterministically (``archive.tgz/name``, ``parent/name``,
    then the full path). A repository named by two input paths is listed once.
    """
    columns = _columns(records_columns)
    candidates: list[tuple[tuple[str, ...], RepoInput]] = []
    records = RecordsIndex(columns)
    seen: set[Path] = set()
    folder_roots: set[Path] = set()
    for raw in paths:
        path = Path(raw).expanduser()
        kind = input_kind(path, rev)
        if path.resolve() in seen:
            continue
        seen.add(path.resolve())
        if kind == "folder":
            candidates.extend(discover_folders(path, single_repo, folder_roots))
        elif kind == "git":
            candidates.extend(discover_git(path, str(rev), single_repo))
        elif kind == "archive":
            candidates.extend(discover_archive(path, single_repo))
        else:
            files = [path] if path.is_file() else record_files(path)
            single = records_stem(path.name) if single_repo else None
            for file in files:
                records.add_file(file, path.name, single)
    for name, label, parts in records.repos():
        candidates.append(((name, f"{label}:{name}", f"{parts[0].file}:{name}"),
                           RecordsRepo(name, parts)))
    return _with_unique_names(candidates)


def _columns(given: RecordColumns | Mapping[str, str] | str | None) -> RecordColumns:
    if given is None:
        return RecordColumns()
    if isinstance(given, RecordColumns):
        return given
    if isinstance(given, str):
        return RecordColumns.parse(given)
    unknown = set(given) - {"repo", "path", "content"}
    if unknown:
        raise InputError(f"unknown records column role(s): {', '.join(sorted(unknown))}")
    return RecordColumns(**given)


def _with_unique_names(candidates: list[tuple[tuple[str, ...], RepoInput]]) -> list[RepoInput]:
    """Give each input its first name that no other input shares, widening only clashes."""
    # a name that is not valid UTF-8 is escaped first, so its clashes are widened too
    candidates = sorted((((printable_repo_name(names[0]), *map(printable_path, names[1:])), repo)
                         for names, repo in candidates), key=lambda c: (c[0], c[1].locator))
    levels = [0] * len(candidates)

    def name(i: int) -> str:
        names = candidates[i][0]
        return names[min(levels[i], len(names) - 1)]

    while True:
        counts = Counter(name(i) for i in range(len(candidates)))
        clashing = [i for i in range(len(candidates))
                    if counts[name(i)] > 1 and levels[i] < len(candidates[i][0]) - 1]
        if not clashing:
            break
        for i in clashing:
            levels[i] += 1
    taken: Counter[str] = Counter()
    result: list[RepoInput] = []
    for i, (_, repo) in enumerate(candidates):
        final = name(i)
        taken[final] += 1
        if taken[final] > 1:  # the same full path twice cannot happen; kept as a last resort
            final = f"{final}#{taken[final]}"
        result.append(repo if final == repo.name else _renamed(repo, final))
    return sorted(result, key=lambda repo: repo.name)


def _renamed(repo: T, name: str) -> T:
    return replace(repo, name=name)
