"""Check codepack's Go edges for GOROOT's ``cmd`` module against ``go list`` in a real GOROOT.

The shared oracle lists a ``module std`` tree through a fake GOROOT, where the nested ``module
cmd`` cannot be listed (its vendored modules are not found), so it reports no edges from
``cmd/``. When the corpus repository is a copy of the installed Go's own ``src`` (as
``benchmarks/corpora/go.sh`` makes it), ``go list`` run in the installed GOROOT gives the
same tree's ground truth for ``cmd`` too::

    python benchmarks/go_goroot_check.py /tmp/corpus-go/std /usr/lib/go-1.19/src

Recall counts only edges whose target codepack packs (generated files and ``vendor/`` are
skipped by the scan); precision counts every codepack edge from a ``cmd/`` file outside
``testdata/``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
from pathlib import Path

import codepack

_OWN = ("GoFiles", "CgoFiles", "TestGoFiles", "XTestGoFiles", "IgnoredGoFiles")


def go_list(cwd: Path, pattern: str) -> list[dict]:
    env = {**os.environ, "GOFLAGS": "-mod=vendor", "GOPROXY": "off", "CGO_ENABLED": "1"}
    if pattern == "std":
        env["GOFLAGS"] = ""
    out = subprocess.run(
        ["go", "list", "-e", "-json", pattern], cwd=cwd, env=env, capture_output=True, text=True
    ).stdout
    decoder, position, packages = json.JSONDecoder(), 0, []
    while True:
        while position < len(out) and out[position].isspace():
            position += 1
        if position >= len(out):
            return packages
        package, position = decoder.raw_decode(out, position)
        packages.append(package)


def files(package: dict, *keys: str) -> list[str]:
    prefix = package["_rel"] + "/" if package["_rel"] else ""
    return [prefix + name for key in keys for name in package.get(key) or []]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("repo", type=Path, help="the corpus copy of Go's src")
    parser.add_argument("goroot_src", type=Path, help="the installed GOROOT's src")
    args = parser.parse_args()
    src = os.path.realpath(args.goroot_src)
    packages = go_list(args.goroot_src / "cmd", "./...") + go_list(args.goroot_src, "std")
    by_path = {}
    for package in packages:
        folder = os.path.realpath(package.get("Dir", ""))
        if folder == src or folder.startswith(src + "/"):
            relative = os.path.relpath(folder, src)
            package["_rel"] = "" if relative == "." else relative
            by_path[package["ImportPath"]] = package
    report = codepack.deps(args.repo)
    packed = {f["path"]: f for f in report["files"]}
    truth: set[tuple[str, str]] = set()
    for package in by_path.values():
        if not package["_rel"].startswith("cmd/"):
            continue
        import_map = package.get("ImportMap") or {}
        for path in files(package, *_OWN):
            for imp in packed.get(path, {}).get("imports", ()):
                target = by_path.get(import_map.get(imp["spec"], imp["spec"]))
                if target is not None:
                    truth.update((path, t) for t in files(target, "GoFiles", "CgoFiles"))
    ours = {
        (f["path"], t)
        for f in report["files"]
        if f["path"].startswith("cmd/") and "/testdata/" not in f["path"]
        for imp in f["imports"]
        for t in imp["resolved"]
    }
    reachable = {(a, b) for a, b in truth if b in packed}
    found = len(reachable & ours)
    print(
        f"go list edges {len(truth)} (to packed files {len(reachable)}), codepack {len(ours)}, "
        f"recall {found / max(len(reachable), 1):.3f}, "
        f"precision {len(truth & ours) / max(len(ours), 1):.3f}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
