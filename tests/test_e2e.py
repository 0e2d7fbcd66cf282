"""End-to-end: run the real CLI on fixtures/repos and read the Parquet back."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from codepack.config import ExampleConfig, ScanConfig
from codepack.examples.formats import get_format
from codepack.inputs import discover_inputs
from codepack.output.reassemble import reassemble
from codepack.output.writer import EXAMPLE_SCHEMA
from codepack.records import SkippedFile

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures" / "repos"


def codepack(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    """Run the command line as a user would, in a fresh interpreter."""
    result = subprocess.run(
        [sys.executable, "-m", "codepack", *args], capture_output=True, text=True, cwd=ROOT
    )
    if check and result.returncode != 0:
        raise AssertionError(f"codepack {' '.join(args)} failed:\n{result.stderr}")
    return result


def rows(out: Path) -> list[dict]:
    return pq.read_table(sorted(out.glob("part-*.parquet"))).to_pylist()


def dropped(out: Path) -> list[dict]:
    return pq.read_table(out / "dropped.parquet").to_pylist()


@pytest.fixture(scope="module")
def packed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("packed")
    codepack("pack", "fixtures/repos", "--out", str(out), "--overwrite", "--workers", "2",
             "--quiet")
    return out


def test_output_schema_and_files(packed: Path) -> None:
    shards = sorted(packed.glob("part-*.parquet"))
    assert [s.name for s in shards] == ["part-00000.parquet"]
    schema = pq.read_schema(shards[0])
    assert schema.remove_metadata().equals(EXAMPLE_SCHEMA.remove_metadata())
    assert (packed / "manifest.json").is_file()
    assert (packed / "dropped.parquet").is_file()
    assert (packed / "README.md").read_text().startswith("---\n")


def test_every_file_is_packed_once_or_skipped_with_a_reason(packed: Path) -> None:
    packed_paths: dict[tuple[str, str], int] = {}
    for row in rows(packed):
        for path, part in zip(row["paths"], row["file_parts"], strict=True):
            if part == 0:
                key = (row["repo"], path)
                packed_paths[key] = packed_paths.get(key, 0) + 1
    assert all(count == 1 for count in packed_paths.values())
    skipped = {(d["repo"], d["path"]) for d in dropped(packed) if d["reason"] != "redacted"}
    assert not set(packed_paths) & skipped
    for source in discover_inputs([FIXTURES]):
        entries, _ = source.entries(ScanConfig())
        for item in entries:
            key = (source.name, item.path if isinstance(item, SkippedFile) else item[0])
            assert key in packed_paths or key in skipped, f"{key} neither packed nor skipped"


def test_files_reassemble_exactly(packed: Path) -> None:
    files = reassemble(rows(packed), get_format(ExampleConfig()))
    redacted = {(d["repo"], d["path"]) for d in dropped(packed) if d["reason"] == "redacted"}
    assert redacted, "the secrets fixture must have been redacted"
    for (repo, path), content in files.items():
        if (repo, path) in redacted:
            continue
        original = (FIXTURES / repo / path).read_bytes().decode("utf-8")
        assert content == original, f"{repo}/{path} does not reassemble"


def test_bad_input_reasons(packed: Path) -> None:
    reasons = {d["path"]: d["reason"] for d in dropped(packed) if d["repo"] == "bad-input"}
    assert reasons["blob.py"] == "binary"
    assert reasons["latin1.py"] == "not_utf8"
    assert reasons["empty.py"] == "empty"
    assert reasons["minified.js"] == "minified"
    assert reasons["package-lock.json"] == "lock_file"
    assert reasons["api_pb2.py"] == "generated"
    packed_bad = {p for r in rows(packed) if r["repo"] == "bad-input" for p in r["paths"]}
    assert packed_bad == {"good.py"}


def test_tests_follow_their_subjects(packed: Path) -> None:
    order = {}
    for row in sorted(rows(packed), key=lambda r: (r["repo"], r["example_index"])):
        order.setdefault(row["repo"], []).extend(
            p for p, part in zip(row["paths"], row["file_parts"], strict=True) if part == 0)
    expected = {
        "java-maven": ("src/main/java/com/acme/shop/util/Money.java",
                       "src/test/java/com/acme/shop/util/MoneyTest.java"),
        "go-mod": ("internal/store/store.go", "internal/store/store_test.go"),
        "ts-app": ("src/lib/greet.ts", "src/lib/greet.test.ts"),
        "c-lib": ("include/ring/ring.h", "tests/test_ring.c"),
        "py-pkg": ("src/shapes/core.py", "tests/test_core.py"),
    }
    for repo, (subject, test) in expected.items():
        files = order[repo]
        assert files.index(test) == files.index(subject) + 1, (repo, files)


def test_dependencies_come_first(packed: Path) -> None:
    order = [p for r in rows(packed) if r["repo"] == "py-pkg" for p in r["paths"]]
    # circle.py imports utils.py and core.py (core.py imports neither of the others)
    assert order.index("src/shapes/utils.py") < order.index("src/shapes/plugins/circle.py")
    assert order.index("src/shapes/core.py") < order.index("src/shapes/plugins/circle.py")


def test_output_is_byte_identical_across_runs_and_workers(packed: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    codepack("pack", "fixtures/repos", "--out", str(again), "--overwrite", "--workers", "1",
             "--quiet")
    for name in ("part-00000.parquet", "dropped.parquet", "manifest.json"):
        assert (again / name).read_bytes() == (packed / name).read_bytes(), name
    # the dataset card differs only in the command line it records (another --out)
    card = (again / "README.md").read_text().replace(str(again), str(packed))
    assert card.replace("--workers 1", "--workers 2") == (
        packed / "README.md").read_text()


def test_hostile_files_made_at_test_time(tmp_path: Path) -> None:
    repo = tmp_path / "repos" / "hostile"
    shutil.copytree(FIXTURES / "bad-input", repo)
    (repo / "huge.py").write_text("x = 1\n" * 200_000)  # 1.2 MB > --max-file-bytes
    os.symlink("loop_b", repo / "loop_a")
    os.symlink("loop_a", repo / "loop_b")
    os.symlink("/etc/passwd", repo / "outside.py")
    os.mkfifo(repo / "pipe.py")
    out = tmp_path / "out"
    codepack("pack", str(tmp_path / "repos"), "--out", str(out), "--quiet")
    reasons = {d["path"]: d["reason"] for d in dropped(out)}
    assert reasons["huge.py"] == "too_large"
    assert reasons["loop_a"] == "symlink_loop"
    assert reasons["outside.py"] == "symlink_outside_repo"
    assert reasons["pipe.py"] == "special_file"


def test_cli_errors_are_clear(tmp_path: Path) -> None:
    missing = codepack("pack", str(tmp_path / "nope"), "--out", str(tmp_path / "o"), check=False)
    assert missing.returncode == 2 and "nope" in missing.stderr
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "keep.txt").write_text("mine")
    refused = codepack("pack", "fixtures/repos", "--out", str(busy), check=False)
    assert refused.returncode == 2 and "--overwrite" in refused.stderr
    bad = codepack("pack", "fixtures/repos", "--out", str(tmp_path / "x"), "--order", "size",
                   check=False)
    assert bad.returncode == 2 and "--order" in bad.stderr


def test_overwrite_keeps_foreign_files(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    codepack("pack", "fixtures/repos/py-pkg", "--single-repo", "--out", str(out), "--quiet",
             "--overwrite")
    assert (out / "notes.txt").read_text() == "mine"
    assert list(out.glob("part-*.parquet"))


def _many_repos(root: Path, copies: int) -> Path:
    """A corpus big enough to interrupt: renamed copies of the fixture repositories."""
    repos = root / "many"
    for i in range(copies):
        for name in ("py-pkg", "go-mod", "ts-app", "java-maven"):
            shutil.copytree(FIXTURES / name, repos / f"{name}-{i:02d}")
    return repos


def test_resume_after_kill_gives_identical_output(tmp_path: Path) -> None:
    repos = _many_repos(tmp_path, 10)
    common = ["--shard-bytes", "1", "--workers", "1", "--quiet"]
    whole = tmp_path / "whole"
    codepack("pack", str(repos), "--out", str(whole), *common)

    cut = tmp_path / "cut"
    proc = subprocess.Popen([sys.executable, "-m", "codepack", "pack", str(repos), "--out",
                             str(cut), *common], cwd=ROOT, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while not (cut / ".part-00003.parquet.done").exists():
        assert proc.poll() is None, "the run finished before it could be interrupted"
        assert time.monotonic() < deadline
        time.sleep(0.01)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert not (cut / "manifest.json").exists()

    codepack("pack", str(repos), "--out", str(cut), "--resume", *common)
    names = sorted(p.name for p in whole.glob("part-*.parquet"))
    assert names == sorted(p.name for p in cut.glob("part-*.parquet"))
    assert len(names) > 4  # the kill came mid-run
    for name in [*names, "dropped.parquet", "manifest.json"]:
        assert (cut / name).read_bytes() == (whole / name).read_bytes(), name


def test_resume_refuses_other_options(tmp_path: Path) -> None:
    out = tmp_path / "out"
    codepack("pack", "fixtures/repos/go-mod", "--single-repo", "--out", str(out), "--quiet")
    other = codepack("pack", "fixtures/repos/go-mod", "--single-repo", "--out", str(out),
                     "--resume", "--max-tokens", "100", check=False)
    assert other.returncode == 2 and "--resume" in other.stderr


def test_verbose_lists_skipped_files(tmp_path: Path) -> None:
    result = codepack("pack", "fixtures/repos/bad-input", "--single-repo", "--out",
                      str(tmp_path / "o"), "--verbose")
    assert "blob.py" in result.stderr and "binary" in result.stderr



def test_deps_and_explain_commands(tmp_path: Path) -> None:
    import json

    deps = json.loads(codepack("deps", "fixtures/repos/py-cycles", "--json").stdout)
    resolved = {(f["path"], d) for f in deps["files"] for i in f["imports"] for d in i["resolved"]}
    assert ("shop/orders.py", "shop/models.py") in resolved
    graph, page = tmp_path / "g.graphml", tmp_path / "e.html"
    report = json.loads(codepack("explain", "fixtures/repos/py-cycles", "--json", "--graph-out",
                                 str(graph), "--html", str(page)).stdout)
    removed = {(e["src"], e["dst"]) for e in report["removed_edges"]}
    assert ("shop/models.py", "shop/orders.py") in removed  # the TYPE_CHECKING import
    assert graph.read_text().startswith("<?xml")
    assert "shop/orders.py" in page.read_text()
