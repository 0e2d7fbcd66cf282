"""Output formats render exactly as specified; templates are validated."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from codepack.config import ConfigError, ExampleConfig
from codepack.examples.formats import (
    BUILTIN_FORMATS,
    Format,
    FormatError,
    format_from_mapping,
    get_format,
    path_comment,
)
from codepack.graph.languages import registry

TOY = [("pkg/a.py", "python", "A = 1\n"), ("main.go", "go", "package main\n")]


def render(name: str, metadata: bool = True) -> str:
    return get_format(ExampleConfig(format=name)).render("acme/toy", TOY, metadata)


def test_codegemma() -> None:
    assert render("codegemma") == "pkg/a.py\nA = 1\n<|file_separator|>main.go\npackage main\n"


def test_starcoder2_with_and_without_metadata() -> None:
    assert render("starcoder2", metadata=True) == (
        "<repo_name>acme/toy<file_sep>pkg/a.py\nA = 1\n<file_sep>main.go\npackage main\n"
    )
    # without metadata StarCoder2 drops the repository name and the paths
    assert render("starcoder2", metadata=False) == "<file_sep>A = 1\n<file_sep>package main\n"


def test_qwen() -> None:
    assert render("qwen2.5") == (
        "<|repo_name|>acme/toy\n<|file_sep|>pkg/a.py\nA = 1\n\n<|file_sep|>main.go\npackage main\n"
    )


def test_deepseek_heads_files_with_comments_in_their_language() -> None:
    assert render("deepseek") == "# pkg/a.py\nA = 1\n\n// main.go\npackage main\n"


def test_plain_has_no_markup() -> None:
    assert render("plain") == "A = 1\n\npackage main\n"
    assert not BUILTIN_FORMATS["plain"].has_fim


def test_metadata_only_varies_where_the_format_has_a_bare_header() -> None:
    assert render("codegemma", metadata=False) == render("codegemma")
    assert get_format(ExampleConfig(format="starcoder2")).varies_metadata
    assert not get_format(ExampleConfig(format="qwen2.5")).varies_metadata
    always = get_format(ExampleConfig(format="starcoder2", repo_metadata_rate=1.0))
    assert not always.varies_metadata


def test_fim_sentinels() -> None:
    expected = {
        "codegemma": ("<|fim_prefix|>", "<|fim_suffix|>", "<|fim_middle|>"),
        "starcoder2": ("<fim_prefix>", "<fim_suffix>", "<fim_middle>"),
        "qwen2.5": ("<|fim_prefix|>", "<|fim_suffix|>", "<|fim_middle|>"),
        "deepseek": ("<｜fim▁begin｜>", "<｜fim▁hole｜>", "<｜fim▁end｜>"),
        "plain": ("", "", ""),
    }
    for name, sentinels in expected.items():
        assert BUILTIN_FORMATS[name].fim_sentinels == sentinels


def test_path_comment_falls_back_to_block_comments(monkeypatch: pytest.MonkeyPatch) -> None:
    block_only = registry.Language("css", (".css",), "none", line_comment=None)
    monkeypatch.setitem(registry.BY_NAME, "css", block_only)
    assert path_comment("a/b.css", "css") == "/* a/b.css */"
    assert path_comment("lib/x.rb", "ruby") == "# lib/x.rb"
    assert path_comment("x.unknown", "no-such-language") == "# x.unknown"


def test_a_newline_in_a_path_cannot_break_the_header() -> None:
    fmt = BUILTIN_FORMATS["deepseek"]
    assert fmt.render_file_header("odd\nname.py", "python") == "# odd\\nname.py\n"


def test_unknown_format_name() -> None:
    with pytest.raises(FormatError, match="unknown format 'gpt'"):
        get_format(ExampleConfig(format="gpt"))


def test_metadata_rate_is_applied_and_checked() -> None:
    assert get_format(ExampleConfig(format="starcoder2", repo_metadata_rate=0.2)).metadata_rate == (
        0.2
    )
    # a rate outside [0, 1] is refused when the config is built, before any format exists
    with pytest.raises(ConfigError, match="repo_metadata_rate"):
        get_format(ExampleConfig(format="starcoder2", repo_metadata_rate=1.5))


TEMPLATE_TOML = """
name = "mine"
repo_header = "<repo {{{repo}}}>\\n"
file_header = "<file {path} ({language})>\\n{path_comment}\\n"
bare_file_header = "<file>\\n"
separator = "\\n--\\n"
end = "</s>"
fim_prefix = "<PRE>"
fim_suffix = "<SUF>"
fim_middle = "<MID>"
"""


def test_toml_template(tmp_path: Path) -> None:
    path = tmp_path / "fmt.toml"
    path.write_text(TEMPLATE_TOML)
    fmt = get_format(ExampleConfig(format="template", template=str(path)))
    assert fmt.name == "mine"
    assert fmt.fim_sentinels == ("<PRE>", "<SUF>", "<MID>")
    assert fmt.metadata_rate == 0.5  # ExampleConfig's default repo_metadata_rate
    assert fmt.render("r", TOY) == (
        "<repo {r}>\n<file pkg/a.py (python)>\n# pkg/a.py\nA = 1\n"
        "\n--\n<file main.go (go)>\n// main.go\npackage main\n</s>"
    )
    assert fmt.render("r", TOY, metadata=False) == "<file>\nA = 1\n\n--\n<file>\npackage main\n</s>"


def test_json_template_with_literal_braces(tmp_path: Path) -> None:
    path = tmp_path / "fmt.json"
    path.write_text(json.dumps({"file_header": "{path}:\n", "separator": "{{sep}}"}))
    fmt = get_format(ExampleConfig(format="template", template=str(path)))
    assert fmt.name == "template:fmt.json"
    assert not fmt.has_fim
    assert fmt.render("r", TOY) == "pkg/a.py:\nA = 1\n{sep}main.go:\npackage main\n"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ({"fim_prefix": "<P>"}, "set all of fim_prefix"),
        ({"fim_prefix": "<X>", "fim_suffix": "<X>", "fim_middle": "<M>"}, "must differ"),
        ({"file_headr": "{path}"}, "unknown key"),
        ({"end": 3}, "end must be a string"),
        ({"separator": "{path}"}, "placeholder {path} not allowed"),
        ({"repo_header": "{path}"}, "placeholder {path} not allowed"),
        ({"file_header": "{path!r}"}, "no format spec"),
        ({"file_header": "{path"}, "for braces"),
        ({"file_header": "{}"}, "placeholder {} not allowed"),
    ],
)
def test_invalid_templates(content: dict[str, object], message: str) -> None:
    with pytest.raises(FormatError, match=message.replace("{", r"\{").replace("}", r"\}")):
        format_from_mapping(content)


def test_template_file_errors(tmp_path: Path) -> None:
    with pytest.raises(FormatError, match="needs a template file"):
        get_format(ExampleConfig(format="template"))
    with pytest.raises(FormatError, match="not readable"):
        get_format(ExampleConfig(format="template", template=str(tmp_path / "missing.toml")))
    broken = tmp_path / "broken.toml"
    broken.write_text("file_header = ")
    with pytest.raises(FormatError, match="not valid TOML"):
        get_format(ExampleConfig(format="template", template=str(broken)))
    listing = tmp_path / "list.json"
    listing.write_text("[1, 2]")
    with pytest.raises(FormatError, match="must be a table"):
        get_format(ExampleConfig(format="template", template=str(listing)))


def test_format_is_a_frozen_value() -> None:
    fmt = Format("x")
    with pytest.raises(AttributeError):
        fmt.separator = "y"  # type: ignore[misc]
