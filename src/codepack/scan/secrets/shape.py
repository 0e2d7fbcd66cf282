"""What a generated secret looks like, as opposed to a name someone typed."""

from __future__ import annotations

import re

_WORD_RUN = re.compile(r"[A-Z]?[a-z]{3,}|[A-Z]{4,}")
_VOWELS = frozenset("aeiouAEIOU")


def looks_wordy(value: str) -> bool:
    """True when at least half the string is word-like runs (``SomeLongName_v2``): random
    tokens rarely hold long lower-case runs with vowels."""
    covered = sum(
        len(run)
        for run in _WORD_RUN.findall(value)
        if any(c in _VOWELS for c in run) or run.isupper()
    )
    return covered * 2 >= len(value)
