"""Cut a repository's ordered files into training examples under a token budget.

Input is the packed order (what a file imports comes before it) with the *gap* between each
pair of neighbours: their hop distance in the dependency graph, ``inf`` when unrelated. Output
is :class:`~codepack.records.Example` rows whose rendered text - repository header, file
headers, separators, FIM sentinels, end marker, everything - never has more than
``max_tokens`` tokens under the counter in use, plus a :class:`~codepack.records.Drop` for
every file that could not be packed.

How it works:

1. **Pieces.** Each file becomes one piece, FIM-transformed with the seed
   ``(seed, repo, path, part=0)`` and counted once. A file that does not fit an example on
   its own is *oversize*: dropped with ``oversize="skip"``, split with ``"split"`` (step 3).
2. **Cuts.** Pieces are taken in order while the estimate (piece counts plus headers and
   separators) fits. When the rest of the repository does not fit, the cut is chosen among
   the boundaries in the last :data:`GROUPING_WINDOW` of the budget: with the import lists
   (``depends_on``) it is the boundary where the fewest files lose their last dependency
   inside the example, then the largest graph gap, then the latest boundary; without them,
   the largest gap (``inf`` between unrelated files). So an example ends between unrelated
   files instead of wherever the budget runs out; with ``grouping=False`` it is greedy. The
   rendered example is then counted; if tokens merging across joins push it over the
   budget, the cut moves back one piece and is chosen again.
3. **Oversize files** are split when the cutter reaches them, into consecutive parts that end
   at line ends (a single line longer than the budget is cut between characters). The first
   part fills what is left of the current example - so the top of a large file, where its
   imports are, shares an example with the files it imports, which precede it - unless less
   than :data:`FILL_MIN_ROOM` of the budget is left. Middle parts fill an example each; the
   last part packs like any other file. Every part is counted in the example it goes into.

Counting: every text is counted once. An example's count - the count of its rendered text,
exactly - is derived from the counts of its pieces, headers, separators and sentinels by
:func:`~codepack.examples.tokens.count_joined`, which re-counts only the few characters
around a join where tokens can merge (the approximate counter), or re-encodes the example
(any other counter). A file being split is counted once more, in chunks
(:class:`~codepack.examples.tokens.RangeCounts`), so that each candidate part is counted
from those chunks instead of character by character.

Determinism and FIM: every piece is FIM-transformed with ``(seed, repo, path, part)``, so
whether a file is FIM'd and in which mode never depends on where cuts fall. A file that fits
an example is transformed once, before any cut, and comes out the same whatever its
neighbours. The parts of an oversize file depend on where the file starts (its first part
fills the current example), so their split points follow from the files before it - the
whole process is a pure function of the repository, config and counter, run in order.

A repository that fits is one example. Examples with fewer than ``min_tokens`` tokens are
dropped, one Drop per file in them, except an example holding a part of a split file (the
file is kept whole: see ``_holds_split_file``); ``example_index`` keeps counting through
dropped examples, so it always names the position in the repository's cut sequence (and the
per-example seed).
StarCoder2-style formats decide per example, seeded from ``(seed, repo, example_index)``,
whether the example carries the repository name and paths.
"""

from __future__ import annotations

import bisect
import math
import operator
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import accumulate

from codepack.config import ExampleConfig
from codepack.examples.fim import NONE, apply_fim, stable_seed
from codepack.examples.formats import Format, get_format
from codepack.examples.tokens import RangeCounts, TokenCounter, count_joined, load_counter
from codepack.records import Drop, Example, FilePiece, Placed, SkipReason

# Share of the budget, at its end, within which a grouping cut looks for the least related
# pair of neighbours. 0.4 measured best on real packages (benchmarks/quality.py): files that
# find a dependency in their example rose from 23.1 % to 24.2 % (greedy: 22.1 %) for 0.5 %
# more examples; 0.6 gained 0.2 points more for 2.6 % more examples.
GROUPING_WINDOW = 0.4

# An oversize file fills the rest of the current example only if at least this share of
# the budget is left; below it, the file starts a new example.
FILL_MIN_ROOM = 1 / 32

STAGE = "examples"

# tokens a tokenizer may merge away where a header meets a body
_JOIN_MERGES = 2

# Files longer than this many budgets in characters are counted in slices from the start
# (tokens.RangeCounts), for the parts they are likely to be split into. Code averages 3-4
# characters a token; at 2 a file of twice the budget is rarely oversize (on /tmp/mixed no
# file under 2 budgets was, and 233 of 489 over it were). A shorter file that is split after
# all is counted in slices when its first part is cut.
_LIKELY_SPLIT = 2



@dataclass(slots=True)
class _Piece:
    """A file or one part of it, FIM applied, with what the cutter needs to know about it."""

    file_index: int
    path: str
    language: str
    reason: str
    part: int
    body: str  # the text that follows the file header: content, FIM-transformed or not
    mode: str  # fim mode
    body_tokens: int = 0  # the counter's count of `body` alone
    gap_before: float = 0.0  # how unrelated to the piece before it (0: same file)
    cost_with: int = 0  # header + body tokens when the example carries metadata
    cost_without: int = 0  # ... when it does not (StarCoder2 bare header)
    splitter: _FileSplitter | None = None  # set while the piece stands for an unsplit rest
    # the counter's counts of the file header with and without metadata, and of the body
    # alone (None: not known, counted when needed). `body_tokens` of a part is its share of
    # the example it was cut for, which joins can make differ from `own_tokens`.
    header_with: int | None = None
    header_without: int | None = None
    own_tokens: int | None = None


@dataclass(frozen=True, slots=True)
class _Context:
    """What every helper needs, bundled: one repository, one format, one counter."""

    repo: str
    fmt: Format
    config: ExampleConfig
    counter: TokenCounter
    seed: int  # the run's seed (PackConfig.seed): FIM and metadata draws
    fixed: dict[str, int] = field(default_factory=dict)  # counts of format strings

    def fixed_tokens(self, text: str) -> int:
        """The count of a text that recurs in every example (repo header, separator, ...)."""
        tokens = self.fixed.get(text)
        if tokens is None:
            tokens = self.fixed[text] = self.counter.count(text)
        return tokens

    @property
    def budget(self) -> int:
        return self.config.max_tokens

    @property
    def variants(self) -> tuple[bool, ...]:
        """The metadata choices an example can have under this format."""
        if not self.fmt.varies_metadata:
            return (True,)
        return (True, False) if self.fmt.metadata_rate > 0 else (False,)

    def render(self, pieces: Sequence[_Piece], metadata: bool) -> str:
        return self.fmt.render(self.repo, [(p.path, p.language, p.body) for p in pieces], metadata)

    def tokens(self, pieces: Sequence[_Piece], metadata: bool) -> int:
        """The count of ``render(pieces, metadata)``, from the counts of its parts."""
        fmt, repo = self.fmt, self.repo
        repo_header = fmt.render_repo_header(repo, metadata)
        segments = [repo_header]
        counts: list[int | None] = [self.fixed_tokens(repo_header)]
        for i, p in enumerate(pieces):
            if i and fmt.separator:
                segments.append(fmt.separator)
                counts.append(self.fixed_tokens(fmt.separator))
            segments.append(fmt.render_file_header(p.path, p.language, repo, metadata))
            counts.append(p.header_with if metadata else p.header_without)
            segments.append(p.body)
            counts.append(p.own_tokens)
        segments.append(fmt.end)
        counts.append(self.fixed_tokens(fmt.end))
        return count_joined(self.counter, segments, counts)

    def alone_tokens(self, piece: _Piece) -> int:
        """Tokens of a one-piece example, for its costlier metadata choice."""
        return max(self.tokens([piece], m) for m in self.variants)

    def fim(self, content: str, path: str, part: int) -> tuple[str, str]:
        c = self.config
        return apply_fim(
            content,
            self.fmt,
            seed=self.seed,
            repo=self.repo,
            path=path,
            part=part,
            fim_rate=c.fim_rate,
            spm_rate=c.spm_rate,
        )

    def header_costs(self, path: str, language: str) -> tuple[int, int]:
        """Tokens of a file header with and without metadata."""
        with_meta = self.counter.count(self.fmt.render_file_header(path, language, self.repo))
        if not self.fmt.varies_metadata:
            return with_meta, with_meta
        bare = self.fmt.render_file_header(path, language, self.repo, metadata=False)
        return with_meta, self.counter.count(bare)


def build_examples(
    repo: str,
    files: Sequence[tuple[Placed, str, str]],
    gaps: Sequence[float],
    config: ExampleConfig,
    min_tokens: int = 0,
    counter: TokenCounter | None = None,
    fmt: Format | None = None,
    depends_on: Sequence[Sequence[int]] | None = None,
    *,
    seed: int = 0,
) -> tuple[list[Example], list[Drop]]:
    """Cut ``files`` (``(placed, language, content)`` in packed order) into examples.

    ``gaps[i]`` is the dependency-graph distance between ``files[i]`` and ``files[i + 1]``
    (``inf`` when unrelated). ``depends_on[i]``, when given, lists the indices of the files
    placed before ``files[i]`` that it imports: grouping then cuts where the fewest files
    lose their last dependency in the example (see ``_Cutter._choose_end``), and falls back
    to the gaps only to break ties. ``counter`` defaults to the one ``config.tokenizer``
    names and ``fmt`` to the one ``config`` names. ``seed`` is the run's seed
    (``PackConfig.seed``), from which every FIM and metadata draw is derived.
    """
    _check_arguments(files, gaps, config)
    if not files:
        return [], []
    ctx = _Context(
        repo,
        fmt if fmt is not None else get_format(config),
        config,
        counter if counter is not None else load_counter(config.tokenizer),
        seed,
    )
    pieces, drops = _make_pieces(ctx, files, gaps)
    examples, cut_drops = _Cutter(ctx, pieces, depends_on).run()
    drops.extend(cut_drops)
    kept: list[Example] = []
    for example in examples:
        if example.n_tokens >= min_tokens or _holds_split_file(example):
            kept.append(example)
            continue
        detail = f"example {example.example_index}: {example.n_tokens} tokens < {min_tokens}"
        for path in dict.fromkeys(example.paths):
            drops.append(Drop(repo, path, STAGE, SkipReason.TOO_FEW_TOKENS.value, detail))
    return kept, drops


def _holds_split_file(example: Example) -> bool:
    """Whether a file of the example is split over several examples.

    ``min_tokens`` decides per file, never per example: dropping such an example would leave
    its split file with parts missing (no longer reassemblable, yet counted as packed), and
    dropping the file from every example would throw away its full-size parts to remove a
    short tail. A split file is longer than the budget, so it is never "too few tokens":
    the example holding its tail is kept, whatever its size.
    """
    return any(piece.n_parts > 1 for piece in example.pieces)


def _check_arguments(
    files: Sequence[tuple[Placed, str, str]], gaps: Sequence[float], config: ExampleConfig
) -> None:
    """Contract violations are programming errors: fail loudly, before any work."""
    if files and len(gaps) != len(files) - 1:
        raise ValueError(f"need {len(files) - 1} gaps for {len(files)} files, got {len(gaps)}")
    if config.max_tokens < 1:
        raise ValueError(f"max_tokens must be positive, got {config.max_tokens}")
    if config.oversize not in ("split", "skip"):
        raise ValueError(f"oversize must be 'split' or 'skip', got {config.oversize!r}")
    for name in ("fim_rate", "spm_rate", "repo_metadata_rate"):
        value = getattr(config, name)
        if not 0.0 <= value <= 1.0:
            raise ValueError(f"{name} must be within [0, 1], got {value}")


def _oversize(ctx: _Context, path: str, detail: str) -> Drop:
    return Drop(ctx.repo, path, STAGE, SkipReason.OVERSIZE.value, detail)


# ----------------------------------------------------------------------------- pieces


def _make_pieces(
    ctx: _Context, files: Sequence[tuple[Placed, str, str]], gaps: Sequence[float]
) -> tuple[list[_Piece], list[Drop]]:
    """One piece per file; oversize files get a splitter, or a Drop with ``skip``."""
    whole = []
    ranges: dict[int, RangeCounts] = {}  # file index -> slice counts of a likely split file
    for index, (placed, language, content) in enumerate(files):
        body, mode = ctx.fim(content, placed.path, 0)
        piece = _Piece(index, placed.path, language, placed.reason.value, 0, body, mode)
        whole.append(piece)
        # a file this long is likely to be split, its parts then counted from slices: count
        # it in slices now - once - and derive the whole body's count from them
        if len(content) > _LIKELY_SPLIT * ctx.budget and ctx.config.oversize == "split":
            file_ranges = _ranges(ctx, content)
            if file_ranges is not None:
                ranges[index] = file_ranges
                piece.own_tokens = _body_tokens(ctx, file_ranges, body, mode, 0, len(content))
                piece.body_tokens = piece.own_tokens
    uncounted = [p for p in whole if p.own_tokens is None]
    for piece, tokens in zip(
        uncounted, ctx.counter.count_batch([p.body for p in uncounted]), strict=True
    ):
        piece.body_tokens = piece.own_tokens = tokens
    _add_costs(ctx, whole)
    overhead = max(
        ctx.counter.count(ctx.fmt.render_repo_header(ctx.repo, m) + ctx.fmt.end)
        for m in ctx.variants
    )
    pieces: list[_Piece] = []
    drops: list[Drop] = []
    for piece in whole:
        if not _fits_alone(ctx, piece, overhead):
            if ctx.config.oversize == "skip":
                drops.append(_oversize(ctx, piece.path, f"longer than {ctx.budget} tokens"))
                continue
            if not _room_for_parts(ctx, piece):
                drops.append(_oversize(ctx, piece.path, "headers alone exceed the budget"))
                continue
            content = files[piece.file_index][2]
            piece.splitter = _FileSplitter(ctx, piece, content, ranges.get(piece.file_index))
        piece.gap_before = (
            _gap_between(pieces[-1].file_index, piece.file_index, gaps) if pieces else 0.0
        )
        pieces.append(piece)
    return pieces, drops


def _fits_alone(ctx: _Context, piece: _Piece, overhead: int) -> bool:
    """Whether the piece fits an example on its own, whatever the metadata choice.

    Pieces estimated at no more than half the budget are not counted again (no tokenizer
    merges a text into twice the sum of its parts), nor are bodies already over the budget
    on their own (a join merges a token or two at most); only the ones in between are.
    """
    estimate = overhead + max(piece.cost_with, piece.cost_without)
    if estimate <= ctx.budget / 2:
        return True
    if piece.body_tokens > ctx.budget + _JOIN_MERGES:
        return False
    return ctx.alone_tokens(piece) <= ctx.budget


def _room_for_parts(ctx: _Context, piece: _Piece) -> bool:
    """Whether an example holding only this file's header leaves room for a part of it:
    any one character (up to 4 byte-level tokens) with FIM sentinels around it."""
    frame = _Piece(piece.file_index, piece.path, piece.language, piece.reason, 0, "", "none")
    frame.header_with, frame.header_without = piece.header_with, piece.header_without
    room = 4 + ctx.counter.count("".join(ctx.fmt.fim_sentinels))
    return ctx.alone_tokens(frame) + room <= ctx.budget


def _add_costs(ctx: _Context, pieces: Sequence[_Piece]) -> None:
    """Estimated header + body tokens of each piece, with and without metadata."""
    fmt = ctx.fmt
    with_meta = ctx.counter.count_batch(
        [fmt.render_file_header(p.path, p.language, ctx.repo) for p in pieces]
    )
    without = with_meta
    if fmt.varies_metadata:
        without = ctx.counter.count_batch(
            [fmt.render_file_header(p.path, p.language, ctx.repo, False) for p in pieces]
        )
    for piece, header_with, header_without in zip(pieces, with_meta, without, strict=True):
        piece.header_with, piece.header_without = header_with, header_without
        piece.cost_with = header_with + piece.body_tokens
        piece.cost_without = header_without + piece.body_tokens


def _gap_between(left: int, right: int, gaps: Sequence[float]) -> float:
    """How unrelated files ``left`` and ``right`` are; dropped files between add up (the
    triangle inequality's bound on their distance). NaN counts as unrelated."""
    span = [float(g) for g in gaps[left:right]]
    return math.inf if any(math.isnan(g) for g in span) else sum(span)


def _ranges(ctx: _Context, content: str) -> RangeCounts | None:
    """Slice counts of ``content``, or None when the counter cannot derive them."""
    make = getattr(ctx.counter, "ranges", None)
    return None if make is None else make(content)


def _body_tokens(
    ctx: _Context, ranges: RangeCounts, body: str, mode: str, start: int, end: int
) -> int:
    """The count of ``body``: ``content[start:end]`` FIM-transformed in ``mode``.

    A FIM body is ``pre + prefix + suf + suffix + mid + middle`` with the three parts
    consecutive slices of the content (SPM reads the same way with an empty prefix, as in
    fim._parse, which apply_fim checked inverts), so it is the sentinels' counts and three
    slice counts, joined.
    """
    count = ranges.count
    if mode == NONE:
        return count(start, end)
    pre, suf, mid = ctx.fmt.fim_sentinels
    at_suffix = body.find(suf, len(pre))
    at_middle = body.find(mid, at_suffix + len(suf))
    middle_from = start + at_suffix - len(pre)  # content offsets of the middle and suffix
    suffix_from = middle_from + len(body) - at_middle - len(mid)
    segments = [
        pre,
        body[len(pre) : at_suffix],
        suf,
        body[at_suffix + len(suf) : at_middle],
        mid,
        body[at_middle + len(mid) :],
    ]
    counts = [
        ctx.fixed_tokens(pre),
        count(start, middle_from),
        ctx.fixed_tokens(suf),
        count(suffix_from, end),
        ctx.fixed_tokens(mid),
        count(middle_from, suffix_from),
    ]
    return count_joined(ctx.counter, segments, counts)


# ----------------------------------------------------------------------------- splitting


class _FileSplitter:
    """Cuts one oversize file into consecutive parts, on demand, each as long as fits.

    Parts end at line ends; only a line that does not fit on its own is cut between
    characters. The caller says, for each part, how to count the example it would go into,
    so the first part can fill what is left of an example and later ones a whole example.
    """

    def __init__(
        self, ctx: _Context, whole: _Piece, content: str, ranges: RangeCounts | None = None
    ) -> None:
        self.ctx = ctx
        self.whole = whole
        self.content = content
        self.start = 0  # where the next part begins
        self.parts = 0  # parts produced so far
        self.line_ends = _line_ends(content)
        self.line_starts = [0, *self.line_ends[:-1]]
        # guesses come from line lengths in characters whatever the counter; `scale`
        # converts them to the counter's tokens (first from the whole file, then as measured
        # part by part). Counting every line would cost a second pass over the file for a
        # guess that the probes confirm anyway.
        self.line_tokens = list(map(operator.sub, self.line_ends, self.line_starts))
        self.cumulative = [0, *self.line_ends]  # lines are contiguous: their ends add up
        self.scale = _clamp_scale(whole.body_tokens / max(1, self.cumulative[-1]))
        self.header_costs = ctx.header_costs(whole.path, whole.language)
        self.ranges = ranges  # slice counts of `content`; made at the first part if None

    def _own_tokens(self, body: str, mode: str, end: int) -> int | None:
        """The count of a candidate part's body, ``content[start:end]`` FIM-transformed
        (None: the counter cannot count slices)."""
        if self.ranges is None:
            self.ranges = _ranges(self.ctx, self.content)
            if self.ranges is None:
                return None
        return _body_tokens(self.ctx, self.ranges, body, mode, self.start, end)

    @property
    def done(self) -> bool:
        return self.start >= len(self.content)

    def next_part(
        self, example_tokens: Callable[[_Piece], int], inside_lines: bool = True
    ) -> tuple[_Piece, int] | None:
        """The longest next part whose example, counted by ``example_tokens``, fits the budget.

        Returns the part and its example's token count, or None (nothing consumed) when not
        even one character fits - or not one line, with ``inside_lines=False``.
        """
        budget = self.ctx.budget
        frame_tokens = example_tokens(self._piece("", NONE, 0))
        body_budget = budget - frame_tokens
        if body_budget <= 0:
            return None

        def probe(end: int) -> _Probe:
            body, mode = self.ctx.fim(self.content[self.start : end], self.whole.path, self.parts)
            piece = self._piece(body, mode, 0)
            piece.own_tokens = self._own_tokens(body, mode, end)
            tokens = example_tokens(piece)
            piece.body_tokens = max(0, tokens - frame_tokens)
            return _Probe(piece, tokens, piece.body_tokens, tokens <= budget)

        line = bisect.bisect_right(self.line_ends, self.start)  # the line holding `start`
        rest_chars = self.line_ends[line] - self.start
        whole_line = self.line_ends[line] - self.line_starts[line]
        first = self.line_tokens[line] * rest_chars / whole_line
        base = self.cumulative[line + 1]
        cumulative = self.cumulative

        found = None
        if first * self.scale <= 2 * body_budget:  # the rest of this line may fit
            lines = _Search(
                line,
                len(self.line_ends) - 1,
                lambda j: first + cumulative[j + 1] - base,
                lambda tokens: bisect.bisect_right(cumulative, tokens - first + base) - 2,
            )
            hit = _search_cut(lines, lambda j: probe(self.line_ends[j]), body_budget, self.scale)
            if hit is not None:
                found = self.line_ends[hit[0]], hit[1], hit[2]
        if found is None and inside_lines:  # cut inside the line
            per_char = max(first, 1.0) / rest_chars
            start = self.start
            chars = _Search(
                start + 1,
                self.line_ends[line],
                lambda end: (end - start) * per_char,
                lambda tokens: start + int(tokens / per_char),
            )
            found = _search_cut(chars, probe, body_budget, self.scale)
        if found is None:
            return None
        end, result, self.scale = found
        piece = result.piece
        piece.part = self.parts
        piece.gap_before = self.whole.gap_before if self.parts == 0 else 0.0
        piece.cost_with = self.header_costs[0] + piece.body_tokens
        piece.cost_without = self.header_costs[1] + piece.body_tokens
        self.parts += 1
        self.start = end
        return piece, result.tokens

    def _piece(self, body: str, mode: str, tokens: int) -> _Piece:
        w = self.whole
        piece = _Piece(w.file_index, w.path, w.language, w.reason, self.parts, body, mode, tokens)
        piece.header_with, piece.header_without = self.header_costs
        return piece


def _line_ends(content: str) -> list[int]:
    """Offsets just past each ``\\n``, plus the end of a last line without one."""
    ends = list(accumulate(len(line) + 1 for line in content.split("\n")))
    ends[-1] = len(content)  # the last line has no "\n": it ends with the content
    if len(ends) > 1 and ends[-2] == len(content):  # ... or is empty after a final "\n"
        ends.pop()
    return ends


@dataclass(frozen=True, slots=True)
class _Probe:
    """One candidate part, counted in the example it would go into."""

    piece: _Piece
    tokens: int  # the whole example
    body_tokens: int  # the part's share of them
    fits: bool


@dataclass(frozen=True, slots=True)
class _Search:
    """Candidate cut indices ``low..high`` and the estimate that maps them to tokens."""

    low: int
    high: int
    estimate: Callable[[int], float]  # estimated tokens up to index i, non-decreasing
    index_for: Callable[[float], int]  # largest i whose estimate is at most the tokens


# a part within this share of the budget of its maximum is long enough: looking further
# would cost another count of a whole example to gain less than 1 % of one
_SLACK = 0.01
_INTERPOLATIONS = 4


def _search_cut(
    search: _Search, probe: Callable[[int], _Probe], body_budget: int, scale: float
) -> tuple[int, _Probe, float] | None:
    """The largest index whose probe fits (about), with its probe and the learnt scale.

    Interpolates: the estimate times ``scale`` (real tokens per estimated token, updated
    from every probe) says where the budget ends; a fitting probe within ``_SLACK`` of the
    budget, or whose next step would not fit, is accepted - usually the first or second
    probe. After ``_INTERPOLATIONS`` probes it bisects between the best fit and the first
    failure. Fitting is nearly but not strictly monotone in length (FIM split points move
    with it), so the answer is always a verified fit, if not always the very largest.
    """
    if search.high < search.low:
        return None
    slack = max(1.0, _SLACK * body_budget)
    best: tuple[int, _Probe] | None = None
    fail = search.high + 1
    for _ in range(_INTERPOLATIONS):
        lower = best[0] + 1 if best else search.low
        index = min(max(search.index_for(body_budget / scale), lower), fail - 1)
        if index < lower:
            break
        result = probe(index)
        estimated = search.estimate(index)
        if estimated > 0 and result.body_tokens > 0:
            scale = _clamp_scale(result.body_tokens / estimated)
        if not result.fits:
            fail = index
            continue
        best = (index, result)
        if index == search.high:
            return index, result, scale
        step = (search.estimate(index + 1) - estimated) * scale
        if body_budget - result.body_tokens <= max(slack, step):
            return index, result, scale
    low, high = (best[0] + 1 if best else search.low), fail - 1
    while low <= high:
        middle = (low + high) // 2
        result = probe(middle)
        if result.fits:
            best, low = (middle, result), middle + 1
        else:
            high = middle - 1
    return None if best is None else (best[0], best[1], scale)


def _clamp_scale(value: float) -> float:
    return min(4.0, max(0.02, value))


# ----------------------------------------------------------------------------- cuts


class _Cutter:
    """Walks the pieces in order and closes an example whenever the budget is reached."""

    def __init__(
        self,
        ctx: _Context,
        pieces: list[_Piece],
        depends_on: Sequence[Sequence[int]] | None = None,
    ) -> None:
        self.ctx = ctx
        self.pieces = pieces  # oversize pieces are replaced by their parts as they are cut
        self.depends_on = depends_on  # by file index: earlier files each file imports
        self.separator = ctx.counter.count(ctx.fmt.separator) if ctx.fmt.separator else 0
        self.overhead = {
            m: ctx.counter.count(ctx.fmt.render_repo_header(ctx.repo, m) + ctx.fmt.end)
            for m in ctx.variants
        }
        self.examples: list[Example] = []
        self.drops: list[Drop] = []
        self.parts_of: dict[int, list[FilePiece]] = {}  # file index -> its pieces, in order

    def run(self) -> tuple[list[Example], list[Drop]]:
        start = 0
        while start < len(self.pieces):
            start = self._next_example(start)
        for parts in self.parts_of.values():
            for piece in parts:
                piece.n_parts = len(parts)
        return self.examples, self.drops

    def _next_example(self, start: int) -> int:
        """Emit the example beginning at ``pieces[start]``; where the next one begins."""
        ctx, pieces = self.ctx, self.pieces
        index = len(self.examples)
        metadata = _carries_metadata(ctx, index)
        head = pieces[start]
        if head.splitter is not None:  # the rest of an oversize file begins this example
            result = head.splitter.next_part(lambda p: ctx.tokens([p], metadata))
            if result is None:
                self.drops.append(_oversize(ctx, head.path, "headers alone exceed the budget"))
                del pieces[start]
                return start
            part, tokens = result
            if not head.splitter.done:
                self._emit([part], tokens, metadata)
                return start
            pieces[start] = part  # the last part packs like any other file
        used = self._running_estimate(start, metadata)
        limit = start + len(used)
        if limit < len(pieces) and pieces[limit].splitter is not None:
            filled = self._fill(start, limit, used[-1], metadata)
            if filled is not None:
                return filled
        end = self._choose_end(start, limit, used)
        while True:
            tokens = ctx.tokens(pieces[start:end], metadata)
            if tokens <= ctx.budget or end == start + 1:
                break
            end = self._choose_end(start, end - 1, used)
        if tokens > ctx.budget:  # fits alone, but not with the metadata drawn here
            self.drops.append(_oversize(ctx, head.path, f"rendered to {tokens} tokens"))
            del pieces[start]
            return start
        self._emit(pieces[start:end], tokens, metadata)
        return end

    def _fill(self, start: int, limit: int, used: int, metadata: bool) -> int | None:
        """Fill the rest of the example with the first part of the oversize file at
        ``limit``; where the next example begins, or None to cut before the file."""
        ctx, pieces = self.ctx, self.pieces
        if ctx.budget - used - self.separator < FILL_MIN_ROOM * ctx.budget:
            return None
        before = pieces[start:limit]
        oversize = pieces[limit]
        splitter = oversize.splitter
        assert splitter is not None
        # whole lines only: cutting a line to fill a corner of an example gains little
        result = splitter.next_part(lambda p: ctx.tokens([*before, p], metadata), False)
        if result is None:
            return None
        part, tokens = result
        self._emit([*before, part], tokens, metadata)
        if splitter.done:  # estimates were pessimistic: the whole rest fitted
            del pieces[limit]
        return limit

    def _running_estimate(self, start: int, metadata: bool) -> list[int]:
        """Estimated example size after each piece from ``start`` on, while it fits and no
        oversize file comes. The first piece is always taken: it fits alone."""
        pieces = self.pieces
        overhead = self.overhead[metadata]
        cost = (lambda p: p.cost_with) if metadata else (lambda p: p.cost_without)
        used = [overhead + cost(pieces[start])]
        for i in range(start + 1, len(pieces)):
            if pieces[i].splitter is not None:
                break
            total = used[-1] + self.separator + cost(pieces[i])
            if total > self.ctx.budget:
                break
            used.append(total)
        return used

    def _choose_end(self, start: int, limit: int, used: Sequence[int]) -> int:
        """Where the example starting at ``start`` ends (exclusive), at most ``limit``.

        ``used[k]`` is the estimated size of ``pieces[start : start + k + 1]``.
        """
        pieces, config = self.pieces, self.ctx.config
        if limit >= len(pieces) or not config.grouping or limit <= start + 1:
            return limit
        floor = (1.0 - GROUPING_WINDOW) * config.max_tokens
        candidates = [limit]
        for end in range(limit - 1, start, -1):
            if used[end - start - 1] < floor:
                break
            candidates.append(end)
        if self.depends_on is None:
            return max(candidates, key=lambda end: (pieces[end].gap_before, end))
        lost = self._dependencies_lost(start, limit, candidates)
        return min(candidates, key=lambda end: (lost[end], -pieces[end].gap_before, -end))

    def _dependencies_lost(self, start: int, limit: int, ends: Sequence[int]) -> dict[int, int]:
        """For each candidate end: how many files of ``pieces[end : limit + 1]`` would find
        a dependency earlier in an example running from ``start`` past ``limit``, but none
        once the example is cut at ``end`` (they then start the next example)."""
        assert self.depends_on is not None
        pieces = self.pieces
        window = pieces[start : min(limit + 1, len(pieces))]
        position = {p.file_index: start + k for k, p in enumerate(window) if p.part == 0}
        lost = {}
        for end in ends:
            count = 0
            for m in range(end, start + len(window)):
                piece = pieces[m]
                if piece.part != 0:
                    continue
                deps = [position[d] for d in self.depends_on[piece.file_index] if d in position]
                if any(d < m for d in deps) and not any(end <= d < m for d in deps):
                    count += 1
            lost[end] = count
        return lost

    def _emit(self, pieces: Sequence[_Piece], tokens: int, metadata: bool) -> None:
        file_pieces = []
        spans = self.ctx.fmt.body_spans(
            self.ctx.repo, [(p.path, p.language, p.body) for p in pieces], metadata
        )
        for p, (start, end) in zip(pieces, spans, strict=True):
            file_piece = FilePiece(p.path, p.language, p.part, 1, p.reason, p.mode, start, end)
            self.parts_of.setdefault(p.file_index, []).append(file_piece)
            file_pieces.append(file_piece)
        self.examples.append(
            Example(
                repo=self.ctx.repo,
                example_index=len(self.examples),
                text=self.ctx.render(pieces, metadata),
                n_tokens=tokens,
                pieces=file_pieces,
            )
        )


def _carries_metadata(ctx: _Context, example_index: int) -> bool:
    """StarCoder2-style draw: does this example carry the repository name and paths?"""
    fmt = ctx.fmt
    if not fmt.varies_metadata:
        return True
    draw = random.Random(stable_seed("repo_metadata", ctx.seed, ctx.repo, example_index))
    return draw.random() < fmt.metadata_rate
