"""The stage layout's mechanical move, and the import rewrite for code written before it.

``python tools/relayout_imports.py rewrite`` (from the repository root) rewrites every
``codepack.<old module>`` name in src, tests, benchmarks and docs to its package by stage
(``codepack.pipeline`` -> ``codepack.run.pipeline``, ``from codepack import dedup`` ->
``from codepack.dedup import plan as dedup``, ``codepack/languages/`` paths, ...). Run it after
merging a branch that predates the layout; it is idempotent (already-moved names are left
alone). ``move`` is the ``git mv`` step that made the layout, kept as its record.
"""
import ast
import re
import subprocess
import sys
import textwrap
from pathlib import Path

# old module path (dotted, under codepack) -> new dotted path
MOVES = {
    # scan
    "classify": "scan.classify",
    "filters": "scan.filters",
    "secrets": "scan.secrets",
    "scan_steps": "scan.steps",
    # inputs
    "wildmatch": "inputs.wildmatch",
    # graph
    "languages": "graph.languages",
    "resolvers": "graph.resolvers",
    "resolve": "graph.resolve",
    "graph": "graph.build",
    "order": "graph.order",
    "pairing": "graph.pairing",
    # examples
    "examples": "examples.cut",
    "tokens": "examples.tokens",
    "formats": "examples.formats",
    "fim": "examples.fim",
    # dedup
    "dedup": "dedup.plan",
    # output
    "writer": "output.writer",
    "remote": "output.remote",
    "stats": "output.stats",
    "card": "output.card",
    "outputs": "output.outputs",
    "outdir": "output.outdir",
    "reassemble": "output.reassemble",
    "html_explain": "output.html_explain",
    # run
    "pipeline": "run.pipeline",
    "run": "run.driver",
    "executors": "run.executors",
    "workfiles": "run.workfiles",
    "fingerprint": "run.fingerprint",
}
PACKAGES = {
    "scan": "Per-file scan stage: judge each file's bytes (classify, quality, secrets) as an "
            "ordered chain of steps (``steps.SCAN_STEPS``).",
    "graph": "Graph stage: read imports (``languages/``), resolve them to files (``resolve``, "
             "``resolvers/``), build the dependency graph (``build``), pair tests and order files.",
    "examples": "Example stage: count tokens, cut ordered files into examples under the budget "
                "(``cut``), apply FIM and render an output format.",
    "dedup": "Global dedup stage: exact and MinHash-LSH near duplicates across every repository.",
    "output": "Output stage: Parquet shards, file names and atomic writes, the output folder's "
              "contract, remote targets, run figures, the dataset card and the explain page.",
    "run": "A whole run: the per-repository stages (``pipeline``), the passes, shards and "
           "resume (``driver``), spilled work files and where tasks run (``executors/``).",
}

SRC = Path("src/codepack")


def git(*args: str) -> None:
    subprocess.run(["git", *args], check=True)


def do_moves() -> None:
    """``git mv`` every module of ``MOVES``; a module whose name becomes its package's goes
    through a temporary name first. Then one docstring-only ``__init__.py`` per package."""
    for old, new in MOVES.items():
        module = SRC / (old.replace(".", "/") + ".py")
        src = module if module.is_file() else SRC / old.replace(".", "/")
        assert src.exists(), src
        dst = SRC / new.replace(".", "/")
        if src.suffix == ".py":
            dst = dst.with_suffix(".py")
        if src.suffix == ".py" and old == new.split(".")[0]:
            tmp = SRC / f"_tmp_{old}.py"
            git("mv", str(src), str(tmp))
            src = tmp
        dst.parent.mkdir(parents=True, exist_ok=True)
        git("mv", str(src), str(dst))
    for pkg, doc in PACKAGES.items():
        init = SRC / pkg / "__init__.py"
        assert not init.exists(), init
        init.write_text(f'"""{textwrap.fill(doc, 96)}\n"""\n')
        git("add", str(init))


ALT = sorted(MOVES, key=len, reverse=True)
# a new package that was an old module (graph, dedup, examples, run): a dotted name that
# goes on into one of its new children is already rewritten (keeps the rewrite idempotent)
_CHILDREN = {}
for _new in MOVES.values():
    _pkg, _, _rest = _new.partition(".")
    _CHILDREN.setdefault(_pkg, set()).add(_rest.split(".")[0])
_NEW_CHILD = "|".join(
    re.escape(f"{pkg}.{child}") for pkg in MOVES if pkg in _CHILDREN
    for child in sorted(_CHILDREN[pkg]))
_NEW_IMPORT = "|".join(
    re.escape(pkg) + r"\s+import\s+(?:" + "|".join(sorted(_CHILDREN[pkg])) + r")\b"
    for pkg in MOVES if pkg in _CHILDREN)
DOTTED = re.compile(r"\bcodepack\.(?!(?:" + _NEW_CHILD + r")(?![\w]))(?!(?:" + _NEW_IMPORT
                    + r"))(" + "|".join(re.escape(a) for a in ALT) + r")(?![\w])")
_SLASHED_OLD = "|".join(re.escape(a.replace(".", "/")) for a in ALT)
SLASHED = re.compile(r"\bcodepack/(?!(?:" + _NEW_CHILD.replace("\\.", "/") + r")(?![\w]))("
                     + _SLASHED_OLD + r")(?=\.py\b|/)")


def rewrite_from_codepack(text: str) -> str:
    """`from codepack import a, b` where a module moved -> one import per moved module."""
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return text
    lines = text.splitlines(keepends=True)
    edits = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "codepack" and node.level == 0:
            moved = [a for a in node.names if a.name in MOVES]
            if not moved:
                continue
            kept = [a for a in node.names if a.name not in MOVES]
            indent = re.match(r"\s*", lines[node.lineno - 1]).group(0)
            # keep a trailing comment of the first line (noqa)
            first = lines[node.lineno - 1]
            comment = ""
            if node.lineno == node.end_lineno and "#" in first:
                comment = "  " + first[first.index("#"):].rstrip("\n")
            out = []
            if kept:
                names = ", ".join(a.name + (f" as {a.asname}" if a.asname else "") for a in kept)
                out.append(f"{indent}from codepack import {names}{comment}\n")
            for a in moved:
                new = MOVES[a.name]
                parent, _, base = new.rpartition(".")
                alias = a.asname or a.name
                tail = f" as {alias}" if alias != base else ""
                out.append(f"{indent}from codepack.{parent} import {base}{tail}{comment}\n")
            edits.append((node.lineno - 1, node.end_lineno, out))
    for start, end, out in sorted(edits, reverse=True):
        lines[start:end] = out
    return "".join(lines)


def rewrite(path: Path) -> bool:
    text = path.read_text()
    new = DOTTED.sub(lambda m: "codepack." + MOVES[m.group(1)], text)
    new = rewrite_from_codepack(new) if path.suffix == ".py" else new
    new = SLASHED.sub(
        lambda m: "codepack/" + MOVES[m.group(1).replace("/", ".")].replace(".", "/"), new)
    if new != text:
        path.write_text(new)
        return True
    return False


if __name__ == "__main__":
    if sys.argv[1] == "move":
        do_moves()
    else:
        listed = ["src", "tests", "benchmarks", "docs", "README.md", "DEVELOPERS.md"]
        files = subprocess.run(["git", "ls-files", *listed],
                               capture_output=True, text=True, check=True).stdout.split()
        changed = [f for f in files if Path(f).suffix in {".py", ".md", ".scm", ".toml", ".txt"}
                   and Path(f).is_file() and rewrite(Path(f))]
        print(len(changed), "files rewritten")
