"""Credentials known by where they stand: ``password = "..."`` and ``scheme://user:pw@host``.

A password has no format of its own, so no token pattern finds it; its name does. This is
detect-secrets' ``KeywordDetector`` idea, which BigCode left out because it flagged every
``password = "test"`` in test suites. Here the value must also look like a credential:

* names ending in a password word (``password``, ``passwd``, ``pwd``, ``passphrase``, also
  ``DB_PASSWORD``, ``adminPassword``, ``spring.datasource.password``): a value of 8+
  characters without spaces, of at least two character classes one of which is a digit or
  a symbol (``hunter2x``, ``S3cret!pw``), that is no placeholder (``changeme``,
  ``your-password``, ``${PW}``);
* names ending in a secret word (``secret``, ``token``, ``api_key``, ``access_key``,
  ``client_secret``, ``AWS_SECRET_ACCESS_KEY``, ...): a value of 16+ characters with a
  letter and a digit that is not mostly words (``"sk-...``, hex, Base64, UUIDs);
* the value is quoted, in any language's assignment syntax (``=``, ``:``, ``:=``, ``=>``,
  ``==``, a type annotation between, a quoted name: JSON, YAML, PHP arrays and
  ``define('NAME', '...')``); unquoted values count only where they are literals:
  configuration files (``.env``, INI, Java properties, YAML, TOML, Dockerfile, shell) and
  ``export NAME=...``/``ENV NAME=...`` lines, connection strings (``...;Password=...;``),
  and never ``${VAR}``, ``$(cmd)``, ``%(x)s``.
  In code, ``password = get_password()`` is an expression, not a secret.

URL passwords: any ``scheme://user:password@host`` (the user may be empty, as Redis writes
it); the password is any run of characters a URL carries, since people rarely percent-encode
them. Placeholders (``${PASS}``, ``%s``, ``****``) are left alone.

Speed: one C-speed substring scan of the lower-cased text per name word; the name, the
assignment and the value are then matched only at the spots found.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterator

from codepack.scan.secrets.shape import looks_wordy

PASSWORD_KIND = "password_assignment"
SECRET_KIND = "secret_assignment"
URL_PASSWORD_KIND = "basic_auth_password"
ASSIGNMENT_KINDS = frozenset({PASSWORD_KIND, SECRET_KIND})

_PASSWORD_WORDS = r"pass(?:word|wd|phrase|code)?|pwd"
_SECRET_WORDS = (
    r"secret|token|credentials?"
    r"|(?:api|access|secret|private|auth|client|encryption|signing|master|account|license"
    r"|service|session|consumer|storage|admin|deploy)[_.-]?key|apikey"
)
# substrings every name holds (in lower case), and how each name must end
NAME_NEEDLES = ("pass", "pwd", "secret", "token", "credential", "key")
_PASSWORD_NAME = re.compile(rf"(?:{_PASSWORD_WORDS})$")
_SECRET_NAME = re.compile(rf"(?:{_SECRET_WORDS})$")
_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_.-")
_NAME_REST = re.compile(r"[a-z0-9_.-]*")
_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)
# what may follow a name that is assigned: quote, bracket, blank, operator, C# ``{ get; }``
_AFTER_NAME = frozenset("'\"] \t:=,{")

# after the name: a closing quote or bracket, a type annotation (``: str``, ``: &str``,
# ``: String``), a C# property body, then the operator (``,`` only in PHP's define())
_ASSIGNMENT = re.compile(
    r"""(?P<quote>['"]?)\]?[ \t]*"""
    r"""(?::[ \t]*[A-Za-z_&][\w\[\]<>.&|? ]{0,30}?[ \t]*(?==))?"""
    r"""(?:\{[ \t]*get;[ \t]*(?:(?:private[ \t]+)?set;[ \t]*)?\}[ \t]*)?"""
    r"""(?P<op>:=|=>|===?|!==?|[:=,])[ \t]*"""
)
_QUOTED_VALUE = re.compile(r"""(?P<q>['"`])(?P<value>[^'"`\s\\]{8,200})(?P=q)""")
_UNQUOTED_VALUE = re.compile(r"""(?P<value>[^\s'"`,;]{8,200})(?=[ \t]*(?:[\r\n;,&]|$|[ \t]#))""")
# unquoted text that is never a literal value: variables, templates, calls
_EXPRESSION = re.compile(r"[$%@&*!(\[{<].*|.*\(.*\)")
# lines that are configuration wherever they stand (shell exports, Dockerfile ENV)
_CONFIG_LINE = re.compile(r"[ \t]*(?:export|ENV|set|setx)[ \t]", re.IGNORECASE)
# files whose unquoted values are literals (by name or extension)
CONFIG_NAMES = frozenset({"dockerfile", "containerfile", ".npmrc", ".pypirc", ".netrc"})
CONFIG_SUFFIXES = (
    ".env", ".ini", ".cfg", ".conf", ".properties", ".yml", ".yaml", ".toml", ".sh", ".bash",
    ".zsh", ".envrc",
)  # fmt: skip
_PLACEHOLDER_WORDS = (
    "changeme", "change_me", "change-me", "password", "passwd", "secret", "your", "example",
    "placeholder", "redacted", "xxxx", "****", "....", "dummy_", "<", ">", "${", "{{", "%s",
    "%(", "env(", "getenv", "process.env",
)  # fmt: skip


def _classes(value: str) -> int:
    """How many of lower, upper, digit and other characters the value uses."""
    return (
        any(c.islower() for c in value)
        + any(c.isupper() for c in value)
        + any(c.isdigit() for c in value)
        + any(not c.isalnum() for c in value)
    )


def _is_placeholder(value: str) -> bool:
    lowered = value.lower()
    return any(word in lowered for word in _PLACEHOLDER_WORDS) or len(set(value)) < 4


def _plausible_password(value: str) -> bool:
    """Two character classes, one of them a digit or a symbol (``Incorrect`` and
    ``testPass`` are words, not passwords)."""
    return (
        _classes(value) >= 2 and any(not c.isalpha() for c in value) and not _is_placeholder(value)
    )


def _plausible_secret(value: str) -> bool:
    """Random-looking: letters and digits, and not mostly words (``my_service_token_v2``)."""
    if len(value) < 16 or _is_placeholder(value):
        return False
    if not any(c.isdigit() for c in value) or not any(c.isalpha() for c in value):
        return False
    return not looks_wordy(value)


def word_hits(lowered: str) -> dict[str, list[int]]:
    """Where each name word (``pass``, ``pwd``, ``secret``, ``token``, ``credential``,
    ``key``) starts in ``lowered``: one C-speed substring scan per word, shared with the
    other detectors keyed on these words."""
    hits: dict[str, list[int]] = {}
    for needle in NAME_NEEDLES:
        positions = []
        at = lowered.find(needle)
        while at >= 0:
            positions.append(at)
            at = lowered.find(needle, at + len(needle))
        hits[needle] = positions
    return hits


def _names(lowered: str, hits: dict[str, list[int]]) -> Iterator[tuple[int, int, bool]]:
    """(start, end, is_password) of each name ending in a password or secret word, once
    each, in no particular order."""
    seen: set[int] = set()
    for needle in NAME_NEEDLES:
        for at in hits[needle]:
            end = _NAME_REST.match(lowered, at).end()
            # ``pass\n``, ``key)``, ``token(``: no assignment can follow; skipped cheaply
            if end < len(lowered) and lowered[end] in _AFTER_NAME and end not in seen:
                seen.add(end)
                start = at
                while start > 0 and lowered[start - 1] in _NAME_CHARS:
                    start -= 1
                name = lowered[start:end]
                if _PASSWORD_NAME.search(name):
                    yield start, end, True
                elif _SECRET_NAME.search(name):
                    yield start, end, False


def is_config_file(path: str) -> bool:
    """Whether unquoted values in the file are literals (``.env``, YAML, Dockerfile, ...)."""
    name = path.rsplit("/", 1)[-1].lower()
    return name in CONFIG_NAMES or name.endswith(CONFIG_SUFFIXES) or name.startswith(".env")


def _on_config_line(text: str, name_start: int) -> bool:
    """Whether the name stands on an ``export``/``ENV``/``set`` line (shell, Dockerfile)."""
    return _CONFIG_LINE.match(text, text.rfind("\n", 0, name_start) + 1) is not None


def _is_define(lowered: str, name_start: int) -> bool:
    """``define('DB_PASSWORD', '...')`` (PHP): the one place a comma assigns."""
    return lowered.endswith(("define('", 'define("'), 0, name_start)


def _literal(value: str) -> bool:
    """Whether an unquoted configuration value is a literal, not ``${VAR}``/``$(cmd)``/
    ``%(name)s``/``*alias``."""
    return _EXPRESSION.fullmatch(value) is None


def assignment_spans(
    text: str, lowered: str, path: str, hits: dict[str, list[int]] | None = None
) -> Iterator[tuple[int, int, str]]:
    """(start, end, kind) of each credential value assigned to a password or secret name.

    ``lowered`` is ``text.lower()``, shared with the other detectors; the name words are
    searched in it (faster than a case-insensitive search). ``hits`` is ``word_hits
    (lowered)`` when the caller has it already.
    """
    if len(lowered) != len(text):  # lower-casing moved offsets (rare non-ASCII letters)
        lowered, hits = text.translate(_ASCII_LOWER), None
    if hits is None:
        hits = word_hits(lowered)
    config = is_config_file(path)
    for name_start, name_end, is_password in sorted(_names(lowered, hits)):
        if name_start > 0 and text[name_start - 1] in "$@":
            continue  # ``$password``/``@password``: a variable read, not a definition
        assignment = _ASSIGNMENT.match(text, name_end)
        if assignment is None:
            continue
        if assignment.group("op") == "," and not _is_define(lowered, name_start):
            continue
        at = assignment.end()
        value = _QUOTED_VALUE.match(text, at)
        if value is None:
            if assignment.group("op") not in ("=", ":"):
                continue
            in_connection_string = name_start > 0 and text[name_start - 1] == ";"
            if not (config or in_connection_string or _on_config_line(text, name_start)):
                continue  # in code, an unquoted value is an expression
            value = _UNQUOTED_VALUE.match(text, at)
            if value is None or not _literal(value.group("value")):
                continue
        secret = value.group("value")
        if is_password:
            if not _plausible_password(secret):
                continue
            kind = PASSWORD_KIND
        elif not _plausible_secret(secret):
            continue
        else:
            kind = SECRET_KIND
        yield value.start("value"), value.end("value"), kind


# led by the literal "://", which the regex engine finds at C speed
_URL_PASSWORD = re.compile(r"://[^\s:/@'\"`<>]*:(?P<password>[^\s/@'\"`<>]+)@[A-Za-z0-9\[]")


def url_password_spans(text: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, kind) of each password in a ``scheme://user:password@host`` URL."""
    if "://" not in text:
        return
    for match in _URL_PASSWORD.finditer(text):
        password = match.group("password")
        if _is_url_placeholder(password):
            continue
        yield match.start("password"), match.end("password"), URL_PASSWORD_KIND


def _is_url_placeholder(password: str) -> bool:
    return (
        set(password) <= set("*x.")
        or any(marker in password for marker in ("${", "{{", "%s", "%(", "<", "$("))
        or (password.startswith("{") and password.endswith("}"))
        or password.startswith("$")
    )
