"""Synthetic corpus generator: many Python repositories with realistic sizes and import graphs.

Used by the throughput benchmark to show how codepack grows with corpus size. Each
repository is a package of modules that import each other (mostly "downward", like real
layered code, with a few back-edges that make cycles, some of them lazy), plus a ``tests/``
tree whose files import the module they test. Module bodies are drawn from real source text
(the local CPython standard library) so that tokenising, hashing and secret scanning see
realistic bytes; every file gets a unique header so exact dedup does not collapse copies.

    python benchmarks/synth.py OUT_DIR --scale 10       # ~10x the stdlib's bytes
"""

from __future__ import annotations

import argparse
import random
import re
import sysconfig
from pathlib import Path


def _stdlib_bodies(limit_bytes: int = 40_000) -> list[str]:
    root = Path(sysconfig.get_paths()["stdlib"])
    bodies = []
    for path in sorted(root.glob("*.py")):
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        lines = [ln for ln in text.splitlines() if not ln.startswith(("import ", "from "))]
        bodies.append("\n".join(lines)[:limit_bytes])
    return bodies


_IDENTIFIER = re.compile(r"\b([a-z][a-z0-9_]{3,})\b")


def _unique(body: str, tag: str) -> str:
    """The body with every longer identifier renamed for this file, so that no two synthetic
    files are near duplicates (dedup would otherwise remove most of the corpus)."""
    return _IDENTIFIER.sub(lambda m: f"{m.group(1)}_{tag}", body)


def stdlib_bytes() -> int:
    """Bytes of the standard library's own .py files (installed packages excluded)."""
    root = Path(sysconfig.get_paths()["stdlib"])
    return sum(p.stat().st_size for p in root.rglob("*.py")
               if p.is_file() and "site-packages" not in p.parts)


def write_repo(out: Path, name: str, n_modules: int, rng: random.Random, bodies: list[str]) -> int:
    """Write one repository; return its size in bytes."""
    pkg = out / name / "src" / name
    tests = out / name / "tests"
    pkg.mkdir(parents=True, exist_ok=True)
    tests.mkdir(parents=True, exist_ok=True)
    (pkg / "__init__.py").write_text(f'"""Package {name}."""\n', encoding="utf-8")
    size = 0
    modules = [f"mod{i:04d}" for i in range(n_modules)]
    for i, mod in enumerate(modules):
        lines = [f'"""{name}.{mod}: synthetic module {i}."""', ""]
        # imports of lower layers: 0-8 of them, biased towards near neighbours
        for j in sorted({rng.randrange(0, i) for _ in range(rng.randint(0, 8))} if i else set()):
            names = ", ".join(f"f{j}_{k}" for k in range(rng.randint(1, 3)))
            lines.append(f"from {name}.{modules[j]} import {names}")
        if i > 2 and rng.random() < 0.05:  # a lazy back-edge: a cycle the author broke
            back = modules[rng.randrange(i + 1, n_modules)] if i + 1 < n_modules else modules[0]
            lines += ["", "def _late():", f"    from {name} import {back}", f"    return {back}"]
        lines += ["", *(f"def f{i}_{k}():\n    return {k}\n" for k in range(3)), ""]
        lines.append(_unique(rng.choice(bodies), f"{name}_{i}"))
        text = "\n".join(lines) + "\n"
        (pkg / f"{mod}.py").write_text(text, encoding="utf-8")
        size += len(text.encode())
        if rng.random() < 0.3:
            test = (f"from {name}.{mod} import f{i}_0\n\n\n"
                    f"def test_{mod}():\n    assert f{i}_0() == 0\n")
            (tests / f"test_{mod}.py").write_text(test, encoding="utf-8")
            size += len(test.encode())
    return size


def generate(out: Path, target_bytes: int, seed: int = 0) -> tuple[int, int]:
    """Write repositories until ``target_bytes``; return (repos, bytes)."""
    rng = random.Random(seed)
    bodies = _stdlib_bodies()
    total = repos = 0
    while total < target_bytes:
        # repository sizes are heavy-tailed: most small, a few large (capped, so that at 1x
        # no single repository dominates the corpus and worker scaling can be measured)
        n_modules = min(400, max(3, int(rng.paretovariate(1.2) * 8)))
        total += write_repo(out, f"repo{repos:05d}", n_modules, rng, bodies)
        repos += 1
    return repos, total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--scale", type=float, default=1.0, help="multiple of the stdlib's bytes")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    repos, size = generate(args.out, int(stdlib_bytes() * args.scale), args.seed)
    print(f"wrote {repos} repositories, {size / 1e6:.1f} MB to {args.out}")


if __name__ == "__main__":
    main()
