"""Secrets / PII detection and redaction (codepack.scan.secrets).

The planted values live here, not in the fixture, so they are not packed twice. Every one
of them is FAKE: format-valid, but never issued by anyone.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from detect_secrets.settings import get_settings
from hypothesis import given, settings
from hypothesis import strategies as st

from codepack.config import QualityConfig, ScanConfig
from codepack.scan import secrets
from codepack.scan.classify import classify
from codepack.scan.secrets import EMAIL, IP_ADDRESS, KEY, PASSWORD, Finding, redact, scan

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "repos" / "secrets-planted"

FAKE_RSA_BODY = (
    "dU3Ll6gzv6EcS+JYtjIScDBTOl7HkplxvepSpQ5VftlayWyHnsgmkbjjt9Scb//k\n"
    "juuioyROnWJTcyurZN93COHKcfJaxQoa8ISdnGGcLPqnXBuW5aQzUApCeR6t94sI\n"
    "OupC9tD8OqAUEvpWkgnVcl9738OnfOS2mq337YKQil8J2BWmwpnZxfFXimCbTvIl\n"
    "bXiqmF7mvcl2vjgGBc89Ooz9ohUay4EubqeCW8KUt7I2lVnRNtx5wk5sk3p/efof\n"
    "+kQkQOdNQjSjoPWMttZ5oRvneGGUFYgyof52229XW4jGxS3Jy7vJnVmPo/TrMhp3\n"
)
FAKE_RSA_BLOCK = (
    "-----BEGIN RSA PRIVATE KEY-----\n" + FAKE_RSA_BODY + "-----END RSA PRIVATE KEY-----"
)
FAKE_JWT = (
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
    "eyJzdWIiOiJmYWtlLXBsYW50ZWQtdXNlciIsIm5hbWUiOiJQbGFudGVkIEZha2UiLCJpYXQiOjE3MDAwMDAwMDB9."
    "P618he2oZ3wJt1lrGQgQnJvhF0a7G8hnaLiRcrzG1lS"
)

# file -> [(planted value, placeholder, finding kind)]
PLANTED: dict[str, list[tuple[str, str, str]]] = {
    "config/settings.py": [
        ("iHkTj0rLGlkoMXGjtEkDnNfribxUdl7dXTPyLsxPFkThf4Vu", KEY, "high_entropy_base64"),
        ("AKIAFAKEPLANTED12345", KEY, "aws_key"),
        ("wJalrXUtnFEMI/K7MDENG/bPxRfiCYPLANTEDKEY", KEY, "aws_key"),
        ("FakePlantedPassw0rd", PASSWORD, "basic_auth_password"),
        ("sk_live_FAKEplanted1af0y1YLJEVs7", KEY, "stripe_key"),
        ("61c8ae9e3018f4122e26ebbb44c0f3f6b0aa6f23", KEY, "high_entropy_hex"),
        ("jane.planted@fakecorp-mail.io", EMAIL, "email"),
        ("ops-team@planted-fake.dev", EMAIL, "email"),
    ],
    "config/keys.py": [(FAKE_RSA_BLOCK, KEY, "private_key")],
    "app/client.js": [
        ("jane.planted@fakecorp-mail.io", EMAIL, "email"),
        ("ghp_oSGQUbxBENOYmaeriM7UF3b7zOiqPyRqwynY", KEY, "github_token"),
        (FAKE_JWT, KEY, "jwt"),
        ("xoxb-123456789012-1234567890123-FakePlantedSlackT0ken", KEY, "slack_token"),
    ],
    "server/main.go": [
        ("sk_live_FAKEplanted1af0y1YLJEVs7", KEY, "stripe_key"),
        ("45.79.112.203", IP_ADDRESS, "ip_address"),
        ("2a01:4f8:fade:1234::beef", IP_ADDRESS, "ip_address"),
    ],
}


def _expected(text: str, planted: list[tuple[str, str, str]]) -> str:
    for value, placeholder, _ in planted:
        assert value in text, f"fixture lost its planted value {value[:20]}..."
        text = text.replace(value, placeholder)
    return text


@pytest.mark.parametrize("name", sorted(PLANTED))
def test_fixture_redaction_replaces_exactly_the_planted_values(name: str) -> None:
    text = (FIXTURE / name).read_text(encoding="utf-8")
    redacted, findings = redact(text, name)
    # byte-identical everywhere except the planted spans, which hold the placeholders
    assert redacted == _expected(text, PLANTED[name])
    for value, _, _ in PLANTED[name]:
        assert value not in redacted
    assert sorted(f.kind for f in findings) == sorted(
        kind for value, _, kind in PLANTED[name] for _ in range(text.count(value))
    )


def test_every_fixture_file_is_covered() -> None:
    files = sorted(str(p.relative_to(FIXTURE)) for p in FIXTURE.rglob("*") if p.is_file())
    assert files == sorted(PLANTED)


def test_findings_never_hold_the_secret() -> None:
    values = [value for planted in PLANTED.values() for value, _, _ in planted]
    for name in PLANTED:
        for finding in scan((FIXTURE / name).read_text(encoding="utf-8"), name):
            assert not any(value in repr(finding) for value in values)
            assert set(Finding.__slots__) == {"kind", "line", "placeholder"}


def test_scan_and_redact_agree_and_lines_are_one_based() -> None:
    text = (FIXTURE / "config/settings.py").read_text(encoding="utf-8")
    _, findings = redact(text, "config/settings.py")
    assert scan(text, "config/settings.py") == findings
    lines = text.split("\n")
    aws = [f for f in findings if f.kind == "aws_key"]
    assert [lines[f.line - 1].split(" =")[0] for f in aws] == [
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
    ]


def test_redacted_output_is_stable() -> None:
    for name in PLANTED:
        redacted, _ = redact((FIXTURE / name).read_text(encoding="utf-8"), name)
        assert redact(redacted, name) == (redacted, [])


# one FAKE, format-valid sample per named detector: (kind, line, the secret in it)
DETECTOR_SAMPLES = [
    ("artifactory_token", 'TOKEN = "AKCpqchBmvQExYHvBSfw85zt"', "AKCpqchBmvQExYHvBSfw85zt"),
    (
        "azure_storage_key",
        'CONN = "DefaultEndpointsProtocol=https;AccountName=fake;AccountKey=ZYMmLOPIwFQuYhrsiF8nf'
        'MaunlNy5yX0Y3rNJdqL2kVF8thrxFeUZCRjAbNX7iFdh5MmdDWIN86tKvycm7L8gq==;"',
        "ZYMmLOPIwFQuYhrsiF8nfMaunlNy5yX0Y3rNJdqL2kVF8thrxFeUZCRjAbNX7iFdh5MmdDWIN86tKvycm7L8gq==",
    ),
    (
        "cloudant_credentials",
        'cloudant_password = "51305fd2d2490ca4c616e8c4bf144d3334955d46af783b52901a6ccaccdb251b"',
        "51305fd2d2490ca4c616e8c4bf144d3334955d46af783b52901a6ccaccdb251b",
    ),
    (
        "discord_token",
        'BOT = "Mu2ZxcOT2pOpuTG3suUNwztrt.PYScw9.F4ca96QEgS6r3UyeiI75Qb4Sa9q"',
        "Mu2ZxcOT2pOpuTG3suUNwztrt.PYScw9.F4ca96QEgS6r3UyeiI75Qb4Sa9q",
    ),
    ("gitlab_token", "token: glpat-0nKSYrrm3nqtcMYV4MWA", "glpat-0nKSYrrm3nqtcMYV4MWA"),
    (
        "ibm_cloud_iam_key",
        'ibm_cloud_iam_key"] := "tlYVh1d0szAOZAnV4ah17kZCNnJEH1mvlYMyzWh6qQQ5"',
        "tlYVh1d0szAOZAnV4ah17kZCNnJEH1mvlYMyzWh6qQQ5",
    ),
    (
        "ibm_cos_hmac",
        'cos_hmac_secret_access_key = "cd5b868ec5ff527e03af2a080ad8541c11a795e1d763f588"',
        "cd5b868ec5ff527e03af2a080ad8541c11a795e1d763f588",
    ),
    (
        "mailchimp_key",
        'MAILCHIMP = "n4zczbmy57889y52woameal3lrcjb79v-us12"',
        "n4zczbmy57889y52woameal3lrcjb79v-us12",
    ),
    (
        "npm_token",
        "//registry.npmjs.org/:_authToken=npm_FakePlantedNpmToken0123456789",
        "npm_FakePlantedNpmToken0123456789",
    ),
    (
        "openai_key",
        'OPENAI = "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"',
        "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",
    ),
    (
        "pypi_token",
        "password = pypi-AgEIcHlwaS5vcmcT8KI8A4SzjSSHfbzECWKmrU2VqUz19CY0RnOjJsrBw38SvZagt5xOLh"
        "aDNPpQK1kGbAk8B1M",
        "pypi-AgEIcHlwaS5vcmcT8KI8A4SzjSSHfbzECWKmrU2VqUz19CY0RnOjJsrBw38SvZagt5xOLhaDNPpQK1kGbAk8B1M",
    ),
    (
        "sendgrid_key",
        'SENDGRID = "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"',
        "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",
    ),
    (
        "slack_token",
        'HOOK = "https://hooks.slack.com/services/TFAKE0000/BFAKE0000/FakePlantedHook000"',
        "https://hooks.slack.com/services/TFAKE0000/BFAKE0000/FakePlantedHook000",
    ),
    (
        "softlayer_credentials",
        'softlayer_api_key = "y4ffxeqpxz4fgklvc612r3kc3ibhg0xicn7amo9jxgcs31me95o1mkofy9411bde"',
        "y4ffxeqpxz4fgklvc612r3kc3ibhg0xicn7amo9jxgcs31me95o1mkofy9411bde",
    ),
    (
        "twilio_key",
        'TWILIO = "SKlg40r7r5nvrzozgkm7hxf42ehk6hjfds"',
        "SKlg40r7r5nvrzozgkm7hxf42ehk6hjfds",
    ),
    (
        "aws_key",
        'Aws.Config(secretAccessKey: "Zq3FakePlanted/AwsSecretKey+0123456789Ab")',
        "Zq3FakePlanted/AwsSecretKey+0123456789Ab",
    ),
]


@pytest.mark.parametrize(("kind", "line", "secret"), DETECTOR_SAMPLES, ids=lambda v: v[:20])
def test_every_named_detector_gets_past_its_gates(kind: str, line: str, secret: str) -> None:
    redacted, findings = redact(line, "sample.cfg")
    assert kind in {f.kind for f in findings}
    assert secret not in redacted
    assert all(f.placeholder == KEY for f in findings)


NOT_SECRETS = [
    'REQUEST_ID = "123e4567-e89b-12d3-a456-426614174000"',
    'EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"',
    'RELEASE_COMMIT = "a94a8fe5ccb19ba61c4c0873d391e987982fbbd3"',
    'u = uuid.UUID("d82579ce6642a0de7ddf490a7aec7aa5")',
    'TEMPLATE = "ThisIsAVeryLongCamelCaseIdentifierName2"',
    'BIG = "260212929840496308383385347911357725310593999568896e0"',
    '__version__ = "2.10.1.45"',
    'MIN_CLIENT = "1.2.3.4"',
    "# See HTML5 spec section 8.2.4.44 for bogus comments",
    'HOSTS = ["127.0.0.1", "0.0.0.0", "10.0.0.1", "192.168.1.10", "172.16.0.3", "::1"]',
    'DOCS = ["192.0.2.7", "198.51.100.1", "203.0.113.9", "2001:db8::1", "fe80::1"]',
    'MULTICAST = "224.0.0.251"',
    "evens = numbers[2000::3]",
    "std::vector<std::string> names; auto x = a::b::c;",
    "@property\n@functools.wraps(fn)\ndef name(self): ...",
    'LOGO = "static/logo@2x.png"',
    'UPSTREAM = "git@github.com:example-org/demo.git"',
    'CONTACT = "someone@example.com"; TEST = "a@b.test"',
    'if line.startswith("-----BEGIN RSA PRIVATE KEY-----"):',
    'integrity="sha512-Zm9vYmFyYmF6cXV1eGZvb2JhcmJhenF1dXhmb29iYXJiYXpxdXV4Zm9vYmFyYmF6"',
    'secret = "${SECRET_FROM_ENV}"',
    'client_id = "Zm9vYmFyYmF6cXV1eGZvb2JhcmJhenF1dXg0Mg"',
    'VERSION_LINE = "version 5.6.7.8 of the protocol"',
]


@pytest.mark.parametrize("line", NOT_SECRETS)
def test_ordinary_code_is_left_alone(line: str) -> None:
    assert redact(line, "example.py") == (line, [])


def test_private_key_marker_without_key_material_is_kept() -> None:
    text = 'PEM_HEADER = "-----BEGIN PRIVATE KEY-----"\nPEM_FOOTER = "-----END PRIVATE KEY-----"\n'
    assert scan(text, "pem.py") == []


def test_private_key_in_an_escaped_one_line_string_is_one_placeholder() -> None:
    body = FAKE_RSA_BODY.replace("\n", "\\n")
    text = (
        '{"type": "service_account", "private_key": "-----BEGIN PRIVATE KEY-----\\n'
        + body
        + '-----END PRIVATE KEY-----\\n", "project": "demo"}'
    )
    redacted, findings = redact(text, "credentials.json")
    assert redacted == '{"type": "service_account", "private_key": "<KEY>\\n", "project": "demo"}'
    assert [f.kind for f in findings] == ["private_key"]


def test_url_password_is_not_also_an_email() -> None:
    text = 'URL = "https://deploy:FakePlantedPw9@build.planted-fake.dev/repo.git"'
    redacted, findings = redact(text, "ci.py")
    assert redacted == 'URL = "https://deploy:<PASSWORD>@build.planted-fake.dev/repo.git"'
    assert [f.kind for f in findings] == ["basic_auth_password"]


def test_ip_addresses_public_only_with_ports_and_dns_context() -> None:
    text = 'DNS_SERVERS = ["8.8.8.8", "1.1.1.1"]\nproxy = "93.184.216.34:8443"\n'
    redacted, findings = redact(text, "net.py")
    assert redacted == (
        'DNS_SERVERS = ["<IP_ADDRESS>", "<IP_ADDRESS>"]\nproxy = "<IP_ADDRESS>:8443"\n'
    )
    assert [f.line for f in findings] == [1, 1, 2]


def test_scan_never_calls_the_network(monkeypatch: pytest.MonkeyPatch) -> None:
    import requests

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("detect-secrets tried to verify a secret over the network")

    monkeypatch.setattr(requests, "get", refuse)
    monkeypatch.setattr(requests, "post", refuse)
    filters = get_settings().filters
    monkeypatch.setitem(filters, secrets._VERIFY_FILTER, {"min_level": 2})
    for name in PLANTED:
        assert scan((FIXTURE / name).read_text(encoding="utf-8"), name)


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=400))
def test_arbitrary_text_never_crashes_and_clean_text_is_untouched(text: str) -> None:
    redacted, findings = redact(text, "any.txt")
    assert (redacted == text) is (not findings)
    assert findings == scan(text, "any.txt")


# values found by a named detector wherever they stand (entropy hits depend on their file:
# one full of digests disarms them; URL passwords and AWS secret keys need their context)
NAMED_DETECTOR_VALUES = sorted(
    {
        planted
        for values in PLANTED.values()
        for planted in values
        if planted[2] not in ("high_entropy_base64", "high_entropy_hex", "basic_auth_password")
        and "\n" not in planted[0]
        and not planted[0].startswith("wJalr")
    }
)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.sampled_from(NOT_SECRETS), min_size=1, max_size=6),
    st.sampled_from(NAMED_DETECTOR_VALUES),
)
def test_planted_value_in_ordinary_code_only_changes_its_span(
    lines: list[str], planted: tuple[str, str, str]
) -> None:
    value, placeholder, _ = planted
    text = "\n".join([*lines, f'TOKEN = "{value}"', *lines])
    redacted, _ = redact(text, "mixed.py")
    assert redacted == "\n".join([*lines, f'TOKEN = "{placeholder}"', *lines])


# --- issue #11: the planted corpus (tests/data/secrets, written by make_corpus.py) ----------

CORPUS = Path(__file__).resolve().parent / "data" / "secrets"
MANIFEST: dict[str, list[dict[str, str]]] = json.loads(
    (CORPUS / "manifest.json").read_text(encoding="utf-8")
)
# the files ``codepack pack`` packs (code); the rest (.env, YAML, ...) is scanned only
PACKED_FILES = sorted(
    path
    for path in MANIFEST
    if isinstance(
        classify(path, (CORPUS / "planted" / path).read_bytes(), ScanConfig(), QualityConfig()),
        tuple,
    )
)
WINDOW = 8  # no 8-character piece of a long secret may survive either


def _leaks(original: str, output: str, values: list[str]) -> list[str]:
    """The planted values whose text, or an 8+ character piece of it, is in ``output``.

    A piece that the file also holds outside every planted value (a ``https://hooks.``
    prefix, a PEM header) says nothing about a leak and is not counted.
    """
    rest = original
    for value in values:
        rest = rest.replace(value, "\0")
    leaked = []
    for value in values:
        pieces = [value[i : i + WINDOW] for i in range(len(value) - WINDOW + 1)]
        if value in output or any(p in output and p not in rest for p in pieces):
            leaked.append(value)
    return leaked


def test_planted_corpus_is_large_and_varied() -> None:
    planted = [item for items in MANIFEST.values() for item in items]
    assert len(planted) >= 70
    assert len({item["kind"] for item in planted}) >= 25
    assert len(PACKED_FILES) >= 15  # most of it stands in files codepack packs
    for path, items in MANIFEST.items():
        text = (CORPUS / "planted" / path).read_text(encoding="utf-8")
        assert all(item["value"] in text for item in items), path


@pytest.mark.parametrize("path", sorted(MANIFEST))
def test_no_planted_secret_survives_redaction(path: str) -> None:
    text = (CORPUS / "planted" / path).read_text(encoding="utf-8")
    values = [item["value"] for item in MANIFEST[path]]
    redacted, findings = redact(text, path)
    assert _leaks(text, redacted, values) == []
    assert len(findings) >= len(values)


def test_no_planted_secret_reaches_the_packed_parquet(tmp_path: Path) -> None:
    """End to end with default options: the CLI packs the corpus, the Parquet is read back."""
    repos = tmp_path / "repos"
    shutil.copytree(CORPUS / "planted", repos / "planted")
    out = tmp_path / "out"
    subprocess.run(
        [sys.executable, "-m", "codepack", "pack", str(repos), "--out", str(out), "--quiet"],
        check=True,
        capture_output=True,
    )
    rows = pq.read_table(sorted(out.glob("part-*.parquet"))).to_pylist()
    packed = {path for row in rows for path in row["paths"]}
    assert packed == set(PACKED_FILES)
    output = "\n".join(row["text"] for row in rows)
    originals = "\n".join(
        (CORPUS / "planted" / path).read_text(encoding="utf-8") for path in PACKED_FILES
    )
    values = [item["value"] for path in PACKED_FILES for item in MANIFEST[path]]
    assert _leaks(originals, output, values) == []


def test_benign_corpus_false_positives_at_most_one_in_fifty_lines() -> None:
    lines = false_positives = 0
    for file in sorted((CORPUS / "benign").rglob("*")):
        if file.is_file():
            text = file.read_text(encoding="utf-8")
            lines += text.count("\n")
            false_positives += len(scan(text, str(file.relative_to(CORPUS / "benign"))))
    assert lines >= 500
    assert false_positives * 50 <= lines


LONG_STRIPE_BODY = (  # 99 characters: the key is 107 long, the plugin stops after 24
    "Fakeu8jzPde0IgxLd6GncfBAepfJBd0Kh8oOOL8dKLzdocJ2isAjIhKtJ0RlgLKOmxgJTeKdNnFRIBXuDL7DxtpYlSXpfKtHF4v"
)
# the reported leaks, each in the smallest file that shows it: (path, text, secret)
REPORTED_LEAKS = [
    ("deploy.sh", "export AWS_SECRET_ACCESS_KEY=Zq3FakePlanted/Aws9kX+0123456789AbcdEf\n",
     "Zq3FakePlanted/Aws9kX+0123456789AbcdEf"),
    ("pay.env", f"STRIPE=sk_live_{LONG_STRIPE_BODY}\n", LONG_STRIPE_BODY[-40:]),
    ("key.py", 'KEY = """-----BEGIN ENCRYPTED PRIVATE KEY-----\n' + FAKE_RSA_BODY
     + '-----END ENCRYPTED PRIVATE KEY-----"""\n', FAKE_RSA_BODY.split("\n")[2]),
    ("npm.js", 'const token = "npm_FakePlantedNpmToken0123456789abcdefg";\n',
     "npm_FakePlantedNpmToken0123456789abcdefg"),
    ("bot.py", 'BOT = "1234567890:AAFakePlantedTelegramBotToken012345"\n',
     "AAFakePlantedTelegramBotToken012345"),
    ("shop.rb", 'TOKEN = "shpat_0123456789abcdef0123456789abcdef"\n',
     "0123456789abcdef0123456789abcdef"),
    ("db.go", 'var dbPassword = "FakeHarbor123!xyz"\n', "FakeHarbor123!xyz"),
    ("digests.py", "".join(f"# sha256 of part {i}: {'0a1b2c3d' * 8}\n" for i in range(6))
     + 'UPLOAD = "FakeQ9rT2mXw8LpZ4vN7bK3cJ6hY1sD5gF0aE2uI9oP4w7Xz"\n',
     "FakeQ9rT2mXw8LpZ4vN7bK3cJ6hY1sD5gF0aE2uI9oP4w7Xz"),
]  # fmt: skip


@pytest.mark.parametrize(("path", "text", "secret"), REPORTED_LEAKS, ids=lambda v: v[:12])
def test_reported_leaks_are_redacted(path: str, text: str, secret: str) -> None:
    redacted, findings = redact(text, path)
    assert secret not in redacted
    assert findings


REPORTED_FALSE_POSITIVES = [
    'BASE_REF = "a94a8fe5ccb19ba61c4c0873d391e987982fbbd3"',
    '    ("serde", "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"),',
    'PI_DIGITS = "3.14.15.92"',
    '    assert b64encode(b"The quick brown fox jumps") == b"VGhlIHF1aWNrIGJyb3duIGZveCBqdW1wcw=="',
]


@pytest.mark.parametrize("line", REPORTED_FALSE_POSITIVES)
def test_reported_false_positives_are_left_alone(line: str) -> None:
    assert redact(line, "example.py") == (line, [])


# code that names passwords and tokens without holding one (seen in the CPython stdlib)
CREDENTIAL_LOOKALIKES = [
    "ctx.load_cert_chain(CERTFILE_PROTECTED, password=getpass_unicode)",
    "smtp.user, smtp.password = sim_auth[0], sim_auth[1]",
    "('http', 'user/name', 'password', 'localhost:22')",
    "names = ['version', 'grp', 'pwd', 'symlink_exception']",
    'INCORRECT_PASSWD = "Incorrect"',
    "password = get_password(user)",
    'token_type = "Bearer"',
    'API_KEY = "my_service_api_key_name"',
    "export DB_PASSWORD=${DB_PASSWORD_FROM_VAULT}",
]


@pytest.mark.parametrize("line", CREDENTIAL_LOOKALIKES)
def test_names_without_credentials_are_left_alone(line: str) -> None:
    assert redact(line, "example.py") == (line, [])


@pytest.mark.parametrize(
    ("path", "line", "secret"),
    [
        ("app.env", "DB_PASSWORD=Hunter2020x", "Hunter2020x"),
        ("config.yml", "  password: s3cret-Pa55", "s3cret-Pa55"),
        ("settings.json", '"ConnStr": "Server=db;User Id=sa;Pwd=Fake0Pw!9;"', "Fake0Pw!9"),
        ("Config.php", "define('DB_PASSWORD', 'Fake0Pw!9x');", "Fake0Pw!9x"),
        ("run.py", 'client.login(user="admin", password="Fake0Pw!9x")', "Fake0Pw!9x"),
    ],
)
def test_password_assignments_are_redacted(path: str, line: str, secret: str) -> None:
    redacted, findings = redact(line, path)
    assert secret not in redacted
    assert [f.placeholder for f in findings] == [PASSWORD]
