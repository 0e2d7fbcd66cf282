"""Hostile or damaged inputs end to end: odd repository names, corrupt archives, duplicates.

Each case runs a whole ``codepack.pack`` and checks that the run completes for the healthy
repositories and that every file of the damaged one is packed or audited with a reason.
"""

from __future__ import annotations

import io
import json
import os
import random
import subprocess
import sys
import tarfile
import warnings
import zipfile
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import codepack
from codepack.inputs import discover_inputs
from codepack.inputs import discover_inputs as discover_repos
from codepack.inputs.paths import printable_path

BAD = os.fsdecode(b"bad\xff")  # a name the OS hands over surrogate-escaped


def packed(out: Path) -> dict[str, list[str]]:
    rows = pq.read_table(sorted(out.glob("part-*.parquet")), columns=["repo", "paths"])
    files: dict[str, list[str]] = {}
    for row in rows.to_pylist():
        files.setdefault(row["repo"], []).extend(row["paths"])
    return {repo: sorted(paths) for repo, paths in files.items()}


def dropped(out: Path) -> list[dict]:
    return pq.read_table(out / "dropped.parquet").to_pylist()


def manifest_stats(out: Path) -> dict:
    return json.loads((out / "manifest.json").read_text())["stats"]


def write_tar(path: Path, members: list[tuple[bytes, bytes]], mode: str = "w:gz") -> Path:
    with tarfile.open(path, mode, format=tarfile.GNU_FORMAT) as tar:
        for name, data in members:
            info = tarfile.TarInfo(os.fsdecode(name))
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


def _folder_input(tmp_path: Path) -> Path:
    root = tmp_path / "repos"
    (root / "good").mkdir(parents=True)
    (root / "good" / "a.py").write_text("x = 1\n")
    (root / BAD).mkdir()
    (root / BAD / "b.py").write_text("y = 2\n")
    return root


def _records_input(tmp_path: Path) -> Path:
    path = tmp_path / "rows.jsonl"
    rows = [{"repo": "good", "path": "a.py", "content": "x = 1\n"},
            {"repo": "bad\udcff", "path": "b.py", "content": "y = 2\n"}]
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    return path


def _archive_input(tmp_path: Path) -> Path:
    members = [(b"good/a.py", b"x = 1\n"), (b"bad\xff/b.py", b"y = 2\n")]
    return write_tar(tmp_path / "repos.tar.gz", members)


@pytest.mark.parametrize("make_input", [_folder_input, _records_input, _archive_input])
def test_repository_name_that_is_not_utf8_is_escaped_and_packed(
    tmp_path: Path, make_input, caplog: pytest.LogCaptureFixture
) -> None:
    out = tmp_path / "out"
    codepack.pack([make_input(tmp_path)], out, workers=1)
    assert packed(out) == {"bad\\xff": ["b.py"], "good": ["a.py"]}
    assert not (out / ".codepack-work").exists()
    assert "not valid UTF-8" in caplog.text


def test_escaped_name_clashing_with_a_real_name_is_made_unique(tmp_path: Path) -> None:
    (tmp_path / BAD).mkdir()
    (tmp_path / "bad\\xff").mkdir()  # the literal text the escape produces
    names = [repo.name for repo in discover_repos([tmp_path])]
    assert len(set(names)) == 2 and all("bad\\xff" in name for name in names)


def test_printable_path_escapes_any_lone_surrogate() -> None:
    assert printable_path("a\udcffb") == "a\\xffb"
    assert printable_path("a\ud800b") == "a\\ud800b"


# ----------------------------------------------------------------------------- damaged archives


def _sources(prefix: str = "proj/", count: int = 12) -> list[tuple[str, bytes]]:
    """Python files big enough that damage in the middle of an archive lands between them."""
    rng = random.Random(prefix)
    return [(f"{prefix}m{i:02d}.py",
             "".join(f"v{i}_{j} = {rng.randrange(10**6)}\n" for j in range(200)).encode())
            for i in range(count)]


def _tar_bytes(members: list[tuple[str, bytes]], mode: str) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode=mode) as tar:
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def _zip_bytes(members: list[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members:
            archive.writestr(name, data)
    return buffer.getvalue()


def _header_offset(data: bytes, index: int) -> int:
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        return tar.getmembers()[index].offset


def _flipped(data: bytes, at: int) -> bytes:
    damaged = bytearray(data)
    damaged[at] ^= 0xFF
    return bytes(damaged)


DAMAGED = {  # archive name -> its bytes, damaged the way users report
    "flipped.tar.gz": lambda m: _flipped(_tar_bytes(m, "w:gz"), len(_tar_bytes(m, "w:gz")) // 2),
    "bad_crc.tar.gz": lambda m: _flipped(_tar_bytes(m, "w:gz"), -8),  # the gzip trailer's CRC
    "cut.tar.gz": lambda m: _tar_bytes(m, "w:gz")[: len(_tar_bytes(m, "w:gz")) // 2],
    "cut.tar": lambda m: _tar_bytes(m, "w")[: len(_tar_bytes(m, "w")) // 2 + 100],
    "cut_at_header.tar": lambda m: _tar_bytes(m, "w")[: _header_offset(_tar_bytes(m, "w"), 3)],
    "cut.zip": lambda m: _zip_bytes(m)[: len(_zip_bytes(m)) // 2],
    "flipped.zip": lambda m: _flipped(_zip_bytes(m), len(_zip_bytes(m)) // 4),
}


DAMAGE_SEEN = {  # what the audit detail says for each
    "flipped.tar.gz": "damaged member header",
    "bad_crc.tar.gz": "CRC check failed",
    "cut.tar.gz": "Compressed file ended",
    "cut.tar": "cut short",
    "cut_at_header.tar": "cut short",
    "cut.zip": "not a zip file",
    "flipped.zip": "cannot read archive member",
}


@pytest.mark.parametrize("name", sorted(DAMAGED))
def test_damaged_archive_is_never_silent(tmp_path: Path, name: str) -> None:
    members = _sources()
    archive = tmp_path / name
    archive.write_bytes(DAMAGED[name](members))
    out = tmp_path / "out"
    codepack.pack([archive], out, workers=1)
    rows = dropped(out)
    corrupt = [row for row in rows if row["reason"] == "corrupt_archive"]
    # a zip cut before its central directory lists nothing: it is named after the archive
    repo = "cut" if name == "cut.zip" else "proj"
    assert corrupt and all(row["repo"] == repo for row in corrupt)
    assert any(DAMAGE_SEEN[name] in row["detail"] for row in corrupt)
    assert manifest_stats(out)["skipped.corrupt_archive"] == len(corrupt)
    # what is packed is intact, and no member is both packed and dropped
    original = {name.removeprefix("proj/"): data.decode() for name, data in members}
    texts = pq.read_table(sorted(out.glob("part-*.parquet")), columns=["text"]).column(0)
    kept = packed(out).get("proj", [])
    assert all(original[path].splitlines()[0] in "".join(texts.to_pylist()) for path in kept)
    assert set(kept).isdisjoint(row["path"] for row in rows)
    assert set(kept) | {row["path"] for row in rows} - {"."} <= set(original)


def test_damage_in_one_repository_of_an_archive_leaves_the_others_whole(tmp_path: Path) -> None:
    members = _sources("first/", 4) + _sources("second/", 12)
    data = _tar_bytes(members, "w")
    archive = tmp_path / "both.tar"
    archive.write_bytes(data[: len(data) * 3 // 4])
    out = tmp_path / "out"
    codepack.pack([archive], out, workers=1)
    assert packed(out)["first"] == [f"m{i:02d}.py" for i in range(4)]
    assert {row["repo"] for row in dropped(out) if row["reason"] == "corrupt_archive"} == {
        "second"
    }


def test_cli_warns_about_a_damaged_archive_on_stderr(tmp_path: Path) -> None:
    archive = tmp_path / "cut.tar"
    archive.write_bytes(DAMAGED["cut.tar"](_sources()))
    result = subprocess.run(
        [sys.executable, "-m", "codepack", "pack", str(archive), "--out", str(tmp_path / "out"),
         "--workers", "1"], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert f"archive {archive} is damaged" in result.stderr


# ----------------------------------------------------------------------------- duplicate paths


def _duplicate_rows() -> list[dict]:
    return [{"repo": "r", "path": "a.py", "content": "first = 1\n"},
            {"repo": "r", "path": "b.py", "content": "b = 1\n"},
            {"repo": "r", "path": "a.py", "content": "second = 2\n"}]


def _jsonl_duplicates(tmp_path: Path) -> Path:
    path = tmp_path / "rows.jsonl"
    path.write_text("".join(json.dumps(row) + "\n" for row in _duplicate_rows()))
    return path


def _parquet_duplicates(tmp_path: Path) -> Path:
    path = tmp_path / "rows.parquet"
    pq.write_table(pa.Table.from_pylist(_duplicate_rows()), path)
    return path


def _tar_duplicates(tmp_path: Path) -> Path:
    path = tmp_path / "r.tar"
    path.write_bytes(_tar_bytes([(f"r/{row['path']}", row["content"].encode())
                                 for row in _duplicate_rows()], "w"))
    return path


def _zip_duplicates(tmp_path: Path) -> Path:
    path = tmp_path / "r.zip"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # zipfile: "Duplicate name"
        path.write_bytes(_zip_bytes([(f"r/{row['path']}", row["content"].encode())
                                     for row in _duplicate_rows()]))
    return path


@pytest.mark.parametrize(("make_input", "kept"), [
    (_jsonl_duplicates, "first"), (_parquet_duplicates, "first"),  # dataset order: first row
    (_tar_duplicates, "second"), (_zip_duplicates, "second"),  # as extraction: last member
])
def test_duplicate_paths_are_counted_and_audited(tmp_path: Path, make_input, kept: str) -> None:
    out = tmp_path / "out"
    codepack.pack([make_input(tmp_path)], out, workers=1)
    (row,) = [row for row in dropped(out) if row["reason"] == "duplicate_path"]
    assert (row["repo"], row["path"], row["stage"]) == ("r", "a.py", "scan")
    assert "kept" in row["detail"]
    assert manifest_stats(out)["skipped.duplicate_path"] == 1
    texts = "".join(pq.read_table(sorted(out.glob("part-*.parquet"))).column("text").to_pylist())
    assert kept in texts and ({"first", "second"} - {kept}).pop() not in texts


def test_file_member_replaced_by_a_folder_entry_is_accounted_for(tmp_path: Path) -> None:
    path = tmp_path / "r.tar"
    with tarfile.open(path, "w") as tar:
        for name, kind in (("r/a.py", tarfile.REGTYPE), ("r/a.py", tarfile.DIRTYPE),
                           ("r/b.py", tarfile.REGTYPE)):
            info = tarfile.TarInfo(name)
            info.type = kind
            tar.addfile(info, io.BytesIO(b""))
    (repo,) = discover_inputs([path])
    entries, _ = repo.entries()
    skips = [(e.path, e.reason.value) for e in entries if not isinstance(e, tuple)]
    assert skips == [("a.py", "duplicate_path")]


def test_input_path_that_is_not_utf8_completes_with_its_card(tmp_path: Path) -> None:
    repo = _folder_input(tmp_path) / BAD
    out = tmp_path / "out"
    codepack.pack([repo], out, workers=1, single_repo=True, command=f"codepack pack {repo}")
    assert packed(out) == {"bad\\xff": ["b.py"]}
    assert "\\udcff" in (out / "README.md").read_text(encoding="utf-8")
