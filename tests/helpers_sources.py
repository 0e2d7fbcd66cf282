"""Small helpers for the sources/classify tests: build trees, copy fixtures, ask git."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from codepack.config import ScanConfig
from codepack.inputs import FolderRepo
from codepack.records import SkippedFile, SkipReason

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "repos"
GIT = shutil.which("git")


def make_tree(root: Path, files: Mapping[str, str | bytes]) -> Path:
    """Create ``files`` (repo-relative posix path -> content) under ``root``."""
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


def copy_fixture(name: str, dest: Path) -> Path:
    """A private copy of a fixture repository that a test may add traps to."""
    target = dest / name
    shutil.copytree(FIXTURES / name, target, symlinks=True)
    return target


def git(root: Path, *args: str) -> str:
    """Run git in ``root`` with a neutral configuration (no user excludes file)."""
    result = subprocess.run(
        [GIT or "git", "-c", "core.excludesFile=/dev/null", *args],
        cwd=root,
        capture_output=True,
        check=True,
    )
    return result.stdout.decode("utf-8", "surrogateescape")


def git_init(root: Path) -> None:
    git(root, "init", "-q")


def git_files(root: Path, ignored: bool) -> set[str]:
    """Untracked files git keeps (``ignored=False``) or ignores (``ignored=True``)."""
    args = ["ls-files", "-z", "--others", "--exclude-standard"]
    if ignored:
        args.append("--ignored")
    return {p for p in git(root, *args).split("\0") if p}


def files_under(root: Path, rel_dir: str) -> set[str]:
    """Every regular file below a repo-relative folder, as repo-relative paths."""
    return {
        path.relative_to(root).as_posix()
        for path in (root / rel_dir).rglob("*")
        if path.is_file() and not path.is_symlink()
    }


def ignored_files(root: Path, skipped: Iterable[SkippedFile]) -> set[str]:
    """The files a walk's IGNORED skips cover, expanding skipped folders to their files."""
    covered: set[str] = set()
    for skip in skipped:
        if (root / skip.path).is_dir():
            covered |= files_under(root, skip.path)
        else:
            covered.add(skip.path)
    return covered


@dataclass(frozen=True)
class Found:
    """A file the walk accepted: read (``data``), or left for the scanner's verdict by name or
    size (``data`` None). What git would list, whatever codepack later thinks of it."""

    path: str
    data: bytes | None


# The reasons that mean "the walk did not accept this path" (as opposed to a verdict on a file)
WALK_REASONS = frozenset({
    SkipReason.IGNORED, SkipReason.VENDORED, SkipReason.SYMLINK_BROKEN, SkipReason.SYMLINK_LOOP,
    SkipReason.SYMLINK_OUTSIDE, SkipReason.SPECIAL_FILE, SkipReason.UNREADABLE,
    SkipReason.NOT_UTF8,
})


def walk(root: Path, config: ScanConfig) -> list[Found | SkippedFile]:
    """A folder's entries, with files decided by name or size shown as ``Found``."""
    entries, _ = FolderRepo(root.name, root).entries(config)
    items: list[Found | SkippedFile] = []
    for entry in entries:
        if isinstance(entry, SkippedFile):
            items.append(entry if entry.reason in WALK_REASONS else Found(entry.path, None))
        else:
            items.append(Found(*entry))
    return items
