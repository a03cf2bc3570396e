"""The check ``governance-graph``: the graph invariants (docs/findings.md), asked of the one governance graph.

The graph (:mod:`govcell.derive.graph`, built once per :class:`~govcell.derive.analysis.Analysis`)
already holds the references that name nothing; this check adds what must hold
of its nodes: stories have requirements, requirements ACs, kernel ACs a test or
a scenario, required commands a flow, ADRs a reference, done tasks done
dependencies; no dependency cycle, no ID shared across kinds.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from govcell.diagnostics import Diagnostic, diag
from govcell.derive.graph import KIND_NAMES

if TYPE_CHECKING:
    from govcell.derive.analysis import Analysis
    from govcell.derive.graph import GovGraph


def check(analysis: Analysis) -> list[Diagnostic]:
    """Every graph invariant (docs/findings.md, "Graph invariants"), as findings naming both ends."""
    graph = analysis.graph
    g = graph.store
    nodes = g.nodes
    found = list(graph.diagnostics)
    succ, pred = g.succ, g.pred

    def at(k: str) -> tuple[str, int, int]:
        n = nodes[k]
        return n["file"], n["line"], n["col"]

    def has_out(k: str, etype: str) -> bool:
        return any(e["type"] == etype for e in succ[k].values())

    for k, n in nodes.items():
        kind = n["kind"]
        if kind == "story" and n.get("status") != "deprecated" and not has_out(k, "contains"):
            found.append(diag("graph.story-without-req", f"story {n['id']} has no requirements", *at(k),
                              hint="add a requirement, or remove the story"))
        elif kind == "requirement" and n.get("must_have_ac") and n.get("status") != "deprecated" \
                and not has_out(k, "contains"):
            found.append(diag("graph.req-without-ac", f"requirement {n['id']} has no acceptance criteria", *at(k),
                              hint="add an AC, or set must_have_ac: false"))
        elif kind == "ac" and n.get("kernel") and n.get("status") not in ("deprecated", "draft"):
            automated = any(nodes[t]["kind"] == "test" and nodes[t].get("automated") for t in succ[k])
            scenario = any(nodes[s]["kind"] == "scenario" for s in pred[k])
            if not automated and not scenario:
                found.append(diag("graph.kernel-ac-untested",
                                  f"kernel AC {n['id']} has neither an automated test nor a scenario", *at(k),
                                  hint="tag a scenario with @" + n["id"] + " or map a unit/bdd/integration test"))
        elif kind == "command" and n.get("required") \
                and not any(e["type"] == "executes" for e in pred[k].values()):
            found.append(diag("graph.required-command-unreached",
                              f"required command '{n['id']}' is not a step of any flow", *at(k),
                              hint="add it to a flow's steps, or set required: false"))
        elif kind == "adr" and not pred[k]:
            found.append(diag("adr.unreferenced", f"{n['id']} ({n['label']}) is never referenced", *at(k),
                              severity="warning", hint="reference it with adr: from the ledger, or retire it"))
        elif kind == "task" and n.get("status") == "done":
            for dep, edge in succ[k].items():
                if edge["type"] == "depends_on" and nodes[dep].get("status") not in ("done", "cancelled"):
                    found.append(diag("graph.done-with-open-deps",
                                      f"task {n['id']} is done but its dependency {nodes[dep]['id']} is "
                                      f"{nodes[dep].get('status')}", *at(k), severity="warning",
                                      hint="finish the dependency, or correct the status"))
    found.extend(_cycles(graph))
    found.extend(_cross_kind_duplicates(graph))
    return found


def _cycles(graph: GovGraph) -> list[Diagnostic]:
    """One finding per dependency cycle, members in order, reported at its first member.

    Whether there is any cycle is decided without networkx (``graphlib``'s
    topological sort of the depends_on edges): only a cell that has one pays for
    importing it.
    """
    store = graph.store
    deps_edges = [(u, v) for u, v, d in store.edges() if d.get("type") == "depends_on"]
    if not _has_cycle(deps_edges):
        return []
    import networkx as nx

    nodes = store.nodes
    deps: nx.DiGraph[str] = nx.DiGraph()
    deps.add_edges_from(deps_edges)
    found = []
    for scc in nx.strongly_connected_components(deps):
        members = sorted(scc)
        if len(members) == 1 and not deps.has_edge(members[0], members[0]):
            continue
        start = members[0]
        order = [start]
        for _u, v in nx.find_cycle(deps.subgraph(scc), source=start):
            order.append(v)
        names = " -> ".join(nodes[k]["id"] for k in order)
        n = nodes[start]
        found.append(diag("graph.cycle", f"dependency cycle: {names}", n["file"], n["line"], n["col"],
                          hint="break the cycle: one of these must not depend on the other"))
    return found


def _has_cycle(edges: list[tuple[str, str]]) -> bool:
    """True when the directed graph of ``edges`` has a cycle (a topological order cannot be found)."""
    import graphlib

    order: graphlib.TopologicalSorter[str] = graphlib.TopologicalSorter()
    for u, v in edges:
        order.add(v, u)
    try:
        order.prepare()
    except graphlib.CycleError:
        return True
    return False


def _cross_kind_duplicates(graph: GovGraph) -> list[Diagnostic]:
    """IDs shared by nodes of different kinds (ledger-internal clashes are the ledger check's)."""
    ledger_kinds = {"story", "requirement", "ac"}
    named = {"story", "requirement", "ac", "task", "adr"}
    found = []
    for ident, keys in graph.by_id.items():
        if len(keys) < 2:
            continue  # nearly every ID: nothing shares it
        kinds = [graph.store.nodes[k]["kind"] for k in keys if graph.store.nodes[k]["kind"] in named]
        if len(kinds) < 2 or set(kinds) <= ledger_kinds:
            continue
        later = [k for k in keys if graph.store.nodes[k]["kind"] in named][1:]
        first = graph.store.nodes[keys[0]]
        for k in later:
            n = graph.store.nodes[k]
            if n["kind"] in ledger_kinds and first["kind"] in ledger_kinds:
                continue
            found.append(diag("graph.duplicate-id",
                              f"ID {ident} names both the {KIND_NAMES.get(first['kind'], first['kind'])}"
                              f" at {first['file']}:{first['line']} and a {KIND_NAMES.get(n['kind'], n['kind'])}",
                              n["file"], n["line"], n["col"],
                              hint="IDs must be unique across stories, requirements, ACs, tasks and ADRs"))
    return found
