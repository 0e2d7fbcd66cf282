"""The Ray executor: ordered, bounded task maps and a distributed dedup plan equal to the
local one, down to byte-identical Parquet from a whole run."""

from __future__ import annotations

import random
import shutil
import sys
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

ray = pytest.importorskip("ray", reason="Ray is an optional extra: pip install 'codepack[ray]'")

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from typer.testing import CliRunner  # noqa: E402

from codepack.config import HygieneConfig  # noqa: E402
from codepack.dedup import plan as dedup  # noqa: E402
from codepack.run.driver import pack  # noqa: E402
from codepack.run.executors.ray import (  # noqa: E402
    RayExecutor,
    distributed_near_duplicates,
    reducer_count,
)

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures" / "repos"
CPUS = 2


@pytest.fixture(scope="module")
def executor() -> Iterator[RayExecutor]:
    """One local Ray for the whole module: starting Ray takes seconds."""
    if ray.is_initialized():
        pytest.skip("a Ray started elsewhere in this process would not have 2 CPUs")
    # Ray workers cannot import this test module: ship its task functions by value
    ray.cloudpickle.register_pickle_by_value(sys.modules[__name__])
    runner = RayExecutor(workers=CPUS)
    yield runner
    runner.close()
    assert not ray.is_initialized()


# ---------------------------------------------------------------------------------------------
# map_ordered


def _slow_square(n: int) -> int:
    """Early items finish last, so completion order is the reverse of input order."""
    time.sleep(0.02 * (6 - n % 6))
    return n * n


def _fail_on_three(n: int) -> int:
    if n == 3:
        raise ValueError("item three is bad")
    return n


def test_map_ordered_yields_in_input_order(executor: RayExecutor) -> None:
    assert list(executor.map_ordered(_slow_square, range(12))) == [n * n for n in range(12)]


def test_map_ordered_keeps_at_most_two_per_cpu_in_flight(executor: RayExecutor) -> None:
    pulled = 0

    def items() -> Iterator[int]:
        nonlocal pulled
        for n in range(20):
            pulled += 1
            yield n

    in_flight = []
    for done, _ in enumerate(executor.map_ordered(_slow_square, items()), 1):
        in_flight.append(pulled - done + 1)  # submitted, not yet consumed, incl. this one
    assert max(in_flight) == 2 * CPUS
    assert pulled == 20


def test_map_ordered_raises_the_task_error(executor: RayExecutor) -> None:
    with pytest.raises(ValueError, match="item three is bad"):
        list(executor.map_ordered(_fail_on_three, range(6)))


def test_executor_leaves_a_running_ray_alone(executor: RayExecutor) -> None:
    guest = RayExecutor()  # Ray is already up: used, not owned
    assert list(guest.map_ordered(abs, [-2, 1])) == [2, 1]
    guest.close()
    assert ray.is_initialized()


# ---------------------------------------------------------------------------------------------
# plan_dedup


WORDS = [f"name{i}" for i in range(400)] + ["def", "return", "if", "for", "(", ")", ":", "="]


def _text(rng: random.Random, n_tokens: int = 120) -> str:
    words = [rng.choice(WORDS) for _ in range(n_tokens)]
    return "\n".join(" ".join(words[i : i + 8]) for i in range(0, n_tokens, 8))


def _edit(rng: random.Random, text: str, changes: int) -> str:
    words = text.split(" ")
    for _ in range(changes):
        words[rng.randrange(len(words))] = rng.choice(WORDS)
    return " ".join(words)


def synthetic_records(seed: int, config: HygieneConfig) -> list[dedup.DedupRecord]:
    """Files across repos of several sizes: unique files, exact copies (one with CRLF line
    endings), near copies (a few tokens edited), near copies of exact copies, tiny files
    without a signature, and one (repo, path) listed twice."""
    rng = random.Random(seed)
    repos = {f"org{i}/repo{i}": rng.randint(1, 40) for i in range(6)}
    names = sorted(repos)
    records: list[dedup.DedupRecord] = []

    def add(text: str) -> None:
        repo = rng.choice(names)
        path = f"src/m{len(records)}.py"
        # tiny files included (no exemption): the planners must agree on them too
        built = dedup.dedup_record(repo, path, text, repos[repo],
                                   replace(config, dedup_min_tokens=0))
        assert built is not None
        records.append(built)

    for _ in range(60):
        base = _text(rng)
        add(base)
        kind = rng.random()
        if kind < 0.25:
            add(base.replace("\n", "\r\n") + "\n")
        elif kind < 0.5:
            add(_edit(rng, base, 3))
        elif kind < 0.65:
            near = _edit(rng, base, 2)
            add(near)
            add(near)
            add(_edit(rng, base, 40))  # far: must survive
    for _ in range(5):
        add("x = 1")
        add("x = 1")
    records.append(records[0])
    return records


def test_plan_dedup_equals_the_local_plan_on_shuffled_records(executor: RayExecutor) -> None:
    config = HygieneConfig()
    records = synthetic_records(7, config)
    expected = dedup.plan_dedup(records, config)
    reasons = {drop.reason for drop in expected.values()}
    assert reasons == {"duplicate", "near_duplicate"}  # both kinds are exercised
    shuffled = records[:]
    random.Random(1).shuffle(shuffled)
    assert executor.plan_dedup(shuffled, config) == expected


@pytest.mark.parametrize("threshold", [0.5, 0.85, 1.0])
def test_plan_dedup_equals_the_local_plan_at_other_thresholds(
    executor: RayExecutor, threshold: float
) -> None:
    config = replace(HygieneConfig(), dedup_threshold=threshold, dedup_num_perm=128)
    records = synthetic_records(3, config)
    assert executor.plan_dedup(records, config) == dedup.plan_dedup(records, config)


def _planted_signatures(seed: int, n: int, num_perm: int) -> dict[dedup.Rank, np.ndarray]:
    """Random signatures with planted near copies (a few positions changed) and exact ones."""
    rng = np.random.default_rng(seed)
    signatures: dict[dedup.Rank, np.ndarray] = {}
    for i in range(n):
        build_output = bool(rng.random() < 0.2)  # some are dist/ copies
        rank = (-int(rng.integers(1, 5)), f"r{i % 4}", (build_output, False), f"f{i}")
        if signatures and rng.random() < 0.5:
            source = list(signatures.values())[int(rng.integers(len(signatures)))].copy()
            changed = rng.choice(num_perm, int(rng.integers(0, num_perm // 2)), replace=False)
            source[changed] = rng.integers(0, 2**32, changed.size, dtype=np.uint64)
            signatures[rank] = source.astype(dedup.SIGNATURE_DTYPE)
        else:
            signatures[rank] = rng.integers(0, 2**32, num_perm, dtype=np.uint64).astype(
                dedup.SIGNATURE_DTYPE)
    return signatures


@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 2**16), n=st.integers(0, 70), chunk_rows=st.integers(1, 40),
       reducers=st.integers(1, 5), within_repo=st.booleans())
def test_distributed_search_equals_local_for_any_chunking(
    executor: RayExecutor, seed: int, n: int, chunk_rows: int, reducers: int,
    within_repo: bool,
) -> None:
    """Same survivors either way, with copies inside a repository kept (the default) or
    dropped too (``--dedup-within-repo``)."""
    signatures = _planted_signatures(seed, n, 64)
    expected = dedup.near_duplicates(signatures, 0.7, 64, within_repo=within_repo)
    found = distributed_near_duplicates(signatures, 0.7, 64, cpus=CPUS, chunk_rows=chunk_rows,
                                        reducers=reducers, within_repo=within_repo)
    assert found == expected


def test_reducer_count_grows_with_work_and_stays_bounded() -> None:
    assert reducer_count(10, cpus=8) == 1  # tiny input: one reducer, no task overhead
    assert reducer_count(1 << 20, cpus=4) == 8  # enough work: two per CPU
    assert reducer_count(1 << 30, cpus=4) == 256  # huge input: bounded memory per reducer


# ---------------------------------------------------------------------------------------------
# whole runs


def _forks(root: Path) -> Path:
    """Copies of fixture repositories, so the run's dedup plan has work: an exact fork of
    each, and a fork whose largest files gained one line (near duplicates)."""
    for name in ("py-pkg", "java-maven"):
        shutil.copytree(FIXTURES / name, root / f"{name}-fork")
        edited = shutil.copytree(FIXTURES / name, root / f"{name}-edit")
        files = [p for p in edited.rglob("*") if p.is_file()]
        for path in sorted(files, key=lambda p: (-p.stat().st_size, p))[:3]:
            path.write_text(path.read_text(encoding="utf-8") + "\n// edited in the fork\n")
    return root


def test_pack_with_ray_writes_the_same_bytes_as_local(
    executor: RayExecutor, tmp_path: Path
) -> None:
    inputs = [FIXTURES, _forks(tmp_path / "forks")]
    local = pack(inputs, tmp_path / "local", executor="local", workers=2)
    on_ray = pack(inputs, tmp_path / "ray", executor="ray", workers=2)
    assert ray.is_initialized()  # the run used the module's Ray and left it running
    assert local.stats["dedup.files_exact"] > 0 and local.stats["dedup.files_near"] > 0
    assert local.shards and on_ray.shards == local.shards
    for name in [*local.shards, "dropped.parquet"]:
        assert (tmp_path / "ray" / name).read_bytes() == (tmp_path / "local" / name).read_bytes()
    assert on_ray.stats == local.stats


def test_cli_rejects_an_unknown_executor_and_a_stray_address(tmp_path: Path) -> None:
    from codepack.cli import app

    bad = CliRunner().invoke(app, ["pack", str(FIXTURES), "--out", str(tmp_path / "a"),
                                   "--executor", "spark"])
    assert bad.exit_code != 0
    assert "--executor must be one of local, ray" in bad.output
    stray = CliRunner().invoke(app, ["pack", str(FIXTURES), "--out", str(tmp_path / "b"),
                                     "--ray-address", "auto"])
    assert stray.exit_code != 0
    assert "--ray-address needs --executor ray" in stray.output
