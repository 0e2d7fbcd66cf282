"""The ignore-rule engine: gitignore files and ``--include``/``--exclude``, matched as git does.

Every input kind (folders, archives, records, git revisions) and both user filters go through
the one ``PatternList`` here, so a rule selects the same files whatever container a repository
arrives in. Patterns compile to ``wildmatch.Glob``, linear in the path: an ignore file is
untrusted input and must not be able to make the walk backtrack exponentially.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from codepack.inputs.wildmatch import Glob

# An ignore file larger than this is not a hand-written .gitignore; read only its head.
IGNORE_FILE_MAX_BYTES = 1024 * 1024


def _trim_trailing_spaces(line: bytes) -> bytes:
    """Git's ``trim_trailing_spaces``: drop trailing spaces that no backslash escapes."""
    last_space: int | None = None
    i = 0
    while i < len(line):
        byte = line[i]
        if byte == 0x20:
            if last_space is None:
                last_space = i
        elif byte == 0x5C:  # backslash: the next byte is escaped, whatever it is
            i += 1
            if i >= len(line):
                return line
            last_space = None
        else:
            last_space = None
        i += 1
    return line if last_space is None else line[:last_space]


def ignore_lines(data: bytes) -> list[str]:
    """The lines of an ignore file as git splits them.

    A UTF-8 byte order mark is skipped, lines end at ``\n`` only (one ``\r`` before it
    goes too), and undecodable bytes survive as surrogates so patterns stay byte-exact.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    lines = data.split(b"\n")
    return [(line[:-1] if line.endswith(b"\r") else line).decode("utf-8", "surrogateescape")
            for line in lines]


_GLOB_SPECIAL = frozenset(b"*?[\\")


@dataclass(frozen=True)
class IgnoreRule:
    """One gitignore line, matched as git's ``match_basename`` / ``match_pathname`` do.

    ``literal`` is the pattern's head before its first glob character (git compares it as
    plain bytes, and then matches only the rest with wildmatch, so a ``**`` right after the
    head counts as bounded by the start: ``foo**/bar`` matches ``foox/y/bar`` in git too);
    ``rest`` is None when the whole pattern is literal. ``suffix`` is set for a ``*.ext``
    style basename pattern, which git (and this) matches with a plain ``endswith``.
    """

    literal: bytes
    rest: Glob | None
    basename: bool  # no '/' in the pattern: it matches a path's last component
    dir_only: bool  # trailing '/': folders only
    ignore: bool  # False for a ``!`` line
    suffix: bytes | None = None

    def matches(self, path: bytes, name: bytes) -> bool:
        """Whether the rule matches ``path`` (relative to its folder; last component ``name``)."""
        text = name if self.basename else path
        if self.suffix is not None:
            return text.endswith(self.suffix)
        if self.rest is None:
            return text == self.literal
        return text.startswith(self.literal) and self.rest.match(text[len(self.literal) :])


def parse_ignore_line(raw: str) -> IgnoreRule | None:
    """Git's ``parse_path_pattern`` for one line; None for a line git skips (blank, comment).

    The matcher is ``wildmatch.Glob``, linear in the path for every pattern: an ignore file
    is untrusted input and must not be able to make the walk backtrack exponentially.
    """
    try:
        line = raw.encode("utf-8", "surrogateescape")  # the file's own bytes
    except UnicodeEncodeError:  # a lone surrogate given through the API: no byte stands for it
        line = raw.encode("utf-8", "surrogatepass")
    if not line or line.startswith(b"#"):
        return None
    line = _trim_trailing_spaces(line)
    ignore = not line.startswith(b"!")
    if not ignore:
        line = line[1:]
    dir_only = line.endswith(b"/")
    if dir_only:
        line = line[:-1]  # only one slash: git keeps "a//" as "a/", which matches nothing
    if not line:
        return None
    basename = b"/" not in line
    if line.startswith(b"/"):
        line = line[1:]
    head = 0
    while head < len(line) and line[head] not in _GLOB_SPECIAL:
        head += 1
    suffix = None
    if basename and line.startswith(b"*") and _GLOB_SPECIAL.isdisjoint(line[1:]):
        suffix = line[1:]
    rest = Glob.compile(line[head:]) if head < len(line) else None
    return IgnoreRule(line[:head], rest, basename, dir_only, ignore, suffix)


@dataclass(frozen=True)
class PatternList:
    """One gitignore-style pattern list, applied the way git applies it.

    Git matches a path against each pattern *exactly* (a folder by its path without a
    trailing slash), lets a trailing-slash pattern match folders only, and never looks below
    an ignored folder (the walker prunes it), so ``tmp/**`` does not ignore the folder
    ``tmp`` itself and a later ``!tmp/keep.py`` works. Within one list the last matching
    line wins.
    """

    base: str  # folder the patterns are relative to ("" = repository root)
    newest_first_for_dirs: tuple[IgnoreRule, ...]  # every rule, last line first
    newest_first_for_files: tuple[IgnoreRule, ...]  # the rules without a trailing slash

    @classmethod
    def parse(cls, base: str, lines: Iterable[str]) -> PatternList:
        compiled = (parse_ignore_line(line) for line in lines)
        rules = tuple(rule for rule in compiled if rule is not None)[::-1]
        return cls(base, rules, tuple(rule for rule in rules if not rule.dir_only))

    def verdict(self, rel: str, is_dir: bool) -> bool | None:
        """True = ignored, False = re-included by a negation, None = no pattern matches."""
        sub = rel[len(self.base) + 1 :] if self.base else rel
        path = sub.encode("utf-8", "surrogateescape")
        name = path.rpartition(b"/")[2]
        for rule in self.newest_first_for_dirs if is_dir else self.newest_first_for_files:
            if rule.matches(path, name):
                return rule.ignore
        return None

    def selects(self, rel: str) -> bool:
        """Whether an ``--include`` list selects a file, by its own path or a folder above it.

        Folders are not pruned by ``--include`` (a pattern may select files deep below a
        folder it does not name), so a folder pattern such as ``src/`` is checked against
        each ancestor here; the deepest verdict wins, so ``src/`` with ``!src/gen/`` works.
        Every walker (folders, archives, records, git) asks this, so they select alike.
        """
        state: bool | None = None
        parts = rel.split("/")
        for depth in range(1, len(parts)):
            verdict = self.verdict("/".join(parts[:depth]), is_dir=True)
            if verdict is not None:
                state = verdict
        verdict = self.verdict(rel, is_dir=False)
        return bool(state if verdict is None else verdict)


@dataclass(frozen=True)
class IgnoreStack:
    """The ignore files that apply inside one folder, outermost first.

    Git's precedence: a deeper ``.gitignore`` overrides a shallower one, every ``.gitignore``
    overrides ``.git/info/exclude``, and within a file the last matching line wins.
    """

    layers: tuple[PatternList, ...] = ()

    def push(self, patterns: PatternList) -> IgnoreStack:
        return IgnoreStack((*self.layers, patterns))

    def ignores(self, rel: str, is_dir: bool) -> bool:
        for layer in reversed(self.layers):
            verdict = layer.verdict(rel, is_dir)
            if verdict is not None:
                return verdict
        return False


def read_ignore_file(path: str | Path) -> list[str]:
    """The lines of an ignore file on disk (its first ``IGNORE_FILE_MAX_BYTES``); OSError passes."""
    with open(path, "rb") as handle:
        return ignore_lines(handle.read(IGNORE_FILE_MAX_BYTES))
