"""The validation graph against networkx, the well-kept library it stands in for.

``simulator.validation.digraph`` replaced networkx at run time because importing
networkx cost more than the whole of Typer (see its docstring). These properties
hold it to networkx's answers on random graphs: components, reachability, cycles.
"""

from __future__ import annotations

import itertools

import networkx as nx
from hypothesis import given
from hypothesis import strategies as st

from simulator.validation.digraph import Digraph
from simulator.validation.graph import find_cycles

NODES = st.integers(min_value=0, max_value=30)
EDGES = st.lists(st.tuples(NODES, NODES), max_size=90)


def both(edges: list[tuple[int, int]]) -> tuple[Digraph, nx.DiGraph]:
    ours = Digraph.from_edges(edges)
    theirs = nx.DiGraph()
    for source, target in edges:
        theirs.add_node(source)
        theirs.add_edge(source, target)
    return ours, theirs


def canonical(components) -> list[list[int]]:
    return sorted(sorted(component) for component in components)


@given(EDGES)
def test_components_match_networkx(edges):
    ours, theirs = both(edges)

    found = ours.strongly_connected_components()

    assert canonical(found) == canonical(nx.strongly_connected_components(theirs))
    assert sum(len(component) for component in found) == len(ours) == len(theirs)


@given(EDGES.filter(bool), NODES)
def test_descendants_match_networkx(edges, pick):
    ours, theirs = both(edges)
    source = list(ours)[pick % len(ours)]
    component = next(c for c in nx.strongly_connected_components(theirs) if source in c)
    on_a_cycle = len(component) > 1 or theirs.has_edge(source, source)

    reached = ours.descendants(source)

    # networkx never counts the source; ours does when a path leads back to it.
    assert reached - {source} == nx.descendants(theirs, source)
    assert (source in reached) == on_a_cycle


@given(EDGES)
def test_a_cycle_is_found_exactly_when_networkx_finds_one(edges):
    ours, theirs = both(edges)

    cycles = find_cycles(ours, order=lambda node: node)

    assert bool(cycles) == (not nx.is_directed_acyclic_graph(theirs))
    for nodes, _ in cycles:
        closed = [*nodes, nodes[0]]
        assert all(theirs.has_edge(a, b) for a, b in itertools.pairwise(closed))
        assert len(nodes) == len(set(nodes))


def test_a_fifty_thousand_step_chain_needs_no_recursion():
    chain = [(i, i + 1) for i in range(50_000)] + [(50_000, 0)]
    graph = Digraph.from_edges(chain)

    assert len(graph.strongly_connected_components()) == 1
    assert len(graph.descendants(0)) == 50_001


def test_the_first_edge_between_two_nodes_keeps_its_data():
    graph = Digraph(["a", "b"])
    graph.add_edge("a", "b", {"pointer": "/steps/0/next"})
    graph.add_edge("a", "b", {"pointer": "/steps/0/rules/0/next"})

    assert graph.edge("a", "b") == {"pointer": "/steps/0/next"}
    assert list(graph.successors("a")) == ["b"]
