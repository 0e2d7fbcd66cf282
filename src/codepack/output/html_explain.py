"""``codepack explain REPO --html FILE``: one self-contained page about a repository's order.

The page shows the files in packed order with the reason for each place, and the dependency
graph as an arc diagram computed here in Python: files sit on a vertical axis in packed order,
each import is an arc from the importing file to the imported one (kept edges blue, edges
removed to break cycles dashed red), and hovering shows the import through SVG ``<title>``.
A packed order is a line, so a line is the honest layout: an arc that points down is an
import placed *after* its user, which is exactly what cycle pruning and test pairing cost.

Nothing is fetched: CSS and JS are inline, so the page opens from disk, in a CI artifact or an
air-gapped cluster. Every string from the report is escaped (paths may hold ``<`` or ``&``),
and the JS reads only ``data-`` attributes, never report text. A large repository still gives a
page that loads: the drawing is capped (``MAX_DRAWN_NODES``, ``MAX_DRAWN_EDGES``) and the page
says what was left out; the file table is capped much higher (``MAX_TABLE_ROWS``).
"""

from __future__ import annotations

import html
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from codepack.output.outputs import atomic_write

MAX_DRAWN_NODES = 400
MAX_DRAWN_EDGES = 3000
MAX_TABLE_ROWS = 20_000
MAX_REMOVED_ROWS = 2000
ROW_HEIGHT = 18
CHAR_WIDTH = 7.3  # 12px monospace
ARC_MARGIN = 12
MAX_ARC_WIDTH = 420

REASON_COLOURS = {
    "dependency": "#3b6fb6",
    "test_of": "#2f8f5b",
    "alphabetical": "#8a8f98",
    "random": "#c08a1e",
}
OTHER_COLOUR = "#6b46c1"
KEPT_COLOUR = "#5b7fb8"
REMOVED_COLOUR = "#d43c3c"


@dataclass(frozen=True)
class _Arc:
    src: int  # row of the importing file
    dst: int  # row of the imported file
    weight: str
    removed: bool


def render_explain_html(report: Mapping[str, Any]) -> str:
    """The whole page for one ``codepack.api.explain`` report, as a string."""
    repo = str(report.get("repo", ""))
    order = [item for item in report.get("order", []) if isinstance(item, Mapping)]
    paths = [str(item.get("path", "")) for item in order]
    row_of = {path: i for i, path in enumerate(paths)}
    kept = _edges(report.get("edges", []))
    removed = _edges(report.get("removed_edges", []))
    drawn_rows = min(len(paths), MAX_DRAWN_NODES)
    arcs, unplaced = _arcs(kept, removed, row_of, drawn_rows)
    sizes = [int(s) for s in report.get("component_sizes", []) if isinstance(s, int | float)]

    body = [
        f"<h1>codepack explain: <span class=\"repo\">{_e(repo)}</span></h1>",
        _summary(len(paths), len(kept), len(removed), sizes),
        _stats_table(report.get("stats", {})),
        _legend(),
        _cap_notice(len(paths), drawn_rows, len(kept) + len(removed), arcs, unplaced),
        "<div class=\"panes\">",
        f"<div class=\"graph\">{_svg(order[:drawn_rows], arcs)}</div>",
        f"<div class=\"files\">{_file_table(order)}</div>",
        "</div>",
        _removed_table(removed),
    ]
    return _page(f"codepack explain: {repo}", "\n".join(b for b in body if b))


def write_explain_html(report: Mapping[str, Any], path: str | Path) -> Path:
    """Render and write the page atomically; returns its path."""
    target = Path(path)
    atomic_write(target, render_explain_html(report))
    return target


def _edges(raw: Any) -> list[tuple[str, str, str]]:
    """(src, dst, importance as text) of the well-formed edge dicts."""
    edges = []
    for edge in raw if isinstance(raw, Sequence) else []:
        if isinstance(edge, Mapping) and "src" in edge and "dst" in edge:
            edges.append((str(edge["src"]), str(edge["dst"]), _weight(edge.get("weight"))))
    return edges


def _weight(value: Any) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"{value:.2f}"
    return "?" if value is None else str(value)


def _arcs(
    kept: list[tuple[str, str, str]],
    removed: list[tuple[str, str, str]],
    row_of: Mapping[str, int],
    drawn_rows: int,
) -> tuple[list[_Arc], int]:
    """Arcs between drawn rows, removed edges first (they are the ones readers look for),
    capped at ``MAX_DRAWN_EDGES``; also the number of edges naming files not in the order."""
    arcs: list[_Arc] = []
    unplaced = 0
    for edges, is_removed in ((removed, True), (kept, False)):
        for src, dst, weight in edges:
            if src not in row_of or dst not in row_of:
                unplaced += 1
                continue
            s, d = row_of[src], row_of[dst]
            if s < drawn_rows and d < drawn_rows and s != d:
                arcs.append(_Arc(s, d, weight, is_removed))
    return arcs[:MAX_DRAWN_EDGES], unplaced


def _summary(n_files: int, n_kept: int, n_removed: int, sizes: list[int]) -> str:
    largest = max(sizes, default=0)
    return (
        "<p class=\"summary\">"
        f"<b>{n_files:,}</b> files in packed order, <b>{n_kept:,}</b> dependency edges kept, "
        f"<b>{n_removed:,}</b> removed to break cycles, <b>{len(sizes):,}</b> connected "
        f"components (largest {largest:,} files). An edge A&#8594;B means A imports B, so B "
        "is placed before A.</p>"
    )


def _stats_table(stats: Any) -> str:
    if not isinstance(stats, Mapping) or not stats:
        return ""
    rows = "".join(
        f"<tr><th>{_e(key)}</th><td>{_e(_scalar(stats[key]))}</td></tr>"
        for key in sorted(stats, key=str)
    )
    return (f"<details class=\"stats\"><summary>ordering figures</summary>"
            f"<table>{rows}</table></details>")


def _scalar(value: Any) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    if isinstance(value, str | float | bool) or value is None:
        return str(value)
    return json.dumps(value, sort_keys=True, default=str)


def _legend() -> str:
    items = [
        f"<span><i class=\"dot\" style=\"background:{colour}\"></i>{_e(reason)}</span>"
        for reason, colour in REASON_COLOURS.items()
    ]
    items.append(f"<span><i class=\"line\" style=\"border-color:{KEPT_COLOUR}\"></i>"
                 "kept import</span>")
    items.append(f"<span><i class=\"line dashed\" style=\"border-color:{REMOVED_COLOUR}\">"
                 "</i>removed to break a cycle</span>")
    return f"<p class=\"legend\">{''.join(items)}</p>"


def _cap_notice(n_files: int, drawn_rows: int, n_edges: int, arcs: list[_Arc],
                unplaced: int) -> str:
    notes = []
    if drawn_rows < n_files:
        notes.append(f"The graph shows the first {drawn_rows:,} of {n_files:,} files in packed "
                     "order, and only the edges among them.")
    if len(arcs) == MAX_DRAWN_EDGES:
        notes.append(f"At most {MAX_DRAWN_EDGES:,} of the {n_edges:,} edges are drawn "
                     "(edges removed to break cycles first).")
    if n_files > MAX_TABLE_ROWS:
        notes.append(f"The table lists the first {MAX_TABLE_ROWS:,} files.")
    if unplaced:
        notes.append(f"{unplaced:,} edges name files that are not in the order and are not "
                     "drawn.")
    if not notes:
        return ""
    return f"<p class=\"notice\">{' '.join(notes)} Use <code>codepack explain --json</code> or " \
           "<code>--graph-out</code> for everything.</p>"


def _svg(order: Sequence[Mapping[str, Any]], arcs: list[_Arc]) -> str:
    if not order:
        return "<p>No files to draw.</p>"
    longest_span = max((abs(a.src - a.dst) for a in arcs), default=1)
    arc_width = min(MAX_ARC_WIDTH, ARC_MARGIN + 8 + longest_span * ROW_HEIGHT * 0.5)
    x = arc_width
    longest_label = max(len(f"{i}. {item.get('path', '')}") for i, item in enumerate(order))
    width = round(x + 16 + longest_label * CHAR_WIDTH)
    height = ROW_HEIGHT * len(order) + ROW_HEIGHT

    def y(row: int) -> float:
        return ROW_HEIGHT * (row + 1)

    parts = [
        f"<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"graph\" width=\"{width}\" "
        f"height=\"{height}\" viewBox=\"0 0 {width} {height}\" role=\"img\" "
        "aria-label=\"dependency graph in packed order\">",
        "<defs>",
        _arrow("arrow-kept", KEPT_COLOUR),
        _arrow("arrow-removed", REMOVED_COLOUR),
        "</defs>",
        "<g class=\"arcs\">",
    ]
    for arc in arcs:
        y1, y2 = y(arc.src), y(arc.dst)
        bulge = min(x - ARC_MARGIN, 8 + abs(arc.src - arc.dst) * ROW_HEIGHT * 0.5) / 0.75
        cx = max(ARC_MARGIN / 2, x - bulge)
        kind = "removed" if arc.removed else "kept"
        src = _e(order[arc.src].get("path", ""))
        dst = _e(order[arc.dst].get("path", ""))
        label = "removed to break a cycle" if arc.removed else "kept"
        parts.append(
            f"<path class=\"edge {kind}\" data-s=\"{arc.src}\" data-d=\"{arc.dst}\" "
            f"d=\"M{x - 5:.1f},{y1:.1f} C{cx:.1f},{y1:.1f} {cx:.1f},{y2:.1f} {x - 5:.1f},"
            f"{y2:.1f}\" marker-end=\"url(#arrow-{kind})\">"
            f"<title>{src} imports {dst} (importance {_e(arc.weight)}; {label})</title></path>"
        )
    parts.append("</g><g class=\"nodes\">")
    for i, item in enumerate(order):
        reason = str(item.get("reason", ""))
        colour = REASON_COLOURS.get(reason, OTHER_COLOUR)
        path = _e(item.get("path", ""))
        detail = item.get("detail")
        tip = f"{path}\n{_e(reason)}" + (f": {_e(detail)}" if detail else "")
        parts.append(
            f"<g class=\"node\" data-i=\"{i}\" transform=\"translate({x:.1f},{y(i):.1f})\">"
            f"<title>{tip}</title><circle r=\"4.5\" fill=\"{colour}\"/>"
            f"<text x=\"10\" y=\"4\">{i}. {path}</text></g>"
        )
    parts.append("</g></svg>")
    return "".join(parts)


def _arrow(marker_id: str, colour: str) -> str:
    return (f"<marker id=\"{marker_id}\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" "
            "markerWidth=\"6\" markerHeight=\"6\" orient=\"auto-start-reverse\">"
            f"<path d=\"M0,0 L10,5 L0,10 z\" fill=\"{colour}\"/></marker>")


def _file_table(order: Sequence[Mapping[str, Any]]) -> str:
    rows = []
    for i, item in enumerate(order[:MAX_TABLE_ROWS]):
        reason = str(item.get("reason", ""))
        colour = REASON_COLOURS.get(reason, OTHER_COLOUR)
        detail = item.get("detail")
        rows.append(
            f"<tr data-i=\"{i}\"><td class=\"num\">{i}</td>"
            f"<td class=\"path\">{_e(item.get('path', ''))}</td>"
            f"<td class=\"reason\"><i class=\"dot\" style=\"background:{colour}\"></i>"
            f"{_e(reason)}</td>"
            f"<td>{_e(detail) if detail else ''}</td></tr>"
        )
    return (
        "<input id=\"filter\" type=\"search\" placeholder=\"filter files\" "
        "aria-label=\"filter files\">"
        "<table id=\"order\"><thead><tr><th>#</th><th>file</th><th>reason</th><th>detail</th>"
        f"</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


def _removed_table(removed: list[tuple[str, str, str]]) -> str:
    if not removed:
        return ""
    rows = "".join(
        f"<tr><td class=\"path\">{_e(src)}</td><td class=\"path\">{_e(dst)}</td>"
        f"<td class=\"num\">{_e(weight)}</td></tr>"
        for src, dst, weight in removed[:MAX_REMOVED_ROWS]
    )
    more = (f"<p class=\"notice\">{len(removed) - MAX_REMOVED_ROWS:,} more not listed.</p>"
            if len(removed) > MAX_REMOVED_ROWS else "")
    return ("<h2>Edges removed to break cycles</h2><table class=\"removed\"><thead><tr>"
            "<th>importer</th><th>imported</th><th>importance</th></tr></thead>"
            f"<tbody>{rows}</tbody></table>{more}")


def _e(value: Any) -> str:
    return html.escape(str(value), quote=True)


CSS = """
body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#1d2330;background:#fff}
h1{font-size:1.3em}h1 .repo{font-family:monospace}h2{font-size:1.1em}
.legend span{margin-right:1.2em;white-space:nowrap}
.dot{display:inline-block;width:9px;height:9px;border-radius:50%;margin-right:5px}
.line{display:inline-block;width:22px;border-top:2px solid;margin:0 5px 3px 0}
.line.dashed{border-top-style:dashed}
.notice{background:#fff6db;border:1px solid #e8d28a;padding:.5em .8em;border-radius:4px}
.panes{display:flex;gap:1.5em;align-items:flex-start}
.graph{overflow:auto;max-height:85vh;border:1px solid #dde1e8;flex:0 1 auto;max-width:60vw}
.files{overflow:auto;max-height:85vh;flex:1 1 0}
table{border-collapse:collapse;font-size:13px}
td,th{padding:2px 8px;border-bottom:1px solid #eef0f4;text-align:left;vertical-align:top}
td.path{font-family:monospace;word-break:break-all}td.num{text-align:right}
td.reason{white-space:nowrap}
tr.hl td{background:#e7f0ff}
#filter{margin:0 0 .5em;padding:3px 6px;width:20em}
svg text{font:12px monospace;fill:#1d2330}
.edge{fill:none;stroke-width:1.2;opacity:.55}
.edge.kept{stroke:KEPT_COLOUR}
.edge.removed{stroke:REMOVED_COLOUR;stroke-dasharray:4 3;opacity:.8}
svg.focus .edge{opacity:.08}svg.focus .edge.hl{opacity:1;stroke-width:2.2}
.node{cursor:pointer}.node.hl text{font-weight:bold}
"""

# Reads data- attributes only; sets data-codepack-ready so a headless check can tell the
# script ran.
SCRIPT = """
(function(){
  var svg=document.getElementById('graph');
  var byNode={};
  if(svg){
    svg.querySelectorAll('.edge').forEach(function(e){
      [e.getAttribute('data-s'),e.getAttribute('data-d')].forEach(function(i){
        (byNode[i]=byNode[i]||[]).push(e);});
    });
  }
  function focus(i,on){
    if(!svg){return;}
    svg.classList.toggle('focus',on);
    (byNode[i]||[]).forEach(function(e){e.classList.toggle('hl',on);});
    var node=svg.querySelector('.node[data-i="'+i+'"]');
    if(node){node.classList.toggle('hl',on);}
    var row=document.querySelector('#order tr[data-i="'+i+'"]');
    if(row){row.classList.toggle('hl',on);}
  }
  document.querySelectorAll('.node,#order tbody tr').forEach(function(el){
    var i=el.getAttribute('data-i');
    el.addEventListener('mouseenter',function(){focus(i,true);});
    el.addEventListener('mouseleave',function(){focus(i,false);});
  });
  var filter=document.getElementById('filter');
  if(filter){
    filter.addEventListener('input',function(){
      var q=filter.value.toLowerCase();
      document.querySelectorAll('#order tbody tr').forEach(function(tr){
        tr.style.display=tr.textContent.toLowerCase().indexOf(q)<0?'none':'';});
    });
  }
  document.documentElement.setAttribute('data-codepack-ready','yes');
})();
"""


def _css() -> str:
    return CSS.replace("KEPT_COLOUR", KEPT_COLOUR).replace("REMOVED_COLOUR", REMOVED_COLOUR)


def _page(title: str, body: str) -> str:
    return (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        f"<title>{_e(title)}</title>\n<style>{_css()}</style>\n</head>\n<body>\n{body}\n"
        f"<script>{SCRIPT}</script>\n</body>\n</html>\n"
    )


__all__ = ["MAX_DRAWN_EDGES", "MAX_DRAWN_NODES", "render_explain_html", "write_explain_html"]
