"""One repository, five containers, the same entries: a differential property test.

Hypothesis builds a small repository (nested ``.gitignore`` files, a vendored folder, a
binary, an invalid-UTF-8 file, files over the size limit, symlinks to a file, to a folder,
out of the repository and to nothing) and packs it as a folder, a tar.gz, a zip, a Parquet
records file and a git revision. Under random ``--include``/``--exclude`` rules every
container must hand the scanner the same ``(path, bytes)`` entries and the same skips
(path, reason and detail). This is the test that would have caught the two walkers drifting.

What a container cannot hold is compared where it can: dataset rows have no symlinks (the
folder's entries at or below a link are left out of the comparison), and a git revision
tracks what was committed, so it is committed with ``git add -f`` and compared with the
folder walked without ``.gitignore`` (tracked files are tracked, whatever ``.gitignore`` says).
"""

from __future__ import annotations

import io
import os
import tarfile
import tempfile
from dataclasses import replace
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from hypothesis import given, settings
from hypothesis import strategies as st

from codepack import scan_files
from codepack.config import ScanConfig
from codepack.inputs import FilesRepo, FolderRepo, RepoInput, discover_inputs
from codepack.records import SkippedFile, SkipReason
from test_inputs import git, make_tar, make_zip

MAX_FILE_BYTES = 64
FOLDERS = ["src", "src/gen", "lib", "build", "docs", "node_modules", "a", "a/b"]
NAMES = ["x.py", "y.js", "z.txt", "notes.md", "img.png", "m", "keep.py", "Main.java"]
CONTENTS = {
    "code": b"value = 1\n",
    "empty": b"",
    "binary": b"\x00\x01\x02binary\x00",
    "latin1": b"caf\xe9 = 1\n",
    "huge": b"# big\n" + b"x = 1\n" * 30,  # over MAX_FILE_BYTES
}
IGNORE_LINES = ["*.js", "build/", "gen", "!keep.py", "/x.py", "a/**", "*.md", "b/", "!*.md",
                "m", "src/gen/", "*.png", "!y.js", "**/z.txt"]
RULES = ["src/", "/src/", "src", "*.py", "!src/gen/", "a/", "lib/**", "*.txt", "keep.py",
         "!*.js", "x.*", "lnk/", "docs"]
# (link name, target): into a file, into a folder, out of the repository, to nothing
LINKS = [("lnk", "src"), ("to_x.py", "src/x.py"), ("out.py", "../outside.py"),
         ("abs.py", "/etc/hostname"), ("gone.py", "missing.py"), ("up", "..")]


@st.composite
def repositories(draw: st.DrawFn) -> dict[str, object]:
    """A small repository: files by path, .gitignore texts by folder, symlinks by path."""
    folders = ["", *draw(st.lists(st.sampled_from(FOLDERS), max_size=5, unique=True))]
    files: dict[str, bytes] = {"src/x.py": CONTENTS["code"]}  # a target for the links
    for _ in range(draw(st.integers(2, 10))):
        folder = draw(st.sampled_from(folders))
        name = draw(st.sampled_from(NAMES))
        files[f"{folder}/{name}".lstrip("/")] = CONTENTS[draw(st.sampled_from(sorted(CONTENTS)))]
    for folder in draw(st.lists(st.sampled_from(folders), max_size=3, unique=True)):
        lines = draw(st.lists(st.sampled_from(IGNORE_LINES), min_size=1, max_size=4))
        files[f"{folder}/.gitignore".lstrip("/")] = "".join(f"{line}\n" for line in lines).encode()
    links = dict(draw(st.lists(st.sampled_from(LINKS), max_size=3, unique=True)))
    return {"files": files, "links": links}


def _config(draw_include: list[str], draw_exclude: list[str]) -> ScanConfig:
    return ScanConfig(max_file_bytes=MAX_FILE_BYTES, include=tuple(draw_include),
                      exclude=tuple(draw_exclude))


def _as_seen(repo: RepoInput, config: ScanConfig) -> list[tuple[str, str, bytes | str]]:
    entries, _ = repo.entries(config)
    return sorted((e.path, e.reason.value, e.detail) if isinstance(e, SkippedFile)
                  else (e[0], "read", e[1]) for e in entries)


def _below(path: str, links: dict[str, str]) -> bool:
    return any(path == link or path.startswith(link + "/") for link in links)


def _build(base: Path, files: dict[str, bytes], links: dict[str, str]) -> dict[str, Path]:
    """The repository as a folder, a tar.gz, a zip, a Parquet file and a git repository."""
    root = base / "repo"
    for rel, data in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(data)
    for link, target in links.items():
        os.symlink(target, root / link)
    (base / "outside.py").write_text("secret = 1\n")  # what out.py points at: it exists
    rows = [{"repo": "repo", "path": rel, "content": data} for rel, data in files.items()]
    schema = pa.schema([("repo", pa.string()), ("path", pa.string()), ("content", pa.binary())])
    pq.write_table(pa.Table.from_pylist(rows, schema=schema), base / "rows.parquet")
    tracked = base / "tracked" / "repo"
    for rel, data in files.items():
        (tracked / rel).parent.mkdir(parents=True, exist_ok=True)
        (tracked / rel).write_bytes(data)
    for link, target in links.items():
        os.symlink(target, tracked / link)
    git(tracked, "init", "-q")
    git(tracked, "add", "-f", "-A")
    git(tracked, "commit", "-q", "--allow-empty", "-m", "v1")
    return {
        "folder": root,
        "tar.gz": make_tar(base / "repo.tar.gz", root, "repo"),
        "zip": make_zip(base / "repo.zip", root, "repo"),
        "parquet": base / "rows.parquet",
        "git": tracked,
    }


@settings(max_examples=25, deadline=None)
@given(repositories(),
       st.lists(st.sampled_from(RULES), max_size=3),
       st.lists(st.sampled_from(RULES), max_size=2))
def test_every_container_gives_the_folder_entries(repository, include, exclude) -> None:
    files, links = repository["files"], repository["links"]
    config = _config(include, exclude)
    with tempfile.TemporaryDirectory() as tmp:
        paths = _build(Path(tmp), files, links)
        folder = FolderRepo("repo", paths["folder"])
        expected = _as_seen(folder, config)
        for kind in ("tar.gz", "zip"):
            (repo,) = discover_inputs([paths[kind]])
            assert _as_seen(repo, config) == expected, kind
        (rows,) = discover_inputs([paths["parquet"]])
        assert _as_seen(rows, config) == [e for e in expected if not _below(e[0], links)]
        (revision,) = discover_inputs([paths["git"]], rev="HEAD")
        untracked = replace(config, respect_gitignore=False)
        assert _as_seen(revision, config) == _as_seen(folder, untracked)


# --------------------------------------------------- what the two walkers disagreed on


def _tar(path: Path, members: dict[str, bytes], links: dict[str, str]) -> Path:
    with tarfile.open(path, "w:gz") as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(f"repo/{name}")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
        for name, target in links.items():
            info = tarfile.TarInfo(f"repo/{name}")
            info.type, info.linkname = tarfile.SYMTYPE, target
            archive.addfile(info)
    return path


def test_a_file_ruled_out_by_name_gets_that_reason_in_every_container(tmp_path: Path) -> None:
    """A huge image was NOT_CODE in a folder (decided by name before reading) but TOO_LARGE in
    an archive (sized before the name was looked at): one planner decides in one order."""
    archive = _tar(tmp_path / "repo.tgz", {"big.png": b"\x89PNG" * 64, "a.py": b"a = 1\n"}, {})
    (repo,) = discover_inputs([archive])
    entries, _ = repo.entries(ScanConfig(max_file_bytes=100))
    skips = {e.path: e for e in entries if isinstance(e, SkippedFile)}
    assert skips["big.png"].reason is SkipReason.NOT_CODE


def test_a_link_into_git_metadata_is_refused_in_an_archive_too(tmp_path: Path) -> None:
    """On disk a link into ``.git`` was refused; in an archive it packed ``.git/config``."""
    members = {".git/config": b"[remote]\n\ttoken = hunter2\n", "a.py": b"a = 1\n"}
    archive = _tar(tmp_path / "repo.tgz", members, {"cfg.py": ".git/config"})
    (repo,) = discover_inputs([archive])
    entries = list(repo.entries(ScanConfig())[0])
    assert not any(b"hunter2" in e[1] for e in entries if not isinstance(e, SkippedFile))
    skips = {e.path: e for e in entries if isinstance(e, SkippedFile)}
    assert skips["cfg.py"].reason is SkipReason.SYMLINK_OUTSIDE
    assert skips["cfg.py"].detail == "points into .git: .git/config"


def test_in_memory_files_are_walked_like_the_same_rows_in_a_dataset(tmp_path: Path) -> None:
    """``scan_files``/``pack_repo`` took every pair as given: a ``..`` path, a second copy of
    a path and files under an ignored or vendored folder were all scanned. They are now walked
    like the same rows read from a records file."""
    rows = [("../escape.py", "x = 1\n"), ("a.py", "a = 1\n"), ("a.py", "a = 2\n"),
            (".gitignore", "gen/\n"), ("gen/g.py", "g = 1\n"), ("node_modules/m.js", "m;\n"),
            ("b.py", b"b = 1\n")]
    table = [{"repo": "r", "path": path, "content": content if isinstance(content, str)
              else content.decode()} for path, content in rows]
    pq.write_table(pa.Table.from_pylist(table), tmp_path / "rows.parquet")
    (dataset,) = discover_inputs([tmp_path / "rows.parquet"])
    config = ScanConfig()
    seen = _as_seen(FilesRepo("r", tuple(rows)), config)
    assert [(p, why) for p, why, _ in seen] == [(p, why) for p, why, _ in _as_seen(dataset, config)]
    scan = scan_files("r", rows)
    assert [f.path for f in scan.files] == ["a.py", "b.py"]
    assert scan.files[0].text == "a = 1\n"  # the first copy, as in a dataset
    why = {s.path: s.reason for s in scan.skipped}
    assert why["../escape.py"] is SkipReason.UNREADABLE  # unsafe path, never packed
    assert why["gen"] is SkipReason.IGNORED and why["node_modules"] is SkipReason.VENDORED
