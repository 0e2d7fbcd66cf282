"""The secrets prefilter (codepack.scan.secrets.prefilter): one Hyperscan pass that says
which detectors' gates a text may hold, and the entropy plugins' line pre-check. They may
only skip work: redaction with them must equal redaction without them, on any text."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from codepack.scan import secrets
from codepack.scan.secrets.prefilter import Gate, Presence, anchor_pattern

PLANTED = Path(__file__).resolve().parent / "data" / "secrets" / "planted"
FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "repos" / "secrets-planted"


class _NoFilter:
    """A prefilter that lets every detector run: the behaviour before the prefilter."""

    def present(self, text: str) -> Presence:
        return Presence(None)


@contextmanager
def _unfiltered() -> Iterator[None]:
    """Every detector runs on every text, and the entropy plugins see every line their
    trigger picks (no shape pre-check)."""
    prefilter, shape_check = secrets._prefilter, secrets._may_hold_random_value
    secrets._prefilter = _NoFilter  # type: ignore[assignment]
    secrets._may_hold_random_value = lambda line, rule: True
    try:
        yield
    finally:
        secrets._prefilter, secrets._may_hold_random_value = prefilter, shape_check


def _assert_same_with_and_without_prefilter(text: str, path: str) -> None:
    filtered = secrets.redact(text, path)
    with _unfiltered():
        unfiltered = secrets.redact(text, path)
    assert filtered == unfiltered


def test_every_gate_but_the_iam_name_gates_has_an_anchor() -> None:
    """A gate without an anchor is searched in every text (correct, but slow); the IAM
    gates are checked only where a credential word stands, so they need none."""
    for rule, gates in zip(secrets._rules(), secrets._rule_gates(), strict=True):
        for gate in gates:
            if rule.kind != "ibm_cloud_iam_key":
                assert anchor_pattern(gate.pattern) is not None, (rule.kind, gate)
    others = [secrets._URL_ANCHOR, *secrets._KEY_BLOCK_ANCHORS.values()]
    others += [*secrets._TOKEN_ANCHORS, secrets._EMAIL_ANCHOR, secrets._IPV4_ANCHOR]
    others += [secrets._IPV6_ANCHOR]
    assert all(anchor_pattern(gate.pattern) is not None for gate in others)


@pytest.mark.parametrize(
    ("pattern", "anchor"),
    [
        (r"gh[pousr]_", r"gh[pousr]_"),
        (r"cloudant\.com", r"cloudant\.com"),
        (r"(?:AC|SK)[a-z0-9]{32}", r"(?:AC|SK)[a-z0-9]{32}"),
        (r"\w{4}", None),  # Unicode letters in a str pattern
        (r"a.b", None),  # any character, also a non-ASCII one
        (r"[^a]", None),
        (r"(?<=bot)\d", None),
        (r"(?i)aws", None),
        (r"x{2,}+y", None),
        (r"^key", None),
        (r"(a)\1", None),
    ],
)
def test_only_ascii_exact_gates_are_used_as_they_are(pattern: str, anchor: str | None) -> None:
    assert anchor_pattern(pattern) == anchor


# Unicode-aware gates and a text each matches only through a non-ASCII digit or letter
WIDENED = [
    (r"AP[\dA-F]", "x = 'AP\u0663'"),
    (r"-us\d", "dc-us\u0663"),
    (r"\.[\w-]{6}\.[\w-]{27}", "a.\u00e9\u00e9\u00e9abc." + "\u00fc" * 27),
    (r"SG\.[\w-]{22}\.", "SG." + "\u65e5" * 22 + "."),
    (r"\.\d{1,3}\.\d{1,3}\.\d", "1.\u0661\u0662.\u0663.\u0664"),
]


@pytest.mark.parametrize(("pattern", "text"), WIDENED)
def test_widened_anchors_match_where_unicode_classes_do(pattern: str, text: str) -> None:
    assert re.search(pattern, text)
    assert secrets._prefilter().present(text).may_match(Gate(pattern))
    ascii_only = text.encode("ascii", "replace").decode().replace("?", "~")
    assert not re.search(pattern, ascii_only)
    assert not secrets._prefilter().present(ascii_only).may_match(Gate(pattern))


def test_ordinary_code_holds_no_gate() -> None:
    presence = secrets._prefilter().present("def f(x):\n    return x + 1  # simple\n")
    assert presence.found == frozenset()
    assert not presence.may_match(Gate(secrets._QUOTED_TOKEN.pattern))


@pytest.mark.parametrize(
    "text",
    [
        "sl\u212aey = 'x'",  # the Kelvin sign lower-cases to "k": "slkey" in the lowered text
        "\u0130",  # lower-cases to "i" and a combining dot
        "x = '\ud800'",  # a lone surrogate has no UTF-8 form
    ],
)
def test_texts_the_bytes_cannot_stand_for_are_not_filtered(text: str) -> None:
    assert secrets._prefilter().present(text).found is None
    _assert_same_with_and_without_prefilter(text, "x.cfg")


def _planted_files() -> list[Path]:
    return sorted(p for root in (PLANTED, FIXTURE) for p in root.rglob("*") if p.is_file())


@pytest.mark.parametrize("path", _planted_files(), ids=lambda p: p.name)
def test_planted_files_redact_the_same_with_and_without_prefilter(path: Path) -> None:
    """Also with non-ASCII letters, digits and case-folding characters worked into them."""
    text = path.read_text(encoding="utf-8")
    for mark in ("\u00e9", "\u0663", "\u212a", "\u65e5", "\U0001f600"):
        for variant in (
            text,
            mark + text,
            text.replace("_", mark, 3),
            text.replace(".", "." + mark, 5).replace("=", mark + "=", 3),
        ):
            _assert_same_with_and_without_prefilter(variant, path.name)


# pieces of every gate, of the detectors' context and of non-ASCII text
FRAGMENTS = [
    "AKIA", "A3T", "aws", "AWS", "AKC", "AP", "AccountKey=", "cloudant", "clou_apikey",
    ".", "-", "_", "eyJ", "ghp_", "glpat-", "GR1348941", "secret_access_key", "key", "KEY",
    "pwd", "pass", "token", "-us1", "_authToken", "T3BlbkFJ", "pypi-AgE", "SG.", "xoxb-",
    "hooks.slack.com", "softlayer", "sl_apikey", "sk_live_", "rk_live_", "AC", "SK",
    "_pat_", "sk-proj-", "AIza", "npm_", "HRKU-", "shpat_", "key-", ":AA", "123456789",
    "SharedAccessKey=", "://", "user:", "@", "example.com", "45.79.", "112.203", "2a01:",
    "4f8:", "::", "PRIVATE KEY", "-----BEGIN ", "PuTTY-User-Key", "'", '"', " = ", ": ",
    "\n", "Zq3FakeP", "0a1b2c3d4e5f6a7b", "AbC9dEf0GhI1jKl2MnO3", "abcdefgh", "Zm9vYmFy",
    "9f86d081884c7d659a2feaa0c55ad015", "a3f5", "+/", "==",
    "\u00e9", "\u0663", "\u212a", "\u0130", "\u65e5", "\u00df",
]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=40), st.sampled_from(["a.py", ".env"]))
def test_any_text_redacts_the_same_with_and_without_prefilter(pieces: list[str], path: str) -> None:
    _assert_same_with_and_without_prefilter("".join(pieces), path)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from([*FRAGMENTS, "PassWord", "KeYs", "tokentoken"]), max_size=40))
def test_word_starts_are_where_the_name_words_start(pieces: list[str]) -> None:
    """The same pass reports where ``pass``, ``key``, ... start (any case) in an ASCII
    text, as ``word_hits`` finds them in the lower-cased text; other texts get none."""
    text = "".join(pieces)
    starts = secrets._prefilter().present(text).word_starts
    if not text.isascii():
        assert starts is None
    else:
        assert starts == secrets.word_hits(text.lower())
