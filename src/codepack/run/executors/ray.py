"""Run codepack's stages on a Ray cluster, with the global dedup plan as a distributed step.

``RayExecutor`` implements :class:`codepack.run.executors.base.Executor`, as ``LocalExecutor``
does:

- ``map_ordered(fn, items)`` runs ``fn`` on each item as a Ray task and yields the results
  in input order, with at most ``2 x CPUs`` tasks in flight, so the bytes written are the
  same as a local run's and finished results never pile up behind a slow repository.
- ``plan_dedup(records, config)`` returns exactly :func:`codepack.dedup.plan.plan_dedup`'s plan.
  The cheap exact-hash step runs on the driver (:func:`codepack.dedup.plan.plan_dedup_with`); the
  near-duplicate search, which costs ``files x bands`` hashes plus every bucket's
  verification, is a map/shuffle/reduce over Ray tasks (:func:`distributed_near_duplicates`).

Where data lives. Without an address, a local Ray is started whose workers run in this
process's virtualenv and working directory, so nothing is shipped. With an address, the
``codepack`` package is shipped to the workers through the runtime environment
(``py_modules``); its dependencies (tree-sitter and the grammar wheels, pyarrow, ...) must
already be installed on the cluster's nodes, and the input paths and ``--out`` folder must be
on a filesystem every node mounts at the same absolute path: tasks read the repositories and
exchange spilled scans through ``--out``.
"""

from __future__ import annotations

import logging
import math
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from functools import partial
from typing import TypeVar

import numpy as np
import ray

import codepack
from codepack.config import HygieneConfig
from codepack.dedup import plan as dedup
from codepack.records import Drop
from codepack.run.executors.local import default_workers

T = TypeVar("T")
R = TypeVar("R")

#: Signatures per map task and per object in the object store: 8 MiB at 256 permutations,
#: large enough to amortise a task's overhead, small enough that a reducer fetching the
#: signatures of a few bucket members does not pull much it does not need.
CHUNK_ROWS = 8192
#: (band key, rank) pairs one reducer may receive (18 bytes each, about 72 MiB): more
#: pairs than reducers x this add reducers, so memory per task stays bounded at any scale.
PAIRS_PER_REDUCER = 1 << 22
#: Below this many pairs per reducer, extra reducers cost more in task overhead than they
#: save, so small inputs use few reducers even on a large cluster.
MIN_PAIRS_PER_REDUCER = 1 << 16
#: Cluster members per resolve task, at least: resolving is fast, tasks are not free.
MIN_RESOLVE_MEMBERS = 1024

#: One (band key, rank) pair of the shuffle: band is kept so that grouping is exactly
#: "same band, same key", as in the local search, even if two bands' 64-bit keys collide.
PAIR_DTYPE = np.dtype([("key", "<u8"), ("band", "<u2"), ("rank", "<i8")])

Rank = dedup.Rank


class RayExecutor:
    """Runs stages as Ray tasks; the near-duplicate search is distributed too.

    ``address=None`` starts a local Ray with ``workers`` CPUs (default: all cores this process
    may use) and no dashboard; an address (``auto``, ``ray://host:10001``, ...) connects to
    a running cluster. If Ray is already initialised in this process (codepack called from
    a Ray program), that Ray is used and left running. ``workers`` also caps the tasks in
    flight on a cluster; by default the cap follows the cluster's CPU count.

    Implements :class:`codepack.run.executors.base.Executor`.
    """

    name = "ray"

    def __init__(self, address: str | None = None, workers: int | None = None) -> None:
        self.workers = workers
        self._owns_ray = False
        if ray.is_initialized():
            return
        if address is None:
            # a local Ray must not phone home: runs are offline and reproducible
            os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
            ray.init(
                num_cpus=workers or default_workers(),
                include_dashboard=False,
                log_to_driver=False,
                ignore_reinit_error=True,
                logging_level=logging.WARNING,
            )
        else:
            ray.init(
                address=address,
                runtime_env={"py_modules": [codepack]},
                log_to_driver=False,
                ignore_reinit_error=True,
                logging_level=logging.WARNING,
            )
        self._owns_ray = True

    def cpus(self) -> int:
        """CPUs to plan for: ``workers`` if given, else the cluster's (read now: clusters
        autoscale)."""
        if self.workers:
            return self.workers
        return max(1, int(ray.cluster_resources().get("CPU", 1)))

    def map_ordered(
        self, fn: Callable[[T], R], items: Iterable[T], ahead: int | None = None
    ) -> Iterator[R]:
        """Yield ``fn(item)`` for each item in input order, at most ``ahead`` tasks in flight
        or unconsumed (default ``2 x cpus()``).

        A task's exception is raised here (Ray's error type derives from the original one).
        If the caller stops early, the tasks still in flight are cancelled.
        """
        limit = max(self.cpus(), ahead or 2 * self.cpus())
        window: deque[ray.ObjectRef] = deque()
        try:
            for item in items:
                window.append(_apply.remote(fn, item))
                if len(window) >= limit:
                    yield ray.get(window.popleft())
            while window:
                yield ray.get(window.popleft())
        finally:
            for ref in window:
                ray.cancel(ref)

    def plan_dedup(
        self, records: Sequence[dedup.DedupRecord], config: HygieneConfig
    ) -> dict[dedup.Key, Drop]:
        """Exactly ``dedup.plan_dedup(records, config)``, near duplicates found on Ray."""
        near = partial(distributed_near_duplicates, cpus=self.cpus())
        return dedup.plan_dedup_with(records, config, near)

    def close(self) -> None:
        """Shut Ray down if this executor started or connected it, else leave it running."""
        if self._owns_ray and ray.is_initialized():
            ray.shutdown()
        self._owns_ray = False


# ---------------------------------------------------------------------------------------------
# distributed near-duplicate search


def distributed_near_duplicates(
    signatures: Mapping[Rank, np.ndarray],
    threshold: float,
    num_perm: int,
    *,
    cpus: int = 1,
    chunk_rows: int = CHUNK_ROWS,
    reducers: int | None = None,
    within_repo: bool = False,
) -> dict[Rank, Rank]:
    """:func:`codepack.dedup.plan.near_duplicates` as Ray tasks: same arguments, same answer.

    Ranks are replaced by their position in sorted order (an int that orders the same way),
    and the signatures are stored in the object store in chunks of ``chunk_rows``, so a task
    finds a rank's signature from the rank alone. Then:

    1. map: one task per chunk computes its band keys and hash-partitions the
       (key, band, rank) triples over the reducers by ``key mod reducers``;
    2. reduce: each reducer groups its triples by (band, key) and verifies every bucket of
       more than one member with :func:`dedup.bucket_edges`, fetching only the chunks that
       hold those members' signatures;
    3. the driver joins the verified edges into clusters (union-find, small);
    4. batches of clusters are resolved in tasks with :func:`dedup.resolve_cluster`.
    """
    if len(signatures) < 2:
        return {}
    bands, rows = dedup.lsh_params(threshold, num_perm)
    ranks = sorted(signatures)
    chunks = [
        ray.put(np.vstack([signatures[rank] for rank in ranks[start : start + chunk_rows]]))
        for start in range(0, len(ranks), chunk_rows)
    ]
    n_reducers = reducers or reducer_count(len(ranks) * bands, cpus)
    partitions = []
    for index, chunk in enumerate(chunks):
        parts = _band_key_pairs.options(num_returns=n_reducers).remote(
            chunk, index * chunk_rows, bands, rows, n_reducers
        )
        partitions.append(parts if n_reducers > 1 else [parts])
    edge_refs = [
        _reduce_buckets.remote(chunks, chunk_rows, threshold, *(parts[r] for parts in partitions))
        for r in range(n_reducers)
    ]
    edges = np.concatenate(ray.get(edge_refs))
    clusters = dedup.join_clusters(map(tuple, edges.tolist()))
    # what dedup.may_drop_for reads from a rank, per position: the repository (as an int)
    # and whether the file is a build output; None drops copies inside a repository too
    repo_ids = {repo: i for i, repo in enumerate(sorted({rank[1] for rank in ranks}))}
    keep_within = None if within_repo else ray.put((
        np.array([repo_ids[rank[1]] for rank in ranks], dtype=np.int64),
        np.array([bool(rank[2][0]) for rank in ranks]),
    ))
    batch_refs = [
        _resolve_clusters.remote(chunks, chunk_rows, threshold, batch, keep_within)
        for batch in _batches(clusters, max(MIN_RESOLVE_MEMBERS, math.ceil(
            sum(map(len, clusters)) / (2 * cpus))))
    ]
    dropped: dict[Rank, Rank] = {}
    for pairs in ray.get(batch_refs):
        dropped.update((ranks[loser], ranks[survivor]) for loser, survivor in pairs)
    return dropped


def reducer_count(pairs: int, cpus: int) -> int:
    """Reducers for ``pairs`` (key, rank) pairs: enough to bound each one's input, and up to
    two per CPU when there is enough work to share."""
    by_memory = math.ceil(pairs / PAIRS_PER_REDUCER)
    by_parallelism = min(2 * cpus, math.ceil(pairs / MIN_PAIRS_PER_REDUCER))
    return max(1, by_memory, by_parallelism)


def _batches(clusters: list[list[int]], members_per_batch: int) -> Iterator[list[list[int]]]:
    """Consecutive clusters, grouped until a group holds ``members_per_batch`` members."""
    batch: list[list[int]] = []
    size = 0
    for cluster in clusters:
        batch.append(cluster)
        size += len(cluster)
        if size >= members_per_batch:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


class _SignatureStore:
    """The signatures of some ranks, fetched chunk by chunk from the object store."""

    def __init__(self, chunks: Sequence[ray.ObjectRef], chunk_rows: int, ranks: np.ndarray):
        needed = np.unique(ranks // chunk_rows).tolist()
        self._rows = chunk_rows
        self._chunks = dict(zip(needed, ray.get([chunks[c] for c in needed]), strict=True))

    def __getitem__(self, rank: int) -> np.ndarray:
        return self._chunks[rank // self._rows][rank % self._rows]


@ray.remote
def _apply(fn: Callable[[T], R], item: T) -> R:
    """One ``map_ordered`` item."""
    return fn(item)


@ray.remote
def _band_key_pairs(
    matrix: np.ndarray, first_rank: int, bands: int, rows: int, reducers: int
) -> np.ndarray | tuple[np.ndarray, ...]:
    """Map: the (key, band, rank) triples of one chunk, one array per reducer."""
    keys = dedup.band_key_matrix(matrix, bands, rows)
    pairs = np.empty(keys.size, dtype=PAIR_DTYPE)
    pairs["key"] = keys.ravel()
    pairs["band"] = np.tile(np.arange(bands, dtype=np.uint16), len(matrix))
    pairs["rank"] = np.repeat(np.arange(first_rank, first_rank + len(matrix)), bands)
    if reducers == 1:
        return pairs
    target = pairs["key"] % np.uint64(reducers)
    return tuple(pairs[target == r] for r in range(reducers))


@ray.remote
def _reduce_buckets(
    chunks: list[ray.ObjectRef], chunk_rows: int, threshold: float, *parts: np.ndarray
) -> np.ndarray:
    """Reduce: verified edges ``(rank, rank)`` of every bucket in this reducer's share."""
    pairs = np.concatenate(parts)
    no_edges = np.empty((0, 2), dtype=np.int64)
    if len(pairs) < 2:
        return no_edges
    pairs = pairs[np.lexsort((pairs["rank"], pairs["key"], pairs["band"]))]
    new_group = (pairs["key"][1:] != pairs["key"][:-1]) | (pairs["band"][1:] != pairs["band"][:-1])
    cuts = np.flatnonzero(new_group) + 1
    starts = np.concatenate(([0], cuts))
    ends = np.concatenate((cuts, [len(pairs)]))
    shared = np.flatnonzero(ends - starts > 1)
    if not shared.size:
        return no_edges
    buckets = [pairs["rank"][starts[g] : ends[g]] for g in shared.tolist()]
    store = _SignatureStore(chunks, chunk_rows, np.concatenate(buckets))
    edges: set[tuple[int, int]] = set()
    for bucket in buckets:
        edges.update(dedup.bucket_edges(((r, store[r]) for r in bucket.tolist()), threshold))
    if not edges:
        return no_edges
    return np.array(sorted(edges), dtype=np.int64)


@ray.remote
def _resolve_clusters(
    chunks: list[ray.ObjectRef],
    chunk_rows: int,
    threshold: float,
    clusters: list[list[int]],
    keep_within: tuple[np.ndarray, np.ndarray] | None,
) -> list[tuple[int, int]]:
    """Dropped -> survivor pairs of a batch of clusters. ``keep_within`` (repository id and
    build-output flag per position) applies :func:`dedup.may_drop_for` to positions."""
    store = _SignatureStore(chunks, chunk_rows, np.array([r for c in clusters for r in c]))
    may_drop = None
    if keep_within is not None:
        repo_of, build_output = keep_within

        def may_drop(member: int, survivor: int) -> bool:
            return bool(repo_of[member] != repo_of[survivor] or build_output[member])

    dropped: dict[int, int] = {}
    for cluster in clusters:
        members = ((r, store[r]) for r in cluster)
        dropped.update(dedup.resolve_cluster(members, threshold, may_drop))
    return sorted(dropped.items())


__all__ = ["RayExecutor", "distributed_near_duplicates", "reducer_count"]
