"""Why each file sits where it does: the library side of ``codepack explain``.

``explain_order`` turns an ``OrderResult`` into a JSON-ready report (the order with a reason
per file, the edges removed to break cycles with their importance and evidence, the component
sizes); ``write_graph`` writes the import graph for graph tools (Gephi, yEd, Graphviz,
networkx / d3), in the format named by the file extension.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import networkx as nx

from codepack.graph.order import OrderResult
from codepack.output.outputs import atomic_path, atomic_write
from codepack.records import ImportRef, PlaceReason

if TYPE_CHECKING:
    from codepack.config import PackConfig
    from codepack.records import Drop, RepoScan

_FLAGS = ("relative", "lazy", "type_only", "conditional", "wildcard", "system")
GRAPH_FORMATS = (".graphml", ".dot", ".gv", ".json")


def _number(value: float | None) -> float | None:
    """JSON has no infinity: unrelated neighbours and new components become null."""
    if value is None or math.isinf(value):
        return None
    return value


def ref_to_dict(ref: ImportRef) -> dict[str, Any]:
    """One import statement as JSON: spec, line, kind, names and the flags that are set."""
    return {
        "spec": ref.spec,
        "line": ref.line,
        "kind": ref.kind,
        "names": list(ref.names),
        "flags": [flag for flag in _FLAGS if getattr(ref, flag)],
    }


def _detail(reason: PlaceReason, subject: str | None, distance: float | None) -> str:
    if reason is PlaceReason.TEST_OF:
        return f"test of {subject}"
    if reason is PlaceReason.DEPENDENCY:
        if distance is None or math.isinf(distance):
            return "imports placed; starts a new component"
        return f"imports placed; {int(distance)} hop(s) from the files before it"
    if reason is PlaceReason.ALPHABETICAL:
        return "no import edges: alphabetical"
    return "random order"


def explain_order(
    result: OrderResult, repo: str = "", languages: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """A JSON-ready report of one repository's order.

    Keys: ``repo``; ``order`` (per file: ``index``, ``path``, ``language``, ``reason``,
    ``subject``, ``distance`` to the files placed before it when the dependency rule chose it,
    ``gap_after`` to the next file, ``detail`` in words); ``edges`` (the kept import edges:
    ``src``, ``dst``, ``weight``); ``removed_edges`` (``src``, ``dst``, ``weight``,
    ``reason``, ``refs``); ``component_sizes`` (import components, largest first); ``stats``.
    Infinite distances are written as null.
    """
    languages = languages or {}
    order = []
    for i, placed in enumerate(result.placed):
        distance = result.distances[i] if i < len(result.distances) else None
        gap = result.gaps[i] if i < len(result.gaps) else None
        order.append(
            {
                "index": i,
                "path": placed.path,
                "language": languages.get(placed.path, ""),
                "reason": placed.reason.value,
                "subject": placed.subject,
                "distance": _number(distance),
                "gap_after": _number(gap),
                "detail": _detail(placed.reason, placed.subject, distance),
            }
        )
    removed = [
        {
            "src": edge.src,
            "dst": edge.dst,
            "weight": edge.weight,
            "reason": edge.reason,
            "refs": [ref_to_dict(ref) for ref in edge.refs],
        }
        for edge in result.removed
    ]
    kept = []
    if result.graph is not None:
        kept = [
            {"src": src, "dst": dst, "weight": data["weight"]}
            for src, dst, data in sorted(result.graph.edges(data=True), key=lambda e: e[:2])
            if data.get("kept", True)
        ]
    return {
        "repo": repo,
        "order": order,
        "edges": kept,
        "removed_edges": removed,
        "component_sizes": list(result.component_sizes),
        "stats": dict(result.stats),
    }


def explain_repo(
    scan: RepoScan,
    config: PackConfig,
    graph_out: str | Path | None = None,
    drops: Mapping[str, Drop] | None = None,
) -> dict[str, Any]:
    """Resolve, order and explain one scanned repository; optionally write its graph.

    ``drops`` are the files deduplication removes (path -> audit record), as ``pack_scan``
    takes them: they leave before the graph is built, exactly as in a packed run, and the
    report lists them under ``dropped``. The order comes from ``pipeline.place_files``, the
    function ``pack_scan`` orders with, so it is the order packed under the same config.
    """
    from codepack.run.pipeline import place_files

    drops = drops or {}
    kept = [f for f in scan.files if f.path not in drops]
    _, result, left_out = place_files(scan, config, kept)
    languages = {f.path: f.language for f in kept}
    if graph_out is not None:
        write_graph(annotated_graph(result, languages), graph_out)
    report = explain_order(result, scan.name, languages)
    report["dropped"] = [
        {"path": path, "stage": drop.stage, "reason": drop.reason, "detail": drop.detail}
        for path, drop in sorted(drops.items())
    ]
    report["dropped"] += [  # generated files no code of the repository imports
        {"path": s.path, "stage": "scan", "reason": s.reason.value, "detail": s.detail}
        for s in left_out
    ]
    report["dropped"].sort(key=lambda row: row["path"])
    return report


def annotated_graph(result: OrderResult, languages: Mapping[str, str] | None = None) -> nx.DiGraph:
    """The import graph with the order on it: node attributes ``language``, ``position``,
    ``reason`` and ``subject``; edge attributes ``weight``, ``kept`` and ``refs``."""
    graph = result.graph.copy() if result.graph is not None else nx.DiGraph()
    languages = languages or {}
    for position, placed in enumerate(result.placed):
        graph.add_node(
            placed.path,
            language=languages.get(placed.path, ""),
            position=position,
            reason=placed.reason.value,
            subject=placed.subject or "",
        )
    return graph


def write_graph(graph: nx.DiGraph, path: str | Path) -> None:
    """Write ``graph`` as GraphML (``.graphml``), Graphviz DOT (``.dot``/``.gv``) or node-link
    JSON (``.json``), chosen by the extension.

    GraphML and DOT hold scalar attributes only, so each edge's ``refs`` is written there as a
    short text (``spec@line[flags]; ...``); JSON keeps them as objects. Raises ``ValueError``
    for any other extension.
    """
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix not in GRAPH_FORMATS:
        raise ValueError(
            f"cannot tell the graph format of {target.name!r}: use one of "
            f"{', '.join(GRAPH_FORMATS)}"
        )
    if suffix == ".json":
        atomic_write(target, json.dumps(_node_link(graph), indent=1, sort_keys=True) + "\n")
    elif suffix == ".graphml":
        with atomic_path(target) as tmp:
            nx.write_graphml(_scalar_graph(graph), tmp, encoding="utf-8")
    else:
        atomic_write(target, _dot(_scalar_graph(graph)))


def _refs_text(refs: tuple[ImportRef, ...]) -> str:
    parts = []
    for ref in refs:
        flags = [flag for flag in _FLAGS if getattr(ref, flag)]
        parts.append(f"{ref.spec}@{ref.line}" + (f"[{','.join(flags)}]" if flags else ""))
    return "; ".join(parts)


def _scalar(value: Any) -> Any:
    if isinstance(value, bool | int | float | str):
        return value
    if value is None:
        return ""
    if isinstance(value, tuple) and all(isinstance(v, ImportRef) for v in value):
        return _refs_text(value)
    return str(value)


def _scalar_graph(graph: nx.DiGraph) -> nx.DiGraph:
    """A copy whose attributes GraphML and DOT can hold, in sorted node and edge order."""
    out = nx.DiGraph()
    for node in sorted(graph):
        out.add_node(node, **{k: _scalar(v) for k, v in sorted(graph.nodes[node].items())})
    for src, dst in sorted(graph.edges):
        data = graph.edges[src, dst]
        out.add_edge(src, dst, **{k: _scalar(v) for k, v in sorted(data.items())})
    return out


def _json_value(value: Any) -> Any:
    if isinstance(value, tuple) and all(isinstance(v, ImportRef) for v in value):
        return [ref_to_dict(ref) for ref in value]
    if isinstance(value, float) and math.isinf(value):
        return None
    if isinstance(value, bool | int | float | str) or value is None:
        return value
    return str(value)


def _node_link(graph: nx.DiGraph) -> dict[str, Any]:
    """networkx's node-link layout (``nodes``/``links``), readable by
    ``nx.node_link_graph(data, edges="links")`` and d3."""
    nodes = [
        {"id": node, **{k: _json_value(v) for k, v in graph.nodes[node].items()}}
        for node in sorted(graph)
    ]
    links = [
        {"source": src, "target": dst, **{k: _json_value(v) for k, v in data.items()}}
        for src, dst, data in sorted(graph.edges(data=True), key=lambda e: (e[0], e[1]))
    ]
    return {"directed": True, "multigraph": False, "graph": {}, "nodes": nodes, "links": links}


def _dot_id(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def _dot_attrs(data: Mapping[str, Any]) -> str:
    if not data:
        return ""
    inner = ", ".join(f"{key}={_dot_id(str(value))}" for key, value in data.items())
    return f" [{inner}]"


def _dot(graph: nx.DiGraph) -> str:
    """Graphviz DOT by hand (no pydot/pygraphviz): removed edges dashed, strength as width."""
    lines = ["digraph imports {", "  rankdir=LR;", "  node [shape=box, fontsize=10];"]
    for node in graph:
        lines.append(f"  {_dot_id(node)}{_dot_attrs(graph.nodes[node])};")
    for src, dst, data in graph.edges(data=True):
        attrs = dict(data)
        if attrs.get("kept") is False:
            attrs["style"] = "dashed"
        if isinstance(attrs.get("weight"), float):
            attrs["penwidth"] = f"{max(0.5, attrs['weight'] / 2):.2f}"
        lines.append(f"  {_dot_id(src)} -> {_dot_id(dst)}{_dot_attrs(attrs)};")
    lines.append("}")
    return "\n".join(lines) + "\n"
