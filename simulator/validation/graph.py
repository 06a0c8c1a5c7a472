"""The step graph of a journey: references, cycles and reachability.

Nodes are step ids, in document order; an edge ``a → b`` carries the JSON
``pointer`` of the reference field that makes it (``/steps/0/rules/1/next``) and a
human ``label`` (``rules[1].next``). The graph is built once per journey from the
raw step list, so it also works on documents pydantic refused; every check below
is linear in steps plus references.

Decisions where SPEC §2 is silent:

* The first step with an id owns it. A later duplicate gets ``duplicate_step_id``;
  its own references are still checked for ``unknown_step_reference`` but add no
  edges (which step a reference to the shared id means is ambiguous), and it is
  never reported unreachable.
* A cycle is reported once per strongly connected component: the shortest cycle
  through the component's earliest step (document order), at the reference field
  of the edge that points back to that step.
* Reachability is skipped when a step is malformed (``invalid_document`` under
  ``/steps``) or a reference dangles: the graph is missing edges the author meant
  (a typo in ``next`` usually points at the very step that would be "unreachable"),
  so the warnings would be guesswork and repeat the error.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Hashable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from simulator.codes import FindingCode
from simulator.suggestions import did_you_mean
from simulator.validation.digraph import Digraph
from simulator.validation.report import Report
from simulator.validation.wire import is_object

__all__ = [
    "JourneyGraph",
    "Reference",
    "build_graph",
    "check_cycles",
    "check_reachability",
    "find_cycles",
    "references_of",
    "show_cycle",
    "step_id_at",
    "step_name",
]

_SUGGESTION_LIMIT = 20
"""Only the first unknown references get a "did you mean" (each costs a scan of the ids)."""


@dataclass(frozen=True, slots=True)
class Reference:
    """One reference field of a step: ``steps[source].<label>`` names step ``target``."""

    source: int
    target: str
    pointer: str
    label: str


@dataclass(frozen=True)
class JourneyGraph:
    graph: Digraph
    """Step ids as nodes (document order); edges carry ``pointer`` and ``label``."""
    index: Mapping[str, int]
    """Each step id's position in ``steps`` (its first occurrence)."""
    entry: str | None
    """The id of ``steps[0]``, when it has a usable one."""


def references_of(step: Any, position: int) -> Iterator[Reference]:
    """The string-valued reference fields of a raw step, in document order.

    >>> step = {"id": "b", "type": "branch", "mode": "adaptive",
    ...         "arms": [{"armId": "x", "next": "s1"}, {"armId": "y", "next": "s2"}]}
    >>> for ref in references_of(step, 4):
    ...     print(ref.pointer, ref.label, ref.target)
    /steps/4/arms/0/next arms[0].next s1
    /steps/4/arms/1/next arms[1].next s2
    """
    found: list[Any] = []
    if is_object(step):
        _collect(step, position, found)
    fields = iter(found)
    return (Reference(*ref) for ref in zip(fields, fields, fields, fields, strict=True))


def _collect(step: Mapping, position: int, out: list[Any]) -> None:
    # The hot loop of validation. References go into one flat list, four entries
    # each (position, target, pointer, label): ints and strings are not tracked by
    # the garbage collector, ten thousand tuples would be (see benchmarks/).
    kind = step.get("type")
    if kind == "exit":
        return
    if kind != "branch":
        target = step.get("next")
        if isinstance(target, str):
            out += (position, target, f"/steps/{position}/next", "next")
        if kind in ("send", "webhook"):
            return
        until_event = step.get("untilEvent")
        if is_object(until_event):
            target = until_event.get("timeoutNext")
            if isinstance(target, str):
                pointer = f"/steps/{position}/untilEvent/timeoutNext"
                out += (position, target, pointer, "untilEvent.timeoutNext")
        if kind == "wait":
            return
    mode = step.get("mode")
    if mode != "adaptive":
        _collect_items(step.get("rules"), position, "rules", out)
        target = step.get("defaultNext")
        if isinstance(target, str):
            out += (position, target, f"/steps/{position}/defaultNext", "defaultNext")
    if mode != "conditional":
        _collect_items(step.get("arms"), position, "arms", out)


def _collect_items(items: Any, position: int, name: str, out: list[Any]) -> None:
    if not isinstance(items, list):
        return
    for k, item in enumerate(items):
        target = item.get("next") if is_object(item) else None
        if isinstance(target, str):
            out += (position, target, f"/steps/{position}/{name}/{k}/next", f"{name}[{k}].next")


def step_id_at(steps: Sequence[Any], position: int) -> str | None:
    """The id of ``steps[position]`` when it has a string one."""
    step = steps[position]
    step_id = step.get("id") if isinstance(step, Mapping) else None
    return step_id if isinstance(step_id, str) else None


def step_name(steps: Sequence[Any], position: int) -> str:
    """How messages name a step: ``'welcome'``, or ``steps[3]`` when it has no id."""
    step_id = step_id_at(steps, position)
    return repr(step_id) if step_id is not None else f"steps[{position}]"


def build_graph(steps: Sequence[Any], report: Report) -> JourneyGraph:
    """Index the steps and link them.

    Reports ``duplicate_step_id`` and ``unknown_step_reference`` on the way.
    """
    index: dict[str, int] = {}
    owners: list[str | None] = []
    """The id each step owns (``None`` for duplicates and id-less steps)."""
    references: list[Any] = []
    for position, step in enumerate(steps):
        owners.append(None)
        if not is_object(step):
            continue
        step_id = step.get("id")
        if isinstance(step_id, str):
            if step_id in index:
                _report_duplicate(step_id, position, index[step_id], report)
            else:
                index[step_id] = position
                owners[position] = step_id
        _collect(step, position, references)
    graph = Digraph(index)
    for source, target, data in _edges(references, steps, index, owners, report):
        graph.add_edge(source, target, data)
    entry = owners[0] if owners else None
    return JourneyGraph(graph=graph, index=index, entry=entry)


def _edges(
    references: list[Any],
    steps: Sequence[Any],
    index: Mapping[str, int],
    owners: Sequence[str | None],
    report: Report,
) -> Iterator[tuple[str, str, dict[str, str]]]:
    """Resolve every reference: an edge when it resolves, a finding when it does not.

    A generator, so the edges go into the graph as they come and nothing piles up.
    """
    unknown, last_source, last_targets = 0, -1, set()
    fields = iter(references)
    for position, target, pointer, label in zip(fields, fields, fields, fields, strict=True):
        if target not in index:
            unknown += 1
            ref = Reference(position, target, pointer, label)
            _report_unknown(ref, steps, index, report, suggest=unknown <= _SUGGESTION_LIMIT)
            continue
        source = owners[position]
        if source is None:
            continue
        # Parallel references (two arms to one step) make one edge: the first one's.
        if last_source != position:
            last_source, last_targets = position, set()
        if target not in last_targets:
            last_targets.add(target)
            yield source, target, {"pointer": pointer, "label": label}


def _report_duplicate(step_id: str, position: int, first: int, report: Report) -> None:
    message = f"step id {step_id!r} is already used by steps[{first}]; step ids must be unique"
    report.add(FindingCode.DUPLICATE_STEP_ID, message, f"/steps/{position}/id", step_id)


def _report_unknown(
    ref: Reference, steps: Sequence[Any], index: Mapping[str, int], report: Report, suggest: bool
) -> None:
    name = step_name(steps, ref.source)
    message = f"step {name}: {ref.label} refers to step {ref.target!r}, which does not exist"
    if suggest:
        message += did_you_mean(ref.target, index)
    report.add(
        FindingCode.UNKNOWN_STEP_REFERENCE, message, ref.pointer, step_id_at(steps, ref.source)
    )


def find_cycles(
    graph: Digraph, order: Callable[[Any], Any]
) -> list[tuple[list[Hashable], dict[str, Any]]]:
    """One cycle per strongly connected component that has one.

    Each is ``(nodes, closing_edge_data)``: the shortest cycle through the
    component's first node by ``order``, starting there; the closing edge goes from
    the last node back to the first.

    >>> g = Digraph.from_edges([("a", "b"), ("b", "c"), ("c", "a"), ("c", "d")])
    >>> [nodes for nodes, _ in find_cycles(g, order="abcd".index)]
    [['a', 'b', 'c']]
    """
    cycles = []
    for component in graph.strongly_connected_components():
        start = min(component, key=order)
        if len(component) == 1 and not graph.has_edge(start, start):
            continue
        nodes = _shortest_cycle(graph, start, component)
        cycles.append((nodes, graph.edge(nodes[-1], start)))
    cycles.sort(key=lambda cycle: order(cycle[0][0]))
    return cycles


def _shortest_cycle(graph: Digraph, start: Hashable, component: set) -> list[Hashable]:
    parent: dict[Hashable, Hashable] = {start: start}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for successor in graph.successors(node):
            if successor == start:
                path = [node]
                while path[-1] != start:
                    path.append(parent[path[-1]])
                return path[::-1]
            if successor in component and successor not in parent:
                parent[successor] = node
                queue.append(successor)
    raise AssertionError("a strongly connected component always closes a cycle")


_SHOWN_HEAD, _SHOWN_TAIL = 12, 4


def show_cycle(nodes: Sequence[Hashable]) -> str:
    """A cycle as ``a → b → c → a``; a long one keeps its ends and counts the rest.

    >>> show_cycle(["a", "b", "c"])
    'a → b → c → a'
    >>> show_cycle([f"s{i}" for i in range(30)])[-46:]
    's11 → … 14 more … → s26 → s27 → s28 → s29 → s0'
    """
    names = [str(node) for node in nodes]
    if len(names) > _SHOWN_HEAD + _SHOWN_TAIL:
        hidden = len(names) - _SHOWN_HEAD - _SHOWN_TAIL
        names = [*names[:_SHOWN_HEAD], f"… {hidden} more …", *names[-_SHOWN_TAIL:]]
    return " → ".join([*names, str(nodes[0])])


def check_cycles(journey: JourneyGraph, report: Report) -> None:
    """``cycle_detected`` for each cycle, naming its steps in order."""
    for nodes, closing in find_cycles(journey.graph, order=journey.index.__getitem__):
        shown = show_cycle(nodes)
        message = (
            f"steps form a cycle: {shown} (a journey must be acyclic; every path ends in exit)"
        )
        report.add(FindingCode.CYCLE_DETECTED, message, closing["pointer"], str(nodes[-1]))


def check_reachability(journey: JourneyGraph, report: Report) -> None:
    """``unreachable_step`` for steps no path from the entry step reaches."""
    if (
        journey.entry is None
        or report.has(FindingCode.INVALID_DOCUMENT, "/steps")
        or report.has(FindingCode.UNKNOWN_STEP_REFERENCE)
    ):
        return
    reached = journey.graph.descendants(journey.entry)
    reached.add(journey.entry)
    if len(reached) == len(journey.index):
        return
    for step_id, position in journey.index.items():
        if step_id not in reached:
            message = f"step {step_id!r} cannot be reached from the entry step {journey.entry!r}"
            report.add(FindingCode.UNREACHABLE_STEP, message, f"/steps/{position}", step_id)
