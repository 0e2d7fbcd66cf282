"""File ordering: dependency (nearest-first topological), alphabetical, random; and explain."""

from __future__ import annotations

import json
import math
import random
from itertools import pairwise
from pathlib import Path
from unittest.mock import patch

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from codepack.config import OrderConfig
from codepack.explain import annotated_graph, explain_order, write_graph
from codepack.graph import order as order_module
from codepack.graph.build import build_graph, prune_cycles
from codepack.graph.languages.extract import extract_imports
from codepack.graph.order import OrderResult, nearest_first_order, order_files
from codepack.graph.pairing import pair_tests
from codepack.graph.resolve import resolve_repo
from codepack.records import Edge, ImportRef, PlaceReason

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "repos" / "py-cycles"
DEPENDENCY = OrderConfig()


def brute_force_nearest_first(dag: nx.DiGraph) -> list[str]:
    """CodeGemma's rule with an all-pairs shortest-path table, as the report describes it
    (with codepack's tie-break at one hop: the neighbour of the latest placed file first)."""
    dist = dict(nx.all_pairs_shortest_path_length(dag.to_undirected()))
    placed: list[str] = []
    done: set[str] = set()
    while len(placed) < len(dag):
        available = [n for n in dag if n not in done and all(s in done for s in dag.succ[n])]

        def key(node: str) -> tuple[float, int, str]:
            near = [dist[node][p] for p in placed if p in dist[node]]
            d = min(near) if near else math.inf
            # ties at one hop: the node next to the most recently placed file first
            latest = max((i for i, p in enumerate(placed) if dist[node].get(p) == 1), default=-1)
            return (d, -latest if d == 1 else 1, node)

        best = min(available, key=key)
        placed.append(best)
        done.add(best)
    return placed


FLAGS = st.sampled_from([{}, {}, {"lazy": True}, {"type_only": True}, {"conditional": True}])


@st.composite
def repos(draw: st.DrawFn, with_tests: bool = True) -> tuple[list[str], list[Edge]]:
    """Random repositories: modules in two packages, optional tests named after some of them,
    random imports (cycles, isolated files and several components included)."""
    n = draw(st.integers(1, 16))
    modules = [f"{'ab'[i % 2]}/f{i:02d}.py" for i in range(n)]
    tests = []
    if with_tests:
        tested = draw(st.lists(st.integers(0, n - 1), unique=True, max_size=n))
        tests = [f"tests/test_f{i:02d}.py" for i in tested]
        if draw(st.booleans()):
            tests.append("tests/helpers.py")
    paths = modules + tests
    raw = draw(
        st.lists(
            st.tuples(st.sampled_from(paths), st.sampled_from(paths), FLAGS, st.integers(0, 2)),
            max_size=3 * len(paths),
        )
    )
    edges = [Edge(a, b, ImportRef("m", 1, names=("X", "Y")[:k], **flags)) for a, b, flags, k in raw]
    return paths, edges


def _languages(paths: list[str]) -> dict[str, str]:
    return dict.fromkeys(paths, "python")


def _adjacency_cost(dag: nx.DiGraph, test: str, subject: str) -> int:
    """Imports that no order can honour with ``test`` right after ``subject``, by brute force:
    the test's imports that reach the subject, the subject's imports that reach the test."""
    return sum(1 for x in dag.succ[test] if x != subject and nx.has_path(dag, x, subject)) + sum(
        1 for y in dag.succ[subject] if nx.has_path(dag, y, test)
    )


def _assert_well_formed(paths: list[str], edges: list[Edge], result: OrderResult) -> None:
    order = [p.path for p in result.placed]
    assert sorted(order) == sorted(set(paths))
    position = {p: i for i, p in enumerate(order)}
    graph = result.graph
    assert graph is not None
    removed = {(e.src, e.dst) for e in result.removed}
    for src, dst, data in graph.edges(data=True):
        assert data["kept"] == ((src, dst) not in removed)
        if data["kept"]:
            assert position[dst] < position[src], f"{src} imports {dst} but comes first"
    pairs = pair_tests([(p, "python") for p in set(paths)], edges)
    dag, _ = prune_cycles(graph)
    for placed in result.placed:
        if placed.reason is PlaceReason.TEST_OF:
            assert pairs[placed.path] == placed.subject
            between = order[position[placed.subject] + 1 : position[placed.path]]
            assert all(pairs.get(p) == placed.subject for p in between)
        if placed.path in pairs:
            # beside its subject exactly when that breaks at most the allowed imports
            cost = _adjacency_cost(dag, placed.path, pairs[placed.path])
            beside = placed.reason is PlaceReason.TEST_OF
            limit = order_module.MAX_IMPORTS_BROKEN_FOR_A_TEST
            assert beside == (cost <= limit), (placed, cost, limit)
        if placed.reason is PlaceReason.ALPHABETICAL:
            group = [placed.path, *(t for t, s in pairs.items() if s == placed.path)]
            assert all(graph.degree(f) == 0 for f in group)
    # gaps: hop distance on kept edges plus test--subject links
    links = nx.Graph()
    links.add_nodes_from(order)
    links.add_edges_from((s, d) for s, d, data in graph.edges(data=True) if data["kept"])
    links.add_edges_from(pairs.items())
    assert len(result.gaps) == max(0, len(order) - 1)
    for (a, b), gap in zip(pairwise(order), result.gaps, strict=True):
        expected = nx.shortest_path_length(links, a, b) if nx.has_path(links, a, b) else math.inf
        assert gap == expected


@settings(max_examples=200, deadline=None)
@given(repos(), st.randoms(use_true_random=False))
def test_dependency_order_properties(
    case: tuple[list[str], list[Edge]], rng: random.Random
) -> None:
    paths, edges = case
    result = order_files(paths, _languages(paths), edges, DEPENDENCY)
    _assert_well_formed(paths, edges, result)
    shuffled_paths, shuffled_edges = paths + paths[:2], edges[:]
    rng.shuffle(shuffled_paths)
    rng.shuffle(shuffled_edges)
    again = order_files(shuffled_paths, _languages(paths), shuffled_edges, DEPENDENCY)
    assert again.placed == result.placed
    assert again.gaps == result.gaps
    assert again.removed == result.removed
    assert again.stats == result.stats


@settings(max_examples=150, deadline=None)
@given(repos(), st.integers(0, 2))
def test_tests_over_the_limit_are_ordered_by_their_imports(
    case: tuple[list[str], list[Edge]], limit: int
) -> None:
    """With a small limit many tests cost too much to sit beside their subject: every kept
    edge still points backwards, and a test is beside its subject exactly when the brute-force
    count of the edges that breaks is within the limit (``_assert_well_formed``)."""
    paths, edges = case
    with patch.object(order_module, "MAX_IMPORTS_BROKEN_FOR_A_TEST", limit):
        result = order_files(paths, _languages(paths), edges, DEPENDENCY)
        _assert_well_formed(paths, edges, result)


def test_a_test_whose_imports_need_its_subject_is_ordered_after_them() -> None:
    """The Go shape: x_test imports package testing, whose files import x. Beside x it would
    break both edges to testing; over the limit it comes after testing, and no edge is lost."""
    paths = ["strings/x.go", "strings/x_test.go", "testing/a.go", "testing/b.go"]
    edges = [Edge("strings/x_test.go", t, ImportRef("testing", 3)) for t in paths[2:]]
    edges += [Edge(t, "strings/x.go", ImportRef("strings", 3)) for t in paths[2:]]
    with patch.object(order_module, "MAX_IMPORTS_BROKEN_FOR_A_TEST", 1):
        apart = order_files(paths, dict.fromkeys(paths, "go"), edges, DEPENDENCY)
    assert [p.path for p in apart.placed] == [
        "strings/x.go", "testing/a.go", "testing/b.go", "strings/x_test.go"]
    assert apart.removed == []
    with patch.object(order_module, "MAX_IMPORTS_BROKEN_FOR_A_TEST", 2):
        beside = order_files(paths, dict.fromkeys(paths, "go"), edges, DEPENDENCY)
    assert [p.path for p in beside.placed][:2] == ["strings/x.go", "strings/x_test.go"]
    assert [(e.src, e.dst, e.reason) for e in beside.removed] == [
        ("strings/x_test.go", "testing/a.go", "test_placement"),
        ("strings/x_test.go", "testing/b.go", "test_placement")]


@settings(max_examples=120, deadline=None)
@given(repos(with_tests=False))
def test_without_tests_the_order_is_the_all_pairs_rule(case: tuple[list[str], list[Edge]]) -> None:
    """With no test to contract, the graph-ordered files follow the report's rule computed with
    a full all-pairs shortest-path table, and the files without edges follow alphabetically."""
    paths, edges = case
    result = order_files(paths, _languages(paths), edges, DEPENDENCY)
    assert result.graph is not None
    covered = [n for n in result.graph if result.graph.degree(n)]
    kept = nx.DiGraph()
    kept.add_nodes_from(covered)
    kept.add_edges_from((s, d) for s, d, data in result.graph.edges(data=True) if data["kept"])
    expected = brute_force_nearest_first(kept) + sorted(set(paths) - set(covered))
    assert [p.path for p in result.placed] == expected


@st.composite
def dags(draw: st.DrawFn) -> nx.DiGraph:
    n = draw(st.integers(0, 24))
    graph = nx.DiGraph()
    graph.add_nodes_from(f"n{i:02d}" for i in range(n))
    if n:
        pairs = draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)),
                              max_size=3 * n))
        graph.add_edges_from(
            (f"n{a:02d}", f"n{b:02d}", {"weight": 1.0, "refs": ()}) for a, b in pairs if a != b
        )
    pruned, _ = prune_cycles(graph)
    return pruned


@settings(max_examples=200, deadline=None)
@given(dags())
def test_incremental_distances_equal_the_all_pairs_table(dag: nx.DiGraph) -> None:
    order, chosen = nearest_first_order(dag)
    assert order == brute_force_nearest_first(dag)
    undirected = dict(nx.all_pairs_shortest_path_length(dag.to_undirected()))
    for i, node in enumerate(order):
        near = [undirected[node][p] for p in order[:i] if p in undirected[node]]
        assert chosen[i] == (min(near) if near else math.inf)


def test_nearest_first_order_rejects_a_cycle() -> None:
    cyclic = nx.DiGraph([("a", "b"), ("b", "a")])
    with pytest.raises(ValueError, match="DAG"):
        nearest_first_order(cyclic)


def test_nearest_file_goes_next_and_components_stay_together() -> None:
    # z imports y imports x; a imports nothing but sits near nothing; m imports x.
    edges = [Edge(s, d, ImportRef("m", 1)) for s, d in
             [("z.py", "y.py"), ("y.py", "x.py"), ("m.py", "x.py"), ("c.py", "b.py")]]
    paths = ["x.py", "y.py", "z.py", "m.py", "b.py", "c.py", "a.py"]
    result = order_files(paths, _languages(paths), edges, DEPENDENCY)
    # b.py starts (smallest available path), its component follows; then x's component, where
    # m and y are both 1 hop from x: ties by path; a.py has no edges and comes last.
    assert [p.path for p in result.placed] == ["b.py", "c.py", "x.py", "m.py", "y.py", "z.py",
                                               "a.py"]
    assert result.distances == [math.inf, 1, math.inf, 1, 1, 1, None]
    assert result.gaps == [1, math.inf, 1, 2, 1, math.inf]
    assert result.stats["components"] == 2
    assert result.stats["largest_component"] == 4


def test_contraction_keeps_a_test_after_its_subject_and_its_helpers() -> None:
    """test_x imports helpers, helpers import x: contraction puts helpers before x+test_x
    only if that breaks no kept edge; here helpers -> x is kept and x's group waits."""
    paths = ["pkg/x.py", "pkg/helpers.py", "tests/test_x.py", "pkg/y.py"]
    edges = [
        Edge("tests/test_x.py", "pkg/x.py", ImportRef("pkg.x", 1, names=("X",))),
        Edge("tests/test_x.py", "pkg/helpers.py", ImportRef("pkg.helpers", 2, names=("h",))),
        Edge("pkg/helpers.py", "pkg/x.py", ImportRef("pkg.x", 1, names=("X", "Y"))),
        Edge("pkg/y.py", "pkg/x.py", ImportRef("pkg.x", 1)),
    ]
    result = order_files(paths, _languages(paths), edges, DEPENDENCY)
    order = [(p.path, p.reason.value) for p in result.placed]
    assert order[:2] == [("pkg/x.py", "dependency"), ("tests/test_x.py", "test_of")]
    # the contracted cycle {x, test_x} -> helpers -> x costs its weakest edge
    assert [(e.src, e.dst) for e in result.removed] == [("tests/test_x.py", "pkg/helpers.py")]
    _assert_well_formed(paths, edges, result)


def test_subject_importing_its_test_is_reported() -> None:
    paths = ["foo.py", "test_foo.py"]
    edges = [Edge("foo.py", "test_foo.py", ImportRef("test_foo", 1))]
    result = order_files(paths, _languages(paths), edges, DEPENDENCY)
    assert [p.path for p in result.placed] == ["foo.py", "test_foo.py"]
    assert [(e.src, e.reason) for e in result.removed] == [("foo.py", "test_placement")]
    assert result.stats["edges_removed_for_tests"] == 1


def _fixture_inputs() -> tuple[list[str], dict[str, str], list[Edge]]:
    files = []
    for path in sorted(FIXTURE.rglob("*.py")):
        refs, _ = extract_imports(path.read_text(encoding="utf-8"), "python")
        files.append((path.relative_to(FIXTURE).as_posix(), "python", refs))
    edges = resolve_repo(files, {}).edges
    return [f[0] for f in files], {f[0]: "python" for f in files}, edges


def test_py_cycles_fixture_drops_the_type_only_and_lazy_imports() -> None:
    paths, languages, edges = _fixture_inputs()
    result = order_files(paths, languages, edges, DEPENDENCY, repo="py-cycles")
    dropped = {(e.src, e.dst): e for e in result.removed}
    assert set(dropped) == {("shop/models.py", "shop/orders.py"),
                            ("shop/pricing.py", "shop/discounts.py")}
    assert all(r.type_only for r in dropped["shop/models.py", "shop/orders.py"].refs)
    assert all(r.lazy for r in dropped["shop/pricing.py", "shop/discounts.py"].refs)
    assert [(p.path, p.reason.value) for p in result.placed] == [
        ("shop/db.py", "dependency"),
        ("shop/models.py", "dependency"),
        ("shop/pricing.py", "dependency"),
        ("tests/test_pricing.py", "test_of"),
        ("shop/discounts.py", "dependency"),
        ("shop/orders.py", "dependency"),
        ("tests/test_orders.py", "test_of"),
        ("shop/cli.py", "dependency"),
        ("tests/conftest.py", "dependency"),
        ("shop/__init__.py", "alphabetical"),
        ("tests/__init__.py", "alphabetical"),
    ]
    assert result.stats["edges_removed_for_cycles"] == 2
    assert result.stats["tests_paired"] == 2


def test_alphabetical_order_keeps_tests_beside_subjects() -> None:
    paths = ["b.py", "a.py", "test_b.py", "c.py", "test_a.py", "conftest.py"]
    edges = [Edge("a.py", "c.py", ImportRef("c", 1))]
    result = order_files(paths, _languages(paths), edges, OrderConfig(order="alphabetical"))
    assert [(p.path, p.subject) for p in result.placed] == [
        ("a.py", None), ("test_a.py", "a.py"), ("b.py", None), ("test_b.py", "b.py"),
        ("c.py", None), ("conftest.py", None),
    ]
    assert result.removed == []
    assert result.gaps == [1, math.inf, 1, math.inf, math.inf]


def test_random_order_is_seeded_by_seed_and_repo() -> None:
    paths = [f"m{i:02d}.py" for i in range(30)]
    def order(seed: int, repo: str) -> list[str]:
        config = OrderConfig(order="random")
        result = order_files(paths, _languages(paths), [], config, repo=repo, seed=seed)
        assert all(p.reason is PlaceReason.RANDOM for p in result.placed)
        return [p.path for p in result.placed]
    first = order(0, "r")
    assert sorted(first) == paths
    assert first == order(0, "r")
    assert first != paths
    assert first != order(1, "r")
    assert first != order(0, "other")
    shuffled = paths[::-1]
    config = OrderConfig(order="random")
    again = order_files(shuffled, _languages(paths), [], config, repo="r", seed=0)
    assert [p.path for p in again.placed] == first


def test_edge_cases() -> None:
    empty = order_files([], {}, [], DEPENDENCY)
    assert empty.placed == [] and empty.gaps == [] and empty.stats["edges_found"] == 0
    # unknown languages, unknown endpoints, self-imports
    edges = [Edge("a.x", "a.x", ImportRef("a", 1)), Edge("a.x", "gone.x", ImportRef("g", 1))]
    result = order_files(["a.x", "a.x"], {}, edges, DEPENDENCY)
    assert [(p.path, p.reason) for p in result.placed] == [("a.x", PlaceReason.ALPHABETICAL)]
    with pytest.raises(ValueError, match="order must be one of"):
        order_files(["a.py"], {}, [], OrderConfig(order="topological"))


# ---------------------------------------------------------------------------------------------
# explain


def test_explain_report_is_json_ready() -> None:
    paths, languages, edges = _fixture_inputs()
    result = order_files(paths, languages, edges, DEPENDENCY, repo="py-cycles")
    report = explain_order(result, "py-cycles", languages)
    text = json.dumps(report, allow_nan=False)
    assert json.loads(text) == report
    assert [item["path"] for item in report["order"]] == [p.path for p in result.placed]
    first = report["order"][0]
    assert first["reason"] == "dependency" and first["distance"] is None
    assert "new component" in first["detail"]
    test_row = next(item for item in report["order"] if item["reason"] == "test_of")
    assert test_row["detail"].startswith("test of ")
    removed = {(e["src"], e["dst"]): e for e in report["removed_edges"]}
    assert removed["shop/models.py", "shop/orders.py"]["refs"][0]["flags"] == ["type_only"]
    assert removed["shop/pricing.py", "shop/discounts.py"]["refs"][0]["flags"] == ["lazy"]
    assert len(report["edges"]) == result.stats["edges_kept"]
    assert report["component_sizes"] == [9]


@pytest.mark.parametrize("suffix", [".graphml", ".dot", ".gv", ".json"])
def test_write_graph_formats(tmp_path: Path, suffix: str) -> None:
    paths, languages, edges = _fixture_inputs()
    result = order_files(paths, languages, edges, DEPENDENCY)
    graph = annotated_graph(result, languages)
    target = tmp_path / f"graph{suffix}"
    write_graph(graph, target)
    if suffix == ".graphml":
        back = nx.read_graphml(target)
        assert set(back.edges) == set(graph.edges)
        assert back.edges["shop/models.py", "shop/orders.py"]["kept"] is False
        assert back.nodes["tests/test_orders.py"]["reason"] == "test_of"
    elif suffix == ".json":
        back = nx.node_link_graph(json.loads(target.read_text()), edges="links")
        assert set(back.edges) == set(graph.edges)
        refs = back.edges["shop/pricing.py", "shop/discounts.py"]["refs"]
        assert refs[0]["flags"] == ["lazy"]
    else:
        text = target.read_text()
        assert text.startswith("digraph imports {") and text.rstrip().endswith("}")
        assert '"shop/orders.py" -> "shop/models.py"' in text
        removed_line = next(line for line in text.splitlines()
                            if '"shop/models.py" -> "shop/orders.py"' in line)
        assert 'style="dashed"' in removed_line


def test_write_graph_rejects_unknown_extensions(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="graph format"):
        write_graph(build_graph(["a.py"], []), tmp_path / "graph.png")


def test_dot_escapes_awkward_paths(tmp_path: Path) -> None:
    graph = build_graph(['we"ird\\name.py', "b.py"],
                        [Edge('we"ird\\name.py', "b.py", ImportRef("b", 1))])
    write_graph(graph, tmp_path / "g.dot")
    assert '"we\\"ird\\\\name.py" -> "b.py"' in (tmp_path / "g.dot").read_text()
