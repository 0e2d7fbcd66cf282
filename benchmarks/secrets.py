"""Secrets redaction: leaks on the planted corpus, false positives on the benign one, speed.

    python benchmarks/secrets.py            # planted + benign figures
    python benchmarks/secrets.py --speed    # also MB/s of redact() on the CPython stdlib
    python benchmarks/secrets.py --compare /work/main/src --root /tmp/mixed --rounds 3
        # redact() of another checkout (its src folder) against this one: every file's
        # output must be equal; CPU seconds of each, interleaved rounds, medians

The corpora are tests/data/secrets (written by its make_corpus.py). A planted secret leaks
when its text, or any 8-character piece of it that the file holds nowhere else, is still in
the redacted text; a false positive is any finding in the benign corpus. Speed numbers
depend on the machine and its load (report the best of a few runs on a shared one).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import pickle
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

import codepack
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


def text_files(root: Path, limit: int = 1_000_000) -> list[tuple[str, str]]:
    """(relative path, text) of every UTF-8 file under ``root`` up to ``limit`` bytes, out
    of ``.git`` and installed packages: a superset of what a pack of ``root`` hands to the
    secrets step."""
    skipped = {".git", "site-packages", "dist-packages"}
    files = []
    for path in sorted(root.rglob("*")):
        if skipped.intersection(path.relative_to(root).parts):
            continue
        if not path.is_file() or path.stat().st_size > limit:
            continue
        try:
            files.append((str(path.relative_to(root)), path.read_text(encoding="utf-8")))
        except (UnicodeDecodeError, OSError):
            continue
    return files


def redact_all(inputs: Path, output: Path) -> None:
    """Worker of ``--compare``: redact every file with the ``codepack`` on ``sys.path``
    and write each output's digest and the CPU seconds the redaction took."""
    files: list[tuple[str, str]] = pickle.loads(inputs.read_bytes())
    redact("warm-up", "x.py")  # plugins and compiled patterns are built once per process
    started = time.process_time()
    results = [redact(text, path) for path, text in files]
    cpu = time.process_time() - started
    digests = [
        hashlib.sha256(
            repr((text, [(f.kind, f.line, f.placeholder) for f in findings])).encode()
        ).hexdigest()
        for text, findings in results
    ]
    output.write_text(json.dumps({"cpu": cpu, "digests": digests}), encoding="utf-8")


def compare(other_src: Path, root: Path, rounds: int) -> int:
    """Interleaved rounds of ``redact()`` in two processes, one per checkout (A B A B ...):
    CPU medians, and every file whose output differs."""
    this_src = Path(codepack.__file__).resolve().parents[1]
    files = text_files(root)
    n_bytes = sum(len(text.encode()) for _, text in files)
    cpu: dict[Path, list[float]] = {other_src: [], this_src: []}
    digests: dict[Path, list[str]] = {}
    script = str(Path(__file__).resolve())
    with tempfile.TemporaryDirectory() as scratch:
        inputs = Path(scratch) / "inputs.pkl"
        inputs.write_bytes(pickle.dumps(files))
        for _ in range(rounds):
            for src in (other_src, this_src):
                output = Path(scratch) / "output.json"
                env = {**os.environ, "PYTHONPATH": str(src)}
                worker = [sys.executable, script, "--redact-all", str(inputs), str(output)]
                subprocess.run(worker, env=env, check=True)
                result = json.loads(output.read_text(encoding="utf-8"))
                cpu[src].append(result["cpu"])
                digests[src] = result["digests"]
    differing = [
        path
        for (path, _), a, b in zip(files, digests[other_src], digests[this_src], strict=True)
        if a != b
    ]
    print(f"{len(files)} files, {n_bytes / 1e6:.1f} MB under {root}, {rounds} rounds")
    for label, src in (("other", other_src), ("this ", this_src)):
        median = statistics.median(cpu[src])
        rates = ", ".join(f"{c:.2f}" for c in cpu[src])
        print(
            f"  {label} {src}: CPU median {median:.2f} s ({n_bytes / 1e6 / median:.1f} MB/s); "
            f"rounds {rates}"
        )
    print(f"  files whose redaction differs: {len(differing)}")
    for path in differing[:20]:
        print(f"    {path}")
    return 1 if differing else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--speed", action="store_true", help="time redact() on the stdlib")
    parser.add_argument("--root", type=Path, default=Path(sysconfig.get_paths()["stdlib"]))
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--compare", type=Path, metavar="SRC", help="another checkout's src folder to compare"
    )
    parser.add_argument("--redact-all", nargs=2, type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.redact_all:
        redact_all(*args.redact_all)
        return 0
    if args.compare:
        return compare(args.compare.resolve(), args.root, args.rounds)
    planted()
    benign()
    if args.speed:
        speed(args.root, args.rounds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
