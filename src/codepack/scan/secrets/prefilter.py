"""One pass over a text that tells which detectors can possibly fire in it.

Every detector starts from a gate: a regex or literal each of its findings contains
(``gh[pousr]_``, ``AIza``, a quoted run of 20+ token characters, ``@domain.``). Searched one
after another with Python's ``re`` and ``str.find``, the forty-odd gates cost about half of
the secrets step on real code, although nearly every text holds none of them. Hyperscan
compiles all of them into one automaton and finds which are present in a single pass at
hundreds of MB/s; a detector whose gate is absent is skipped.

The prefilter only skips work, it never decides a finding: where it says a gate *may* be
present, the detector searches exactly as before. Hence each anchor must match wherever its
gate does (a superset), which holds by construction:

* anchors run over the UTF-8 bytes of the text. A gate made of ASCII literals and ASCII
  classes only matches ASCII characters, whose bytes are themselves and never part of a
  multi-byte character, so the same pattern over the bytes is exact;
* a gate with Unicode-aware classes (Python's ``\\d`` and ``\\w`` also match non-ASCII
  digits and letters) is widened by hand: each such class also takes one whole multi-byte
  character (``_NON_ASCII_CHAR``), so lengths still count characters;
* case-insensitive gates (searched in ``text.lower()``) are caseless anchors over the
  original text, which is the same thing except for the two non-ASCII characters that
  lower-case to ASCII letters (the Kelvin sign and the dotted capital I): a text holding
  one of those, or one that cannot be encoded, is not filtered at all.

A gate with no anchor here is always searched, so a new detector is never silently skipped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

import hyperscan

# one UTF-8 encoded non-ASCII character: a lead byte and one to three continuation bytes
_NON_ASCII_CHAR = r"[\xc0-\xf7][\x80-\xbf]{1,3}"
# Python's ``\d`` and ``[\w-]`` in a ``str`` pattern: one ASCII byte or one such character
_DIGIT = rf"(?:[0-9]|{_NON_ASCII_CHAR})"
_WORD = rf"(?:[\w-]|{_NON_ASCII_CHAR})"
# byte forms of Python gates whose classes match more than ASCII in a ``str`` (widened), or
# that use syntax Hyperscan lacks (a possessive run: the same matches for a search)
_BYTE_FORMS = {
    r"""['"][A-Za-z0-9+/=_-]{20,}+['"]""": r"""['"][A-Za-z0-9+/=_-]{20,}['"]""",
    r"AP[\dA-F]": rf"AP(?:[0-9A-F]|{_NON_ASCII_CHAR})",
    r"\.[\w-]{6}\.[\w-]{27}": rf"\.{_WORD}{{6}}\.{_WORD}{{27}}",
    r"-us\d": rf"-us{_DIGIT}",
    r"SG\.[\w-]{22}\.": rf"SG\.{_WORD}{{22}}\.",
    r"\.\d{1,3}\.\d{1,3}\.\d": rf"\.{_DIGIT}{{1,3}}\.{_DIGIT}{{1,3}}\.{_DIGIT}",
}
# escapes whose meaning in a Python ``str`` pattern goes beyond ASCII (classes, boundaries)
# or that Hyperscan lacks (back-references)
_UNICODE_ESCAPE = re.compile(r"\\[wWdDsSbBpPAZ0-9]")
_ESCAPED = re.compile(r"\\.")
# after escapes are removed: any character, anchors and negated sets, any ``(?`` group but
# a plain ``(?:`` (look-arounds, inline flags, named groups), possessive runs, and anything
# outside printable ASCII
_NOT_ASCII_EXACT = re.compile(r"[.$^]|\(\?[^:]|[+*?}]\+|[^\x20-\x7e]")
# characters whose lower case holds an ASCII letter: ``"\u212a".lower() == "k"``
_LOWER_TO_ASCII = frozenset("\u0130\u212a")


def anchor_pattern(gate: str) -> str | None:
    """The byte pattern that matches wherever the Python ``gate`` does, or ``None`` when
    there is none here (the gate is then always searched)."""
    if gate in _BYTE_FORMS:
        return _BYTE_FORMS[gate]
    if _UNICODE_ESCAPE.search(gate) or _NOT_ASCII_EXACT.search(_ESCAPED.sub("", gate)):
        return None
    return gate


class Gate(NamedTuple):
    """A gate to look for: a Python pattern, searched case-insensitively when ``caseless``
    (the detector searches it in the lower-cased text). A tuple: hashed at C speed."""

    pattern: str
    caseless: bool = False


class Prefilter:
    """The gates compiled into one Hyperscan database (built once per process), with
    ``words``: lower-case literals whose every position the same pass reports (the
    credential-name words the assignment detector starts from)."""

    def __init__(self, gates: Iterable[Gate], words: Iterable[str] = ()) -> None:
        anchored: list[Gate] = []
        expressions: list[bytes] = []
        flags: list[int] = []
        for gate in dict.fromkeys(gates):
            pattern = anchor_pattern(gate.pattern)
            if pattern is None:
                continue
            anchored.append(gate)
            expressions.append(pattern.encode("ascii"))
            caseless = hyperscan.HS_FLAG_CASELESS if gate.caseless else 0
            flags.append(hyperscan.HS_FLAG_SINGLEMATCH | caseless)
        self._anchored = tuple(anchored)
        self._anchored_set = frozenset(anchored)
        self._words = tuple(dict.fromkeys(words))
        for word in self._words:
            expressions.append(re.escape(word).encode("ascii"))
            flags.append(hyperscan.HS_FLAG_CASELESS)
        self._database = hyperscan.Database()
        self._database.compile(
            expressions=expressions,
            ids=list(range(len(expressions))),
            elements=len(expressions),
            flags=flags,
        )

    def present(self, text: str) -> Presence:
        """Which gates may match in ``text``, and where the words start in an ASCII text
        (byte offsets are character offsets there, also in ``text.lower()``)."""
        is_ascii = text.isascii()
        if not is_ascii and any(char in text for char in _LOWER_TO_ASCII):
            return Presence(None)
        try:
            data = text.encode("utf-8")
        except UnicodeEncodeError:  # lone surrogates
            return Presence(None)
        found: set[Gate] = set()
        anchored, n_gates, words = self._anchored, len(self._anchored), self._words
        starts: list[list[int]] = [[] for _ in words]

        def on_match(index: int, _start: int, end: int, _flags: int, _context: object) -> None:
            if index < n_gates:
                found.add(anchored[index])
            else:
                starts[index - n_gates].append(end - len(words[index - n_gates]))

        self._database.scan(data, match_event_handler=on_match)
        word_starts = dict(zip(words, map(sorted, starts), strict=True)) if is_ascii else None
        return Presence(frozenset(found), self._anchored_set, word_starts)


@dataclass(frozen=True, slots=True)
class Presence:
    """The prefilter's answer for one text. ``found`` is ``None`` when the text was not
    filtered (every gate may match)."""

    found: frozenset[Gate] | None
    anchored: frozenset[Gate] = frozenset()
    word_starts: dict[str, list[int]] | None = None  # None: not known, search for them

    def may_match(self, gate: Gate) -> bool:
        """False only when the gate certainly does not match."""
        return self.found is None or gate in self.found or gate not in self.anchored
