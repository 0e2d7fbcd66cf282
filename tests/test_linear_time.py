"""Per-file work grows linearly with the file: 4x the text may cost at most ~8x the time
(a quadratic step costs 16x). Small inputs and an absolute margin keep these fast and
steady on a loaded machine."""

from __future__ import annotations

import re
import time
from collections.abc import Callable

from codepack.graph.languages.extract import extract_file
from codepack.scan import secrets


def _best_time(work: Callable[[], object], repeats: int = 2) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - start)
    return best


def _assert_linear(work: Callable[[int], object], size: int, margin: float) -> None:
    small = _best_time(lambda: work(size))
    large = _best_time(lambda: work(4 * size))
    assert large < 8 * small + margin, f"{size}: {small:.3f} s, {4 * size}: {large:.3f} s"


def test_secret_triggers_on_one_long_line_are_linear() -> None:
    """Every trigger match on a long line used to search back to the line start (O(matches
    x line length): a 1.6 MB line of quoted tokens took 7.7 s to redact, 18 MB would take
    many minutes)."""
    trigger = re.compile(r'"[a-z]{20,}"')

    def lines(size: int) -> list[tuple[int, int, int]]:
        text = 'f("abcdefghijklmnopqrstuvwx"); ' * (size // 31)
        found = list(secrets._triggered_lines(text, trigger))
        assert found == [(1, 0, len(text))]  # one line, reported once
        return found

    _assert_linear(lines, 300_000, margin=0.5)


def test_import_flags_are_linear_in_nesting_depth() -> None:
    """Each import's lazy/conditional flags come from its ancestors. ``Node.parent``
    searches from the root on every call, so walking up cost depth squared per import (20
    imports at the end of 4,000 chained assignments took 20.6 s); the chain is now read
    top-down (1.7 s)."""

    def extract(depth: int) -> None:
        text = ("x =\n" * depth + "require('x');\n") * 20  # no brackets: a deep tree
        result = extract_file(text, "javascript")
        assert result.too_complex is None
        assert len(result.imports) == 20

    _assert_linear(extract, 500, margin=0.5)
