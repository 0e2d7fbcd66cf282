"""The per-file scan chain: an ordered tuple of small steps over plain records.

Every file a repository yields goes through :data:`SCAN_STEPS` in order. A step takes a
:class:`FileRecord` and returns either the record (changed or not) for the next step, or a
:class:`~codepack.records.SkippedFile` that ends the chain for that file with its reason::

    (path, bytes) ─► classify ─► quality ─► decontaminate ─► secrets ─► extract ─► SourceFile
                        │           │             │              │           │
                        └───────────┴─────────────┴──────────────┴───────────┴─► SkippedFile

The chain is the same for every configuration: a step whose option is off returns the
record untouched, so the chain a library user sees is the chain every run uses. To reorder
or extend it, pass another tuple as ``steps`` to :func:`codepack.run.pipeline.scan_repo` (or
:func:`codepack.api.scan_files`); a custom step is any function with the
:data:`ScanStep` signature. ``classify_file`` must come first: it decodes the bytes into the
``text`` the later steps read.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace

from codepack.config import PackConfig
from codepack.dedup import plan as dedup
from codepack.graph.languages.extract import Extraction, extract_file
from codepack.graph.languages.registry import language_for_path
from codepack.graph.resolve import NAMEABLE_SKIPS
from codepack.records import Drop, SkippedFile, SkipReason, SourceFile
from codepack.scan import classify, filters, secrets


@dataclass(slots=True)
class FileRecord:
    """One file on its way through the scan chain.

    A step that changes a file sets its fields and returns the same record: the chain runs
    once per file of the corpus, where a copy per step would cost more than a small step.

    ``data`` is the file as read; ``language`` and ``text`` are set by ``classify_file``.
    ``redactions``/``redacted`` say what the secrets step replaced (``redacted`` is audited
    only if the file is kept); ``extraction`` is what ``extract_imports`` read.
    """

    path: str
    data: bytes
    language: str = ""
    text: str = ""
    redactions: int = 0
    redacted: Drop | None = None
    extraction: Extraction | None = None
    generated: str = ""  # why the file counts as generated, when ``--generated`` keeps it


@dataclass(frozen=True, slots=True)
class ScanContext:
    """What every step of one repository's scan may read: its name, the run's config and
    the per-process decontamination index (``None`` without ``--decontaminate``)."""

    repo: str
    config: PackConfig
    decontaminator: filters.Decontaminator | None = None


ScanStep = Callable[[FileRecord, ScanContext], "FileRecord | SkippedFile"]


# ---------------------------------------------------------------------------------------------
# the steps


def classify_file(record: FileRecord, context: ScanContext) -> FileRecord | SkippedFile:
    """Decide the language and decode the text, or skip (binary, generated, minified,
    vendored, too large, excluded language, ...)."""
    config = context.config
    decided = classify.classify(record.path, record.data, config.scan, config.quality)
    if isinstance(decided, SkippedFile):
        return with_header(decided, record.data)
    record.language, record.text = decided
    if config.scan.generated != "skip":  # kept for now; the pack stage decides
        record.generated = classify.generated_reason(record.path, record.text,
                                                     record.language) or ""
    return record


def check_quality(record: FileRecord, context: ScanContext) -> FileRecord | SkippedFile:
    """Skip a file the quality filter rejects (too little alphanumeric content, ...)."""
    quality = context.config.quality
    if not quality.enabled:
        return record
    reason = filters.quality_reason(record.text, record.language, quality)
    if reason is None:
        return record
    return with_header(SkippedFile(record.path, SkipReason.LOW_QUALITY, reason), record.data)


def check_contamination(record: FileRecord, context: ScanContext) -> FileRecord | SkippedFile:
    """Skip a file that shares an n-gram with a ``--decontaminate`` benchmark."""
    if context.decontaminator is None:
        return record
    matched = context.decontaminator.check(record.text)
    if matched is None:
        return record
    return with_header(SkippedFile(record.path, SkipReason.CONTAMINATED, matched), record.data)


def handle_secrets(record: FileRecord, context: ScanContext) -> FileRecord | SkippedFile:
    """``--secrets drop``: skip a file with a secret; ``redact``: replace each one (found
    and replaced in one pass); ``off``: nothing."""
    mode = context.config.hygiene.secrets
    if mode == "drop":
        findings = secrets.scan(record.text, record.path)
        if not findings:
            return record
        kinds = ",".join(sorted({f.kind for f in findings}))
        return with_header(SkippedFile(record.path, SkipReason.SECRETS, kinds), record.data)
    if mode == "redact":
        text, findings = secrets.redact(record.text, record.path)
        if not findings:
            return record
        kinds = ",".join(sorted({f.kind for f in findings}))
        record.text, record.redactions = text, len(findings)
        record.redacted = Drop(context.repo, record.path, "secrets", "redacted", kinds)
        return record
    return record


def extract_imports(record: FileRecord, context: ScanContext) -> FileRecord | SkippedFile:
    """Read imports, declarations and the parse-error flag; skip a file past a complexity
    limit (its imports could not be read in bounded time)."""
    extraction = extract_file(record.text, record.language, context.config.scan.import_lines)
    if extraction.too_complex is not None:
        return SkippedFile(record.path, SkipReason.TOO_COMPLEX, extraction.too_complex,
                           record.language)
    record.extraction = extraction
    return record


SCAN_STEPS: tuple[ScanStep, ...] = (
    classify_file,
    check_quality,
    check_contamination,
    handle_secrets,
    extract_imports,
)


# ---------------------------------------------------------------------------------------------
# running the chain


def run_steps(
    record: FileRecord, context: ScanContext, steps: tuple[ScanStep, ...] = SCAN_STEPS
) -> FileRecord | SkippedFile:
    """``record`` through ``steps`` in order, stopping at the first skip."""
    for step in steps:
        outcome = step(record, context)
        if isinstance(outcome, SkippedFile):
            return outcome
        record = outcome
    return record


def source_file(record: FileRecord, context: ScanContext) -> SourceFile:
    """The kept file a record has become at the end of the chain (no ``extraction``: a
    chain without ``extract_imports`` reads no imports)."""
    extraction = record.extraction
    hash_content = context.config.hygiene.dedup != "off"
    return SourceFile(
        path=record.path,
        language=record.language,
        text=record.text,
        n_bytes=len(record.data),
        content_hash=dedup.content_hash(record.text) if hash_content else "",
        imports=extraction.imports if extraction else (),
        parse_error=extraction.parse_error if extraction else False,
        redactions=record.redactions,
        declarations=extraction.declarations if extraction else (),
        generated=record.generated,
    )


# ---------------------------------------------------------------------------------------------
# a skipped file's header


HEADER_BYTES = 4096  # where package clauses, namespaces and Go build constraints live
# Languages whose resolvers read declarations (Go build constraints and package, JVM packages,
# C#/PHP namespaces and classes); for the others a skipped file's path is all they use.
_DECLARING = frozenset({"go", "java", "kotlin", "scala", "csharp", "php"})
# Go's header ends with the package clause: constraints must come before it.
_GO_PACKAGE_LINE = re.compile(rb"^package[ \t]+\w+[^\n]*$", re.M)


def with_header(skip: SkippedFile, data: bytes) -> SkippedFile:
    """``skip`` with the language its name gives and the declarations its header makes,
    when it is a file imports can name: Go build constraints and package/namespace names let
    the resolver judge a skipped file as it judges a packed one. Only the header is parsed
    (at most ``HEADER_BYTES``; a Go file up to its package clause), so a megabyte of
    generated tables costs a fraction of a millisecond."""
    language = language_for_path(skip.path)
    if skip.reason not in NAMEABLE_SKIPS or language is None:
        return skip
    if language.name not in _DECLARING:
        return replace(skip, language=language.name)
    head = data[:HEADER_BYTES]
    package = _GO_PACKAGE_LINE.search(head) if language.name == "go" else None
    if package is not None:
        head = head[: package.end()]
    elif len(data) > HEADER_BYTES:
        head = head[: head.rfind(b"\n") + 1]  # a cut line could read as another statement
    extraction = extract_file(head.decode("utf-8", "replace"), language.name)
    return replace(skip, language=language.name, declarations=extraction.declarations)


__all__ = [
    "SCAN_STEPS",
    "FileRecord",
    "ScanContext",
    "ScanStep",
    "check_contamination",
    "check_quality",
    "classify_file",
    "extract_imports",
    "handle_secrets",
    "run_steps",
    "source_file",
    "with_header",
]
