"""A small directed graph: the steps of a journey, the segments of a workspace.

Validation needs three things of a graph: the successors of a node, the nodes a
path from the entry reaches, and the strongly connected components (the cycles).
This module is those, on a dict of dicts, in document order.

Why not networkx, which the project used here first: importing it costs 90–100 ms
on this project's machines (more than Python and Typer together, and it imports
``importlib.metadata`` to look for backends), and every ``validate`` and
``simulate`` paid it before doing anything, for three textbook algorithms (issue 9:
``validate`` of one small file within 3× of ``import typer``). networkx stays in
the test extras as the oracle: ``tests/unit/test_validation_digraph.py`` checks
these functions against it on random graphs.

All of it is iterative (a 50,000-step chain must not hit the recursion limit) and
linear in nodes plus edges.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Iterator
from typing import Any

__all__ = ["Digraph"]


class Digraph:
    """Nodes in insertion order; at most one edge from a node to another, with data.

    >>> g = Digraph(["a", "b", "c"])
    >>> g.add_edge("a", "b", {"label": "next"})
    >>> g.add_edge("b", "c", {})
    >>> sorted(g.descendants("a")), g.edge("a", "b")
    (['b', 'c'], {'label': 'next'})
    """

    __slots__ = ("_successors",)

    def __init__(self, nodes: Iterable[Hashable] = ()) -> None:
        self._successors: dict[Hashable, dict[Hashable, Any]] = {node: {} for node in nodes}

    def add_node(self, node: Hashable) -> None:
        self._successors.setdefault(node, {})

    def add_edge(self, source: Hashable, target: Hashable, data: Any = None) -> None:
        """Link ``source`` to ``target`` (adding either node); the first edge's data is kept."""
        self.add_node(target)
        self._successors.setdefault(source, {}).setdefault(target, data)

    def __contains__(self, node: object) -> bool:
        return node in self._successors

    def __iter__(self) -> Iterator[Hashable]:
        return iter(self._successors)

    def __len__(self) -> int:
        return len(self._successors)

    def successors(self, node: Hashable) -> Iterator[Hashable]:
        return iter(self._successors[node])

    def has_edge(self, source: Hashable, target: Hashable) -> bool:
        return target in self._successors.get(source, ())

    def edge(self, source: Hashable, target: Hashable) -> Any:
        """The data of the edge ``source → target`` (``KeyError`` when there is none)."""
        return self._successors[source][target]

    def descendants(self, source: Hashable) -> set[Hashable]:
        """The nodes some path from ``source`` reaches, without ``source`` unless on a cycle.

        >>> sorted(Digraph.from_edges([("a", "b"), ("b", "a"), ("c", "a")]).descendants("a"))
        ['a', 'b']
        """
        successors = self._successors
        reached: set[Hashable] = set()
        stack = [source]
        while stack:
            for successor in successors[stack.pop()]:
                if successor not in reached:
                    reached.add(successor)
                    stack.append(successor)
        return reached

    def strongly_connected_components(self) -> list[set[Hashable]]:
        """Tarjan's components, each a set; every node is in exactly one.

        A component of one node is a cycle only when that node has an edge to itself.

        >>> g = Digraph.from_edges([("a", "b"), ("b", "c"), ("c", "a"), ("c", "d")])
        >>> sorted(sorted(component) for component in g.strongly_connected_components())
        [['a', 'b', 'c'], ['d']]
        """
        successors = self._successors
        index: dict[Hashable, int] = {}
        low: dict[Hashable, int] = {}
        on_stack: set[Hashable] = set()
        stack: list[Hashable] = []
        work: list[tuple[Hashable, Iterator[Hashable]]] = []
        components: list[set[Hashable]] = []

        def enter(node: Hashable) -> None:
            index[node] = low[node] = len(index)
            stack.append(node)
            on_stack.add(node)
            work.append((node, iter(successors[node])))

        for root in successors:
            if root in index:
                continue
            enter(root)
            while work:
                node, pending = work[-1]
                for successor in pending:
                    if successor not in index:
                        # Descend; ``pending`` resumes when ``node`` is back on top.
                        enter(successor)
                        break
                    if successor in on_stack:
                        low[node] = min(low[node], index[successor])
                else:  # every successor seen: ``node`` is done
                    work.pop()
                    if work:
                        parent = work[-1][0]
                        low[parent] = min(low[parent], low[node])
                    if low[node] == index[node]:
                        components.append(_pop_component(stack, on_stack, node))
        return components

    @classmethod
    def from_edges(cls, edges: Iterable[tuple[Hashable, Hashable]]) -> Digraph:
        """A graph of these edges (no data), nodes in order of first mention."""
        graph = cls()
        for source, target in edges:
            graph.add_node(source)
            graph.add_edge(source, target, {})
        return graph


def _pop_component(stack: list[Hashable], on_stack: set[Hashable], root: Hashable) -> set[Hashable]:
    """Pop the nodes above and including ``root``: one strongly connected component."""
    component = set()
    while True:
        member = stack.pop()
        on_stack.discard(member)
        component.add(member)
        if member == root:
            return component
