"""How per-repository counters combine into run totals."""

from __future__ import annotations

from collections import Counter

from codepack.counters import merge_stats, sorted_stats


def test_counters_add_up_except_maxima() -> None:
    total: Counter[str] = Counter()
    merge_stats(total, {"files_seen": 3, "graph.largest_component": 7})
    merge_stats(total, {"files_seen": 2, "graph.largest_component": 4})
    assert total == {"files_seen": 5, "graph.largest_component": 7}
    assert list(sorted_stats({"b": 1, "a": 2})) == ["a", "b"]
