"""Issuer-prefixed tokens that detect-secrets 1.5 has no plugin for, or matches only in part.

Each format is a fixed prefix the issuer puts in front of every token (so that scanners like
this one find them) followed by its alphabet and length, from the issuer's documentation.
A match is the whole token: a key whose tail survives is still a leaked key.

Speed: each format has a literal every token holds (``npm_``, ``AIza``, ``:AA``, ...); a
text without it (nearly all of them) costs one C-speed substring scan per format.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

# kind -> (literal every token holds, pattern); each token must stand alone: no token
# character right before or after it
TOKEN_PATTERNS: dict[str, tuple[str, str]] = {
    # the prefix marks every new-format token; the body's length varies by token type
    "github_fine_grained_token": ("_pat_", r"github_pat_[A-Za-z0-9_]{22,}"),
    # (Stripe keys: detect-secrets' plugin, its match extended over the key's whole length)
    "openai_project_key": ("sk-", r"sk-(?:proj|svcacct|admin)-[A-Za-z0-9_-]{40,}"),
    "anthropic_key": ("sk-", r"sk-ant-(?:api|admin)\d{2}-[A-Za-z0-9_-]{80,}"),
    "google_api_key": ("AIza", r"AIza[0-9A-Za-z_-]{35}"),
    "npm_token": ("npm_", r"npm_[A-Za-z0-9]{36}"),
    "docker_hub_token": ("_pat_", r"dckr_pat_[A-Za-z0-9_-]{27,}"),
    "heroku_api_key": ("HRKU-", r"HRKU-[A-Za-z0-9_-]{20,}"),
    "shopify_token": ("shp", r"shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}"),
    "mailgun_key": ("key-", r"key-[0-9a-f]{32}"),
    # bot id, a colon, then the 35-character secret, which Telegram starts with "AA"; API
    # URLs glue it to "bot": https://api.telegram.org/bot<token>/sendMessage
    "telegram_bot_token": (":AA", r"(?:(?<=bot)|(?<![A-Za-z0-9_:-]))\d{8,10}:AA[A-Za-z0-9_-]{33}"),
    # Azure Service Bus / Event Hubs connection strings (detect-secrets finds AccountKey=)
    "azure_shared_access_key": (
        "SharedAccessKey=",
        r"(?<=SharedAccessKey=)[A-Za-z0-9+/]{40,}={0,2}(?![A-Za-z0-9+/=])",
    ),
}
# each literal once, in the order the formats name them
TOKEN_LITERALS = tuple(dict.fromkeys(literal for literal, _ in TOKEN_PATTERNS.values()))
_TOKEN_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
_COMPILED = {
    kind: (literal, re.compile(pattern)) for kind, (literal, pattern) in TOKEN_PATTERNS.items()
}


def token_spans(text: str, absent: frozenset[str] = frozenset()) -> Iterator[tuple[int, int, str]]:
    """(start, end, kind) of every issuer-prefixed token in ``text``.

    A token's literal is looked up first (``in``: a C-speed scan, once per literal shared by
    several formats), and its pattern runs only over a text that holds it; a match glued to
    more token characters is another word. ``absent`` are literals the caller knows the
    text lacks (the prefilter's answer): they are not looked up.
    """
    present: dict[str, bool] = {}
    for kind, (literal, pattern) in _COMPILED.items():
        if literal not in present:
            present[literal] = literal not in absent and literal in text
        if not present[literal]:
            continue
        for match in pattern.finditer(text):
            start, end = match.span()
            if kind != "azure_shared_access_key" and (
                (start > 0 and text[start - 1] in _TOKEN_CHARS and kind != "telegram_bot_token")
                or (end < len(text) and text[end] in _TOKEN_CHARS)
            ):
                continue
            yield start, end, kind
