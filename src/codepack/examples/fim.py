"""Fill-in-the-middle (Bavarian et al. 2022, "Efficient Training of Language Models to Fill in
the Middle"), applied per file, seeded per file.

With probability ``fim_rate`` a file's content is cut at two uniformly random character
positions into prefix, middle and suffix and rearranged around the format's sentinels:

* PSM: ``<pre> prefix <suf> suffix <mid> middle``
* SPM: ``<pre> <suf> suffix <mid> prefix middle`` - the SPM variant the paper trains with
  (its section 3 / appendix D), which keeps ``<pre>`` first so both modes share one sentinel
  order and the prefix runs straight into the middle; chosen with probability ``spm_rate``.

A file whose content contains one of the format's sentinels, and an empty file, is never
transformed: its text could not be split back unambiguously. The rendered text is checked to
invert exactly before it is returned (this also covers self-overlapping user sentinels such
as ``##``), so :func:`undo_fim` always gives back the original content.

Positions are code points (Python ``str`` indexes), so a split never falls inside a UTF-8
multi-byte sequence; decoded text holds no surrogate pairs. A split that would fall between
the ``\\r`` and ``\\n`` of a CRLF is moved one character right: splitting them is harmless
for inversion, but would put a lone ``\\r`` at the end of a part, which tokenizers see as an
unnatural line ending.

Randomness comes from ``random.Random(stable_seed(seed, repo, path, part))`` where
``stable_seed`` hashes with xxhash (never ``hash()``, which is salted per process): the
outcome of a file depends only on these four values, never on worker count, order, or where
the example cutter places the file. The draws are, in order: FIM or not, the two positions,
PSM or SPM.
"""

from __future__ import annotations

import json
import random

import xxhash

from codepack.examples.formats import Format

NONE, PSM, SPM = "none", "psm", "spm"
FIM_MODES = (NONE, PSM, SPM)


def stable_seed(*parts: str | int) -> int:
    """A 64-bit seed from any mix of strings and ints, the same in every process and run."""
    # JSON keeps the parts unambiguous: ("a", "bc") and ("ab", "c") hash differently
    encoded = json.dumps(list(parts), ensure_ascii=False, separators=(",", ":"))
    return xxhash.xxh3_64_intdigest(encoded.encode("utf-8"))


def fim_rng(seed: int, repo: str, path: str, part: int = 0) -> random.Random:
    """The random generator of one file piece: FIM decision, split points, mode."""
    return random.Random(stable_seed("fim", seed, repo, path, part))


def apply_fim(
    content: str,
    fmt: Format,
    *,
    seed: int,
    repo: str,
    path: str,
    part: int = 0,
    fim_rate: float = 0.8,
    spm_rate: float = 0.5,
) -> tuple[str, str]:
    """``(text, mode)``: ``content`` FIM-transformed, or unchanged with mode ``"none"``."""
    if not fmt.has_fim or not content:
        return content, NONE
    if any(sentinel in content for sentinel in fmt.fim_sentinels):
        return content, NONE
    rng = fim_rng(seed, repo, path, part)
    if rng.random() >= fim_rate:
        return content, NONE
    low, high = sorted((rng.randint(0, len(content)), rng.randint(0, len(content))))
    low, high = _off_crlf(content, low), _off_crlf(content, high)
    mode = SPM if rng.random() < spm_rate else PSM
    text = render_fim(content[:low], content[low:high], content[high:], fmt, mode)
    if _parse(text, fmt) != content:  # sentinels that overlap themselves across a join
        return content, NONE
    return text, mode


def render_fim(prefix: str, middle: str, suffix: str, fmt: Format, mode: str) -> str:
    """Arrange the three parts around the format's sentinels in ``mode`` (psm or spm)."""
    pre, suf, mid = fmt.fim_sentinels
    if mode == PSM:
        return f"{pre}{prefix}{suf}{suffix}{mid}{middle}"
    if mode == SPM:
        return f"{pre}{suf}{suffix}{mid}{prefix}{middle}"
    raise ValueError(f"unknown FIM mode {mode!r} (expected psm or spm)")


def undo_fim(text: str, fmt: Format, mode: str | None = None) -> str:
    """The original content of a FIM-transformed (or untouched) text.

    ``mode`` is the recorded mode (``FilePiece.fim``); pass it when you have it. Without it
    the mode is inferred from the sentinels, which is ambiguous only for an untouched file
    whose own content is a well-formed FIM block.
    """
    if mode == NONE:
        return text
    if mode not in (None, PSM, SPM):
        raise ValueError(f"unknown FIM mode {mode!r} (expected none, psm or spm)")
    content = _parse(text, fmt)
    if content is None:
        if mode is None:
            return text
        raise ValueError(f"text is not a {mode} FIM block of format {fmt.name}")
    return content


def _parse(text: str, fmt: Format) -> str | None:
    """Content of a PSM or SPM block, or None if ``text`` is not one.

    One parse serves both modes: SPM ``<pre><suf>S<mid>PM`` reads as PSM with an empty
    prefix and middle ``PM``, and both give back ``P + M + S``.
    """
    if not fmt.has_fim:
        return None
    pre, suf, mid = fmt.fim_sentinels
    if not text.startswith(pre):
        return None
    body = text[len(pre) :]
    at_suffix = body.find(suf)
    if at_suffix < 0:
        return None
    prefix, rest = body[:at_suffix], body[at_suffix + len(suf) :]
    at_middle = rest.find(mid)
    if at_middle < 0:
        return None
    suffix, middle = rest[:at_middle], rest[at_middle + len(mid) :]
    return prefix + middle + suffix


def _off_crlf(content: str, index: int) -> int:
    if 0 < index < len(content) and content[index - 1] == "\r" and content[index] == "\n":
        return index + 1
    return index
