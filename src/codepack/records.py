"""Plain, picklable records that flow between codepack's stages.

Every stage is a function over these dataclasses, so an executor (a loop, a process pool,
Ray) only decides *where* a function runs, never what it sees. Nothing here imports
tree-sitter, networkx or pyarrow: the records are the contract between modules that must
not know about each other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class SkipReason(StrEnum):
    """Why an input file did not reach the packer. Every value is counted in the manifest."""

    BINARY = "binary"
    NOT_UTF8 = "not_utf8"
    TOO_LARGE = "too_large"
    EMPTY = "empty"
    VENDORED = "vendored"
    GENERATED = "generated"
    MINIFIED = "minified"
    LOCK_FILE = "lock_file"
    NOT_CODE = "not_code"  # no recognised programming language
    LANGUAGE_EXCLUDED = "language_excluded"  # recognised, but not in --lang
    IGNORED = "ignored"  # .gitignore / .git/info/exclude / --exclude / not --include
    SYMLINK_OUTSIDE = "symlink_outside_repo"
    SYMLINK_LOOP = "symlink_loop"
    SYMLINK_BROKEN = "symlink_broken"
    SPECIAL_FILE = "special_file"  # fifo, socket, device
    UNREADABLE = "unreadable"
    CORRUPT_ARCHIVE = "corrupt_archive"  # damaged archive: members past the damage unreadable
    LOW_QUALITY = "low_quality"  # quality filters (alphanumeric fraction, ...)
    CONTAMINATED = "contaminated"  # shares n-grams with an evaluation set
    SECRETS = "secrets"  # --secrets drop
    TOO_COMPLEX = "too_complex"  # past a per-file nesting/tree/query limit (detail: which)
    DUPLICATE = "duplicate"  # exact duplicate of a surviving file
    DUPLICATE_PATH = "duplicate_path"  # the input lists a path twice; one copy is kept
    NEAR_DUPLICATE = "near_duplicate"  # MinHash near duplicate of a surviving file
    OVERSIZE = "oversize"  # longer than the token budget with --oversize skip
    TOO_FEW_TOKENS = "too_few_tokens"  # example below --min-tokens


@dataclass(frozen=True, slots=True)
class ImportRef:
    """One import statement as written in a source file, before resolution.

    ``spec`` is the specifier exactly as the language names it (``..utils``, ``./a.js``,
    ``github.com/x/y/pkg``, ``foo/bar.h``, ``crate::a::b``, ``com.acme.Foo``). The flags are
    what the dependency graph uses to judge an edge's importance: lazy, type-only and
    conditional imports are how programmers break cycles, so they weigh least.
    """

    spec: str
    line: int  # 1-based line of the statement
    kind: str = "import"  # import|from|require|include|use|mod|using|dynamic|export|...
    names: tuple[str, ...] = ()  # symbols brought in, as written (aliases resolved away)
    relative: bool = False  # resolved against the importing file first
    lazy: bool = False  # inside a function or method body
    type_only: bool = False  # `if TYPE_CHECKING:`, `import type`, ...
    conditional: bool = False  # under if/try/#ifdef, not type-only
    wildcard: bool = False  # `from x import *`, `import a.b.*`, `use a::*`
    system: bool = False  # C/C++ `#include <...>`: searched in include folders only

    def sort_key(self) -> tuple[object, ...]:
        """A total order over imports (by line first), for deterministic output."""
        return (self.line, self.spec, self.kind, self.names, self.relative, self.lazy,
                self.type_only, self.conditional, self.wildcard, self.system)


@dataclass(slots=True)
class SourceFile:
    """A file that passed the scan: decoded text plus everything later stages need."""

    path: str  # posix path relative to the repository root
    language: str
    text: str
    n_bytes: int
    content_hash: str = ""  # hex digest of the normalised content (exact dedup)
    imports: tuple[ImportRef, ...] = ()
    parse_error: bool = False  # tree-sitter reported errors; imports are best effort
    minhash: bytes | None = None  # packed uint32/uint64 signature for near-dedup (optional)
    redactions: int = 0  # secrets/PII replaced in `text`
    # package / namespace names the file declares (Java, Kotlin, Scala, C#, PHP, Go): the
    # resolver maps namespace imports through them
    declarations: tuple[str, ...] = ()
    # why the file counts as generated ("header says ..."), "" when it does not: with
    # ``--generated imported`` it is packed only if the repository's code imports it
    generated: str = ""


@dataclass(frozen=True, slots=True)
class SkippedFile:
    """A file found in a repository that will not be packed, and why.

    A file skipped for its content (generated, minified, too large, ...) is still a file that
    imports can name: ``language`` (from its name) and the ``declarations`` of its header
    (Go build constraints, package/namespace names), when the scan read them, let the resolver
    judge it like a packed file (see ``resolve_repo``'s ``unpacked``).
    """

    path: str
    reason: SkipReason
    detail: str = ""
    language: str = ""
    declarations: tuple[str, ...] = ()


@dataclass(slots=True)
class RepoScan:
    """Result of scanning one repository (the first, per-repository stage).

    ``aux`` holds the few non-code files resolvers need (go.mod, tsconfig.json,
    jsconfig.json, package.json, composer.json, Cargo.toml, ...), path -> text.
    """

    name: str
    files: list[SourceFile] = field(default_factory=list)
    skipped: list[SkippedFile] = field(default_factory=list)
    aux: dict[str, str] = field(default_factory=dict)
    audit: list[Drop] = field(default_factory=list)  # files changed (redacted) during the scan

    @property
    def paths(self) -> list[str]:
        return [f.path for f in self.files]


@dataclass(frozen=True, slots=True)
class Edge:
    """A resolved import: ``src`` imports ``dst`` (so ``dst`` is placed before ``src``)."""

    src: str
    dst: str
    ref: ImportRef
    rule: str = ""  # the resolver rule that found it (``codepack deps`` shows it)


@dataclass(slots=True)
class Resolution:
    """All imports of one repository, resolved to its own files or counted as external."""

    edges: list[Edge] = field(default_factory=list)
    unresolved: list[tuple[str, ImportRef]] = field(default_factory=list)  # (importer, ref)
    # imports resolved to files that exist but are not packed (generated, minified, ...):
    # true dependencies that ``codepack deps`` reports, never part of the order
    unpacked: list[Edge] = field(default_factory=list)


class PlaceReason(StrEnum):
    """Why a file sits where it does in the packed order."""

    DEPENDENCY = "dependency"  # placed by the dependency-graph topological order
    TEST_OF = "test_of"  # placed directly after the file it tests
    ALPHABETICAL = "alphabetical"  # not covered by the graph: alphabetical fallback
    RANDOM = "random"  # --order random


@dataclass(frozen=True, slots=True)
class Placed:
    """One file in the packed order."""

    path: str
    reason: PlaceReason
    subject: str | None = None  # for TEST_OF: the file it tests


@dataclass(slots=True)
class FilePiece:
    """A file, or one line-aligned part of a file longer than the budget, inside an example."""

    path: str
    language: str
    part: int = 0  # 0-based part index when the file was split
    n_parts: int = 1
    reason: str = PlaceReason.ALPHABETICAL.value
    fim: str = "none"  # none|psm|spm
    start: int = 0  # code-point offset of this piece's body in Example.text
    end: int = 0  # ... and just past it


@dataclass(slots=True)
class Example:
    """One training example: one output row."""

    repo: str
    example_index: int
    text: str
    n_tokens: int
    pieces: list[FilePiece] = field(default_factory=list)

    @property
    def paths(self) -> list[str]:
        return [p.path for p in self.pieces]


@dataclass(slots=True)
class Drop:
    """A file removed or changed by a hygiene stage (dedup, decontamination, secrets, quality).

    Written to ``dropped.parquet`` so every removal can be audited.
    """

    repo: str
    path: str
    stage: str  # dedup|decontaminate|secrets|quality|examples
    reason: str  # a SkipReason value, or "redacted" for a changed file
    detail: str = ""  # cluster representative, matched benchmark string, kinds redacted, ...
