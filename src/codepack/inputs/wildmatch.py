"""Git's ``wildmatch`` (the glob behind ``.gitignore``), in time linear in the path's length.

A ``.gitignore`` comes with the repository, so its patterns are untrusted input. Translating
them into backtracking regular expressions (what ``pathspec`` does) costs exponential time on
patterns such as ``*`` repeated 24 times followed by ``x``: one such line hung a whole run.
Here a pattern is compiled once into tokens and matched by simulating the automaton the
tokens form, one path byte at a time, with the set of live positions kept as the bits of an
int: a few big-int operations per path byte (more only for runs of adjacent ``**/``), so
linear in the path and never exponential, whatever the pattern. Patterns with at most one
star-like token (nearly all real ones: ``*.pyc``, ``/build``, ``**/tmp``) keep the speed of
a regular expression, which cannot backtrack more than O(len(path) * len(pattern)) there.

Semantics are git's, on bytes (a ``?`` matches one byte of a UTF-8 name, as in git):
``?`` and ``*`` never match ``/``; ``[...]`` classes with ``!``/``^`` negation, ranges,
backslash escapes and ``[:alpha:]``-style names never match ``/`` either; ``**`` matches
across folders only when it is preceded by the pattern's start or ``/`` and followed by its
end or ``/`` (a leading ``**/`` may match nothing); a backslash makes the next byte literal.
A malformed class (unterminated, or an unknown ``[:name:]``) makes the pattern match nothing,
as a trailing lone backslash does: git aborts the match there.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass, field

_SLASH = ord("/")
_BACKSLASH = ord("\\")

# Token kinds. A "variable" token consumes any number of bytes.
_LITERAL = "lit"  # one given byte
_ANY = "any"  # ``?``: one byte but '/'
_CLASS = "class"  # ``[...]``: one byte of a set (never '/')
_STAR = "star"  # ``*``: any bytes but '/'
_DSTAR = "dstar"  # bounded ``**``: any bytes
_DSTAR_SLASH = "dstar/"  # bounded ``**/``: nothing, or any bytes then '/'
_VARIABLE = (_STAR, _DSTAR, _DSTAR_SLASH)
_OPTIONAL = "opt"  # automaton only: the entry of a ``**/`` group, which may be skipped whole


def _ascii(chars: str) -> frozenset[int]:
    return frozenset(chars.encode("ascii"))


_CONTROL = frozenset([*range(0x20), 0x7F])
_PRINTABLE = frozenset(range(0x20, 0x7F))
_SPACE = _ascii(" \t\n\r")  # git's isspace: no \v or \f
# The [:name:] classes of wildmatch.c, with git's ASCII-only ctype (bytes >= 0x80 are none).
_NAMED_CLASSES: dict[bytes, frozenset[int]] = {
    b"alnum": _ascii(string.ascii_letters + string.digits),
    b"alpha": _ascii(string.ascii_letters),
    b"blank": _ascii(" \t"),
    b"cntrl": _CONTROL,
    b"digit": _ascii(string.digits),
    b"graph": _PRINTABLE - _SPACE,
    b"lower": _ascii(string.ascii_lowercase),
    b"print": _PRINTABLE,
    b"punct": _ascii(string.punctuation),
    b"space": _SPACE,
    b"upper": _ascii(string.ascii_uppercase),
    b"xdigit": _ascii(string.hexdigits),
}


class _Malformed(ValueError):
    """A pattern git's matcher aborts on: it matches nothing."""


@dataclass(frozen=True)
class _Token:
    kind: str
    byte: int = 0  # _LITERAL
    members: frozenset[int] = frozenset()  # _CLASS: the bytes it matches


def _class_byte(pattern: bytes, i: int) -> tuple[int, int]:
    """The class member byte at ``i`` (the byte after it when ``i`` is a backslash), and
    the index of that byte."""
    if pattern[i] != _BACKSLASH:
        return pattern[i], i
    if i + 1 >= len(pattern):
        raise _Malformed("class ends in a backslash")
    return pattern[i + 1], i + 1


def _parse_class(pattern: bytes, start: int) -> tuple[_Token, int]:
    """The class opening at ``pattern[start] == '['``; returns it and the index after ``]``.

    A line-by-line port of the ``case '['`` branch of git's wildmatch.c, so that the odd
    corners agree: ``]`` first is a member, ``-`` first or last is literal, a range end may be
    escaped, ``[:`` without a closing ``:]`` is a literal ``[``.
    """
    n = len(pattern)
    i = start + 1
    negated = i < n and pattern[i] in b"!^"
    if negated:
        i += 1
    members: set[int] = set()
    previous = 0
    while True:
        if i >= n:
            raise _Malformed("unterminated class")
        current = pattern[i]
        if current == _BACKSLASH:
            current, i = _class_byte(pattern, i)
            members.add(current)
        elif current == ord("-") and previous and i + 1 < n and pattern[i + 1] != ord("]"):
            current, i = _class_byte(pattern, i + 1)
            members.update(range(previous, current + 1))
            current = 0  # a range cannot start another range
        elif current == ord("[") and i + 1 < n and pattern[i + 1] == ord(":"):
            name_start = i + 2
            end = pattern.find(b"]", name_start)
            if end < 0:
                raise _Malformed("unterminated class")
            if end - name_start - 1 < 0 or pattern[end - 1] != ord(":"):
                members.add(current)  # no ":]": the '[' is an ordinary member
            else:
                named = _NAMED_CLASSES.get(pattern[name_start : end - 1])
                if named is None:
                    raise _Malformed("unknown character class")
                members.update(named)
                i = end
                current = 0
        else:
            members.add(current)
        previous = current
        i += 1
        if i < n and pattern[i] == ord("]"):
            break
    matched = frozenset(range(256)) - members if negated else frozenset(members)
    return _Token(_CLASS, members=matched - {_SLASH}), i + 1


def _tokenize(pattern: bytes) -> list[_Token]:
    """Tokens of a pattern as wildmatch reads it (``_Malformed`` when git would abort)."""
    tokens: list[_Token] = []
    n = len(pattern)
    i = 0
    while i < n:
        byte = pattern[i]
        if byte == _BACKSLASH:
            if i + 1 >= n:
                raise _Malformed("trailing backslash")
            tokens.append(_Token(_LITERAL, byte=pattern[i + 1]))
            i += 2
        elif byte == ord("?"):
            tokens.append(_Token(_ANY))
            i += 1
        elif byte == ord("["):
            token, i = _parse_class(pattern, i)
            tokens.append(token)
        elif byte == ord("*"):
            end = i
            while end < n and pattern[end] == ord("*"):
                end += 1
            after_slash = i == 0 or pattern[i - 1] == _SLASH
            before_slash = (
                end == n
                or pattern[end] == _SLASH
                or pattern[end : end + 2] == b"\\/"
            )
            if end - i < 2 or not (after_slash and before_slash):
                tokens.append(_Token(_STAR))
                i = end
            elif end < n and pattern[end] == _SLASH:
                tokens.append(_Token(_DSTAR_SLASH))
                i = end + 1
            else:
                tokens.append(_Token(_DSTAR))
                i = end
        else:
            tokens.append(_Token(_LITERAL, byte=byte))
            i += 1
    return tokens


def _regex(tokens: list[_Token]) -> re.Pattern[bytes]:
    parts: list[bytes] = []
    for token in tokens:
        if token.kind == _LITERAL:
            parts.append(re.escape(bytes([token.byte])))
        elif token.kind == _ANY:
            parts.append(rb"[^/]")
        elif token.kind == _CLASS:
            inside = b"".join(b"\\x%02x" % member for member in sorted(token.members))
            parts.append(b"[" + inside + b"]" if inside else rb"(?!)")
        elif token.kind == _STAR:
            parts.append(rb"[^/]*")
        elif token.kind == _DSTAR:
            parts.append(rb".*")
        else:
            parts.append(rb"(?:.*/)?")
    return re.compile(b"".join(parts), re.DOTALL)


@dataclass
class _Automaton:
    """The tokens as a bit-parallel automaton: bit ``i`` live = token ``i`` is next to match.

    Bit ``len(tokens)`` is the accepting state. Masks per byte are built on first use and
    kept, so a pattern costs nothing for bytes no path contains.
    """

    tokens: list[_Token]
    skippable: int = 0  # tokens that may match nothing, so skipping them is free
    groups: int = 0  # ``**/`` entries: skipping one skips its whole group (three states)
    accept: int = 0
    _steps: dict[int, tuple[int, int]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # ``**/`` is "nothing, or any bytes then '/'": an entry state that consumes no byte,
        # then ``**`` and a literal '/'. Only the entry may skip the group: once ``**`` has
        # consumed a byte the group must end with a '/' (``**/a*`` does not match ``ba``).
        expanded: list[_Token] = []
        for token in self.tokens:
            if token.kind == _DSTAR_SLASH:
                self.groups |= 1 << len(expanded)
                expanded += [_Token(_OPTIONAL), _Token(_DSTAR), _Token(_LITERAL, byte=_SLASH)]
            else:
                expanded.append(token)
        self.tokens = expanded
        for index, token in enumerate(self.tokens):
            if token.kind in (_STAR, _DSTAR, _OPTIONAL):
                self.skippable |= 1 << index
        self.accept = 1 << len(self.tokens)

    def _masks(self, byte: int) -> tuple[int, int]:
        """(tokens that consume ``byte`` and advance, tokens that consume it and stay)."""
        masks = self._steps.get(byte)
        if masks is not None:
            return masks
        advance = stay = 0
        for index, token in enumerate(self.tokens):
            bit = 1 << index
            kind = token.kind
            if kind == _LITERAL:
                advance |= bit if token.byte == byte else 0
            elif kind == _ANY:
                advance |= bit if byte != _SLASH else 0
            elif kind == _CLASS:
                advance |= bit if byte in token.members else 0
            elif kind == _STAR:
                stay |= bit if byte != _SLASH else 0
            elif kind == _DSTAR:
                stay |= bit
            # _OPTIONAL consumes nothing: it only passes on, through the closure
        self._steps[byte] = (advance, stay)
        return advance, stay

    def _closure(self, live: int) -> int:
        while True:
            grown = live | ((live & self.skippable) << 1) | ((live & self.groups) << 3)
            if grown == live:
                return live
            live = grown

    def matches(self, text: bytes) -> bool:
        live = self._closure(1)
        for byte in text:
            advance, stay = self._masks(byte)
            live = self._closure(((live & advance) << 1) | (live & stay))
            if not live:
                return False
        return bool(live & self.accept)


@dataclass(frozen=True)
class Glob:
    """One compiled wildmatch pattern; ``match`` is ``wildmatch(pattern, text, WM_PATHNAME)``.

    Without ``WM_PATHNAME`` (git's basename matching) the only difference is that ``*``
    and ``?`` may match ``/``, which a basename never holds, so one matcher serves both.
    """

    pattern: bytes
    _regex: re.Pattern[bytes] | None
    _automaton: _Automaton | None

    @classmethod
    def compile(cls, pattern: bytes) -> Glob:
        try:
            tokens = _tokenize(pattern)
        except _Malformed:
            return cls(pattern, None, None)
        if sum(token.kind in _VARIABLE for token in tokens) <= 1:
            return cls(pattern, _regex(tokens), None)
        return cls(pattern, None, _Automaton(tokens))

    def match(self, text: bytes) -> bool:
        if self._regex is not None:
            return self._regex.fullmatch(text) is not None
        if self._automaton is not None:
            return self._automaton.matches(text)
        return False  # malformed: git aborts, nothing matches
