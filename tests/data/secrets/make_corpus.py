"""Writes the planted-secrets corpus: small realistic files and ``manifest.json``.

Every value is FAKE: drawn from a seeded random generator in the issuer's format (prefix,
alphabet, length), so the detectors see the real shape, but nobody ever issued it. Re-run
to regenerate byte-identical files:

    python tests/data/secrets/make_corpus.py

``planted/`` mirrors a repository: the code files are what ``codepack pack`` packs; the
configuration files (``.env``, YAML, TOML, INI, shell, properties, Dockerfile, ...) are not
packed by codepack (no supported language), but the same text often sits inside code, so
the scanner is held to them too. ``manifest.json`` lists, per file, each planted secret:
its kind and the exact string that must never reach the output.
"""

from __future__ import annotations

import base64
import json
import random
import re
import string
import textwrap
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent
PLANTED = HERE / "planted"

ALNUM = string.ascii_letters + string.digits
UPPER_DIGITS = string.ascii_uppercase + string.digits
HEX = "0123456789abcdef"
B64 = ALNUM + "+/"
URLSAFE = ALNUM + "-_"

rng = random.Random(20261203)


def draw(alphabet: str, length: int) -> str:
    return "".join(rng.choice(alphabet) for _ in range(length))


def fake(alphabet: str, length: int) -> str:
    """Random characters led by ``Fake``/``FAKE`` when the alphabet allows: a reader of the
    corpus sees at once that no value was ever issued."""
    for marker in ("Fake", "FAKE"):
        if all(c in alphabet for c in marker):
            return marker + draw(alphabet, length - len(marker))
    return draw(alphabet, length)


def pem(header: str, lines: int = 6, with_headers: str = "") -> str:
    body = "\n".join(fake(B64, 64) for _ in range(lines)) + "\n" + fake(B64, 20) + "==\n"
    return f"-----BEGIN {header}-----\n{with_headers}{body}-----END {header}-----"


def b64_secret(n_bytes: int) -> str:
    return base64.b64encode(rng.randbytes(n_bytes)).decode()


def password() -> str:
    """A password of the kind people type: a word, digits and a symbol."""
    word = rng.choice(["Fake", "Planted", "Sample", "Dummy"]) + rng.choice(
        ["Winter", "Orange", "Falcon", "Harbor", "Copper"]
    )
    return word + draw(string.digits, 3) + rng.choice("!#%&*@$") + draw(ALNUM, 4)


# ---------------------------------------------------------------------------------------
# The values (name -> (kind, value)); each appears in one or more files below.

V: dict[str, tuple[str, str]] = {}


def put(name: str, kind: str, value: str) -> str:
    V[name] = (kind, value)
    return value


put("aws_id", "aws_access_key_id", "AKIA" + fake(UPPER_DIGITS, 16))
put("aws_id2", "aws_access_key_id", "ASIA" + fake(UPPER_DIGITS, 16))
put("aws_secret", "aws_secret_access_key", fake(B64, 40))
put("aws_secret2", "aws_secret_access_key", fake(B64, 40))
put("aws_secret3", "aws_secret_access_key", fake(B64, 40))
put("gh_classic", "github_classic_token", "ghp_" + fake(ALNUM, 36))
put("gh_oauth", "github_oauth_token", "gho_" + fake(ALNUM, 36))
put(
    "gh_fine",
    "github_fine_grained_token",
    "github_pat_11" + fake(UPPER_DIGITS, 20) + "_" + fake(ALNUM, 59),
)
put("gh_app", "github_app_token", "ghs_" + fake(ALNUM, 36))
put("gitlab", "gitlab_token", "glpat-" + fake(URLSAFE, 20))
put(
    "slack_bot",
    "slack_bot_token",
    f"xoxb-{draw(string.digits, 12)}-{draw(string.digits, 13)}-{fake(ALNUM, 24)}",
)
put(
    "slack_user",
    "slack_user_token",
    f"xoxp-{draw(string.digits, 12)}-{draw(string.digits, 12)}-{draw(string.digits, 13)}-"
    + draw(HEX, 32),
)
put(
    "slack_hook",
    "slack_webhook",
    f"https://hooks.slack.com/services/T{fake(UPPER_DIGITS, 8)}/B{fake(UPPER_DIGITS, 10)}/"
    + fake(ALNUM, 24),
)
put("stripe_sk", "stripe_secret_key", "sk_live_" + fake(ALNUM, 24))
put("stripe_sk_long", "stripe_secret_key", "sk_live_" + fake(ALNUM, 99))
put("stripe_rk", "stripe_restricted_key", "rk_live_" + fake(ALNUM, 99))
put("openai_legacy", "openai_key", "sk-" + fake(ALNUM, 20) + "T3BlbkFJ" + draw(ALNUM, 20))
put(
    "openai_proj",
    "openai_project_key",
    "sk-proj-" + fake(URLSAFE, 74) + "T3BlbkFJ" + draw(URLSAFE, 74),
)
put("openai_svc", "openai_project_key", "sk-svcacct-" + fake(URLSAFE, 156))
put("anthropic", "anthropic_key", "sk-ant-api03-" + fake(URLSAFE, 93) + "AA")
put("google_api", "google_api_key", "AIza" + fake(URLSAFE, 35))
put("google_api2", "google_api_key", "AIza" + fake(URLSAFE, 35))
put("gcp_pk", "gcp_service_account_key", pem("PRIVATE KEY", 8).replace("\n", "\\n"))
put("azure_key", "azure_storage_key", b64_secret(64))
put("azure_sas", "azure_shared_access_key", b64_secret(32))
put("twilio_key", "twilio_api_key", "SK" + draw(HEX, 32))
put("twilio_token", "twilio_auth_token", draw(HEX, 32))
put("sendgrid", "sendgrid_key", "SG." + fake(URLSAFE, 22) + "." + fake(URLSAFE, 43))
put("mailgun", "mailgun_key", "key-" + draw(HEX, 32))
put("npm1", "npm_token", "npm_" + fake(ALNUM, 36))
put("npm2", "npm_token", "npm_" + fake(ALNUM, 36))
put("pypi", "pypi_token", "pypi-AgEIcHlwaS5vcmc" + fake(URLSAFE, 140))
put("docker", "docker_hub_token", "dckr_pat_" + fake(URLSAFE, 27))
put("heroku_new", "heroku_api_key", "HRKU-" + fake(URLSAFE, 60))
put("heroku_uuid", "heroku_api_key", str(uuid.UUID(int=rng.getrandbits(128), version=4)))
put("telegram", "telegram_bot_token", draw(string.digits, 10) + ":AA" + fake(URLSAFE, 33))
put("telegram2", "telegram_bot_token", draw(string.digits, 9) + ":AA" + fake(URLSAFE, 33))
put("shopify_at", "shopify_token", "shpat_" + draw(HEX, 32))
put("shopify_ss", "shopify_token", "shpss_" + draw(HEX, 32))
put(
    "discord",
    "discord_bot_token",
    "MT" + fake(ALNUM, 24) + "." + fake(URLSAFE, 6) + "." + fake(URLSAFE, 38),
)
put(
    "jwt",
    "jwt",
    ".".join(
        [
            base64.urlsafe_b64encode(b'{"alg":"HS256","typ":"JWT"}').decode().rstrip("="),
            base64.urlsafe_b64encode(
                json.dumps({"sub": "fake-planted", "iat": 1700000000, "scope": "admin"}).encode()
            )
            .decode()
            .rstrip("="),
            fake(URLSAFE, 43),
        ]
    ),
)
put("pem_rsa", "private_key_rsa", pem("RSA PRIVATE KEY"))
put("pem_ec", "private_key_ec", pem("EC PRIVATE KEY", 3))
put("pem_dsa", "private_key_dsa", pem("DSA PRIVATE KEY", 5))
put("pem_openssh", "private_key_openssh", pem("OPENSSH PRIVATE KEY", 6))
put("pem_encrypted", "private_key_encrypted", pem("ENCRYPTED PRIVATE KEY", 7))
put("pem_pkcs8", "private_key_pkcs8", pem("PRIVATE KEY", 6).replace("\n", "\\n"))
put(
    "pem_pgp",
    "private_key_pgp",
    pem("PGP PRIVATE KEY BLOCK", 6, with_headers="Version: FakePG 1.0\n\n"),
)
put("url_pw_pg", "basic_auth_password", password())
put("url_pw_redis", "basic_auth_password", password())
put("url_pw_git", "basic_auth_password", "ghp_" + fake(ALNUM, 36))
put("url_pw_amqp", "basic_auth_password", password())
for i in range(1, 19):
    put(f"pw{i}", "password_assignment", password())
put("django", "secret_assignment", "django-insecure-" + fake(ALNUM + "!@#%^&*(-_=+)", 50))
put("client_secret", "secret_assignment", fake(URLSAFE, 40))
put("api_token", "token_assignment", fake(ALNUM, 32))
put("hash_file_token", "high_entropy_base64", fake(B64, 48))
put("session_secret", "secret_assignment", draw(HEX, 64))
put("encryption_key", "secret_assignment", b64_secret(32))


def v(name: str) -> str:
    return V[name][1]


# ---------------------------------------------------------------------------------------
# The files. Code first (packed by codepack), then configuration (scanned, not packed).

FILES: dict[str, str] = {}
# values that are not secrets (a Twilio account SID is an id, not a credential)
SUBSTITUTES = {"twilio_account": "AC" + draw(HEX, 32)}


def file(path: str, template: str) -> None:
    """A file from an indented template whose ``@@name@@`` markers stand for values
    (substituted after dedenting, so multi-line values keep their own layout)."""
    text = textwrap.dedent(template).lstrip("\n")
    FILES[path] = re.sub(r"@@(\w+)@@", lambda m: SUBSTITUTES.get(m[1]) or v(m[1]), text)


file(
    "app/settings.py",
    r'''
    """Service settings. Every credential below is FAKE, planted for tests."""

    import os

    DEBUG = os.environ.get("DEBUG") == "1"
    SECRET_KEY = "@@django@@"
    AWS_ACCESS_KEY_ID = "@@aws_id@@"
    AWS_SECRET_ACCESS_KEY = "@@aws_secret@@"
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": "shop",
            "USER": "shop",
            "PASSWORD": "@@pw1@@",
            "HOST": "db.internal",
        }
    }
    BROKER_URL = "amqp://guest:@@url_pw_amqp@@@mq.internal:5672//"
    STRIPE_SECRET = "@@stripe_sk_long@@"
    OPENAI_API_KEY = os.environ.get("OPENAI_API_KEY", "@@openai_proj@@")
    ANTHROPIC_API_KEY = "@@anthropic@@"
    SENDGRID_API_KEY = "@@sendgrid@@"
''',
)

file(
    "app/notify.py",
    r'''
    """Notifications: Slack, Telegram, Twilio (all tokens FAKE)."""

    import requests

    SLACK_BOT_TOKEN = "@@slack_bot@@"
    SLACK_WEBHOOK = "@@slack_hook@@"
    TELEGRAM_BOT_TOKEN = "@@telegram@@"
    TWILIO_ACCOUNT = "@@twilio_account@@"
    TWILIO_API_KEY = "@@twilio_key@@"
    TWILIO_AUTH_TOKEN = "@@twilio_token@@"


    def send_telegram(chat_id: int, text: str) -> None:
        url = "https://api.telegram.org/bot@@telegram2@@/sendMessage"
        requests.post(url, json={"chat_id": chat_id, "text": text}, timeout=5)


    def login(client) -> None:
        client.login(username="admin", password="@@pw2@@")
''',
)

file(
    "app/checksums.py",
    r'''
    """Release artefacts and their digests (the sha256 lines are real-looking, not secret)."""

    # sha256 of each wheel, checked after download
    # sha256: 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08
    # sha256: 60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbf9f4f6e4f5cbd
    # sha256: fd61a03af4f77d870fc21e05e7e80678095c92d808cfb3b5c279ee04c74aca13
    # sha1 of the sdist: a94a8fe5ccb19ba61c4c0873d391e987982fbbd3
    # md5 of the docs tarball: 5d41402abc4b2a76b9719d911017c592
    # hash of the signing key: 2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae
    DIGESTS = {
        "wheel": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        "sdist": "a94a8fe5ccb19ba61c4c0873d391e987982fbbd3",
    }
    UPLOAD_KEY = "@@hash_file_token@@"
''',
)

file(
    "app/gcp.py",
    r'''
    """Loads a (FAKE) service account from an inline JSON blob."""

    import json

    SERVICE_ACCOUNT = json.loads(
        '{"type": "service_account", "project_id": "fake-project", '
        '"private_key": "@@gcp_pk@@\n", '
        '"client_email": "robot@fake-project.iam.gserviceaccount.com"}'
    )
    MAPS_KEY = "@@google_api@@"
''',
)

file(
    "scripts/deploy",
    r'''
    #!/usr/bin/env python3
    """Deploy helper (extension-less script, packed through its #! line)."""

    import subprocess

    HEROKU_API_KEY = "@@heroku_uuid@@"
    DOCKER_TOKEN = "@@docker@@"
    REPO = "https://x-access-token:@@url_pw_git@@@github.com/fake-org/app.git"

    subprocess.run(["git", "push", REPO, "main"], check=True)
''',
)

file(
    "web/src/config.js",
    r"""
    // Front-end configuration (FAKE keys, planted for tests).
    export const config = {
      googleMapsKey: "@@google_api2@@",
      stripeRestricted: '@@stripe_rk@@',
      githubToken: `@@gh_classic@@`,
      apiToken: "@@api_token@@",
      adminPassword: "@@pw3@@",
    };

    export const jwt = "@@jwt@@";
""",
)

file(
    "web/src/publish.ts",
    r"""
    // Publishes packages; tokens are FAKE.
    const NPM_TOKEN: string = "@@npm1@@";
    const SHOPIFY_ACCESS_TOKEN = "@@shopify_at@@";
    const shopifySharedSecret = '@@shopify_ss@@';

    export function headers(): Record<string, string> {
      return { Authorization: `Bearer ${NPM_TOKEN}` };
    }
""",
)

file(
    "server/main.go",
    r"""
    package main

    // FAKE credentials, planted for tests.
    const gitlabToken = "@@gitlab@@"
    const mailgunKey = "@@mailgun@@"

    var dbPassword = "@@pw4@@"

    func dsn() string {
        return "postgres://app:@@url_pw_pg@@@db.internal:5432/app?sslmode=disable"
    }

    func main() {
        password := "@@pw5@@"
        _ = password
    }
""",
)

file(
    "server/Auth.java",
    r"""
    package demo;

    /** Hard-coded (FAKE) credentials, the kind a scanner must catch. */
    public final class Auth {
        private static final String DB_PASSWORD = "@@pw6@@";
        private static final String CLIENT_SECRET = "@@client_secret@@";
        private static final String PRIVATE_KEY = "@@pem_pkcs8@@";

        private Auth() {}
    }
""",
)

file(
    "server/keys.rb",
    r"""
    # FAKE keys for the test suite.
    module Keys
      SSH_KEY = <<~PEM
    @@pem_openssh@@
      PEM

      GITHUB_APP_TOKEN = "@@gh_app@@"
      CONFIG = { password: "@@pw7@@", secret: "@@session_secret@@" }
    end
""",
)

file(
    "server/config.php",
    r"""
    <?php
    // WordPress-style configuration, FAKE values.
    define('DB_PASSWORD', '@@pw8@@');
    $config = [
        'mailgun' => ['secret' => '@@mailgun@@'],
        'password' => '@@pw9@@',
    ];
""",
)

file(
    "server/Payments.cs",
    r"""
    namespace Shop;

    // FAKE connection string and keys.
    public static class Payments
    {
        public const string Storage =
            "DefaultEndpointsProtocol=https;AccountName=fakeshop;AccountKey=@@azure_key@@;EndpointSuffix=core.windows.net";
        public const string Bus =
            "Endpoint=sb://fakeshop.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=@@azure_sas@@";
        public static string Password { get; } = "@@pw10@@";
    }
""",
)

file(
    "server/Bot.kt",
    r"""
    package bot

    // FAKE bot credentials.
    const val DISCORD_TOKEN = "@@discord@@"
    val apiKey: String = "@@openai_legacy@@"
    val encryptionKey = "@@encryption_key@@"
""",
)

file(
    "server/src/secrets.rs",
    r"""
    //! FAKE credentials for the integration tests.

    pub const PYPI_TOKEN: &str = "@@pypi@@";
    pub const GITHUB_TOKEN: &str = "@@gh_fine@@";
    pub const OAUTH_TOKEN: &str = "@@gh_oauth@@";

    pub fn ec_key() -> &'static str {
        r#"@@pem_ec@@"#
    }
""",
)

file(
    "server/Keys.swift",
    r'''
    // FAKE keys, planted for tests.
    let dsaKey = """
    @@pem_dsa@@
    """
    let password = "@@pw11@@"
''',
)

file(
    "server/Crypto.scala",
    r'''
    package crypto

    // FAKE key material.
    object Crypto {
      val key: String =
        """@@pem_rsa@@"""
      val awsSecretAccessKey = "@@aws_secret2@@"
    }
''',
)

file(
    "native/creds.c",
    r"""
    /* FAKE credentials compiled into a test binary. */
    static const char *aws_key_id = "@@aws_id2@@";
    static const char *db_password = "@@pw12@@";
    static const char *openai_key = "@@openai_svc@@";
""",
)

file(
    "native/pgp.cpp",
    r"""
    // FAKE PGP key, used by the signing tests.
    #include <string>

    const std::string kSigningKey = R"(
    @@pem_pgp@@
    )";
""",
)

file(
    "tests/crypto_keys.py",
    r'''
    """Decrypting a PKCS#8 key (FAKE key material, planted for tests)."""

    ENCRYPTED_KEY = b"""
    @@pem_encrypted@@
    """


    def key_is_pem() -> bool:
        return ENCRYPTED_KEY.strip().startswith(b"-----BEGIN")
''',
)


# --- configuration files (scanned, not packed) ----------------------------------------------

file(
    "deploy/.env",
    r"""
    # FAKE environment for local runs
    DATABASE_PASSWORD=@@pw13@@
    HEROKU_API_KEY=@@heroku_new@@
    NPM_TOKEN=@@npm2@@
    REDIS_URL=redis://:@@url_pw_redis@@@cache.internal:6379/0
""",
)

file(
    "deploy/deploy.sh",
    r"""
    #!/bin/sh
    # FAKE credentials exported for the deploy job.
    export AWS_ACCESS_KEY_ID=@@aws_id@@
    export AWS_SECRET_ACCESS_KEY=@@aws_secret3@@
    export DB_PASSWORD="@@pw14@@"
    aws s3 sync ./dist s3://fake-bucket/
""",
)

file(
    "deploy/config.yml",
    r"""
    # FAKE service configuration
    database:
      host: db.internal
      password: @@pw15@@
    slack:
      user_token: "@@slack_user@@"
""",
)

file(
    "deploy/appsettings.json",
    r"""
    {
      "ConnectionStrings": {
        "Default": "Server=db.internal;Database=shop;User Id=sa;Password=@@pw16@@;"
      },
      "Telegram": { "BotToken": "@@telegram2@@" }
    }
""",
)

file(
    "deploy/config.toml",
    r"""
    # FAKE settings
    [database]
    password = "@@pw17@@"

    [registry]
    token = "@@gh_classic@@"
""",
)

file(
    "deploy/setup.cfg",
    r"""
    [server]
    host = mail.internal
    password = @@pw18@@
""",
)

file(
    "deploy/application.properties",
    r"""
    # FAKE Spring settings
    spring.datasource.password=@@pw13@@
    stripe.api-key=@@stripe_sk@@
""",
)

file(
    "deploy/Dockerfile",
    r"""
    FROM python:3.12-slim
    ENV DJANGO_SECRET_KEY=@@django@@
    ENV SENDGRID_API_KEY=@@sendgrid@@
    CMD ["gunicorn", "app.wsgi"]
""",
)

file(
    "deploy/.npmrc",
    r"""
    //registry.npmjs.org/:_authToken=@@npm1@@
""",
)


# ---------------------------------------------------------------------------------------
# The benign corpus: random-looking strings that are not secrets. Each generated line holds
# one; any finding in these files is a false positive.

BENIGN = HERE / "benign"
LOREM = [
    "lorem", "ipsum", "dolor", "sit", "amet", "consectetur", "adipiscing", "elit", "sed", "do",
    "eiusmod", "tempor", "incididunt", "ut", "labore", "et", "dolore", "magna", "aliqua",
]  # fmt: skip
PHRASES = [
    "hello world", "The quick brown fox jumps over the lazy dog", "foobar",
    "Many hands make light work.", "any carnal pleasure.", "codepack test vector 42",
    "user-agent: codepack/1.0", "{\"id\": 7, \"name\": \"demo\"}", "0123456789abcdef",
    "Lorem ipsum dolor sit amet, consectetur adipiscing elit",
]  # fmt: skip


def sha(n_hex: int) -> str:
    return draw(HEX, n_hex)


def b64_digest(n_bytes: int) -> str:
    return base64.b64encode(rng.randbytes(n_bytes)).decode()


def random_uuid() -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def dotted(*ranges: tuple[int, int]) -> str:
    """A four-part version number, each part drawn from its range."""
    return ".".join(str(rng.randint(low, high)) for low, high in ranges)


def go_pseudo_version() -> str:
    """``v0.0.0-<date><time>-<commit>``: Go's version of an untagged commit."""
    day, clock = rng.randint(100, 228), rng.randint(100000, 235959)
    return f"v0.0.0-20231{day}{clock}-{sha(12)}"


def ident() -> str:
    parts = [
        "Abstract",
        "Singleton",
        "Proxy",
        "Factory",
        "Bean",
        "Request",
        "Handler",
        "Default",
        "Configuration",
        "Provider",
        "Resolver",
        "Adapter",
        "Visitor",
    ]
    return "".join(rng.choice(parts) for _ in range(rng.randint(4, 7)))


def benign_files() -> dict[str, list[str]]:
    files: dict[str, list[str]] = {}
    files["app/revisions.py"] = ['"""Pinned upstream sources."""', ""] + [
        rng.choice(
            [
                f'UPSTREAM_COMMIT_{i} = "{sha(40)}"',
                f'pinned[{i}] = "{sha(40)}"  # git rev',
                f'    ("dep{i}", "{sha(40)}"),',
                f'BASE_REF_{i} = "{sha(40)}"',
                f"# fixed upstream in {sha(12)}, see {sha(40)}",
                f'HEAD_{i} = "{sha(40)}"',
            ]
        )
        for i in range(60)
    ]
    files["build/vendored.rs"] = ["// vendored archives, verified by build.rs", ""] + [
        rng.choice(
            [
                f'    ("crate-{i}", "{sha(64)}"),',
                f'const ARCHIVE_{i}: &str = "{sha(64)}";',
                f'checksum = "{sha(64)}"',
            ]
        )
        for i in range(50)
    ]
    files["deps/pins.go"] = (
        ["package deps", "", "var pins = map[string]string{"]
        + [f'\t"{rng.choice(LOREM)}{i}": "{sha(rng.choice((40, 64)))}",' for i in range(30)]
        + ["}"]
    )
    files["Cargo.lock"] = [
        line
        for i in range(12)
        for line in (
            "[[package]]",
            f'name = "crate{i}"',
            f'version = "0.{i}.3"',
            'source = "registry+https://github.com/rust-lang/crates.io-index"',
            f'checksum = "{sha(64)}"',
            "",
        )
    ]
    files["go.sum"] = [
        f"github.com/fake/mod{i} v1.{i}.0{suffix} h1:{b64_digest(32)}"
        for i in range(25)
        for suffix in ("", "/go.mod")
    ]
    files["package-lock.json"] = (
        ["{", '  "packages": {']
        + [
            line
            for i in range(15)
            for line in (
                f'    "node_modules/pkg{i}": {{',
                f'      "version": "{i}.2.1",',
                f'      "resolved": "https://registry.npmjs.org/pkg{i}/-/pkg{i}-{i}.2.1.tgz",',
                f'      "integrity": "sha512-{b64_digest(64)}"',
                "    },",
            )
        ]
        + ["  }", "}"]
    )
    files["web/integrity.js"] = ["// subresource integrity of the CDN scripts"] + [
        f'  {{ src: "https://cdn.example.net/lib{i}.js", integrity: "sha384-{b64_digest(48)}" }},'
        for i in range(20)
    ]
    files["app/ids.java"] = (
        ["class Ids {"]
        + [
            rng.choice(
                [
                    f'    static final UUID ID_{i} = UUID.fromString("{random_uuid()}");',
                    f'    static final String REQUEST_{i} = "{random_uuid()}";',
                    f"    private {ident()} handler{i};",
                    f'    static final String TYPE_{i} = "{ident()}{i}";',
                ]
            )
            for i in range(50)
        ]
        + ["}"]
    )
    files["app/versions.go"] = (
        ["package versions", "", "var known = []string{"]
        + [
            rng.choice(
                [
                    f'\t"{dotted((1, 9), (0, 30), (0, 99), (0, 99))}",',
                    f'\t"{dotted((1, 4), (10, 20), (10, 30), (10, 99))}", // build',
                    f'\t"{go_pseudo_version()}",',
                ]
            )
            for _ in range(40)
        ]
        + ['\t"3.14.15.92",', "}"]
    )
    vectors = []
    for i in range(40):
        phrase = rng.choice(PHRASES) + ("" if i < 10 else f" #{i}")
        encoded = base64.b64encode(phrase.encode()).decode()
        vectors.append(
            rng.choice(
                [
                    f'    ({phrase!r}, "{encoded}"),',
                    f'    assert b64encode({phrase.encode()!r}) == b"{encoded}"',
                    f'    assert decode("{encoded}") == {phrase!r}',
                ]
            )
        )
    files["tests/base64_vectors.py"] = ["VECTORS = [", *vectors, "]"]
    files["web/palette.ts"] = (
        ["export const palette = {"]
        + [
            "  shade{}: [{}],".format(i, ", ".join(f'"#{draw(HEX, n)}"' for n in (6, 6, 6, 8)))
            for i in range(30)
        ]
        + ["};"]
    )
    files["app/urls.py"] = ['"""Endpoints (no credentials)."""'] + [
        rng.choice(
            [
                f'API_{i} = "https://api.example.org/v{rng.randint(1, 3)}/items/{sha(8)}?page={i}"',
                f'DOCS_{i} = "https://docs.python.org/3/library/{rng.choice(LOREM)}.html#{rng.choice(LOREM)}"',
                f'MIRROR_{i} = "https://mirror{i}.fake-cdn.net/releases/{sha(40)}/archive.tar.gz"',
                f'GIT_{i} = "git+https://github.com/fake-org/repo{i}.git@{sha(40)}"',
            ]
        )
        for i in range(40)
    ]
    files["app/lorem.py"] = (
        ['"""'] + [" ".join(rng.choice(LOREM) for _ in range(12)) for _ in range(30)] + ['"""']
    )
    files["app/auth_docs.py"] = [
        '"""How credentials are passed (no values here)."""',
        'password = os.environ["DB_PASSWORD"]',
        "token = get_token(scope)",
        "api_key = settings.API_KEY",
        'secret = "${SECRET_FROM_ENV}"',
        'password_label = "Enter your password"',
        "if not password:",
        "    raise ValueError('password required')",
        'DB_URL = "postgres://{user}:{password}@{host}/db"',
        'TEMPLATE = "%s://%s:%s@%s"',
        "token_type = 'Bearer'",
        "self.password = password",
        'PASSWORD_FIELD = "password"',
        "key = cache_key(request)",
        'sort_key = "created_at"',
    ]
    return files


def write_benign() -> int:
    lines = 0
    for path, text_lines in sorted(benign_files().items()):
        target = BENIGN / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text("\n".join(text_lines) + "\n", encoding="utf-8")
        lines += len(text_lines)
    return lines


def main() -> None:
    manifest: dict[str, list[dict[str, str]]] = {}
    for path, text in sorted(FILES.items()):
        target = PLANTED / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        found = [
            {"kind": kind, "value": value}
            for kind, value in (V[name] for name in sorted(V))
            if value in text
        ]
        manifest[path] = sorted(found, key=lambda item: (item["kind"], item["value"]))
    unused = sorted(
        name for name, (_, value) in V.items() if not any(value in text for text in FILES.values())
    )
    if unused:
        raise SystemExit(f"values planted nowhere: {unused}")
    (HERE / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    write_benign()


if __name__ == "__main__":
    main()
