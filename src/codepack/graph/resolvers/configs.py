"""Readers for the configuration files resolvers consult (tsconfig.json, package.json,
composer.json, go.mod, Cargo.toml).

Real repositories hold broken, commented and half-written config files; a reader here never
raises: it returns an empty result and the resolver falls back to path conventions.
"""

from __future__ import annotations

import json
import re
import tomllib
from typing import Any


def _string_end(text: str, start: int) -> int:
    """Index just past the JSON string opening at ``start``."""
    end = start + 1
    while end < len(text) and text[end] != '"':
        end += 2 if text[end] == "\\" else 1
    return end + 1


def strip_json_comments(text: str) -> str:
    """Remove ``//`` and ``/* */`` comments and trailing commas outside strings: the JSONC
    dialect tsconfig.json and jsconfig.json are written in."""
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:  # pass 1: comments
        if text[i] == '"':
            end = _string_end(text, i)
            out.append(text[i:end])
            i = end
        elif text.startswith("//", i):
            newline = text.find("\n", i)
            i = n if newline < 0 else newline
        elif text.startswith("/*", i):
            close = text.find("*/", i + 2)
            i = n if close < 0 else close + 2
        else:
            out.append(text[i])
            i += 1
    text = "".join(out)
    out, i, n = [], 0, len(text)
    while i < n:  # pass 2: trailing commas
        if text[i] == '"':
            end = _string_end(text, i)
            out.append(text[i:end])
            i = end
            continue
        if text[i] == ",":
            rest = i + 1
            while rest < n and text[rest] in " \t\r\n":
                rest += 1
            if rest < n and text[rest] in "]}":
                i += 1
                continue
        out.append(text[i])
        i += 1
    return "".join(out)


def load_json(text: str | None) -> dict[str, Any]:
    """A JSON object from strict or commented JSON; {} when unreadable or not an object."""
    if not text:
        return {}
    text = text.lstrip("\ufeff")
    for candidate in (text, strip_json_comments(text)):
        try:
            value = json.loads(candidate)
        except ValueError:
            continue
        return value if isinstance(value, dict) else {}
    return {}


def load_toml(text: str | None) -> dict[str, Any]:
    """A TOML document; {} when unreadable."""
    if not text:
        return {}
    try:
        return tomllib.loads(text.lstrip("\ufeff"))
    except (tomllib.TOMLDecodeError, ValueError):
        return {}


_GO_MODULE = re.compile(r"^\s*module\s+(\"[^\"]+\"|`[^`]+`|\S+)", re.MULTILINE)


def go_module_path(text: str | None) -> str | None:
    """The module path a go.mod declares (``module github.com/x/y``), or None."""
    if not text:
        return None
    match = _GO_MODULE.search(text)
    if match is None:
        return None
    path = match.group(1).strip('"`')
    return path.split("//", 1)[0].strip() or None


def as_str_list(value: Any) -> list[str]:
    """A config value that may be a string or a list of strings, as a list of strings."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []
