"""The throughput benchmark's bookkeeping: its table, its ratios, and the repomix column's
install (found, reused, or left out with a reason). Nothing here is timed."""

from __future__ import annotations

import importlib.util
import json
import stat
import sys
from pathlib import Path
from types import ModuleType

import pytest

BENCHMARK = Path(__file__).parent.parent / "benchmarks" / "throughput.py"


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("throughput_benchmark", BENCHMARK)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while it loads
    spec.loader.exec_module(module)
    return module


def test_table_gives_each_run_its_mb_per_second_and_ratio_of_the_floor(
    bench: ModuleType,
) -> None:
    floor = bench.Measure("floor (read+write)", seconds=2.0, cpu=1.5)
    runs = [bench.Measure("codepack workers=1", seconds=20.0, cpu=19.0, peak_mb=350),
            bench.Measure("repomix 1.18.1", seconds=40.0, cpu=45.0, peak_mb=236)]
    header, floor_row, codepack_row, repomix_row = bench.format_table(100_000_000, floor, runs)
    assert header.split() == ["run", "seconds", "MB/s", "peak", "MB", "vs", "floor", "CPU", "s"]
    assert floor_row.split()[2:] == ["2.00", "50.00", "1.000", "1.50"]  # no peak measured
    assert codepack_row.split()[2:] == ["20.00", "5.00", "350", "0.100", "19.00"]
    assert repomix_row.split()[2:] == ["40.00", "2.50", "236", "0.050", "45.00"]


def test_comparisons_are_speed_ratios_against_one_worker_and_repomix(
    bench: ModuleType,
) -> None:
    one = bench.Measure("codepack workers=1", seconds=30.0, cpu=28.0)
    two = bench.Measure("codepack workers=2", seconds=16.0, cpu=29.4)
    repomix = bench.Measure("repomix 1.18.1", seconds=40.0, cpu=45.0)
    assert bench.comparisons([one, two], repomix) == [
        "codepack workers=2: 1.88x the speed of workers=1, at 1.05x its CPU time",
        "codepack workers=2: 2.50x the speed of repomix",
    ]
    assert bench.comparisons([two], None) == []


def _fake_install(folder: Path, version: str) -> None:
    command = folder / "node_modules" / ".bin" / "repomix"
    command.parent.mkdir(parents=True)
    command.write_text("#!/bin/sh\n")
    package = folder / "node_modules" / "repomix" / "package.json"
    package.parent.mkdir(parents=True)
    package.write_text(json.dumps({"name": "repomix", "version": version}))


def test_an_installed_repomix_is_reused_only_at_the_pinned_version(
    bench: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fake_install(tmp_path, "1.18.1")
    monkeypatch.setenv("PATH", "")  # no npm: a reuse must not need it
    assert bench.install_repomix(tmp_path, "1.18.1") == (
        tmp_path / "node_modules" / ".bin" / "repomix")
    assert bench.installed_repomix(tmp_path, "1.19.0") is None
    assert bench.install_repomix(tmp_path, "1.19.0") == "npm is not on PATH"


def test_without_npm_the_column_is_left_out_with_the_reason(
    bench: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    folder = tmp_path / "repomix"
    assert bench.install_repomix(folder, "1.18.1") == "npm is not on PATH"
    assert not folder.exists()


def _executable(path: Path, body: str) -> None:
    path.write_text(f"#!/bin/sh\n{body}\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)


def test_a_failed_npm_install_is_reported_with_npm_s_last_words(
    bench: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tools = tmp_path / "bin"
    tools.mkdir()
    _executable(tools / "npm", "echo 'npm error code E404' >&2\nexit 1")
    _executable(tools / "node", "exit 0")
    monkeypatch.setenv("PATH", str(tools))
    reason = bench.install_repomix(tmp_path / "repomix", "0.0.0-missing")
    assert reason == ("npm install repomix@0.0.0-missing failed (exit status 1): "
                      "npm error code E404")


def test_a_failing_repomix_run_names_the_repository(
    bench: ModuleType, tmp_path: Path
) -> None:
    command = tmp_path / "repomix"
    _executable(command, "exit 2")
    corpus = tmp_path / "corpus"
    (corpus / "broken").mkdir(parents=True)
    out = tmp_path / "out"
    out.mkdir()
    reason = bench.run_repomix(command, "1.18.1", corpus, out, single=False)
    assert isinstance(reason, str)
    assert reason.startswith("repomix failed on broken: exit status 2")
