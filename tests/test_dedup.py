"""Exact and near-duplicate planning (codepack.dedup.plan)."""

from __future__ import annotations

import pickle
import random

import numpy as np
import pytest
from datasketch import LeanMinHash, MinHash, MinHashLSH
from hypothesis import given, settings
from hypothesis import strategies as st

from codepack.config import HygieneConfig
from codepack.dedup import plan as dedup
from codepack.dedup.plan import (
    DedupRecord,
    RepoDedupRecord,
    content_hash,
    minhash_signature,
    normalize_for_hash,
    plan_dedup,
    plan_repo_dedup,
)
from codepack.records import ImportRef, RepoScan, SourceFile

CONFIG = HygieneConfig()
WITHIN_REPO = HygieneConfig(dedup_within_repo=True)  # copies inside a repository go too


def program(seed: int, n_functions: int = 40) -> str:
    """A deterministic, code-like text with many distinct token 5-grams."""
    rng = random.Random(seed)
    words = [f"name{rng.randrange(10_000)}" for _ in range(200)]
    lines = []
    for i in range(n_functions):
        a, b, c = rng.sample(words, 3)
        lines.append(f"def {a}_{i}({b}, {c}):\n    return {b} * {rng.randrange(99)} + {c}\n")
    return "\n".join(lines)


def mutate(text: str, fraction: float, seed: int) -> str:
    """Replace a fraction of the lines with fresh ones."""
    rng = random.Random(seed)
    lines = text.split("\n")
    for i in rng.sample(range(len(lines)), int(len(lines) * fraction)):
        lines[i] = f"    fresh_{seed}_{i} = other_{i} + {rng.randrange(1000)}"
    return "\n".join(lines)


# the planner tests include tiny files (no signature, exact dedup only), so they build records
# with the exemption off; the builder's rules are otherwise production's
EVERY_FILE = HygieneConfig(dedup_min_tokens=0)


def record(repo: str, path: str, text: str, repo_n_files: int = 1) -> DedupRecord:
    built = dedup.dedup_record(repo, path, text, repo_n_files, EVERY_FILE)
    assert built is not None
    return built


def test_files_with_few_code_tokens_get_no_record() -> None:
    """Package markers and one-line stubs are exempt, in tests and in production alike."""
    assert dedup.dedup_record("r", "pkg/__init__.py", "from .a import b\n", 3, CONFIG) is None
    assert dedup.dedup_record("r", "a.py", program(1), 3, CONFIG) is not None


def test_production_records_come_from_the_one_builder() -> None:
    """``dedup_records`` (what a run spills) is ``dedup_record`` over the scan's files, with
    the scan's byte sizes and hashes: no second set of rules."""
    texts = {"a.py": program(2), "b/__init__.py": "x = 1\n", "c.py": "\ufeff" + program(3)}
    scan = RepoScan(name="r", files=[
        SourceFile(path, "python", text, len(text.encode("utf-8")) + 7, content_hash(text))
        for path, text in sorted(texts.items())])
    expected = [dedup.dedup_record("r", f.path, f.text, 3, CONFIG, n_bytes=f.n_bytes)
                for f in scan.files]
    assert dedup.dedup_records(scan, CONFIG) == [r for r in expected if r is not None]
    assert [r.path for r in dedup.dedup_records(scan, CONFIG)] == ["a.py", "c.py"]
    assert [r.n_bytes for r in dedup.dedup_records(scan, CONFIG)] == [
        f.n_bytes for f in scan.files if f.path != "b/__init__.py"]


# --- hashing ------------------------------------------------------------------------------


def test_normalisation_ignores_line_endings_trailing_space_bom_and_final_newlines() -> None:
    base = "def f():\n    return 1\n"
    variants = [
        "def f():\r\n    return 1\r\n",
        "def f():   \n    return 1\t\n\n\n",
        "\ufeffdef f():\r    return 1",
    ]
    assert {normalize_for_hash(v) for v in variants} == {normalize_for_hash(base)}
    assert {content_hash(v) for v in variants} == {content_hash(base)}
    assert content_hash(base) != content_hash("def f():\n  return 1\n")  # indentation counts
    assert len(content_hash(base)) == 32  # xxh3-128 hex


def test_content_hash_survives_lone_surrogates() -> None:
    assert content_hash("x = '\udcff'") != content_hash("x = ''")


# --- signatures ---------------------------------------------------------------------------


def test_signature_shape_dtype_and_determinism() -> None:
    text = program(1)
    signature = minhash_signature(text)
    assert signature is not None
    assert signature.dtype == np.dtype("<u4") and signature.shape == (256,)
    assert np.array_equal(signature, minhash_signature(text))
    assert minhash_signature(text, num_perm=64).shape == (64,)
    assert len(dedup.file_signature(text, CONFIG)) == 256 * 4


def test_too_few_tokens_has_no_signature() -> None:
    assert minhash_signature("import os") is None
    assert minhash_signature("a b c d", ngram=5) is None
    assert minhash_signature("a b c d e", ngram=5) is not None
    assert minhash_signature("") is None


def test_signature_matches_datasketch_affine32() -> None:
    hashes = dedup.shingle_hashes(dedup.code_tokens(program(2)), 5)
    reference = MinHash(num_perm=256, seed=dedup.MINHASH_SEED, hashfunc=int)
    reference.update_batch(hashes.tolist())
    ours = dedup.minhash_from_hashes(hashes, 256)
    assert np.array_equal(reference.hashvalues, ours)
    lean = LeanMinHash(seed=dedup.MINHASH_SEED, hashvalues=ours, scheme="affine32")
    assert lean.jaccard(LeanMinHash(reference)) == 1.0


def test_estimate_tracks_true_jaccard() -> None:
    a, b = program(3), mutate(program(3), 0.2, seed=4)
    set_a = set(dedup.shingle_hashes(dedup.code_tokens(a), 5).tolist())
    set_b = set(dedup.shingle_hashes(dedup.code_tokens(b), 5).tolist())
    true = len(set_a & set_b) / len(set_a | set_b)
    estimate = dedup.estimated_jaccard(minhash_signature(a), minhash_signature(b))
    assert abs(estimate - true) < 0.1


def test_union_signature_is_elementwise_minimum() -> None:
    texts = [program(5), program(6), "tiny"]
    hashes = [dedup.shingle_hashes(dedup.code_tokens(t), 5) for t in texts]
    union = dedup.minhash_from_hashes(np.unique(np.concatenate(hashes)), 256)
    merged = dedup.merge_signatures(minhash_signature(t) for t in texts)
    assert np.array_equal(union, merged)
    assert dedup.merge_signatures([None, None]) is None


# --- LSH building blocks --------------------------------------------------------------------


@pytest.mark.parametrize(("threshold", "num_perm"), [(0.5, 128), (0.7, 256), (0.85, 256)])
def test_lsh_params_match_datasketch(threshold: float, num_perm: int) -> None:
    index = MinHashLSH(threshold=threshold, num_perm=num_perm)
    assert dedup.lsh_params(threshold, num_perm) == (index.b, index.r)


def test_lsh_params_reject_nonsense() -> None:
    with pytest.raises(ValueError, match="threshold"):
        dedup.lsh_params(1.5, 256)


def test_band_keys_are_per_band_and_deterministic() -> None:
    signature = minhash_signature(program(7))
    bands, rows = dedup.lsh_params(0.7, 256)
    keys = dedup.band_keys(signature, bands, rows)
    assert len(keys) == bands and len(set(keys)) == bands
    assert keys == dedup.band_keys(signature.copy(), bands, rows)
    records = [record("r", "a.py", program(7)), record("r", "tiny.py", "x = 1")]
    assert [key for key, _ in dedup.iter_band_keys(records, CONFIG)] == keys


def _chain() -> dict[dedup.Rank, np.ndarray]:
    """A ~ B and B ~ C (77% equal) but A !~ C (53%), differing in whole LSH bands."""
    rng = np.random.default_rng(0)
    a = rng.integers(0, 2**32, 256, dtype=np.uint64).astype("<u4")
    b, c = a.copy(), a.copy()
    b[0:60] += 1  # bands 0-5
    c[0:60] += 1
    c[60:120] += 1  # bands 6-11
    return {(-3, "big", "a.py"): a, (-2, "mid", "b.py"): b, (-1, "small", "c.py"): c}


def test_chains_are_verified_against_the_survivor() -> None:
    signatures = _chain()
    (rank_a, a), (rank_b, b), (_, c) = sorted(signatures.items())
    assert dedup.estimated_jaccard(a, b) >= 0.7 and dedup.estimated_jaccard(b, c) >= 0.7
    assert dedup.estimated_jaccard(a, c) < 0.7
    assert dedup.near_duplicates(signatures, 0.7, 256) == {rank_b: rank_a}


def test_cluster_steps_compose() -> None:
    signatures = _chain()
    ranks = sorted(signatures)
    edges = dedup.bucket_edges(((r, signatures[r]) for r in reversed(ranks)), 0.7)
    assert sorted(edges) == [(ranks[0], ranks[1])]  # C is compared with A, the representative
    edges += dedup.bucket_edges(
        [(ranks[1], signatures[ranks[1]]), (ranks[2], signatures[ranks[2]])], 0.7
    )
    clusters = dedup.join_clusters(edges)
    assert clusters == [ranks]
    dropped = dedup.resolve_cluster(((r, signatures[r]) for r in clusters[0]), 0.7)
    assert dropped == {ranks[1]: ranks[0]}


# --- plans --------------------------------------------------------------------------------


def test_exact_duplicates_keep_the_copy_in_the_larger_repository() -> None:
    text = program(8)
    plan = plan_dedup(
        [record("small", "lib/x.py", text, 2), record("large", "src/x.py", text, 50)], CONFIG
    )
    assert list(plan) == [("small", "lib/x.py")]
    drop = plan["small", "lib/x.py"]
    assert (drop.stage, drop.reason, drop.detail) == ("dedup", "duplicate", "large/src/x.py")


def test_ties_are_broken_by_repo_then_path() -> None:
    text = "x = 1\n"  # too short for a signature: exact dedup still applies
    records = [
        record("b", "a.py", text, 5),
        record("a", "z.py", text, 5),
        record("a", "y.py", text, 5),
    ]
    plan = plan_dedup(records, WITHIN_REPO)
    assert sorted(plan) == [("a", "z.py"), ("b", "a.py")]
    assert {d.detail for d in plan.values()} == {"a/y.py"}
    assert plan_dedup(records, CONFIG) == plan  # exact copies go inside a repository too


def test_near_duplicates_are_dropped_and_unrelated_files_kept() -> None:
    base = program(9)
    records = [
        record("upstream", "core.py", base, 10),
        record("fork", "core.py", mutate(base, 0.05, seed=1), 3),
        record("other", "core.py", program(10), 30),
    ]
    plan = plan_dedup(records, CONFIG)
    assert list(plan) == [("fork", "core.py")]
    assert plan["fork", "core.py"].reason == "near_duplicate"
    assert plan["fork", "core.py"].detail == "upstream/core.py"


def test_exact_copies_of_a_near_duplicate_point_at_the_final_survivor() -> None:
    base = program(11)
    near = mutate(base, 0.05, seed=2)
    records = [
        record("big", "m.py", base, 100),
        record("mid", "m.py", near, 5),
        record("tiny", "m.py", near, 1),
    ]
    plan = plan_dedup(records, CONFIG)
    assert {k: (d.reason, d.detail) for k, d in plan.items()} == {
        ("mid", "m.py"): ("near_duplicate", "big/m.py"),
        ("tiny", "m.py"): ("near_duplicate", "big/m.py"),
    }


def test_bad_records_do_not_crash() -> None:
    good = record("r", "a.py", program(12))
    wrong_size = DedupRecord("s", "a.py", "h1", b"\x00" * 12, 1, 10)
    missing_hash = DedupRecord("t", "a.py", "", None, 1, 10)
    plan = plan_dedup([good, good, wrong_size, missing_hash, missing_hash], CONFIG)
    assert plan == {}


def test_threshold_one_means_exact_only() -> None:
    base = program(13)
    records = [record("a", "x.py", base, 2), record("b", "x.py", mutate(base, 0.02, 3), 1)]
    assert plan_dedup(records, HygieneConfig(dedup_threshold=1.0)) == {}
    assert len(plan_dedup(records, CONFIG)) == 1


def test_records_are_small_and_picklable() -> None:
    rec = record("r", "a.py", program(14), 3)
    assert pickle.loads(pickle.dumps(rec)) == rec
    assert len(rec.signature) == 1024 and rec.n_bytes == len(program(14).encode())


def _corpus() -> list[DedupRecord]:
    base, other = program(20), program(21)
    texts = {
        ("a", "x.py"): base,
        ("a", "y.py"): other,
        ("b", "x.py"): base,
        ("b", "z.py"): mutate(base, 0.05, 1),
        ("c", "x.py"): mutate(other, 0.05, 2),
        ("c", "w.py"): program(22),
        ("d", "x.py"): "x = 1\n",
        ("e", "x.py"): "x = 1\n",
    }
    sizes = {"a": 4, "b": 4, "c": 9, "d": 1, "e": 1}
    return [record(repo, path, text, sizes[repo]) for (repo, path), text in texts.items()]


CORPUS = _corpus()
CORPUS_PLAN = plan_dedup(CORPUS, CONFIG)


def test_corpus_plan() -> None:
    assert {k: (d.reason, d.detail) for k, d in CORPUS_PLAN.items()} == {
        ("b", "x.py"): ("duplicate", "a/x.py"),
        ("b", "z.py"): ("near_duplicate", "a/x.py"),
        ("a", "y.py"): ("near_duplicate", "c/x.py"),
        ("e", "x.py"): ("duplicate", "d/x.py"),
    }


@settings(max_examples=25, deadline=None)
@given(st.permutations(CORPUS))
def test_plan_does_not_depend_on_input_order(records: list[DedupRecord]) -> None:
    assert plan_dedup(records, CONFIG) == CORPUS_PLAN


# --- repository mode ------------------------------------------------------------------------


def scan_of(name: str, files: dict[str, str]) -> RepoScan:
    return RepoScan(
        name=name,
        files=[SourceFile(path, "python", text, len(text)) for path, text in sorted(files.items())],
    )


def test_repo_records_see_through_renames_and_merge_file_signatures() -> None:
    files = {"a.py": program(30), "b.py": program(31)}
    original = dedup.repo_dedup_record(scan_of("orig", files), CONFIG)
    renamed = dedup.repo_dedup_record(
        scan_of("fork", {"src/" + k: v for k, v in files.items()}), CONFIG
    )
    assert original.content_hash == renamed.content_hash and original.n_files == 2
    merged = dedup.merge_signatures(minhash_signature(t) for t in files.values())
    assert original.signature == merged.tobytes()


def test_plan_repo_dedup_drops_copies_of_larger_repositories() -> None:
    files = {"a.py": program(40), "b.py": program(41), "c.py": program(42)}
    near = dict(files, **{"c.py": mutate(files["c.py"], 0.1, 5)})
    records = [
        dedup.repo_dedup_record(scan_of("upstream", files), CONFIG),
        dedup.repo_dedup_record(scan_of("mirror", files), CONFIG),
        dedup.repo_dedup_record(scan_of("patched", {**near, "d.py": "x = 1"}), CONFIG),
        dedup.repo_dedup_record(scan_of("unrelated", {"a.py": program(43)}), CONFIG),
        RepoDedupRecord("empty", 0, None, ""),
    ]
    plan = plan_repo_dedup(records, CONFIG)
    assert {repo: (d.reason, d.detail, d.path) for repo, d in plan.items()} == {
        "mirror": ("near_duplicate", "patched", ""),
        "upstream": ("near_duplicate", "patched", ""),
    }


def test_has_code_tokens_counts_words_not_punctuation() -> None:
    from codepack.dedup.plan import has_code_tokens

    assert has_code_tokens("a b c", 3)
    assert not has_code_tokens("a b", 3)
    assert not has_code_tokens("# " + "-" * 5000, 1)
    assert has_code_tokens("", 0)


def test_a_source_survives_its_build_output_copy() -> None:
    """``dist/`` sorts before ``src/``, yet the compiled copy is the one dropped."""
    text = program(11)
    records = [record("r", "dist/esm/index.js", text), record("r", "src/index.ts", text),
               record("r", "lib/util.js", program(12)),
               record("r", "zz/util.js", mutate(program(12), 0.05, 1))]
    plan = dedup.plan_dedup(records, WITHIN_REPO)
    assert set(plan) == {("r", "dist/esm/index.js"), ("r", "zz/util.js")}
    assert plan[("r", "dist/esm/index.js")].detail == "r/src/index.ts"
    # by default the build output still goes, the repository's two near-identical util.js stay
    assert set(dedup.plan_dedup(records, CONFIG)) == {("r", "dist/esm/index.js")}
    assert dedup.is_build_output("pkg/build/x.py") and not dedup.is_build_output("build.py")


def _go_variants() -> list[tuple[str, str]]:
    """Two Go files in two platform variants each of identical content: one by file-name
    suffix, one by build constraint."""
    stat, total = (program(seed).replace("def ", "func ") for seed in (21, 22))
    return [
        ("os/stat_darwin.go", f"package os\n\n{stat}"),
        ("os/stat_linux.go", f"package os\n\n{stat}"),
        ("os/sum_asm.go", f"//go:build arm64 || s390x\n\npackage os\n\n{total}"),
        ("os/sum_noasm.go", f"//go:build !arm64 && !s390x\n\npackage os\n\n{total}"),
    ]


@pytest.mark.parametrize(("target", "survivors"), [
    ("linux/amd64", {"os/stat_linux.go", "os/sum_noasm.go"}),
    ("darwin/arm64", {"os/stat_darwin.go", "os/sum_asm.go"}),
])
def test_with_dedup_within_repo_of_platform_variants_the_one_the_target_builds_survives(
    target: str, survivors: set[str]
) -> None:
    """Alphabetically ``stat_darwin.go`` and ``sum_asm.go`` come first, yet for linux/amd64
    the variants that build are kept: they are the files the import graph runs through."""
    from codepack.api import scan_files
    from codepack.config import PackConfig, ScanConfig

    config = PackConfig(scan=ScanConfig(go_target=target))
    scan = scan_files("r", _go_variants(), config)
    records = dedup.dedup_records(scan, WITHIN_REPO, target)
    plan = dedup.plan_dedup(records, WITHIN_REPO)
    kept = {r.path for r in records} - {path for _, path in plan}
    assert kept == survivors
    assert {d.detail for d in plan.values()} == {f"r/{path}" for path in survivors}


def test_test_files_and_other_languages_are_judged_by_the_same_rule() -> None:
    from codepack.graph.resolvers.go_build import GoTarget

    linux = GoTarget.parse("linux/amd64")
    go = SourceFile("x_windows_test.go", "go", "package x\n", 10)
    assert dedup.file_off_target(go, linux)
    assert not dedup.file_off_target(SourceFile("x_linux_test.go", "go", "", 0), linux)
    assert not dedup.file_off_target(SourceFile("x_windows.py", "python", "", 0), linux)
    cgo = SourceFile("c.go", "go", "", 0, imports=(ImportRef("C", 3),))
    assert not dedup.file_off_target(cgo, linux)
    assert dedup.file_off_target(cgo, GoTarget.parse("linux/amd64,nocgo"))


def test_near_copies_inside_a_repository_stay_across_repositories_go() -> None:
    """The default: ``a/x.py`` and ``a/y.py`` (one repository's near-identical pair) are both
    kept, while ``b``'s copy of them goes, for the nearest kept file of ``a``; a near copy
    that is a build output goes even inside its repository."""
    base = program(31)
    records = [record("a", "x.py", base, 9), record("a", "y.py", mutate(base, 0.05, 1), 9),
               record("a", "dist/x.js", mutate(base, 0.05, 2), 9),
               record("b", "copy.py", mutate(base, 0.05, 3), 2)]
    plan = dedup.plan_dedup(records, CONFIG)
    assert set(plan) == {("a", "dist/x.js"), ("b", "copy.py")}
    assert {d.reason for d in plan.values()} == {"near_duplicate"}
    assert plan[("b", "copy.py")].detail in {"a/x.py", "a/y.py"}
    within = dedup.plan_dedup(records, WITHIN_REPO)
    assert set(within) == {("a", "dist/x.js"), ("a", "y.py"), ("b", "copy.py")}


def test_may_drop_for_reads_repository_and_build_output_from_the_rank() -> None:
    source = (False, False)
    assert not dedup.may_drop_for((-2, "a", source, "y.py"), (-2, "a", source, "x.py"))
    assert dedup.may_drop_for((-2, "a", (True, False), "dist/y.js"), (-2, "a", source, "x"))
    assert dedup.may_drop_for((-1, "b", source, "x.py"), (-2, "a", source, "x.py"))
