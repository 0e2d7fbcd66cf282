"""Interrupts: Ctrl-C, SIGTERM and kill -9 of a real `codepack pack` run.

Each interrupted run gets a unique environment variable; every process of the run (main,
workers, the multiprocessing resource tracker) inherits it, so /proc tells which are left.
Runs are made slow enough to interrupt with many small repositories, not with sleeps, and the
signal is sent once the run has visibly reached the stage under test.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from codepack import cli
from codepack.cli.interrupts import Terminated, sigterm_raises
from codepack.config import HygieneConfig, PackConfig
from codepack.run.driver import pack
from codepack.run.executors.local import LocalExecutor, map_ordered

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures" / "repos"
COMMON = ("--shard-bytes", "1", "--workers", "2", "--quiet")
# generous for a loaded 2-core machine; an unfixed run takes minutes or never ends
STOP_SECONDS = 15.0


def _marked_pids(mark: str) -> list[int]:
    """Live processes whose environment carries ``mark`` (zombies have no environment)."""
    needle = f"CODEPACK_TEST_RUN={mark}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            environ = (entry / "environ").read_bytes()
        except OSError:  # gone meanwhile, or not ours to read
            continue
        if needle in environ.split(b"\0"):
            found.append(int(entry.name))
    return found


def _wait_gone(mark: str, seconds: float = STOP_SECONDS) -> list[int]:
    deadline = time.monotonic() + seconds
    while (left := _marked_pids(mark)) and time.monotonic() < deadline:
        time.sleep(0.05)
    return left


class Run:
    """A `codepack pack` in its own session and process group, marked for /proc."""

    def __init__(self, repos: Path, out: Path, *extra: str) -> None:
        self.out = out
        self.mark = uuid.uuid4().hex
        self.stderr_file = out.with_name(out.name + ".stderr")
        env = {**os.environ, "CODEPACK_TEST_RUN": self.mark}
        with self.stderr_file.open("w") as stderr:  # a file: orphans cannot hold a pipe open
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "codepack", "pack", str(repos), "--out", str(out),
                 *COMMON, *extra],
                cwd=ROOT, env=env, start_new_session=True, stdout=subprocess.DEVNULL,
                stderr=stderr)

    def wait_for(self, name: str) -> None:
        """Block until ``out/name`` exists: the run has got that far and is still going."""
        deadline = time.monotonic() + 120
        while not (self.out / name).exists():
            assert self.proc.poll() is None, "the run finished before it could be interrupted"
            assert time.monotonic() < deadline, f"{name} never appeared"
            time.sleep(0.01)

    def stop(self, sig: int, group: bool) -> tuple[int, float]:
        """Send ``sig`` to the process group or the main process: exit status and seconds."""
        sent = time.monotonic()
        if group:
            os.killpg(self.proc.pid, sig)
        else:
            os.kill(self.proc.pid, sig)
        try:
            status = self.proc.wait(timeout=STOP_SECONDS * 4)
        except subprocess.TimeoutExpired:
            self.kill_all()
            raise
        return status, time.monotonic() - sent

    def stderr(self) -> str:
        return self.stderr_file.read_text()

    def kill_all(self) -> None:
        """Never leave a test's processes behind, whatever failed."""
        for pid in _marked_pids(self.mark):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Renamed copies of fixture repositories and their uninterrupted output."""
    root = tmp_path_factory.mktemp("interrupts")
    repos = root / "repos"
    for i in range(6):
        for name in ("py-pkg", "go-mod", "ts-app", "java-maven"):
            shutil.copytree(FIXTURES / name, repos / f"{name}-{i:02d}")
    whole = root / "whole"
    done = subprocess.run([sys.executable, "-m", "codepack", "pack", str(repos), "--out",
                           str(whole), *COMMON], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return repos, whole


@pytest.fixture
def runs() -> Iterator[list[Run]]:
    started: list[Run] = []
    yield started
    for run in started:
        run.kill_all()


def _resume_matches(repos: Path, out: Path, whole: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "codepack", "pack", str(repos), "--out",
                           str(out), *COMMON, "--resume"], cwd=ROOT, capture_output=True,
                          text=True)
    assert done.returncode == 0, done.stderr
    names = sorted(p.name for p in whole.glob("part-*.parquet"))
    assert names == sorted(p.name for p in out.glob("part-*.parquet"))
    for name in [*names, "dropped.parquet", "manifest.json"]:
        assert (out / name).read_bytes() == (whole / name).read_bytes(), name


def _one_clear_line(run: Run, signal_name: str) -> None:
    lines = run.stderr().strip().splitlines()
    assert len(lines) == 1, lines
    assert signal_name in lines[0] and "--resume" in lines[0], lines[0]


def test_ctrl_c_to_the_group_stops_the_run_and_resume_finishes_it(
    corpus: tuple[Path, Path], tmp_path: Path, runs: list[Run]
) -> None:
    repos, whole = corpus
    run = Run(repos, tmp_path / "cut")
    runs.append(run)
    run.wait_for(".part-00002.parquet.done")  # in the pack pass, shards being written
    status, seconds = run.stop(signal.SIGINT, group=True)
    assert status == 130 and seconds < STOP_SECONDS, (status, seconds)
    assert not _wait_gone(run.mark), "processes of the run outlived it"
    _one_clear_line(run, "SIGINT")
    assert not (run.out / "manifest.json").exists()
    _resume_matches(repos, run.out, whole)


@pytest.mark.parametrize(("sig", "status"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)],
                         ids=["SIGTERM", "SIGINT"])
def test_a_signal_to_the_main_process_alone_stops_the_run_and_leaves_nothing(
    corpus: tuple[Path, Path], tmp_path: Path, runs: list[Run], sig: int, status: int
) -> None:
    repos, _ = corpus
    run = Run(repos, tmp_path / "cut")
    runs.append(run)
    run.wait_for(".codepack-work/scan-00000004.dedup.msgpack")  # in the scan pass
    exited, seconds = run.stop(sig, group=False)
    assert exited == status and seconds < STOP_SECONDS, (exited, seconds)
    assert not _wait_gone(run.mark), "processes of the run outlived it"
    _one_clear_line(run, signal.Signals(sig).name)


def test_kill_9_of_the_main_process_takes_workers_and_tracker_along(
    corpus: tuple[Path, Path], tmp_path: Path, runs: list[Run]
) -> None:
    repos, whole = corpus
    run = Run(repos, tmp_path / "cut")
    runs.append(run)
    run.wait_for(".part-00002.parquet.done")
    helpers = [pid for pid in _marked_pids(run.mark) if pid != run.proc.pid]
    assert len(helpers) >= 3  # two workers and the resource tracker
    status, _ = run.stop(signal.SIGKILL, group=False)
    assert status == -signal.SIGKILL
    assert not _wait_gone(run.mark), "workers or the resource tracker outlived the run"
    _resume_matches(repos, run.out, whole)


def _record_and_wait(item: tuple[str, float]) -> int:
    """A task that leaves a trace of having run, and takes a while."""
    folder, seconds = item
    Path(folder, f"{os.getpid()}-{time.monotonic_ns()}").touch()
    time.sleep(seconds)
    return os.getpid()


def test_closing_the_iterator_early_drops_queued_work_and_stops_workers(
    tmp_path: Path,
) -> None:
    items = [(str(tmp_path), 0.3)] * 24
    results = map_ordered(_record_and_wait, items, workers=2, ahead=24)
    worker = next(results)
    results.close()
    ran = len(list(tmp_path.iterdir()))
    assert ran < len(items) // 2, f"{ran} of {len(items)} queued tasks ran after close()"
    assert not multiprocessing.active_children()
    assert not Path(f"/proc/{worker}").exists() or _is_zombie(worker)


def _is_zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True


def test_executor_close_stops_a_pool_its_caller_left_unfinished() -> None:
    executor = LocalExecutor(workers=2)
    results = executor.map_ordered(abs, range(-50, 0), ahead=8)
    assert next(results) == 50
    assert multiprocessing.active_children()
    executor.close()
    assert not multiprocessing.active_children()


def test_library_pack_propagates_keyboard_interrupt_after_stopping_workers(
    tmp_path: Path,
) -> None:
    repos = tmp_path / "repos"
    for i in range(6):
        shutil.copytree(FIXTURES / "py-pkg", repos / f"py-{i}")

    def interrupt(stage: str, done: int, total: int, repo: str) -> None:
        raise KeyboardInterrupt

    config = PackConfig(hygiene=HygieneConfig(dedup="file"))
    with pytest.raises(KeyboardInterrupt):
        pack([repos], tmp_path / "out", config, workers=2, progress=interrupt)
    assert not multiprocessing.active_children()


def test_a_worker_whose_parent_dies_exits_by_polling(tmp_path: Path) -> None:
    """The portable fallback, without the kernel's help: parent killed -> child exits."""
    child_code = (
        "import os, sys, time\n"
        "from codepack.run.executors.lifetime import watch_parent_by_polling\n"
        "watch_parent_by_polling(os.getppid(), 0.05)\n"
        "print('watching', flush=True)\n"
        "time.sleep(60)\n"
    )
    parent_code = (
        "import subprocess, sys\n"
        f"child = subprocess.Popen([sys.executable, '-c', {child_code!r}],"
        " stdout=subprocess.PIPE, text=True)\n"
        "assert child.stdout.readline() == 'watching\\n'\n"
        "print(child.pid, flush=True)\n"
        "import time; time.sleep(60)\n"
    )
    parent = subprocess.Popen([sys.executable, "-c", parent_code], stdout=subprocess.PIPE,
                              text=True, cwd=ROOT)
    try:
        child = int(parent.stdout.readline())
        parent.kill()
        parent.wait()
        deadline = time.monotonic() + STOP_SECONDS
        while Path(f"/proc/{child}").exists() and not _is_zombie(child):
            assert time.monotonic() < deadline, "the orphaned child kept running"
            time.sleep(0.05)
    finally:
        parent.kill()
        parent.wait()


def test_sigterm_raises_terminated_inside_the_block_only() -> None:
    before = signal.getsignal(signal.SIGTERM)
    with pytest.raises(Terminated), sigterm_raises():
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(5)  # the handler runs at the next bytecode; never reached
    assert signal.getsignal(signal.SIGTERM) is before


def test_main_reports_a_sigterm_no_command_handled(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def terminated_app() -> None:
        raise Terminated

    monkeypatch.setattr(cli, "app", terminated_app)
    with pytest.raises(SystemExit) as exited:
        cli.main()
    assert exited.value.code == 143
    assert capsys.readouterr().err == "codepack: terminated by SIGTERM\n"
