"""``codepack explain`` shows the order ``codepack pack`` writes: one resolve path for both.

The order explain reports is compared with the order of the files in the packed Parquet, read
back, so any drift between the two (a resolver input one of them forgets, a dedup drop, an
option) fails here.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from codepack import api
from codepack.config import PackConfig
from codepack.run.driver import pack

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "repos"
REPOS = sorted(p.name for p in FIXTURES.iterdir() if p.is_dir())


def packed_order(out: Path) -> list[str]:
    """Paths in the order the shards hold them, each file once (its first part)."""
    order: list[str] = []
    for shard in sorted(out.glob("part-*.parquet")):
        table = pq.read_table(shard, columns=["example_index", "paths", "file_parts"])
        rows = sorted(table.to_pylist(), key=lambda row: row["example_index"])
        for row in rows:
            order.extend(p for p, part in zip(row["paths"], row["file_parts"], strict=True)
                         if part == 0)
    return order


def explained_order(repo: Path, config: PackConfig) -> list[str]:
    return [item["path"] for item in api.explain(repo, config)["order"]]


def write_package_repo(root: Path) -> Path:
    """An empty ``lib/__init__.py`` makes ``lib`` a package, so ``import helpers`` in
    ``main.py`` is the standard library's or a third party's, not ``lib/helpers.py``."""
    repo = root / "markers"
    (repo / "lib").mkdir(parents=True)
    (repo / "lib" / "__init__.py").write_text("")
    (repo / "lib" / "helpers.py").write_text("def helper():\n    return 41\n")
    (repo / "main.py").write_text("import helpers\n\nprint(helpers.helper() + 1)\n")
    return repo


def test_explain_honours_package_markers_like_deps_and_pack(tmp_path: Path) -> None:
    repo = write_package_repo(tmp_path)
    report = api.explain(repo)
    assert report["edges"] == []
    assert [(i["path"], i["reason"]) for i in report["order"]] == [
        ("lib/helpers.py", "alphabetical"),
        ("main.py", "alphabetical"),
    ]
    assert api.deps(repo)["summary"]["edges"] == 0
    pack([repo], tmp_path / "out", single_repo=True, workers=1)
    assert packed_order(tmp_path / "out") == explained_order(repo, PackConfig())


@pytest.mark.parametrize("name", REPOS)
def test_explain_order_is_the_packed_order_on_every_fixture(name: str, tmp_path: Path) -> None:
    repo = FIXTURES / name
    out = tmp_path / "out"
    pack([repo], out, single_repo=True, workers=1)
    assert packed_order(out) == explained_order(repo, PackConfig())


def test_explain_lists_what_dedup_drops_and_leaves_it_out_of_the_order(tmp_path: Path) -> None:
    repo = tmp_path / "copies"
    repo.mkdir()
    body = "".join(f"def function_{i}(value):\n    return value * {i} + {i}\n\n"
                   for i in range(12))
    (repo / "a.py").write_text(body)
    (repo / "b.py").write_text(body)
    (repo / "c.py").write_text("from a import function_1\n\nprint(function_1(2))\n")
    report = api.explain(repo)
    assert [d["path"] for d in report["dropped"]] == ["b.py"]
    assert report["dropped"][0]["reason"] == "duplicate"
    assert [i["path"] for i in report["order"]] == ["a.py", "c.py"]
    pack([repo], tmp_path / "out", single_repo=True, workers=1)
    assert packed_order(tmp_path / "out") == ["a.py", "c.py"]

    no_dedup = replace(PackConfig(), hygiene=replace(PackConfig().hygiene, dedup="off"))
    assert api.explain(repo, no_dedup)["dropped"] == []
    assert explained_order(repo, no_dedup) == ["a.py", "c.py", "b.py"]


def test_explain_with_a_runs_manifest_shows_that_runs_order(tmp_path: Path) -> None:
    """``codepack explain --config out/manifest.json`` takes every option of the run."""
    repo = FIXTURES / "py-pkg"
    out = tmp_path / "out"
    config = replace(PackConfig(order=replace(PackConfig().order, order="random")), seed=11)
    pack([repo], out, config, single_repo=True, workers=1)
    command = [sys.executable, "-m", "codepack", "explain", str(repo), "--json",
               "--config", str(out / "manifest.json")]
    result = subprocess.run(command, capture_output=True, text=True, check=True)
    report = json.loads(result.stdout)
    assert [item["path"] for item in report["order"]] == packed_order(out)
    assert {item["reason"] for item in report["order"]} == {"random"}
    assert packed_order(out) != explained_order(repo, PackConfig())


def test_explain_refuses_a_config_it_cannot_read(tmp_path: Path) -> None:
    bad = tmp_path / "options.json"
    bad.write_text(json.dumps({"order": {"order": "sideways"}}))
    command = [sys.executable, "-m", "codepack", "explain", str(FIXTURES / "py-pkg"),
               "--config", str(bad)]
    result = subprocess.run(command, capture_output=True, text=True)
    assert result.returncode == 2
    assert "--config" in result.stderr and "sideways" in result.stderr
