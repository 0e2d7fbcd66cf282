"""Go build constraints: which files of a package the ``go`` tool compiles for one target.

A Go import names a package, and the package is the files of its folder *that build*: files
for another OS or architecture (``x_windows.go``, ``//go:build arm64``), files behind a tag
nobody sets (``//go:build ignore``, ``purego``) and ``_test.go`` files are not part of it, and
an import does not depend on them. These are the rules of ``go/build`` (Go 1.17+):

* file names: ``_test.go`` is a test file; ``*_GOOS``, ``*_GOARCH`` and ``*_GOOS_GOARCH``
  before ``.go`` (or before ``_test.go``) restrict the file to that OS/architecture; a name
  starting with ``_`` or ``.`` is ignored. ``unix`` is not a file-name constraint.
* ``//go:build EXPR`` (``&&``, ``||``, ``!``, parentheses) before the package clause, followed
  by a blank line. When a file has one, its ``// +build`` lines are ignored.
* legacy ``// +build A,B C`` lines: space-separated options are ORed, comma-separated terms
  ANDed, ``!`` negates a term, and several lines are ANDed.
* tags: GOOS and GOARCH (``android`` also satisfies ``linux``, ``ios`` ``darwin``, ``illumos``
  ``solaris``), ``unix`` on Unix systems, ``gc`` (the compiler), ``cgo`` when cgo is on,
  ``go1.N`` release tags, and the user's extra tags. Anything else (``ignore``, ``purego``,
  ``race``) is unset.

The scan records a file's constraint lines as declarations (target-independent, so one scan
serves any target); ``codepack.graph.resolvers.golang`` evaluates them here for the target.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

DEFAULT_GO_TARGET = "linux/amd64"

KNOWN_OS = frozenset(
    [
        "aix",
        "android",
        "darwin",
        "dragonfly",
        "freebsd",
        "hurd",
        "illumos",
        "ios",
        "js",
        "linux",
        "nacl",
        "netbsd",
        "openbsd",
        "plan9",
        "solaris",
        "windows",
        "zos",
    ]
)
UNIX_OS = frozenset(
    [
        "aix",
        "android",
        "darwin",
        "dragonfly",
        "freebsd",
        "hurd",
        "illumos",
        "ios",
        "linux",
        "netbsd",
        "openbsd",
        "solaris",
    ]
)
KNOWN_ARCH = frozenset(
    [
        "386",
        "amd64",
        "amd64p32",
        "arm",
        "armbe",
        "arm64",
        "arm64be",
        "loong64",
        "mips",
        "mipsle",
        "mips64",
        "mips64le",
        "mips64p32",
        "mips64p32le",
        "ppc",
        "ppc64",
        "ppc64le",
        "riscv",
        "riscv64",
        "s390",
        "s390x",
        "sparc",
        "sparc64",
        "wasm",
    ]
)
# an OS that also satisfies another OS's tag (GOOS=android builds linux files)
_IMPLIED_OS = {"android": "linux", "ios": "darwin", "illumos": "solaris"}
_RELEASE = re.compile(r"go1\.(\d+)")
_TAG = re.compile(r"[A-Za-z0-9_.]+")


@dataclass(frozen=True)
class GoTarget:
    """The platform a Go build is for, as ``GOOS/GOARCH[,word...]``.

    Words after the platform: ``nocgo`` turns cgo off (files importing ``"C"`` then do not
    build), ``go1.N`` caps the release tags at Go 1.N (default: every release, the newest
    toolchain), anything else is an extra build tag as with ``go build -tags``.
    """

    goos: str = "linux"
    goarch: str = "amd64"
    cgo: bool = True
    release: int | None = None
    tags: frozenset[str] = frozenset()

    @classmethod
    def parse(cls, text: str) -> GoTarget:
        """``linux/amd64``, ``windows/arm64,nocgo``, ``linux/amd64,go1.19,purego``; raises
        ValueError naming what is wrong."""
        platform, *words = [w.strip() for w in text.split(",")]
        goos, _, goarch = platform.partition("/")
        if goos not in KNOWN_OS or goarch not in KNOWN_ARCH:
            raise ValueError(
                f"Go target {text!r}: expected GOOS/GOARCH such as linux/amd64 "
                f"(GOOS one of {', '.join(sorted(KNOWN_OS))}; "
                f"GOARCH one of {', '.join(sorted(KNOWN_ARCH))})"
            )
        cgo, release, tags = True, None, set()
        for word in words:
            release_match = _RELEASE.fullmatch(word)
            if word == "nocgo":
                cgo = False
            elif release_match:
                release = int(release_match.group(1))
            elif _TAG.fullmatch(word):
                tags.add(word)
            else:
                raise ValueError(f"Go target {text!r}: {word!r} is not a build tag")
        return cls(goos, goarch, cgo, release, frozenset(tags))

    def satisfies(self, tag: str) -> bool:
        """Whether build tag ``tag`` is set for this target."""
        if tag in (self.goos, self.goarch, "gc") or tag in self.tags:
            return True
        if tag == _IMPLIED_OS.get(self.goos):
            return True
        if tag == "unix":
            return self.goos in UNIX_OS
        if tag == "cgo":
            return self.cgo
        release = _RELEASE.fullmatch(tag)
        if release:
            return self.release is None or int(release.group(1)) <= self.release
        return False


def is_constraint(comment: str) -> bool:
    """A ``//go:build`` or ``// +build`` line."""
    return comment.startswith("//go:build") or comment[2:].lstrip().startswith("+build")


def is_test_file(path: str) -> bool:
    """A ``_test.go`` file: built only by ``go test``, never part of an imported package."""
    return path.endswith("_test.go")


def name_builds(path: str, target: GoTarget) -> bool:
    """Whether the file name lets ``path`` build for ``target`` (``_test.go`` files never
    do: they are not part of the package an import names)."""
    name = path.rpartition("/")[2]
    if name.startswith(("_", ".")) or not name.endswith(".go") or is_test_file(name):
        return False
    stem = name.partition(".")[0]
    underscore = stem.find("_")
    if underscore < 0:
        return True
    parts = stem[underscore:].split("_")
    if len(parts) >= 2 and parts[-2] in KNOWN_OS and parts[-1] in KNOWN_ARCH:
        return target.satisfies(parts[-2]) and target.satisfies(parts[-1])
    if parts[-1] in KNOWN_OS or parts[-1] in KNOWN_ARCH:
        return target.satisfies(parts[-1])
    return True


def file_builds(
    path: str, declarations: Iterable[str], imports_cgo: bool, target: GoTarget
) -> bool:
    """Whether a non-test Go file is part of its package for ``target``: its name suffix, its
    constraint lines (``declarations`` may hold other header facts, only constraints count)
    and, without cgo, whether it imports ``"C"``."""
    if not name_builds(path, target):
        return False
    lines = [d for d in declarations if is_constraint(d)]
    if lines and not constraints_hold(lines, target):
        return False
    return target.cgo or not imports_cgo


def off_target(
    path: str, declarations: Iterable[str], imports_cgo: bool, target: GoTarget
) -> bool:
    """Whether ``go build``/``go test`` for ``target`` would leave this Go file out.

    Unlike :func:`file_builds` a ``_test.go`` file is judged too, by the same rules applied to
    its name without ``_test`` (``x_windows_test.go`` is built by ``go test`` on windows
    only). Deduplication uses it to keep, of two near-identical per-platform variants
    (``stat_linux.go``, ``stat_darwin.go``), the one the target's import graph runs through.
    """
    if is_test_file(path):
        path = path[: -len("_test.go")] + ".go"
    return not file_builds(path, declarations, imports_cgo, target)


def constraints_hold(lines: Iterable[str], target: GoTarget) -> bool:
    """Whether a file's constraint lines (in file order) let it build for ``target``.

    A malformed line holds (the file is kept: a guess that drops files would lose edges)."""
    lines = list(lines)
    go_build = [line for line in lines if line.startswith("//go:build")]
    if go_build:
        verdict = _go_build_holds(go_build[0][len("//go:build") :], target)
        return True if verdict is None else verdict
    return all(_plus_build_holds(line, target) for line in lines)


def _plus_build_holds(line: str, target: GoTarget) -> bool:
    """``// +build a,!b c``: any option (space) whose terms (comma) all hold."""
    options = line[2:].lstrip()[len("+build") :].split()
    if not options:
        return True
    return any(all(_term_holds(term, target) for term in option.split(",")) for option in options)


def _term_holds(term: str, target: GoTarget) -> bool:
    if term.startswith("!!"):
        return False  # go/build rejects a double negation: the term never holds
    if term.startswith("!"):
        return not target.satisfies(term[1:])
    return target.satisfies(term)


_TOKEN = re.compile(r"\s*(&&|\|\||!|\(|\)|[A-Za-z0-9_.]+)")


def _tokens(expression: str) -> Iterator[str]:
    position = 0
    expression = expression.rstrip()
    while position < len(expression):
        match = _TOKEN.match(expression, position)
        if match is None:
            raise ValueError(expression)
        yield match.group(1)
        position = match.end()


def _go_build_holds(expression: str, target: GoTarget) -> bool | None:
    """Evaluate a ``//go:build`` expression; None when it is malformed."""
    if expression[:1] not in (" ", "\t"):
        return None  # "//go:buildx" is not a constraint line go/build accepts
    try:
        tokens = list(_tokens(expression))
        parser = _Parser(tokens, target)
        value = parser.disjunction()
    except ValueError:
        return None
    return value if parser.done() else None


class _Parser:
    """Recursive descent over ``||`` < ``&&`` < ``!`` < atoms, the grammar of
    ``go/build/constraint``."""

    def __init__(self, tokens: list[str], target: GoTarget) -> None:
        self.tokens = tokens
        self.position = 0
        self.target = target

    def done(self) -> bool:
        return self.position == len(self.tokens)

    def _peek(self) -> str | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def _take(self) -> str:
        token = self._peek()
        if token is None:
            raise ValueError("unexpected end of expression")
        self.position += 1
        return token

    def disjunction(self) -> bool:
        value = self.conjunction()
        while self._peek() == "||":
            self._take()
            value = self.conjunction() or value
        return value

    def conjunction(self) -> bool:
        value = self.negation()
        while self._peek() == "&&":
            self._take()
            value = self.negation() and value
        return value

    def negation(self) -> bool:
        token = self._take()
        if token == "!":
            return not self.negation()
        if token == "(":
            value = self.disjunction()
            if self._take() != ")":
                raise ValueError("missing )")
            return value
        if token in ("&&", "||", ")"):
            raise ValueError(f"unexpected {token}")
        return self.target.satisfies(token)
