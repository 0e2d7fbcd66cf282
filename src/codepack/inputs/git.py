"""Git repositories (bare or not) read at a revision through git's plumbing commands.

``git ls-tree`` lists the revision's tree (with blob sizes, so oversized files are skipped
before any read) and one ``git cat-file --batch`` process streams the blobs; nothing is checked
out. Tracked files are tracked, so the listing tells the shared walker to ignore
``.gitignore``.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Generator, Hashable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from codepack.config import ScanConfig
from codepack.inputs.base import InputError, RepoInput
from codepack.inputs.listing import (
    LINK_TARGET_MAX_BYTES,
    READ_CHUNK,
    Failed,
    Listing,
    Member,
    member_listing,
    normalise_path,
    unsafe_path_skip,
)
from codepack.records import SkippedFile, SkipReason

_GIT_ENV = {"GIT_TERMINAL_PROMPT": "0", "GIT_NO_LAZY_FETCH": "1", "LC_ALL": "C"}
_GIT_FILE_MODES = {"100644", "100755", "100664"}


@dataclass(frozen=True)
class GitRepo(RepoInput):
    """A git repository (bare or not) read at ``commit`` (``rev`` resolved at discovery)."""

    repo: str = ""
    rev: str = ""
    commit: str = ""

    @property
    def kind(self) -> str:
        return "git"

    @property
    def locator(self) -> str:
        return f"git:{self.repo}@{self.commit}"

    def _listing(self, config: ScanConfig) -> Listing:
        members: list[Member] = []
        skips: list[SkippedFile] = []
        links: list[tuple[str, str]] = []  # (path, blob) of symlinks
        try:
            tree = _git(self.repo, "ls-tree", "-r", "-z", "--long", "--full-tree", self.commit)
        except InputError as exc:
            skips.append(SkippedFile(".", SkipReason.UNREADABLE, str(exc)))
            tree = b""
        for record in tree.split(b"\0"):
            meta, tab, raw = record.partition(b"\t")
            fields = meta.split()
            if not tab or len(fields) != 4:
                continue
            mode, _, blob, size = (f.decode("ascii", "replace") for f in fields)
            name = raw.decode("utf-8", "surrogateescape")
            path, problem = normalise_path(name)
            if problem is not None or not path:
                skips.append(unsafe_path_skip(name, problem or "empty path"))
            elif mode in _GIT_FILE_MODES:
                members.append(Member(path, "file", key=blob, size=int(size)))
            elif mode == "120000":
                links.append((path, blob))
            elif mode == "160000":
                members.append(Member(path, "special", detail="submodule"))
            else:
                members.append(Member(path, "special", detail=f"git tree entry mode {mode}"))
        blobs = [blob for _, blob in links]
        for (path, _), target in zip(links, _cat_file(self.repo, blobs, LINK_TARGET_MAX_BYTES),
                                     strict=True):
            if isinstance(target, Failed) or len(target) > LINK_TARGET_MAX_BYTES:
                skips.append(SkippedFile(path, SkipReason.UNREADABLE, "unreadable symlink"))
            else:
                text = target.decode("utf-8", "surrogateescape")
                members.append(Member(path, "symlink", target=text))
        repo = self.repo

        def fetch(keys: Sequence[Hashable], limit: int) -> Generator[bytes | Failed]:
            return _cat_file(repo, [str(key) for key in keys], limit)

        # tracked files are tracked: .gitignore does not apply to a revision
        return member_listing(members, fetch, skips, gitignore=False)


def _git_command(repo: str, *args: str) -> list[str]:
    return ["git", "--no-pager", "--no-replace-objects", "-C", repo, *args]


def _git(repo: str, *args: str) -> bytes:
    """Run a git plumbing command; its stderr becomes the error message."""
    try:
        done = subprocess.run(_git_command(repo, *args), capture_output=True, check=False,
                              env={**os.environ, **_GIT_ENV})
    except OSError as exc:
        raise InputError(f"cannot run git: {exc}") from exc
    if done.returncode:
        message = done.stderr.decode("utf-8", "replace").strip() or f"exit {done.returncode}"
        raise InputError(f"git {args[0]} failed in {repo}: {message}")
    return done.stdout


def _cat_file(repo: str, blobs: Sequence[str], limit: int) -> Generator[bytes | Failed]:
    """Blob contents through one ``git cat-file --batch`` process, one request at a time.

    A blob larger than ``limit`` is drained, not kept (the planner has already skipped such
    blobs by their ls-tree size; this only guards a lying listing).
    """
    if not blobs:
        return
    try:
        process = subprocess.Popen(_git_command(repo, "cat-file", "--batch"),
                                   stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                   stderr=subprocess.DEVNULL, env={**os.environ, **_GIT_ENV})
    except OSError as exc:
        for _ in blobs:
            yield Failed(f"cannot run git: {exc}")
        return
    assert process.stdin is not None and process.stdout is not None
    try:
        for blob in blobs:
            try:
                process.stdin.write(blob.encode("ascii") + b"\n")
                process.stdin.flush()
                header = process.stdout.readline().split()
            except OSError as exc:
                yield Failed(f"git cat-file failed: {exc}")
                continue
            if len(header) != 3:
                shown = b" ".join(header).decode("ascii", "replace") or "no answer"
                yield Failed(f"git object {blob}: {shown}")
                continue
            size = int(header[2])
            data = _read_exact(process.stdout, size, limit + 1)
            process.stdout.read(1)  # the newline after each object
            yield data
    finally:
        process.stdin.close()
        if process.poll() is None:
            process.kill()
        process.wait()
        process.stdout.close()


def _read_exact(stream: Any, size: int, keep: int) -> bytes:
    """Read exactly ``size`` bytes, keeping the first ``keep``."""
    kept: list[bytes] = []
    remaining, room = size, keep
    while remaining > 0:
        chunk = stream.read(min(remaining, READ_CHUNK))
        if not chunk:
            break
        remaining -= len(chunk)
        if room > 0:
            kept.append(chunk[:room])
            room -= len(kept[-1])
    return b"".join(kept)


def _is_git_repo(folder: Path) -> bool:
    return (folder / ".git").exists() or (
        (folder / "HEAD").is_file() and (folder / "objects").is_dir()
    )


def _git_name(folder: Path) -> Path:
    """The folder a repository is named after (``x/.git`` -> ``x``, bare ``x.git`` -> ``x``)."""
    folder = Path(os.path.normpath(folder.absolute()))
    return folder.parent if folder.name == ".git" else folder


def discover_git(folder: Path, rev: str, single_repo: bool
                  ) -> list[tuple[tuple[str, ...], GitRepo]]:
    if _is_git_repo(folder) or single_repo:
        repos = [folder]
    else:
        try:
            repos = sorted(sub for sub in folder.iterdir()
                           if not sub.name.startswith(".") and sub.is_dir() and _is_git_repo(sub))
        except OSError as exc:
            raise InputError(f"cannot list {folder}: {exc}") from exc
        if not repos:
            raise InputError(f"--rev {rev}: {folder} is not a git repository and holds none")
    found = []
    for repo in repos:
        try:
            commit = _git(str(repo), "rev-parse", "--verify", "--end-of-options",
                          f"{rev}^{{commit}}").decode("ascii", "replace").strip()
        except InputError as exc:
            raise InputError(f"--rev {rev!r} is not a commit of {repo}: {exc}") from exc
        named = _git_name(repo)
        name = named.name.removesuffix(".git") or named.name
        wider = f"{named.parent.name}/{name}"
        found.append(((name, wider, named.as_posix()),
                      GitRepo(name, str(repo), rev, commit)))
    return found
