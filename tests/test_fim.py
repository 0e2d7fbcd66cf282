"""Fill-in-the-middle: exact inversion, seeding, modes, and the cases never transformed."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from codepack.examples.fim import apply_fim, render_fim, stable_seed, undo_fim
from codepack.examples.formats import BUILTIN_FORMATS, Format

CODEGEMMA = BUILTIN_FORMATS["codegemma"]
FIM_FORMATS = [f for f in BUILTIN_FORMATS.values() if f.has_fim]
SOURCE = "def f(x):\n    return x + 1\n\n\nprint(f(2))\n"


def fim(content: str, fmt: Format = CODEGEMMA, **kwargs: object) -> tuple[str, str]:
    options: dict[str, object] = {"seed": 0, "repo": "r", "path": "a.py", "part": 0}
    options.update(kwargs)
    return apply_fim(content, fmt, **options)  # type: ignore[arg-type]


def split_psm(text: str, fmt: Format) -> tuple[str, str, str]:
    """(prefix, middle, suffix) of a PSM block."""
    pre, suf, mid = fmt.fim_sentinels
    body = text.removeprefix(pre)
    prefix, rest = body.split(suf, 1)
    suffix, middle = rest.split(mid, 1)
    return prefix, middle, suffix


@given(
    content=st.text(max_size=200),
    fmt=st.sampled_from(list(BUILTIN_FORMATS.values())),
    seed=st.integers(0, 2**32),
    fim_rate=st.floats(0, 1),
    spm_rate=st.floats(0, 1),
)
@settings(max_examples=300, deadline=None)
def test_undo_inverts_apply(
    content: str, fmt: Format, seed: int, fim_rate: float, spm_rate: float
) -> None:
    text, mode = fim(content, fmt, seed=seed, fim_rate=fim_rate, spm_rate=spm_rate)
    assert undo_fim(text, fmt, mode) == content
    if mode == "none":
        assert text == content


@given(content=st.text(alphabet="ab\r\n<|>_fimprexsudl", max_size=60), seed=st.integers(0, 999))
@settings(max_examples=300, deadline=None)
def test_undo_inverts_apply_near_sentinel_lookalikes(content: str, seed: int) -> None:
    """Content full of sentinel fragments still comes back exactly."""
    text, mode = fim(content, seed=seed, fim_rate=1.0)
    assert undo_fim(text, CODEGEMMA, mode) == content


def test_self_overlapping_template_sentinels_stay_invertible() -> None:
    fmt = Format("hashes", fim_prefix="##", fim_suffix="#$", fim_middle="$#")
    for seed in range(200):
        content = "a#$#b##c$" * 2
        text, mode = fim(content, fmt, seed=seed, fim_rate=1.0)
        assert undo_fim(text, fmt, mode) == content


def test_psm_and_spm_layouts() -> None:
    assert render_fim("P", "M", "S", CODEGEMMA, "psm") == (
        "<|fim_prefix|>P<|fim_suffix|>S<|fim_middle|>M"
    )
    assert render_fim("P", "M", "S", CODEGEMMA, "spm") == (
        "<|fim_prefix|><|fim_suffix|>S<|fim_middle|>PM"
    )
    deepseek = BUILTIN_FORMATS["deepseek"]
    assert (
        render_fim("P", "M", "S", deepseek, "psm")
        == "<｜fim▁begin｜>P<｜fim▁hole｜>S<｜fim▁end｜>M"
    )
    with pytest.raises(ValueError, match="unknown FIM mode"):
        render_fim("P", "M", "S", CODEGEMMA, "pms")


def test_rates_select_modes() -> None:
    modes = {fim(SOURCE, seed=s, fim_rate=0.0)[1] for s in range(50)}
    assert modes == {"none"}
    assert {fim(SOURCE, seed=s, fim_rate=1.0, spm_rate=0.0)[1] for s in range(50)} == {"psm"}
    assert {fim(SOURCE, seed=s, fim_rate=1.0, spm_rate=1.0)[1] for s in range(50)} == {"spm"}
    mixed = [fim(SOURCE, seed=s, fim_rate=0.8, spm_rate=0.5)[1] for s in range(400)]
    assert 0.7 < sum(m != "none" for m in mixed) / len(mixed) < 0.9
    assert 0.35 < mixed.count("spm") / max(1, sum(m != "none" for m in mixed)) < 0.65


def test_same_seed_same_output_and_seeds_differ() -> None:
    assert fim(SOURCE, seed=7, fim_rate=1.0) == fim(SOURCE, seed=7, fim_rate=1.0)
    outputs = {fim(SOURCE, seed=s, fim_rate=1.0)[0] for s in range(20)}
    assert len(outputs) > 10


def test_every_seed_part_changes_the_draw() -> None:
    """Repo, path and part all enter the seed, so pieces of one file split differently."""
    base = fim(SOURCE, fim_rate=1.0)
    assert any(fim(SOURCE, fim_rate=1.0, part=p) != base for p in range(1, 6))
    assert any(fim(SOURCE, fim_rate=1.0, path=f"{i}.py") != base for i in range(5))
    assert any(fim(SOURCE, fim_rate=1.0, repo=f"r{i}") != base for i in range(5))


def test_stable_seed_keeps_parts_apart() -> None:
    assert stable_seed("a", "bc") != stable_seed("ab", "c")
    assert stable_seed(1, "x") == stable_seed(1, "x")
    assert stable_seed(1, "x") != stable_seed("1", "x")


def test_never_transformed() -> None:
    assert fim("", fim_rate=1.0) == ("", "none")
    plain = BUILTIN_FORMATS["plain"]
    assert fim(SOURCE, plain, fim_rate=1.0) == (SOURCE, "none")
    with_sentinel = "x = '<|fim_middle|>'\n"
    assert fim(with_sentinel, fim_rate=1.0) == (with_sentinel, "none")


def test_split_points_never_separate_crlf() -> None:
    content = "a\r\nb\r\n\r\nc\r\n"
    for seed in range(300):
        text, mode = fim(content, seed=seed, fim_rate=1.0, spm_rate=0.0)
        prefix, middle, suffix = split_psm(text, CODEGEMMA)
        assert mode == "psm"
        assert not (prefix.endswith("\r") and (middle + suffix).startswith("\n"))
        assert not ((prefix + middle).endswith("\r") and suffix.startswith("\n"))


def test_undo_without_mode_infers_it() -> None:
    for seed in range(30):
        text, _ = fim(SOURCE, seed=seed)
        assert undo_fim(text, CODEGEMMA) == SOURCE


def test_undo_rejects_a_block_that_is_not_one() -> None:
    with pytest.raises(ValueError, match="not a psm FIM block"):
        undo_fim("<|fim_prefix|>no suffix sentinel", CODEGEMMA, "psm")
    with pytest.raises(ValueError, match="unknown FIM mode"):
        undo_fim(SOURCE, CODEGEMMA, "middle-out")
