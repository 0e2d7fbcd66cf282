"""Run counters: how per-repository figures combine into shard and run totals.

Most counters add up; a few describe the largest of something and combine by maximum.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

# counters that are a maximum over repositories, not a sum
MAXIMUM_KEYS = frozenset({"graph.largest_component"})


def merge_stats(total: Counter[str], part: Mapping[str, int]) -> None:
    """Add ``part`` into ``total`` in place (maximum for ``MAXIMUM_KEYS``)."""
    for key, value in part.items():
        if key in MAXIMUM_KEYS:
            total[key] = max(total.get(key, 0), value)
        else:
            total[key] += value


def sorted_stats(stats: Mapping[str, int]) -> dict[str, int]:
    """Counters as plain ints with sorted keys, for JSON that diffs cleanly."""
    return {k: int(stats[k]) for k in sorted(stats)}
