"""The output folder's rules (codepack.output.outdir): never an input, only codepack's own files are
deleted, resume needs codepack's folder and unchanged inputs, one run at a time, and every
bad option or output path is refused before any work."""

from __future__ import annotations

import pickle
from pathlib import Path

import msgpack
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

import codepack
from codepack.cli import app
from codepack.config import ExampleConfig, PackConfig
from codepack.output.outdir import LOCK_FILE, OutputError, locked, owned_files
from codepack.run.workfiles import read_scan

SHARD_GLOB = "part-[0-9][0-9][0-9][0-9][0-9].parquet"  # not the user's part-notes.parquet
CONFIG = PackConfig(examples=ExampleConfig(max_tokens=256, fim_rate=0.0))


def make_repos(root: Path, n: int = 3) -> Path:
    """A folder of ``n`` tiny Python repositories with an import each."""
    for i in range(n):
        repo = root / f"repo{i}"
        (repo / "pkg").mkdir(parents=True)
        (repo / "pkg" / "core.py").write_text(f"def run{i}(x):\n    return x * {i} + 1\n")
        (repo / "pkg" / "main.py").write_text(
            f"from pkg.core import run{i}\n\nprint(run{i}({i}) + {i * 7})\n")
    return root


def shard_bytes(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out.glob(SHARD_GLOB))}


def cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.output


@pytest.fixture()
def repos(tmp_path: Path) -> Path:
    return make_repos(tmp_path / "repos")


# --------------------------------------------------------------------------- inputs


def test_out_is_the_input_is_refused_and_the_input_untouched(tmp_path: Path) -> None:
    repo = make_repos(tmp_path / "r", 1) / "repo0"
    (repo / "plots").mkdir()
    (repo / "plots" / "mine.png").write_bytes(b"\x89PNG mine")
    (repo / "README.md").write_text("my readme\n")
    before = sorted(p.relative_to(repo) for p in repo.rglob("*"))
    code, output = cli("pack", str(repo), "--single-repo", "--out", str(repo), "--overwrite")
    assert code == 2 and "is the input" in output
    assert sorted(p.relative_to(repo) for p in repo.rglob("*")) == before
    assert (repo / "README.md").read_text() == "my readme\n"


def test_out_inside_an_input_is_refused(repos: Path) -> None:
    with pytest.raises(OutputError, match="inside the input"):
        codepack.pack([repos], repos / "repo0" / "out", CONFIG, workers=1)
    assert not (repos / "repo0" / "out").exists()


def test_out_containing_an_input_is_refused(tmp_path: Path) -> None:
    make_repos(tmp_path / "data" / "repos")
    with pytest.raises(OutputError, match="contains the input"):
        codepack.pack([tmp_path / "data" / "repos"], tmp_path / "data", CONFIG, workers=1)


def test_empty_out_is_refused(repos: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    code, output = cli("pack", str(repos), "--out", "")
    assert code == 2 and "--out must name a folder" in output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["repos"]
    with pytest.raises(OutputError):
        codepack.pack([repos], "", CONFIG, workers=1)


# --------------------------------------------------------------------------- overwrite


def test_overwrite_deletes_only_codepack_files(repos: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    codepack.pack([repos], out, CONFIG, workers=1)
    first = shard_bytes(out)
    user_files = {
        "part-notes.parquet": b"user parquet",
        ".audit-mine": b"user audit",
        "notes.txt": b"keep me",
        "plots/mine.png": b"\x89PNG user plot",
    }
    for rel, data in user_files.items():
        (out / rel).parent.mkdir(exist_ok=True)
        (out / rel).write_bytes(data)
    codepack.pack([repos], out, CONFIG, workers=1, overwrite=True)
    for rel, data in user_files.items():
        assert (out / rel).read_bytes() == data, rel
    assert shard_bytes(out) == first
    assert not (out / LOCK_FILE).exists()


def test_overwrite_never_replaces_a_changed_card(repos: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    codepack.pack([repos], out, CONFIG, workers=1)
    (out / "README.md").write_text("my own notes about this data\n")
    with pytest.raises(OutputError, match=r"README\.md"):
        codepack.pack([repos], out, CONFIG, workers=1, overwrite=True)
    assert (out / "README.md").read_text() == "my own notes about this data\n"


def test_overwrite_into_a_foreign_folder_keeps_its_files(repos: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "README.md").write_text("not codepack's\n")
    (out / "manifest.json").write_text("{}")
    code, output = cli("pack", str(repos), "--out", str(out), "--overwrite")
    assert code == 2 and "did not write" in output
    assert (out / "README.md").read_text() == "not codepack's\n"
    assert (out / "manifest.json").read_text() == "{}"
    assert owned_files(out) == []


# --------------------------------------------------------------------------- resume


def test_resume_into_a_folder_codepack_never_wrote(repos: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "README.md").write_text("mine\n")
    code, output = cli("pack", str(repos), "--out", str(out), "--resume")
    assert code == 2 and "not written by codepack" in output
    assert sorted(p.name for p in out.iterdir()) == ["README.md"]
    assert (out / "README.md").read_text() == "mine\n"


def interrupt(out: Path) -> None:
    """Make a finished run look interrupted before its first shard was final."""
    for path in out.iterdir():
        if path.name != ".codepack-run.json":
            if path.is_dir():
                for child in path.iterdir():
                    child.unlink()
                path.rmdir()
            else:
                path.unlink()


def test_resume_refuses_changed_inputs(repos: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    codepack.pack([repos], out, CONFIG, workers=1)
    interrupt(out)
    (repos / "repo1" / "pkg" / "core.py").write_text("def run1(x):\n    return x - 1\n")
    with pytest.raises(OutputError, match="changed since: repo1"):
        codepack.pack([repos], out, CONFIG, workers=1, resume=True)


def test_resume_refuses_other_inputs_with_the_same_names(tmp_path: Path) -> None:
    first = make_repos(tmp_path / "a")
    other = make_repos(tmp_path / "b")
    (other / "repo0" / "extra.py").write_text("X = 1\n")
    out = tmp_path / "out"
    codepack.pack([first], out, CONFIG, workers=1)
    interrupt(out)
    with pytest.raises(OutputError, match="repo0"):
        codepack.pack([other], out, CONFIG, workers=1, resume=True)


class Planted:
    """A pickle that would create a file if it were ever unpickled."""

    def __init__(self, target: Path) -> None:
        self.target = target

    def __reduce__(self):
        return (Path.write_text, (self.target, "planted code ran"))


def test_planted_and_corrupt_work_files_are_recomputed(repos: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    codepack.pack([repos], out, CONFIG, workers=1)
    expected = shard_bytes(out)
    interrupt(out)
    work = out / ".codepack-work"
    work.mkdir()
    ran = tmp_path / "ran.txt"
    payload = pickle.dumps(Planted(ran))
    not_ours = msgpack.packb([{"format": "codepack-work"}])
    for i in range(3):  # every kind of bad work file, for each repository
        (work / f"scan-{i:08d}.msgpack").write_bytes(payload)
        (work / f"scan-{i:08d}.dedup.msgpack").write_bytes(
            [b"\xc1 not msgpack", not_ours, payload][i])
    for name in ("scan-00000000.pkl", "scan-00000000.records.pkl",  # the old names
                 "scan-00000001.json", "scan-00000001.dedup.json"):
        (work / name).write_bytes(payload)
    codepack.pack([repos], out, CONFIG, workers=1, resume=True)
    assert not ran.exists()
    assert shard_bytes(out) == expected


def test_a_work_file_from_disk_is_data(repos: Path, tmp_path: Path) -> None:
    from codepack.inputs import discover_inputs as discover_repos
    from codepack.run.pipeline import scan_repo
    from codepack.run.workfiles import WorkFileError, write_scan

    scan = scan_repo(discover_repos([repos])[0], CONFIG)
    path = tmp_path / "scan.msgpack"
    write_scan(scan, path)
    assert read_scan(path) == scan
    data = path.read_bytes()
    python = msgpack.packb("python")
    assert python in data
    path.write_bytes(data.replace(python, msgpack.packb(7), 1))  # a wrong type in a field
    with pytest.raises(WorkFileError, match="wrong type"):
        read_scan(path)
    path.write_bytes(data[: len(data) // 2])  # truncated
    with pytest.raises(WorkFileError):
        read_scan(path)
    path.write_bytes(data + msgpack.packb(0))  # more than one document
    with pytest.raises(WorkFileError):
        read_scan(path)


# --------------------------------------------------------------------------- lock


def test_one_run_at_a_time(repos: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    with locked(out):
        code, output = cli("pack", str(repos), "--out", str(out), "--overwrite")
        assert code == 2 and "another codepack run" in output
        with pytest.raises(OutputError, match="another codepack run"):
            codepack.pack([repos], out, CONFIG, workers=1, overwrite=True)
    assert not (out / LOCK_FILE).exists()
    summary = codepack.pack([repos], out, CONFIG, workers=1)  # free again
    assert pq.read_table(out / summary.shards[0]).num_rows > 0


# --------------------------------------------------------------------------- options


@pytest.mark.parametrize("args, flag", [
    (["--row-group-rows", "0"], "--row-group-rows"),
    (["--dedup-num-perm", "0"], "--dedup-num-perm"),
    (["--dedup-ngram", "0"], "--dedup-ngram"),
    (["--workers", "-1"], "--workers"),
    (["--max-tokens", "100000000000000000000"], "--max-tokens"),
    (["--max-file-bytes", "0"], "--max-file-bytes"),
    (["--decontam-ngram", "0"], "--decontam-ngram"),
    (["--fim-rate", "1.5"], "--fim-rate"),
    (["--secrets", "hide"], "--secrets"),
])
def test_bad_option_values_are_refused_before_any_work(
        repos: Path, tmp_path: Path, args: list[str], flag: str) -> None:
    out = tmp_path / "out"
    code, output = cli("pack", str(repos), "--out", str(out), *args)
    assert code == 2, output
    assert flag in output
    assert not out.exists()


def test_library_config_checks_name_the_field() -> None:
    from codepack.config import ConfigError, HygieneConfig, OutputConfig

    with pytest.raises(ConfigError, match="dedup_num_perm"):
        HygieneConfig(dedup_num_perm=0)
    with pytest.raises(ConfigError, match="row_group_rows"):
        OutputConfig(row_group_rows=0)
    with pytest.raises(ValueError, match="workers"):
        codepack.pack(["."], "/tmp/never-written-by-this-test", workers=-1)


# --------------------------------------------------------------------------- explain


@pytest.mark.parametrize("where", ["folder", "/proc/x.html", "missing/x.html"])
def test_explain_html_to_a_bad_path(repos: Path, tmp_path: Path, monkeypatch,
                                    where: str) -> None:
    monkeypatch.chdir(tmp_path)
    target = {"folder": str(tmp_path), "/proc/x.html": "/proc/x.html",
              "missing/x.html": str(tmp_path / "missing" / "x.html")}[where]
    before = sorted(p.name for p in tmp_path.iterdir())
    code, output = cli("explain", str(repos / "repo0"), "--html", target)
    assert code == 2, output
    assert "Traceback" not in output
    assert sorted(p.name for p in tmp_path.iterdir()) == before
