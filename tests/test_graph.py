"""Dependency graph, edge importance and cycle pruning."""

from __future__ import annotations

import random
from itertools import pairwise

import networkx as nx
from hypothesis import given, settings
from hypothesis import strategies as st

from codepack.graph.build import RemovedEdge, build_graph, edge_importance, prune_cycles
from codepack.records import Edge, ImportRef


def ref(*names: str, line: int = 1, **flags: bool) -> ImportRef:
    return ImportRef("m", line, "from" if names else "import", names, **flags)


def test_weak_classes_rank_below_module_level_imports() -> None:
    type_only = edge_importance([ref("A", type_only=True)])
    lazy = edge_importance([ref("A", lazy=True)])
    conditional = edge_importance([ref("A", conditional=True)])
    module = edge_importance([ref("A")])
    assert type_only < lazy < conditional < module
    dynamic = edge_importance([ImportRef("./m.js", 1, "dynamic")])
    assert dynamic == edge_importance([ref(lazy=True)])


def test_more_names_is_stronger_but_never_crosses_a_class() -> None:
    one, three = edge_importance([ref("A")]), edge_importance([ref("A", "B", "C")])
    assert edge_importance([ref()]) < one < three
    many_lazy = edge_importance([ref(*(f"n{i}" for i in range(500)), lazy=True)])
    assert many_lazy < edge_importance([ref(conditional=True)])
    assert edge_importance([ref(wildcard=True)]) > edge_importance([ref("A", "B")])


def test_merged_edge_takes_the_strongest_ref_plus_all_names() -> None:
    merged = edge_importance([ref("A", lazy=True), ref("B", line=2)])
    assert merged == edge_importance([ref("A", "B")])
    assert merged > edge_importance([ref("B")])
    # several flags on one ref: the weakest wins
    assert edge_importance([ref(lazy=True, type_only=True)]) == edge_importance(
        [ref(type_only=True)]
    )


def test_build_graph_merges_parallel_imports_and_drops_self_loops() -> None:
    edges = [
        Edge("a.py", "b.py", ref("X", line=3)),
        Edge("a.py", "b.py", ref("Y", line=1, lazy=True)),
        Edge("a.py", "b.py", ref("X", line=3)),  # the same statement twice
        Edge("a.py", "a.py", ref()),
        Edge("a.py", "gone.py", ref()),  # endpoint not in the repository any more
    ]
    graph = build_graph(["b.py", "a.py", "c.py", "a.py"], edges)
    assert list(graph.nodes) == ["a.py", "b.py", "c.py"]
    assert list(graph.edges) == [("a.py", "b.py")]
    data = graph.edges["a.py", "b.py"]
    assert [r.line for r in data["refs"]] == [1, 3]
    assert data["weight"] == edge_importance(data["refs"])


def test_two_cycle_drops_the_type_only_edge() -> None:
    graph = build_graph(
        ["models.py", "orders.py"],
        [
            Edge("models.py", "orders.py", ref("Order", type_only=True)),
            Edge("orders.py", "models.py", ref("Customer")),
        ],
    )
    pruned, removed = prune_cycles(graph)
    assert [(e.src, e.dst, e.reason) for e in removed] == [("models.py", "orders.py", "cycle")]
    assert removed[0].refs[0].type_only
    assert list(pruned.edges) == [("orders.py", "models.py")]
    assert graph.number_of_edges() == 2  # the input is not modified


def test_long_cycle_drops_only_its_weakest_edge() -> None:
    names = [f"m{i}.py" for i in range(6)]
    edges = [Edge(a, b, ref("X", "Y")) for a, b in pairwise(names)]
    edges.append(Edge(names[-1], names[0], ref("X", lazy=True)))
    edges.append(Edge(names[0], names[3], ref("Z")))  # a chord: on a cycle only via the back edge
    pruned, removed = prune_cycles(build_graph(names, edges))
    assert [(e.src, e.dst) for e in removed] == [(names[-1], names[0])]
    assert nx.is_directed_acyclic_graph(pruned)


def _brute_force_greedy(graph: nx.DiGraph) -> set[tuple[str, str]]:
    """The documented rule, literally: strongest edges first (ties by (src, dst)), keep each
    edge unless the kept edges already lead from its target back to its source."""
    kept = nx.DiGraph()
    kept.add_nodes_from(graph)
    removed = set()
    for _, src, dst in sorted((-d["weight"], s, t) for s, t, d in graph.edges(data=True)):
        if nx.has_path(kept, dst, src):
            removed.add((src, dst))
        else:
            kept.add_edge(src, dst)
    return removed


FLAGS = st.sampled_from([{}, {"lazy": True}, {"type_only": True}, {"conditional": True}])


@st.composite
def import_graphs(draw: st.DrawFn) -> tuple[list[str], list[Edge]]:
    n = draw(st.integers(1, 40))
    paths = [f"f{i:02d}.py" for i in range(n)]
    raw = draw(
        st.lists(
            st.tuples(st.integers(0, n - 1), st.integers(0, n - 1), FLAGS, st.integers(0, 3)),
            max_size=n * 5,
        )
    )
    edges = [
        Edge(paths[a], paths[b], ImportRef("m", 1, names=tuple("XYZ"[:k]), **flags))
        for a, b, flags, k in raw
    ]
    return paths, edges


@settings(max_examples=250, deadline=None)
@given(import_graphs(), st.randoms(use_true_random=False))
def test_prune_cycles_properties(case: tuple[list[str], list[Edge]], rng: random.Random) -> None:
    paths, edges = case
    graph = build_graph(paths, edges)
    pruned, removed = prune_cycles(graph)
    assert nx.is_directed_acyclic_graph(pruned)
    removed_pairs = {(e.src, e.dst) for e in removed}
    assert set(pruned.edges) | removed_pairs == set(graph.edges)
    assert not set(pruned.edges) & removed_pairs
    # only edges inside strongly connected components are removed
    component = {n: i for i, c in enumerate(nx.strongly_connected_components(graph)) for n in c}
    assert all(component[e.src] == component[e.dst] for e in removed)
    # exactly the documented greedy rule, so every removed edge closes a cycle of kept edges
    assert removed_pairs == _brute_force_greedy(graph)
    for edge in removed:
        assert nx.has_path(pruned, edge.dst, edge.src)
        assert edge.weight == graph.edges[edge.src, edge.dst]["weight"]
        assert edge.refs == graph.edges[edge.src, edge.dst]["refs"]
    # insertion order does not matter
    shuffled_paths, shuffled_edges = paths[:], edges[:]
    rng.shuffle(shuffled_paths)
    rng.shuffle(shuffled_edges)
    again, removed_again = prune_cycles(build_graph(shuffled_paths, shuffled_edges))
    assert removed_again == removed
    assert list(again.edges) == list(pruned.edges)


def test_prune_cycles_scales_to_a_large_component() -> None:
    """A 3,000-node component with 20,000 edges is pruned exactly and quickly (no cycle
    enumeration); the 50,000-file figure is in benchmarks/order_scaling.py."""
    rng = random.Random(7)
    n = 3000
    paths = [f"m{i:05d}.py" for i in range(n)]
    edges = []
    for i in range(n):
        for _ in range(7):
            j = (i + rng.randint(1, 60)) % n if rng.random() < 0.15 else rng.randrange(max(1, i))
            lazy = rng.random() < 0.2
            edges.append(Edge(paths[i], paths[j], ImportRef("m", 1, lazy=lazy)))
    pruned, removed = prune_cycles(build_graph(paths, edges))
    assert nx.is_directed_acyclic_graph(pruned)
    assert removed and all(isinstance(e, RemovedEdge) for e in removed)
    for edge in removed[:50]:
        assert nx.has_path(pruned, edge.dst, edge.src)
