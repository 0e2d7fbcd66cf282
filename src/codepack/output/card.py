"""The dataset card: a ``README.md`` beside the shards that the Hugging Face Hub reads.

The YAML front matter declares one ``default`` config whose ``train`` split is
``part-*.parquet``, so ``load_dataset(<folder or Hub repo>)`` reads the examples and not the
audit file beside them. The prose says what produced the data (command line, version,
configuration) and shows the figures of ``codepack.output.stats.collect`` as tables, plus PNG plots
in ``plots/`` when matplotlib is installed (``pip install 'codepack[report]'``). The card and the
plots hold no timestamps or local paths, so the same run gives byte-identical files.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from codepack.output.outputs import CARD_FILE, DATA_FILES, PLOTS_DIR, atomic_write
from codepack.output.writer import EXAMPLE_SCHEMA

REPORT_EXTRA = "pip install 'codepack[report]'"
MAX_BARS = 15  # longer bar charts get an "other" bar: a plot must stay readable
MAX_LANGUAGE_TAGS = 15

COLUMN_DOCS = {
    "repo": "repository the example comes from",
    "example_index": "position of the example within its repository (0-based)",
    "text": "the packed text: files in dependency order, with separators and FIM sentinels",
    "n_tokens": "tokens in `text`, counted by the run's token counter",
    "n_files": "distinct files in the example",
    "paths": "path of each file piece, in order",
    "languages": "language of each file piece",
    "file_parts": "0-based part index of each piece (files longer than the budget are split)",
    "file_n_parts": "number of parts the piece's file was split into",
    "order_reasons": "why each piece sits where it does: dependency, test_of, alphabetical, random",
    "fim_modes": "fill-in-the-middle mode of each piece: none, psm or spm",
}

# Hub size buckets by number of rows
SIZE_CATEGORIES = (
    (1_000, "n<1K"),
    (10_000, "1K<n<10K"),
    (100_000, "10K<n<100K"),
    (1_000_000, "100K<n<1M"),
    (10_000_000, "1M<n<10M"),
    (100_000_000, "10M<n<100M"),
    (1_000_000_000, "100M<n<1B"),
)


def write_card(
    out_dir: str | Path,
    stats: Mapping[str, Any],
    manifest: Mapping[str, Any],
    command: str | None = None,
) -> Path:
    """Write ``README.md`` (and ``plots/*.png`` when matplotlib is installed) into ``out_dir``.

    ``stats`` is ``codepack.output.stats.collect(out_dir)``; ``manifest`` the run's manifest dict;
    ``command`` the command line that produced the data, shown verbatim when given.
    Returns the card's path.
    """
    write_card_files(out_dir, stats, manifest, command)
    return Path(out_dir) / CARD_FILE


def write_card_files(
    out_dir: str | Path,
    stats: Mapping[str, Any],
    manifest: Mapping[str, Any],
    command: str | None = None,
) -> list[str]:
    """``write_card``, returning every path written relative to ``out_dir`` (the card, then
    the plots), so that a run can record exactly which files are its own."""
    out = Path(out_dir)
    plots = write_plots(out / PLOTS_DIR, stats, manifest)
    # an input path that is not UTF-8 (surrogate-escaped by the OS) is shown as \udcXX
    text = render_card(stats, manifest, command, plots).encode("utf-8", "backslashreplace")
    atomic_write(out / CARD_FILE, text)
    return [CARD_FILE, *sorted((plots or {}).values())]


def render_card(
    stats: Mapping[str, Any],
    manifest: Mapping[str, Any],
    command: str | None,
    plots: Mapping[str, str] | None,
) -> str:
    """The card's Markdown. ``plots`` maps plot names to paths relative to the card; None
    means matplotlib is missing, and the card says how to get the plots."""
    config = manifest.get("config")
    config = config if isinstance(config, dict) else {}
    examples_config = _examples_config(manifest)
    sections = [
        front_matter(stats),
        _intro(stats, manifest, examples_config),
        _loading(),
        _provenance(manifest, command, config),
        _overview(stats),
        _lengths(stats, plots),
        _languages(stats, plots),
        _ordering(stats),
        _fim(stats, examples_config),
        _removals(stats, plots),
        _schema(),
        _licensing(),
    ]
    if plots is None:
        sections.append(f"*Plots are not included: matplotlib is not installed. "
                        f"Run `{REPORT_EXTRA}` and write the card again to get them.*\n")
    if stats.get("warnings"):
        sections.append("## Warnings\n\n" + "".join(f"- {_inline(w)}\n"
                                                    for w in stats["warnings"]))
    return "\n".join(s for s in sections if s)


def _examples_config(manifest: Mapping[str, Any]) -> Mapping[str, Any]:
    config = manifest.get("config")
    examples = config.get("examples") if isinstance(config, dict) else None
    return examples if isinstance(examples, dict) else {}


def front_matter(stats: Mapping[str, Any]) -> str:
    """YAML metadata in the Hub's dataset-card format (strings JSON-quoted: valid YAML)."""
    languages = [row["language"] for row in stats.get("languages", [])][:MAX_LANGUAGE_TAGS]
    tags = ["code", "codepack", "multi-file-packing", *languages]
    lines = [
        "---",
        "license: other",
        f"license_name: {_q('source-repository-licenses')}",
        "language:",
        "- code",
        "task_categories:",
        "- text-generation",
        "size_categories:",
        f"- {_q(size_category(int(stats.get('examples', 0))))}",
        "tags:",
        *(f"- {_q(tag)}" for tag in _unique(tags)),
        f"pretty_name: {_q('codepack multi-file packed code')}",
        "configs:",
        "- config_name: default",
        "  data_files:",
        "  - split: train",
        f"    path: {_q(DATA_FILES)}",
        "---",
    ]
    return "\n".join(lines) + "\n"


def size_category(rows: int) -> str:
    for limit, label in SIZE_CATEGORIES:
        if rows < limit:
            return label
    return "n>1B"


def _intro(stats: Mapping[str, Any], manifest: Mapping[str, Any],
           examples_config: Mapping[str, Any]) -> str:
    version = manifest.get("codepack_version") or stats.get("codepack_version") or "unknown"
    budget = examples_config.get("max_tokens")
    fmt = examples_config.get("format")
    budget_text = f" of at most {budget:,} tokens" if isinstance(budget, int) else ""
    format_text = f" in the `{_inline(str(fmt))}` format" if fmt else ""
    return (
        "# Multi-file packed code\n\n"
        f"Training examples for code language models, written by codepack {_inline(version)}. "
        "Within each repository, files are ordered by their import graph (a file comes after "
        "the files it imports), unit tests sit right after the code they test, and the ordered "
        f"files are cut into examples{budget_text}{format_text}, some of them "
        "fill-in-the-middle transformed. "
        f"{stats.get('examples', 0):,} examples, {stats.get('tokens', 0):,} tokens from "
        f"{stats.get('repos', 0):,} repositories.\n"
    )


def _loading() -> str:
    return (
        "## Loading\n\n"
        "```python\n"
        "from datasets import load_dataset\n\n"
        f'ds = load_dataset("parquet", data_files="{DATA_FILES}", split="train")\n'
        "```\n\n"
        "`dropped.parquet` lists every file that was not packed, or was changed, with the "
        "stage and reason; `manifest.json` holds the configuration, versions and counters.\n"
    )


def _provenance(manifest: Mapping[str, Any], command: str | None,
                config: Mapping[str, Any]) -> str:
    parts = ["## How this data was made\n"]
    if command:
        parts.append(f"Command:\n\n{_fence(command, 'shell')}")
    else:
        parts.append("The command line was not recorded; the configuration below reproduces "
                     "the run.\n")
    facts = {"codepack": manifest.get("codepack_version"), "Python": manifest.get("python"),
             "schema version": manifest.get("schema_version")}
    counter = manifest.get("token_counter")
    if isinstance(counter, dict) and counter.get("name"):
        exact = "exact" if counter.get("exact") else "approximate"
        facts["token counter"] = f"{counter['name']} ({exact})"
    known = [(k, v) for k, v in facts.items() if v is not None]
    parts.append(_table(("software", "version"), known))
    dependencies = manifest.get("dependencies")
    if isinstance(dependencies, dict) and dependencies:
        versions = ", ".join(f"{k} {v}" for k, v in sorted(dependencies.items()))
        parts.append(f"Libraries: {_inline(versions)}.\n")
    if config:
        parts.append("<details>\n<summary>Configuration (PackConfig)</summary>\n\n"
                     f"{_fence(json.dumps(config, indent=2, sort_keys=True), 'json')}\n"
                     "</details>\n")
    return "\n".join(parts)


def _overview(stats: Mapping[str, Any]) -> str:
    files = stats.get("files", {})
    dedup = stats.get("dedup", {})
    rows = [
        ("repositories", stats.get("repos", 0)),
        ("files seen", files.get("seen", 0)),
        ("files packed", files.get("packed", 0)),
        ("files skipped or removed", files.get("skipped_total", 0)),
        ("files with secrets redacted", files.get("redacted", 0)),
        ("examples", stats.get("examples", 0)),
        ("tokens", stats.get("tokens", 0)),
        ("Parquet shards", stats.get("shards", {}).get("files", 0)),
        ("exact duplicate files removed", dedup.get("files_exact", 0)),
        ("near duplicate files removed", dedup.get("files_near", 0)),
        ("duplicate clusters", dedup.get("clusters", 0)),
    ]
    if dedup.get("repos_dropped"):
        rows.append(("duplicate repositories removed", dedup["repos_dropped"]))
    return "## Contents\n\n" + _table(("figure", "value"), rows)


def _lengths(stats: Mapping[str, Any], plots: Mapping[str, str] | None) -> str:
    lengths = stats.get("example_tokens", {})
    keys = ("count", "min", "p10", "p50", "p90", "max", "mean")
    text = "## Example length\n\nTokens per example.\n\n"
    text += _table(keys, [tuple(lengths.get(k, 0) for k in keys)])
    return text + _plot(plots, "example_lengths", "Histogram of tokens per example")


def _languages(stats: Mapping[str, Any], plots: Mapping[str, str] | None) -> str:
    rows = [(r["language"], r["files"], r["tokens"], f"{r['token_share']:.1%}")
            for r in stats.get("languages", [])]
    if not rows:
        return ""
    text = ("## Languages\n\nFiles packed and tokens per language (tokens of an example are "
            "split evenly over its file pieces, so the token split is approximate).\n\n")
    text += _table(("language", "files", "tokens", "token share"), rows)
    return text + _plot(plots, "tokens_by_language", "Tokens per language")


def _ordering(stats: Mapping[str, Any]) -> str:
    graph = stats.get("graph", {})
    labels = {
        "imports_found": "imports found",
        "imports_resolved": "imports resolved to a file of the repository",
        "imports_unresolved": "imports not resolved (external or missing)",
        "edges_found": "dependency edges found",
        "edges_kept": "dependency edges kept",
        "edges_removed_for_cycles": "edges removed to break cycles",
        "files_by_dependency": "files placed by the dependency order",
        "files_by_test": "test files placed after the code they test",
        "files_by_fallback": "files placed alphabetically (not in the graph)",
        "components": "connected components",
        "largest_component": "files in the largest component",
    }
    rows = [(labels.get(k, k.replace("_", " ")), v) for k, v in graph.items()
            if k != "resolved_share"]
    order = stats.get("order", {})
    text = "## Ordering and the dependency graph\n\n" + _table(("figure", "value"), rows)
    if order:
        text += ("\nFile pieces in the data by the reason for their place:\n\n"
                 + _table(("reason", "file pieces"), sorted(order.items())))
    return text


def _fim(stats: Mapping[str, Any], examples_config: Mapping[str, Any]) -> str:
    fim = stats.get("fim", {})
    pieces = fim.get("pieces", {})
    if not pieces:
        return ""
    rate = examples_config.get("fim_rate")
    asked = f" (configured rate {rate})" if isinstance(rate, int | float) else ""
    return (f"## Fill-in-the-middle\n\n{fim.get('share', 0.0):.1%} of file pieces are "
            f"FIM-transformed{asked}.\n\n"
            + _table(("mode", "file pieces"), sorted(pieces.items())))


def _removals(stats: Mapping[str, Any], plots: Mapping[str, str] | None) -> str:
    removals = stats.get("removals", [])
    skipped = stats.get("files", {}).get("skipped", {})
    if not removals and not skipped:
        return ""
    text = "## Skipped and removed files\n\n"
    if removals:
        text += ("Every file that was not packed, or was changed, is listed in "
                 "`dropped.parquet`, by stage and reason:\n\n")
        text += _table(("stage", "reason", "files"),
                       [(r["stage"], r["reason"], r["files"]) for r in removals])
    else:
        text += _table(("reason", "files"), sorted(skipped.items(), key=lambda kv: -kv[1]))
    return text + _plot(plots, "skip_reasons", "Skipped and removed files by reason")


class _Code(str):
    """A table cell shown as inline code (no HTML escaping inside backticks)."""


def _schema() -> str:
    rows = [(_Code(f.name), _Code(_type_name(f.type)), COLUMN_DOCS.get(f.name, ""))
            for f in EXAMPLE_SCHEMA]
    return "## Columns\n\n" + _table(("column", "type", "meaning"), rows)


def _type_name(arrow_type: Any) -> str:
    """``list<string>`` rather than Arrow's ``list<item: string>``; plain names otherwise."""
    value_type = getattr(arrow_type, "value_type", None)
    if value_type is not None:
        return f"list<{_type_name(value_type)}>"
    return str(arrow_type)


def _licensing() -> str:
    return ("## Licensing\n\n"
            "Each example is source code from one repository and keeps that repository's "
            "license; codepack neither selects nor checks licenses. Check the licenses of the "
            "input repositories before sharing or training on this data.\n")


# ---------------------------------------------------------------------------------------------
# plots


def write_plots(plot_dir: Path, stats: Mapping[str, Any],
                manifest: Mapping[str, Any]) -> dict[str, str] | None:
    """Render the PNG plots; returns ``{name: "plots/<name>.png"}``, or None without
    matplotlib. A plot with no data to show is not written."""
    try:
        import matplotlib.style
        from matplotlib.figure import Figure
    except ImportError:
        return None
    budget = _examples_config(manifest).get("max_tokens")
    charts = {
        "example_lengths": lambda ax: _length_chart(ax, stats.get("example_tokens", {}), budget),
        "tokens_by_language": lambda ax: _language_chart(ax, stats.get("languages", [])),
        "skip_reasons": lambda ax: _reason_chart(ax, stats),
    }
    written: dict[str, str] = {}
    for name, draw in charts.items():
        # the default style, not the user's matplotlibrc: the same figures, the same bytes
        with matplotlib.style.context("default"):
            figure = Figure(figsize=(8, 4.5), dpi=100)
            ax = figure.subplots()
            if not draw(ax):
                continue
            figure.tight_layout()
            buffer = io.BytesIO()
            figure.savefig(buffer, format="png", metadata={"Software": None})
        plot_dir.mkdir(parents=True, exist_ok=True)
        atomic_write(plot_dir / f"{name}.png", buffer.getvalue())
        written[name] = f"{PLOTS_DIR}/{name}.png"
    return written


def _length_chart(ax: Any, lengths: Mapping[str, Any], budget: Any) -> bool:
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    bins = lengths.get("histogram", [])
    if not bins:
        return False
    ax.bar([b["lo"] for b in bins], [b["count"] for b in bins],
           width=[b["hi"] - b["lo"] + 1 for b in bins], align="edge", color="#4c72b0",
           edgecolor="white")
    for key, style in (("p50", "--"), ("p90", ":")):
        ax.axvline(lengths[key], color="#333333", linestyle=style, linewidth=1.2,
                   label=f"{key}: {lengths[key]:,}")
    title = "Example length"
    if isinstance(budget, int) and budget > 0:
        # a budget far right of every example would squash the histogram into a sliver
        if budget <= 1.5 * (bins[-1]["hi"] + 1):
            ax.axvline(budget, color="#c44e52", linewidth=1.2, label=f"budget: {budget:,}")
        else:
            title += f" (budget {budget:,} tokens)"
    ax.set_title(title)
    ax.set_xlabel("tokens per example")
    ax.set_ylabel("examples")
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda value, _: human_count(value)))
    ax.legend(loc="upper left")
    return True


def _language_chart(ax: Any, languages: Sequence[Mapping[str, Any]]) -> bool:
    by_tokens = any(row["tokens"] for row in languages)
    key = "tokens" if by_tokens else "files"
    pairs = _top([(row["language"], row[key]) for row in languages])
    if not pairs:
        return False
    _hbars(ax, pairs, "#55a868")
    ax.set_title(f"{key.capitalize()} per language")
    ax.set_xlabel(key)
    return True


def _reason_chart(ax: Any, stats: Mapping[str, Any]) -> bool:
    removals = stats.get("removals", [])
    if removals:
        pairs = [(f"{r['stage']}: {r['reason']}", r["files"]) for r in removals]
    else:
        pairs = list(stats.get("files", {}).get("skipped", {}).items())
    pairs = _top(sorted(pairs, key=lambda kv: (-kv[1], kv[0])))
    if not pairs:
        return False
    _hbars(ax, pairs, "#dd8452")
    ax.set_title("Files skipped, removed or changed, by stage and reason")
    ax.set_xlabel("files")
    return True


def _hbars(ax: Any, pairs: Sequence[tuple[str, int]], color: str) -> None:
    """Horizontal bars, largest on top, each labelled with its value."""
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    labels = [label for label, _ in reversed(pairs)]
    values = [value for _, value in reversed(pairs)]
    bars = ax.barh(range(len(values)), values, color=color)
    ax.set_yticks(range(len(values)), labels=labels)
    ax.bar_label(bars, labels=[human_count(v) for v in values], padding=3, fontsize=8)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda value, _: human_count(value)))
    ax.margins(x=0.15)


def human_count(value: float) -> str:
    """``950``, ``12K``, ``3.4M``, ``1.2B``: axis labels that stay short at corpus scale."""
    for scale, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "K")):
        if abs(value) >= scale:
            shown = f"{value / scale:.1f}".removesuffix(".0")
            return f"{shown}{suffix}"
    return f"{value:.0f}"


def _top(pairs: Sequence[tuple[str, int]]) -> list[tuple[str, int]]:
    """Largest first; beyond ``MAX_BARS`` the rest is summed into one "other" bar."""
    ranked = sorted(((str(k), int(v)) for k, v in pairs if v), key=lambda kv: (-kv[1], kv[0]))
    if len(ranked) <= MAX_BARS:
        return ranked
    head = ranked[: MAX_BARS - 1]
    return [*head, (f"other ({len(ranked) - len(head)})", sum(v for _, v in ranked[len(head):]))]


# ---------------------------------------------------------------------------------------------
# markdown helpers


def _plot(plots: Mapping[str, str] | None, name: str, alt: str) -> str:
    if not plots or name not in plots:
        return ""
    return f"\n![{alt}]({plots[name]})\n"


def _table(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    lines = ["| " + " | ".join(_cell(h) for h in header) + " |",
             "|" + "|".join(" --- " for _ in header) + "|"]
    lines += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def _cell(value: Any) -> str:
    if isinstance(value, _Code):
        return f"`{value}`".replace("|", "\\|")
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.2f}"
    return _inline(str(value)).replace("|", "\\|")


def _inline(text: str) -> str:
    """One line of Markdown-safe text: no raw HTML, no line breaks."""
    return " ".join(text.split()).replace("<", "&lt;").replace(">", "&gt;")


def _fence(text: str, language: str) -> str:
    """A fenced code block whose fence is longer than any backtick run inside ``text``."""
    longest = max((len(run) for run in text.split("\n") for run in _backtick_runs(run)),
                  default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{language}\n{text}\n{fence}\n"


def _backtick_runs(line: str) -> list[str]:
    runs, current = [], ""
    for char in line:
        if char == "`":
            current += char
        elif current:
            runs.append(current)
            current = ""
    if current:
        runs.append(current)
    return runs


def _q(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _unique(items: Iterable[str]) -> list[str]:
    seen: dict[str, None] = {}
    for item in items:
        seen.setdefault(item, None)
    return list(seen)


__all__ = [
    "front_matter", "human_count", "render_card", "size_category", "write_card",
    "write_card_files", "write_plots",
]
