"""The order in which one repository's files are packed.

``dependency`` (the default, CodeGemma's rule): what a file imports comes before it, and among
the files whose imports are all placed, the one nearest (fewest hops on the undirected pruned
import graph) to the files already placed goes next, ties by path; a file in another
component is infinitely far, so a new component starts at its smallest available path. Each
unit test is contracted with the file it tests into one node before ordering, so it lands
right after its subject, unless that would break more than ``MAX_IMPORTS_BROKEN_FOR_A_TEST``
of the imports around it (then it is ordered by its imports like any file: see
``adjacent_pairs``). Files without any import edge (in either direction) come after all
graph-ordered files, alphabetically, tests again right after their subjects.

``alphabetical``: path order, tests right after their subjects. ``random``: a seeded shuffle
of all files (StarCoder2's baseline, tests not moved), stable per (seed, repository, path).
"""

from __future__ import annotations

import heapq
import math
from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import pairwise

import networkx as nx
import xxhash

from codepack.config import OrderConfig
from codepack.graph.build import RemovedEdge, build_graph, edge_importance, prune_cycles
from codepack.graph.pairing import pair_tests
from codepack.records import Edge, Placed, PlaceReason


@dataclass(slots=True)
class OrderResult:
    """One repository's files in packed order, and what the graph looked like.

    ``gaps[i]`` is the hop distance between ``placed[i]`` and ``placed[i + 1]`` on the undirected
    graph of kept import edges plus test -> subject links (``math.inf`` across components and
    for files without edges): the example cutter cuts between the least related neighbours.
    ``distances[i]`` is, for a file placed by the dependency rule, its distance to the files
    placed before it when it was chosen (``math.inf`` when it started a new component), and
    None for other reasons. ``graph`` is the file-level import graph with every edge found;
    its edge attribute ``kept`` tells which ones the order honours.
    """

    placed: list[Placed]
    gaps: list[float]
    removed: list[RemovedEdge]
    stats: dict[str, int]
    distances: list[float | None] = field(default_factory=list)
    component_sizes: list[int] = field(default_factory=list)
    graph: nx.DiGraph | None = None


def order_files(
    paths: Sequence[str],
    languages: Mapping[str, str],
    edges: Sequence[Edge],
    config: OrderConfig,
    repo: str = "",
    seed: int = 0,
) -> OrderResult:
    """Order one repository's files (see the module docstring for the three orders).

    ``languages`` maps path -> language id (missing paths count as an unknown language);
    ``edges`` are the resolved imports (edges to unknown paths and self-imports are ignored).
    Duplicate paths are placed once. The result depends only on the set of paths, the set of
    edges, the config, ``repo`` and ``seed`` (the run's ``PackConfig.seed``; it only moves
    the random order), never on input order.
    """
    files = sorted(set(paths))
    graph = build_graph(files, edges)
    if config.order == "random":
        pairs: dict[str, str] = {}
        placed = [Placed(p, PlaceReason.RANDOM) for p in _shuffled(files, seed, repo)]
        distances: list[float | None] = [None] * len(placed)
        removed: list[RemovedEdge] = []
    else:
        pairs = pair_tests([(p, languages.get(p, "")) for p in files], edges)
        if config.order == "alphabetical":
            groups = _TestGroups.build(files, pairs)
            placed, distances, removed = _alphabetical(groups), [None] * len(files), []
        else:
            beside, broken = adjacent_pairs(graph, pairs)
            groups = _TestGroups.build(files, beside)
            placed, distances, removed = _dependency(graph, groups, broken)

    removed_pairs = {(e.src, e.dst) for e in removed}
    for src, dst, data in graph.edges(data=True):
        data["kept"] = (src, dst) not in removed_pairs
    neighbours = _gap_graph(graph, removed_pairs, pairs)
    components = _components(neighbours)
    gaps = [
        _hop_distance(neighbours, components, a.path, b.path)
        for a, b in pairwise(placed)
    ]
    sizes = _import_component_sizes(graph)
    return OrderResult(
        placed=placed,
        gaps=gaps,
        removed=removed,
        stats=_stats(graph, placed, removed, pairs, sizes),
        distances=distances,
        component_sizes=sizes,
        graph=graph,
    )


# ---------------------------------------------------------------------------------------------
# random and alphabetical


def _shuffled(files: Sequence[str], seed: int, repo: str) -> list[str]:
    """A shuffle keyed by a stable hash of (seed, repo, path): reproducible across processes
    and Python versions, and removing one file does not reorder the others."""

    def key(path: str) -> tuple[int, str]:
        return xxhash.xxh64_intdigest(f"{seed}\0{repo}\0{path}".encode()), path

    return sorted(files, key=key)


@dataclass(slots=True)
class _TestGroups:
    """Each subject with its paired tests; every other file is a group of its own.

    A group is named by its subject (its first file), which is also its tie-break key.
    """

    members: dict[str, list[str]]  # group name -> [subject, *tests sorted]
    group_of: dict[str, str]  # file -> group name
    subject_of: dict[str, str]  # test -> subject

    @classmethod
    def build(cls, files: Sequence[str], pairs: Mapping[str, str]) -> _TestGroups:
        members: dict[str, list[str]] = {}
        group_of: dict[str, str] = {}
        for path in files:
            if path not in pairs:
                members[path] = [path]
                group_of[path] = path
        for test in sorted(pairs):
            subject = pairs[test]
            members[subject].append(test)
            group_of[test] = subject
        return cls(members, group_of, dict(pairs))


def _alphabetical(groups: _TestGroups) -> list[Placed]:
    placed: list[Placed] = []
    for name in sorted(groups.members):
        subject, *tests = groups.members[name]
        placed.append(Placed(subject, PlaceReason.ALPHABETICAL))
        placed.extend(Placed(t, PlaceReason.TEST_OF, subject) for t in tests)
    return placed


# ---------------------------------------------------------------------------------------------
# dependency order


def _dependency(
    graph: nx.DiGraph, groups: _TestGroups, broken: Sequence[tuple[str, str]] = ()
) -> tuple[list[Placed], list[float | None], list[RemovedEdge]]:
    """Contract tests with their subjects, prune cycles, linearize, expand.

    ``broken`` are the file edges that keeping the contracted tests beside their subjects
    makes impossible (``adjacent_pairs``): they leave first, as ``test_placement``, so that
    pruning does not cut some other edge of the cycles they close.

    Contraction (instead of moving each test behind its subject afterwards) keeps a test's
    dependencies before it whenever possible: the group's dependencies are the union of its
    members'. It can create cycles a file graph does not have (a test imports a helper that
    imports the subject), so pruning runs on the contracted graph; a removed group edge
    removes every file edge it stands for. Inside a group the subject comes first, then its
    tests in dependency order among themselves; a subject importing its own test is the one
    file edge this cannot honour (reason ``test_placement``).

    Groups with no import edge at all follow the dependency-ordered ones, alphabetically.
    """
    contracted, file_edges, internal = _contract(graph, groups, set(broken))
    pruned, removed_groups = prune_cycles(contracted)
    removed: list[RemovedEdge] = []
    for src, dst in broken:
        data = graph.edges[src, dst]
        removed.append(RemovedEdge(src, dst, data["weight"], data["refs"], "test_placement"))
    for cut in removed_groups:
        for src, dst in file_edges[cut.src, cut.dst]:
            data = graph.edges[src, dst]
            removed.append(RemovedEdge(src, dst, data["weight"], data["refs"]))

    succ, pred = graph.succ, graph.pred
    covered = {
        name
        for name, files in groups.members.items()
        if any(succ[f] or pred[f] for f in files)
    }
    pruned.remove_nodes_from([name for name in groups.members if name not in covered])
    order, chosen = nearest_first_order(pruned)
    placed: list[Placed] = []
    distances: list[float | None] = []
    for name, distance in zip(order, chosen, strict=True):
        subject, *tests = groups.members[name]
        placed.append(Placed(subject, PlaceReason.DEPENDENCY))
        distances.append(distance)
        test_order, test_removed = _order_tests(graph, subject, tests, internal.get(name, []))
        removed.extend(test_removed)
        placed.extend(Placed(t, PlaceReason.TEST_OF, subject) for t in test_order)
        distances.extend([None] * len(test_order))
    for name in sorted(groups.members):
        if name in covered:
            continue
        subject, *tests = groups.members[name]
        placed.append(Placed(subject, PlaceReason.ALPHABETICAL))
        placed.extend(Placed(t, PlaceReason.TEST_OF, subject) for t in tests)
        distances.extend([None] * len(groups.members[name]))
    removed.sort(key=lambda e: (e.src, e.dst))
    return placed, distances, removed


_FileEdges = list[tuple[str, str]]


def _contract(
    graph: nx.DiGraph, groups: _TestGroups, left_out: set[tuple[str, str]]
) -> tuple[nx.DiGraph, dict[tuple[str, str], _FileEdges], dict[str, _FileEdges]]:
    """The group graph without the ``left_out`` file edges, which file edges each group edge
    stands for, and each group's internal file edges."""
    file_edges: dict[tuple[str, str], _FileEdges] = {}
    internal: dict[str, _FileEdges] = {}
    group_of = groups.group_of
    for src, dst in graph.edges:
        if (src, dst) in left_out:
            continue
        a, b = group_of[src], group_of[dst]
        if a == b:
            internal.setdefault(a, []).append((src, dst))
        else:
            file_edges.setdefault((a, b), []).append((src, dst))
    edge_data = graph.edges

    def merged(members: _FileEdges) -> dict[str, object]:
        if len(members) == 1:  # the common case: the group edge is one file edge
            return edge_data[members[0]]
        refs = tuple(ref for member in members for ref in edge_data[member]["refs"])
        return {"refs": refs, "weight": edge_importance(refs)}

    contracted = nx.DiGraph()
    contracted.add_nodes_from(sorted(groups.members))
    contracted.add_edges_from(
        (a, b, merged(members)) for (a, b), members in sorted(file_edges.items())
    )
    return contracted, file_edges, internal


def _order_tests(
    graph: nx.DiGraph, subject: str, tests: list[str], internal: list[tuple[str, str]]
) -> tuple[list[str], list[RemovedEdge]]:
    """Tests of one subject in dependency order among themselves (a test that imports another
    comes after it). Edges from a test to its subject are honoured by placing the subject
    first; edges from the subject to one of its tests cannot be, and are reported."""
    removed: list[RemovedEdge] = []
    between_tests: list[tuple[str, str]] = []
    for src, dst in sorted(internal):
        if src == subject:
            data = graph.edges[src, dst]
            removed.append(RemovedEdge(src, dst, data["weight"], data["refs"], "test_placement"))
        elif dst != subject:
            between_tests.append((src, dst))
    if not between_tests:
        return tests, removed
    among_tests = nx.DiGraph()
    among_tests.add_nodes_from(tests)
    among_tests.add_edges_from((src, dst, graph.edges[src, dst]) for src, dst in between_tests)
    pruned, cut = prune_cycles(among_tests)
    order, _ = nearest_first_order(pruned)
    return order, removed + cut


# A test is placed right after its subject unless that breaks more import edges than this. A
# Go package import is an edge to each of the package's files (up to 256), so a Go test that
# imports "testing" (whose files import most low-level packages, maybe its subject's) breaks
# tens to hundreds of edges to sit beside a low-level subject; a Python test that imports the
# package whose __init__ imports its subject breaks one. On the oracle corpora
# (benchmarks/order_quality.py, README "Order quality") limits 4 / 16 / 64 keep 0.996 / 0.979 /
# 0.961 of Go's acyclic edges among packed files in order and put 0.797 / 0.938 / 0.973 of its
# tests right after their subjects: 64 keeps both above the 0.93 / 0.90 targets with margin.
MAX_IMPORTS_BROKEN_FOR_A_TEST = 64


def adjacent_pairs(
    graph: nx.DiGraph, pairs: Mapping[str, str]
) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """The test -> subject pairs worth placing side by side, and the edges that costs.

    Placing test T right after subject S breaks every edge T -> X where X also reaches S (X
    must come after S and before T, and nothing fits between them), and every edge S -> Y
    where Y reaches T. Reachability is read on the file graph with its own cycles pruned
    (``prune_cycles``), so a cycle that pruning breaks anyway costs the test nothing. A pair
    is kept when it breaks at most ``MAX_IMPORTS_BROKEN_FOR_A_TEST`` edges; a test over the
    limit is ordered by its imports like any other file. The broken edges of kept pairs are
    returned sorted, without S -> T itself (the group's internal order reports that one):
    leaving exactly these out makes each contraction acyclic, where pruning the contracted
    graph would cut whichever edges of the new cycles weigh least.

    Reachability to the paired files only is kept, as one bitset per file, built in one pass
    over a topological order: O(E * P / 64) word operations for P paired files.
    """
    if not pairs:
        return {}, []
    dag, _ = prune_cycles(graph)
    interest = sorted(set(pairs) | set(pairs.values()))
    bit = {node: 1 << i for i, node in enumerate(interest)}
    reach: dict[str, int] = {}
    for node in reversed(list(nx.topological_sort(dag))):  # dependencies first
        mask = bit.get(node, 0)
        for dep in dag.succ[node]:
            mask |= reach[dep]
        reach[node] = mask
    kept: dict[str, str] = {}
    left_out: list[tuple[str, str]] = []
    for test, subject in sorted(pairs.items()):
        broken = [(test, x) for x in dag.succ[test] if x != subject and reach[x] & bit[subject]]
        broken += [(subject, y) for y in dag.succ[subject] if reach[y] & bit[test]]
        if len(broken) <= MAX_IMPORTS_BROKEN_FOR_A_TEST:
            kept[test] = subject
            left_out.extend(edge for edge in broken if edge != (subject, test))
    return kept, sorted(left_out)


def nearest_first_order(dag: nx.DiGraph) -> tuple[list[str], list[float]]:
    """CodeGemma's linearization of a DAG, and each node's distance when it was chosen.

    Among the nodes whose dependencies (successors: ``A -> B`` means A imports B) are all
    placed, take the one with the smallest hop distance on the undirected graph to any placed
    node; a node with no path to a placed node is at ``math.inf``, so a new component starts
    at its smallest available name. Ties at distance 1 go to the node adjacent to the most
    recently placed file, then by name (the report breaks all ties by name): this keeps a
    chain of imports together, so a file more often lands in the same training example as
    the file it imports (``benchmarks/quality.py`` measures it).

    Instead of an all-pairs table (V x V does not fit for 50,000 files) the distance of every
    node to the placed set is maintained incrementally: placing a node runs a BFS from it that
    only continues through nodes whose distance shrinks. This is exact because the distance
    to a set is 1-Lipschitz: if the new node brings ``v`` closer, it brings every node on the
    shortest path to ``v`` closer too. Available nodes sit in a heap keyed
    ``(distance, -latest placed neighbour, name)``; a change pushes a fresh entry and stale
    ones are skipped when popped. Each node's distance only decreases, so the work is
    O((V + E) * D log V) for graph diameter D, near-linear on import graphs. Raises
    ``ValueError`` if ``dag`` has a cycle (some nodes never become available).
    """
    adjacency = {n: list(set(dag.succ[n]) | set(dag.pred[n])) for n in dag}
    remaining = {n: len(dag.succ[n]) for n in dag}
    distance = dict.fromkeys(dag, math.inf)
    latest = dict.fromkeys(dag, -1)  # placement step of the latest placed neighbour

    def entry(n: str) -> tuple[float, int, str]:
        return (distance[n], -latest[n] if distance[n] == 1 else 1, n)

    heap = [entry(n) for n in dag if remaining[n] == 0]
    heapq.heapify(heap)
    placed: set[str] = set()
    order: list[str] = []
    chosen: list[float] = []
    while heap:
        item = heapq.heappop(heap)
        node = item[2]
        if node in placed or item != entry(node):
            continue
        step = len(order)
        placed.add(node)
        order.append(node)
        chosen.append(item[0])
        distance[node] = 0
        queue = deque([node])
        while queue:
            u = queue.popleft()
            du = distance[u] + 1
            for w in adjacency[u]:
                if du < distance[w]:
                    distance[w] = du
                    queue.append(w)
                    if remaining[w] == 0 and w not in placed and du > 1:
                        heapq.heappush(heap, entry(w))
        for w in adjacency[node]:  # distance 1 now, and this is their latest neighbour
            latest[w] = step
            if remaining[w] == 0 and w not in placed:
                heapq.heappush(heap, entry(w))
        for importer in dag.pred[node]:
            remaining[importer] -= 1
            if remaining[importer] == 0:
                heapq.heappush(heap, entry(importer))
    if len(order) != len(distance):
        raise ValueError("nearest_first_order needs a DAG; prune_cycles first")
    return order, chosen


# ---------------------------------------------------------------------------------------------
# gaps and stats


def _gap_graph(
    graph: nx.DiGraph, removed: set[tuple[str, str]], pairs: Mapping[str, str]
) -> dict[str, set[str]]:
    """Undirected adjacency of kept import edges plus test -- subject links."""
    neighbours: dict[str, set[str]] = {n: set() for n in graph}
    for src, dst in graph.edges:
        if (src, dst) not in removed:
            neighbours[src].add(dst)
            neighbours[dst].add(src)
    for test, subject in pairs.items():
        neighbours[test].add(subject)
        neighbours[subject].add(test)
    return neighbours


def _components(neighbours: Mapping[str, set[str]]) -> dict[str, int]:
    component: dict[str, int] = {}
    for start in neighbours:
        if start in component:
            continue
        label = len(component)
        component[start] = label
        stack = [start]
        while stack:
            for nxt in neighbours[stack.pop()]:
                if nxt not in component:
                    component[nxt] = label
                    stack.append(nxt)
    return component


def _hop_distance(
    neighbours: Mapping[str, set[str]], component: Mapping[str, int], a: str, b: str
) -> float:
    """Bidirectional BFS; ``math.inf`` across components without searching."""
    if a == b:
        return 0
    if component[a] != component[b]:
        return math.inf
    seen = {a: 0, b: 1}  # which side reached a node
    depth = {a: 0, b: 0}
    frontiers = ([a], [b])
    while frontiers[0] and frontiers[1]:
        side = 0 if len(frontiers[0]) <= len(frontiers[1]) else 1
        next_frontier: list[str] = []
        for node in frontiers[side]:
            for nxt in neighbours[node]:
                if nxt in seen:
                    if seen[nxt] != side:
                        return depth[node] + 1 + depth[nxt]
                    continue
                seen[nxt] = side
                depth[nxt] = depth[node] + 1
                next_frontier.append(nxt)
        frontiers = (next_frontier, frontiers[1]) if side == 0 else (frontiers[0], next_frontier)
    return math.inf


def _import_component_sizes(graph: nx.DiGraph) -> list[int]:
    """Sizes of the weakly connected components that have at least one import edge."""
    sizes = [len(c) for c in nx.weakly_connected_components(graph) if len(c) > 1]
    return sorted(sizes, reverse=True)


def _stats(
    graph: nx.DiGraph,
    placed: Sequence[Placed],
    removed: Sequence[RemovedEdge],
    pairs: Mapping[str, str],
    sizes: Sequence[int],
) -> dict[str, int]:
    by_reason = {reason: 0 for reason in PlaceReason}
    for p in placed:
        by_reason[p.reason] += 1
    return {
        "edges_found": graph.number_of_edges(),
        "edges_kept": graph.number_of_edges() - len(removed),
        "edges_removed_for_cycles": sum(1 for e in removed if e.reason == "cycle"),
        "edges_removed_for_tests": sum(1 for e in removed if e.reason == "test_placement"),
        "files_by_dependency": by_reason[PlaceReason.DEPENDENCY],
        "files_by_test": by_reason[PlaceReason.TEST_OF],
        "files_by_fallback": by_reason[PlaceReason.ALPHABETICAL],
        "files_by_random": by_reason[PlaceReason.RANDOM],
        "tests_paired": len(pairs),
        "components": len(sizes),
        "largest_component": sizes[0] if sizes else 0,
    }
