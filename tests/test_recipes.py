"""Every recipe in docs/recipes.md runs as written, offline, against a real `codepack pack` output.

Each ``<!-- recipe: NAME -->`` Python block is run in a fresh interpreter whose working folder
holds ``data/`` (a pack run over two small repositories) and ``files.parquet`` (the same files
as records), with a short check appended that prints what the recipe computed. The Hugging Face
libraries run offline with their caches under the test's temporary folder.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

RECIPES = Path(__file__).resolve().parent.parent / "docs" / "recipes.md"
RECIPE_BLOCK = re.compile(r"<!-- recipe: ([\w-]+) -->\n```python\n(.*?)\n```", re.S)

REPOS = {
    "acme-app": {
        "app/__init__.py": "",
        "app/models.py": "class User:\n    def __init__(self, name):\n        self.name = name\n",
        "app/views.py": "from app.models import User\n\n\ndef show(name):\n"
                        "    return User(name).name\n",
        "tests/test_models.py": "from app.models import User\n\n\ndef test_user():\n"
                                "    assert User('a').name == 'a'\n",
    },
    "acme-lib": {
        "lib/core.py": "def add(a, b):\n    return a + b\n",
        "lib/cli.py": "import sys\n\nfrom lib.core import add\n\n\ndef main():\n"
                      "    print(add(int(sys.argv[1]), int(sys.argv[2])))\n",
        "web/index.js": "const core = require('./util');\nmodule.exports = core.run;\n",
        "web/util.js": "function run() {\n  return 42;\n}\nmodule.exports = { run };\n",
    },
}

# appended to each recipe; prints one line "CHECK <json>" with what the recipe computed
CHECKS = {
    "datasets-load": 'print("CHECK", json.dumps({"rows": ds.num_rows, '
                     '"tokens": sum(ds["n_tokens"]), "columns": ds.column_names}))',
    "datasets-card": 'print("CHECK", json.dumps({"rows": ds.num_rows, '
                     '"columns": ds.column_names}))',
    "datasets-stream": 'print("CHECK", json.dumps(first))',
    "datasets-generator": 'print("CHECK", json.dumps({"rows": packed.num_rows, '
                          '"columns": packed.column_names, "texts": list(packed["text"]), '
                          '"repos": list(packed["repo"])}))',
    "ray": 'print("CHECK", json.dumps({"rows": ds.count(), "tokens": ds.sum("n_tokens")}))',
    "polars": 'print("CHECK", json.dumps({"per_repo": per_repo.rows(), '
              '"pieces": pieces.rows(), "dropped": dropped.height}))',
    "duckdb": 'print("CHECK", json.dumps({"per_repo": per_repo, "where": where, '
              '"removed": removed}))',
}
NEEDS = {"ray": "ray", "polars": "polars", "duckdb": "duckdb"}


def recipes() -> dict[str, str]:
    return dict(RECIPE_BLOCK.findall(RECIPES.read_text(encoding="utf-8")))


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import codepack

    root = tmp_path_factory.mktemp("recipes")
    rows = []
    for repo, files in REPOS.items():
        for path, text in files.items():
            target = root / "repos" / repo / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
            rows.append({"repo": repo, "path": path, "content": text})
    pq.write_table(pa.Table.from_pylist(rows[::-1]), root / "files.parquet")  # unsorted input
    codepack.pack([root / "repos"], root / "data", workers=1)
    return root


def run_recipe(name: str, workspace: Path) -> dict:
    module = NEEDS.get(name, "datasets")
    if importlib.util.find_spec(module) is None:
        pytest.skip(f"{module} is not installed")
    script = workspace / f"recipe_{name}.py"
    script.write_text(f"import json\n{recipes()[name]}\n{CHECKS[name]}\n", encoding="utf-8")
    env = {**os.environ, "HF_DATASETS_OFFLINE": "1", "HF_HUB_OFFLINE": "1",
           "HF_HOME": str(workspace / "hf"), "HF_DATASETS_CACHE": str(workspace / "hf" / "ds"),
           "RAY_DISABLE_USAGE_STATS": "1"}
    result = subprocess.run([sys.executable, script.name], cwd=workspace, env=env,
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, f"recipe {name} failed:\n{result.stderr[-3000:]}"
    checks = [line for line in result.stdout.splitlines() if line.startswith("CHECK ")]
    assert checks, result.stdout
    return json.loads(checks[-1].removeprefix("CHECK "))


def shards(workspace: Path) -> pa.Table:
    return pa.concat_tables(pq.read_table(p) for p in sorted((workspace / "data")
                                                              .glob("part-*.parquet")))


def test_every_python_block_is_a_tested_recipe() -> None:
    text = RECIPES.read_text(encoding="utf-8")
    assert text.count("```python") == len(recipes()), "a python block without a recipe marker"
    assert set(recipes()) == set(CHECKS)


def test_datasets_load(workspace: Path) -> None:
    got = run_recipe("datasets-load", workspace)
    table = shards(workspace)
    assert got["rows"] == table.num_rows > 0
    assert got["tokens"] == pc.sum(table["n_tokens"]).as_py()
    assert got["columns"] == table.column_names


def test_datasets_card(workspace: Path) -> None:
    got = run_recipe("datasets-card", workspace)
    assert got["rows"] == shards(workspace).num_rows
    assert "stage" not in got["columns"]  # dropped.parquet is not part of the split


def test_datasets_stream(workspace: Path) -> None:
    got = run_recipe("datasets-stream", workspace)
    first = shards(workspace).slice(0, 1).select(["repo", "n_tokens"]).to_pylist()[0]
    assert got == first


def test_datasets_generator_matches_pack_repo(workspace: Path) -> None:
    import codepack

    got = run_recipe("datasets-generator", workspace)
    config = codepack.PackConfig(examples=codepack.ExampleConfig(max_tokens=2048))
    expected = [ex for repo in sorted(REPOS)
                for ex in codepack.pack_repo(repo, sorted(REPOS[repo].items()), config)]
    assert got["texts"] == [ex.text for ex in expected]
    assert got["repos"] == [ex.repo for ex in expected]
    assert set(got["repos"]) == set(REPOS)
    assert got["columns"] == shards(workspace).column_names  # the `codepack pack` schema


def test_ray(workspace: Path) -> None:
    got = run_recipe("ray", workspace)
    table = shards(workspace)
    assert got == {"rows": table.num_rows, "tokens": pc.sum(table["n_tokens"]).as_py()}


def _per_repo(table: pa.Table) -> list[list]:
    grouped = table.group_by("repo").aggregate([("n_tokens", "count"), ("n_tokens", "sum")])
    rows = [[r["repo"], r["n_tokens_count"], r["n_tokens_sum"]] for r in grouped.to_pylist()]
    return sorted(rows, key=lambda r: (-r[2], r[0]))


def test_polars(workspace: Path) -> None:
    got = run_recipe("polars", workspace)
    table = shards(workspace)
    assert got["per_repo"] == _per_repo(table)
    pieces = pc.list_flatten(table["languages"])
    assert sum(row[2] for row in got["pieces"]) == len(pieces)
    assert got["dropped"] == pq.read_metadata(workspace / "data" / "dropped.parquet").num_rows


def test_duckdb(workspace: Path) -> None:
    got = run_recipe("duckdb", workspace)
    table = shards(workspace)
    assert got["per_repo"] == _per_repo(table)
    expected_where = [
        [row["repo"], row["example_index"], row["paths"].index("app/models.py") + 1]
        for row in table.select(["repo", "example_index", "paths"]).to_pylist()
        if "app/models.py" in row["paths"]
    ]
    assert got["where"] == expected_where != []
    audit = pq.read_table(workspace / "data" / "dropped.parquet")
    assert sum(row[2] for row in got["removed"]) == audit.num_rows
