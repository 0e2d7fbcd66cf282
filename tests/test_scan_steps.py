"""The per-file scan chain is a visible tuple of steps a library user can reorder or extend."""

from __future__ import annotations

from codepack.api import scan_files
from codepack.config import HygieneConfig, PackConfig
from codepack.records import SkippedFile, SkipReason
from codepack.scan.steps import (
    SCAN_STEPS,
    FileRecord,
    ScanContext,
    check_quality,
    classify_file,
    extract_imports,
    handle_secrets,
    run_steps,
)

FILES = [
    ("app/main.py", "import app.util\n\nprint(app.util.VALUE)\n"),
    ("app/util.py", "VALUE = 1\n"),
    ("app/tables.py", "ROWS = [\n" + "    'alpha_beta_gamma',\n" * 20 + "]\n"),
]


def test_the_default_chain_runs_every_stage_in_order() -> None:
    names = [step.__name__ for step in SCAN_STEPS]
    assert names == ["classify_file", "check_quality", "check_contamination",
                     "handle_secrets", "extract_imports"]


def test_the_default_chain_is_what_scan_files_runs() -> None:
    default = scan_files("demo", FILES)
    explicit = scan_files("demo", FILES, steps=SCAN_STEPS)
    assert default == explicit
    main = next(f for f in default.files if f.path == "app/main.py")
    assert [ref.spec for ref in main.imports] == ["app.util"]


def test_an_added_step_can_skip_files_with_its_own_reason() -> None:
    def no_tables(record: FileRecord, context: ScanContext) -> FileRecord | SkippedFile:
        if record.path.endswith("tables.py"):
            return SkippedFile(record.path, SkipReason.LOW_QUALITY, "data table")
        return record

    scan = scan_files("demo", FILES, steps=(SCAN_STEPS[0], no_tables, *SCAN_STEPS[1:]))
    assert [f.path for f in scan.files] == ["app/main.py", "app/util.py"]
    assert [(s.path, s.detail) for s in scan.skipped] == [("app/tables.py", "data table")]


def test_a_chain_without_extraction_keeps_files_without_imports() -> None:
    scan = scan_files("demo", FILES, steps=(classify_file, check_quality))
    assert [f.path for f in scan.files] == ["app/main.py", "app/tables.py", "app/util.py"]
    assert all(f.imports == () for f in scan.files)


def test_the_chain_stops_at_the_first_skip() -> None:
    seen: list[str] = []

    def spy(record: FileRecord, context: ScanContext) -> FileRecord | SkippedFile:
        seen.append(record.path)
        return record

    config = PackConfig(hygiene=HygieneConfig(secrets="drop"))
    key = "-----BEGIN RSA PRIVATE KEY-----\n" + "MIIEowIBAAKCAQEA7Vx1\n" * 6 \
        + "-----END RSA PRIVATE KEY-----\n"
    record = FileRecord("keys.py", f'KEY = """{key}"""\n'.encode())
    outcome = run_steps(record, ScanContext("demo", config),
                        (classify_file, handle_secrets, spy, extract_imports))
    assert isinstance(outcome, SkippedFile) and outcome.reason is SkipReason.SECRETS
    assert seen == []
