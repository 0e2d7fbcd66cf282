"""Exact and near-duplicate detection: the global stage between scan and pack.

Two files are *exact* duplicates when their normalised text hashes equal, and *near*
duplicates when the MinHash estimate of the Jaccard similarity of their token 5-gram sets
reaches ``HygieneConfig.dedup_threshold`` (BigCode's recipe for The Stack).

The scan stage turns every file into a small :class:`DedupRecord` (hash + a packed
signature, about 1 KiB, never the shingles), so the global stage holds signatures only. The
near-duplicate search is split into pure functions so a distributed executor can run the
same steps at scale::

    band_keys(signature)        map:     record -> LSH band keys (band_key_matrix: batched)
    bucket_edges(members)       reduce:  one LSH bucket -> verified similar pairs
    join_clusters(edges)        driver:  union-find over the verified pairs
    resolve_cluster(members)    map:     one cluster -> {dropped: survivor}

Candidate pairs are *verified*: a pair becomes an edge only when its estimated Jaccard
similarity reaches the threshold, and inside a cluster every dropped file must itself be
similar to the survivor it is dropped for (see :func:`resolve_cluster`), so chains
A ~ B ~ C never drop C for an A it does not resemble.

Survivors are chosen deterministically, independent of input order: the copy in the
repository with more files, then the smallest ``(repo, path)``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Protocol, TypeVar

import numpy as np
import xxhash

from codepack.config import HygieneConfig
from codepack.dedup.minhash import (
    MINHASH_SEED,
    NGRAM_BASE,
    SIGNATURE_DTYPE,
    code_tokens,
    has_code_tokens,
    minhash_from_hashes,
    minhash_signature,
    ngram_hashes,
    shingle_hashes,
    sign_texts,
)
from codepack.graph.resolvers.go_build import DEFAULT_GO_TARGET, GoTarget, off_target
from codepack.records import Drop, SkipReason

if TYPE_CHECKING:
    from codepack.records import RepoScan, SourceFile

_U64 = np.uint64

Key = tuple[str, str]  # (repo, path)
R = TypeVar("R")  # a rank, or a stand-in that orders the same way (an int in a Ray task)
# (-repo_n_files, repo, (is_build_output, off_target), path): smaller is preferred
Rank = tuple[int, str, tuple[bool, bool], str]

# Folders where build tools write their output. Of two copies of a file in one repository
# (``src/index.ts`` and its compiled twin ``dist/esm/index.js``), the source is the one worth
# training on and the one the import graph runs through, so a copy below one of these loses.
BUILD_OUTPUT_DIRS = frozenset({"dist", "build", "out", "target", "_build", "esm", "cjs", "umd",
                               "bundles"})


# ---------------------------------------------------------------------------------------------
# hashing


def normalize_for_hash(text: str) -> str:
    """Normalise what editors and checkouts change without changing the code.

    Line endings become ``\\n``, trailing whitespace is stripped from every line, and a
    leading byte-order mark and trailing blank lines are dropped, so a CRLF checkout or a
    missing final newline does not hide an exact duplicate.
    """
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    # map(str.rstrip) strips a line without a Python frame per line (a generator made one)
    return "\n".join(map(str.rstrip, text.split("\n"))).rstrip("\n")


def content_hash(text: str) -> str:
    """xxh3-128 hex digest of the normalised text (exact-duplicate key)."""
    data = normalize_for_hash(text).encode("utf-8", "surrogatepass")
    return xxhash.xxh3_128_hexdigest(data)


# ---------------------------------------------------------------------------------------------
# signatures


def file_signature(text: str, config: HygieneConfig) -> bytes | None:
    """Packed signature of a file with the configured permutations and n-gram size."""
    signature = minhash_signature(text, config.dedup_num_perm, config.dedup_ngram)
    return None if signature is None else signature.tobytes()


def signature_from_bytes(data: bytes) -> np.ndarray:
    """Inverse of ``signature.tobytes()``."""
    return np.frombuffer(data, dtype=SIGNATURE_DTYPE)


def merge_signatures(signatures: Iterable[np.ndarray | None]) -> np.ndarray | None:
    """Signature of the union of several sets: the element-wise minimum.

    This is how a repository's signature is made from its files' (``--dedup repo``) without
    ever holding the repository's concatenated text.
    """
    merged: np.ndarray | None = None
    for signature in signatures:
        if signature is None:
            continue
        merged = signature.copy() if merged is None else np.minimum(merged, signature)
    return merged


def estimated_jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """Fraction of equal signature positions: MinHash's Jaccard similarity estimate."""
    return float(np.count_nonzero(a == b)) / len(a)


# ---------------------------------------------------------------------------------------------
# records


@dataclass(slots=True)
class DedupRecord:
    """What the global stage needs to know about one file: no text, no shingles."""

    repo: str
    path: str
    content_hash: str
    signature: bytes | None  # packed little-endian uint32 MinHash, None for tiny files
    repo_n_files: int
    n_bytes: int
    # the target's build leaves the file out (a Go file for another platform): of two copies,
    # the one the import graph runs through is kept
    off_target: bool = False


@dataclass(slots=True)
class RepoDedupRecord:
    """One repository as a single document (``--dedup repo``, DeepSeek-Coder's choice)."""

    repo: str
    n_files: int
    signature: bytes | None  # MinHash of the union of the repository's file shingles
    content_hash: str = ""  # hash of the sorted file hashes: identical forks match exactly


def dedup_record(
    repo: str,
    path: str,
    text: str,
    repo_n_files: int,
    config: HygieneConfig,
    *,
    n_bytes: int | None = None,
    known_hash: str = "",
    off_target: bool = False,
) -> DedupRecord | None:
    """The record the scan stage emits for one kept file, or None for a file exempt from
    deduplication: fewer than ``dedup_min_tokens`` code tokens (package markers and one-line
    re-export stubs are structure, not content; see ``HygieneConfig``).

    The one builder of file records: production (``dedup_records``) and the tests use it.
    ``n_bytes`` is the file's size as read (default: the UTF-8 size of ``text``);
    ``known_hash`` a ``content_hash`` the scan already computed; ``off_target`` that the
    build target leaves the file out (see :func:`file_off_target`).
    """
    signed = _sign(config, [text])[0]
    return _file_record(repo, path, text, repo_n_files, config, signed, n_bytes, known_hash,
                        off_target)


def _sign(config: HygieneConfig, texts: list[str]) -> list[tuple[int, np.ndarray | None]]:
    """(code token count, signature) of each text with the configured MinHash; files exempt
    from deduplication are not signed."""
    return sign_texts(texts, config.dedup_num_perm, config.dedup_ngram,
                      min_tokens=config.dedup_min_tokens)


def _file_record(
    repo: str,
    path: str,
    text: str,
    repo_n_files: int,
    config: HygieneConfig,
    signed: tuple[int, np.ndarray | None],
    n_bytes: int | None,
    known_hash: str,
    off_target: bool = False,
) -> DedupRecord | None:
    """``dedup_record`` once the text is signed (so a whole repository is signed at once)."""
    n_tokens, signature = signed
    if n_tokens < config.dedup_min_tokens:
        return None
    return DedupRecord(
        repo=repo,
        path=path,
        content_hash=known_hash or content_hash(text),
        signature=None if signature is None else signature.tobytes(),
        repo_n_files=repo_n_files,
        n_bytes=len(text.encode("utf-8", "surrogatepass")) if n_bytes is None else n_bytes,
        off_target=off_target,
    )


def dedup_records(
    scan: RepoScan, config: HygieneConfig, go_target: str = DEFAULT_GO_TARGET
) -> list[DedupRecord]:
    """The small per-file records (no text) the global stage needs from one scanned
    repository; files exempt from deduplication get none. The repository's files are signed
    in batches (``sign_texts``), which is several times faster than one file at a time.
    ``go_target`` is the run's ``--go-target``: which Go files build (see
    :func:`file_off_target`)."""
    n_files = len(scan.files)
    target = GoTarget.parse(go_target)
    signed = _sign(config, [f.text for f in scan.files])
    records = (_file_record(scan.name, f.path, f.text, n_files, config, s, f.n_bytes,
                            f.content_hash, file_off_target(f, target))
               for f, s in zip(scan.files, signed, strict=True))
    return [record for record in records if record is not None]


def file_off_target(file: SourceFile, target: GoTarget) -> bool:
    """Whether the build for ``target`` leaves ``file`` out: a Go file whose name suffix,
    build constraints or cgo use exclude it (``stat_darwin.go`` for linux/amd64). Such
    platform variants are often near duplicates of each other; the one that builds is the
    one the import graph connects, so it is the copy to keep. Other languages have no such
    rule and are never off target."""
    if file.language != "go":
        return False
    imports_cgo = any(ref.spec == "C" for ref in file.imports)
    return off_target(file.path, file.declarations, imports_cgo, target)


def repo_dedup_record(scan: RepoScan, config: HygieneConfig) -> RepoDedupRecord:
    """The ``--dedup repo`` record of a scanned repository.

    The signature is the union of the files' shingle sets (n-grams never span two files, so
    it does not depend on file order); the exact key hashes the sorted file hashes, so a
    fork that only renamed or moved files is still an exact duplicate.
    """
    hashes = sorted(f.content_hash or content_hash(f.text) for f in scan.files)
    texts = [f.text for f in scan.files]
    signature = merge_signatures(
        signature for _, signature in sign_texts(texts, config.dedup_num_perm, config.dedup_ngram)
    )
    return RepoDedupRecord(
        repo=scan.name,
        n_files=len(scan.files),
        signature=None if signature is None else signature.tobytes(),
        content_hash=xxhash.xxh3_128_hexdigest("\n".join(hashes).encode()) if hashes else "",
    )


# ---------------------------------------------------------------------------------------------
# LSH: pure steps, usable by a distributed executor


def _integrate(values: np.ndarray, points: np.ndarray) -> float:
    """Trapezoidal rule (numpy renamed ``trapz`` to ``trapezoid`` across versions)."""
    return float(((values[1:] + values[:-1]) * np.diff(points)).sum() / 2)


@cache
def lsh_params(threshold: float, num_perm: int) -> tuple[int, int]:
    """(bands, rows) minimising false positives + false negatives around ``threshold``.

    Same criterion and weights (0.5/0.5) as ``datasketch.MinHashLSH``, integrated
    numerically here so no private datasketch API is needed.
    """
    if not 0.0 < threshold < 1.0:
        raise ValueError(f"dedup threshold must be in (0, 1), got {threshold}")
    if num_perm < 1:
        raise ValueError(f"dedup num_perm must be positive, got {num_perm}")
    below = np.linspace(0.0, threshold, 513)
    above = np.linspace(threshold, 1.0, 513)
    best, best_error = (1, 1), float("inf")
    for bands in range(1, num_perm + 1):
        for rows in range(1, num_perm // bands + 1):
            false_pos = _integrate(1 - (1 - below**rows) ** bands, below)
            false_neg = _integrate((1 - above**rows) ** bands, above)
            error = 0.5 * false_pos + 0.5 * false_neg
            if error < best_error:
                best, best_error = (bands, rows), error
    return best


def _mix64(values: np.ndarray) -> np.ndarray:
    """splitmix64's finalizer: spreads every input bit over the whole key."""
    values = values ^ (values >> _U64(30))
    values = values * _U64(0xBF58476D1CE4E5B9)
    values = values ^ (values >> _U64(27))
    values = values * _U64(0x94D049BB133111EB)
    return values ^ (values >> _U64(31))


def band_key_matrix(signatures: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """64-bit bucket keys of many signatures at once: an ``(n, bands)`` uint64 array.

    Two signatures share a band's key exactly when that band's ``rows`` values are equal
    (up to 64-bit hash collisions); the band index is mixed in so bands never share keys.
    """
    n = signatures.shape[0]
    block = signatures[:, : bands * rows].reshape(n, bands, rows).astype(_U64)
    keys = np.tile(np.arange(1, bands + 1, dtype=_U64) * NGRAM_BASE, (n, 1))
    for row in range(rows):
        keys *= NGRAM_BASE
        keys ^= block[:, :, row]
    return _mix64(keys)


def band_keys(signature: np.ndarray, bands: int, rows: int) -> list[int]:
    """The bucket key of each band of one signature (same keys as ``band_key_matrix``)."""
    return band_key_matrix(signature[None, :], bands, rows)[0].tolist()


def bucket_edges(
    members: Iterable[tuple[Rank, np.ndarray]], threshold: float
) -> list[tuple[Rank, Rank]]:
    """Verified similar pairs among the members of one LSH bucket.

    Members are taken in preference order; each is compared with the bucket's current
    representatives (vectorised) and linked to every one it resembles, or becomes a new
    representative. Large buckets of near-identical files so cost O(size), not O(size^2).
    """
    ordered = sorted(members, key=lambda item: item[0])
    edges: list[tuple[Rank, Rank]] = []
    rep_ranks: list[Rank] = []
    rep_sigs: list[np.ndarray] = []
    for rank, signature in ordered:
        if rep_sigs:
            similarity = (np.vstack(rep_sigs) == signature).mean(axis=1)
            similar = np.flatnonzero(similarity >= threshold)
            if similar.size:
                edges.extend((rep_ranks[i], rank) for i in similar.tolist())
                continue
        rep_ranks.append(rank)
        rep_sigs.append(signature)
    return edges


def join_clusters(edges: Iterable[tuple[Rank, Rank]]) -> list[list[Rank]]:
    """Connected components of the verified edges (union-find), each sorted, sorted."""
    parent: dict[Rank, Rank] = {}

    def find(node: Rank) -> Rank:
        root = node
        while parent[root] != root:
            root = parent[root]
        while parent[node] != root:  # path compression
            parent[node], node = root, parent[node]
        return root

    for a, b in edges:
        parent.setdefault(a, a)
        parent.setdefault(b, b)
        root_a, root_b = find(a), find(b)
        if root_a != root_b:  # the preferred node becomes the root
            if root_b < root_a:
                root_a, root_b = root_b, root_a
            parent[root_b] = root_a
    clusters: dict[Rank, list[Rank]] = defaultdict(list)
    for node in parent:
        clusters[find(node)].append(node)
    return sorted(sorted(members) for members in clusters.values())


def resolve_cluster(
    members: Iterable[tuple[R, np.ndarray]],
    threshold: float,
    may_drop: Callable[[R, R], bool] | None = None,
) -> dict[R, R]:
    """Which members of one cluster are dropped, and for which survivor.

    Greedy in preference order: a member similar (>= threshold) to an already kept member is
    dropped for the most similar one (ties: the preferred one); otherwise it is kept. Every
    drop is thus verified directly against its survivor, which stops transitive chains.
    ``may_drop(member, survivor)`` (default: always) says which kept members a member may be
    dropped for at all (:func:`may_drop_for` keeps a repository's own variants).
    """
    kept_ranks: list[R] = []
    kept_sigs: list[np.ndarray] = []
    dropped: dict[R, R] = {}
    for rank, signature in sorted(members, key=lambda item: item[0]):
        if kept_sigs:
            similarity = (np.vstack(kept_sigs) == signature).mean(axis=1)
            if may_drop is not None:
                allowed = np.array([may_drop(rank, kept) for kept in kept_ranks])
                similarity = np.where(allowed, similarity, -1.0)
            best = int(np.argmax(similarity))  # first maximum = preferred survivor on ties
            if similarity[best] >= threshold:
                dropped[rank] = kept_ranks[best]
                continue
        kept_ranks.append(rank)
        kept_sigs.append(signature)
    return dropped


def may_drop_for(dropped: Rank, survivor: Rank) -> bool:
    """Whether a file may be dropped as a *near* duplicate of ``survivor`` when such copies
    inside one repository are kept (the default, ``dedup_within_repo`` off): only for a file
    of another repository, or when the file is a build output (``dist/index.js`` of
    ``src/index.ts``). Exact copies go in any case: a second identical file adds nothing.

    Inside one repository near-identical files are part of its structure: per-platform
    variants (``stat_linux.go``, ``stat_darwin.go``), a package generated from another
    (``go/types`` from ``types2``), sibling classes under one long license header. Each is a
    file other files import; dropping one cuts the repository's import graph, the reason
    DeepSeek-Coder deduplicates whole repositories. Copies across repositories (forks,
    vendored libraries, copied files) are where a corpus repeats itself, and they go.
    """
    return dropped[1] != survivor[1] or dropped[2][0]


def _buckets(keys: np.ndarray) -> Iterator[np.ndarray]:
    """Row indices sharing a key, for every key held by more than one row (vectorised)."""
    order = np.argsort(keys, kind="stable")
    ordered = keys[order]
    cuts = np.flatnonzero(ordered[1:] != ordered[:-1]) + 1
    starts = np.concatenate(([0], cuts))
    ends = np.concatenate((cuts, [len(keys)]))
    for group in np.flatnonzero(ends - starts > 1).tolist():
        yield np.sort(order[starts[group] : ends[group]])


def near_duplicates(
    signatures: Mapping[Rank, np.ndarray],
    threshold: float,
    num_perm: int,
    *,
    within_repo: bool = False,
) -> dict[Rank, Rank]:
    """All near-duplicate drops among ``signatures``: dropped rank -> survivor rank.

    ``within_repo`` drops copies inside one repository too (else see :func:`may_drop_for`).

    Bands are bucketed one at a time with a sort over the band's key column, so memory is
    the stacked signatures plus one key column, never a dict of every band key.
    """
    if len(signatures) < 2:
        return {}
    bands, rows = lsh_params(threshold, num_perm)
    ranks = sorted(signatures)
    matrix = np.vstack([signatures[rank] for rank in ranks])
    keys = band_key_matrix(matrix, bands, rows)
    edges: set[tuple[Rank, Rank]] = set()
    for band in range(bands):
        for members in _buckets(keys[:, band]):
            bucket = [(ranks[i], matrix[i]) for i in members.tolist()]
            edges.update(bucket_edges(bucket, threshold))
    dropped: dict[Rank, Rank] = {}
    position = {rank: i for i, rank in enumerate(ranks)}
    for cluster in join_clusters(sorted(edges)):
        members = ((rank, matrix[position[rank]]) for rank in cluster)
        dropped.update(resolve_cluster(members, threshold, None if within_repo else may_drop_for))
    return dropped


# ---------------------------------------------------------------------------------------------
# plans


def _rank(repo: str, path: str, repo_n_files: int, off_target: bool = False) -> Rank:
    """Which copy survives: the larger repository's, then a source over a build output, then
    a file the build target compiles over one it leaves out, then the first path."""
    return (-repo_n_files, repo, (is_build_output(path), off_target), path)


def is_build_output(path: str) -> bool:
    """True when a folder of ``path`` is one build tools write to (``BUILD_OUTPUT_DIRS``)."""
    return any(folder in BUILD_OUTPUT_DIRS for folder in path.split("/")[:-1])


def _label(rank: Rank) -> str:
    return f"{rank[1]}/{rank[3]}" if rank[3] else rank[1]


def _parse_signature(data: bytes | None, num_perm: int) -> np.ndarray | None:
    """A stored signature, or None when it is absent or was made with another num_perm."""
    if data is None or len(data) != num_perm * SIGNATURE_DTYPE.itemsize:
        return None
    return signature_from_bytes(data)


def _plan(
    items: Iterable[tuple[Rank, str, bytes | None]],
    config: HygieneConfig,
    near: NearDuplicatesFn | None = None,
) -> dict[Rank, tuple[str, Rank]]:
    """Shared core of both plans: dropped rank -> (reason, survivor rank).

    Items are (rank, exact key, packed signature). Exact duplicates go first; near-duplicate
    search runs over the exact survivors only, and an exact duplicate whose survivor is then
    dropped as a near duplicate is re-pointed at the final survivor.
    """
    by_hash: dict[str, list[Rank]] = defaultdict(list)
    packed: dict[Rank, bytes | None] = {}
    for rank, exact_key, signature in items:
        if rank in packed:  # the same file twice: keep the first copy's data, count once
            continue
        packed[rank] = signature
        by_hash[exact_key or f"\0{rank}"].append(rank)
    plan: dict[Rank, tuple[str, Rank]] = {}
    survivors: list[Rank] = []
    for group in by_hash.values():  # an exact copy adds nothing, in any repository
        group.sort()
        survivors.append(group[0])
        for rank in group[1:]:
            plan[rank] = (SkipReason.DUPLICATE.value, group[0])
    if config.dedup_threshold >= 1.0:
        return plan
    signatures = {}
    for rank in survivors:
        signature = _parse_signature(packed[rank], config.dedup_num_perm)
        if signature is not None:
            signatures[rank] = signature
    search = near or near_duplicates
    found = search(signatures, config.dedup_threshold, config.dedup_num_perm,
                   within_repo=config.dedup_within_repo)
    for rank, survivor in found.items():
        plan[rank] = (SkipReason.NEAR_DUPLICATE.value, survivor)
    for rank, (reason, survivor) in list(plan.items()):
        if reason == SkipReason.DUPLICATE.value and survivor in found:
            plan[rank] = (SkipReason.NEAR_DUPLICATE.value, found[survivor])
    return plan


def plan_dedup(
    records: Iterable[DedupRecord],
    config: HygieneConfig,
    near: NearDuplicatesFn | None = None,
) -> dict[Key, Drop]:
    """Files to drop across all repositories: ``(repo, path) -> Drop``.

    ``Drop.detail`` names the surviving copy as ``repo/path``. The result depends only on the
    set of records, never on their order. ``near`` replaces :func:`near_duplicates` (a
    distributed executor passes its own).
    """
    items = sorted(
        ((_rank(r.repo, r.path, r.repo_n_files, r.off_target), r.content_hash, r.signature)
         for r in records),
        key=lambda item: item[:2],
    )
    plan = _plan(items, config, near)
    return {
        (rank[1], rank[3]): Drop(rank[1], rank[3], "dedup", reason, _label(survivor))
        for rank, (reason, survivor) in sorted(plan.items(),
                                               key=lambda kv: (kv[0][1], kv[0][3]))
    }


def plan_repo_dedup(records: Iterable[RepoDedupRecord], config: HygieneConfig) -> dict[str, Drop]:
    """Repositories to drop whole (``--dedup repo``): ``repo -> Drop``; detail names the
    surviving repository. A larger repository survives over a smaller copy."""
    items = sorted(
        ((_rank(r.repo, "", r.n_files), r.content_hash, r.signature) for r in records),
        key=lambda item: item[:2],
    )
    plan = _plan(items, config)
    return {
        rank[1]: Drop(rank[1], "", "dedup", reason, _label(survivor))
        for rank, (reason, survivor) in sorted(plan.items(), key=lambda kv: kv[0][1])
    }


def iter_band_keys(
    records: Iterable[DedupRecord], config: HygieneConfig
) -> Iterator[tuple[int, Rank]]:
    """(bucket key, rank) pairs of records with a signature: the map step of a distributed
    near-duplicate search (group by key, then :func:`bucket_edges` per group)."""
    bands, rows = lsh_params(config.dedup_threshold, config.dedup_num_perm)
    for record in records:
        signature = _parse_signature(record.signature, config.dedup_num_perm)
        if signature is not None:
            rank = _rank(record.repo, record.path, record.repo_n_files, record.off_target)
            for key in band_keys(signature, bands, rows):
                yield key, rank


__all__ = [
    "BUILD_OUTPUT_DIRS",
    "MINHASH_SEED",
    "SIGNATURE_DTYPE",
    "DedupRecord",
    "NearDuplicatesFn",
    "RepoDedupRecord",
    "band_key_matrix",
    "band_keys",
    "bucket_edges",
    "code_tokens",
    "content_hash",
    "dedup_record",
    "dedup_records",
    "estimated_jaccard",
    "file_off_target",
    "file_signature",
    "has_code_tokens",
    "is_build_output",
    "iter_band_keys",
    "join_clusters",
    "lsh_params",
    "may_drop_for",
    "merge_signatures",
    "minhash_from_hashes",
    "minhash_signature",
    "near_duplicates",
    "ngram_hashes",
    "normalize_for_hash",
    "plan_dedup",
    "plan_dedup_with",
    "plan_repo_dedup",
    "repo_dedup_record",
    "resolve_cluster",
    "shingle_hashes",
    "sign_texts",
    "signature_from_bytes",
]


# ---------------------------------------------------------------------------------------------
# seam for distributed executors

class NearDuplicatesFn(Protocol):
    """What :func:`near_duplicates` computes, as a type: (signatures by rank, threshold,
    num_perm, within_repo) -> dropped rank -> survivor rank."""

    def __call__(self, signatures: Mapping[Rank, np.ndarray], threshold: float,
                 num_perm: int, *, within_repo: bool = False) -> dict[Rank, Rank]: ...


def plan_dedup_with(
    records: Iterable[DedupRecord], config: HygieneConfig, near: NearDuplicatesFn
) -> dict[Key, Drop]:
    """:func:`plan_dedup` with the near-duplicate search supplied by the caller.

    The exact-hash step and the final assembly are cheap dictionary work; the near-duplicate
    search is the part worth distributing. An executor passes its own implementation of
    :func:`near_duplicates` (same contract) and so gets exactly :func:`plan_dedup`'s answer
    without re-implementing the exact-duplicate and re-pointing rules.
    """
    return plan_dedup(records, config, near)
