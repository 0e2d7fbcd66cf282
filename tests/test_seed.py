"""One seed per run: ``PackConfig.seed`` moves every random draw (order, FIM, metadata)."""

from __future__ import annotations

from dataclasses import fields, replace

import pytest

from codepack.api import pack_repo
from codepack.config import ConfigError, ExampleConfig, OrderConfig, PackConfig

FILES = [(f"pkg/m{i:02d}.py", f"def f{i}(x):\n    y = x * {i}\n    return y + {i}\n")
         for i in range(12)]


def packed(config: PackConfig) -> tuple[list[str], list[str]]:
    """(file order, example texts) of the fixture repository."""
    examples = list(pack_repo("seeded", FILES, config))
    order = [piece.path for e in examples for piece in e.pieces if piece.part == 0]
    return order, [e.text for e in examples]


def test_the_seed_is_set_in_one_place_only() -> None:
    assert "seed" in {f.name for f in fields(PackConfig)}
    assert "seed" not in {f.name for f in fields(OrderConfig)}
    assert "seed" not in {f.name for f in fields(ExampleConfig)}
    assert PackConfig.from_dict(PackConfig(seed=9).to_dict()).seed == 9


def test_one_seed_moves_the_random_order_and_the_fim_draws_together() -> None:
    shuffled = PackConfig(order=OrderConfig(order="random"))
    order0, _ = packed(shuffled)
    order7, _ = packed(replace(shuffled, seed=7))
    assert sorted(order0) == sorted(order7) == [path for path, _ in FILES]
    assert order0 != order7

    fim = PackConfig(examples=ExampleConfig(fim_rate=1.0))  # dependency order: seed-free
    fim_order0, texts0 = packed(fim)
    fim_order7, texts7 = packed(replace(fim, seed=7))
    assert fim_order0 == fim_order7
    assert texts0 != texts7
    assert packed(replace(fim, seed=7)) == (fim_order7, texts7)  # and it stays reproducible


def test_a_seed_outside_64_bits_is_refused() -> None:
    with pytest.raises(ConfigError, match="seed"):
        PackConfig(seed=2**63)


def test_a_config_written_with_per_stage_seeds_still_loads() -> None:
    old = PackConfig().to_dict()
    del old["seed"]
    old["order"]["seed"] = 5
    old["examples"]["seed"] = 5
    assert PackConfig.from_dict(old).seed == 5
    old["examples"]["seed"] = 6
    with pytest.raises(ConfigError, match="one seed"):
        PackConfig.from_dict(old)
