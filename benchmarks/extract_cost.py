"""CPU cost of import extraction and resolution for one language, next to the bare
tree-sitter parse and query it cannot avoid.

    python benchmarks/extract_cost.py CORPUS [--lang rust] [--rounds 7]

``CORPUS/<repo>/`` is a folder of repositories. Each round parses and queries every file
(``parse+query``), then extracts every file (``extract``: parse, query and the Python that
turns matches into imports) and resolves each repository (``resolve``). CPU time, minimum
over the rounds, measured in one process so that a loaded machine slows every part alike;
``python`` = extract - parse+query is what the normalisers cost.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import tree_sitter

from codepack.graph.languages.extract import _parser, _query, extract_file
from codepack.graph.languages.registry import language_for_path
from codepack.graph.resolve import resolve_repo
from codepack.inputs import AUX_FILE_NAMES


def load(corpus: Path, language: str) -> list[tuple[list[tuple[str, str]], dict[str, str]]]:
    """(files of ``language``, config files) of every repository of the corpus."""
    repos = []
    for repo in sorted(p for p in corpus.iterdir() if p.is_dir()):
        files, aux = [], {}
        for path in sorted(p for p in repo.rglob("*") if p.is_file()):
            rel = path.relative_to(repo).as_posix()
            if path.name in AUX_FILE_NAMES:
                aux[rel] = path.read_text(errors="replace")
                continue
            lang = language_for_path(rel)
            if lang is not None and lang.name == language:
                files.append((rel, path.read_text(errors="replace")))
        repos.append((files, aux))
    return repos


def measure(repos, language: str, rounds: int) -> dict[str, float]:
    times: dict[str, list[float]] = {"parse+query": [], "extract": [], "resolve": []}
    for _ in range(rounds):
        started = time.process_time()
        for files, _aux in repos:
            for _path, text in files:
                tree = _parser(language).parse(text.encode("utf-8", "replace"))
                tree_sitter.QueryCursor(_query(language)).matches(tree.root_node)
        times["parse+query"].append(time.process_time() - started)
        started = time.process_time()
        extracted = [[(p, language, extract_file(text, language).imports) for p, text in files]
                     for files, _aux in repos]
        times["extract"].append(time.process_time() - started)
        started = time.process_time()
        for found, (_files, aux) in zip(extracted, repos, strict=True):
            resolve_repo(found, aux)
        times["resolve"].append(time.process_time() - started)
    best = {name: min(values) for name, values in times.items()}
    best["python"] = best["extract"] - best["parse+query"]
    best["extract+resolve"] = best["extract"] + best["resolve"]
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--lang", default="rust")
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    repos = load(args.corpus, args.lang)
    n_files = sum(len(files) for files, _ in repos)
    n_bytes = sum(len(text) for files, _ in repos for _, text in files)
    figures = measure(repos, args.lang, args.rounds)
    print(f"{len(repos)} repositories, {n_files} files, {n_bytes / 1e6:.1f} MB of {args.lang}")
    for name, seconds in figures.items():
        print(f"{name:<16} {seconds:7.3f} s")


if __name__ == "__main__":
    main()
