"""Files held in memory as ``(path, content)`` rows: one more input kind for the shared walker.

Dataset rows read from Parquet/JSON Lines (``datasets``) and the files a library caller hands
``pack_repo`` / ``scan_files`` (``FilesRepo``) are the same thing once read: a path and its
content per row. ``rows_listing`` turns such rows into members, with the checks every row gets
(a path that is missing, absolute or climbs out with ``..`` is skipped; of two rows with one
path the first is kept; content that is neither text nor bytes is skipped), so the planner then
decides them exactly as it decides the files of a folder.
"""

from __future__ import annotations

from collections.abc import Generator, Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from codepack.config import ScanConfig
from codepack.inputs.base import RepoInput
from codepack.inputs.ignore import IGNORE_FILE_MAX_BYTES
from codepack.inputs.listing import (
    Failed,
    Listing,
    Member,
    is_ignore_file,
    member_listing,
    normalise_path,
    unsafe_path_skip,
)
from codepack.records import SkippedFile, SkipReason


@dataclass(frozen=True)
class FilesRepo(RepoInput):
    """A repository given in memory: ``(path, text or bytes)`` pairs, in any order.

    Unlike the other kinds it carries its content, so it is built where it is scanned (the
    library's ``pack_repo``), not shipped to workers.
    """

    files: tuple[tuple[str, str | bytes], ...] = ()

    @property
    def kind(self) -> str:
        return "memory"

    @property
    def locator(self) -> str:
        return f"memory:{self.name}"

    def _listing(self, config: ScanConfig) -> Listing:
        rows = ((path, content, f"item {i}") for i, (path, content) in enumerate(self.files))
        return rows_listing(rows, [])


def rows_listing(rows: Iterable[tuple[Any, Any, str]], skips: list[SkippedFile]) -> Listing:
    """Members for ``(path, content, where)`` rows; ``where`` names a row in messages.

    ``skips`` may still grow while ``rows`` is consumed (a reader reports what it could not
    read there); the listing holds it with the skips found here.
    """
    members: list[Member] = []
    contents: list[bytes] = []
    ignore_texts: dict[Hashable, bytes] = {}
    seen: dict[str, str] = {}  # path -> where its kept (first) row is
    for raw_path, content, where in rows:
        if not isinstance(raw_path, str) or not raw_path:
            skips.append(SkippedFile(f"<{where}>", SkipReason.UNREADABLE, "no path"))
            continue
        path, problem = normalise_path(raw_path)
        if problem is not None or not path:
            skips.append(unsafe_path_skip(raw_path, problem or "empty path"))
            continue
        if path in seen:
            detail = f"duplicate record ({where}); the first one ({seen[path]}) is kept"
            skips.append(SkippedFile(path, SkipReason.DUPLICATE_PATH, detail))
            continue
        seen[path] = where
        if isinstance(content, str):
            data = content.encode("utf-8", "surrogatepass")
        elif isinstance(content, bytes | bytearray | memoryview):
            data = bytes(content)
        else:
            kind = "no content" if content is None else f"content is {type(content).__name__}"
            skips.append(SkippedFile(path, SkipReason.UNREADABLE, kind))
            continue
        key = len(contents)
        contents.append(data)
        members.append(Member(path, "file", key=key, size=len(data)))
        if is_ignore_file(path):
            ignore_texts[key] = data[:IGNORE_FILE_MAX_BYTES]

    def fetch(keys: Sequence[Hashable], limit: int) -> Generator[bytes | Failed]:
        for key in keys:
            data = contents[key]  # type: ignore[index]
            yield data if len(data) <= limit else data[: limit + 1]

    return member_listing(members, fetch, skips, ignore_texts)
