"""--include/--exclude select the same files whatever container a repository arrives in.

One repository is walked as a folder and read as a tar.gz, a zip, JSON Lines rows and a git
revision under a few filter rules; every container must give the same entries with the same
skip reasons and details as the folder walk.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from codepack.config import ScanConfig
from codepack.inputs import FolderRepo, discover_inputs
from codepack.records import SkippedFile
from test_inputs import git, make_tar, make_zip, write_tree

FILES = {
    "src/a.py": "a = 1\n",
    "src/gen/b.py": "b = 1\n",
    "src/c.js": "c = 1;\n",
    "docs/d.py": "d = 1\n",
    "e.py": "e = 1\n",
    "lib/src/f.py": "f = 1\n",
    "lib/g.py": "g = 1\n",
}

RULES = [
    ScanConfig(include=("src/",)),
    ScanConfig(include=("src/**",)),
    ScanConfig(include=("/src/",)),
    ScanConfig(include=("src/", "!src/gen/")),
    ScanConfig(include=("*.py",), exclude=("src/gen",)),
    ScanConfig(include=("src",)),
    ScanConfig(exclude=("docs/", "*.js")),
    ScanConfig(include=("lib/", "e.py"), exclude=("lib/src/",)),
]


def _as_seen(entries) -> list[tuple[str, str, str]]:
    return [(e.path, e.reason.value, e.detail) if isinstance(e, SkippedFile) else (e[0], "read", "")
            for e in entries]


def _folder(root: Path, config: ScanConfig) -> list[tuple[str, str, str]]:
    entries, _ = FolderRepo("repo", root).entries(config)
    return _as_seen(entries)


@pytest.fixture(scope="module")
def containers(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("parity")
    root = write_tree(base / "repo", FILES)
    rows = [{"repo": "repo", "path": path, "content": text} for path, text in FILES.items()]
    (base / "rows.jsonl").write_text("".join(json.dumps(row) + "\n" for row in rows))
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "v1")
    return {
        "folder": root,
        "tar.gz": make_tar(base / "repo.tar.gz", root, "repo"),
        "zip": make_zip(base / "repo.zip", root, "repo"),
        "jsonl": base / "rows.jsonl",
        "git": root,
    }


@pytest.mark.parametrize("config", RULES, ids=lambda c: f"include={c.include} exclude={c.exclude}")
@pytest.mark.parametrize("kind", ["tar.gz", "zip", "jsonl", "git"])
def test_filters_select_alike_in_every_container(
    containers: dict[str, Path], kind: str, config: ScanConfig
) -> None:
    expected = _folder(containers["folder"], config)
    (repo,) = discover_inputs([containers[kind]], rev="HEAD" if kind == "git" else None)
    entries, _ = repo.entries(config)
    assert _as_seen(entries) == expected
    assert any(seen[1] == "read" for seen in expected)  # every rule keeps something
