"""Cutting ordered files into examples: budget, reassembly, grouping, oversize, determinism."""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from codepack.config import ExampleConfig
from codepack.examples.cut import build_examples
from codepack.examples.fim import undo_fim
from codepack.examples.formats import Format, get_format
from codepack.examples.tokens import ApproximateCounter, HFTokenizerCounter, TokenCounter
from codepack.records import Drop, Example, Placed, PlaceReason
from tokenizer_fixture import CODEGEMMA_SPECIALS, train_tiny_tokenizer

REPO = "acme/toy"
INF = math.inf


class CharCounter:
    """One token per character: sizes in tests are then plain string lengths."""

    name = "chars"
    exact = True

    def count(self, text: str) -> int:
        return len(text)

    def count_batch(self, texts: Sequence[str]) -> list[int]:
        return [len(t) for t in texts]


@pytest.fixture(scope="module")
def tiny_counter(tmp_path_factory: pytest.TempPathFactory) -> HFTokenizerCounter:
    return HFTokenizerCounter(
        train_tiny_tokenizer(tmp_path_factory.mktemp("tiny"), CODEGEMMA_SPECIALS)
    )


def placed(path: str, reason: PlaceReason = PlaceReason.DEPENDENCY) -> Placed:
    return Placed(path, reason)


def repo_files(contents: Sequence[str]) -> list[tuple[Placed, str, str]]:
    return [(placed(f"src/f{i}.py"), "python", text) for i, text in enumerate(contents)]


def build(
    contents: Sequence[str],
    gaps: Sequence[float] | None = None,
    counter: TokenCounter | None = None,
    min_tokens: int = 0,
    **options: object,
) -> tuple[list[Example], list[Drop]]:
    seed = int(options.pop("seed", 0))  # type: ignore[call-overload]
    config = ExampleConfig(**{"fim_rate": 0.0, **options})  # type: ignore[arg-type]
    files = repo_files(contents)
    if gaps is None:
        gaps = [INF] * (len(files) - 1)
    return build_examples(REPO, files, gaps, config, min_tokens, counter or CharCounter(),
                          seed=seed)


def piece_bodies(example: Example, fmt: Format) -> list[str]:
    """Each piece's body read back from the text (contents hold no markup characters)."""
    text = example.text
    metadata = not fmt.varies_metadata or text.startswith(fmt.render_repo_header(REPO, True))
    position = len(fmt.render_repo_header(REPO, metadata))
    headers = [fmt.render_file_header(p.path, p.language, REPO, metadata) for p in example.pieces]
    assert text.startswith(headers[0], position)
    position += len(headers[0])
    bodies = []
    for index in range(len(example.pieces)):
        if index + 1 < len(example.pieces):
            joint = fmt.separator + headers[index + 1]
            at = text.index(joint, position)
            bodies.append(text[position:at])
            position = at + len(joint)
        else:
            assert text.endswith(fmt.end)
            bodies.append(text[position : len(text) - len(fmt.end)])
    return bodies


def reassemble(examples: Sequence[Example], fmt: Format) -> dict[str, str]:
    """path -> content rebuilt from the pieces (FIM undone), checking part order."""
    parts: dict[str, list[str]] = {}
    for example in examples:
        for piece, body in zip(example.pieces, piece_bodies(example, fmt), strict=True):
            seen = parts.setdefault(piece.path, [])
            assert piece.part == len(seen)
            assert 0 <= piece.part < piece.n_parts
            seen.append(undo_fim(body, fmt, piece.fim))
    return {path: "".join(chunks) for path, chunks in parts.items()}


CODE_ALPHABET = "abcXYZ 09_(){}=:.,\n\t\ré中"
contents_strategy = st.lists(
    st.one_of(
        st.text(alphabet=CODE_ALPHABET, max_size=300),
        st.text(alphabet="abc ", min_size=200, max_size=700),  # one long line
    ),
    min_size=1,
    max_size=7,
)


@given(
    contents=contents_strategy,
    data=st.data(),
    max_tokens=st.integers(24, 260),
    fmt_name=st.sampled_from(["codegemma", "starcoder2", "qwen2.5", "deepseek"]),
    fim_rate=st.sampled_from([0.0, 0.5, 1.0]),
    grouping=st.booleans(),
    seed=st.integers(0, 50),
)
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_budget_and_reassembly_under_a_real_tokenizer(
    tiny_counter: HFTokenizerCounter,
    contents: list[str],
    data: st.DataObject,
    max_tokens: int,
    fmt_name: str,
    fim_rate: float,
    grouping: bool,
    seed: int,
) -> None:
    gaps = data.draw(
        st.lists(
            st.sampled_from([1.0, 2.0, 3.0, INF]),
            min_size=len(contents) - 1,
            max_size=len(contents) - 1,
        )
    )
    config = ExampleConfig(
        max_tokens=max_tokens, format=fmt_name, fim_rate=fim_rate, grouping=grouping
    )
    fmt = get_format(config)
    files = repo_files(contents)
    examples, drops = build_examples(REPO, files, gaps, config, 0, tiny_counter, seed=seed)

    for example in examples:
        assert example.n_tokens <= max_tokens
        assert example.n_tokens == tiny_counter.count(example.text)
    assert [e.example_index for e in examples] == list(range(len(examples)))
    assert {d.reason for d in drops} <= {"oversize"}
    rebuilt = reassemble(examples, fmt)
    dropped = {d.path for d in drops}
    for placed_file, _, content in files:
        assert (placed_file.path in dropped) != (placed_file.path in rebuilt)
        if placed_file.path in rebuilt:
            assert rebuilt[placed_file.path] == content
    # pieces keep the packed order
    order = [(p.path, p.part) for e in examples for p in e.pieces]
    assert order == sorted(order, key=lambda item: (int(item[0][5:-3]), item[1]))
    # same input, same output
    assert build_examples(REPO, files, gaps, config, 0, tiny_counter, seed=seed) == (
        examples, drops)


def test_small_repository_is_one_example() -> None:
    examples, drops = build(["A = 1\n", "B = 2\n"])
    assert drops == []
    assert len(examples) == 1
    assert examples[0].text == "src/f0.py\nA = 1\n<|file_separator|>src/f1.py\nB = 2\n"
    assert examples[0].n_tokens == len(examples[0].text)
    assert [(p.path, p.part, p.n_parts, p.fim) for p in examples[0].pieces] == [
        ("src/f0.py", 0, 1, "none"),
        ("src/f1.py", 0, 1, "none"),
    ]


def body_of_size(cost: int, path: str = "src/f0.py") -> str:
    """A body whose header + body is ``cost`` characters."""
    return "x" * (cost - len(path) - 2) + "\n"


def test_grouping_cuts_between_unrelated_neighbours() -> None:
    # costs 400, 400, 130, 400 with the separator (18 characters) between them
    contents = [body_of_size(400), body_of_size(400), body_of_size(130), body_of_size(400)]
    gaps = [1.0, INF, 1.0]
    grouped, _ = build(contents, gaps, max_tokens=1000)
    greedy, _ = build(contents, gaps, max_tokens=1000, grouping=False)
    assert [e.paths for e in grouped] == [["src/f0.py", "src/f1.py"], ["src/f2.py", "src/f3.py"]]
    assert [e.paths for e in greedy] == [["src/f0.py", "src/f1.py", "src/f2.py"], ["src/f3.py"]]


def test_grouping_only_looks_at_the_end_of_the_budget() -> None:
    # the unrelated pair sits at 40 % of the budget: too early, the cut stays greedy
    contents = [body_of_size(400), body_of_size(400), body_of_size(130), body_of_size(400)]
    examples, _ = build(contents, [INF, 1.0, 1.0], max_tokens=1000)
    assert [len(e.pieces) for e in examples] == [3, 1]


def test_grouping_prefers_the_largest_gap_and_then_the_latest_cut() -> None:
    contents = [body_of_size(300)] + [body_of_size(100)] * 6
    # costs with separators: 300, 418, 536, 654, 772, 890, 1008 (> 1000)
    largest, _ = build(contents, [1.0, 1.0, 1.0, 1.0, 5.0, 2.0], max_tokens=1000)
    assert len(largest[0].pieces) == 5  # gap 5 between the 5th and 6th file, at 772
    tie, _ = build(contents, [1.0, 1.0, 1.0, 1.0, 3.0, 3.0], max_tokens=1000)
    assert len(tie[0].pieces) == 6  # equal gaps: the later cut fills more


def test_grouping_cuts_where_fewest_files_lose_their_dependency() -> None:
    # costs 300, 300, 150, 300 (+18 per separator): the budget of 1000 takes three files.
    # The graph gaps alone cut before f3 (the largest gap). But f3 imports f2, and f2
    # imports nothing: cutting before f2 keeps f3 with its import and loses nothing.
    contents = [body_of_size(300), body_of_size(300), body_of_size(150), body_of_size(300)]
    config = ExampleConfig(fim_rate=0.0, max_tokens=1000)
    files = repo_files(contents)
    gaps = [1.0, 1.0, 2.0]
    by_gap, _ = build_examples(REPO, files, gaps, config, 0, CharCounter())
    assert [len(e.pieces) for e in by_gap] == [3, 1]  # cut before f3, at the largest gap
    depends_on = [[], [0], [], [2]]
    by_deps, _ = build_examples(REPO, files, gaps, config, 0, CharCounter(),
                                depends_on=depends_on)
    assert [e.paths for e in by_deps] == [["src/f0.py", "src/f1.py"], ["src/f2.py", "src/f3.py"]]


def test_oversize_file_is_split_at_line_boundaries() -> None:
    content = "".join(f"line {i:03d} of a long file\n" for i in range(80))
    examples, drops = build([content, "tail\n"], max_tokens=300)
    assert drops == []
    pieces = [p for e in examples for p in e.pieces if p.path == "src/f0.py"]
    assert len(pieces) == pieces[0].n_parts > 1
    assert [p.part for p in pieces] == list(range(len(pieces)))
    assert all(e.n_tokens <= 300 for e in examples)
    rebuilt = reassemble(examples, get_format(ExampleConfig()))
    assert rebuilt["src/f0.py"] == content
    bodies = [
        b
        for e in examples
        for p, b in zip(e.pieces, piece_bodies(e, get_format(ExampleConfig())), strict=True)
        if p.path == "src/f0.py"
    ]
    assert all(body.endswith("\n") for body in bodies)


def test_oversize_file_fills_the_rest_of_the_current_example() -> None:
    """The top of a big file (its imports) shares an example with what precedes it."""
    big = "".join(f"value_{i:03d} = {i}\n" for i in range(100))
    examples, drops = build(["import x\n", big], [1.0], max_tokens=300)
    assert drops == []
    assert examples[0].paths == ["src/f0.py", "src/f1.py"]
    assert examples[0].pieces[1].part == 0
    assert examples[0].n_tokens > 300 - len("value_000 = 0\n")
    assert all(e.n_tokens <= 300 for e in examples)
    assert reassemble(examples, get_format(ExampleConfig()))["src/f1.py"] == big


def test_oversize_file_starts_a_new_example_when_little_room_is_left() -> None:
    big = "".join(f"value_{i:03d} = {i}\n" for i in range(100))
    # 300 - 275 - 18 (separator) = 7 tokens left, under FILL_MIN_ROOM (300 / 32)
    examples, _ = build([body_of_size(275), big], [1.0], max_tokens=300)
    assert examples[0].paths == ["src/f0.py"]
    assert examples[1].pieces[0].part == 0


def test_a_line_longer_than_the_budget_is_split_at_characters() -> None:
    content = "y" * 1000 + "\nshort\n"
    examples, drops = build([content], max_tokens=200)
    assert drops == []
    assert all(e.n_tokens <= 200 for e in examples)
    assert len(examples) >= 5
    assert reassemble(examples, get_format(ExampleConfig()))["src/f0.py"] == content


@given(
    content=st.text(alphabet=CODE_ALPHABET, max_size=2000),
    max_tokens=st.integers(60, 400),  # headers (10) + FIM sentinels (42) + a character
    fim_rate=st.sampled_from([0.0, 1.0]),
)
@settings(max_examples=60, deadline=None)
def test_split_pieces_reassemble_exactly(content: str, max_tokens: int, fim_rate: float) -> None:
    examples, drops = build([content], max_tokens=max_tokens, fim_rate=fim_rate)
    assert drops == []
    assert all(e.n_tokens <= max_tokens for e in examples)
    assert reassemble(examples, get_format(ExampleConfig()))["src/f0.py"] == content


def test_oversize_skip_drops_the_file() -> None:
    examples, drops = build(["x\n" * 500, "small\n"], max_tokens=200, oversize="skip")
    assert [(d.path, d.stage, d.reason) for d in drops] == [("src/f0.py", "examples", "oversize")]
    assert [e.paths for e in examples] == [["src/f1.py"]]


def test_headers_longer_than_the_budget_drop_the_file() -> None:
    examples, drops = build(["a\n"], max_tokens=8)  # "src/f0.py\n" alone is 10
    assert examples == []
    assert [d.reason for d in drops] == ["oversize"]
    assert "headers alone" in drops[0].detail


def test_min_tokens_drops_small_examples_file_by_file() -> None:
    contents = [body_of_size(990), "y\n", "z\n"]
    examples, drops = build(contents, max_tokens=1000, min_tokens=100)
    assert [e.paths for e in examples] == [["src/f0.py"]]
    assert [(d.path, d.stage, d.reason) for d in drops] == [
        ("src/f1.py", "examples", "too_few_tokens"),
        ("src/f2.py", "examples", "too_few_tokens"),
    ]
    assert "example 1: 42 tokens < 100" in drops[0].detail


def test_fim_of_a_file_does_not_depend_on_its_neighbours() -> None:
    """Seeded by (seed, repo, path, part): where the file lands changes nothing."""
    fmt = get_format(ExampleConfig())
    target = (placed("x.py"), "python", "def f(x):\n    return x * 2\n")
    neighbour = (placed("a.py"), "python", "a = 1\n")
    config = ExampleConfig(fim_rate=1.0)
    alone, _ = build_examples(REPO, [target], [], config, 0, CharCounter(), seed=3)
    mixed, _ = build_examples(REPO, [neighbour, target], [INF], config, 0, CharCounter(), seed=3)
    assert alone[0].pieces[0].fim == mixed[0].pieces[1].fim != "none"
    assert piece_bodies(alone[0], fmt)[0] == piece_bodies(mixed[0], fmt)[1]


def test_different_seeds_give_different_fim_splits() -> None:
    contents = ["def f(x):\n    return x * 2\n", "class A:\n    pass\n"]
    texts = {build(contents, fim_rate=1.0, seed=seed)[0][0].text for seed in range(8)}
    assert len(texts) > 4


def test_starcoder2_metadata_rate() -> None:
    contents = [body_of_size(300)] * 40
    never, _ = build(contents, format="starcoder2", max_tokens=700, repo_metadata_rate=0.0)
    always, _ = build(contents, format="starcoder2", max_tokens=700, repo_metadata_rate=1.0)
    half, _ = build(contents, format="starcoder2", max_tokens=700, repo_metadata_rate=0.5)
    assert not any("<repo_name>" in e.text or "src/f" in e.text for e in never)
    assert all(e.text.startswith(f"<repo_name>{REPO}<file_sep>src/f") for e in always)
    with_metadata = sum(e.text.startswith("<repo_name>") for e in half)
    assert 0 < with_metadata < len(half)
    assert all(e.n_tokens <= 700 for e in half)


def test_place_reason_is_recorded() -> None:
    files = [
        (placed("a.py"), "python", "A = 1\n"),
        (Placed("test_a.py", PlaceReason.TEST_OF, "a.py"), "python", "assert A\n"),
    ]
    examples, _ = build_examples(REPO, files, [1.0], ExampleConfig(), 0, CharCounter())
    assert [p.reason for p in examples[0].pieces] == ["dependency", "test_of"]


def test_empty_repository_and_contract_errors() -> None:
    assert build_examples(REPO, [], [], ExampleConfig(), 0, CharCounter()) == ([], [])
    with pytest.raises(ValueError, match="need 1 gaps for 2 files"):
        build_examples(REPO, repo_files(["a", "b"]), [], ExampleConfig(), 0, CharCounter())
    with pytest.raises(ValueError, match="oversize"):
        build(["a"], oversize="truncate")
    with pytest.raises(ValueError, match="fim_rate"):
        build(["a"], fim_rate=2.0)


def test_nan_gap_counts_as_unrelated() -> None:
    contents = [body_of_size(400), body_of_size(400), body_of_size(130), body_of_size(400)]
    examples, _ = build(contents, [1.0, float("nan"), 1.0], max_tokens=1000)
    assert [len(e.pieces) for e in examples] == [2, 2]


def test_empty_file_is_packed() -> None:
    examples, drops = build(["", "B = 2\n"], fim_rate=1.0)
    assert drops == []
    assert examples[0].text.startswith("src/f0.py\n<|file_separator|>")


def test_default_counter_and_format_come_from_the_config(tmp_path: Path) -> None:
    path = train_tiny_tokenizer(tmp_path, CODEGEMMA_SPECIALS)
    config = ExampleConfig(tokenizer=str(path), fim_rate=0.0)
    examples, _ = build_examples(REPO, repo_files(["A = 1\n"]), [], config)
    assert examples[0].n_tokens == HFTokenizerCounter(path).count(examples[0].text)


class Recounting:
    """The approximate counter without derived counts: every example is counted again."""

    name = "recounting"
    exact = False

    def __init__(self) -> None:
        self._inner = ApproximateCounter()

    def count(self, text: str) -> int:
        return self._inner.count(text)

    def count_batch(self, texts: Sequence[str]) -> list[int]:
        return self._inner.count_batch(texts)


class CharsCounted(ApproximateCounter):
    """The approximate counter, keeping the number of characters it was given to count."""

    def __init__(self) -> None:
        self.characters = 0

    def count(self, text: str) -> int:
        self.characters += len(text)
        return super().count(text)


JOIN_ALPHABET = CODE_ALPHABET + " \xa0\x0b<|>Ab_"


@given(
    contents=st.lists(
        st.one_of(
            st.text(alphabet=JOIN_ALPHABET, max_size=400),
            st.text(alphabet=" \n\t_aA", max_size=300),  # whitespace and words that merge
            st.just(""),
        ),
        min_size=1,
        max_size=7,
    ),
    max_tokens=st.integers(40, 200),
    fmt_name=st.sampled_from(["codegemma", "starcoder2", "qwen2.5", "deepseek", "plain"]),
    fim_rate=st.sampled_from([0.0, 0.5, 1.0]),
    grouping=st.booleans(),
    seed=st.integers(0, 50),
)
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_derived_counts_cut_exactly_like_counting_every_example(
    contents: list[str],
    max_tokens: int,
    fmt_name: str,
    fim_rate: float,
    grouping: bool,
    seed: int,
) -> None:
    """Examples counted from their pieces (and split files from slices) come out the same,
    cuts, splits and counts, as when every rendered example and probe is counted whole."""
    fim = {} if fmt_name == "plain" else {"fim_rate": fim_rate}  # plain has no FIM at all
    config = ExampleConfig(max_tokens=max_tokens, format=fmt_name, grouping=grouping, **fim)
    files = repo_files(contents)
    gaps = [INF] * (len(files) - 1)
    counter = ApproximateCounter()
    derived = build_examples(REPO, files, gaps, config, 0, counter, seed=seed)
    assert derived == build_examples(REPO, files, gaps, config, 0, Recounting(), seed=seed)
    for example in derived[0]:
        assert example.n_tokens == counter.count(example.text) <= max_tokens


def test_each_file_is_counted_about_once() -> None:
    """Files that fit are counted as pieces and never again in their examples."""
    contents = [f"def f{i}(value):\n    return value + {i}\n" * 20 for i in range(40)]
    counter = CharsCounted()
    examples, drops = build(contents, counter=counter, max_tokens=4096, fim_rate=0.5)
    assert drops == [] and len(examples) > 1
    content_chars = sum(len(c) for c in contents)
    assert counter.characters < 1.1 * content_chars
