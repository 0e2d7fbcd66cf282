"""Secrets redaction: leaks on the planted corpus, false positives on the benign one, speed.

    python benchmarks/secrets.py            # planted + benign figures
    python benchmarks/secrets.py --speed    # also MB/s of redact() on the CPython stdlib

The corpora are tests/data/secrets (written by its make_corpus.py). A planted secret leaks
when its text, or any 8-character piece of it that the file holds nowhere else, is still in
the redacted text; a false positive is any finding in the benign corpus. Speed numbers
depend on the machine and its load (report the best of a few runs on a shared one).
"""

from __future__ import annotations

import argparse
import json
import sys
import sysconfig
import time
from pathlib import Path

from codepack.scan.secrets import redact, scan

CORPUS = Path(__file__).resolve().parents[1] / "tests" / "data" / "secrets"
WINDOW = 8


def leaked(original: str, output: str, values: list[str]) -> list[str]:
    """Planted values whose text, or a piece of it found only inside secrets, survived."""
    rest = original
    for value in values:
        rest = rest.replace(value, "\0")
    return [
        value
        for value in values
        if value in output
        or any(
            value[i : i + WINDOW] in output and value[i : i + WINDOW] not in rest
            for i in range(len(value) - WINDOW + 1)
        )
    ]


def planted() -> None:
    manifest: dict[str, list[dict[str, str]]] = json.loads(
        (CORPUS / "manifest.json").read_text(encoding="utf-8")
    )
    items = [item for entries in manifest.values() for item in entries]
    leaks: list[tuple[str, str]] = []
    for path, entries in sorted(manifest.items()):
        text = (CORPUS / "planted" / path).read_text(encoding="utf-8")
        redacted, _ = redact(text, path)
        leaks += [(path, v) for v in leaked(text, redacted, [e["value"] for e in entries])]
    kinds = len({item["kind"] for item in items})
    print(
        f"planted: {len(items)} secrets of {kinds} kinds in {len(manifest)} files, "
        f"leaked {len(leaks)}"
    )
    for path, value in leaks:
        print(f"  leak in {path}: {value[:12]}...")


def benign() -> None:
    lines = findings = 0
    for file in sorted((CORPUS / "benign").rglob("*")):
        if file.is_file():
            text = file.read_text(encoding="utf-8")
            lines += text.count("\n")
            found = scan(text, str(file.relative_to(CORPUS / "benign")))
            findings += len(found)
            for finding in found:
                print(f"  false positive: {file.name}:{finding.line} {finding.kind}")
    print(f"benign: {lines} lines, {findings} false positives")


def speed(root: Path, rounds: int) -> None:
    texts = []
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root)
        if relative.parts[0] in ("site-packages", "dist-packages"):
            continue
        try:
            texts.append((str(relative), path.read_text(encoding="utf-8")))
        except (UnicodeDecodeError, OSError):
            continue
    n_bytes = sum(len(text.encode()) for _, text in texts)
    best = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        redacted = sum(1 for path, text in texts if redact(text, path)[1])
        best = min(best, time.perf_counter() - started)
    print(
        f"speed: {len(texts)} stdlib files, {n_bytes / 1e6:.1f} MB: "
        f"{n_bytes / 1e6 / best:.1f} MB/s (best of {rounds}); {redacted} files redacted"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--speed", action="store_true", help="time redact() on the stdlib")
    parser.add_argument("--root", type=Path, default=Path(sysconfig.get_paths()["stdlib"]))
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    planted()
    benign()
    if args.speed:
        speed(args.root, args.rounds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
