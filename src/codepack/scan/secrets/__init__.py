"""Secrets and personal data: detection and redaction (BigCode's PII recipe for The Stack).

What is found, and what replaces it:

* keys and tokens -> ``<KEY>``: detect-secrets' plugins from BigCode's list (AWS, Artifactory,
  Azure storage, Cloudant, Discord, GitHub, IBM Cloud IAM / COS HMAC, JWT, Mailchimp, npm,
  SendGrid, Slack, SoftLayer, Stripe, Twilio) plus GitLab, OpenAI and PyPI tokens, and
  high-entropy quoted strings (Base64 > 4.5 bits, hex > 3.0 bits per character); issuer
  formats the plugins lack or cut short (``tokens.py``: GitHub fine-grained, OpenAI
  project, Anthropic, Google API, npm, Docker Hub, Heroku, Telegram, Shopify, Mailgun,
  Azure Service Bus); Stripe, GitHub, GitLab, Discord and JWT matches are extended over the
  whole token;
* private keys -> one ``<KEY>`` for the whole ``BEGIN ... END`` block, whatever the header;
* passwords in URLs (``scheme://user:password@host``) -> ``<PASSWORD>``;
* values assigned to password names -> ``<PASSWORD>``, to secret/token/API-key names ->
  ``<KEY>`` (``assignments.py``: detect-secrets' ``KeywordDetector`` idea, which BigCode
  dropped for its false positives, with stricter value rules); used only where no other
  detector found anything;
* e-mail addresses -> ``<EMAIL>``; public IPv4/IPv6 addresses -> ``<IP_ADDRESS>``.

False-positive guards (code is full of random-looking strings that are not secrets):

* detect-secrets' own heuristics, as BigCode configured them: UUIDs, sequential strings
  (``ABCDEF...``), templated values (``{x}``, ``<x>``, ``${x}``) and ``*_id = "..."`` lines;
* high-entropy strings must look randomly generated: Base64 ones 20-200 characters with a
  digit, an upper- and a lower-case letter and not mostly word-like runs; hex ones 32-128
  characters with between 1/8 and 7/8 letters (not a long decimal number like ``...e0``).
  BigCode used a gibberish model for this; character-class mix is a model-free stand-in;
* hashes and ids: a high-entropy string of a digest's length (MD5/SHA-1/SHA-2, hex or
  Base64) on a line, or after a line, that mentions hash/sha1/md5/digest/commit/uuid/...,
  or in a file in which such words are frequent (BigCode's ``file_has_hashes``), is kept;
  so is hex of a digest's length anywhere unless its line names a secret (git commit ids,
  Cargo/vendored checksums): ``API_TOKEN = "<40 hex>"`` is a token, ``BASE = "<40 hex>"``
  a commit. A random key of another length is a secret even among many digests;
* Base64 that decodes to readable text (test vectors, encoded JSON) is kept, unless it is
  a ``user:password`` pair;
* a ``BEGIN PRIVATE KEY`` marker without a key body (PEM parsers, docs) is kept;
* IPs: private, loopback, link-local, multicast, reserved and documentation ranges are kept
  (127.0.0.1, 0.0.0.0, 10/8, 192.168/16, 192.0.2/24, 2001:db8::/32, ...), as are
  version-like dotted numbers (a one-digit first part and a one-digit second part or no
  three-digit part: 8.2.4.44, 1.2.3.4, 3.14.15.92; unless the text around says dns/server;
  BigCode kept all-single-digit ones) and anything on a line saying ``version``; IPv6
  needs three groups and a global (2000::/3) address;
* e-mails: ``git@host`` (an SSH remote, not a mailbox), ``name@2x.png`` assets and the
  reserved example domains (example.com/.org/.net, .test, .example, .invalid, .local) are
  kept: they are nobody's address.

Speed: each plugin has gates, literal-led regexes every line it flags contains; a text no
gate matches is never given to the plugin, and in one that matches only the lines its
trigger hits are handed to ``analyze_line`` (the entropy plugins: only those with a quoted
string of a generated secret's shape). E-mail and IP regexes likewise start from
``@domain.`` / dotted / colon gates and walk back; issuer tokens and assignment names start
from literals. Which gates a text holds, and where the name words start, one Hyperscan pass
finds (``prefilter.py``); a gate it reports is then searched as before, so it only skips
work. Measured on the CPython stdlib, the planted/benign corpora and against another
checkout: ``benchmarks/secrets.py``.

Findings never contain the secret itself, so audits can be shared.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import re
import string
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache, lru_cache

from detect_secrets.filters.heuristic import (
    is_likely_id_string,
    is_potential_uuid,
    is_sequential_string,
    is_templated_secret,
)
from detect_secrets.plugins.artifactory import ArtifactoryDetector
from detect_secrets.plugins.aws import AWSKeyDetector
from detect_secrets.plugins.azure_storage_key import AzureStorageKeyDetector
from detect_secrets.plugins.base import BasePlugin
from detect_secrets.plugins.cloudant import CloudantDetector
from detect_secrets.plugins.discord import DiscordBotTokenDetector
from detect_secrets.plugins.github_token import GitHubTokenDetector
from detect_secrets.plugins.gitlab_token import GitLabTokenDetector
from detect_secrets.plugins.high_entropy_strings import (
    Base64HighEntropyString,
    HexHighEntropyString,
)
from detect_secrets.plugins.ibm_cloud_iam import IbmCloudIamDetector
from detect_secrets.plugins.ibm_cos_hmac import IbmCosHmacDetector
from detect_secrets.plugins.jwt import JwtTokenDetector
from detect_secrets.plugins.mailchimp import MailchimpDetector
from detect_secrets.plugins.npm import NpmDetector
from detect_secrets.plugins.openai import OpenAIDetector
from detect_secrets.plugins.pypi_token import PypiTokenDetector
from detect_secrets.plugins.sendgrid import SendGridDetector
from detect_secrets.plugins.slack import SlackDetector
from detect_secrets.plugins.softlayer import SoftlayerDetector
from detect_secrets.plugins.stripe import StripeDetector
from detect_secrets.plugins.twilio import TwilioKeyDetector
from detect_secrets.settings import get_settings

from codepack.scan.secrets.assignments import (
    ASSIGNMENT_KINDS,
    NAME_NEEDLES,
    PASSWORD_KIND,
    assignment_spans,
    url_password_spans,
    word_hits,
)
from codepack.scan.secrets.prefilter import Gate, Prefilter, Presence
from codepack.scan.secrets.shape import looks_wordy
from codepack.scan.secrets.tokens import TOKEN_LITERALS, token_spans

KEY = "<KEY>"
PASSWORD = "<PASSWORD>"
EMAIL = "<EMAIL>"
IP_ADDRESS = "<IP_ADDRESS>"

# When two findings overlap, the one with the better (lower) priority wins.
_PRIORITY = {KEY: 0, PASSWORD: 1, EMAIL: 2, IP_ADDRESS: 3}
_VERIFY_FILTER = "detect_secrets.filters.common.is_ignored_due_to_verification_policies"


@dataclass(frozen=True, slots=True)
class Finding:
    """One secret or piece of personal data: what it was and where, never its value."""

    kind: str
    line: int  # 1-based line where it starts
    placeholder: str


@dataclass(frozen=True, slots=True)
class _Span:
    start: int
    end: int
    kind: str
    placeholder: str


@dataclass(frozen=True)
class _Rule:
    """A detect-secrets plugin with the cheap checks that decide where it runs.

    ``gates`` are searched first, over the whole text (or its lower-cased copy when
    ``lower``): they start with a literal, so the regex engine skips ahead at C speed, and a
    text none of them matches is never looked at again. Then ``trigger`` (which every line
    the plugin can flag contains) picks the lines handed to ``plugin.analyze_line``.
    """

    kind: str
    placeholder: str
    plugin: BasePlugin
    trigger: re.Pattern[str]
    gates: tuple[re.Pattern[str], ...]
    lower: bool = False
    entropy: bool = False  # high-entropy plugin: apply the random-looking/hash guards

    @property
    def prefilter_gates(self) -> tuple[Gate, ...]:
        """The gates as the prefilter names them (lower-cased text: caseless)."""
        return tuple(Gate(gate.pattern, self.lower) for gate in self.gates)

    def gated(
        self,
        text: str,
        lowered: str,
        seen: dict[re.Pattern[str], bool],
        presence: Presence,
        keys: tuple[Gate, ...],
    ) -> bool:
        """Whether any gate matches; ``seen`` remembers gates shared by several rules, and
        a gate the prefilter found absent is not searched (``keys`` name the gates)."""
        source = lowered if self.lower else text
        for gate, key in zip(self.gates, keys, strict=True):
            if gate not in seen:
                seen[gate] = presence.may_match(key) and gate.search(source) is not None
            if seen[gate]:
                return True
        return False


# possessive: the closing quote is never inside the run, so giving characters back (the
# default) only wastes time on every long unquoted run; this is the costliest gate
_QUOTED_TOKEN = re.compile(r"""['"][A-Za-z0-9+/=_-]{20,}+['"]""")
# generous form of detect-secrets' ``key"] := "value`` assignment syntax (gates may over-match)
_ASSIGNED = r"['\"\]]{0,2}\s*[:=> ]{1,3}\s*['\"]?"
# IBM Cloud IAM keys: one gate per name word; every word is a credential-name word, so the
# gates are checked at that scan's hits instead of by scans of their own
_IBM_GATES = {
    word: re.compile(word + _ASSIGNED + r"[\w-]{44}") for word in ("key", "pwd", "pass", "token")
}


def _compile(*patterns: str, flags: int = 0) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p, flags) for p in patterns)


@dataclass(frozen=True)
class _Spec:
    """How to run one key plugin: gates (on lower-cased text when ``lower``), and the
    trigger (case-insensitive when ``lower``)."""

    kind: str
    plugin: type[BasePlugin]
    gates: tuple[str, ...]
    trigger: str
    lower: bool = False


_SPECS: tuple[_Spec, ...] = (
    _Spec("aws_key", AWSKeyDetector, ("aws",), "aws", lower=True),
    _Spec("aws_key", AWSKeyDetector, ("A(?:3T|BIA|CCA|KIA|SIA)",), "A(?:3T|BIA|CCA|KIA|SIA)"),
    _Spec("artifactory_token", ArtifactoryDetector, ("AKC", r"AP[\dA-F]"), r"AKC|AP[\dA-F]"),
    _Spec("azure_storage_key", AzureStorageKeyDetector, ("AccountKey=",), "AccountKey="),
    _Spec("cloudant_credentials", CloudantDetector,
          (r"cl(?:ou|oudant)?[-_]?(?:api)?(?:key|pw|pass|token)", r"cloudant\.com"),
          r"cl(?:ou|oudant)?[-_]?(?:api)?(?:key|pw|pass|token)|cloudant\.com", lower=True),
    _Spec("discord_token", DiscordBotTokenDetector, (r"\.[\w-]{6}\.[\w-]{27}",), r"\.[\w-]{6}\."),
    _Spec("github_token", GitHubTokenDetector, ("gh[pousr]_",), "gh[pousr]_"),
    _Spec("gitlab_token", GitLabTokenDetector, ("gl[a-z]{2,5}-", "GR1348941"),
          "gl[a-z]{2,5}-|GR1348941"),
    _Spec("ibm_cloud_iam_key", IbmCloudIamDetector,
          tuple(gate.pattern for gate in _IBM_GATES.values()),
          "(?:key|pwd|pass|token)" + _ASSIGNED + r"[\w-]{44}", lower=True),
    _Spec("ibm_cos_hmac", IbmCosHmacDetector, ("secret[-_]?(?:access)?[-_]?key",),
          "secret[-_]?(?:access)?[-_]?key", lower=True),
    _Spec("jwt", JwtTokenDetector, ("eyJ",), "eyJ"),
    _Spec("mailchimp_key", MailchimpDetector, (r"-us\d",), r"-us\d"),
    _Spec("npm_token", NpmDetector, ("_authToken",), "_authToken"),
    _Spec("openai_key", OpenAIDetector, ("T3BlbkFJ",), "T3BlbkFJ"),
    _Spec("pypi_token", PypiTokenDetector, ("pypi-AgE",), "pypi-AgE"),
    _Spec("sendgrid_key", SendGridDetector, (r"SG\.[\w-]{22}\.",), r"SG\."),
    _Spec("slack_token", SlackDetector, ("xox[abposr]-", r"hooks\.slack\.com"),
          r"xox[abposr]-|hooks\.slack\.com", lower=True),
    _Spec("softlayer_credentials", SoftlayerDetector,
          ("softlayer", "sl[-_]?(?:api)?(?:key|pw|pass|token)"),
          "softlayer|sl[-_]?(?:api)?(?:key|pw|pass|token)", lower=True),
    _Spec("stripe_key", StripeDetector, ("k_live_",), "[rs]k_live_"),
    _Spec("twilio_key", TwilioKeyDetector, ("AC[a-z0-9]{32}", "SK[a-z0-9]{32}"),
          "(?:AC|SK)[a-z0-9]{32}"),
)  # fmt: skip


def _never_verify() -> None:
    """Plugins call their network ``verify`` when detect-secrets' settings hold this filter;
    a scan must never touch the network, so it is removed if anyone configured it."""
    settings = get_settings()
    if _VERIFY_FILTER in settings.filters:
        settings.disable_filters(_VERIFY_FILTER)


@cache
def _rules() -> tuple[_Rule, ...]:
    """The plugins, built once per process."""
    plugins: dict[type[BasePlugin], BasePlugin] = {}
    rules = [
        _Rule(
            spec.kind,
            KEY,
            plugins.setdefault(spec.plugin, spec.plugin()),
            re.compile(spec.trigger, re.IGNORECASE if spec.lower else 0),
            tuple(_IBM_GATES.values())
            if spec.kind == "ibm_cloud_iam_key"
            else _compile(*spec.gates),
            spec.lower,
        )
        for spec in _SPECS
    ]
    for kind, plugin in (
        ("high_entropy_base64", Base64HighEntropyString(4.5)),
        ("high_entropy_hex", HexHighEntropyString(3.0)),
    ):
        rules.append(_Rule(kind, KEY, plugin, _QUOTED_TOKEN, (_QUOTED_TOKEN,), entropy=True))
    return tuple(rules)


# characters that continue a token whose plugin reports only its start
_TOKEN_TAILS = {
    "github_token": re.compile(r"[A-Za-z0-9_]*"),
    "gitlab_token": re.compile(r"[A-Za-z0-9_-]*"),
    "jwt": re.compile(r"[A-Za-z0-9_.+/=-]*"),
    "stripe_key": re.compile(r"[A-Za-z0-9]*"),  # keys grew past the plugin's 24 characters
    "discord_token": re.compile(r"[A-Za-z0-9_-]*"),  # and so did Discord's signatures
}

# --- guards for high-entropy strings ----------------------------------------------------------

# words that mark digests and identifiers (``sha5`` is sha512, ``sha-`` is sha-256, ...)
_HASH_WORDS = (
    "hash", "digest", "checksum", "integrity", "fingerprint", "commit", "revision", "etag",
    "sha1", "sha2", "sha3", "sha5", "sha-", "md5", "crc", "uuid", "guid",
)  # fmt: skip
_HEX_DIGEST_LENGTHS = frozenset({32, 40, 48, 56, 64, 96, 128})
_B64_DIGEST_LENGTHS = frozenset({22, 24, 27, 28, 38, 40, 43, 44, 64, 86, 88})
_HEX_CHARS = frozenset("0123456789abcdefABCDEF")


def _looks_random(value: str, kind: str) -> bool:
    """Shape of a generated secret (see the module docstring)."""
    if kind == "high_entropy_hex":  # random hex is ~62% digits, ~38% letters
        letters = sum(1 for c in value if c.isalpha())
        return 32 <= len(value) <= 128 and len(value) / 8 <= letters <= len(value) * 7 / 8
    return (
        20 <= len(value) <= 200
        and any(c.isdigit() for c in value)
        and any(c.isupper() for c in value)
        and any(c.islower() for c in value)
        and not looks_wordy(value)
    )


_SECRET_WORDS = re.compile(r"secret|token|key|pass|pwd|auth|credential|session|cookie")
_PRINTABLE = frozenset(range(0x20, 0x7F)) | {0x09, 0x0A, 0x0D}
_CREDENTIAL_PAIR = re.compile(rb"[^\s:]+:[^\s:]+")


def _encodes_text(value: str) -> bool:
    """Base64 of readable text (a test vector, an encoded JSON header or phrase), which a
    generated key never is; ``user:password`` pairs (HTTP basic auth) stay secrets."""
    padded = value + "=" * (-len(value) % 4)
    try:
        decoded = base64.b64decode(padded.replace("-", "+").replace("_", "/"), validate=True)
    except (binascii.Error, ValueError):
        return False
    if len(decoded) < 8 or not all(byte in _PRINTABLE for byte in decoded):
        return False
    return _CREDENTIAL_PAIR.fullmatch(decoded) is None


def _mentions_hashes(lowered: str) -> bool:
    return any(word in lowered for word in _HASH_WORDS)


def _has_digest_length(value: str) -> bool:
    """Whether the value is as long as an MD5/SHA digest in hex or Base64 (or is an SRI
    ``sha512-...`` integrity string)."""
    is_hex = all(c in _HEX_CHARS for c in value)
    lengths = _HEX_DIGEST_LENGTHS if is_hex else _B64_DIGEST_LENGTHS
    return len(value) in lengths or value.startswith(("sha256-", "sha384-", "sha512-"))


def _is_hash(value: str, lowered_context: str) -> bool:
    """A digest-length value whose line (or the line before) talks about hashes or ids."""
    return _has_digest_length(value) and _mentions_hashes(lowered_context)


class _HashContext:
    """Whether a file is full of digests (BigCode's ``file_has_hashes``: hash words on more
    than 2% of its lines, and more than twice so one comment does not disarm a small file).
    Computed only when a high-entropy candidate survives the other guards."""

    def __init__(self, lowered: str) -> None:
        self._lowered = lowered
        self._answer: bool | None = None

    def file_has_hashes(self) -> bool:
        if self._answer is None:
            limit = max(2, (self._lowered.count("\n") + 1) // 50)
            self._answer = sum(self._lowered.count(w) for w in _HASH_WORDS) > limit
        return self._answer


# --- private key blocks ---------------------------------------------------------------------

_KEY_BLOCK = re.compile(
    r"-{4,5} ?BEGIN ([A-Z0-9 ]*)PRIVATE KEY((?: BLOCK)?) ?-{4,5}"
    r"(?P<body>.{0,65536}?)"
    r"-{4,5} ?END \1PRIVATE KEY\2 ?-{4,5}",
    re.DOTALL,
)
_PUTTY_BLOCK = re.compile(
    r"PuTTY-User-Key-File-\d:.{0,65536}?Private-MAC: *[0-9a-fA-F]+", re.DOTALL
)
_KEY_MATERIAL = re.compile(r"[A-Za-z0-9+/=]{16,}")
_MIN_KEY_MATERIAL = 64  # base64 characters of key body that make a real key, not a marker


def _private_key_spans(text: str, presence: Presence) -> Iterator[_Span]:
    """Whole key blocks that hold real key material, whatever their header says (RSA, EC,
    DSA, OPENSSH, ENCRYPTED, PGP ... BLOCK, SSH2 ENCRYPTED; detect-secrets' plugin knows a
    fixed list of headers and missed ``ENCRYPTED PRIVATE KEY``) and PuTTY key files."""
    for gate, pattern in (("PRIVATE KEY", _KEY_BLOCK), ("PuTTY-User-Key", _PUTTY_BLOCK)):
        if not presence.may_match(_KEY_BLOCK_ANCHORS[gate]) or gate not in text:
            continue
        for match in pattern.finditer(text):
            body = match.group("body") if pattern is _KEY_BLOCK else match.group()
            if sum(len(m) for m in _KEY_MATERIAL.findall(body)) >= _MIN_KEY_MATERIAL:
                yield _Span(match.start(), match.end(), "private_key", KEY)


# --- e-mail and IP addresses ------------------------------------------------------------------

_EMAIL_GATE = re.compile(r"@[A-Za-z0-9-]+\.[A-Za-z]")
_EMAIL = re.compile(
    r"(?<![\w.%+-])([A-Za-z0-9][A-Za-z0-9._%+-]{0,63}"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24})"
    r"(?![\w-]|\.[A-Za-z0-9])"
)
_LOCAL_PART_CHARS = frozenset(string.ascii_letters + string.digits + "._%+-")
_ASSET_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".ico", ".bmp", ".pdf")
# RFC 2606 / 6761 names: never anybody's mailbox
_RESERVED_DOMAINS = ("example.com", "example.org", "example.net")
_RESERVED_TLDS = (".example", ".test", ".invalid", ".localhost", ".local")

_DIGITS = frozenset(string.digits)
_IPV4_GATE = re.compile(r"\.\d{1,3}\.\d{1,3}\.\d")
_IPV4 = re.compile(r"(?<![\w.])(\d{1,3}(?:\.\d{1,3}){3})(?!\w|\.\d)")
_IPV6_GATE = re.compile(r":[0-9A-Fa-f]{0,4}:")
_IPV6_CHARS = frozenset(string.hexdigits + ":")
# global unicast (2000::/3) always starts with a four-digit group 2xxx or 3xxx
_IPV6 = re.compile(
    r"(?<![\w:.])([23][0-9A-Fa-f]{3}:(?:[0-9A-Fa-f]{0,4}:){1,6}"
    r"(?:\d{1,3}(?:\.\d{1,3}){3}|[0-9A-Fa-f]{0,4}))(?![\w:])"
)
_DNS_CONTEXT = re.compile(r"dns|server", re.IGNORECASE)
_VERSION_CONTEXT = re.compile(r"version", re.IGNORECASE)


def _run_start(text: str, end: int, chars: frozenset[str], limit: int) -> int:
    """Start of the run of ``chars`` that ends at ``end`` (at most ``limit`` long)."""
    start = end
    while start > 0 and end - start < limit and text[start - 1] in chars:
        start -= 1
    return start


def _email_spans(text: str) -> Iterator[_Span]:
    """E-mails, found from their ``@domain.tld`` part (a literal-led regex, fast) by walking
    back over the local part; decorators (``@name``) never get further than that."""
    for gate in _EMAIL_GATE.finditer(text):
        start = _run_start(text, gate.start(), _LOCAL_PART_CHARS, 64)
        match = _EMAIL.match(text, start) if start < gate.start() else None
        if match is None:
            continue
        local, _, domain = match.group(1).lower().partition("@")
        if local == "git" or domain.endswith(_ASSET_SUFFIXES + _RESERVED_TLDS):
            continue
        if any(domain == d or domain.endswith("." + d) for d in _RESERVED_DOMAINS):
            continue
        yield _Span(match.start(1), match.end(1), "email", EMAIL)


def _line_around(text: str, start: int, end: int) -> str:
    line_end = text.find("\n", end)
    return text[text.rfind("\n", 0, start) + 1 : len(text) if line_end < 0 else line_end]


def _looks_like_version(text: str, value: str, start: int, end: int) -> bool:
    """Version- and section-number-shaped values, unless the text around talks about DNS
    or servers; and anything on a line that says ``version``.

    Version-shaped: a one-digit first part and either a one-digit second part (BigCode
    skipped all-single-digit ones; section numbers such as 8.2.4.44 and versions such as
    7.1.4.34 are the same shape) or no three-digit part at all (3.14.15.92, 2.12.65.41:
    build numbers rarely reach 100, while three of four octets of a random address do).
    """
    parts = value.split(".")
    if (
        len(parts[0]) == 1
        and (len(parts[1]) == 1 or all(len(part) < 3 for part in parts))
        and not _DNS_CONTEXT.search(text, max(0, start - 100), end + 100)
    ):
        return True
    return bool(_VERSION_CONTEXT.search(_line_around(text, start, end)))


def _ipv4_spans(text: str) -> Iterator[_Span]:
    """Global IPv4 addresses, found from their dots (a literal-led regex) by walking back
    over the first number."""
    scanned_to = 0
    for gate in _IPV4_GATE.finditer(text):
        if gate.start() < scanned_to:
            continue
        start = _run_start(text, gate.start(), _DIGITS, 3)
        match = _IPV4.match(text, start) if start < gate.start() else None
        scanned_to = gate.end() if match is None else match.end()
        if match is None:
            continue
        value = match.group(1)
        try:
            ip = ipaddress.IPv4Address(value)
        except ValueError:  # 999.1.1.1, leading zeros
            continue
        if not ip.is_global or ip.is_multicast:
            continue
        start, end = match.span(1)
        if not _looks_like_version(text, value, start, end):
            yield _Span(start, end, "ip_address", IP_ADDRESS)


def _ipv6_spans(text: str) -> Iterator[_Span]:
    """Global IPv6 addresses, found from their colons (``:x:`` is rare outside addresses and
    ``::`` scopes) by walking back to the start of the hex-and-colon run."""
    scanned_to = 0
    for gate in _IPV6_GATE.finditer(text):
        if gate.start() < scanned_to:
            continue
        start = _run_start(text, gate.start(), _IPV6_CHARS, 40)
        match = _IPV6.match(text, start)
        scanned_to = gate.end() if match is None else match.end()
        if match is None:
            continue
        value = match.group(1)
        if sum(1 for group in value.split(":") if group) < 3:
            continue
        try:
            ip = ipaddress.IPv6Address(value)
        except ValueError:
            continue
        if ip.is_global and not ip.is_multicast:
            yield _Span(match.start(1), match.end(1), "ip_address", IP_ADDRESS)


# --- the prefilter ----------------------------------------------------------------------------

# every global IPv6 address ``_IPV6`` matches holds this: a ``2xxx:``/``3xxx:`` group, then a
# group or none and a colon (``_IPV6_GATE`` alone also fires at every ``::`` of C++ and Rust)
_IPV6_ANCHOR = Gate(r"[23][0-9A-Fa-f]{3}:[0-9A-Fa-f]{0,4}:")
_EMAIL_ANCHOR = Gate(_EMAIL_GATE.pattern)
_IPV4_ANCHOR = Gate(_IPV4_GATE.pattern)
_URL_ANCHOR = Gate(re.escape("://"))
_KEY_BLOCK_ANCHORS = {
    literal: Gate(re.escape(literal)) for literal in ("PRIVATE KEY", "PuTTY-User-Key")
}
_TOKEN_ANCHORS = tuple(Gate(re.escape(literal)) for literal in TOKEN_LITERALS)


@cache
def _rule_gates() -> tuple[tuple[Gate, ...], ...]:
    """Each rule's gates as the prefilter names them, in ``_rules()`` order."""
    return tuple(rule.prefilter_gates for rule in _rules())


@lru_cache(maxsize=1024)
def _candidate_rules(
    found: frozenset[Gate] | None, anchored: frozenset[Gate]
) -> tuple[tuple[_Rule, tuple[Gate, ...], bool], ...]:
    """(rule, its gates, whether its only gate is its trigger) of each rule with a gate the
    prefilter found or could not look for (``found`` is ``None``: all), in order. Texts
    share few distinct answers (most hold no gate), so each is worked out once."""
    return tuple(
        (rule, keys, rule.gates == (rule.trigger,))
        for rule, keys in zip(_rules(), _rule_gates(), strict=True)
        if found is None or any(key in found or key not in anchored for key in keys)
    )


@cache
def _prefilter() -> Prefilter:
    """Every detector's gates in one Hyperscan database, compiled once per process."""
    gates = [gate for keys in _rule_gates() for gate in keys]
    gates += [_URL_ANCHOR, *_KEY_BLOCK_ANCHORS.values(), *_TOKEN_ANCHORS]
    gates += [_EMAIL_ANCHOR, _IPV4_ANCHOR, _IPV6_ANCHOR]
    return Prefilter(gates, NAME_NEEDLES)


# --- plugin scanning --------------------------------------------------------------------------


def _triggered_lines(text: str, trigger: re.Pattern[str]) -> Iterator[tuple[int, int, int]]:
    """(line number, start, end) of each line the trigger matches, in order, once each."""
    line_number, counted_to, line_end = 1, 0, -1
    for match in trigger.finditer(text):
        if match.start() <= line_end:  # the line already yielded: no rfind over a long line
            continue
        start = text.rfind("\n", 0, match.start()) + 1
        line_number += text.count("\n", counted_to, start)
        counted_to = start
        end = text.find("\n", match.end())
        line_end = len(text) if end < 0 else end
        yield line_number, start, line_end


def _clean_value(raw: str, kind: str) -> str:
    """The secret itself, without the delimiters or labels some plugins' matches include."""
    value = raw.strip()
    if kind == "artifactory_token":
        return value.strip("=:\"'")
    if kind == "azure_storage_key":
        return value.removeprefix("AccountKey=")
    return value


def _plugin_spans(
    text: str,
    lowered: str,
    path: str,
    rule: _Rule,
    hashes: _HashContext,
    lines_by_trigger: dict[re.Pattern[str], list[tuple[int, int, int]]],
) -> Iterator[_Span]:
    """Spans the rule's plugin flags; ``lines_by_trigger`` keeps each trigger's lines for the
    rules that share it (both high-entropy plugins run on the same quoted strings)."""
    if rule.trigger not in lines_by_trigger:
        lines_by_trigger[rule.trigger] = list(_triggered_lines(text, rule.trigger))
    for number, line_start, line_end in lines_by_trigger[rule.trigger]:
        line = text[line_start:line_end]
        if rule.entropy and not _may_hold_random_value(line, rule):
            continue
        found = rule.plugin.analyze_line(filename=path, line=line, line_number=number)
        values = sorted({str(s.secret_value) for s in found if s.secret_value})
        for raw in values:
            value = _clean_value(raw, rule.kind)
            if not value or is_templated_secret(value) or not any(c.isalnum() for c in value):
                continue
            if rule.entropy and not _entropy_hit_is_secret(
                value, line, lowered, line_start, line_end, rule, hashes
            ):
                continue
            yield from _value_spans(line, line_start, value, rule)


def _may_hold_random_value(line: str, rule: _Rule) -> bool:
    """Whether a quoted string the entropy plugin would consider on this line has the shape
    of a generated secret (``_looks_random``, the guards' first test). Lines without one
    can yield nothing, so the plugin's entropy sums over every quoted string are skipped."""
    pattern: re.Pattern[str] = rule.plugin.regex  # type: ignore[attr-defined]
    return any(_looks_random(value.strip(), rule.kind) for _, value, _ in pattern.findall(line))


def _entropy_hit_is_secret(
    value: str,
    line: str,
    lowered: str,
    line_start: int,
    line_end: int,
    rule: _Rule,
    hashes: _HashContext,
) -> bool:
    """The false-positive guards of high-entropy strings (see the module docstring)."""
    if not _looks_random(value, rule.kind):
        return False
    if rule.kind == "high_entropy_base64" and _encodes_text(value):
        return False
    if is_sequential_string(value) or is_potential_uuid(value):
        return False
    if is_likely_id_string(value, line, rule.plugin):
        return False
    # the line and the one before it; lowered has text's offsets when text is ASCII, and
    # for other text the slice is only a slightly shifted window, which is fine for a hint
    context = lowered[lowered.rfind("\n", 0, max(line_start - 1, 0)) + 1 : line_end]
    if _is_hash(value, context):
        return False
    if rule.kind == "high_entropy_hex" and _has_digest_length(value):
        # git commit ids, lock-file and vendored-archive checksums: digests, unless the
        # line names a secret (``API_TOKEN = "<40 hex>"``)
        return _SECRET_WORDS.search(lowered, line_start, line_end) is not None
    return not (_has_digest_length(value) and hashes.file_has_hashes())


def _value_spans(line: str, line_start: int, value: str, rule: _Rule) -> Iterator[_Span]:
    """Spans of a flagged value on its line.

    Some plugins report only part of the token (GitHub/GitLab: the ``ghp`` prefix, the
    capture group; JWT: a lazy match that stops before the signature), so for those the span
    is extended over the token's characters and kept only if the plugin still flags it.
    """
    extension = _TOKEN_TAILS.get(rule.kind)
    position = line.find(value)
    while position >= 0:
        end = position + len(value)
        if extension is not None:
            end = extension.match(line, end).end()
            if not any(True for _ in rule.plugin.analyze_string(line[position:end])):
                position = line.find(value, position + 1)
                continue
        yield _Span(line_start + position, line_start + end, rule.kind, rule.placeholder)
        position = line.find(value, end)


def _spans(text: str, path: str) -> list[_Span]:
    """Every finding's span, overlaps resolved: a value found by its format beats one
    found by the name it is assigned to, then higher priority, then longer, then earlier,
    then a named detector wins; a span overlapping an accepted one is dropped (a URL
    password is not also an e-mail, a key inside a private-key block is not counted twice)."""
    _never_verify()
    candidates: list[_Span] = []
    presence = _prefilter().present(text)
    lowered = text.lower()
    hashes = _HashContext(lowered)
    seen: dict[re.Pattern[str], bool] = {}
    lines: dict[re.Pattern[str], list[tuple[int, int, int]]] = {}
    hits = presence.word_starts if presence.word_starts is not None else word_hits(lowered)
    for word, gate in _IBM_GATES.items():
        seen[gate] = any(gate.match(lowered, at) for at in hits[word])
    for rule, keys, own_trigger in _candidate_rules(presence.found, presence.anchored):
        # a rule gated by its own trigger needs no separate gate scan: no lines, no spans
        if own_trigger or rule.gated(text, lowered, seen, presence, keys):
            candidates.extend(_plugin_spans(text, lowered, path, rule, hashes, lines))
    candidates.extend(_private_key_spans(text, presence))
    absent = frozenset(
        literal
        for literal, anchor in zip(TOKEN_LITERALS, _TOKEN_ANCHORS, strict=True)
        if not presence.may_match(anchor)
    )
    candidates.extend(
        _Span(start, end, kind, KEY) for start, end, kind in token_spans(text, absent)
    )
    if presence.may_match(_URL_ANCHOR):
        candidates.extend(
            _Span(start, end, kind, PASSWORD) for start, end, kind in url_password_spans(text)
        )
    candidates.extend(
        _Span(start, end, kind, PASSWORD if kind == PASSWORD_KIND else KEY)
        for start, end, kind in assignment_spans(text, lowered, path, hits)
    )
    if presence.may_match(_EMAIL_ANCHOR):
        candidates.extend(_email_spans(text))
    if presence.may_match(_IPV4_ANCHOR):
        candidates.extend(_ipv4_spans(text))
    if presence.may_match(_IPV6_ANCHOR):
        candidates.extend(_ipv6_spans(text))
    candidates.sort(
        key=lambda s: (
            s.kind in ASSIGNMENT_KINDS,  # known only by its name: used where nothing else is
            _PRIORITY[s.placeholder],
            s.start - s.end,
            s.start,
            s.kind.startswith("high_entropy"),  # a named detector beats the entropy guess
            s.kind,
        )
    )
    accepted: list[_Span] = []
    for span in candidates:
        if all(span.end <= other.start or span.start >= other.end for other in accepted):
            accepted.append(span)
    accepted.sort(key=lambda s: s.start)
    return accepted


def _findings(text: str, spans: list[_Span]) -> list[Finding]:
    findings, line, counted_to = [], 1, 0
    for span in spans:
        line += text.count("\n", counted_to, span.start)
        counted_to = span.start
        findings.append(Finding(span.kind, line, span.placeholder))
    return findings


def scan(text: str, path: str) -> list[Finding]:
    """Secrets and personal data in ``text`` (``path`` helps plugins that judge by name)."""
    return _findings(text, _spans(text, path))


def redact(text: str, path: str) -> tuple[str, list[Finding]]:
    """``text`` with every finding's exact span replaced by its placeholder, and the
    findings. Everything outside those spans is left byte-identical."""
    spans = _spans(text, path)
    if not spans:
        return text, []
    parts: list[str] = []
    cursor = 0
    for span in spans:
        parts.append(text[cursor : span.start])
        parts.append(span.placeholder)
        cursor = span.end
    parts.append(text[cursor:])
    return "".join(parts), _findings(text, spans)


__all__ = ["EMAIL", "IP_ADDRESS", "KEY", "PASSWORD", "Finding", "redact", "scan"]
