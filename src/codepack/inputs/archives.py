"""Repositories inside tar and zip archives, read in place (nothing is extracted to disk).

Discovery decides from the archive's top level whether it holds one repository or a folder of
them. A zip has a central directory, so members are listed first and read lazily; a tar is one
forward stream, so a single pass lists the members and keeps the bytes it will need (a second
pass only when they exceed a budget). Either way the listing goes to the shared walker.
"""

from __future__ import annotations

import gzip
import logging
import lzma
import re
import stat
import tarfile
import zipfile
import zlib
from collections.abc import Generator, Hashable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import IO, Any

from codepack.config import ScanConfig
from codepack.inputs.aux import is_aux_file
from codepack.inputs.base import InputError, RepoInput
from codepack.inputs.ignore import IGNORE_FILE_MAX_BYTES
from codepack.inputs.listing import (
    LINK_TARGET_MAX_BYTES,
    Failed,
    Listing,
    Member,
    is_ignore_file,
    member_listing,
    normalise_path,
    special_kind,
    unsafe_path_skip,
)
from codepack.records import SkippedFile, SkipReason

log = logging.getLogger(__name__)

_TAR_SUFFIXES = (".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tbz", ".tar.xz", ".txz")
_ZIP_SUFFIXES = (".zip",)
_MAC_RESOURCE_FOLDER = "__MACOSX"
_LEADING_ROOT = re.compile(r"^(?:\.?/)+")
# A tar pass keeps the bytes of the files it passes, so that one pass usually suffices (tar
# members come in any order, and .gitignore files decide only once all are seen). Past this
# budget it stops keeping them and re-reads the rest in a second pass.
_TAR_HOLD_BUDGET = 256 * 1024 * 1024
_END_CHECK_CHUNK = 1024 * 1024
_ARCHIVE_READ_ERRORS = (tarfile.TarError, zipfile.BadZipFile, EOFError, OSError, zlib.error,
                        lzma.LZMAError, RuntimeError, NotImplementedError, ValueError)


@dataclass(frozen=True)
class ArchiveRepo(RepoInput):
    """A repository inside a tar or zip archive, under ``prefix`` (``""``: the whole archive).

    ``stop_offset`` (tar only) is the header offset of the repository's last member: reading
    a folder-of-repositories tarball stops there instead of decompressing the rest.
    """

    archive: str = ""
    prefix: str = ""
    stop_offset: int | None = None
    damage: str = ""  # what discovery found broken in the archive where this repository is


    @property
    def kind(self) -> str:
        return "archive"

    @property
    def locator(self) -> str:
        return f"archive:{self.archive}#{self.prefix}"

    def _listing(self, config: ScanConfig) -> Listing:
        if archive_format(self.archive) == "zip":
            return self._zip_listing()
        return self._tar_listing(config)

    # ---- zip: a central directory, so members are read directly, lazily, in path order

    def _zip_listing(self) -> Listing:
        members: list[Member] = []
        skips: list[SkippedFile] = []
        ignore_texts: dict[Hashable, bytes] = {}
        try:
            with zipfile.ZipFile(self.archive) as archive:
                for index, info in enumerate(archive.infolist()):
                    member = self._zip_member(archive, index, info, skips)
                    if member is None:
                        continue
                    members.append(member)
                    if member.kind == "file" and is_ignore_file(member.path):
                        head = _zip_read(archive, info, IGNORE_FILE_MAX_BYTES)
                        if isinstance(head, bytes):
                            ignore_texts[index] = head[:IGNORE_FILE_MAX_BYTES]
        except _ARCHIVE_READ_ERRORS as exc:
            self._note_damage(skips, f"cannot read archive: {exc}")
        else:
            self._note_damage(skips, None)
        archive_path = self.archive

        def fetch(keys: Sequence[Hashable], limit: int) -> Generator[bytes | Failed]:
            if not keys:
                return
            try:
                archive = zipfile.ZipFile(archive_path)
            except _ARCHIVE_READ_ERRORS as exc:
                for _ in keys:
                    yield _corrupt(f"cannot read archive: {exc}")
                return
            with archive:
                infos = archive.infolist()
                for key in keys:
                    yield _zip_read(archive, infos[key], limit)  # type: ignore[index]

        return member_listing(members, fetch, skips, ignore_texts)

    def _zip_member(self, archive: zipfile.ZipFile, index: int, info: zipfile.ZipInfo,
                    skips: list[SkippedFile]) -> Member | None:
        path = self._repo_path(info.filename, skips)
        if path is None:
            return None
        mode = info.external_attr >> 16
        if info.is_dir() or stat.S_ISDIR(mode):
            return Member(path, "dir")
        if stat.S_ISLNK(mode):
            target = _zip_read(archive, info, LINK_TARGET_MAX_BYTES)
            if isinstance(target, Failed) or len(target) > LINK_TARGET_MAX_BYTES:
                skips.append(SkippedFile(path, SkipReason.UNREADABLE, "unreadable symlink"))
                return None
            return Member(path, "symlink", target=target.decode("utf-8", "surrogateescape"))
        if stat.S_IFMT(mode) and not stat.S_ISREG(mode):
            return Member(path, "special", detail=special_kind(mode))
        return Member(path, "file", key=index, size=info.file_size)

    # ---- tar: one forward pass (two when the files do not fit the hold budget)

    def _tar_listing(self, config: ScanConfig) -> Listing:
        members: list[Member] = []
        skips: list[SkippedFile] = []
        ignore_texts: dict[Hashable, bytes] = {}
        held: dict[Hashable, bytes] = {}
        budget = _TAR_HOLD_BUDGET
        vendored = frozenset(config.vendored_dirs) | {".git"}
        try:
            with _open_tar(self.archive) as archive:
                walk = _TarMembers(archive, self.stop_offset)
                for info in walk:
                    member = self._tar_member(info, skips)
                    if member is None:
                        continue
                    members.append(member)
                    key = self.prefix + member.path
                    held.pop(key, None)  # a later member of the same name replaces it
                    if member.kind != "file":
                        continue
                    ignore_file = is_ignore_file(member.path)
                    control = ignore_file or is_aux_file(member.path)
                    keep = member.size <= config.max_file_bytes and (
                        control
                        or (member.size <= budget
                            and vendored.isdisjoint(member.path.split("/")[:-1]))
                    )
                    # each member is read at most once: reading back means re-decompressing
                    data = _tar_read(archive, info, config.max_file_bytes) if keep else None
                    if isinstance(data, bytes):
                        held[key] = data
                        budget -= 0 if control else len(data)
                    if ignore_file:
                        if not isinstance(data, bytes):
                            data = _tar_read(archive, info, IGNORE_FILE_MAX_BYTES)
                        if isinstance(data, bytes):
                            ignore_texts[key] = data[:IGNORE_FILE_MAX_BYTES]
                # the archive may have been damaged since discovery looked at it
                self._note_damage(skips, _tar_end_problem(archive) if walk.at_end else None)
        except _ARCHIVE_READ_ERRORS as exc:
            self._note_damage(skips, f"cannot read archive: {exc}")
        archive_path, stop_offset = self.archive, self.stop_offset

        def fetch(keys: Sequence[Hashable], limit: int) -> Generator[bytes | Failed]:
            missing = {key for key in keys if key not in held}
            found = _tar_fetch(archive_path, missing, stop_offset, limit) if missing else {}
            for key in keys:
                data = held.pop(key, None)
                if data is None:
                    data = found.pop(key, Failed("member not found on re-reading"))
                yield data[: limit + 1] if isinstance(data, bytes) else data

        return member_listing(members, fetch, skips, ignore_texts)

    def _tar_member(self, info: tarfile.TarInfo, skips: list[SkippedFile]) -> Member | None:
        path = self._repo_path(info.name, skips)
        if path is None:
            return None
        if info.isdir():
            return Member(path, "dir")
        if info.isreg():
            return Member(path, "file", key=self.prefix + path, size=info.size)
        if info.issym():
            return Member(path, "symlink", target=info.linkname)
        if info.islnk():
            target, problem = normalise_path(info.linkname)
            inside = problem is None and target.startswith(self.prefix)
            return Member(path, "hardlink", target=target[len(self.prefix):] if inside else None)
        if info.ischr():
            return Member(path, "special", detail="character device")
        if info.isblk():
            return Member(path, "special", detail="block device")
        if info.isfifo():
            return Member(path, "special", detail="fifo")
        return Member(path, "special", detail=f"unsupported tar member type {info.type!r}")

    def _note_damage(self, skips: list[SkippedFile], error: str | None) -> None:
        """One ``corrupt_archive`` row for the repository: what discovery found, else the
        error this listing met (the archive may have changed since)."""
        detail = self.damage or error
        if detail:
            skips.append(SkippedFile(".", SkipReason.CORRUPT_ARCHIVE, _damage_detail(detail)))

    def _repo_path(self, raw: str, skips: list[SkippedFile]) -> str | None:
        """The member's path inside this repository; None when it is not in it."""
        path, problem = normalise_path(raw)
        if problem is not None:
            if _LEADING_ROOT.sub("", raw).startswith(self.prefix):  # hostile, and ours
                skips.append(unsafe_path_skip(raw, problem))
            return None
        if not path.startswith(self.prefix) and path + "/" != self.prefix:
            return None
        return path[len(self.prefix):]


class _TarMembers:
    """Members in archive order, without tarfile keeping every header in memory.

    Stops after the header at ``stop_offset`` (the end of one repository in a
    folder-of-repositories tarball); ``at_end`` says whether the archive's end was reached,
    which is when it can be checked for silent truncation (``_tar_end_problem``).
    """

    def __init__(self, archive: tarfile.TarFile, stop_offset: int | None) -> None:
        self.archive = archive
        self.stop_offset = stop_offset
        self.at_end = False

    def __iter__(self) -> Iterator[tarfile.TarInfo]:
        while True:
            info = self.archive.next()
            if info is None:
                self.at_end = True
                return
            if self.stop_offset is not None and info.offset > self.stop_offset:
                return
            self.archive.members.clear()  # only needed for lookups by name, never made here
            yield info


def _tar_members(archive: tarfile.TarFile, stop_offset: int | None) -> Iterator[tarfile.TarInfo]:
    """Members in archive order (see ``_TarMembers``)."""
    return iter(_TarMembers(archive, stop_offset))


def _tar_read(archive: tarfile.TarFile, info: tarfile.TarInfo, limit: int) -> bytes | Failed:
    try:
        handle = archive.extractfile(info)
        if handle is None:
            return Failed("archive member has no data")
        with handle:
            return handle.read(limit + 1)
    except _ARCHIVE_READ_ERRORS as exc:
        return _corrupt(f"cannot read archive member: {exc}")


def _tar_fetch(file: str, keys: set[Hashable], stop_offset: int | None,
               limit: int) -> dict[Hashable, bytes | Failed]:
    """One pass over a tar archive for the members named by ``keys`` (last one wins)."""
    found: dict[Hashable, bytes | Failed] = {}
    try:
        with _open_tar(file) as archive:
            for info in _tar_members(archive, stop_offset):
                path, problem = normalise_path(info.name)
                if problem is None and path in keys and info.isreg():
                    found[path] = _tar_read(archive, info, limit)
    except _ARCHIVE_READ_ERRORS as exc:
        for key in keys - found.keys():
            found[key] = _corrupt(f"cannot read archive: {exc}")
    return found


def _corrupt(detail: str) -> Failed:
    return Failed(detail, SkipReason.CORRUPT_ARCHIVE)


def _zip_read(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes | Failed:
    if info.flag_bits & 0x1:
        return Failed("archive member is encrypted")
    try:
        with archive.open(info) as handle:
            return handle.read(limit + 1)
    except _ARCHIVE_READ_ERRORS as exc:
        return _corrupt(f"cannot read archive member: {exc}")


def archive_format(name: str) -> str | None:
    lower = name.lower()
    if lower.endswith(_ZIP_SUFFIXES):
        return "zip"
    if lower.endswith(_TAR_SUFFIXES):
        return "tar"
    return None


def _archive_stem(name: str) -> str:
    lower = name.lower()
    for suffix in sorted((*_TAR_SUFFIXES, *_ZIP_SUFFIXES), key=len, reverse=True):
        if lower.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


@dataclass
class _Survey:
    """An archive's top level as discovery sees it, and any damage met on the way.

    ``damaged_top`` names the top folder whose members were being read when the damage was
    met (the repositories before it were listed whole); None with ``damage`` set means the
    whole archive is suspect (a checksum over the stream failed once everything was read).
    """

    tops: dict[str, int] = field(default_factory=dict)  # top folder -> its last header offset
    root_marked: bool = False  # files or hidden entries at the root: the root is a repository
    unsafe: int = 0
    damage: str = ""
    damaged_top: str | None = None
    last_top: str | None = None

    def note(self, raw: str, is_dir: bool, offset: int) -> None:
        path, problem = normalise_path(raw)
        self.unsafe += problem is not None
        if problem is not None or not path:
            return
        top, _, rest = path.partition("/")
        if top == _MAC_RESOURCE_FOLDER:
            return
        if top.startswith(".") or (not rest and not is_dir):
            self.root_marked = True
            self.last_top = ""
        else:
            self.tops[top] = offset
            self.last_top = top


class _LastRead:
    """A tar's (decompressed) stream that remembers the bytes of its latest read.

    When ``tarfile`` stops at a header it cannot parse, it has just read that header and
    says nothing; keeping the bytes lets ``_tar_end_problem`` tell the end-of-archive marker
    from damage without seeking back, which for a compressed stream would mean
    decompressing it again from the start.
    """

    def __init__(self, stream: IO[bytes]) -> None:
        self._stream = stream
        self.last = b""

    def read(self, size: int = -1) -> bytes:
        self.last = self._stream.read(size)
        return self.last

    def __getattr__(self, name: str) -> Any:  # seek, tell, close, ...: the stream's own
        return getattr(self._stream, name)


def _open_tar(file: str | Path) -> tarfile.TarFile:
    """``tarfile.open(file, "r:*")``, its stream wrapped in ``_LastRead``."""
    archive = tarfile.open(file, "r:*")  # noqa: SIM115 - the caller closes it
    archive.fileobj = _LastRead(archive.fileobj)  # type: ignore[arg-type, assignment]
    return archive


def _tar_end_problem(archive: tarfile.TarFile) -> str | None:
    """Why a tar stream that ``tarfile`` read to its end is not whole, or None.

    ``tarfile`` takes a damaged or cut-off member header anywhere after the first one for
    the end of the archive and says nothing: the archive then silently loses its remaining
    members. A whole archive ends with zero blocks; anything else there is damage. Reading
    to the end also makes the decompressor check the stream's checksum (gzip CRC, xz/bz2).
    Needs an archive opened by ``_open_tar``.
    """
    stream = archive.fileobj
    assert isinstance(stream, _LastRead)
    header = stream.last  # the block tarfile could not take for a member header
    if len(header) < tarfile.BLOCKSIZE:
        return f"archive is cut short at byte {archive.offset} (no end-of-archive marker)"
    if header.count(0) != len(header):
        return f"damaged member header at byte {archive.offset} of the tar stream"
    while chunk := stream.read(_END_CHECK_CHUNK):
        if chunk.count(0) != len(chunk):
            return "data after the end-of-archive marker (concatenated archives are not read)"
    return None


def _survey(file: Path) -> _Survey:
    """Read an archive's member names once, noting damage instead of failing on it."""
    survey = _Survey()
    try:
        if archive_format(file.name) == "zip":
            with zipfile.ZipFile(file) as archive:
                for info in archive.infolist():
                    survey.note(info.filename, info.is_dir(), 0)
        else:
            with _open_tar(file) as archive:
                for info in _tar_members(archive, None):
                    survey.note(info.name, info.isdir(), info.offset)
                problem = _tar_end_problem(archive)
                if problem is not None:
                    survey.damage, survey.damaged_top = problem, survey.last_top
                    if problem.startswith("data after"):
                        survey.damaged_top = None
    except (FileNotFoundError, PermissionError) as exc:
        raise InputError(f"cannot read archive {file}: {exc}") from exc
    except _ARCHIVE_READ_ERRORS as exc:
        survey.damage = str(exc) or type(exc).__name__
        survey.damaged_top = survey.last_top
        if isinstance(exc, gzip.BadGzipFile | lzma.LZMAError | OSError) and "CRC" in str(exc):
            survey.damaged_top = None  # a stream checksum: the bad bytes may be anywhere
    return survey


def _damage_detail(damage: str) -> str:
    return (f"{damage}; files read in full before the damage are packed, members past it "
            "(if any) could not be read")


def discover_archive(file: Path, single_repo: bool) -> list[tuple[tuple[str, ...], ArchiveRepo]]:
    survey = _survey(file)
    if survey.unsafe:
        log.warning("archive %s has %d members with absolute or '..' paths; they are skipped",
                    file, survey.unsafe)
    tops, root_marked = survey.tops, survey.root_marked
    label, full = file.name, file.absolute().as_posix()
    is_tar = archive_format(file.name) == "tar"
    if len(tops) == 1 and not root_marked:
        (top,) = tops
        repos = [((top, f"{label}/{top}", f"{full}/{top}"), ArchiveRepo(top, str(file), top + "/"))]
    elif single_repo or root_marked or len(tops) < 2:
        stem = _archive_stem(file.name)
        if not tops and not root_marked and not survey.damage:
            log.warning("archive %s holds no files", file)
        repos = [((stem, label, full), ArchiveRepo(stem, str(file), ""))]
    else:
        repos = [((top, f"{label}/{top}", f"{full}/{top}"),
                  ArchiveRepo(top, str(file), top + "/", offset if is_tar else None))
                 for top, offset in sorted(tops.items())]
    if not survey.damage:
        return repos
    log.warning("archive %s is damaged (%s): members read before the damage are packed; see "
                "corrupt_archive in dropped.parquet", file, survey.damage)
    hit = [names for names, repo in repos
           if len(repos) == 1 or survey.damaged_top is None
           or repo.prefix == survey.damaged_top + "/"]
    return [(names, replace(repo, damage=survey.damage) if names in hit else repo)
            for names, repo in repos]
