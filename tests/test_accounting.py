"""The accounting invariant: every input file is either packed (it reassembles byte for byte
from the examples) or removed (exactly one removal row in the audit), never both, never
neither, under any combination of options; and the counters agree with the audit.

Removal rows are the audit rows whose reason is a ``SkipReason``; the other rows record a
change to a packed file (``secrets``/``redacted``), and only packed files have them.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import codepack
from codepack.api import pack_repo_result
from codepack.config import (
    ExampleConfig,
    HygieneConfig,
    OrderConfig,
    PackConfig,
    QualityConfig,
)
from codepack.examples.cut import build_examples
from codepack.examples.formats import get_format
from codepack.output.reassemble import reassemble
from codepack.output.stats import collect
from codepack.output.writer import examples_to_table
from codepack.records import Drop, Example, Placed, PlaceReason, SkipReason
from codepack.run.pipeline import RepoResult

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "repos"
# small, and between them: redactions and planted secrets, every scan skip reason that a
# folder can give, import cycles, CommonJS
REPOS = ("secrets-planted", "bad-input", "py-cycles", "js-cjs")
REMOVAL_REASONS = frozenset(r.value for r in SkipReason)
FORMATS = ("codegemma", "starcoder2", "qwen2.5", "deepseek", "plain")


class CharCounter:
    """One token per character: sizes in tests are plain string lengths."""

    name = "chars"
    exact = True

    def count(self, text: str) -> int:
        return len(text)

    def count_batch(self, texts: Sequence[str]) -> list[int]:
        return [len(t) for t in texts]


@cache
def fixture_files(repo: str) -> tuple[tuple[str, bytes], ...]:
    """Every file under a fixture repository, as ``(relative path, bytes)``."""
    root = FIXTURES / repo
    return tuple(
        (p.relative_to(root).as_posix(), p.read_bytes())
        for p in sorted(root.rglob("*"))
        if p.is_file() and not p.is_symlink()
    )


def accounting_units(inputs: Mapping[str, bytes], audit: Sequence[Drop]) -> dict[str, bytes]:
    """``inputs`` as the run accounts for them: a folder the walk never enters (ignored,
    vendored) is one audited entry, standing for every file below it."""
    unwalked = {d.path for d in audit if "not walked" in (d.detail or "")}
    units = {path: data for path, data in inputs.items()
             if not any(path.startswith(folder + "/") for folder in unwalked)}
    units.update(dict.fromkeys(unwalked, b""))
    return units


def rows_of(examples: Sequence[Example]) -> list[dict]:
    return examples_to_table(examples).to_pylist()


def check_accounting(
    inputs: Mapping[str, bytes], examples: Sequence[Example], audit: Sequence[Drop],
    config: ExampleConfig,
) -> dict[str, str]:
    """Assert the invariant for one repository; return the packed files' contents."""
    packed = {path: text for (_, path), text in
              reassemble(rows_of(examples), get_format(config)).items()}
    removals = Counter(d.path for d in audit if d.reason in REMOVAL_REASONS)
    changed = {d.path for d in audit if d.reason not in REMOVAL_REASONS}
    assert all(d.reason == "redacted" for d in audit if d.reason not in REMOVAL_REASONS)
    assert set(packed) | set(removals) == set(inputs), "a file is neither packed nor removed"
    assert not set(packed) & set(removals), "a file is both packed and removed"
    assert max(removals.values(), default=1) == 1, "a file has two removal rows"
    assert changed <= set(packed), "a change row for a file that is not packed"
    for path, text in packed.items():
        if path not in changed:
            assert text.encode("utf-8", "surrogatepass") == inputs[path], f"{path} differs"
    return packed


def check_counters(result: RepoResult, inputs: Mapping[str, bytes], packed: Mapping[str, str]
                   ) -> None:
    """The counters of the manifest agree with the audit and the examples."""
    stats = result.stats
    removals = Counter(d.reason for d in result.audit if d.reason in REMOVAL_REASONS)
    skipped = Counter({k.removeprefix("skipped."): v for k, v in stats.items()
                       if k.startswith("skipped.") and v})
    assert skipped == removals
    assert stats["files_seen"] == len(inputs) == stats["files_packed"] + removals.total()
    assert stats["files_packed"] == len(packed)
    assert stats["files_redacted"] == sum(1 for d in result.audit if d.reason == "redacted")
    assert len(result.audit) == removals.total() + stats["files_redacted"]
    by_language = sum(v for k, v in stats.items() if k.startswith("files_by_language."))
    assert by_language == len(packed)
    assert stats["examples"] == len(result.examples)
    assert stats["tokens"] == sum(e.n_tokens for e in result.examples)
    assert stats["bytes_packed"] == sum(len(inputs[p]) for p in packed)


# ---------------------------------------------------------------------------------------------
# the bug: --min-tokens dropped the tail example of a split file


SPLIT_REPO = [
    ("a.py", "import b\nprint(b)\n"),
    ("b.py", "".join(f"def f{i}(x):\n    return x + {i}\n" for i in range(300))),
    ("c.py", "x = 1\n"),
]


def test_min_tokens_keeps_a_split_file_whole() -> None:
    """b.py is split over ten examples; the last one, with a.py and c.py, is under
    --min-tokens. It used to be dropped: parts 0-8 written, b.py audited as too_few_tokens
    and counted as not packed, reassembly failing on it."""
    config = PackConfig(examples=ExampleConfig(max_tokens=512, fim_rate=0.0),
                        quality=QualityConfig(min_tokens=450))
    result = pack_repo_result("r", SPLIT_REPO, config)
    assert len(result.examples) > 2 and result.examples[-1].n_tokens < 450
    inputs = {p: t.encode() for p, t in SPLIT_REPO}
    packed = check_accounting(inputs, result.examples, result.audit, config.examples)
    assert set(packed) == {"a.py", "b.py", "c.py"}
    check_counters(result, inputs, packed)


def test_a_redacted_file_removed_later_has_one_row() -> None:
    """A redacted file that dedup removes is audited once, as removed, and not counted as
    redacted (no text of it is in the output)."""
    leaky = 'API_KEY = "AKIAIOSFODNN7EXAMPLE"\n' + "".join(
        f"def handler_{i}(event):\n    return event + {i}\n" for i in range(20))
    files = [("one/leaky.py", leaky), ("two/leaky.py", leaky)]
    result = pack_repo_result("r", files, PackConfig(examples=ExampleConfig(fim_rate=0.0)))
    rows = sorted((d.path, d.reason) for d in result.audit)
    assert rows == [("one/leaky.py", "redacted"), ("two/leaky.py", "duplicate")]
    assert result.stats["files_redacted"] == 1
    inputs = {p: t.encode() for p, t in files}
    check_counters(result, inputs, check_accounting(inputs, result.examples, result.audit,
                                                    ExampleConfig(fim_rate=0.0)))


def test_a_run_counts_what_its_audit_says(tmp_path: Path) -> None:
    """End to end: the manifest and ``codepack stats`` agree with dropped.parquet, and every
    file of the run is in the shards or the audit, with --min-tokens and split files."""
    repos = tmp_path / "repos"
    for repo, files in (("split", SPLIT_REPO), ("tiny", [("t.py", "t = 0\n")])):
        for path, text in files:
            (repos / repo / path).parent.mkdir(parents=True, exist_ok=True)
            (repos / repo / path).write_text(text)
    config = PackConfig(examples=ExampleConfig(max_tokens=512, fim_rate=0.0),
                        quality=QualityConfig(min_tokens=450))
    out = tmp_path / "out"
    codepack.pack([str(repos)], str(out), config, workers=1)
    rows = pq.read_table(sorted(out.glob("part-*.parquet"))).to_pylist()
    packed = reassemble(rows, get_format(config.examples))
    audit = pq.read_table(out / "dropped.parquet").to_pylist()
    assert set(packed) == {("split", "a.py"), ("split", "b.py"), ("split", "c.py")}
    assert [(d["repo"], d["path"], d["reason"]) for d in audit] == [
        ("tiny", "t.py", "too_few_tokens")]
    figures = collect(out)
    files = figures["files"]
    assert files["seen"] == 4 and files["packed"] == 3 and files["skipped_total"] == 1
    assert figures["audit_rows"] == files["skipped_total"] + files["redacted"]


# ---------------------------------------------------------------------------------------------
# properties: the cutter alone, then scan + dedup + pack on fixture repositories


LINE = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=30)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    contents=st.lists(st.lists(LINE, min_size=1, max_size=12).map("\n".join), min_size=1,
                      max_size=6),
    max_tokens=st.integers(12, 200),
    min_tokens=st.integers(0, 220),
    oversize=st.sampled_from(["split", "skip"]),
    fmt=st.sampled_from(FORMATS),
    fim=st.booleans(),
    grouping=st.booleans(),
    seed=st.integers(0, 3),
)
def test_cutter_accounts_for_every_file(
    contents: list[str], max_tokens: int, min_tokens: int, oversize: str, fmt: str, fim: bool,
    grouping: bool, seed: int,
) -> None:
    options: dict = {"max_tokens": max_tokens, "oversize": oversize, "format": fmt,
                     "grouping": grouping}
    if fmt != "plain":  # plain has no FIM sentinels: a FIM rate is an error with it
        options["fim_rate"] = 1.0 if fim else 0.0
    config = ExampleConfig(**options)
    files = [(Placed(f"f{i}.py", PlaceReason.ALPHABETICAL), "python", text)
             for i, text in enumerate(contents)]
    examples, drops = build_examples("r", files, [math.inf] * (len(files) - 1), config,
                                     min_tokens, CharCounter(), seed=seed)
    inputs = {f"f{i}.py": text.encode() for i, text in enumerate(contents)}
    check_accounting(inputs, examples, drops, config)
    assert all(e.n_tokens <= max_tokens for e in examples)
    for example in examples:  # a short example is kept only for a split file's sake
        if example.n_tokens < min_tokens:
            assert any(p.n_parts > 1 for p in example.pieces)


@st.composite
def pack_configs(draw: st.DrawFn) -> PackConfig:
    fmt = draw(st.sampled_from(FORMATS))
    examples: dict = {
        "max_tokens": draw(st.sampled_from([16, 40, 96, 256, 8192])),
        "oversize": draw(st.sampled_from(["split", "skip"])),
        "format": fmt,
        "grouping": draw(st.booleans()),
    }
    if fmt != "plain":
        examples["fim_rate"] = draw(st.sampled_from([0.0, 0.5, 1.0]))
    if fmt == "starcoder2":
        examples["repo_metadata_rate"] = draw(st.sampled_from([0.0, 0.5, 1.0]))
    enabled = draw(st.booleans())
    quality: dict = {
        "enabled": enabled,
        "max_line_length": draw(st.sampled_from([40, 80, 1000])),
        "max_mean_line_length": draw(st.sampled_from([12.0, 30.0, 100.0])),
        "min_tokens": draw(st.sampled_from([0, 8, 30, 120, 400])),
    }
    if enabled:
        quality["min_alnum_fraction"] = draw(st.sampled_from([0.25, 0.6, 0.75]))
    return PackConfig(
        quality=QualityConfig(**quality),
        hygiene=HygieneConfig(dedup=draw(st.sampled_from(["file", "repo", "off"])),
                              secrets=draw(st.sampled_from(["redact", "drop", "off"]))),
        order=OrderConfig(order=draw(st.sampled_from(["dependency", "alphabetical", "random"]))),
        examples=ExampleConfig(**examples),
        seed=draw(st.integers(0, 3)),
    )


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(repo=st.sampled_from(REPOS), config=pack_configs(), copies=st.integers(0, 2))
def test_every_file_is_packed_or_removed_exactly_once(
    repo: str, config: PackConfig, copies: int
) -> None:
    """Over random option combinations on fixture repositories, with ``copies`` files copied
    under another folder (exact duplicates for dedup)."""
    files = list(fixture_files(repo))
    files += [(f"copy/{path}", data) for path, data in files[:copies]]
    result = pack_repo_result(repo, files, config)
    inputs = accounting_units(dict(files), result.audit)
    packed = check_accounting(inputs, result.examples, result.audit, config.examples)
    check_counters(result, inputs, packed)
    if config.quality.min_tokens:
        assert all(e.n_tokens >= config.quality.min_tokens
                   or any(p.n_parts > 1 for p in e.pieces) for e in result.examples)


@pytest.mark.parametrize("repo", REPOS)
def test_fixture_inputs_are_nonempty(repo: str) -> None:
    """The property above is only as good as its inputs: each fixture has files to pack."""
    result = pack_repo_result(repo, fixture_files(repo), PackConfig())
    assert result.examples
