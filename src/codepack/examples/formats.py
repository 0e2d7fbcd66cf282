r"""Output formats: how files are laid out inside one training example.

A :class:`Format` is data: a repository header, a header per file, the separator between
files, an end marker and the three fill-in-the-middle sentinels. Every built-in format is one
instance of it, and a user template is read into the same shape, so the cutter, the FIM
transform and the token accounting never branch on a format's name.

Rendered example = ``repo_header + separator.join(file_header + body for each file) + end``,
where ``body`` is the file's content, FIM-transformed or not. The path header always stays
outside the FIM block (as in the CodeGemma report's figure), so a model sees the path of the
file it is filling in.

Built-in formats (``end`` is empty in all of them on purpose: training pipelines append their
tokenizer's EOS when they tokenize - Megatron's ``--append-eod``, datatrove, nanotron - and a
second one written into the text would be counted twice; a template can set ``end``):

- ``codegemma``: ``path\n`` + content per file, files joined by ``<|file_separator|>``;
  FIM ``<|fim_prefix|>`` ``<|fim_suffix|>`` ``<|fim_middle|>``.
- ``starcoder2``: ``<repo_name>repo<file_sep>path\ncode<file_sep>path\ncode``;
  FIM ``<fim_prefix>`` ``<fim_suffix>`` ``<fim_middle>``.
- ``qwen2.5``: ``<|repo_name|>repo\n<|file_sep|>path\ncode\n<|file_sep|>path\ncode``;
  FIM as codegemma.
- ``deepseek``: ``# path\ncode\n// path\ncode`` (a comment in each file's language);
  FIM ``<｜fim▁begin｜>`` ``<｜fim▁hole｜>`` ``<｜fim▁end｜>``.
- ``plain``: contents joined by ``\n`` (a blank line after files that end in a newline, as
  nearly all do); no headers, no special tokens, so never FIM.

StarCoder2 includes repository metadata with a probability (``repo_metadata_rate``, 0.5 in
the StarCoder2 paper). The paper's metadata is the repository name *and* the file paths:
without it an example is ``<file_sep>code1<file_sep>code2``. We follow the paper: an example
without metadata loses both (``bare_file_header``). The decision is made per example, seeded
from (seed, repo, example_index). StarCoder2 put the path inside the FIM block; we keep it
outside for every format, as CodeGemma does, so FIM means the same thing in every format.

DeepSeek-Coder heads each file with a comment naming its path, in the file's own comment
syntax (``# a/b.py``, ``// a/b.go``, ``/* a/b.css */`` where a language has only block
comments). Its FIM sentinels are ``<｜fim▁begin｜>`` (prefix), ``<｜fim▁hole｜>`` (suffix) and
``<｜fim▁end｜>`` (middle), i.e. PSM is begin-prefix-hole-suffix-end-middle.

Template files (``format = "template"``, ``template = path``) are TOML (or JSON when the file
name ends in ``.json``) with these string keys, all optional::

    name = "mymodel"                      # recorded in the manifest
    repo_header = "<repo>{repo}\n"        # once, at the start of an example
    file_header = "<file path={path} lang={language}>\n"
    bare_file_header = "<file>\n"         # if set: header used in examples without metadata
    separator = "\n"                      # between two files
    end = "</s>"                          # after the last file
    fim_prefix = "<PRE>"                  # the three FIM sentinels: all set, or none
    fim_suffix = "<SUF>"
    fim_middle = "<MID>"

Values are Python format strings: ``{repo}`` may be used in the headers, ``{path}``,
``{language}`` and ``{path_comment}`` (the path as a comment in the file's language) in the
file headers; ``{{`` and ``}}`` are literal braces. When ``bare_file_header`` is set, examples
carry the repository header and paths with probability ``repo_metadata_rate``, as StarCoder2.
Unknown keys, non-string values, unknown placeholders and half-set FIM sentinels are errors.
"""

from __future__ import annotations

import json
import string
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

from codepack.config import ExampleConfig
from codepack.graph.languages.registry import BY_NAME


class FormatError(ValueError):
    """A template or format name that cannot be used, with a message saying why."""


@dataclass(frozen=True)
class Format:
    """Everything that decides how an example's text looks around the code itself."""

    name: str
    repo_header: str = ""  # may use {repo}
    file_header: str = "{path}\n"  # may use {repo} {path} {language} {path_comment}
    separator: str = ""  # between two files
    end: str = ""  # after the last file
    fim_prefix: str = ""
    fim_suffix: str = ""
    fim_middle: str = ""
    # header used in examples drawn without metadata (then the repo header is left out too);
    # None: every example carries metadata
    bare_file_header: str | None = None
    metadata_rate: float = 1.0  # probability that an example carries metadata

    @property
    def has_fim(self) -> bool:
        """Whether this format can express fill-in-the-middle at all."""
        return bool(self.fim_prefix)

    @property
    def fim_sentinels(self) -> tuple[str, str, str]:
        return (self.fim_prefix, self.fim_suffix, self.fim_middle)

    @property
    def varies_metadata(self) -> bool:
        """Whether examples differ in carrying the repository name and paths."""
        return self.bare_file_header is not None and self.metadata_rate < 1.0

    def render_repo_header(self, repo: str, metadata: bool = True) -> str:
        if not metadata and self.bare_file_header is not None:
            return ""
        return self.repo_header.format(repo=_one_line(repo))

    def render_file_header(
        self, path: str, language: str, repo: str = "", metadata: bool = True
    ) -> str:
        template = self.file_header
        if not metadata and self.bare_file_header is not None:
            template = self.bare_file_header
        clean = _one_line(path)
        return template.format(
            repo=_one_line(repo),
            path=clean,
            language=language,
            path_comment=path_comment(clean, language),
        )

    def render(
        self, repo: str, files: Sequence[tuple[str, str, str]], metadata: bool = True
    ) -> str:
        """The example text for ``files`` given as ``(path, language, body)``."""
        blocks = [
            self.render_file_header(path, language, repo, metadata) + body
            for path, language, body in files
        ]
        return self.render_repo_header(repo, metadata) + self.separator.join(blocks) + self.end

    def body_spans(
        self, repo: str, files: Sequence[tuple[str, str, str]], metadata: bool = True
    ) -> list[tuple[int, int]]:
        """Where each body lies in ``render(repo, files, metadata)``, as code-point offsets.

        Stored with every row so a file can be cut back out of an example exactly, in any
        format - even ``plain``, whose text alone does not say where one file ends.
        """
        spans = []
        at = len(self.render_repo_header(repo, metadata))
        for i, (path, language, body) in enumerate(files):
            if i:
                at += len(self.separator)
            at += len(self.render_file_header(path, language, repo, metadata))
            spans.append((at, at + len(body)))
            at += len(body)
        return spans


def path_comment(path: str, language: str) -> str:
    """``path`` as a comment in ``language``: its line comment, else its block comment."""
    lang = BY_NAME.get(language)
    if lang is not None and lang.line_comment:
        return f"{lang.line_comment} {path}"
    if lang is not None and lang.block_comment:
        opening, closing = lang.block_comment
        return f"{opening} {path} {closing}"
    return f"# {path}"


def _one_line(value: str) -> str:
    """A path or name made safe for a one-line header (a newline would end a comment)."""
    if "\n" not in value and "\r" not in value:
        return value
    return value.replace("\r", "\\r").replace("\n", "\\n")


_CODEGEMMA_FIM = {
    "fim_prefix": "<|fim_prefix|>",
    "fim_suffix": "<|fim_suffix|>",
    "fim_middle": "<|fim_middle|>",
}

BUILTIN_FORMATS: dict[str, Format] = {
    "codegemma": Format(
        "codegemma", file_header="{path}\n", separator="<|file_separator|>", **_CODEGEMMA_FIM
    ),
    "starcoder2": Format(
        "starcoder2",
        repo_header="<repo_name>{repo}",
        file_header="<file_sep>{path}\n",
        bare_file_header="<file_sep>",
        metadata_rate=0.5,
        fim_prefix="<fim_prefix>",
        fim_suffix="<fim_suffix>",
        fim_middle="<fim_middle>",
    ),
    "qwen2.5": Format(
        "qwen2.5",
        repo_header="<|repo_name|>{repo}\n",
        file_header="<|file_sep|>{path}\n",
        separator="\n",
        **_CODEGEMMA_FIM,
    ),
    "deepseek": Format(
        "deepseek",
        file_header="{path_comment}\n",
        separator="\n",
        fim_prefix="<｜fim▁begin｜>",
        fim_suffix="<｜fim▁hole｜>",
        fim_middle="<｜fim▁end｜>",
    ),
    "plain": Format("plain", file_header="", separator="\n"),
}

# which placeholders each template key may use
_HEADER_FIELDS = frozenset({"repo", "path", "language", "path_comment"})
_TEMPLATE_FIELDS: dict[str, frozenset[str]] = {
    "name": frozenset(),
    "repo_header": frozenset({"repo"}),
    "file_header": _HEADER_FIELDS,
    "bare_file_header": _HEADER_FIELDS,
    "separator": frozenset(),
    "end": frozenset(),
    "fim_prefix": frozenset(),
    "fim_suffix": frozenset(),
    "fim_middle": frozenset(),
}


def get_format(config: ExampleConfig) -> Format:
    """The format ``config`` names, with its metadata rate applied.

    Raises :class:`FormatError` for an unknown name or an unusable template.
    """
    if config.format == "template":
        if not config.template:
            raise FormatError("format 'template' needs a template file (--template)")
        fmt = load_template(config.template)
    elif config.format in BUILTIN_FORMATS:
        fmt = BUILTIN_FORMATS[config.format]
    else:
        known = ", ".join([*BUILTIN_FORMATS, "template"])
        raise FormatError(f"unknown format {config.format!r} (known: {known})")
    if fmt.bare_file_header is not None:  # ExampleConfig checked the rate is in [0, 1]
        fmt = replace(fmt, metadata_rate=config.repo_metadata_rate)
    return fmt


def load_template(path: str | Path) -> Format:
    """Read and validate a template file (see the module docstring for its keys).

    Cached per (path, size, mtime): the packer asks for the format once per repository.
    """
    file = Path(path)
    try:
        stat = file.stat()
    except OSError as exc:
        raise FormatError(f"template file not readable: {file}: {exc.strerror}") from exc
    return _load_template_cached(str(file), stat.st_size, stat.st_mtime_ns)


@lru_cache(maxsize=8)
def _load_template_cached(path: str, size: int, mtime_ns: int) -> Format:
    del size, mtime_ns  # cache key only
    file = Path(path)
    try:
        raw = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise FormatError(f"template file not readable: {file}: {exc}") from exc
    try:
        data = json.loads(raw) if file.suffix.lower() == ".json" else tomllib.loads(raw)
    except (json.JSONDecodeError, tomllib.TOMLDecodeError) as exc:
        raise FormatError(f"template {file} is not valid {_syntax(file)}: {exc}") from exc
    if not isinstance(data, dict):
        raise FormatError(f"template {file} must be a table of keys, not {type(data).__name__}")
    return format_from_mapping(data, source=str(file))


def format_from_mapping(data: dict[str, object], source: str = "template") -> Format:
    """Validate template keys and build a :class:`Format` (literal braces unescaped)."""
    unknown = sorted(set(data) - set(_TEMPLATE_FIELDS))
    if unknown:
        allowed = ", ".join(_TEMPLATE_FIELDS)
        raise FormatError(f"{source}: unknown key(s) {', '.join(unknown)} (allowed: {allowed})")
    values: dict[str, str] = {}
    for key, value in data.items():
        if not isinstance(value, str):
            raise FormatError(f"{source}: {key} must be a string, got {type(value).__name__}")
        _check_placeholders(value, _TEMPLATE_FIELDS[key], key, source)
        # keys without placeholders are stored literally ("{{" -> "{") so that rendering
        # them never goes through str.format again
        values[key] = value if _TEMPLATE_FIELDS[key] else value.format()
    sentinels = [values.get(k, "") for k in ("fim_prefix", "fim_suffix", "fim_middle")]
    if any(sentinels) and not all(sentinels):
        raise FormatError(f"{source}: set all of fim_prefix, fim_suffix, fim_middle, or none")
    if all(sentinels) and len(set(sentinels)) != 3:
        raise FormatError(f"{source}: fim_prefix, fim_suffix and fim_middle must differ")
    name = values.pop("name", "") or f"template:{Path(source).name}"
    return Format(
        name=name,
        repo_header=values.get("repo_header", ""),
        file_header=values.get("file_header", ""),
        separator=values.get("separator", ""),
        end=values.get("end", ""),
        fim_prefix=values.get("fim_prefix", ""),
        fim_suffix=values.get("fim_suffix", ""),
        fim_middle=values.get("fim_middle", ""),
        bare_file_header=values.get("bare_file_header"),
    )


def _check_placeholders(value: str, allowed: Iterable[str], key: str, source: str) -> None:
    allowed = set(allowed)
    try:
        parsed = list(string.Formatter().parse(value))
    except ValueError as exc:  # a lone "{" or "}"
        raise FormatError(f"{source}: {key}: {exc} (write {{{{ and }}}} for braces)") from exc
    for _, field, spec, conversion in parsed:
        if field is None:
            continue
        if field not in allowed:
            names = ", ".join("{" + a + "}" for a in sorted(allowed)) or "none"
            raise FormatError(
                f"{source}: {key}: placeholder {{{field}}} not allowed here (allowed: {names})"
            )
        if spec or conversion:
            raise FormatError(f"{source}: {key}: {{{field}}} takes no format spec or conversion")


def _syntax(file: Path) -> str:
    return "JSON" if file.suffix.lower() == ".json" else "TOML"
