"""--out as a filesystem URI: staged locally, copied to the target as files become final."""

from __future__ import annotations

from pathlib import Path

import pytest

from codepack import pack
from codepack.config import ExampleConfig, OutputConfig, PackConfig
from codepack.run.driver import OutputError

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "repos"
CONFIG = PackConfig(examples=ExampleConfig(max_tokens=512))
REPOS = [str(FIXTURES / "py-pkg"), str(FIXTURES / "go-mod")]


def test_uri_output_equals_local_output(tmp_path: Path) -> None:
    local = tmp_path / "local"
    pack(REPOS, local, CONFIG, workers=1, single_repo=True)
    remote = tmp_path / "remote"
    summary = pack(REPOS, f"file://{remote}", CONFIG, workers=1, single_repo=True)
    assert summary.out == f"file://{remote}"
    names = sorted(p.name for p in local.iterdir() if p.is_file())
    assert names == sorted(p.name for p in remote.iterdir() if p.is_file())
    for name in names:
        if name != "README.md":  # the card differs only in the --out it records
            assert (remote / name).read_bytes() == (local / name).read_bytes(), name
    assert sorted(p.name for p in (remote / "plots").iterdir()) == sorted(
        p.name for p in (local / "plots").iterdir())


def test_uri_output_refuses_a_non_empty_target_and_overwrites_only_its_files(
    tmp_path: Path,
) -> None:
    target = tmp_path / "t"
    target.mkdir()
    (target / "notes.txt").write_text("mine")
    with pytest.raises(OutputError, match="--overwrite"):
        pack(REPOS, f"file://{target}", CONFIG, workers=1, single_repo=True)
    pack(REPOS, f"file://{target}", CONFIG, workers=1, single_repo=True, overwrite=True)
    assert (target / "notes.txt").read_text() == "mine"
    assert (target / "part-00000.parquet").is_file()


def test_uri_output_resumes_from_the_target(tmp_path: Path) -> None:
    target = tmp_path / "t"
    config = PackConfig(examples=ExampleConfig(max_tokens=512), output=OutputConfig(shard_bytes=1))
    first = pack(REPOS, f"file://{target}", config, workers=1, single_repo=True)
    before = {p.name: p.read_bytes() for p in target.iterdir() if p.is_file()}
    # a shard marker lost on the target: resume redoes that shard and everything after it
    (target / ".part-00001.parquet.done").unlink()
    again = pack(REPOS, f"file://{target}", config, workers=1, single_repo=True, resume=True)
    assert again.shards == first.shards
    after = {p.name: p.read_bytes() for p in target.iterdir() if p.is_file()}
    assert after == before
