"""Tests for codepack.inputs: records (Parquet, JSON Lines), archives and git revisions.

Every fixture is built at test time in ``tmp_path`` (no binary files are committed): a small
repository written as files, then packed into tarballs and zips, committed with the git CLI,
or laid out as dataset rows.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import pickle
import shutil
import stat
import subprocess
import tarfile
import tempfile
import zipfile
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from codepack import inputs
from codepack.config import ScanConfig
from codepack.inputs import (
    ArchiveRepo,
    FolderRepo,
    GitRepo,
    InputError,
    RecordColumns,
    RecordsRepo,
    discover_inputs,
    input_kind,
)
from codepack.records import SkippedFile, SkipReason

DEMO: dict[str, str] = {
    "pkg/__init__.py": "",
    "pkg/core.py": "def f():\n    return 1\n",
    "pkg/util.py": "from pkg.core import f\n",
    "tests/test_core.py": "from pkg.core import f\n\n\ndef test_f():\n    assert f() == 1\n",
    "pyproject.toml": "[project]\nname = 'demo'\n",
    ".gitignore": "build/\n*.log\n!keep.log\n",
    "build/out.py": "x = 1\n",
    "debug.log": "noise\n",
    "keep.log": "kept\n",
    "node_modules/lib/index.js": "module.exports = 1;\n",
    "docs/.gitignore": "*.md\n",
    "docs/guide.md": "# guide\n",
    "docs/conf.py": "project = 'x'\n",
    "web/tsconfig.json": '{"compilerOptions": {}}\n',
}


# --------------------------------------------------------------------------- helpers


def write_tree(root: Path, files: dict[str, str | bytes]) -> Path:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.encode() if isinstance(content, str) else content)
    return root


def make_tar(path: Path, folder: Path, arcname: str, mode: str = "w:gz") -> Path:
    with tarfile.open(path, mode) as archive:
        archive.add(folder, arcname=arcname)
    return path


def make_zip(path: Path, folder: Path, arcname: str) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for file in sorted(folder.rglob("*")):
            name = f"{arcname}/{file.relative_to(folder).as_posix()}".lstrip("/")
            if file.is_symlink():
                info = zipfile.ZipInfo(name)
                info.external_attr = (stat.S_IFLNK | 0o777) << 16
                archive.writestr(info, os.readlink(file))
            elif file.is_file():
                archive.write(file, name)
    return path


def add_member(archive: tarfile.TarFile, name: str, data: bytes = b"", **attrs: object) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    for key, value in attrs.items():
        setattr(info, key, value)
    archive.addfile(info, io.BytesIO(data) if data else None)


def view(entries) -> list[tuple[str, str]]:
    """Entries as (path, "read") / (path, skip reason), comparable across containers."""
    return [(e.path, e.reason.value) if isinstance(e, SkippedFile) else (e[0], "read")
            for e in entries]


def collect(repo, config: ScanConfig | None = None):
    entries, aux = repo.entries(config)
    return list(entries), aux


def reads(entries) -> dict[str, bytes]:
    return {e[0]: e[1] for e in entries if not isinstance(e, SkippedFile)}


def skips(entries) -> dict[str, SkippedFile]:
    return {e.path: e for e in entries if isinstance(e, SkippedFile)}


def folder_view(root: Path, config: ScanConfig) -> list[tuple[str, str]]:
    """What the same repository gives as a folder, in the same terms."""
    entries, _ = FolderRepo(root.name, root).entries(config)
    return sorted(view(entries))


def git(repo: Path, *args: str) -> str:
    env = {**os.environ, "HOME": str(repo.parent), "GIT_CONFIG_NOSYSTEM": "1",
           "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}
    done = subprocess.run(["git", "-C", str(repo), "-c", "init.defaultBranch=main",
                           "-c", "commit.gpgsign=false", *args],
                          capture_output=True, text=True, env=env, check=True)
    return done.stdout.strip()


def parquet(path: Path, rows: list[dict], row_group_size: int = 2,
            schema: pa.Schema | None = None) -> Path:
    table = pa.Table.from_pylist(rows, schema=schema)
    pq.write_table(table, path, row_group_size=row_group_size)
    return path


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    root = write_tree(tmp_path / "demo", DEMO)
    os.symlink("pkg/core.py", root / "core_link.py")
    return root


# --------------------------------------------------------------------------- archives


@pytest.mark.parametrize("kind", ["tar.gz", "tar", "tar.xz", "zip"])
def test_archive_matches_the_folder_walk(demo: Path, tmp_path: Path, kind: str) -> None:
    if kind == "zip":
        archive = make_zip(tmp_path / "demo.zip", demo, "demo")
    else:
        archive = make_tar(tmp_path / f"demo.{kind}", demo, "demo", "w:" + kind.partition(".")[2])
    (repo,) = discover_inputs([archive])
    assert isinstance(repo, ArchiveRepo) and repo.name == "demo" and repo.prefix == "demo/"
    config = ScanConfig()
    entries, aux = collect(repo, config)
    assert view(entries) == folder_view(demo, config)
    assert [p for p, _ in view(entries)] == sorted(p for p, _ in view(entries))
    got = reads(entries)
    assert got["pkg/core.py"] == DEMO["pkg/core.py"].encode()
    assert got["core_link.py"] == got["pkg/core.py"]  # a link inside is read under its name
    assert set(aux) == {"pyproject.toml", "web/tsconfig.json"}
    reasons = skips(entries)
    assert reasons["build"].reason is SkipReason.IGNORED
    assert reasons["debug.log"].reason is SkipReason.IGNORED
    # re-included by a negation, then judged by its name like every other file
    assert reasons["keep.log"].reason is SkipReason.NOT_CODE
    assert reasons["docs/guide.md"].reason is SkipReason.IGNORED  # nested .gitignore
    assert reasons["node_modules"].reason is SkipReason.VENDORED


def test_archive_include_exclude_and_aux_of_filtered(demo: Path, tmp_path: Path) -> None:
    archive = make_tar(tmp_path / "demo.tgz", demo, "demo")
    config = ScanConfig(include=("*.py",), exclude=("tests/",))
    entries, aux = collect(discover_inputs([archive])[0], config)
    assert view(entries) == folder_view(demo, config)
    reasons = skips(entries)
    assert reasons["tests"].detail == "--exclude; directory, not walked"
    assert reasons["pyproject.toml"].detail == "--include"
    assert "pyproject.toml" in aux  # resolvers still see it


def test_archive_without_gitignore(demo: Path, tmp_path: Path) -> None:
    archive = make_tar(tmp_path / "demo.tgz", demo, "demo")
    config = ScanConfig(respect_gitignore=False)
    entries, _ = collect(discover_inputs([archive])[0], config)
    assert "build/out.py" in reads(entries)
    assert skips(entries)["debug.log"].reason is SkipReason.NOT_CODE  # not IGNORED


def test_archive_layouts(tmp_path: Path) -> None:
    write_tree(tmp_path / "multi", {"alpha/a.py": "a = 1\n", "beta/b.py": "b = 2\n"})
    multi = make_tar(tmp_path / "multi.tar.gz", tmp_path / "multi", ".")
    repos = discover_inputs([multi])
    assert [(r.name, r.prefix) for r in repos] == [("alpha", "alpha/"), ("beta", "beta/")]
    assert [reads(collect(r)[0]) for r in repos] == [{"a.py": b"a = 1\n"}, {"b.py": b"b = 2\n"}]
    (whole,) = discover_inputs([multi], single_repo=True)
    assert whole.name == "multi" and set(reads(collect(whole)[0])) == {"alpha/a.py", "beta/b.py"}

    write_tree(tmp_path / "flat", {"main.py": "print(1)\n", "lib/x.py": "x = 1\n", "t/y.py": ""})
    flat = make_zip(tmp_path / "flat.zip", tmp_path / "flat", "")
    (repo,) = discover_inputs([flat])
    assert (repo.name, repo.prefix) == ("flat", "")  # files at the root: the root is the repo


def test_multi_repo_tar_stops_after_its_repository(tmp_path: Path) -> None:
    path = tmp_path / "many.tar"
    with tarfile.open(path, "w") as archive:
        add_member(archive, "a/x.py", b"x = 1\n")
        add_member(archive, "b/y.py", b"y = 1\n")
    with open(path, "r+b") as handle:  # corrupt everything after the first repository
        handle.seek(1536)
        handle.write(b"\xff" * 512)
    first = ArchiveRepo("a", str(path), "a/", stop_offset=0)
    assert reads(collect(first)[0]) == {"x.py": b"x = 1\n"}


def test_archive_name_clashes_are_widened(tmp_path: Path) -> None:
    write_tree(tmp_path / "src", {"m.py": "m = 1\n"})
    one = make_tar(tmp_path / "one.tgz", tmp_path / "src", "demo")
    two = make_zip(tmp_path / "two.zip", tmp_path / "src", "demo")
    names = [r.name for r in discover_inputs([two, one])]
    assert names == ["one.tgz/demo", "two.zip/demo"]


def hostile_tar(path: Path) -> Path:
    with tarfile.open(path, "w:gz") as archive:
        add_member(archive, "ok.py", b"ok = 1\n")
        add_member(archive, "src/mod.py", b"mod = 1\n")
        add_member(archive, "/abs.py", b"evil\n")
        add_member(archive, "../up.py", b"evil\n")
        add_member(archive, "a/../../x.py", b"evil\n")
        add_member(archive, "big.py", b"#" * 5000)
        add_member(archive, ".git/config", b"[core]\n")
        sym = {"type": tarfile.SYMTYPE}
        add_member(archive, "out.py", linkname="../../etc/passwd", **sym)
        add_member(archive, "abs_link.py", linkname="/etc/passwd", **sym)
        add_member(archive, "in.py", linkname="ok.py", **sym)
        add_member(archive, "loop1", linkname="loop2", **sym)
        add_member(archive, "loop2", linkname="loop1", **sym)
        add_member(archive, "dangling.py", linkname="nope.py", **sym)
        add_member(archive, "linkdir", linkname="src", **sym)
        add_member(archive, "self", linkname=".", **sym)
        hard = {"type": tarfile.LNKTYPE}
        add_member(archive, "hard_in.py", linkname="ok.py", **hard)
        add_member(archive, "hard_out.py", linkname="../outside.py", **hard)
        add_member(archive, "dev", type=tarfile.CHRTYPE, devmajor=1, devminor=3)
        add_member(archive, "pipe", type=tarfile.FIFOTYPE)
        add_member(archive, "bad\udcff.py", b"name is not UTF-8\n")
        add_member(archive, "clash", b"a file...\n")
        add_member(archive, "clash/inner.py", b"...and a folder\n")
    return path


def test_hostile_tar_members_are_skipped_with_reasons(tmp_path: Path) -> None:
    (repo,) = discover_inputs([hostile_tar(tmp_path / "evil.tgz")])
    assert repo.prefix == ""
    entries, _ = collect(repo, ScanConfig(max_file_bytes=1000))
    got, why = reads(entries), skips(entries)
    assert got == {"ok.py": b"ok = 1\n", "in.py": b"ok = 1\n", "hard_in.py": b"ok = 1\n",
                   "src/mod.py": b"mod = 1\n", "linkdir/mod.py": b"mod = 1\n",
                   "clash/inner.py": b"...and a folder\n"}
    expected = {
        "/abs.py": SkipReason.UNREADABLE,
        "../up.py": SkipReason.UNREADABLE,
        "a/../../x.py": SkipReason.UNREADABLE,
        "big.py": SkipReason.TOO_LARGE,
        "out.py": SkipReason.SYMLINK_OUTSIDE,
        "abs_link.py": SkipReason.SYMLINK_OUTSIDE,
        "hard_out.py": SkipReason.SYMLINK_OUTSIDE,
        "loop1": SkipReason.SYMLINK_LOOP,
        "loop2": SkipReason.SYMLINK_LOOP,
        "self": SkipReason.SYMLINK_LOOP,
        "dangling.py": SkipReason.SYMLINK_BROKEN,
        "dev": SkipReason.SPECIAL_FILE,
        "pipe": SkipReason.SPECIAL_FILE,
        "bad\\xff.py": SkipReason.NOT_UTF8,
        "clash": SkipReason.UNREADABLE,
    }
    assert {path: skip.reason for path, skip in why.items()} == expected
    assert why["big.py"].detail == "5000 bytes > max_file_bytes 1000"
    assert why["dev"].detail == "character device"
    assert not any(path.startswith(".git") for path, _ in view(entries))


def test_too_large_members_are_never_read(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "big.tar"
    with tarfile.open(path, "w") as archive:
        add_member(archive, "repo/small.py", b"s = 1\n")
        add_member(archive, "repo/huge.py", b"h" * 100_000)
    requested: list[int] = []
    original = tarfile.ExFileObject.read

    def spy(self, size=-1):
        requested.append(size)
        return original(self, size)

    monkeypatch.setattr(tarfile.ExFileObject, "read", spy)
    entries, _ = collect(discover_inputs([path])[0], ScanConfig(max_file_bytes=50))
    assert skips(entries)["huge.py"].reason is SkipReason.TOO_LARGE
    assert requested and max(requested) <= 1024 * 1024  # only caps, never "read it all"
    assert all(size != -1 for size in requested)


def test_hostile_zip_members(tmp_path: Path) -> None:
    path = tmp_path / "evil.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("repo/ok.py", "ok = 1\n")
        archive.writestr("repo/../../evil.py", "evil\n")
        archive.writestr("repo/big.py", "#" * 3000)
        for name, target in (("repo/out.py", "../../../etc/passwd"), ("repo/in.py", "ok.py")):
            info = zipfile.ZipInfo(name)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            archive.writestr(info, target)
        fifo = zipfile.ZipInfo("repo/pipe")
        fifo.external_attr = (stat.S_IFIFO | 0o644) << 16
        archive.writestr(fifo, "")
    (repo,) = discover_inputs([path])
    assert repo.name == "repo"
    entries, _ = collect(repo, ScanConfig(max_file_bytes=1000))
    assert reads(entries) == {"ok.py": b"ok = 1\n", "in.py": b"ok = 1\n"}
    assert {p: s.reason for p, s in skips(entries).items()} == {
        "repo/../../evil.py": SkipReason.UNREADABLE,
        "big.py": SkipReason.TOO_LARGE,
        "out.py": SkipReason.SYMLINK_OUTSIDE,
        "pipe": SkipReason.SPECIAL_FILE,
    }


def test_zip_member_that_lies_about_its_size(tmp_path: Path) -> None:
    path = tmp_path / "liar.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("r/a.py", "A" * 400)
    data = bytearray(path.read_bytes())
    central = data.rfind(b"PK\x01\x02")
    data[central + 24:central + 28] = (10).to_bytes(4, "little")  # uncompressed size: 10
    path.write_bytes(bytes(data))
    entries, _ = collect(discover_inputs([path])[0], ScanConfig(max_file_bytes=100))
    (only,) = entries  # zipfile reads no more than declared, so the CRC check fails
    assert isinstance(only, SkippedFile) and only.reason is SkipReason.CORRUPT_ARCHIVE
    assert "CRC" in only.detail


def test_unopenable_archive_is_one_audited_repository(tmp_path: Path) -> None:
    """Not fatal: one bad archive among many must not stop the run (a zip cut before its
    central directory cannot be opened either)."""
    path = tmp_path / "broken.tar.gz"
    path.write_bytes(b"not an archive at all")
    (repo,) = discover_inputs([path])
    entries, _ = collect(repo, ScanConfig())
    (only,) = entries
    assert (repo.name, only.path, only.reason) == ("broken", ".", SkipReason.CORRUPT_ARCHIVE)
    assert "not a gzip file" in only.detail


def test_truncated_archive_keeps_what_it_read(tmp_path: Path) -> None:
    path = tmp_path / "cut.tar"
    with tarfile.open(path, "w") as archive:
        add_member(archive, "r/a.py", b"a = 1\n")
        add_member(archive, "r/b.py", b"b" * 4000)
    repo = discover_inputs([path])[0]
    path.write_bytes(path.read_bytes()[:1024 + 512 + 100])  # cut inside b.py's data
    entries, _ = collect(repo)
    assert reads(entries) == {"a.py": b"a = 1\n"}
    assert skips(entries)["b.py"].reason is SkipReason.CORRUPT_ARCHIVE
    assert skips(entries)["."].reason is SkipReason.CORRUPT_ARCHIVE


# --------------------------------------------------------------------------- git


@pytest.fixture
def git_repo(tmp_path: Path) -> Path:
    root = write_tree(tmp_path / "proj", {"app.py": "VERSION = 1\n", ".gitignore": "*.gen.py\n",
                                          "lib/util.py": "def u():\n    pass\n"})
    git(root, "init", "-q")
    os.symlink("lib/util.py", root / "util_link.py")
    os.symlink("../../outside.py", root / "escape.py")
    write_tree(root, {"tracked.gen.py": "GEN = 1\n", "big.py": "#" * 3000})
    git(root, "add", "-A")
    git(root, "add", "-f", "tracked.gen.py")
    git(root, "commit", "-q", "-m", "v1")
    git(root, "tag", "v1")
    write_tree(root, {"app.py": "VERSION = 2\n", "lib/new.py": "NEW = 1\n"})
    git(root, "add", "-A")
    sha = git(root, "rev-parse", "HEAD")  # a gitlink, as a submodule leaves in the tree
    git(root, "update-index", "--add", "--cacheinfo", f"160000,{sha},vendor_sub")
    git(root, "commit", "-q", "-m", "v2")
    write_tree(root, {"app.py": "VERSION = 3 (not committed)\n"})
    return root


def test_git_reads_each_revision(git_repo: Path) -> None:
    config = ScanConfig(max_file_bytes=1000)
    (at_tag,) = discover_inputs([git_repo], rev="v1")
    (at_head,) = discover_inputs([git_repo], rev="HEAD")
    (older,) = discover_inputs([git_repo], rev="HEAD~1")
    assert isinstance(at_tag, GitRepo) and at_tag.name == "proj" and len(at_tag.commit) == 40
    assert older.commit == at_tag.commit != at_head.commit
    v1, v2 = collect(at_tag, config)[0], collect(at_head, config)[0]
    assert reads(v1)["app.py"] == b"VERSION = 1\n"
    assert reads(v2)["app.py"] == b"VERSION = 2\n"  # the revision, not the working tree
    assert "lib/new.py" not in reads(v1) and reads(v2)["lib/new.py"] == b"NEW = 1\n"
    assert reads(v1)["tracked.gen.py"] == b"GEN = 1\n"  # .gitignore does not apply
    assert reads(v1)["util_link.py"] == reads(v1)["lib/util.py"]
    why = skips(v2)
    assert why["escape.py"].reason is SkipReason.SYMLINK_OUTSIDE
    assert why["big.py"].reason is SkipReason.TOO_LARGE
    assert (why["vendor_sub"].reason, why["vendor_sub"].detail) == (SkipReason.SPECIAL_FILE,
                                                                    "submodule")
    assert [p for p, _ in view(v2)] == sorted(p for p, _ in view(v2))


def test_git_bare_repository(git_repo: Path, tmp_path: Path) -> None:
    bare = tmp_path / "proj.git"
    git(tmp_path, "clone", "-q", "--bare", str(git_repo), str(bare))
    assert input_kind(bare, rev="v1") == "git"
    (repo,) = discover_inputs([bare], rev="v1")
    assert repo.name == "proj"
    assert reads(collect(repo)[0])["app.py"] == b"VERSION = 1\n"


def test_folder_of_git_repositories(git_repo: Path) -> None:
    (repo,) = discover_inputs([git_repo.parent], rev="v1")
    assert repo.name == "proj"


def test_git_errors_are_clear(git_repo: Path, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not a commit"):
        discover_inputs([git_repo], rev="no-such-tag")
    plain = write_tree(tmp_path / "plain", {"a.py": "a = 1\n"})
    with pytest.raises(InputError, match="not a git repository"):
        discover_inputs([plain], rev="main")


def test_git_reader_stops_its_process_when_abandoned(git_repo: Path) -> None:
    (repo,) = discover_inputs([git_repo], rev="v1")
    entries, _ = repo.entries()
    next(entries)
    entries.close()  # must not leave a git cat-file process behind (or hang)


# --------------------------------------------------------------------------- records


STACK_ROWS = [
    {"max_stars_repo_name": "o/beta", "max_stars_repo_path": "b.py", "content": "b = 1\n"},
    {"max_stars_repo_name": "o/alpha", "max_stars_repo_path": "pkg/a.py", "content": "a = 1\n"},
    {"max_stars_repo_name": "o/beta", "max_stars_repo_path": "lib/c.py", "content": "c = 1\n"},
    {"max_stars_repo_name": "o/alpha", "max_stars_repo_path": "a2.py", "content": "a2 = 1\n"},
    {"max_stars_repo_name": None, "max_stars_repo_path": "x.py", "content": "x\n"},
    {"max_stars_repo_name": "o/alpha", "max_stars_repo_path": "pkg/a.py", "content": "dup\n"},
    {"max_stars_repo_name": "o/alpha", "max_stars_repo_path": "none.py", "content": None},
    {"max_stars_repo_name": "o/alpha", "max_stars_repo_path": None, "content": "p\n"},
    {"max_stars_repo_name": "o/beta", "max_stars_repo_path": "package.json", "content": "{}\n"},
]


def test_parquet_groups_scattered_rows_across_files(tmp_path: Path) -> None:
    first = parquet(tmp_path / "part-0.parquet", STACK_ROWS[:5])
    parquet(tmp_path / "part-1.parquet", STACK_ROWS[5:])
    assert input_kind(tmp_path) == "records" and input_kind(first) == "records"
    repos = discover_inputs([tmp_path])
    assert [r.name for r in repos] == ["o/alpha", "o/beta"]
    assert all(isinstance(r, RecordsRepo) for r in repos)
    alpha, beta = (collect(r)[0] for r in repos)
    assert reads(alpha) == {"a2.py": b"a2 = 1\n", "pkg/a.py": b"a = 1\n"}  # first record wins
    why = skips(alpha)
    assert why["pkg/a.py"].reason is SkipReason.DUPLICATE_PATH
    assert "part-1.parquet row 0" in why["pkg/a.py"].detail  # the dropped copy ...
    assert "(part-0.parquet row 1) is kept" in why["pkg/a.py"].detail  # ... and the kept one
    assert why["none.py"].reason is SkipReason.UNREADABLE
    assert why["<part-1.parquet row 2>"].detail == "no path"
    assert reads(beta) == {"b.py": b"b = 1\n", "lib/c.py": b"c = 1\n"}
    assert skips(beta)["package.json"].reason is SkipReason.NOT_CODE  # decided by its name
    assert collect(repos[1])[1] == {"package.json": "{}\n"}
    assert [p for p, _ in view(alpha)] == sorted(p for p, _ in view(alpha))


def test_parquet_binary_content_and_configured_columns(tmp_path: Path) -> None:
    schema = pa.schema([("r", pa.string()), ("p", pa.string()), ("body", pa.binary())])
    rows = [{"r": "x", "p": "a.py", "body": b"\xff\xfe binary"},
            {"r": "y", "p": "b.py", "body": b"b = 1\n"}]
    path = parquet(tmp_path / "d.parquet", rows, schema=schema)
    for columns in (RecordColumns("r", "p", "body"), "repo=r,path=p,content=body",
                    {"repo": "r", "path": "p", "content": "body"}):
        repos = discover_inputs([path], records_columns=columns)
        assert [reads(collect(r)[0]) for r in repos] == [{"a.py": b"\xff\xfe binary"},
                                                         {"b.py": b"b = 1\n"}]


def test_missing_columns_are_clear_errors(tmp_path: Path) -> None:
    path = parquet(tmp_path / "d.parquet", [{"name": "x", "file": "a.py", "content": "a"}])
    with pytest.raises(InputError, match="no repository column: tried max_stars_repo_name"):
        discover_inputs([path])
    with pytest.raises(InputError, match="no path column 'nope'"):
        discover_inputs([path], records_columns=RecordColumns("name", "nope"))
    with pytest.raises(InputError, match="bad records column option"):
        discover_inputs([path], records_columns="repository:name")


@pytest.mark.parametrize("suffix", [".jsonl", ".jsonl.gz", ".jsonl.zst"])
def test_jsonl_records(tmp_path: Path, suffix: str) -> None:
    lines = [json.dumps({"repo_name": r, "path": p, "text": c})
             for r, p, c in [("b", "z.py", "z\n"), ("a", "x.py", "x\n"), ("a", "y.py", "y\n"),
                             ("b", "w.py", "w\n")]]
    data = ("\n".join([lines[0], "{not json", lines[1], lines[2], "", lines[3]]) + "\n").encode()
    path = tmp_path / f"data{suffix}"
    if suffix.endswith(".gz"):
        path.write_bytes(gzip.compress(data))
    elif suffix.endswith(".zst"):
        with pa.output_stream(str(path), compression="zstd") as out:
            out.write(data)
    else:
        path.write_bytes(data)
    repos = discover_inputs([path])
    assert [r.name for r in repos] == ["a", "b"]
    assert [reads(collect(r)[0]) for r in repos] == [{"x.py": b"x\n", "y.py": b"y\n"},
                                                     {"w.py": b"w\n", "z.py": b"z\n"}]
    assert len(repos[0].parts[0].spans) == 1  # consecutive lines collapse into one span


def test_gzip_jsonl_reads_repositories_in_any_order(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(inputs.streams, "_GZIP_CHECKPOINT", 256)  # many snapshots, small file
    monkeypatch.setattr(inputs.streams, "_GZIP_INPUT_CHUNK", 64)
    lines = [json.dumps({"repo": f"r{i % 7}", "path": f"f{i}.py", "content": f"v = {i}\n" * 5})
             for i in range(120)]
    plain = tmp_path / "d.jsonl"
    plain.write_text("\n".join(lines) + "\n")
    half = len(lines) // 2  # two gzip members, as bgzip or parallel writers leave them
    packed = tmp_path / "d.jsonl.gz"
    packed.write_bytes(gzip.compress(("\n".join(lines[:half]) + "\n").encode())
                       + gzip.compress(("\n".join(lines[half:]) + "\n").encode()))
    expected = {r.name: collect(r)[0] for r in discover_inputs([plain])}
    repos = discover_inputs([packed])
    for repo in reversed(repos):  # backwards: every read starts before the previous one
        assert collect(repo)[0] == expected[repo.name]
    assert len(expected) == 7


def test_jsonl_single_repo_needs_no_repo_column(tmp_path: Path) -> None:
    path = tmp_path / "one.jsonl"
    path.write_text(json.dumps({"path": "a.py", "content": "a\n"}) + "\n")
    (repo,) = discover_inputs([path], single_repo=True)
    assert repo.name == "one" and reads(collect(repo)[0]) == {"a.py": b"a\n"}
    path.write_text("[1, 2, 3]\n")
    with pytest.raises(InputError, match="no JSON object lines"):
        discover_inputs([path])


def test_records_changed_after_discovery(tmp_path: Path) -> None:
    path = parquet(tmp_path / "d.parquet", STACK_ROWS[:4])
    repo = discover_inputs([path])[0]
    parquet(path, STACK_ROWS[:2])
    os.utime(path, ns=(1, 1))
    entries, _ = collect(repo)
    (only,) = entries
    assert only.path == "." and "changed" in only.detail


def test_records_corrupted_in_place_do_not_crash(tmp_path: Path) -> None:
    path = tmp_path / "d.jsonl.gz"
    lines = [json.dumps({"repo": f"r{i}", "path": "a.py", "content": "a = 1\n" * 50})
             for i in range(3)]
    path.write_bytes(gzip.compress(("\n".join(lines) + "\n").encode()))
    repos = discover_inputs([path])
    info = path.stat()
    data = bytearray(path.read_bytes())
    data[20:-8] = b"\x00" * (len(data) - 28)  # same size, same mtime, garbage inside
    path.write_bytes(bytes(data))
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))
    inputs.clear_reader_cache()
    entries, _ = collect(repos[-1])
    assert entries and all(isinstance(e, SkippedFile) for e in entries)
    assert entries[0].reason is SkipReason.UNREADABLE


# --------------------------------------------------------------------------- cross-cutting


def test_inputs_pickle_and_read_deterministically(demo: Path, git_repo: Path,
                                                  tmp_path: Path) -> None:
    archive = make_tar(tmp_path / "demo.tgz", demo, "demo")
    records = parquet(tmp_path / "d.parquet", STACK_ROWS)
    repos = discover_inputs([records, archive]) + discover_inputs([git_repo], rev="v1")
    for repo in repos:
        clone = pickle.loads(pickle.dumps(repo))
        assert clone == repo
        assert collect(clone) == collect(repo)


def test_unique_names_across_kinds(demo: Path, git_repo: Path, tmp_path: Path) -> None:
    shutil.copytree(demo, tmp_path / "proj_src", symlinks=True)
    archive = make_tar(tmp_path / "a.tgz", tmp_path / "proj_src", "proj")
    names = [r.name for r in discover_inputs([archive, git_repo], rev="v1")]
    assert names == sorted(["a.tgz/proj", f"{tmp_path.name}/proj"])


def test_input_kind_rules(tmp_path: Path, demo: Path) -> None:
    assert input_kind(demo) == "folder"
    assert all(isinstance(repo, FolderRepo) for repo in discover_inputs([demo]))
    odd = tmp_path / "notes.txt"
    odd.write_text("x")
    with pytest.raises(InputError, match="unsupported input file"):
        input_kind(odd)
    with pytest.raises(InputError, match="does not exist"):
        input_kind(tmp_path / "missing.parquet")


_NAMES = st.sampled_from(["a", "b", "src", "x.py", "y.js", "lib", "t.go"])
_TREES = st.dictionaries(
    st.lists(_NAMES, min_size=1, max_size=3).map("/".join),
    st.binary(max_size=40),
    min_size=1,
    max_size=8,
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_TREES)
def test_every_container_gives_the_same_entries(files: dict[str, bytes]) -> None:
    # a path that is also a folder of another path cannot be a file: drop such clashes
    files = {p: d for p, d in files.items() if not any(o.startswith(p + "/") for o in files)}
    config = ScanConfig(vendored_dirs=("lib",))
    with tempfile.TemporaryDirectory() as temp:
        tmp = Path(temp)
        root = write_tree(tmp / "repo", files)
        tar = make_tar(tmp / "repo.tar.gz", root, "repo")
        zipped = make_zip(tmp / "repo.zip", root, "repo")
        rows = [{"repo": "repo", "path": p, "content": d} for p, d in files.items()]
        table = parquet(tmp / "repo.parquet", rows, row_group_size=3)
        expected = folder_view(root, config)
        for path in (tar, zipped, table):
            (repo,) = discover_inputs([path])
            entries, _ = collect(repo, config)
            assert view(entries) == expected
            assert reads(entries) == {p: d for p, d in files.items() if (p, "read") in expected}
