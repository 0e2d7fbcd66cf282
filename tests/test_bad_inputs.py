"""Hostile or damaged inputs end to end: odd repository names, corrupt archives, duplicates.

Each case runs a whole ``codepack.pack`` and checks that the run completes for the healthy
repositories and that every file of the damaged one is packed or audited with a reason.
"""

from __future__ import annotations

import io
import json
import os
import tarfile
from pathlib import Path

import pyarrow.parquet as pq
import pytest

import codepack
from codepack.sources import discover_repos, printable_path

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
